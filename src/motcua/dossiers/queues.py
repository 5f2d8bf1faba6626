"""Officers' work queues (to receive, to handle, due soon, overdue, waiting for the applicant, to
sign, to return): the officer's agencies per role in one SQL query, then each queue in one more,
filtered on them, soonest due first, with keyset pagination and capped counts (no exact count
over a large table)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import F, Q, QuerySet

from motcua.agencies.models import Agency, Assignment, Role
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
    order: str = "due_at"  # the sort column (then the row's id); rows without a value come last


QUEUES = {
    q.name: q
    for q in [
        Queue("to_receive", "Chờ tiếp nhận", False, "submitted_at"),
        Queue("to_handle", "Cần xử lý", True),
        Queue("due_soon", "Sắp đến hạn (trong 1 ngày)", True),
        Queue("overdue", "Quá hạn", False),
        # A dossier sent back with Form 02 at reception was never received: no received_at.
        Queue("waiting_applicant", "Chờ công dân bổ sung", False, "received_at"),
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


def _scope(user) -> dict[str, list[int]]:
    """For each role the officer holds, the agencies where he holds it, directly or through a
    parent agency: one statement. The queues then filter on these ids, which their indexes serve;
    a subquery there is estimated so badly (the agencies come from a prefix match on paths) that
    PostgreSQL would scan every active step of the province, and compiling it costs more than
    running this."""
    if user is None or not user.is_authenticated:
        return {}
    assignments, agencies = Assignment._meta.db_table, Agency._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.role, a.id FROM {assignments} s "  # noqa: S608 — table names are ours
            f"JOIN {agencies} held ON held.id = s.agency_id "
            f"JOIN {agencies} a ON a.path LIKE held.path || '%%' "
            "WHERE s.officer_id = %s AND held.is_active = %s AND a.is_active = %s",
            [user.pk, True, True],
        )
        scope: dict[str, set[int]] = {}
        for role, agency_id in cursor.fetchall():
            scope.setdefault(role, set()).add(agency_id)
    return {role: sorted(ids) for role, ids in scope.items()}


def _steps_for(scope, user, roles) -> QuerySet[DossierStep]:
    condition = Q()
    for role in roles:
        if scope.get(role):
            condition |= Q(role=role, agency_id__in=scope[role])
    if not condition:
        return DossierStep.objects.none()
    return DossierStep.objects.filter(condition, state=DossierStep.State.ACTIVE).filter(
        Q(assignee__isnull=True) | Q(assignee=user)
    )


def _dossiers_in(scope, roles, *fields: str) -> QuerySet[Dossier]:
    agencies = sorted({pk for role in roles for pk in scope.get(role, ())})
    if not agencies:
        return Dossier.objects.none()
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}_id__in": agencies})
    return Dossier.objects.filter(condition)


def _base(scope, user, name: str, now: dt.datetime) -> QuerySet:
    if name == "to_receive":
        return _dossiers_in(scope, [Role.RECEPTIONIST], "receiving_agency").filter(
            Q(status=Status.SUBMITTED) | Q(status=Status.SUPPLEMENTED, code__isnull=True)
        )
    if name == "to_handle":
        return _steps_for(scope, user, HANDLING_ROLES)
    if name == "to_sign":
        return _steps_for(scope, user, [Role.LEADER])
    if name == "due_soon":
        calendar = calendar_for()
        horizon = calendar.instant(calendar.add(calendar.position(now), 1, Unit.WORKING_DAYS))
        return _steps_for(scope, user, [*HANDLING_ROLES, Role.LEADER]).filter(due_at__lte=horizon)
    if name == "overdue":
        return _dossiers_in(scope, WATCHING_ROLES, "resolving_agency", "receiving_agency").filter(
            status__in=[*OPEN, Status.PROCESSED], due_at__lt=now
        )
    if name == "waiting_applicant":
        return _dossiers_in(scope, WATCHING_ROLES, "resolving_agency", "receiving_agency").filter(
            status=Status.SUPPLEMENT_REQUESTED
        )
    if name == "to_return":
        return _dossiers_in(scope, [Role.RECEPTIONIST], "returning_agency").filter(status=Status.PROCESSED)
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
    per_step = QUEUES[name].per_step
    rows = _search(_base(_scope(user), user, name, now), q, per_step)
    key = QUEUES[name].order
    if after is not None:
        value, last_id = after
        if value is None:
            rows = rows.filter(**{f"{key}__isnull": True, "id__gt": last_id})
        else:
            later = Q(**{f"{key}__gt": value}) | Q(**{key: value, "id__gt": last_id})
            if name == "waiting_applicant":
                later |= Q(**{f"{key}__isnull": True})
            rows = rows.filter(later)
    columns = STEP_COLUMNS if per_step else DOSSIER_COLUMNS
    page = list(rows.order_by(F(key).asc(nulls_last=True), "id").values(*columns)[: max(1, min(limit, 200))])
    if per_step:
        # Step rows carry the step's own id and due time beside the dossier's columns.
        for row in page:
            row["step_id"] = row.pop("id")
            row["step_due_at"] = row.pop("due_at")
            row["step_name"] = row.pop("name")
            for column in DOSSIER_COLUMNS:
                row["dossier_id" if column == "id" else column] = row.pop(f"dossier__{column}")
    return page


def after_of(name: str, row: dict) -> tuple:
    """The `after` that continues a queue after one of the rows `queue` returned."""
    if QUEUES[name].per_step:
        return row["step_due_at"], row["step_id"]
    return row[QUEUES[name].order], row["id"]


def counts(user, now=None) -> dict[str, int]:
    """How many rows each queue holds, up to COUNT_CAP (shown as "1000+")."""
    now, scope = now or clock.now(), _scope(user)
    return {name: _base(scope, user, name, now)[:COUNT_CAP].count() for name in QUEUES}
