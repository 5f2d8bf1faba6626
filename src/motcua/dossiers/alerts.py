"""Deadline warnings: officers who hold an active step that is nearly due or overdue, and the
leaders of that step's agency, get an alert once per step and kind."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from motcua.agencies.models import Assignment, Role
from motcua.agencies.services import ancestor_paths
from motcua.core import clock
from motcua.workdays.calendar import Unit
from motcua.workdays.services import calendar_for

from .models import Alert, DossierStep


def raise_alerts(now: dt.datetime | None = None, batch: int = 2000) -> int:
    """Create the alerts that are due; safe to run as often as wanted (one alert per step and kind)."""
    now = now or clock.now()
    calendar = calendar_for()
    horizon = calendar.instant(calendar.add(calendar.position(now), 1, Unit.WORKING_DAYS))
    steps = (
        DossierStep.objects.filter(state=DossierStep.State.ACTIVE, due_at__lte=horizon)
        .select_related("agency", "dossier")
        .order_by("due_at")[:batch]
    )
    created = 0
    for step in steps:
        kind = Alert.Kind.OVERDUE if step.due_at < now else Alert.Kind.DUE_SOON
        holders = Assignment.objects.filter(agency__path__in=ancestor_paths(step.agency.path), agency__is_active=True)
        if step.assignee_id:
            officers = {step.assignee_id}
        else:
            officers = set(holders.filter(role=step.role).values_list("officer_id", flat=True))
        officers |= set(holders.filter(role=Role.LEADER).values_list("officer_id", flat=True))
        existing = set(Alert.objects.filter(step=step, kind=kind).values_list("officer_id", flat=True))
        fresh = [
            Alert(officer_id=o, dossier=step.dossier, step=step, kind=kind, due_at=step.due_at, created_at=now)
            for o in sorted(officers - existing)
        ]
        Alert.objects.bulk_create(fresh, ignore_conflicts=True)
        created += len(fresh)
    return created


def alerts_for(officer, limit: int = 20) -> list[dict]:
    """The officer's unseen alerts, newest first."""
    return list(
        Alert.objects.filter(officer=officer, seen_at__isnull=True)
        .order_by("-created_at")
        .values("id", "kind", "due_at", "dossier_id", "dossier__code", "step__name")[:limit]
    )


def mark_seen(officer, alert_ids) -> int:
    return Alert.objects.filter(Q(pk__in=list(alert_ids)), officer=officer, seen_at__isnull=True).update(
        seen_at=clock.now()
    )
