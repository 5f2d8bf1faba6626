"""Which dossiers a citizen may follow on the portal and through the API: a filter in SQL."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Dossier


def owned_by(user) -> QuerySet[Dossier]:
    """The dossiers of a portal account; nothing at all for anyone else."""
    if user is None or not user.is_authenticated:
        return Dossier.objects.none()
    return Dossier.objects.filter(owner=user)
