"""The service-quality index in the back office (/can-bo/chi-so/): the dashboard of a scope (the
province, an agency and its units, a commune) for a month, quarter or year — every group and
indicator with its rate, threshold and points, the trend month by month, the ranking of the units —
the drill-down list behind each figure, and the evaluation of officers and units.

Pages only: `index` adds up, `drill` lists, `survey` groups the evaluations, `access` says who sees
which scope. The dashboard reads everything with one `Figures.load` (a handful of grouped queries).
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.db.models import F, Q
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from motcua.backoffice.views import _page
from motcua.catalog.models import ProcedureVersion
from motcua.core import clock
from motcua.core.errors import ActionError, Invalid, NotAllowed
from motcua.dossiers.models import DossierStep
from motcua.feedback.models import FeedbackItem
from motcua.workdays.calendar import VN_TZ

from . import access, drill, index, rules, survey
from .reports import describe_period

PAGE = 50
RANKED_MEASURES = ("on_time", "online_share", "paid_online", "digitized", "dossier_satisfaction")
# Lists that show, for each late dossier, the steps that made it late.
LATE_STEP_MEASURES = ("on_time", "dossier_satisfaction", "resolution_time")

# What each measure counts, in words: the two figures of its rate; what lost points (with how many);
# the title of its drill-down list.
COUNTED = {
    "procedures_complete": gettext_lazy(
        "%(numerator)s of %(denominator)s procedures published with every item the law requires"
    ),
    "on_time": gettext_lazy(
        "%(numerator)s of %(denominator)s dossiers (ended in the period, or still in progress at its end) on time"
    ),
    "resolution_time": gettext_lazy("Average over %(denominator)s resolved dossiers"),
    "procedures_online": gettext_lazy("%(numerator)s of %(denominator)s procedures offered online"),
    "online_procedures_used": gettext_lazy(
        "%(numerator)s of %(denominator)s online procedures received at least one online dossier"
    ),
    "online_share": gettext_lazy("%(numerator)s of %(denominator)s dossiers received online"),
    "fee_procedures_online": gettext_lazy("%(numerator)s of %(denominator)s fee-bearing procedures payable online"),
    "fee_procedures_paid_online": gettext_lazy(
        "%(numerator)s of %(denominator)s fee-bearing procedures with at least one online payment"
    ),
    "paid_online": gettext_lazy("%(numerator)s of %(denominator)s fee-bearing dossiers paid online"),
    "e_result": gettext_lazy("%(numerator)s of %(denominator)s results issued electronically"),
    "digitized": gettext_lazy("%(numerator)s of %(denominator)s dossiers digitized"),
    "reused": gettext_lazy("%(numerator)s of %(denominator)s dossiers reused data already digitized"),
    "warehouse": gettext_lazy("%(numerator)s of %(denominator)s dossiers synced to the applicant's data warehouse"),
    "population_data": gettext_lazy(
        "%(numerator)s of %(denominator)s dossiers submitted with a verified identity (population data)"
    ),
    "feedback_classified": gettext_lazy(
        "%(numerator)s of %(denominator)s feedback items about regulations and procedures (the rest about conduct)"
    ),
    "feedback_on_time": gettext_lazy("%(numerator)s of %(denominator)s feedback items handled on time"),
    "feedback_satisfaction": gettext_lazy(
        "%(numerator)s of %(denominator)s feedback items handled without a late answer or a reopening"
    ),
}
LOST = {
    "on_time": gettext_lazy("%(n)s late dossiers"),
    "resolution_time": gettext_lazy("%(n)s resolved dossiers, slowest first"),
    "online_share": gettext_lazy("%(n)s dossiers not received online"),
    "paid_online": gettext_lazy("%(n)s fee-bearing dossiers not paid online"),
    "e_result": gettext_lazy("%(n)s results not issued electronically"),
    "digitized": gettext_lazy("%(n)s dossiers not digitized"),
    "reused": gettext_lazy("%(n)s dossiers that reused no digitized data"),
    "warehouse": gettext_lazy("%(n)s dossiers not synced to the data warehouse"),
    "population_data": gettext_lazy("%(n)s dossiers without a verified identity"),
    "feedback_classified": gettext_lazy("%(n)s feedback items received"),
    "feedback_on_time": gettext_lazy("%(n)s feedback items answered late"),
    "feedback_satisfaction": gettext_lazy("%(n)s feedback items answered late or reopened"),
    "procedures_complete": gettext_lazy("%(n)s procedures published incompletely"),
    "procedures_online": gettext_lazy("%(n)s procedures not offered online"),
    "online_procedures_used": gettext_lazy("%(n)s online procedures with no online dossier"),
    "fee_procedures_online": gettext_lazy("%(n)s fee-bearing procedures not payable online"),
    "fee_procedures_paid_online": gettext_lazy("%(n)s fee-bearing procedures with no online payment"),
}
TITLES = {
    "on_time": gettext_lazy("Late dossiers"),
    "dossier_satisfaction": gettext_lazy("Late dossiers and dossiers rated “not satisfied” or complained about"),
    "resolution_time": gettext_lazy("Average resolution time: resolved dossiers, slowest first"),
    "online_share": gettext_lazy("Dossiers not received online"),
    "paid_online": gettext_lazy("Fee-bearing dossiers not paid online"),
    "e_result": gettext_lazy("Results not issued electronically"),
    "digitized": gettext_lazy("Dossiers not digitized"),
    "reused": gettext_lazy("Dossiers that reused no digitized data"),
    "warehouse": gettext_lazy("Dossiers not synced to the data warehouse"),
    "population_data": gettext_lazy("Dossiers without a verified identity"),
    "feedback_classified": gettext_lazy("Feedback items received"),
    "feedback_on_time": gettext_lazy("Feedback items answered late"),
    "feedback_satisfaction": gettext_lazy("Feedback items answered late or reopened"),
    "procedures_complete": gettext_lazy("Procedures published incompletely"),
    "procedures_online": gettext_lazy("Procedures not offered online"),
    "online_procedures_used": gettext_lazy("Online procedures that received no online dossier"),
    "fee_procedures_online": gettext_lazy("Fee-bearing procedures not payable online"),
    "fee_procedures_paid_online": gettext_lazy("Fee-bearing procedures with no online payment"),
}
RANKED_HEADINGS = {
    "on_time": gettext_lazy("On time"),
    "online_share": gettext_lazy("Online"),
    "paid_online": gettext_lazy("Fees paid online"),
    "digitized": gettext_lazy("Digitized"),
    "dossier_satisfaction": gettext_lazy("Satisfaction"),
}


# -- formatting ---------------------------------------------------------------------------------------


def percent(rate: float | None) -> str:
    """0.79281… → "79,3 %" (in the active language); None → "—"."""
    if rate is None:
        return "—"
    return f"{number_format(round(rate * 100, 1), 1)} %"


def count(value) -> str:
    """A counted figure, with the thousands separator of the active language (whole when whole)."""
    value = float(value or 0)
    if value.is_integer():
        return number_format(int(value), 0, force_grouping=True)
    return number_format(round(value, 2), 2, force_grouping=True)


def score_text(value: float | None) -> str:
    """An average score of the survey (0–2), to two decimals; None → "—"."""
    return "—" if value is None else number_format(round(value, 2), 2)


def points(value: Decimal | float) -> str:
    return number_format(Decimal(value).quantize(Decimal("0.01")), 2)


# -- the scope and period of a request --------------------------------------------------------------------


class Scope:
    """What a page of the dashboard was asked for: who, which agency (None: the province), which
    period — all checked."""

    def __init__(self, request):
        self.now = clock.now()
        self.today = self.now.astimezone(VN_TZ).date()
        self.access = access.access_for(request.user)
        if not self.access:
            raise NotAllowed(
                _(
                    "The index dashboard is for the leaders, service-centre heads, provincial "
                    "administrators and inspectors of an agency."
                )
            )
        self.tree = index.Tree.load()
        self.chosen = access.default_choices(self.today)
        self.agency_id = access.scope(self.access, self.tree, request.GET.get("agency"))
        self.chosen["agency"] = "" if self.agency_id is None else str(self.agency_id)
        self.period, picked = access.period(request.GET, self.today)
        self.chosen.update(picked)

    @property
    def agency(self):
        return None if self.agency_id is None else self.tree.agencies[self.agency_id]

    @property
    def name(self) -> str:
        return self.agency.name if self.agency else _("The whole province")

    @property
    def ids(self) -> set[int]:
        return self.tree.subtree(self.agency_id)

    @property
    def period_label(self) -> str:
        label = describe_period(self.period.first, self.period.last_day)
        if self.period.first <= self.today <= self.period.last_day:
            return _("%(period)s, to %(day)s") % {"period": label, "day": f"{self.today:%d/%m/%Y}"}
        return label

    def query(self, agency_id: int | str | None = "same", **extra) -> str:
        """The query string of a link to another page of the dashboard, for the same period."""
        agency = self.agency_id if agency_id == "same" else agency_id
        params = {
            "agency": "" if agency is None else agency,
            "kind": self.chosen["kind"],
            "year": self.chosen["year"],
            "number": self.chosen["number"],
        }
        params.update({k: v for k, v in extra.items() if v is not None})
        return urlencode(params)


def _refused(request, exc: ActionError):
    """Someone without a dashboard role, or asking for a scope he may not see: the no-role page."""
    return _page(request, "backoffice/no_role.html", {"section": "index", "message": exc.message}, status=403)


def _invalid(request, exc: ActionError, template: str, extra: dict | None = None):
    """A bad period or agency: the page again with the error, nothing computed."""
    day = access.today()
    who = access.access_for(request.user)
    tree = index.Tree.load()
    chosen = {**access.default_choices(day), **{k: request.GET.get(k, "") for k in ("agency", "year", "pick")}}
    context = {
        "section": "index",
        "error": exc,
        "chosen": chosen,
        "options": _options(who, tree, chosen["agency"]),
        "province_option": who.province,
        "picks": _picks(),
        **(extra or {}),
    }
    return _page(request, template, context, status=exc.status)


def _options(who: access.Access, tree: index.Tree, chosen: str) -> list[dict]:
    """The agencies of the picker, the one chosen marked (a few hundred options for the province)."""
    options = who.options(tree)
    for option in options:
        option["selected"] = str(option["pk"]) == chosen
    return options


def _picks() -> list[tuple[str, list[tuple[str, str]]]]:
    return [
        (_("Year"), [("y", _("The whole year"))]),
        (
            _("Quarter"),
            [(f"q{n}", _("Quarter %(quarter)s") % {"quarter": q}) for n, q in enumerate(("I", "II", "III", "IV"), 1)],
        ),
        (_("Month"), [(f"m{n}", _("Month %(month)s") % {"month": n}) for n in range(1, 13)]),
    ]


def _scope_or_response(request, template: str, extra: dict | None = None):
    try:
        return Scope(request), None
    except NotAllowed as exc:
        return None, _refused(request, exc)
    except Invalid as exc:
        return None, _invalid(request, exc, template, extra)


def _base_context(scope: Scope) -> dict:
    return {
        "section": "index",
        "scope": scope,
        "chosen": scope.chosen,
        "options": _options(scope.access, scope.tree, scope.chosen["agency"]),
        "province_option": scope.access.province,
        "picks": _picks(),
    }


# -- the dashboard ------------------------------------------------------------------------------------------


def _lost(measure: str, measured: rules.Measured, totals: rules.Totals) -> tuple[str, int | None]:
    """How many items lost points, and how a link to them reads ("" when none)."""
    if measure == "dossier_satisfaction":
        timing = rules.on_time(totals)
        late = int(timing.denominator - timing.numerator)
        if late or totals.ended_disliked:
            return _("the late dossiers and those rated “not satisfied” or complained about"), None
        return "", 0
    if measure == "resolution_time":
        n = int(measured.denominator)
    elif measure == "feedback_classified":
        n = totals.feedback
    else:
        n = round(measured.denominator - measured.numerator)
    if n <= 0 or measure not in LOST:
        return "", n
    return LOST[measure] % {"n": count(n)}, n


def _counted(measure: str, measured: rules.Measured, totals: rules.Totals) -> str:
    if measure == "dossier_satisfaction":
        timing = rules.on_time(totals)
        late = 1 - timing.rate if timing.rate is not None else 0.0
        disliked = totals.ended_disliked / totals.ended if totals.ended else 0.0
        return _(
            "100 %% − late %(late)s − rated “not satisfied” or complained about %(disliked)s "
            "(%(n)s of %(ended)s ended dossiers)"
        ) % {
            "late": percent(late),
            "disliked": percent(disliked),
            "n": count(totals.ended_disliked),
            "ended": count(totals.ended),
        }
    template = COUNTED.get(measure)
    if template is None:
        return ""
    return template % {"numerator": count(measured.numerator), "denominator": count(measured.denominator)}


def indicator_row(indicator: index.IndicatorScore, totals: rules.Totals, scope: Scope | None = None) -> dict:
    """One line of a group's table: what the page and the Excel file show of an indicator."""
    m = indicator.measured
    row = {
        "code": indicator.code,
        "name": indicator.name,
        "measure": indicator.measure,
        "points": indicator.points,
        "threshold": indicator.threshold,
        "earned": indicator.earned,
        "measured": m.measured,
        "rate": m.rate,
        "value": m.value,
        "scored": m.measured and m.value is None and indicator.measure != "resolution_time",
        "shown": "—",
        "counted": "",
        "lost": "",
        "link": "",
    }
    if not m.measured:
        row["counted"] = _("Not recorded by motcua yet: scores 0 here.")
        return row
    if indicator.measure == "resolution_time":
        row["shown"] = (
            _("%(days)s working days") % {"days": number_format(round(m.value, 1), 1)} if m.value is not None else "—"
        )
        row["counted"] = _counted(indicator.measure, m, totals) if m.denominator else _("No dossier resolved.")
    elif m.rate is None:
        row["counted"] = _("Nothing to measure in this period.")
    else:
        row["shown"] = percent(m.rate)
        row["counted"] = _counted(indicator.measure, m, totals)
    if drill.kind_of(indicator.measure) is not None:
        row["lost"], _n = _lost(indicator.measure, m, totals)
        if row["lost"] and scope is not None:
            row["link"] = f"{reverse('metrics:drill', args=[indicator.measure])}?{scope.query()}"
    return row


def _measures(result: index.Result) -> dict[str, index.IndicatorScore]:
    """Each measure of a result and its (first) indicator."""
    found: dict[str, index.IndicatorScore] = {}
    for group in result.groups:
        for indicator in group.indicators:
            found.setdefault(indicator.measure, indicator)
    return found


def trend_chart(months: list[tuple[dt.date, index.Result]]) -> dict:
    """The geometry of the trend chart (drawn as SVG by the template): a bar per month for the total
    points (on a 0–100 scale of the scheme's points), a line for the on-time rate (%), broken where
    a month has nothing to measure. Months with no dossier get an outlined bar."""
    width, height = 400, 220
    left, right, top, bottom = 30, 8, 10, 26
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = plot_w / max(len(months), 1)

    def y(value: float) -> float:
        return round(top + plot_h * (1 - max(0.0, min(100.0, value)) / 100), 1)

    bars, dots, labels, lines, segment, rows = [], [], [], [], [], []
    for i, (month, result) in enumerate(months):
        scale = float(result.points) or 100.0
        total = float(result.earned) * 100 / scale
        x = left + slot * i
        bar = min(slot * 0.6, 36)  # a year's months or a single one: bars of a readable width
        bars.append(
            {
                "x": round(x + (slot - bar) / 2, 1),
                "y": y(total),
                "w": round(bar, 1),
                "h": round(top + plot_h - y(total), 1),
                "empty": not result.has_dossiers,
            }
        )
        labels.append({"x": round(x + slot / 2, 1), "text": str(month.month)})
        on_time = _measures(result).get("on_time")
        rate = on_time.measured.rate if on_time is not None else None
        if rate is None:
            if segment:
                lines.append(" ".join(segment))
            segment = []
        else:
            cx, cy = round(x + slot / 2, 1), y(rate * 100)
            dots.append({"cx": cx, "cy": cy})
            segment.append(f"{cx},{cy}")
        rows.append(
            {
                "month": month,
                "earned": result.earned,
                "points": result.points,
                "on_time": rate,
                "on_time_text": percent(rate),
                "has_dossiers": result.has_dossiers,
                "received": result.totals.received,
                "ended": result.totals.ended,
            }
        )
    if segment:
        lines.append(" ".join(segment))
    grid = [{"y": y(v), "label": str(v)} for v in (0, 25, 50, 75, 100)]
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "base": top + plot_h,
        "label_y": height - 8,
        "grid": grid,
        "bars": bars,
        "dots": dots,
        "lines": lines,
        "labels": labels,
        "rows": rows,
    }


def ranking_rows(ranked: list[tuple], scope: Scope | None = None) -> list[dict]:
    # The addresses are reversed once and each unit's query string made once, for its own link
    # and its rates' (79 units × 6 links on the province's page).
    dashboard = reverse("metrics:dashboard")
    drills = {measure: reverse("metrics:drill", args=[measure]) for measure in RANKED_MEASURES}
    headings = {measure: str(RANKED_HEADINGS[measure]) for measure in RANKED_MEASURES}
    rows, rank = [], 0
    for agency, result in ranked:
        if result.has_dossiers:
            rank += 1
        query = scope.query(agency.pk) if scope is not None else ""
        measures = _measures(result)
        rates = []
        for measure in RANKED_MEASURES:
            found = measures.get(measure)
            rate = found.measured.rate if found is not None else None
            link = f"{drills[measure]}?{query}" if rate is not None and rate < 1 and scope is not None else ""
            rates.append({"heading": headings[measure], "text": percent(rate), "rate": rate, "link": link})
        rows.append(
            {
                "agency": agency,
                "rank": rank if result.has_dossiers else None,
                "earned": result.earned,
                "points": result.points,
                "received": result.totals.received,
                "has_dossiers": result.has_dossiers,
                "rates": rates,
                "link": f"{dashboard}?{query}" if scope else "",
            }
        )
    return rows


def _dashboard_data(scope: Scope) -> dict:
    figures = index.Figures.load(scope.period, now=scope.now)
    ids = scope.ids
    result = figures.result(ids)
    groups = [
        {
            "code": group.code,
            "name": group.name,
            "points": group.points,
            "earned": group.earned,
            "rows": [indicator_row(i, result.totals, scope) for i in group.indicators],
        }
        for group in result.groups
    ]
    unmeasured = [row for group in groups for row in group["rows"] if not row["measured"]]
    ranked = index.ranking(figures, scope.tree, scope.agency_id)
    return {
        "result": result,
        "groups": groups,
        "unmeasured": unmeasured,
        "trend": trend_chart(index.trend(figures, ids)),
        "ranking": ranking_rows(ranked, scope),
        "ranked_headings": [RANKED_HEADINGS[m] for m in RANKED_MEASURES],
    }


@login_required
@require_GET
def dashboard(request):
    """The index of the scope and period asked for (default: his widest scope, the year to date)."""
    scope, refused = _scope_or_response(request, "metrics/dashboard.html")
    if refused:
        return refused
    context = {**_base_context(scope), **_dashboard_data(scope)}
    context["excel_link"] = f"{reverse('metrics:excel')}?{scope.query()}"
    context["officers_link"] = f"{reverse('metrics:officers')}?{scope.query()}"
    if scope.agency is not None and scope.access.allows(scope.agency.parent_id):
        context["up_link"] = f"{reverse('metrics:dashboard')}?{scope.query(scope.agency.parent_id)}"
        context["up_name"] = (
            scope.tree.agencies[scope.agency.parent_id].name if scope.agency.parent_id else _("The whole province")
        )
    return _page(request, "metrics/dashboard.html", context)


# -- drill-down lists ----------------------------------------------------------------------------------------


def _before(request, name: str = "before") -> int | None:
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise Invalid(_("This page of the list does not exist."), name)
    return int(value)


def _dossier_page(scope: Scope, measure: str, before: int | None) -> dict:
    found = drill.dossiers(measure, scope.period, scope.ids, scope.now).select_related("dossier__procedure_version")
    if measure == "resolution_time":
        # Slowest first; the keyset follows (working days, id), dossiers without a figure last.
        found = found.order_by(F("working_days").desc(nulls_last=True), "-dossier_id")
        if before is not None:
            anchor = found.filter(dossier_id=before).values_list("working_days", flat=True).first()
            if anchor is None:
                found = found.filter(working_days__isnull=True, dossier_id__lt=before)
            else:
                found = found.filter(
                    Q(working_days__lt=anchor)
                    | Q(working_days=anchor, dossier_id__lt=before)
                    | Q(working_days__isnull=True)
                )
    elif before is not None:
        found = found.filter(dossier_id__lt=before)
    facts = list(found[: PAGE + 1])
    more = len(facts) > PAGE
    facts = facts[:PAGE]
    judged_at = min(scope.period.end, scope.now)
    late_steps: dict[int, list] = {}
    if measure in LATE_STEP_MEASURES and facts:
        steps = (
            DossierStep.objects.filter(dossier_id__in=[f.dossier_id for f in facts])
            .filter(
                Q(timing=DossierStep.Timing.LATE)
                | Q(state=DossierStep.State.ACTIVE, due_at__isnull=False, due_at__lt=judged_at)
            )
            .select_related("agency", "assignee", "finished_by")
            .order_by("dossier_id", "stage", "position")
        )
        for step in steps:
            late_steps.setdefault(step.dossier_id, []).append(step)
    rows = []
    for fact in facts:
        late = fact.late
        if late is None:
            late = rules.is_late(
                due_at=fact.due_at,
                ended_at=fact.ended_at,
                supplements=fact.supplements,
                paused_at=fact.paused_at,
                at=judged_at,
            )
        rows.append(
            {
                "fact": fact,
                "dossier": fact.dossier,
                "procedure_name": fact.dossier.procedure_version.name,
                "late": late,
                "steps": late_steps.get(fact.dossier_id, []) if late else [],
                "working_days": fact.working_days,
            }
        )
    return {"rows": rows, "next": facts[-1].dossier_id if more else None}


def _feedback_page(scope: Scope, measure: str, before: int | None) -> dict:
    found = drill.feedback(measure, scope.period, scope.ids).select_related("agency")
    if before is not None:
        anchor = FeedbackItem.objects.filter(pk=before).values_list("received_at", flat=True).first()
        if anchor is None:
            raise Invalid(_("This page of the list does not exist."), "before")
        found = found.filter(Q(received_at__lt=anchor) | Q(received_at=anchor, pk__lt=before))
    items = list(found[: PAGE + 1])
    more = len(items) > PAGE
    items = items[:PAGE]
    return {"items": items, "next": items[-1].pk if more else None}


def _procedure_page(scope: Scope, measure: str, after: str) -> dict:
    figures = index.Figures.load(scope.period, now=scope.now)
    found = drill.procedures(measure, figures, scope.ids)
    if after:
        found = found.filter(code__gt=after)
    procedures = list(found[: PAGE + 1])
    more = len(procedures) > PAGE
    procedures = procedures[:PAGE]
    names = dict(
        ProcedureVersion.objects.filter(procedure_id__in=[p.pk for p in procedures], effective_from__lte=scope.today)
        .order_by("procedure_id", "effective_from")
        .values_list("procedure_id", "name")
    )
    rows = [{"procedure": p, "name": names.get(p.pk, p.code), "flags": figures.flags.get(p.pk, {})} for p in procedures]
    return {"procedures": rows, "next": procedures[-1].code if more else None}


@login_required
@require_GET
def drill_down(request, measure: str):
    """What made a figure: the dossiers, feedback items or procedures that lost its points, 50 a page,
    newest first (keyset on the id: "older" continues before the last one shown, no count)."""
    kind = drill.kind_of(measure)
    if measure not in rules.MEASURES or kind is None:
        raise Http404
    title = TITLES.get(measure, measure)
    scope, refused = _scope_or_response(request, "metrics/drill.html", {"title": title, "measure": measure})
    if refused:
        return refused
    context = {**_base_context(scope), "title": title, "measure": measure, "kind": kind}
    context["back_link"] = f"{reverse('metrics:dashboard')}?{scope.query()}"
    try:
        if kind == "dossiers":
            before = _before(request)
            context.update(_dossier_page(scope, measure, before))
            context["late_steps"] = measure in LATE_STEP_MEASURES
            if measure == "resolution_time" and before is None:
                context["procedure_times"] = index.procedure_times(scope.period, scope.ids)
        elif kind == "feedback":
            context.update(_feedback_page(scope, measure, _before(request)))
        else:
            context.update(_procedure_page(scope, measure, request.GET.get("after", "").strip()[:20]))
    except Invalid as exc:
        context["error"] = exc
        return _page(request, "metrics/drill.html", context, status=exc.status)
    if context.get("next") is not None:
        name = "after" if kind == "procedures" else "before"
        context["next_link"] = f"?{scope.query(**{name: context['next']})}"
    context["first_page"] = not (request.GET.get("before") or request.GET.get("after"))
    if not context["first_page"]:
        context["first_link"] = f"?{scope.query()}"
    return _page(request, "metrics/drill.html", context)


# -- officers and units --------------------------------------------------------------------------------------


@login_required
@require_GET
def officers(request):
    """Steps handled on time and late, and the satisfaction survey by the nine criteria, per officer
    and per unit of the scope, for the period."""
    scope, refused = _scope_or_response(request, "metrics/officers.html")
    if refused:
        return refused
    ids = None if scope.agency_id is None else scope.ids
    start, end = scope.period.start, scope.period.end
    steps = survey.steps(start, end, ids)
    rated = survey.satisfaction(start, end, ids)
    for rows in steps.values():
        for row in rows:
            row["late_text"] = percent(row["late_share"])
    for rows in rated.values():
        for row in rows:
            row["liked_text"] = percent(row["liked_share"])
            row["average_text"] = score_text(row["average"])
            row["criteria_text"] = [{"text": score_text(v), "low": v is not None and v < 1} for v in row["criteria"]]
    context = {
        **_base_context(scope),
        "steps_tables": [
            {"key": "officers", "title": _("Steps per officer"), "who": _("Officer"), "rows": steps["officers"]},
            {"key": "units", "title": _("Steps per unit"), "who": _("Unit"), "rows": steps["agencies"]},
        ],
        "survey_tables": [
            {"key": "officers", "title": _("Ratings per officer"), "who": _("Officer"), "rows": rated["officers"]},
            {"key": "units", "title": _("Ratings per unit"), "who": _("Unit"), "rows": rated["agencies"]},
        ],
        "criteria": survey.criteria(),
        "back_link": f"{reverse('metrics:dashboard')}?{scope.query()}",
    }
    return _page(request, "metrics/officers.html", context)


# -- Excel ------------------------------------------------------------------------------------------------------


@login_required
@require_GET
def excel(request):
    """The dashboard's tables as an Excel workbook: the indicators, the ranking and the trend."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    scope, refused = _scope_or_response(request, "metrics/dashboard.html")
    if refused:
        return refused
    data = _dashboard_data(scope)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Index")[:31]
    bold = Font(bold=True)
    sheet.append([_("Service-quality index"), scope.name, scope.period_label])
    sheet.append(
        [
            _("Total"),
            float(data["result"].earned),
            _("of %(points)s points; of the %(measurable)s points motcua measures")
            % {"points": points(data["result"].points), "measurable": points(data["result"].measurable)},
        ]
    )
    sheet.append([])
    sheet.append(
        [
            _("Code"),
            _("Indicator"),
            _("Rate (%)"),
            _("Counted"),
            _("Threshold (%)"),
            _("Points earned"),
            _("Points"),
        ]
    )
    for cell in sheet[4]:
        cell.font = bold
    for group in data["groups"]:
        sheet.append(["", group["name"], None, None, None, float(group["earned"]), float(group["points"])])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for row in group["rows"]:
            rate = round(row["rate"] * 100, 2) if row["rate"] is not None and row["scored"] else None
            shown = row["shown"] if row["measure"] == "resolution_time" else rate
            sheet.append(
                [
                    row["code"],
                    row["name"],
                    shown,
                    row["counted"],
                    float(row["threshold"]),
                    float(row["earned"]),
                    float(row["points"]),
                ]
            )
    for column, width in zip("ABCDEFG", (8, 60, 12, 70, 12, 12, 10), strict=True):
        sheet.column_dimensions[column].width = width

    ranking = book.create_sheet(_("Ranking")[:31])
    ranking.append(
        [_("Rank"), _("Unit"), _("Points earned"), _("Points"), _("Dossiers received")]
        + [str(h) for h in data["ranked_headings"]]
    )
    for cell in ranking[1]:
        cell.font = bold
    for row in data["ranking"]:
        ranking.append(
            [
                row["rank"],
                row["agency"].name,
                float(row["earned"]),
                float(row["points"]),
                row["received"],
                *(round(r["rate"] * 100, 2) if r["rate"] is not None else None for r in row["rates"]),
            ]
        )
    ranking.column_dimensions["B"].width = 50

    trend = book.create_sheet(_("Trend")[:31])
    trend.append(
        [_("Month"), _("Points earned"), _("Points"), _("On time (%)"), _("Dossiers received"), _("Dossiers ended")]
    )
    for cell in trend[1]:
        cell.font = bold
    for row in data["trend"]["rows"]:
        trend.append(
            [
                f"{row['month']:%m/%Y}",
                float(row["earned"]),
                float(row["points"]),
                round(row["on_time"] * 100, 2) if row["on_time"] is not None else None,
                row["received"],
                row["ended"],
            ]
        )
    out = io.BytesIO()
    book.save(out)
    where = scope.agency.identifier if scope.agency else "toan-tinh"
    name = f"chi-so-{where}-{scope.period.first:%Y%m}-{scope.period.last:%Y%m}.xlsx"
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
