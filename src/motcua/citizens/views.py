"""The citizen's account pages: sign-up, one-time code, login, forgotten password, profile,
organisations, and the login through the national identity provider. Pages only: every change
goes through `services`."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from motcua.core.errors import ActionError
from motcua.core.windows import client_address as client_ip

from . import devices, identifiers, oidc, services
from .access import citizen_required, profile_of
from .models import OneTimeCode

PENDING = "citizens_pending"
IDENTITY = "citizens_identity"
BACKEND = "django.contrib.auth.backends.ModelBackend"
Purpose = OneTimeCode.Purpose


def _next(request, default: str = "") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default or reverse("citizens:account")


def _oidc_context() -> dict:
    return {"oidc_label": settings.MOTCUA_OIDC_BUTTON_LABEL if oidc.config() else ""}


def _page(request, template: str, context: dict, status: int = 200):
    return render(request, f"citizens/{template}", context, status=status)


def _status(error: ActionError) -> int:
    return 429 if error.status == 429 else 200 if error.field else error.status


def _start_code_step(request, pending: dict, next_url: str):
    request.session[PENDING] = {**pending, "next": next_url}
    return redirect("citizens:code")


# -- sign-up, code, login ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def sign_up(request):
    """Step 1 of sign-up: phone or e-mail, full name, password."""
    values = {k: request.POST.get(k, "") for k in ("contact", "full_name")}
    context = {"values": values, "next": _next(request), **_oidc_context()}
    if request.method == "POST":
        try:
            pending = services.start_sign_up(
                contact=values["contact"],
                full_name=values["full_name"],
                password=request.POST.get("password", ""),
                ip=client_ip(request),
            )
        except ActionError as error:
            return _page(request, "sign_up.html", {**context, "error": error}, _status(error))
        return _start_code_step(request, pending, context["next"])
    return _page(request, "sign_up.html", context)


@require_http_methods(["GET", "POST"])
def code(request):
    """Step 2 of sign-up, login, password reset and a new contact: the one-time code."""
    pending = request.session.get(PENDING)
    if not pending:
        messages.info(request, _("This step has expired. Please start again."))
        return redirect("citizens:login")
    context = {
        "destination": identifiers.mask(pending["destination"]),
        "by_email": "@" in pending["destination"],
        "purpose": pending["purpose"],
        "minutes": max(1, settings.MOTCUA_CODE_TTL_SECONDS // 60),
    }
    if request.method == "GET":
        return _page(request, "code.html", context)
    ip, entered = client_ip(request), request.POST.get("code", "")
    purpose = pending["purpose"]
    try:
        if purpose == Purpose.SIGN_UP:
            user = services.finish_sign_up(pending, entered, ip=ip)
            return _logged_in(request, user, pending, welcome=True)
        if purpose == Purpose.LOGIN:
            user = services.finish_login(pending, entered, ip=ip)
            return _logged_in(request, user, pending)
        if purpose == Purpose.RESET:
            request.session[PENDING] = services.check_reset_code(pending, entered, ip=ip)
            return redirect("citizens:new_password")
        services.finish_contact(pending, entered, user=request.user, ip=ip)
        request.session.pop(PENDING, None)
        messages.success(request, _("Your new contact is confirmed."))
        return redirect("citizens:account")
    except ActionError as error:
        if error.field != "code":  # the code was right, but the step cannot go on: start again
            request.session.pop(PENDING, None)
        return _page(request, "code.html", {**context, "error": error}, _status(error))


@require_POST
def resend(request):
    pending = request.session.get(PENDING)
    if not pending or pending.get("verified"):
        return redirect("citizens:login")
    try:
        services.resend(pending, ip=client_ip(request))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("A new code has been sent. The old code no longer works."))
    return redirect("citizens:code")


def _logged_in(request, user, pending: dict, *, welcome: bool = False):
    request.session.pop(PENDING, None)
    login(request, user, backend=BACKEND)
    messages.success(request, _("Welcome! Your account is ready.") if welcome else _("You are logged in."))
    response = redirect(pending.get("next") or reverse("citizens:account"))
    devices.trust(response, user)
    return response


@require_http_methods(["GET", "POST"])
def login_view(request):
    """Phone or e-mail and password; then a code, unless this device is trusted."""
    values = {"identifier": request.POST.get("identifier", "")}
    context = {"values": values, "next": _next(request), **_oidc_context()}
    if request.method == "POST":
        ip = client_ip(request)
        try:
            user = services.check_password(values["identifier"], request.POST.get("password", ""), ip=ip)
            if devices.is_trusted(request, user):
                return _logged_in(request, user, {"next": context["next"]})
            pending = services.start_login(user, values["identifier"], ip=ip)
        except ActionError as error:
            return _page(request, "login.html", {**context, "error": error}, _status(error))
        return _start_code_step(request, pending, context["next"])
    return _page(request, "login.html", context)


@require_POST
def logout_view(request):
    logout(request)
    return redirect("portal:home")


@require_http_methods(["GET", "POST"])
def forgot(request):
    values = {"identifier": request.POST.get("identifier", "")}
    context = {"values": values}
    if request.method == "POST":
        try:
            pending = services.start_reset(values["identifier"], ip=client_ip(request))
        except ActionError as error:
            return _page(request, "forgot.html", {**context, "error": error}, _status(error))
        return _start_code_step(request, pending, reverse("citizens:account"))
    return _page(request, "forgot.html", context)


@require_http_methods(["GET", "POST"])
def new_password(request):
    pending = request.session.get(PENDING)
    if not pending or pending.get("purpose") != Purpose.RESET or not pending.get("verified"):
        return redirect("citizens:forgot")
    if request.method == "POST":
        try:
            user = services.set_new_password(pending, request.POST.get("password", ""))
        except ActionError as error:
            return _page(request, "new_password.html", {"error": error}, _status(error))
        request.session.pop(PENDING, None)
        login(request, user, backend=BACKEND)
        messages.success(request, _("Your password has been changed."))
        response = redirect("citizens:account")
        devices.trust(response, user)
        return response
    return _page(request, "new_password.html", {})


# -- profile and organisations ---------------------------------------------------------------------


@citizen_required
@require_http_methods(["GET", "POST"])
def account(request):
    """The profile: name, ID number, birth date, address; contacts; the electronic identity."""
    profile = profile_of(request.user)
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("full_name", "id_number", "birth_date", "address")}
    else:
        values = {
            "full_name": profile.full_name,
            "id_number": profile.id_number,
            "birth_date": profile.birth_date.strftime("%d/%m/%Y") if profile.birth_date else "",
            "address": profile.address,
        }
    context = {"profile": profile, "values": values, **_oidc_context()}
    if request.method == "POST":
        try:
            services.update_profile(profile, **values)
        except ActionError as error:
            return _page(request, "account.html", {**context, "error": error}, _status(error))
        messages.success(request, _("Your details have been saved."))
        return redirect("citizens:account")
    return _page(request, "account.html", context)


@citizen_required
@require_http_methods(["GET", "POST"])
def add_contact(request):
    values = {"contact": request.POST.get("contact", "")}
    if request.method == "POST":
        try:
            pending = services.start_contact(profile_of(request.user), values["contact"], ip=client_ip(request))
        except ActionError as error:
            return _page(request, "contact.html", {"values": values, "error": error}, _status(error))
        return _start_code_step(request, pending, reverse("citizens:account"))
    return _page(request, "contact.html", {"values": values})


@citizen_required
@require_http_methods(["GET", "POST"])
def organisations(request):
    fields = ("tax_code", "name", "address", "position")
    values = {k: request.POST.get(k, "") for k in fields}
    context = {"values": values, "representations": services.representations_of(request.user)}
    if request.method == "POST":
        try:
            services.add_representation(request.user, **values)
        except ActionError as error:
            return _page(request, "organisations.html", {**context, "error": error}, _status(error))
        messages.success(request, _("The organisation has been added. It can be used once it is confirmed."))
        return redirect("citizens:organisations")
    return _page(request, "organisations.html", context)


@citizen_required
@require_POST
def remove_organisation(request, pk: int):
    try:
        services.remove_representation(request.user, pk)
    except ActionError as error:
        messages.error(request, error.message)
    return redirect("citizens:organisations")


# -- national identity provider -------------------------------------------------------------------


@require_http_methods(["GET"])
def identity_start(request):
    """Send the browser to the identity provider (to log in, or to link a logged-in account)."""
    intent = "link" if profile_of(request.user) else "login"
    try:
        url = oidc.start(
            request.session,
            request.build_absolute_uri(reverse("citizens:identity_return")),
            next_url=_next(request),
            intent=intent,
        )
    except ActionError as error:
        return _page(request, "identity_error.html", {"error": error}, 400)
    return redirect(url)


@require_http_methods(["GET"])
def identity_return(request):
    """The provider sends the browser back here with a code (or an error)."""
    try:
        identity, flow = oidc.finish(request.session, request.GET)
    except ActionError as error:
        return _page(request, "identity_error.html", {"error": error}, 400)
    return _identity_login(request, identity, flow.get("next", ""), separate=False)


@require_POST
def identity_separate(request):
    """The person chose a new account although a password account holds the same ID number."""
    stored = request.session.pop(IDENTITY, None)
    if not stored:
        return redirect("citizens:login")
    identity = services.Identity(**{**stored["identity"], "birth_date": _date_or_none(stored["identity"])})
    return _identity_login(request, identity, stored.get("next", ""), separate=True)


def _date_or_none(data: dict):
    import datetime as dt

    return dt.date.fromisoformat(data["birth_date"]) if data.get("birth_date") else None


def _identity_login(request, identity: services.Identity, next_url: str, *, separate: bool):
    current = request.user if profile_of(request.user) else None
    try:
        user = services.sign_in_with_identity(identity, current_user=current, separate=separate)
    except services.LinkNeeded as error:
        data = {**identity.__dict__, "birth_date": identity.birth_date.isoformat() if identity.birth_date else ""}
        request.session[IDENTITY] = {"identity": data, "next": next_url}
        return _page(request, "identity_link.html", {"error": error})
    except ActionError as error:
        return _page(request, "identity_error.html", {"error": error}, 400)
    linked = current is not None
    login(request, user, backend=BACKEND)
    messages.success(
        request, _("Your electronic identity is linked to this account.") if linked else _("You are logged in.")
    )
    return redirect(next_url or reverse("citizens:account"))
