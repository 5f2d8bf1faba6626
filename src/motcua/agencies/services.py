"""The only writers of agencies and roles, and the SQL filters that say where an officer may act."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import CharField, Exists, ExpressionWrapper, F, OuterRef, QuerySet, Value
from django.db.models.functions import Concat, Substr

from motcua.core.text import fold

from .models import Agency, Assignment, Role


@transaction.atomic
def save_agency(agency: Agency) -> Agency:
    """Validate and save an agency, keeping the materialised paths of it and its units right."""
    agency.full_clean()
    old_path = agency.path
    agency.search_text = fold(f"{agency.name} {agency.identifier}")
    agency.save()
    parent_path = Agency.objects.values_list("path", flat=True).get(pk=agency.parent_id) if agency.parent_id else "/"
    new_path = f"{parent_path}{agency.pk}/"
    if new_path != old_path:
        Agency.objects.filter(pk=agency.pk).update(path=new_path)
        if old_path:
            # Move the whole subtree in one statement.
            Agency.objects.filter(path__startswith=old_path).exclude(pk=agency.pk).update(
                path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
            )
        agency.path = new_path
    return agency


def ancestor_paths(path: str) -> list[str]:
    """The materialised paths of an agency and of every agency above it ("/1/7/" → ["/1/", "/1/7/"])."""
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def subtree(agency: Agency) -> QuerySet[Agency]:
    return Agency.objects.filter(path__startswith=agency.path)


def agencies_where(officer, roles: Iterable[Role | str]) -> QuerySet[Agency]:
    """Agencies in which the officer holds one of the roles, directly or through a parent agency.

    One SQL query whatever the number of assignments: an agency qualifies when an assignment's
    agency path is a prefix of its own path.
    """
    holding = (
        Assignment.objects.filter(officer=officer, role__in=list(roles), agency__is_active=True)
        .annotate(target_path=ExpressionWrapper(OuterRef("path"), output_field=CharField()))
        .filter(target_path__startswith=F("agency__path"))
    )
    return Agency.objects.filter(Exists(holding), is_active=True)


def schedule_for(agency: Agency | None):
    """Working hours of an agency: its own, else its nearest ancestor's, else the default (None)."""
    if agency is None:
        return None
    ancestor_ids = [int(pk) for pk in agency.path.strip("/").split("/") if pk] or [agency.pk]
    rows = {
        a.pk: a.schedule
        for a in Agency.objects.filter(pk__in=ancestor_ids, schedule__isnull=False).select_related("schedule")
    }
    for pk in reversed(ancestor_ids):
        if pk in rows:
            return rows[pk].as_schedule()
    return None
