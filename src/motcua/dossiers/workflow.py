"""The dossier state machine as data: statuses and the table of allowed transitions.

Every change of a dossier goes through `services.perform`, which looks the action up here, checks
the actor's role and agency, writes the new status and appends an event to the control slip in
one transaction. Nothing else changes a dossier's status.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Status(StrEnum):
    """Statuses reported outward (trạng thái hồ sơ)."""

    SUBMITTED = "submitted"  # arrived online, waiting for reception (chờ tiếp nhận)
    RECEIVED = "received"  # accepted, code and appointment issued (đã tiếp nhận)
    IN_PROGRESS = "in_progress"  # being resolved (đang giải quyết)
    SUPPLEMENT_REQUESTED = "supplement_requested"  # waiting for the applicant (yêu cầu bổ sung)
    SUPPLEMENTED = "supplemented"  # the applicant supplemented (đã bổ sung)
    REFUSED = "refused"  # refused at reception or after appraisal (từ chối)
    STOPPED = "stopped"  # closed: no supplement within the allowed time (dừng xử lý)
    WITHDRAWN = "withdrawn"  # stopped at the applicant's request, Form 05 (rút hồ sơ)
    PROCESSED = "processed"  # result ready, waiting to be returned (đã có kết quả)
    RETURNED = "returned"  # result returned (đã trả kết quả)


STATUS_LABELS = {
    Status.SUBMITTED: _("Waiting for reception"),
    Status.RECEIVED: _("Received"),
    Status.IN_PROGRESS: _("In progress"),
    Status.SUPPLEMENT_REQUESTED: _("Supplement requested"),
    Status.SUPPLEMENTED: _("Supplement completed"),
    Status.REFUSED: _("Refused"),
    Status.STOPPED: _("Stopped"),
    Status.WITHDRAWN: _("Withdrawn by the applicant"),
    Status.PROCESSED: _("Processed, result ready"),
    Status.RETURNED: _("Result returned"),
}

FINAL = frozenset({Status.REFUSED, Status.STOPPED, Status.WITHDRAWN, Status.RETURNED})
# Statuses in which the resolution clock runs.
OPEN = frozenset({Status.RECEIVED, Status.IN_PROGRESS, Status.SUPPLEMENTED})


class Where(StrEnum):
    """Which of the dossier's agencies the actor must hold his role in."""

    RECEIVING = "receiving"  # the service centre that received it (or receives it now)
    RESOLVING = "resolving"  # the resolving authority
    RETURNING = "returning"  # the centre that returns the result
    STEP = "step"  # the agency of the active step the actor works on
    ANY_OF_DOSSIER = "any"  # receiving or resolving agency
    APPLICANT = "applicant"  # the applicant himself (portal)
    SYSTEM = "system"  # a scheduled task


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[Status | None]
    target: Status | None  # None: the status stays (a hand-over between steps, an extension)
    roles: frozenset[str]
    where: Where
    label: str


def _t(action, sources, target, roles, where, label):
    return Transition(action, frozenset(sources), target, frozenset(roles), where, label)


RECEPTIONIST, SPECIALIST, LEADER, CENTRE_HEAD = "receptionist", "specialist", "leader", "centre_head"

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        _t("submit", [None], Status.SUBMITTED, ["applicant"], Where.APPLICANT, _("Submit online")),
        _t(
            "receive",
            [None, Status.SUBMITTED, Status.SUPPLEMENT_REQUESTED, Status.SUPPLEMENTED],
            Status.RECEIVED,
            [RECEPTIONIST],
            Where.RECEIVING,
            _("Receive (Form 01)"),
        ),
        _t(
            "request_supplement_at_reception",
            [None, Status.SUBMITTED],
            Status.SUPPLEMENT_REQUESTED,
            [RECEPTIONIST],
            Where.RECEIVING,
            _("Ask for a supplement at reception (Form 02)"),
        ),
        _t(
            "refuse_at_reception",
            [None, Status.SUBMITTED, Status.SUPPLEMENTED],
            Status.REFUSED,
            [RECEPTIONIST],
            Where.RECEIVING,
            _("Refuse to receive (Form 03)"),
        ),
        _t(
            "complete_step",
            [Status.RECEIVED, Status.IN_PROGRESS, Status.SUPPLEMENTED],
            Status.IN_PROGRESS,
            [RECEPTIONIST, SPECIALIST, LEADER, CENTRE_HEAD],
            Where.STEP,
            _("Finish my step and hand over"),
        ),
        _t(
            "assign",
            [Status.RECEIVED, Status.IN_PROGRESS, Status.SUPPLEMENTED],
            None,
            [LEADER],
            Where.STEP,
            _("Assign to a specialist"),
        ),
        _t(
            "request_supplement",
            [Status.RECEIVED, Status.IN_PROGRESS, Status.SUPPLEMENTED],
            Status.SUPPLEMENT_REQUESTED,
            [SPECIALIST, LEADER],
            Where.RESOLVING,
            _("Ask the applicant for a supplement"),
        ),
        _t(
            "supplement",
            [Status.SUPPLEMENT_REQUESTED],
            Status.SUPPLEMENTED,
            [RECEPTIONIST, "applicant"],
            Where.RECEIVING,
            _("Record the supplement"),
        ),
        _t(
            "approve",
            [Status.RECEIVED, Status.IN_PROGRESS, Status.SUPPLEMENTED],
            Status.PROCESSED,
            [LEADER],
            Where.RESOLVING,
            _("Approve and sign the result"),
        ),
        _t(
            "refuse",
            [Status.RECEIVED, Status.IN_PROGRESS, Status.SUPPLEMENTED],
            Status.REFUSED,
            [LEADER],
            Where.RESOLVING,
            _("Refuse after appraisal"),
        ),
        _t(
            "extend",
            [Status.RECEIVED, Status.IN_PROGRESS, Status.SUPPLEMENTED],
            None,
            [LEADER],
            Where.RESOLVING,
            _("Apologise and set a new date (Form 04)"),
        ),
        _t(
            "notify_early_return",
            [Status.PROCESSED],
            None,
            [RECEPTIONIST],
            Where.RETURNING,
            _("Tell the applicant the result is ready early"),
        ),
        _t(
            "return_result",
            [Status.PROCESSED],
            Status.RETURNED,
            [RECEPTIONIST],
            Where.RETURNING,
            _("Return the result"),
        ),
        _t(
            "withdraw",
            [Status.SUBMITTED, Status.RECEIVED, Status.IN_PROGRESS, Status.SUPPLEMENT_REQUESTED, Status.SUPPLEMENTED],
            Status.WITHDRAWN,
            [RECEPTIONIST, "applicant"],
            Where.ANY_OF_DOSSIER,
            _("Stop at the applicant's request (Form 05)"),
        ),
        _t(
            "close_unsupplemented",
            [Status.SUPPLEMENT_REQUESTED],
            Status.STOPPED,
            ["system"],
            Where.SYSTEM,
            _("Close: no supplement in time"),
        ),
    ]
}


def allowed_actions(status: Status | None) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if status in t.sources]
