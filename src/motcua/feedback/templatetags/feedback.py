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
