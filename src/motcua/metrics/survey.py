"""The evaluation of officers and units for a scope and period: the steps each one handled on time or
late, and the satisfaction survey (Circular 01/2018/TT-VPCP Art. 13) by its nine criteria — the
average score (0–2) of each criterion per officer and per unit. Grouped queries only, one per table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, Sum
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import DossierStep
from motcua.feedback.models import CRITERIA, RatedAgency, RatedOfficer

# Short column headings for the nine criteria (the full questions are feedback.models.CRITERIA).
SHORT = {
    "time": _("Total time"),
    "agency_time": _("Each agency's time"),
    "contacts": _("Trips"),
    "organisations": _("Offices contacted"),
    "publicity": _("Publicity"),
    "attitude": _("Attitude"),
    "feedback": _("Comments handled"),
    "online_service": _("Online service"),
    "online_progress": _("Online progress"),
}


def criteria() -> list[dict]:
    """The nine criteria in the order of the circular: key, short heading, full question."""
    return [{"key": key, "short": SHORT[key], "question": question} for key, question in CRITERIA.items()]


def _survey_rows(rows) -> list[dict]:
    return [
        {
            **{k: v for k, v in row.items() if not k.startswith("avg_")},
            "liked_share": row["liked"] / row["ratings"] if row["ratings"] else None,
            "average": row["total"] / row["answered"] if row["answered"] else None,
            "criteria": [row[f"avg_{key}"] for key in CRITERIA],
        }
        for row in rows
    ]


def _aggregates() -> dict:
    return {
        "ratings": Count("rating"),
        "liked": Count("rating", filter=Q(rating__liked=True)),
        "total": Sum("rating__total"),
        "answered": Sum("rating__answered"),
        **{f"avg_{key}": Avg(f"rating__score_{key}") for key in CRITERIA},
    }


def satisfaction(
    since: dt.datetime, until: dt.datetime, agency_ids: Iterable[int] | None = None
) -> dict[str, list[dict]]:
    """Ratings given in [since, until) — per officer (of the dossiers an agency of the scope handled)
    and per unit of the scope: how many, the share "satisfied", the average of the criteria answered
    and the average of each criterion (None where no one answered it). `agency_ids` None: the province.
    Two grouped queries."""
    officers = RatedOfficer.objects.filter(rating__created_at__gte=since, rating__created_at__lt=until)
    agencies = RatedAgency.objects.filter(rating__created_at__gte=since, rating__created_at__lt=until)
    if agency_ids is not None:
        ids = list(agency_ids)
        officers = officers.filter(
            Exists(RatedAgency.objects.filter(rating_id=OuterRef("rating_id"), agency_id__in=ids))
        )
        agencies = agencies.filter(agency_id__in=ids)
    officer_rows = officers.values("officer_id", "name").annotate(**_aggregates()).order_by("name", "officer_id")
    agency_rows = (
        agencies.values("agency_id", name=F("agency__name")).annotate(**_aggregates()).order_by("name", "agency_id")
    )
    return {"officers": _survey_rows(officer_rows), "agencies": _survey_rows(agency_rows)}


def _step_counts() -> dict:
    return {
        "handled": Count("pk"),
        "early": Count("pk", filter=Q(timing=DossierStep.Timing.EARLY)),
        "on_time": Count("pk", filter=Q(timing=DossierStep.Timing.ON_TIME)),
        "late": Count("pk", filter=Q(timing=DossierStep.Timing.LATE)),
    }


def _with_shares(rows) -> list[dict]:
    return [{**row, "late_share": row["late"] / row["handled"] if row["handled"] else None} for row in rows]


def steps(since: dt.datetime, until: dt.datetime, agency_ids: Iterable[int] | None = None) -> dict[str, list[dict]]:
    """Steps of the internal process finished in [since, until) at an agency of the scope, per officer
    who finished them and per agency: how many, early, on time and late (each step has its own due
    time, so lateness is pinned on the step). Two grouped queries; most late first."""
    done = DossierStep.objects.filter(
        state=DossierStep.State.DONE, finished_at__gte=since, finished_at__lt=until, finished_by__isnull=False
    )
    if agency_ids is not None:
        done = done.filter(agency_id__in=list(agency_ids))
    officers = (
        done.values("finished_by_id", "finished_by__last_name", "finished_by__first_name", "finished_by__username")
        .annotate(**_step_counts())
        .order_by()
    )
    agencies = done.values("agency_id", "agency__name").annotate(**_step_counts()).order_by()
    officer_rows = [
        {
            "officer_id": row["finished_by_id"],
            "name": " ".join(p for p in (row["finished_by__last_name"], row["finished_by__first_name"]) if p)
            or row["finished_by__username"],
            **{k: row[k] for k in ("handled", "early", "on_time", "late")},
        }
        for row in officers
    ]
    agency_rows = [
        {"agency_id": row["agency_id"], "name": row["agency__name"], **{k: row[k] for k in _step_counts()}}
        for row in agencies
    ]

    def order(row):
        return (-row["late"], -row["handled"], row["name"])

    return {
        "officers": sorted(_with_shares(officer_rows), key=order),
        "agencies": sorted(_with_shares(agency_rows), key=order),
    }
