"""Officers' work queues (to receive, to handle, due soon, overdue, waiting for the applicant, to
sign, to return): each one SQL query filtered by the officer's roles and agencies, soonest due
first, with keyset pagination and capped counts (no exact count over a large table)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from motcua.agencies.models import Role
from motcua.agencies.services import agencies_where
from motcua.core import clock
from motcua.core.text import search_terms
from motcua.workdays.calendar import Unit
from motcua.workdays.services import calendar_for

from .codes import looks_like_code
from .models import Dossier, DossierStep
from .workflow import OPEN, Status

COUNT_CAP = 1000
HANDLING_ROLES = (Role.RECEPTIONIST, Role.SPECIALIST, Role.CENTRE_HEAD)
WATCHING_ROLES = (Role.RECEPTIONIST, Role.SPECIALIST, Role.LEADER, Role.CENTRE_HEAD, Role.INSPECTOR)


@dataclass(frozen=True)
class Queue:
    name: str
    label: str
    per_step: bool  # rows are active steps (one dossier may show once per step) or dossiers


QUEUES = {
    q.name: q
    for q in [
        Queue("to_receive", "Chờ tiếp nhận", False),
        Queue("to_handle", "Cần xử lý", True),
        Queue("due_soon", "Sắp đến hạn (trong 1 ngày)", True),
        Queue("overdue", "Quá hạn", False),
        Queue("waiting_applicant", "Chờ công dân bổ sung", False),
        Queue("to_sign", "Chờ ký duyệt", True),
        Queue("to_return", "Chờ trả kết quả", False),
    ]
}

DOSSIER_COLUMNS = (
    "id",
    "code",
    "status",
    "applicant_name",
    "applicant_id_number",
    "procedure_version__name",
    "procedure_version__procedure__code",
    "received_at",
    "submitted_at",
    "due_at",
    "acceptance_due_at",
    "resolving_agency__name",
    "revision",
)
STEP_COLUMNS = (*tuple(f"dossier__{c}" for c in DOSSIER_COLUMNS), "id", "name", "role", "due_at", "agency__name")


def _steps_for(user, roles) -> QuerySet[DossierStep]:
    condition = Q()
    for role in roles:
        condition |= Q(role=role, agency__in=agencies_where(user, [role]).values("pk"))
    return DossierStep.objects.filter(condition, state=DossierStep.State.ACTIVE).filter(
        Q(assignee__isnull=True) | Q(assignee=user)
    )


def _dossiers_in(user, roles, *fields: str) -> QuerySet[Dossier]:
    agencies = agencies_where(user, roles).values("pk")
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__in": agencies})
    return Dossier.objects.filter(condition)


def _base(user, name: str, now: dt.datetime):
    if name == "to_receive":
        return _dossiers_in(user, [Role.RECEPTIONIST], "receiving_agency").filter(
            Q(status=Status.SUBMITTED) | Q(status=Status.SUPPLEMENTED, code__isnull=True)
        ), ("submitted_at", "id")
    if name == "to_handle":
        return _steps_for(user, HANDLING_ROLES), ("due_at", "id")
    if name == "to_sign":
        return _steps_for(user, [Role.LEADER]), ("due_at", "id")
    if name == "due_soon":
        calendar = calendar_for()
        horizon = calendar.instant(calendar.add(calendar.position(now), 1, Unit.WORKING_DAYS))
        return _steps_for(user, [*HANDLING_ROLES, Role.LEADER]).filter(due_at__lte=horizon), ("due_at", "id")
    if name == "overdue":
        return _dossiers_in(user, WATCHING_ROLES, "resolving_agency", "receiving_agency").filter(
            status__in=[*OPEN, Status.PROCESSED], due_at__lt=now
        ), ("due_at", "id")
    if name == "waiting_applicant":
        return _dossiers_in(user, WATCHING_ROLES, "resolving_agency", "receiving_agency").filter(
            status=Status.SUPPLEMENT_REQUESTED
        ), ("received_at", "id")
    if name == "to_return":
        return _dossiers_in(user, [Role.RECEPTIONIST], "returning_agency").filter(status=Status.PROCESSED), (
            "due_at",
            "id",
        )
    raise KeyError(name)


def _search(rows, q: str, per_step: bool):
    prefix = "dossier__" if per_step else ""
    q = (q or "").strip()[:100]
    if not q:
        return rows
    if looks_like_code(q.upper()):
        return rows.filter(**{f"{prefix}code": q.upper()})
    if q.isdigit() and len(q) in (10, 12, 13):
        return rows.filter(**{f"{prefix}applicant_id_number": q})
    terms = search_terms(q, max_terms=4)
    if not terms:
        return rows.none()
    for term in terms:
        rows = rows.filter(**{f"{prefix}search_text__contains": " " + term})
    return rows


def queue(user, name: str, *, q: str = "", after: tuple | None = None, limit: int = 50, now=None) -> list[dict]:
    """One page of a queue, as plain rows. `after` is the (sort value, id) of the last row seen."""
    now = now or clock.now()
    rows, order = _base(user, name, now)
    per_step = QUEUES[name].per_step
    rows = _search(rows, q, per_step)
    key, tie = order
    if after is not None:
        value, last_id = after
        rows = rows.filter(Q(**{f"{key}__gt": value}) | Q(**{key: value, f"{tie}__gt": last_id}))
    columns = STEP_COLUMNS if per_step else DOSSIER_COLUMNS
    page = list(rows.order_by(key, tie).values(*columns)[: max(1, min(limit, 200))])
    if per_step:
        # Step rows carry the step's own id and due time beside the dossier's columns.
        for row in page:
            row["step_id"] = row.pop("id")
            row["step_due_at"] = row.pop("due_at")
            row["step_name"] = row.pop("name")
            for column in DOSSIER_COLUMNS:
                row["dossier_id" if column == "id" else column] = row.pop(f"dossier__{column}")
    return page


def counts(user, now=None) -> dict[str, int]:
    """How many rows each queue holds, up to COUNT_CAP (shown as "1000+")."""
    now = now or clock.now()
    return {name: _base(user, name, now)[0][:COUNT_CAP].count() for name in QUEUES}
