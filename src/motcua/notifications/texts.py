"""What the applicant is told after each dossier action: an e-mail (subject and body) and a short
SMS, in plain polite Vietnamese whatever the officer's language (`translation.override("vi")`).

Actions that concern only officers (hand-overs between steps, assignments) tell nobody.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.workdays.calendar import VN_TZ

from . import conf

# Every action after which the applicant is told something.
TOLD = frozenset(
    {
        "submit",
        "receive",
        "request_supplement_at_reception",
        "request_supplement",
        "supplement",
        "extend",
        "notify_early_return",
        "approve",
        "return_result",
        "refuse",
        "refuse_at_reception",
        "withdraw",
        "close_unsupplemented",
    }
)


@dataclass(frozen=True)
class Text:
    subject: str
    body: str
    sms: str


def when(value: dt.datetime | str | None) -> str:
    """dd/mm/yyyy HH:MM in Vietnamese time."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if value else None
    if value is None:
        return ""
    return timezone.localtime(value, VN_TZ).strftime("%d/%m/%Y %H:%M")


def lookup_url() -> str:
    return conf.site_url() + "/tra-cuu/"


def compose(dossier, action: str, *, data: dict, note: str, deadline: dt.datetime | None) -> Text | None:
    """The message for one action, or None when the applicant is not told of it."""
    if action not in TOLD:
        return None
    with translation.override("vi"):
        return _compose(dossier, action, data=data, note=note, deadline=deadline)


def _compose(dossier, action: str, *, data: dict, note: str, deadline) -> Text:
    values = {
        "code": dossier.code or "",
        "procedure": dossier.procedure_version.name,
        "centre": dossier.receiving_agency.name,
        "returning": dossier.returning_agency.name,
        "agency": dossier.resolving_agency.name,
        "due": when(dossier.due_at),
        "acceptance_due": when(dossier.acceptance_due_at),
        "submitted": when(dossier.submitted_at),
        "secret": dossier.secret,
        "deadline": when(deadline),
        "items": "; ".join(str(i) for i in data.get("items", [])),
        "reasons": note or _("not stated"),
        "new_due": when(data.get("new_due_at")),
        "url": lookup_url(),
    }
    reference = values["code"] or values["procedure"]
    subject, lines, sms = _parts(dossier, action, values)
    if dossier.applicant_kind == "organisation":
        greeting = _("Dear %(name)s,") % {"name": dossier.applicant_name}
    else:
        greeting = _("Dear Mr/Ms %(name)s,") % {"name": dossier.applicant_name}
    footer = [
        _("Follow your dossier at %(url)s") % values
        + (" " + _("with the code %(code)s and the look-up secret %(secret)s.") % values if values["code"] else "."),
        _("This message was sent automatically by the one-stop service system; please do not reply to it."),
    ]
    body = "\n\n".join([greeting, *lines, *footer]) + "\n"
    return Text(subject=f"[{reference}] {subject}", body=body, sms=sms)


def _parts(dossier, action: str, v: dict) -> tuple[str, list[str], str]:
    """(subject, paragraphs of the e-mail, SMS) for the action."""
    if action == "submit":
        return (
            _("Your online dossier has arrived"),
            [
                _("Your online dossier for “%(procedure)s” reached %(centre)s at %(submitted)s.") % v,
                _(
                    "A dossier that arrives outside working hours is counted from the next working day. "
                    "The centre will accept it, or tell you what is missing, by %(acceptance_due)s."
                )
                % v,
            ],
            _("Your dossier %(procedure)s was sent at %(submitted)s; it will be accepted by %(acceptance_due)s.") % v,
        )
    if action == "receive":
        if v["due"]:
            due = _("The result is due on %(due)s.") % v
        else:
            due = _("The appointment for the result will be set once the fees are paid.")
        return (
            _("Your dossier has been received"),
            [
                _("%(centre)s has received your dossier for “%(procedure)s”. Dossier code: %(code)s.") % v,
                due,
                _("Look-up secret: %(secret)s (keep it with the receipt).") % v,
            ],
            _("Dossier %(code)s received. Result due: %(due)s. Look-up secret: %(secret)s. Follow it at %(url)s") % v
            if v["due"]
            else _("Dossier %(code)s received. Look-up secret: %(secret)s. Follow it at %(url)s") % v,
        )
    if action in ("request_supplement_at_reception", "request_supplement"):
        return (
            _("Your dossier needs more documents"),
            [
                _("Your dossier for “%(procedure)s” needs the following before it can go on: %(items)s.") % v,
                _("Reason: %(reasons)s") % v,
                _("Please bring or send them by %(deadline)s; after that the dossier will be closed.") % v,
            ],
            _("Dossier %(ref)s needs: %(items)s. Supplement by %(deadline)s.") % {**v, "ref": v["code"] or ""},
        )
    if action == "supplement":
        return (
            _("Your supplement has been received"),
            [_("We have received the documents you added to your dossier for “%(procedure)s”.") % v]
            + ([_("The result is now due on %(due)s.") % v] if v["due"] and v["code"] else []),
            _("Supplement to dossier %(code)s received.") % v
            + (" " + _("Result due: %(due)s.") % v if v["due"] else ""),
        )
    if action == "extend":
        return (
            _("Apology and a new date for your dossier"),
            [
                _(
                    "%(agency)s apologises: your dossier %(code)s for “%(procedure)s” cannot be resolved by the "
                    "date first given."
                )
                % v,
                _("Reason: %(reasons)s") % v,
                _("The new date for the result is %(new_due)s.") % v,
            ],
            _("We apologise: dossier %(code)s is late. New date: %(new_due)s.") % v,
        )
    if action == "notify_early_return":
        return (
            _("Your result is ready early"),
            [_("The result of your dossier %(code)s is ready before the appointment.") % v, _collect(dossier, v)],
            _("The result of dossier %(code)s is ready early. Please collect it.") % v,
        )
    if action == "approve":
        return (
            _("Your result is ready"),
            [_("Your dossier %(code)s for “%(procedure)s” has been resolved.") % v, _collect(dossier, v)],
            _("Dossier %(code)s has a result. Please collect it.") % v,
        )
    if action == "return_result":
        return (
            _("Your result has been returned"),
            [
                _("The result of your dossier %(code)s has been returned.") % v,
                _("Thank you. You can rate the service at %(url)s.") % v,
            ],
            _("The result of dossier %(code)s has been returned. Thank you.") % v,
        )
    if action in ("refuse", "refuse_at_reception"):
        lead = (
            _("Your dossier for “%(procedure)s” was not accepted at %(centre)s.") % v
            if action == "refuse_at_reception"
            else _("Your dossier %(code)s for “%(procedure)s” has been refused by %(agency)s.") % v
        )
        return (
            _("Your dossier was refused"),
            [lead, _("Reason: %(reasons)s") % v],
            _("Dossier %(ref)s refused. Reason: %(reasons)s") % {**v, "ref": v["code"] or v["procedure"]},
        )
    if action == "withdraw":
        return (
            _("Your dossier has been stopped at your request"),
            [_("As you asked, the procedure “%(procedure)s” for your dossier %(code)s has been stopped.") % v],
            _("Dossier %(ref)s stopped at your request.") % {**v, "ref": v["code"] or v["procedure"]},
        )
    # close_unsupplemented
    return (
        _("Your dossier has been closed"),
        [
            _("Your dossier %(code)s for “%(procedure)s” has been closed: no supplement arrived in time.") % v,
            _("You may submit a new dossier at any time."),
        ],
        _("Dossier %(ref)s closed: no supplement in time.") % {**v, "ref": v["code"] or v["procedure"]},
    )


def _collect(dossier, v: dict) -> str:
    if dossier.return_method == "online":
        return _("You can download it on the portal at %(url)s.") % v
    if dossier.return_method == "post":
        return _("It will be sent to you by post.")
    return _("Please collect it at %(returning)s, bringing the receipt.") % v


def one_time_code(code: str, minutes: int) -> Text:
    with translation.override("vi"):
        text = _(
            "Your motcua verification code is %(code)s, valid for %(minutes)s minutes. Do not share it with anyone."
        ) % {"code": code, "minutes": minutes}
        return Text(subject=_("Your verification code"), body=text + "\n", sms=text)
