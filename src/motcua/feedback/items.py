"""The only writer of feedback items (phản ánh, kiến nghị): sending, routing, handling, answering,
publishing and reopening, each in one transaction that appends an event and tells the sender.

The allowed steps are data (`STEPS`): from which statuses, to which, by whom. Deadlines come from
`rules.deadlines` on the calendar of the agency now handling the item; forwarding restarts them
at the new agency. A refused action raises `ActionError` and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Count, F, Q, QuerySet, When
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency, Role
from motcua.agencies.services import agencies_where
from motcua.core import clock
from motcua.core.errors import Conflict, Invalid, NotAllowed
from motcua.core.people import full_name
from motcua.core.text import fold, nfc, search_terms
from motcua.dossiers import validation
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import calendar_of, holds_role
from motcua.workdays.calendar import VN_TZ

from . import rules
from .models import FeedbackAttachment, FeedbackEvent, FeedbackItem, FeedbackVote, new_item_secret

Status = FeedbackItem.Status
Channel = FeedbackItem.Channel
Kind = FeedbackItem.Kind

# Who types in what came by hotline, letter or in person; who handles; who approves answers.
RECORD_ROLES = (Role.RECEPTIONIST, Role.SPECIALIST, Role.LEADER, Role.CENTRE_HEAD)
HANDLER_ROLES = (Role.SPECIALIST, Role.LEADER, Role.CENTRE_HEAD)
APPROVER_ROLES = (Role.LEADER, Role.CENTRE_HEAD)
# Channels an officer types in; the other two come from the sender himself.
OFFICER_CHANNELS = (Channel.HOTLINE, Channel.LETTER, Channel.IN_PERSON)
SENDER = "sender"


@dataclass(frozen=True)
class Step:
    sources: frozenset[str]
    target: str | None  # None: the status does not change
    roles: tuple[str, ...] | str


STEPS: dict[str, Step] = {
    "classify": Step(frozenset({Status.RECEIVED, Status.IN_PROGRESS}), Status.IN_PROGRESS, HANDLER_ROLES),
    "reject": Step(frozenset({Status.RECEIVED, Status.IN_PROGRESS}), Status.REJECTED, HANDLER_ROLES),
    "ask_more": Step(frozenset({Status.RECEIVED, Status.IN_PROGRESS}), Status.WAITING_SENDER, HANDLER_ROLES),
    "add_more": Step(frozenset({Status.WAITING_SENDER}), Status.IN_PROGRESS, SENDER),
    "forward": Step(frozenset({Status.RECEIVED, Status.IN_PROGRESS}), Status.RECEIVED, HANDLER_ROLES),
    "draft_answer": Step(frozenset({Status.IN_PROGRESS, Status.REOPENED}), Status.AWAITING_APPROVAL, HANDLER_ROLES),
    "send_back": Step(frozenset({Status.AWAITING_APPROVAL}), Status.IN_PROGRESS, APPROVER_ROLES),
    "approve": Step(frozenset({Status.AWAITING_APPROVAL}), Status.ANSWERED, APPROVER_ROLES),
    "publish": Step(frozenset({Status.ANSWERED}), Status.PUBLISHED, HANDLER_ROLES),
    "reopen": Step(frozenset({Status.ANSWERED, Status.PUBLISHED}), Status.REOPENED, SENDER),
}
OPEN = frozenset(
    {Status.RECEIVED, Status.IN_PROGRESS, Status.WAITING_SENDER, Status.AWAITING_APPROVAL, Status.REOPENED}
)
MAX_SUBJECT = 200
MAX_NOTE = 5000


@dataclass
class Attachment:
    name: str
    content: bytes


@dataclass
class Submission:
    """What the sender (or the officer for him) gave."""

    kind: str
    subject: str
    text: str
    agency_id: int | None = None
    channel: str = Channel.PORTAL
    sender_name: str = ""
    sender_phone: str = ""
    sender_email: str = ""
    sender_address: str = ""
    anonymous: bool = False
    dossier_code: str = ""
    dossier_secret: str = ""
    officer_name: str = ""
    attachments: list[Attachment] = field(default_factory=list)


# -- time ---------------------------------------------------------------------------------------------


def _deadlines(agency: Agency, start: dt.datetime) -> rules.Deadlines:
    return rules.deadlines(calendar_of(agency), start, settings.MOTCUA_FEEDBACK_DAYS)


def _set_deadlines(item: FeedbackItem, start: dt.datetime) -> None:
    due = _deadlines(item.agency, start)
    item.clock_from = start
    item.reject_due_at, item.forward_due_at, item.more_due_at = due.reject, due.forward, due.more
    item.answer_due_at, item.publish_due_at = due.answer, due.publish


def reopen_until(item: FeedbackItem) -> dt.datetime | None:
    if item.answered_at is None:
        return None
    return rules.reopen_until(calendar_of(item.agency), item.answered_at, settings.MOTCUA_FEEDBACK_REOPEN_DAYS)


def can_reopen(item: FeedbackItem, now: dt.datetime | None = None) -> bool:
    limit = reopen_until(item)
    return (
        item.status in STEPS["reopen"].sources
        and item.reopened_at is None
        and limit is not None
        and (now or clock.now()) <= limit
    )


# -- checks ---------------------------------------------------------------------------------------------


def _text_error(problem: str) -> str:
    return {
        "empty": _("Write what you want to tell us."),
        "short": _("Please write at least %(n)s characters so that we can understand the matter.")
        % {"n": rules.MIN_TEXT},
        "long": _("The text is too long (at most %(n)s characters).") % {"n": rules.MAX_TEXT},
        "links": _("The text holds too many web links; please describe the matter in words."),
        "absurd": _("The text cannot be understood; please describe the matter in words."),
    }[problem]


def clean_text(value: str, field_name: str = "text") -> str:
    # Each line normalised; the sender's paragraphs are kept.
    text = "\n".join(nfc(line) for line in (value or "").splitlines())
    problem = rules.text_problem(text)
    if problem:
        raise Invalid(_text_error(problem), field_name)
    return text.strip()


def too_large(name: str) -> Invalid:
    limit = settings.MOTCUA_FEEDBACK_MAX_FILE_BYTES
    return Invalid(
        _("“%(name)s” is larger than %(limit)s.") % {"name": name, "limit": filesizeformat(limit)}, "attachments"
    )


def check_attachments(attachments: Sequence[Attachment]) -> list[tuple[Attachment, str]]:
    """Each file checked by its size and its first bytes (PDF, PNG or JPEG), before anything is kept."""
    if len(attachments) > settings.MOTCUA_FEEDBACK_MAX_FILES:
        raise Invalid(
            _("At most %(n)s files may be attached.") % {"n": settings.MOTCUA_FEEDBACK_MAX_FILES}, "attachments"
        )
    checked = []
    limit = settings.MOTCUA_FEEDBACK_MAX_FILE_BYTES
    for attachment in attachments:
        name = nfc(attachment.name or "")[:200] or "tep"
        if len(attachment.content) > limit:
            raise too_large(name)
        try:
            content_type = validation.scan(name, attachment.content[:16], len(attachment.content))
        except validation.InvalidInput as exc:
            raise Invalid(exc.message, "attachments") from exc
        checked.append((Attachment(name, attachment.content), content_type))
    return checked


def _clean_sender(data: Submission, *, by_officer: bool) -> None:
    data.sender_name = nfc(data.sender_name)[:200]
    data.sender_address = nfc(data.sender_address)[:300]
    data.sender_email = nfc(data.sender_email)[:254]
    try:
        data.sender_phone = validation.phone(data.sender_phone)
    except validation.InvalidInput as exc:
        raise Invalid(exc.message, "sender_phone") from exc
    if data.sender_email and ("@" not in data.sender_email or " " in data.sender_email):
        raise Invalid(_("Enter a valid e-mail address."), "sender_email")
    # Only the suggestion box takes fully anonymous items; the handler knows every other sender.
    if data.anonymous and data.channel == Channel.QR_BOX and not by_officer:
        return
    data.anonymous = False
    if not data.sender_name:
        raise Invalid(_("Enter your full name."), "sender_name")
    if not data.sender_phone and not data.sender_email:
        raise Invalid(_("Enter a phone number or an e-mail address so that we can answer you."), "sender_phone")


def _dossier(data: Submission, account, by_officer: bool) -> Dossier | None:
    code = (data.dossier_code or "").strip().upper()
    if not code:
        return None
    dossier = Dossier.objects.filter(code=code).select_related("resolving_agency").first()
    if dossier is None:
        raise Invalid(_("There is no dossier with this code."), "dossier_code")
    owner = account is not None and dossier.owner_id == getattr(account, "pk", None)
    secret = (data.dossier_secret or "").strip().upper()
    if not (by_officer or owner or (secret and secret == dossier.secret)):
        raise Invalid(_("Enter the look-up secret printed on the dossier's slip."), "dossier_secret")
    return dossier


def new_code(day: dt.date) -> str:
    """PA-<YYMMDD>-<10 random characters>: the sender's key to follow the item, not guessable."""
    return f"PA-{day:%y%m%d}-{new_item_secret()}"


# -- events ---------------------------------------------------------------------------------------------


def _event(
    item: FeedbackItem, action: str, actor, *, before: str, at: dt.datetime, agency=None, actor_name="", **extra
):
    officer = actor if getattr(actor, "is_authenticated", False) else None
    return FeedbackEvent.objects.create(
        item=item,
        at=at,
        action=action,
        from_status=before,
        to_status=item.status,
        actor=officer,
        actor_name=full_name(officer) if officer else actor_name,
        agency=agency or item.agency,
        **extra,
    )


def _tell(item: FeedbackItem, action: str) -> None:
    from motcua.notifications import services as notifications

    notifications.for_feedback(item, action)


# -- sending --------------------------------------------------------------------------------------------


@transaction.atomic
def send(data: Submission, *, account=None, officer=None) -> FeedbackItem:
    """Take a new item from the portal or the box (officer None), or as typed by an officer."""
    by_officer = officer is not None
    if by_officer and data.channel not in OFFICER_CHANNELS:
        raise Invalid(_("Choose how the feedback arrived."), "channel")
    if not by_officer and data.channel not in (Channel.PORTAL, Channel.QR_BOX):
        raise Invalid(_("Unknown channel."), "channel")
    if data.kind not in Kind.values:
        raise Invalid(_("Choose what the feedback is about."), "kind")
    subject = nfc(data.subject or "")
    if not subject:
        raise Invalid(_("Enter a short subject."), "subject")
    if len(subject) > MAX_SUBJECT:
        raise Invalid(_("The subject is too long (at most %(n)s characters).") % {"n": MAX_SUBJECT}, "subject")
    text = clean_text(data.text)
    _clean_sender(data, by_officer=by_officer)
    dossier = _dossier(data, account, by_officer)
    agency = Agency.objects.filter(pk=data.agency_id, is_active=True).first() if data.agency_id else None
    if agency is None and dossier is not None:
        agency = dossier.resolving_agency
    if agency is None:
        raise Invalid(_("Choose the agency the feedback is for."), "agency")
    if by_officer and not holds_role(officer, RECORD_ROLES, agency) and not _records_anywhere(officer):
        raise NotAllowed(_("You cannot record feedback."))
    files = check_attachments(data.attachments)
    now = clock.now()
    item = FeedbackItem(
        code=new_code(now.astimezone(VN_TZ).date()),
        channel=data.channel,
        kind=data.kind,
        subject=subject,
        text=text,
        search_text=fold(f"{subject} {text}"),
        agency=agency,
        dossier=dossier,
        officer_name=nfc(data.officer_name or "")[:200],
        sender_name=data.sender_name,
        sender_phone=data.sender_phone,
        sender_email=data.sender_email,
        sender_address=data.sender_address,
        sender_account=account if getattr(account, "is_authenticated", False) else None,
        anonymous=data.anonymous,
        recorded_by=officer,
        received_at=now,
    )
    _set_deadlines(item, now)
    item.save()
    _store(item, files, now)
    _event(item, "send", officer, before="", at=now)
    _tell(item, "send")
    return item


def _records_anywhere(officer) -> bool:
    """An officer of a service centre types in what came to the centre for any agency."""
    return agencies_where(officer, [Role.RECEPTIONIST, Role.CENTRE_HEAD]).filter(kind__in=Agency.CENTRE_KINDS).exists()


def _store(item: FeedbackItem, files: list[tuple[Attachment, str]], now: dt.datetime) -> None:
    from motcua.documents import store

    FeedbackAttachment.objects.bulk_create(
        FeedbackAttachment(item=item, blob=store.put(a.content, content_type), name=a.name, added_at=now)
        for a, content_type in files
    )


# -- who may act ------------------------------------------------------------------------------------------


def handled_by(user) -> QuerySet[FeedbackItem]:
    """Items of the agencies where the officer handles feedback (his queue), one SQL filter."""
    agencies = agencies_where(user, [*HANDLER_ROLES, Role.INSPECTOR]).values("pk")
    return FeedbackItem.objects.filter(agency__in=agencies)


def _roles_for(action: str, item: FeedbackItem) -> tuple[str, ...] | str:
    # A reopened item goes back to the handler's leader: only he drafts the new answer.
    if action == "draft_answer" and item.status == Status.REOPENED:
        return APPROVER_ROLES
    return STEPS[action].roles


def may(user, action: str, item: FeedbackItem) -> bool:
    step = STEPS[action]
    roles = _roles_for(action, item)
    return item.status in step.sources and roles != SENDER and holds_role(user, roles, item.agency)


def actions_for(user, item: FeedbackItem) -> list[str]:
    return [action for action, step in STEPS.items() if step.roles != SENDER and may(user, action, item)]


def _lock(item_id: int) -> FeedbackItem:
    item = FeedbackItem.objects.select_for_update().select_related("agency").filter(pk=item_id).first()
    if item is None:
        raise Invalid(_("There is no such feedback item."))
    return item


def _begin(action: str, item_id: int, actor) -> tuple[FeedbackItem, str, dt.datetime]:
    item = _lock(item_id)
    step = STEPS[action]
    if item.status not in step.sources:
        raise Conflict(_("This cannot be done while the item is “%(status)s”.") % {"status": item.get_status_display()})
    roles = _roles_for(action, item)
    if roles != SENDER and not holds_role(actor, roles, item.agency):
        raise NotAllowed(_("You do not hold the role needed in %(agency)s.") % {"agency": item.agency.name})
    return item, item.status, clock.now()


def _note(value: str, field_name: str, message: str) -> str:
    value = "\n".join(nfc(line) for line in (value or "").splitlines()).strip()
    if not value:
        raise Invalid(message, field_name)
    if len(value) > MAX_NOTE:
        raise Invalid(_("The text is too long (at most %(n)s characters).") % {"n": MAX_NOTE}, field_name)
    return value


# -- handling ----------------------------------------------------------------------------------------------


@transaction.atomic
def classify(item_id: int, actor, *, kind: str, officer_id: int | None = None) -> FeedbackItem:
    """Set what the item is about (the index counts kinds) and, for conduct, the officer concerned."""
    item, before, now = _begin("classify", item_id, actor)
    if kind not in Kind.values:
        raise Invalid(_("Choose what the feedback is about."), "kind")
    if officer_id:
        from django.contrib.auth import get_user_model

        if not get_user_model().objects.filter(pk=officer_id, assignments__isnull=False).exists():
            raise Invalid(_("There is no such officer."), "officer")
    item.kind = kind
    item.officer_id = officer_id or None
    item.status = Status.IN_PROGRESS
    item.save(update_fields=["kind", "officer", "status"])
    _event(item, "classify", actor, before=before, at=now, note=item.get_kind_display())
    if before != item.status:
        _tell(item, "classify")
    return item


def _close(item: FeedbackItem, now: dt.datetime, due: dt.datetime) -> None:
    item.closed_at = now
    item.on_time = now <= due


@transaction.atomic
def reject(item_id: int, actor, *, reasons: str) -> FeedbackItem:
    """Refuse to handle it (outside the rules for feedback, anonymous slander, repeated…), with reasons."""
    item, before, now = _begin("reject", item_id, actor)
    item.reasons = _note(reasons, "reasons", _("Give the reasons for rejecting it."))
    item.status = Status.REJECTED
    _close(item, now, item.reject_due_at)
    item.save(update_fields=["reasons", "status", "closed_at", "on_time"])
    _event(item, "reject", actor, before=before, at=now, note=item.reasons)
    _tell(item, "reject")
    return item


@transaction.atomic
def ask_more(item_id: int, actor, *, question: str) -> FeedbackItem:
    """Ask the sender for more; the answer's clock waits until he replies."""
    item, before, now = _begin("ask_more", item_id, actor)
    item.question = _note(question, "question", _("Write what the sender should add."))
    item.status = Status.WAITING_SENDER
    item.waiting_since = now
    item.save(update_fields=["question", "status", "waiting_since"])
    _event(item, "ask_more", actor, before=before, at=now, note=item.question)
    _tell(item, "ask_more")
    return item


@transaction.atomic
def add_more(code: str, *, text: str, attachments: Sequence[Attachment] = ()) -> FeedbackItem:
    """The sender's reply to the question (with his code): the deadlines move by the time waited."""
    found = FeedbackItem.objects.filter(code=(code or "").strip().upper()).values_list("pk", flat=True).first()
    if found is None:
        raise Invalid(_("There is no feedback item with this code."), "code")
    item, before, now = _begin("add_more", found, None)
    reply = clean_text(text)
    files = check_attachments(attachments)
    calendar = calendar_of(item.agency)
    since = item.waiting_since or now
    for name in ("answer_due_at", "publish_due_at"):
        setattr(item, name, rules.pushed_back(calendar, getattr(item, name), since, now))
    item.text = f"{item.text}\n\n— {_('Added by the sender')}: {reply}"
    item.search_text = fold(f"{item.subject} {item.text}")
    item.status = Status.IN_PROGRESS
    item.waiting_since = None
    item.save(update_fields=["answer_due_at", "publish_due_at", "text", "search_text", "status", "waiting_since"])
    _store(item, files, now)
    _event(item, "add_more", None, before=before, at=now, note=reply, actor_name=_("Sender"))
    _tell(item, "add_more")
    return item


@transaction.atomic
def forward(item_id: int, actor, *, to_agency_id: int, note: str = "") -> FeedbackItem:
    """Send it to the agency that must handle it; the deadlines start again on that agency's calendar."""
    item, before, now = _begin("forward", item_id, actor)
    target = Agency.objects.filter(pk=to_agency_id, is_active=True).first()
    if target is None:
        raise Invalid(_("Choose the agency that must handle it."), "to_agency")
    if target.pk == item.agency_id:
        raise Invalid(_("The item is already with this agency."), "to_agency")
    source = item.agency
    late = now > item.forward_due_at
    item.agency = target
    item.status = Status.RECEIVED
    _set_deadlines(item, now)
    item.save(
        update_fields=[
            "agency",
            "status",
            "clock_from",
            "reject_due_at",
            "forward_due_at",
            "more_due_at",
            "answer_due_at",
            "publish_due_at",
        ]
    )
    text = nfc(note or "")[:MAX_NOTE]
    if late:
        text = (text + " " if text else "") + _("(forwarded after the deadline)")
    _event(item, "forward", actor, before=before, at=now, agency=source, to_agency=target, note=text)
    _tell(item, "forward")
    return item


@transaction.atomic
def draft_answer(item_id: int, actor, *, answer: str) -> FeedbackItem:
    """The handler's answer, waiting for the leader's approval."""
    item, before, now = _begin("draft_answer", item_id, actor)
    item.answer = _note(answer, "answer", _("Write the answer."))
    item.drafted_by = actor
    item.status = Status.AWAITING_APPROVAL
    item.save(update_fields=["answer", "drafted_by", "status"])
    _event(item, "draft_answer", actor, before=before, at=now)
    return item


@transaction.atomic
def send_back(item_id: int, actor, *, note: str) -> FeedbackItem:
    """The leader returns the draft to be reworked."""
    item, before, now = _begin("send_back", item_id, actor)
    text = _note(note, "note", _("Say what should change in the answer."))
    item.status = Status.IN_PROGRESS
    item.save(update_fields=["status"])
    _event(item, "send_back", actor, before=before, at=now, note=text)
    return item


@transaction.atomic
def approve(item_id: int, actor) -> FeedbackItem:
    """The leader approves the answer: it goes to the sender, and is ready to publish."""
    item, before, now = _begin("approve", item_id, actor)
    item.approved_by = actor
    item.answered_at = now
    item.status = Status.ANSWERED
    _close(item, now, item.answer_due_at)
    item.save(update_fields=["approved_by", "answered_at", "status", "closed_at", "on_time"])
    _event(item, "approve", actor, before=before, at=now)
    _tell(item, "approve")
    return item


def masked(item: FeedbackItem) -> tuple[str, str, str]:
    """(subject, text, answer) as the public may read them: no one's personal data."""
    names = [item.sender_name, item.officer_name]
    if item.officer_id:
        names.append(full_name(item.officer))
    if item.dossier_id:
        names.append(item.dossier.applicant_name)
    return (
        rules.mask_personal(item.subject, names),
        rules.mask_personal(item.text, names),
        rules.mask_personal(item.answer, names),
    )


@transaction.atomic
def publish(item_id: int, actor) -> FeedbackItem:
    """Publish the approved answer on the portal, personal data masked."""
    item, before, now = _begin("publish", item_id, actor)
    item.public_subject, item.public_text, item.public_answer = masked(item)
    item.public_search = fold(f"{item.public_subject} {item.public_text} {item.public_answer}")
    item.status = Status.PUBLISHED
    item.published_at = now
    item.save(
        update_fields=["public_subject", "public_text", "public_answer", "public_search", "status", "published_at"]
    )
    _event(item, "publish", actor, before=before, at=now)
    _tell(item, "publish")
    return item


@transaction.atomic
def reopen(code: str, *, reason: str) -> FeedbackItem:
    """The sender, unhappy with the answer, reopens it: once, within the set period; it goes back
    to the handler's leader with a new answer deadline."""
    found = FeedbackItem.objects.filter(code=(code or "").strip().upper()).values_list("pk", flat=True).first()
    if found is None:
        raise Invalid(_("There is no feedback item with this code."), "code")
    item, before, now = _begin("reopen", found, None)
    if item.reopened_at is not None:
        raise Conflict(_("An answer can be reopened only once."))
    limit = reopen_until(item)
    if limit is None or now > limit:
        raise Conflict(_("The time for reopening this answer has passed."))
    item.reopen_reason = clean_text(reason, "reason")
    item.reopened_at = now
    item.status = Status.REOPENED
    item.closed_at = item.on_time = None
    due = _deadlines(item.agency, now)
    item.answer_due_at, item.publish_due_at = due.answer, due.publish
    item.save(
        update_fields=[
            "reopen_reason",
            "reopened_at",
            "status",
            "closed_at",
            "on_time",
            "answer_due_at",
            "publish_due_at",
        ]
    )
    _event(item, "reopen", None, before=before, at=now, note=item.reopen_reason, actor_name=_("Sender"))
    _tell(item, "reopen")
    return item


@transaction.atomic
def vote(item_id: int, voter: str, *, helpful: bool, by_sender: bool = False) -> FeedbackItem:
    """Mark a published answer helpful or not: one vote per reader (the sender, or a hashed address)."""
    item = FeedbackItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None or item.published_at is None:
        raise Invalid(_("There is no such published answer."))
    key = hashlib.sha256(f"{settings.SECRET_KEY}:{voter}".encode()).hexdigest()
    if FeedbackVote.objects.filter(item=item, voter=key).exists():
        raise Conflict(_("You have already given your opinion on this answer. Thank you."))
    FeedbackVote.objects.create(item=item, voter=key, helpful=bool(helpful), by_sender=by_sender, at=clock.now())
    counter = "helpful" if helpful else "not_helpful"
    FeedbackItem.objects.filter(pk=item.pk).update(**{counter: F(counter) + 1})
    item.refresh_from_db()
    return item


# -- reading --------------------------------------------------------------------------------------------


def by_code(code: str) -> FeedbackItem | None:
    code = (code or "").strip().upper()
    if not code.startswith("PA-") or len(code) > 30:
        return None
    return FeedbackItem.objects.select_related("agency").filter(code=code).first()


def published(query: str = "", kind: str = "", agency_id: int | None = None) -> QuerySet[FeedbackItem]:
    """Published answers, newest first, found by accent-insensitive words, kind and agency."""
    items = FeedbackItem.objects.filter(published_at__isnull=False).select_related("agency")
    for term in search_terms(query):
        items = items.filter(public_search(term))
    if kind in Kind.values:
        items = items.filter(kind=kind)
    if agency_id:
        items = items.filter(agency_id=agency_id)
    return items.order_by("-published_at", "-id")


def public_search(term: str) -> Q:
    return Q(public_search__contains=term) | Q(agency__search_text__contains=term)


def about_dossier(dossier_id: int) -> QuerySet[FeedbackItem]:
    """Every item linked to the dossier, conduct complaints first."""
    conduct_first = Case(When(kind=Kind.CONDUCT, then=0), default=1)
    return (
        FeedbackItem.objects.filter(dossier_id=dossier_id)
        .select_related("officer")
        .order_by(conduct_first, "-received_at")
    )


def conduct_about_dossier(dossier_id: int) -> QuerySet[FeedbackItem]:
    return FeedbackItem.objects.filter(dossier_id=dossier_id, kind=Kind.CONDUCT).select_related("agency", "officer")


def conduct_about_officer(officer_id: int) -> QuerySet[FeedbackItem]:
    """Conduct complaints naming the officer, for his record and evaluation."""
    return FeedbackItem.objects.filter(officer_id=officer_id, kind=Kind.CONDUCT).select_related("agency", "dossier")


def conduct_by_officer(since: dt.datetime | None = None, until: dt.datetime | None = None) -> list[dict]:
    """Per officer named: conduct complaints and how many concern a dossier (his evaluation)."""
    found = FeedbackItem.objects.filter(kind=Kind.CONDUCT, officer__isnull=False)
    if since:
        found = found.filter(received_at__gte=since)
    if until:
        found = found.filter(received_at__lt=until)
    rows = (
        found.values("officer_id", "officer__last_name", "officer__first_name", "officer__username")
        .annotate(complaints=Count("pk"), with_dossier=Count("pk", filter=Q(dossier__isnull=False)))
        .order_by("-complaints", "officer_id")
    )
    return [
        {
            "officer_id": r["officer_id"],
            "name": " ".join(p for p in (r["officer__last_name"], r["officer__first_name"]) if p)
            or r["officer__username"],
            "complaints": r["complaints"],
            "with_dossier": r["with_dossier"],
        }
        for r in rows
    ]


# -- index inputs ----------------------------------------------------------------------------------------


def on_time_stats(agency_ids: Sequence[int] | None, since: dt.datetime, until: dt.datetime) -> list[dict]:
    """Per agency: items received in [since, until), closed (rejected or answered), closed on time,
    still open and overdue now, and the count of each kind — the index's "feedback handled on time"."""
    items = FeedbackItem.objects.filter(received_at__gte=since, received_at__lt=until)
    if agency_ids is not None:
        items = items.filter(agency_id__in=list(agency_ids))
    now = clock.now()
    rows = (
        items.values("agency_id")
        .annotate(
            received=Count("pk"),
            closed=Count("pk", filter=Q(closed_at__isnull=False)),
            on_time=Count("pk", filter=Q(on_time=True)),
            overdue=Count("pk", filter=Q(status__in=OPEN, answer_due_at__lt=now)),
            **{f"kind_{k}": Count("pk", filter=Q(kind=k)) for k in Kind.values},
        )
        .order_by("agency_id")
    )
    return [{**row, "on_time_rate": row["on_time"] / row["closed"] if row["closed"] else None} for row in rows]


def kind_counts(agency_ids: Sequence[int] | None, since: dt.datetime, until: dt.datetime) -> dict[str, int]:
    items = FeedbackItem.objects.filter(received_at__gte=since, received_at__lt=until)
    if agency_ids is not None:
        items = items.filter(agency_id__in=list(agency_ids))
    counts = dict(items.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    return {k: counts.get(k, 0) for k in Kind.values}
