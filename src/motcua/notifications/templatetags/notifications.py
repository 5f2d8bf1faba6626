"""The messages of one dossier, shown on the back office's dossier page."""

from django import template

from motcua.notifications.models import Message

register = template.Library()


@register.inclusion_tag("notifications/_dossier_messages.html", takes_context=True)
def dossier_messages(context, dossier):
    rows = list(
        Message.objects.filter(dossier=dossier)
        .only("pk", "channel", "recipient", "purpose", "status", "attempts", "last_error", "created_at", "sent_at")
        .order_by("-created_at", "-id")[:50]
    )
    return {
        "dossier": dossier,
        "rows": rows,
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }
