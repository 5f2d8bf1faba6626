"""The public transparency page (/minh-bach/): for every department and commune of the province, the
share of dossiers handled on time and the satisfaction with the handling of dossiers (indicator 5.4),
for the year to date and for last month, and the province's total index. Figures only: no dossier,
no name of a person.

The figures are computed at most once a minute (Django's cache) whoever asks: the page is public.
"""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.shortcuts import render
from django.views.decorators.http import require_GET

from motcua.agencies.models import Agency
from motcua.core import clock
from motcua.workdays.calendar import VN_TZ

from . import index, rules
from .views import percent

CACHE_SECONDS = 60
CACHE_KEY = "metrics:transparency:v1"


def _rates(result: index.Result) -> dict:
    """What the page shows of a result: the on-time rate (2.1), the satisfaction rate (5.4), the
    points, and how many dossiers the on-time rate counted."""
    timing = rules.on_time(result.totals)
    return {
        "on_time": timing.rate,
        "counted": int(timing.denominator),
        "satisfaction": rules.dossier_satisfaction(result.totals).rate,
        "earned": result.earned,
        "points": result.points,
        "has_dossiers": result.has_dossiers,
    }


def figures(now: dt.datetime) -> dict:
    """The page's figures as plain values: the year to date and last month (one `Figures.load` each,
    or one in all when last month is in this year)."""
    today = now.astimezone(VN_TZ).date()
    this_month = rules.month_of(today)
    last_month = rules.month_of(this_month - dt.timedelta(days=1))
    tree = index.Tree.load()
    year = index.Figures.load(index.Period.of("year", today.year), now=now)
    if last_month.year == today.year:
        month, month_months = year, [last_month]
    else:
        month = index.Figures.load(index.Period.of("month", last_month.year, last_month.month), now=now)
        month_months = None
    everything = tree.subtree(None)
    units = []
    for unit in tree.children(None):
        ids = tree.subtree(unit.pk)
        units.append(
            {
                "name": unit.name,
                "commune": unit.kind in Agency.COMMUNE_KINDS,
                "year": _rates(year.result(ids)),
                "month": _rates(month.result(ids, month_months)),
            }
        )
    return {
        "today": today,
        "last_month": last_month,
        "computed_at": now,
        "province": {
            "year": _rates(year.result(everything)),
            "month": _rates(month.result(everything, month_months)),
        },
        "units": units,
    }


def _shown(rates: dict) -> dict:
    return {
        **rates,
        "on_time_text": percent(rates["on_time"]),
        "satisfaction_text": percent(rates["satisfaction"]),
    }


@require_GET
def transparency(request):
    """Each department's and commune's on-time and satisfaction rates, and the province's index."""
    data = cache.get(CACHE_KEY)
    if data is None:
        data = figures(clock.now())
        cache.set(CACHE_KEY, data, CACHE_SECONDS)
    units = [{**u, "year": _shown(u["year"]), "month": _shown(u["month"])} for u in data["units"]]
    context = {
        "today": data["today"],
        "last_month": data["last_month"],
        "computed_at": data["computed_at"],
        "province_year": _shown(data["province"]["year"]),
        "province_month": _shown(data["province"]["month"]),
        "tables": [
            {"key": "departments", "units": [u for u in units if not u["commune"]]},
            {"key": "communes", "units": [u for u in units if u["commune"]]},
        ],
    }
    return render(request, "metrics/transparency.html", context)
