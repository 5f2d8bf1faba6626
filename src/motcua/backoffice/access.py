"""What an officer may see and do on the back office: the dossiers he may open and the actions he
may take on one now (derived from `workflow.allowed_actions` and `services.holds_role`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency, Assignment, Role
from motcua.agencies.services import agencies_where
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierStep, Extension
from motcua.dossiers.queues import WATCHING_ROLES
from motcua.dossiers.workflow import LEADER, SPECIALIST, Status, Transition, Where, allowed_actions

# The roles that give sight of a dossier: those who handle, sign, return or inspect it. A
# provincial administrator configures the system and sees no personal data through this.
SEEING_ROLES = WATCHING_ROLES

# URL segment of each action of the dossier page (Vietnamese slugs).
SLUGS = {
    "receive": "tiep-nhan",
    "request_supplement_at_reception": "bo-sung-khi-tiep-nhan",
    "refuse_at_reception": "tu-choi-tiep-nhan",
    "complete_step": "chuyen-buoc",
    "assign": "phan-cong",
    "request_supplement": "yeu-cau-bo-sung",
    "supplement": "nhan-bo-sung",
    "approve": "phe-duyet",
    "refuse": "tu-choi",
    "extend": "gia-han",
    "notify_early_return": "bao-tra-som",
    "return_result": "tra-ket-qua",
    "withdraw": "rut-ho-so",
}
ACTIONS_BY_SLUG = {slug: action for action, slug in SLUGS.items()}
# Shown first and open: the step that moves the dossier on.
PRIMARY = ("receive", "complete_step", "approve", "return_result")


def visible_dossiers(user) -> QuerySet[Dossier]:
    """Dossiers the officer may open: he holds a role in the receiving, resolving or returning
    agency or in the agency of one of its steps, or in an agency above one of them (one query)."""
    agencies = agencies_where(user, SEEING_ROLES).values("pk")
    in_steps = DossierStep.objects.filter(dossier=OuterRef("pk"), agency__in=agencies)
    return Dossier.objects.filter(
        Q(receiving_agency__in=agencies)
        | Q(resolving_agency__in=agencies)
        | Q(returning_agency__in=agencies)
        | Exists(in_steps)
    )


def reception_centres(user) -> list[Agency]:
    """The service centres where the officer receives dossiers."""
    return list(agencies_where(user, [Role.RECEPTIONIST]).filter(kind__in=Agency.CENTRE_KINDS).order_by("path"))


def register_centres(user) -> list[Agency]:
    """The centres whose register the officer may print: their heads and receptionists."""
    return list(
        agencies_where(user, [Role.CENTRE_HEAD, Role.RECEPTIONIST])
        .filter(kind__in=Agency.CENTRE_KINDS)
        .order_by("path")
    )


def specialists_of(agency: Agency) -> list:
    """Officers who hold the specialist role in the agency or above it (those `assign` accepts)."""
    parts = [p for p in agency.path.strip("/").split("/") if p]
    prefixes = ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    rows = (
        Assignment.objects.filter(role=Role.SPECIALIST, agency__path__in=prefixes, agency__is_active=True)
        .select_related("officer")
        .order_by("officer__last_name", "officer__first_name", "officer__username")
    )
    seen, officers = set(), []
    for row in rows:
        if row.officer_id not in seen:
            seen.add(row.officer_id)
            officers.append(row.officer)
    return officers


@dataclass
class Action:
    """An action form the officer may use now on a dossier."""

    name: str
    label: str
    slug: str
    primary: bool = False
    steps: list[DossierStep] = field(default_factory=list)  # complete_step: his active steps
    step: DossierStep | None = None  # assign: the specialist step of his agency
    specialists: list = field(default_factory=list)
    note: str = ""  # why it is limited (extension rules)


class _Roles:
    """`services.holds_role`, asked once per (roles, agency) while building one page."""

    def __init__(self, user):
        self.user, self._seen = user, {}

    def __call__(self, roles, agency: Agency) -> bool:
        key = (frozenset(roles), agency.pk)
        if key not in self._seen:
            self._seen[key] = services.holds_role(self.user, roles, agency)
        return self._seen[key]


def _mine(holds, steps: list[DossierStep], user, roles) -> list[DossierStep]:
    return [
        s
        for s in steps
        if s.state == DossierStep.State.ACTIVE
        and s.role in roles
        and s.assignee_id in (None, user.pk)
        and holds([s.role], s.agency)
    ]


def extension_state(dossier: Dossier, now: dt.datetime, extended: bool | None = None) -> tuple[bool, str]:
    """Whether a new return date may be set now, and if not, why (once, ≥ 1 working day before)."""
    if extended is None:
        extended = Extension.objects.filter(dossier=dossier).exists()
    if extended:
        return False, _("A new return date has already been set; it may be set only once.")
    if dossier.due_at is None:
        return False, ""
    calendar = services.calendar_of(dossier.resolving_agency)
    if calendar.working_seconds_between(now, dossier.due_at) < calendar.day_seconds:
        return False, _(
            "It is too late: the apology and new date must be issued at least one working day before the due time."
        )
    return True, ""


def actions_for(
    user, dossier: Dossier, steps: list[DossierStep], now: dt.datetime, *, extended: bool | None = None
) -> list[Action]:
    """The action forms to show: allowed from the dossier's status and held by the officer.

    `steps` are the dossier's steps with their agencies; `extended` whether Form 04 was issued.
    """
    holds = _Roles(user)
    status = Status(dossier.status) if dossier.status else None
    agencies = {
        Where.RECEIVING: dossier.receiving_agency,
        Where.RESOLVING: dossier.resolving_agency,
        Where.RETURNING: dossier.returning_agency,
    }
    accepted = bool(dossier.code)
    result: list[Action] = []
    for transition in allowed_actions(status):
        if transition.action not in SLUGS:
            continue
        action = _action(transition, dossier, steps, user, holds, agencies, accepted, now, extended)
        if action is not None:
            result.append(action)
    result.sort(key=lambda a: (not a.primary, PRIMARY.index(a.name) if a.primary else 0))
    return result


def _action(transition: Transition, dossier, steps, user, holds, agencies, accepted, now, extended) -> Action | None:
    name = transition.action
    action = Action(name, str(transition.label), SLUGS[name], primary=name in PRIMARY)
    where = transition.where
    if where is Where.STEP:
        if name == "assign":
            candidates = [
                s
                for s in steps
                if s.state == DossierStep.State.ACTIVE and s.role == SPECIALIST and holds([LEADER], s.agency)
            ]
            if not candidates:
                return None
            action.step = candidates[0]
            action.specialists = specialists_of(action.step.agency)
            return action
        mine = _mine(holds, steps, user, transition.roles)
        # A leader's step in the resolving agency ends by approving the result, not by handing over.
        mine = [s for s in mine if not (s.role == LEADER and s.agency_id == dossier.resolving_agency_id)]
        if not mine:
            return None
        action.steps = mine
        return action
    if where is Where.ANY_OF_DOSSIER:
        if holds(transition.roles, dossier.receiving_agency) or holds(transition.roles, dossier.resolving_agency):
            return action
        return None
    agency = agencies.get(where)
    if agency is None or not holds(transition.roles, agency):
        return None
    if name in ("receive", "request_supplement_at_reception", "refuse_at_reception"):
        # Reception of a dossier not yet accepted (online, or back after Form 02).
        if accepted:
            return None
        if (
            name == "receive"
            and dossier.status == Status.SUPPLEMENT_REQUESTED
            and not dossier.reception_supplement_requested
        ):
            return None  # asked after acceptance: the supplement is recorded, not received again
        if name == "request_supplement_at_reception" and dossier.reception_supplement_requested:
            return None
    if name == "approve":
        signing = [s for s in _mine(holds, steps, user, [LEADER]) if s.agency_id == dossier.resolving_agency_id]
        if not signing:
            return None
    if name == "extend":
        possible, why = extension_state(dossier, now, extended)
        if not possible:
            if not why:
                return None
            action.note = why
    if name == "notify_early_return" and dossier.due_at and now >= dossier.due_at:
        return None
    return action
