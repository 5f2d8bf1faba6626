"""Who sees which scope of the index (the province, an agency and its units, a commune) and which
period a page asks for.

Leaders, service-centre heads, provincial administrators and inspectors see the index of the
agencies where they hold the role and of every unit under them; holding it on the root agency (the
provincial People's Committee) also opens the province as a whole.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from motcua.agencies.models import Role
from motcua.agencies.services import agencies_where
from motcua.core import clock
from motcua.core.errors import Invalid, NotAllowed
from motcua.workdays.calendar import VN_TZ

from . import rules
from .index import Period, Tree

DASHBOARD_ROLES = (Role.LEADER, Role.CENTRE_HEAD, Role.PROVINCE_ADMIN, Role.INSPECTOR)
PERIOD_KINDS = ("month", "quarter", "year")
FIRST_YEAR = 2000


@dataclass(frozen=True)
class Access:
    """The agencies an officer may open on the dashboard, and whether the province as a whole."""

    visible: frozenset[int]
    province: bool

    def __bool__(self) -> bool:
        return bool(self.visible)

    def allows(self, agency_id: int | None) -> bool:
        return self.province if agency_id is None else agency_id in self.visible

    def default(self, tree: Tree) -> int | None:
        """The province if he may see it, else the highest agency he may see."""
        if self.province:
            return None
        tops = [tree.agencies[pk] for pk in self.visible if pk in tree.agencies]
        return min(tops, key=lambda a: (a.path.count("/"), a.name, a.pk)).pk if tops else None

    def options(self, tree: Tree) -> list[dict]:
        """The agencies he may pick, each under its parent and indented by its depth below the highest."""
        shown = [a for pk, a in tree.agencies.items() if pk in self.visible]
        if not shown:
            return []
        names = {pk: a.name for pk, a in tree.agencies.items()}

        def lineage(agency):
            return tuple(names.get(int(pk), "") for pk in agency.path.strip("/").split("/") if pk)

        top = min(a.path.count("/") for a in shown)
        return [
            {"pk": a.pk, "label": "\u00a0\u00a0" * (a.path.count("/") - top) + a.name}
            for a in sorted(shown, key=lambda a: (lineage(a), a.pk))
        ]


def access_for(user) -> Access:
    """One query: the agencies where he holds a dashboard role (and those under them)."""
    rows = agencies_where(user, DASHBOARD_ROLES).values_list("pk", "parent_id")
    visible, province = set(), False
    for pk, parent in rows:
        visible.add(pk)
        province = province or parent is None
    return Access(frozenset(visible), province)


def scope(access: Access, tree: Tree, value: str | None) -> int | None:
    """The agency asked for ("" or absent: his default scope), once checked against what he may see."""
    value = (value or "").strip()
    if not value:
        return access.default(tree)
    try:
        agency_id = int(value)
    except ValueError as exc:
        raise Invalid(_("Choose an agency from the list."), "agency") from exc
    if agency_id not in tree.agencies:
        raise Invalid(_("Choose an agency from the list."), "agency")
    if not access.allows(agency_id):
        raise NotAllowed(_("You may see the index only of the agencies where you hold a role, and of their units."))
    return agency_id


def today() -> dt.date:
    return clock.now().astimezone(VN_TZ).date()


def period(params, day: dt.date) -> tuple[Period, dict]:
    """The period the parameters name (kind = month, quarter or year; year; number), by default the
    current year to date; and the choices as the form shows them. Bad input raises `Invalid`."""
    chosen = {
        "kind": (params.get("kind") or "year").strip(),
        "year": (params.get("year") or str(day.year)).strip(),
        "number": (params.get("number") or "").strip(),
    }
    pick = (params.get("pick") or "").strip()
    if pick:
        # The form's one list: "y" the year, "q1"–"q4" a quarter, "m1"–"m12" a month.
        kinds = {"y": "year", "q": "quarter", "m": "month"}
        if pick[:1] not in kinds or (pick != "y" and not pick[1:].isdigit()):
            raise Invalid(_("Choose a month, a quarter or a year."), "pick")
        chosen["kind"], chosen["number"] = kinds[pick[:1]], pick[1:]
    if chosen["kind"] not in PERIOD_KINDS:
        raise Invalid(_("Choose a month, a quarter or a year."), "kind")
    try:
        year = int(chosen["year"])
    except ValueError:
        year = 0
    if not FIRST_YEAR <= year <= day.year:
        raise Invalid(
            _("Enter a year from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": day.year},
            "year",
        )
    if chosen["kind"] == "year":
        number = 1
    elif not chosen["number"]:
        # A month or quarter with no number: the current one in the current year, else the first.
        current = day.month if chosen["kind"] == "month" else (day.month - 1) // 3 + 1
        number = current if year == day.year else 1
    else:
        try:
            number = int(chosen["number"])
        except ValueError:
            number = 0
    try:
        found = Period.of(chosen["kind"], year, number)
    except ValueError as exc:
        raise Invalid(str(exc), "number") from exc
    if found.first > rules.month_of(day):
        raise Invalid(_("That period has not started yet."), "number")
    chosen["number"] = str(number)
    chosen["pick"] = "y" if chosen["kind"] == "year" else f"{chosen['kind'][0]}{number}"
    return found, chosen


def default_choices(day: dt.date) -> dict:
    return {"kind": "year", "year": str(day.year), "number": "1", "pick": "y"}
