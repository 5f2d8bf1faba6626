"""The officer's "invite to rate" button on the back-office dossier page."""

from django import template

from motcua.feedback import services
from motcua.feedback.models import Rating

register = template.Library()


@register.inclusion_tag("feedback/_invite.html", takes_context=True)
def rating_invite(context, dossier):
    request = context["request"]
    devices = []
    if services.can_rate(dossier) and not Rating.objects.filter(dossier=dossier).exists():
        devices = list(services.devices_for(request.user))
    return {"dossier": dossier, "rating_devices": devices, "request": request, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("feedback/items/_on_dossier.html", takes_context=True)
def dossier_feedback(context, dossier):
    """Feedback items linked to the dossier (conduct complaints first), for its back-office page."""
    from motcua.feedback.items import about_dossier

    return {"feedback_items": list(about_dossier(dossier.pk))}
