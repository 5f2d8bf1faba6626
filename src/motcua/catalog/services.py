"""Catalogue services: search, the version in force, fees, process templates, expected returns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from motcua.agencies.models import Agency
from motcua.agencies.services import schedule_for
from motcua.core.text import fold, search_terms
from motcua.workdays.calendar import Unit
from motcua.workdays.services import calendar_for

from .models import (
    Level,
    Procedure,
    ProcedureAgency,
    ProcedureVersion,
    ProcessStep,
    ProcessTemplate,
)
from .rules import FeeLine, applicable_fees, share_error

SEARCH_COLUMNS = (
    "id",
    "procedure__code",
    "name",
    "procedure__field__code",
    "procedure__field__name",
    "level",
    "online_level",
    "time_limit_amount",
    "time_limit_unit",
    "boundary_free",
)


def in_force(on: dt.date | None = None):
    """Filter for the versions in force on a date."""
    on = on or timezone.localdate()
    return Q(effective_from__lte=on) & (Q(effective_to__isnull=True) | Q(effective_to__gt=on))


def search_text_for(version: ProcedureVersion, field_name: str) -> str:
    # Leading space: each term is matched at the start of a word (" sinh" finds "khai sinh").
    return " " + fold(f"{version.procedure.code} {version.name} {field_name} {version.resolving_agency}") + " "


def search(
    query: str = "",
    *,
    field: str | None = None,
    level: str | None = None,
    online_level: str | None = None,
    agency: str | None = None,
    after: str | None = None,
    limit: int = 20,
    on: dt.date | None = None,
) -> list[dict]:
    """Procedures in force matching an accent-insensitive query and filters, ordered by code.

    Keyset pagination: pass the last code seen as `after`. Returns plain rows, one query.
    """
    terms = search_terms(query)
    if query.strip() and not terms:
        return []  # typed, but nothing searchable (only punctuation or symbols): no match
    versions = ProcedureVersion.objects.filter(in_force(on))
    for term in terms:
        versions = versions.filter(search_text__contains=" " + term)
    if field:
        versions = versions.filter(procedure__field__code=field)
    if level in (Level.PROVINCE, Level.COMMUNE):
        versions = versions.filter(level__in=[level, Level.PROVINCE_COMMUNE])
    if online_level:
        versions = versions.filter(online_level=online_level)
    if agency:
        versions = versions.filter(
            Exists(
                ProcedureAgency.objects.filter(
                    procedure=OuterRef("procedure"),
                    agency__identifier=agency,
                    role=ProcedureAgency.Role.RESOLVING,
                )
            )
        )
    if after:
        versions = versions.filter(procedure__code__gt=after)
    return list(versions.order_by("procedure__code").values(*SEARCH_COLUMNS)[: max(1, min(limit, 100))])


def version_in_force(code: str, on: dt.date | None = None) -> ProcedureVersion | None:
    """The version of a procedure in force on a date, with what its public page shows."""
    return (
        ProcedureVersion.objects.filter(in_force(on), procedure__code=code)
        .select_related("procedure__field")
        .prefetch_related(
            "documents",
            "fees",
            Prefetch("processes", queryset=ProcessTemplate.objects.filter(agency__isnull=True)),
            "processes__steps",
        )
        .first()
    )


def resolving_agencies(procedure: Procedure) -> list[Agency]:
    return list(
        Agency.objects.filter(
            procedureagency__procedure=procedure, procedureagency__role=ProcedureAgency.Role.RESOLVING
        ).order_by("path")
    )


def fees_for(version: ProcedureVersion, channel: str, on: dt.date | None = None) -> list[FeeLine]:
    lines = [FeeLine(f.name, f.kind, f.channel, f.amount, f.effective_from) for f in version.fees.all()]
    return applicable_fees(lines, channel, on or timezone.localdate())


def fee_table(version: ProcedureVersion, on: dt.date | None = None) -> list[dict]:
    """Rows of the public fee table: each line with its amount at the counter and online
    (None where the line does not apply to that channel)."""
    rows: dict[tuple[str, str], dict] = {}
    for channel in ("in_person", "online"):
        for line in fees_for(version, channel, on):
            row = rows.setdefault((line.kind, line.name), {"name": line.name, "kind": line.kind})
            row[channel] = line.amount
    return [{"in_person": None, "online": None, **row} for row in rows.values()]


def expected_return(
    version: ProcedureVersion,
    received_at: dt.datetime | None = None,
    *,
    channel: str = "in_person",
    agency: Agency | None = None,
) -> dt.datetime:
    """When the result is due if a complete dossier were received at `received_at` (now by default)."""
    received_at = received_at or timezone.now()
    calendar = calendar_for(schedule_for(agency))
    return calendar.due(
        received_at,
        float(version.time_limit_amount),
        Unit(version.time_limit_unit),
        paper=channel != "online",
    )


def process_for(version: ProcedureVersion, agency: Agency | None) -> ProcessTemplate | None:
    """The agency's own process where the procedure allows one, else the model process."""
    templates = ProcessTemplate.objects.filter(version=version).prefetch_related("steps")
    if agency is not None and version.procedure.allow_agency_override:
        own = templates.filter(agency=agency).first()
        if own:
            return own
    return templates.filter(agency__isnull=True).first()


@transaction.atomic
def refresh_effective_ranges(procedure: Procedure) -> None:
    """Each version is in force until the next one starts."""
    versions = list(procedure.versions.order_by("effective_from"))
    for current, following in zip(versions, [*versions[1:], None], strict=True):
        end = following.effective_from if following else None
        if current.effective_to != end:
            ProcedureVersion.objects.filter(pk=current.pk).update(effective_to=end)


@transaction.atomic
def save_version(version: ProcedureVersion) -> ProcedureVersion:
    version.full_clean()
    version.search_text = search_text_for(version, version.procedure.field.name)
    version.save()
    refresh_effective_ranges(version.procedure)
    return version


@transaction.atomic
def save_process(template: ProcessTemplate, steps: Sequence[ProcessStep]) -> ProcessTemplate:
    """Save a process with its steps, refusing shares that do not add up to the time limit."""
    version = template.version
    if template.agency_id and not version.procedure.allow_agency_override:
        raise ValidationError("This procedure does not allow agencies to adapt its process.")
    check_shares(version, [(s.stage, s.share) for s in steps])
    template.full_clean()
    template.save()
    template.steps.all().delete()
    for position, step in enumerate(steps):
        step.template = template
        step.position = position
        step.full_clean()
    ProcessStep.objects.bulk_create(steps)
    return template


def check_shares(version: ProcedureVersion, steps: Iterable[tuple[int, object]]) -> None:
    error = share_error(steps, version.time_limit_amount, version.time_limit_unit)
    if error:
        raise ValidationError(f"The steps' shares do not match the time limit: {error}.")
