"""What changes a citizen's account: sign-up, login, password reset, the profile and its contacts,
the link with the national identity provider, and the organisations a person represents.

Pages keep a small "pending" dict in the session between a step that sends a one-time code and
the step that checks it; these functions create and consume it. An account's existence is never
told to someone who has not proved that the phone or e-mail is theirs.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.errors import Conflict, Invalid, NotAllowed
from motcua.core.text import nfc

from . import codes, identifiers, ratelimit
from .access import profile_of
from .models import OneTimeCode, Profile, Representation

User = get_user_model()
Purpose = OneTimeCode.Purpose
Pending = dict  # kept in the session: purpose, destination, and what the step needs


# -- helpers -------------------------------------------------------------------------------------


def _name(text: str, field: str = "full_name") -> str:
    name = nfc(text or "")
    if not name:
        raise Invalid(_("Enter your full name."), field)
    if len(name) > 200:
        raise Invalid(_("The name is too long (at most 200 characters)."), field)
    return name


def _check_password(password: str, user=None) -> None:
    try:
        validate_password(password or "", user=user)
    except ValidationError as exc:
        raise Invalid(" ".join(exc.messages), "password") from None


def _new_username() -> str:
    # The login is the phone or e-mail on the profile; the username is only an internal key.
    return f"citizen-{secrets.token_hex(10)}"


def _profile_with(contact: identifiers.Contact) -> Profile | None:
    return Profile.objects.filter(**{contact.kind: contact.value}).select_related("user").first()


def _kind(destination: str) -> str:
    return "email" if "@" in destination else "phone"


def _expect(pending: Pending | None, purpose: str) -> Pending:
    if not pending or pending.get("purpose") != purpose:
        raise Conflict(_("This step has expired. Please start again."))
    return pending


def resend(pending: Pending, *, ip: str) -> None:
    """Send a new code for the step in progress (the old one stops working)."""
    codes.issue(pending["destination"], pending["purpose"], ip=ip, resend=True)


# -- sign-up -------------------------------------------------------------------------------------


def start_sign_up(*, contact: str, full_name: str, password: str, ip: str) -> Pending:
    """Check the form and send a code to the phone or e-mail. Nothing is created until the code
    comes back, and whether the contact is already taken is told only to its holder."""
    who = identifiers.contact(contact)
    name = _name(full_name)
    _check_password(password, User(username=who.value, first_name=name))
    ratelimit.hit("sign_up_ip", ip)
    codes.issue(who.value, Purpose.SIGN_UP, ip=ip)
    return {
        "purpose": Purpose.SIGN_UP,
        "destination": who.value,
        "full_name": name,
        "password": make_password(password),
    }


def finish_sign_up(pending: Pending, code: str, *, ip: str) -> User:
    """The code proved the contact: create the active account."""
    pending = _expect(pending, Purpose.SIGN_UP)
    destination = pending["destination"]
    codes.verify(destination, Purpose.SIGN_UP, code, ip=ip)
    kind = _kind(destination)
    taken = _("An account already uses this phone number or e-mail address. Log in, or use “Forgotten password”.")
    if Profile.objects.filter(**{kind: destination}).exists():
        raise Conflict(taken)
    now = clock.now()
    try:
        with transaction.atomic():
            user = User.objects.create(username=_new_username(), password=pending["password"], is_active=True)
            Profile.objects.create(
                user=user, full_name=pending["full_name"], **{kind: destination, f"{kind}_verified_at": now}
            )
    except IntegrityError:
        raise Conflict(taken) from None
    return user


# -- login ---------------------------------------------------------------------------------------


def check_password(identifier: str, password: str, *, ip: str) -> User:
    """The account behind a phone or e-mail and password. One message for every failure, so that
    nobody learns whether an account exists."""
    who = identifiers.contact(identifier, field="identifier")
    ratelimit.check("login_ip", ip, field="password")
    ratelimit.check("login_identifier", who.value, field="password")
    profile = _profile_with(who)
    user = profile.user if profile else None
    if user is None or not user.is_active:
        make_password(password)  # as slow as a real check
        ok = False
    else:
        ok = user.check_password(password or "")
    if not ok:
        ratelimit.count("login_ip", ip)
        ratelimit.count("login_identifier", who.value)
        raise Invalid(_("The phone number or e-mail address, or the password, is not correct."), "password")
    ratelimit.reset("login_identifier", who.value)
    return user


def login_destination(user, identifier: str) -> str:
    """Where the login code goes: the contact the person typed (it is on the profile)."""
    return identifiers.contact(identifier, field="identifier").value


def start_login(user, identifier: str, *, ip: str) -> Pending:
    destination = login_destination(user, identifier)
    codes.issue(destination, Purpose.LOGIN, ip=ip)
    return {"purpose": Purpose.LOGIN, "destination": destination, "user": user.pk}


def finish_login(pending: Pending, code: str, *, ip: str) -> User:
    pending = _expect(pending, Purpose.LOGIN)
    codes.verify(pending["destination"], Purpose.LOGIN, code, ip=ip)
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        raise Conflict(_("This step has expired. Please start again."))
    return user


# -- forgotten password ----------------------------------------------------------------------------


def start_reset(identifier: str, *, ip: str) -> Pending:
    """Send a code to the phone or e-mail, whether or not an account uses it: only its holder
    finds out, after entering the code."""
    who = identifiers.contact(identifier, field="identifier")
    codes.issue(who.value, Purpose.RESET, ip=ip)
    return {"purpose": Purpose.RESET, "destination": who.value}


def check_reset_code(pending: Pending, code: str, *, ip: str) -> Pending:
    pending = _expect(pending, Purpose.RESET)
    destination = pending["destination"]
    codes.verify(destination, Purpose.RESET, code, ip=ip)
    profile = Profile.objects.filter(**{_kind(destination): destination}).first()
    if profile is None:
        raise Conflict(_("No account uses this phone number or e-mail address. You can sign up with it."))
    return {**pending, "user": profile.user_id, "verified": True}


def set_new_password(pending: Pending, password: str) -> User:
    pending = _expect(pending, Purpose.RESET)
    if not pending.get("verified"):
        raise Conflict(_("This step has expired. Please start again."))
    user = User.objects.get(pk=pending["user"])
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    ratelimit.reset("login_identifier", pending["destination"])
    return user


# -- profile -------------------------------------------------------------------------------------


def _date(text: str, field: str) -> dt.date | None:
    """A date typed as day/month/year (15/03/1960, 15-3-1960) or as 1960-03-15."""
    text = (text or "").strip().replace(".", "/").replace("-", "/")
    if not text:
        return None
    parts = text.split("/")
    try:
        if len(parts) == 3 and len(parts[0]) == 4:
            value = dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
        elif len(parts) == 3:
            value = dt.date(int(parts[2]), int(parts[1]), int(parts[0]))
        else:
            raise ValueError(text)
    except ValueError:
        raise Invalid(_("Enter the date as day/month/year, for example 15/03/1960."), field) from None
    if value > clock.now().date() or value.year < 1900:
        raise Invalid(_("This date of birth is not possible."), field)
    return value


def update_profile(profile: Profile, *, full_name: str, id_number: str, birth_date: str, address: str) -> Profile:
    """Complete or correct the profile. An ID number given by the identity provider stays."""
    name = _name(full_name)
    born = _date(birth_date, "birth_date")
    number = nfc(id_number or "")
    if profile.id_number_verified_at:
        if number and number != profile.id_number:
            raise Invalid(
                _("This ID number was confirmed by the identity provider and cannot be changed."), "id_number"
            )
        number = profile.id_number
    elif number:
        number = identifiers.id_number(number, born)
    address = nfc(address or "")
    if len(address) > 300:
        raise Invalid(_("The address is too long (at most 300 characters)."), "address")
    profile.full_name, profile.id_number, profile.birth_date, profile.address = name, number, born, address
    profile.save(update_fields=["full_name", "id_number", "birth_date", "address"])
    return profile


def start_contact(profile: Profile, text: str, *, ip: str) -> Pending:
    """Add or change a phone number or e-mail address: a code goes to the new one first."""
    who = identifiers.contact(text)
    if getattr(profile, who.kind) == who.value:
        raise Invalid(_("This is already on your account."), "contact")
    codes.issue(who.value, Purpose.CONTACT, ip=ip)
    return {"purpose": Purpose.CONTACT, "destination": who.value, "user": profile.user_id}


def finish_contact(pending: Pending, code: str, *, user, ip: str) -> Profile:
    pending = _expect(pending, Purpose.CONTACT)
    profile = profile_of(user)
    if profile is None or profile.user_id != pending.get("user"):
        raise NotAllowed(_("This step has expired. Please start again."))
    destination = pending["destination"]
    codes.verify(destination, Purpose.CONTACT, code, ip=ip)
    kind = _kind(destination)
    taken = _("Another account already uses this phone number or e-mail address.")
    if Profile.objects.filter(**{kind: destination}).exclude(pk=profile.pk).exists():
        raise Conflict(taken)
    setattr(profile, kind, destination)
    setattr(profile, f"{kind}_verified_at", clock.now())
    try:
        with transaction.atomic():
            profile.save(update_fields=[kind, f"{kind}_verified_at"])
    except IntegrityError:
        raise Conflict(taken) from None
    return profile


# -- national identity provider ------------------------------------------------------------------


@dataclass
class Identity:
    """What the identity provider says about the person (claims already checked)."""

    subject: str
    full_name: str = ""
    id_number: str = ""
    birth_date: dt.date | None = None
    phone: str = ""
    email: str = ""
    address: str = ""
    organisations: list[dict] = field(default_factory=list)


class LinkNeeded(Conflict):
    """A password account already holds this ID number: the person must log in to link it."""


def sign_in_with_identity(identity: Identity, *, current_user=None, separate: bool = False) -> User:
    """The account for a person the identity provider vouched for.

    - a profile already linked to the subject: that one (details refreshed);
    - someone logged in with a password: their profile gets linked (they proved both);
    - a password account with the same ID number, nobody logged in: LinkNeeded, unless the person
      chose a separate account — a typed ID number is only that account holder's word, so it is
      never linked without the password;
    - else: a new account.
    """
    with transaction.atomic():
        profile = Profile.objects.select_for_update().filter(oidc_subject=identity.subject).first()
        if profile is None:
            current = profile_of(current_user)
            if current is not None:
                profile = _link(current, identity)
            elif (
                identity.id_number
                and not separate
                and Profile.objects.filter(id_number=identity.id_number, oidc_subject__isnull=True).exists()
            ):
                raise LinkNeeded(
                    _(
                        "An account on this portal already has your ID number. Log in with its password, "
                        "then link your electronic identity from the “Account” page."
                    )
                )
            else:
                user = User.objects.create(username=_new_username(), is_active=True)
                user.set_unusable_password()
                user.save(update_fields=["password"])
                profile = Profile(user=user, oidc_subject=identity.subject)
        _apply(profile, identity)
        sync_organisations(profile.user, identity.organisations)
        return profile.user


def _link(profile: Profile, identity: Identity) -> Profile:
    if profile.oidc_subject and profile.oidc_subject != identity.subject:
        raise Conflict(_("Your account is already linked to another electronic identity."))
    if profile.id_number and identity.id_number and profile.id_number != identity.id_number:
        raise Conflict(
            _("The ID number on your account differs from your electronic identity's. Correct it, then try again.")
        )
    profile.oidc_subject = identity.subject
    return profile


def _apply(profile: Profile, identity: Identity) -> None:
    """The provider's verified details win over typed ones; contacts are added only when free."""
    now = clock.now()
    if identity.full_name:
        profile.full_name = nfc(identity.full_name)[:200]
    if identity.id_number:
        try:
            profile.id_number = identifiers.id_number(identity.id_number)
            profile.id_number_verified_at = now
        except Invalid:
            pass
    if identity.birth_date:
        profile.birth_date = identity.birth_date
    if identity.address and not profile.address:
        profile.address = nfc(identity.address)[:300]
    for kind, raw in (("phone", identity.phone), ("email", identity.email)):
        if getattr(profile, kind) or not raw:
            continue
        try:
            who = identifiers.contact(raw)
        except Invalid:
            continue
        if who.kind == kind and not Profile.objects.filter(**{kind: who.value}).exclude(pk=profile.pk).exists():
            setattr(profile, kind, who.value)
            setattr(profile, f"{kind}_verified_at", now)
    profile.full_name = profile.full_name or _("Citizen")
    profile.save()


# -- organisations ---------------------------------------------------------------------------------


def organisations_of(user) -> QuerySet[Representation]:
    """The organisations the person may act for: verified representations only."""
    return Representation.objects.filter(user=user, verified_at__isnull=False).order_by("name")


def representations_of(user) -> QuerySet[Representation]:
    """Every representation the person declared, verified or waiting."""
    return Representation.objects.filter(user=user).order_by("-verified_at", "name")


def add_representation(user, *, tax_code: str, name: str, address: str = "", position: str = "") -> Representation:
    """Declare that one represents an organisation; an administrator confirms it later."""
    if profile_of(user) is None:
        raise NotAllowed(_("Only a citizen's account can represent an organisation."))
    code = identifiers.tax_code(tax_code)
    name = nfc(name or "")
    if not name:
        raise Invalid(_("Enter the organisation's name."), "name")
    if Representation.objects.filter(user=user, tax_code=code).exists():
        raise Invalid(_("You have already added this organisation."), "tax_code")
    return Representation.objects.create(
        user=user, tax_code=code, name=name[:300], address=nfc(address or "")[:300], position=nfc(position or "")[:100]
    )


def remove_representation(user, pk: int) -> None:
    deleted, _rows = Representation.objects.filter(user=user, pk=pk).delete()
    if not deleted:
        raise NotAllowed(_("This organisation is not on your account."))


def confirm_representation(representation: Representation, *, by) -> Representation:
    """A provincial administrator checked the papers (e.g. the business registration)."""
    if representation.verified_at is None:
        representation.verified_by = Representation.Verification.ADMINISTRATOR
        representation.verified_at = clock.now()
        representation.confirmed_by = by
        representation.save(update_fields=["verified_by", "verified_at", "confirmed_by"])
    return representation


def sync_organisations(user, organisations: list[dict]) -> None:
    """Take the organisations the identity provider lists as verified; those it listed before and
    no longer lists lose the provider's word (an administrator's confirmation stays)."""
    now, seen = clock.now(), set()
    for item in organisations or []:
        if not isinstance(item, dict):
            continue
        try:
            code = identifiers.tax_code(str(item.get("tax_code", "")))
        except Invalid:
            continue
        seen.add(code)
        Representation.objects.update_or_create(
            user=user,
            tax_code=code,
            defaults={
                "name": nfc(str(item.get("name", "")))[:300] or code,
                "address": nfc(str(item.get("address", "")))[:300],
                "position": nfc(str(item.get("position", "")))[:100],
                "verified_by": Representation.Verification.IDENTITY_PROVIDER,
                "verified_at": now,
            },
        )
    Representation.objects.filter(user=user, verified_by=Representation.Verification.IDENTITY_PROVIDER).exclude(
        tax_code__in=seen
    ).update(verified_by="", verified_at=None)
