"""Ratings of the service (đánh giá mức độ hài lòng, Circular 01/2018 Art. 13): one per dossier,
tied to the officers and agencies who handled it, so their evaluations are simple sums."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# The nine criteria of Circular 01/2018/TT-VPCP Art. 13, each scored 0, 1 or 2.
CRITERIA: dict[str, str] = {
    "time": _("Total time taken compared with the time limit"),
    "agency_time": _("Time taken by each agency that handled the dossier"),
    "contacts": _("How many times you had to come back to complete the dossier"),
    "organisations": _("How many offices you had to contact"),
    "publicity": _("Whether the procedure was published clearly"),
    "attitude": _("The officers' attitude"),
    "feedback": _("How your comments and complaints were handled"),
    "online_service": _("The online public service"),
    "online_progress": _("Following the progress of the dossier online"),
}
SCORES = {0: _("Not satisfied"), 1: _("Satisfied"), 2: _("Very satisfied")}


class Rating(models.Model):
    """The applicant's rating of one dossier, after its result."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        COUNTER = "counter", _("Counter tablet")
        KIOSK = "kiosk", _("Kiosk")

    dossier = models.OneToOneField(
        "dossiers.Dossier", verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="rating"
    )
    liked = models.BooleanField(_("liked"))
    score_time = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(2)])
    score_agency_time = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(2)])
    score_contacts = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(2)])
    score_organisations = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(2)])
    score_publicity = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(2)])
    score_attitude = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(2)])
    score_feedback = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(2)])
    score_online_service = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(2)])
    score_online_progress = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(2)])
    # The sum of the criteria answered and how many were, for averages without reading each one.
    total = models.PositiveSmallIntegerField(_("total score"), default=0)
    answered = models.PositiveSmallIntegerField(_("criteria answered"), default=0)
    comment = models.TextField(_("comment"), blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    counter = models.ForeignKey(
        "agencies.Counter",
        verbose_name=_("counter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("rated at"))

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total__lte=18) & models.Q(answered__lte=9), name="rating_total_in_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier} — {self.total}/{2 * self.answered}"

    @property
    def average(self) -> float | None:
        return self.total / self.answered if self.answered else None


class RatedOfficer(models.Model):
    """An officer who handled the rated dossier (from its control slip and steps)."""

    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="officers")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ratings")
    name = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rating", "officer"], name="one_rated_officer_per_rating")]
        indexes = [models.Index(fields=["officer", "rating"], name="rated_officer")]

    def __str__(self) -> str:
        return self.name


class RatedAgency(models.Model):
    """An agency that handled the rated dossier (receiving, resolving, returning, each step's)."""

    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="agencies")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="ratings")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rating", "agency"], name="one_rated_agency_per_rating")]
        indexes = [models.Index(fields=["agency", "rating"], name="rated_agency")]

    def __str__(self) -> str:
        return str(self.agency)


def new_token() -> str:
    return secrets.token_urlsafe(18)


class CounterDevice(models.Model):
    """The tablet on a counter: opened at /danh-gia/quay/<token>/ without login, it shows the
    dossier the officer at the counter has put on it, for the applicant to rate."""

    counter = models.OneToOneField(
        "agencies.Counter", verbose_name=_("counter"), on_delete=models.CASCADE, related_name="rating_device"
    )
    token = models.CharField(_("token"), max_length=40, unique=True, default=new_token)
    dossier = models.ForeignKey(
        "dossiers.Dossier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    shown_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("counter rating tablet")
        verbose_name_plural = _("counter rating tablets")

    def __str__(self) -> str:
        return str(self.counter)


# -- feedback and recommendations (phản ánh, kiến nghị) ----------------------------------------------


def new_item_secret() -> str:
    """The unguessable part of a feedback item's code (10 letters and digits, no look-alikes)."""
    return "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(10))


class FeedbackItem(models.Model):
    """A remark or recommendation on a regulation, a procedure, an officer's conduct or a dossier
    (phản ánh, kiến nghị), with its legal deadlines counted on the handling agency's calendar."""

    class Channel(models.TextChoices):
        PORTAL = "portal", _("Portal")
        QR_BOX = "qr_box", _("Counter suggestion box (QR code)")
        HOTLINE = "hotline", _("Hotline")
        LETTER = "letter", _("Letter")
        IN_PERSON = "in_person", _("In person")

    class Kind(models.TextChoices):
        REGULATION = "regulation", _("Regulation")
        PROCEDURE = "procedure", _("Administrative procedure")
        CONDUCT = "conduct", _("An officer's conduct")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        IN_PROGRESS = "in_progress", _("Being handled")
        WAITING_SENDER = "waiting_sender", _("Waiting for more from the sender")
        AWAITING_APPROVAL = "awaiting_approval", _("Answer waiting for the leader's approval")
        ANSWERED = "answered", _("Answered")
        PUBLISHED = "published", _("Answer published")
        REJECTED = "rejected", _("Rejected")
        REOPENED = "reopened", _("Reopened by the sender")

    code = models.CharField(_("code"), max_length=30, unique=True)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    text = models.TextField(_("text"))
    search_text = models.TextField(editable=False, default="")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("handling agency"), on_delete=models.PROTECT, related_name="feedback_items"
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("dossier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_items",
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer concerned"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_about",
    )
    officer_name = models.CharField(_("officer concerned (as named)"), max_length=200, blank=True)
    # The sender: seen by the handlers; the public never sees it. Empty only for the anonymous box.
    sender_name = models.CharField(_("sender's name"), max_length=200, blank=True)
    sender_phone = models.CharField(_("sender's phone"), max_length=20, blank=True)
    sender_email = models.CharField(_("sender's e-mail"), max_length=254, blank=True)
    sender_address = models.CharField(_("sender's address"), max_length=300, blank=True)
    sender_account = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback_sent"
    )
    anonymous = models.BooleanField(_("anonymous"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(_("received at"))
    # The clock of the agency now handling it: restarts when the item is forwarded.
    clock_from = models.DateTimeField(_("counted from"))
    reject_due_at = models.DateTimeField(_("reject by"))
    forward_due_at = models.DateTimeField(_("forward by"))
    more_due_at = models.DateTimeField(_("ask for more by"))
    answer_due_at = models.DateTimeField(_("answer by"))
    publish_due_at = models.DateTimeField(_("publish by"))
    waiting_since = models.DateTimeField(null=True, blank=True, editable=False)
    reasons = models.TextField(_("reasons for rejection"), blank=True)
    question = models.TextField(_("what the sender was asked"), blank=True)
    answer = models.TextField(_("answer"), blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("rejected or answered at"), null=True, blank=True)
    on_time = models.BooleanField(_("handled on time"), null=True, blank=True)
    public_subject = models.CharField(_("published subject"), max_length=200, blank=True)
    public_text = models.TextField(_("published text"), blank=True)
    public_answer = models.TextField(_("published answer"), blank=True)
    # Search key of the published (masked) words only, so searching reveals nothing unpublished.
    public_search = models.TextField(editable=False, default="")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopen_reason = models.TextField(_("why the sender reopened it"), blank=True)
    helpful = models.PositiveIntegerField(_("marked helpful"), default=0)
    not_helpful = models.PositiveIntegerField(_("marked not helpful"), default=0)

    class Meta:
        verbose_name = _("feedback item")
        verbose_name_plural = _("feedback items")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "status", "answer_due_at"], name="feedback_queue"),
            models.Index(fields=["status", "-published_at"], name="feedback_published"),
            models.Index(fields=["officer", "kind"], name="feedback_officer"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.subject}"


class FeedbackAttachment(models.Model):
    """A file sent with the item (PDF, PNG or JPEG), kept in the content-addressed store."""

    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="attachments")
    blob = models.ForeignKey("documents.Blob", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    added_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class FeedbackEvent(models.Model):
    """One step of an item's history: appended, never edited (the database refuses changes)."""

    item = models.ForeignKey(FeedbackItem, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField()
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=200, blank=True)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.action}"


class FeedbackVote(models.Model):
    """Whether a reader (the sender or anyone) found the answer helpful: one vote per reader."""

    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="votes")
    voter = models.CharField(max_length=64)
    helpful = models.BooleanField()
    by_sender = models.BooleanField(default=False)
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "voter"], name="one_vote_per_reader")]

    def __str__(self) -> str:
        return f"{self.item_id} {self.helpful}"
