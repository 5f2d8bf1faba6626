"""Template helpers for the back-office dossier page: whether the officer can sign, and the
documents signed for a dossier. Few queries: the key check is remembered for the request's user."""

from django import template

from motcua.core import clock
from motcua.documents.models import IssuedDocument, SigningKey

register = template.Library()


@register.filter
def has_signing_key(user) -> bool:
    """Whether the officer has an active key valid now (one query per page)."""
    if not (user and user.is_authenticated):
        return False
    if not hasattr(user, "_has_signing_key"):
        now = clock.now()
        user._has_signing_key = SigningKey.objects.filter(
            officer=user, active=True, valid_from__lte=now, valid_to__gt=now
        ).exists()
    return user._has_signing_key


@register.simple_tag(takes_context=True)
def signatures_panel(context, dossier) -> dict:
    """The documents signed for the dossier, and whether the officer may sign its receipt slip
    now (a receptionist of the receiving centre with a key, once the dossier is received)."""
    from motcua.agencies.models import Role
    from motcua.dossiers.services import holds_role

    user = context.get("user")
    signed = list(IssuedDocument.objects.filter(dossier=dossier).select_related("signed_by").order_by("-signed_at"))
    can_sign_receipt = (
        dossier.received_at is not None
        and has_signing_key(user)
        and holds_role(user, [Role.RECEPTIONIST], dossier.receiving_agency)
    )
    return {"signed": signed, "can_sign_receipt": can_sign_receipt}
