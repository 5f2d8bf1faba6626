"""What made a figure: the dossiers (or procedures, or feedback items) behind each indicator of a
scope and period — for each measure, the ones that lost points (`missing`) and the ones counted
(`counted`). Lists come from the facts through their indexes, newest first, and are paginated by
the pages (keyset on the dossier id)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from motcua.catalog.models import Procedure
from motcua.feedback.models import FeedbackItem

from . import facts
from .index import Figures, Period
from .models import DossierFact, Outcome

ONLINE = ("online", "vneid")


def _received(period: Period, agencies) -> QuerySet[DossierFact]:
    return DossierFact.objects.filter(month__gte=period.first, month__lte=period.last, agency_id__in=list(agencies))


def _ended(period: Period, agencies) -> QuerySet[DossierFact]:
    return DossierFact.objects.filter(
        end_month__gte=period.first, end_month__lte=period.last, agency_id__in=list(agencies)
    )


def late_dossiers(period: Period, agencies, now) -> QuerySet[DossierFact]:
    """2.1: ended late in the period, or in progress and late at its end (or now)."""
    end = min(period.end, now)
    in_progress = (
        DossierFact.objects.filter(agency_id__in=list(agencies), received_at__lte=end)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=end))
        .filter(facts.late_at(end))
    )
    return _ended(period, agencies).filter(late=True) | in_progress


# measure → (what lost points, in words; the facts that lost them)
DOSSIER_MEASURES = {
    "on_time": late_dossiers,
    "dossier_satisfaction": lambda period, agencies, now: (
        late_dossiers(period, agencies, now) | _ended(period, agencies).filter(disliked=True)
    ),
    "online_share": lambda period, agencies, now: _received(period, agencies).exclude(channel__in=ONLINE),
    "paid_online": lambda period, agencies, now: _received(period, agencies).filter(
        fee_bearing=True, paid_online=False
    ),
    "e_result": lambda period, agencies, now: _ended(period, agencies).filter(has_result=True, e_result=False),
    "digitized": lambda period, agencies, now: _received(period, agencies).filter(digitized=False),
    "reused": lambda period, agencies, now: _received(period, agencies).filter(reused=False),
    "warehouse": lambda period, agencies, now: _received(period, agencies).filter(warehouse=False),
    "population_data": lambda period, agencies, now: _received(period, agencies).filter(verified=False),
    "resolution_time": lambda period, agencies, now: (
        _ended(period, agencies).filter(outcome=Outcome.RESOLVED).order_by("-working_days", "-dossier_id")
    ),
}

FEEDBACK_MEASURES = {
    "feedback_on_time": Q(closed_at__isnull=False, on_time=False),
    "feedback_satisfaction": Q(closed_at__isnull=False) & (Q(on_time=False) | Q(reopened_at__isnull=False)),
    "feedback_classified": Q(),
}

PROCEDURE_MEASURES = {
    "procedures_complete": lambda flags: not flags["complete"],
    "procedures_online": lambda flags: not flags["online"],
    "fee_procedures_online": lambda flags: flags["fee"] and not flags["online"],
}


def kind_of(measure: str) -> str | None:
    """ "dossiers", "feedback", "procedures" or None (nothing to list)."""
    if measure in DOSSIER_MEASURES:
        return "dossiers"
    if measure in FEEDBACK_MEASURES:
        return "feedback"
    if measure in PROCEDURE_MEASURES or measure in ("online_procedures_used", "fee_procedures_paid_online"):
        return "procedures"
    return None


def dossiers(measure: str, period: Period, agencies, now) -> QuerySet[DossierFact]:
    """The facts of the dossiers that lost the measure's points, newest first."""
    found = DOSSIER_MEASURES[measure](period, agencies, now)
    if not found.query.order_by:
        found = found.order_by("-dossier_id")
    return found.select_related("dossier", "agency", "procedure")


def feedback(measure: str, period: Period, agencies) -> QuerySet[FeedbackItem]:
    return (
        FeedbackItem.objects.filter(
            received_at__gte=period.start, received_at__lt=period.end, agency_id__in=list(agencies)
        )
        .filter(FEEDBACK_MEASURES[measure])
        .order_by("-received_at", "-pk")
    )


def procedures(measure: str, figures: Figures, agencies) -> QuerySet[Procedure]:
    """The procedures of the scope that lost the measure's points."""
    scope = set().union(*(figures.procedures_of.get(a, set()) for a in agencies)) if agencies else set()
    months = figures.period.months
    if measure == "online_procedures_used":
        used = set().union(*(figures.used_online.get((m, a), set()) for m in months for a in agencies))
        ids = {p for p in scope if figures.flags[p]["online"] and p not in used}
    elif measure == "fee_procedures_paid_online":
        paid = set().union(*(figures.paid_online.get((m, a), set()) for m in months for a in agencies))
        ids = {p for p in scope if figures.flags[p]["fee"] and p not in paid}
    else:
        test = PROCEDURE_MEASURES[measure]
        ids = {p for p in scope if test(figures.flags[p])}
    return Procedure.objects.filter(pk__in=ids).order_by("code")
