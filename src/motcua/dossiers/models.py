"""The dossier aggregate (hồ sơ): the dossier, its steps across agencies, the control slip's
events, suspensions, the one extension, documents and the daily code counters."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core import clock

from .codes import MAX_LENGTH as CODE_LENGTH
from .workflow import STATUS_LABELS, Status


def new_secret() -> str:
    # Printed on the slip with the code; lets anyone holding the slip follow the dossier.
    return "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(6))


class Channel(models.TextChoices):
    """How the dossier arrived; the national sync codes are 1 in person, 2 online, 3 postal."""

    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    POSTAL = "postal", _("By post")
    VNEID = "vneid", _("VNeID")


class ReturnMethod(models.TextChoices):
    COUNTER = "counter", _("At the counter")
    POST = "post", _("By post")
    ONLINE = "online", _("Online")


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class Dossier(models.Model):
    """A dossier (hồ sơ) from reception to result."""

    code = models.CharField(_("dossier code"), max_length=CODE_LENGTH, unique=True, null=True, blank=True)
    secret = models.CharField(_("look-up secret"), max_length=8, default=new_secret)
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion", verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="dossiers"
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=24, choices=[(s.value, label) for s, label in STATUS_LABELS.items()]
    )
    # Phi địa giới: where it was received, who resolves it and where the result goes back.
    receiving_agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("receiving centre"), on_delete=models.PROTECT, related_name="+"
    )
    resolving_agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("resolving agency"), on_delete=models.PROTECT, related_name="+"
    )
    returning_agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("returning centre"), on_delete=models.PROTECT, related_name="+"
    )
    return_method = models.CharField(_("result returned"), max_length=10, choices=ReturnMethod.choices)
    return_address = models.CharField(_("address for the result"), max_length=300, blank=True)

    applicant_kind = models.CharField(_("applicant"), max_length=12, choices=ApplicantKind.choices)
    applicant_name = models.CharField(_("applicant's name"), max_length=200)
    applicant_id_number = models.CharField(
        _("ID number"), max_length=20, help_text=_("12-digit citizen ID, or tax code for an organisation")
    )
    applicant_birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    applicant_address = models.CharField(_("address"), max_length=300)
    applicant_phone = models.CharField(_("phone"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    representative_name = models.CharField(_("representative"), max_length=200, blank=True)
    representative_id_number = models.CharField(_("representative's ID number"), max_length=20, blank=True)
    search_text = models.CharField(max_length=300, editable=False, default="")

    sets = models.PositiveSmallIntegerField(_("number of sets"), default=1)
    fees_collected = models.PositiveBigIntegerField(_("fees collected in cash (đồng)"), default=0)
    note = models.TextField(_("note"), blank=True)

    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True, db_index=True)
    acceptance_due_at = models.DateTimeField(_("to be accepted by"), null=True, blank=True)
    clock_started_at = models.DateTimeField(_("time limit counted from"), null=True, blank=True)
    due_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    original_due_at = models.DateTimeField(_("first appointment"), null=True, blank=True)
    index_due_at = models.DateTimeField(_("due for the index"), null=True, blank=True)
    processed_at = models.DateTimeField(_("result ready at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    supplement_requests = models.PositiveSmallIntegerField(_("supplement requests after acceptance"), default=0)
    reception_supplement_requested = models.BooleanField(default=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The portal account that submitted it online (or claimed it); it alone follows it on the portal.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="own_dossiers",
    )
    # The answers of the procedure's online form (catalog form fields), keyed by field name.
    form_data = models.JSONField(_("form answers"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic lock: a change is written only if nobody changed the dossier since it was read.
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        indexes = [
            models.Index(fields=["receiving_agency", "status", "received_at"], name="dossier_receiving_queue"),
            models.Index(fields=["resolving_agency", "status", "due_at"], name="dossier_resolving_queue"),
            models.Index(fields=["returning_agency", "status", "due_at"], name="dossier_returning_queue"),
            models.Index(fields=["applicant_id_number"], name="dossier_applicant_id"),
            models.Index(fields=["owner", "-id"], name="dossier_owner", condition=models.Q(owner__isnull=False)),
            models.Index(fields=["status", "due_at"], name="dossier_status_due"),
            # The waiting queue in order of receipt for officers of large scopes (a department, the
            # province's inspectors): otherwise PostgreSQL walks the whole received_at index.
            models.Index(
                fields=["received_at", "id"],
                name="dossier_waiting_queue",
                condition=models.Q(status="supplement_requested"),
            ),
        ]

    def __str__(self) -> str:
        return self.code or f"#{self.pk}"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[Status(self.status)]


class DossierStep(models.Model):
    """One step of the dossier's internal process, with its agency, its own due time and outcome."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        ACTIVE = "active", _("Active")
        DONE = "done", _("Done")
        SKIPPED = "skipped", _("Skipped")

    class Timing(models.TextChoices):
        EARLY = "early", _("Early")
        ON_TIME = "on_time", _("On time")
        LATE = "late", _("Late")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    stage = models.PositiveSmallIntegerField()
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=300)
    role = models.CharField(max_length=20)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    share = models.DecimalField(max_digits=6, decimal_places=2)
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    due_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    timing = models.CharField(max_length=10, choices=Timing.choices, blank=True)

    class Meta:
        ordering = ["dossier", "stage", "position"]
        indexes = [
            # Work queues: the active steps of an agency for a role, soonest due first.
            models.Index(
                fields=["agency", "role", "due_at"],
                name="step_active_queue",
                condition=models.Q(state="active"),
            ),
            models.Index(fields=["assignee", "due_at"], name="step_assignee_queue", condition=models.Q(state="active")),
            # The officers' page of the index: steps an agency finished in a period.
            models.Index(fields=["agency", "finished_at"], name="step_finished", condition=models.Q(state="done")),
        ]

    def __str__(self) -> str:
        return f"{self.dossier} — {self.stage}. {self.name}"


class Event(models.Model):
    """An entry of the control slip (phiếu kiểm soát): appended, never edited or deleted.

    The database refuses UPDATE and DELETE on this table (see migration 0002).
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField()
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor_name = models.CharField(max_length=200, blank=True)
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    step = models.ForeignKey(DossierStep, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    timing = models.CharField(max_length=10, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["dossier", "at", "id"]
        indexes = [models.Index(fields=["dossier", "at"], name="event_timeline")]

    def __str__(self) -> str:
        return f"{self.dossier} {self.at:%Y-%m-%d %H:%M} {self.action}"


class Suspension(models.Model):
    """A pause of the clock: waiting for the applicant's supplement (tạm dừng)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="suspensions")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    deadline_at = models.DateTimeField(help_text="Closed if nothing comes by then.")
    items = models.JSONField(default=list)
    reason = models.TextField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at_reception = models.BooleanField(default=False)

    class Meta:
        ordering = ["dossier", "started_at"]
        indexes = [models.Index(fields=["deadline_at"], name="suspension_open", condition=models.Q(ended_at=None))]

    def __str__(self) -> str:
        return f"{self.dossier} — {self.started_at:%d/%m/%Y}"


class Extension(models.Model):
    """The one apology and new return date (Form 04, xin lỗi và gia hạn); only once per dossier."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="extension")
    old_due_at = models.DateTimeField()
    new_due_at = models.DateTimeField()
    reason = models.TextField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.dossier} → {self.new_due_at:%d/%m/%Y}"


class DossierDocument(models.Model):
    """A component of the dossier as received: its form, quantity and scanned file."""

    class Form(models.TextChoices):
        ORIGINAL = "original", _("Original")
        COPY = "copy", _("Copy")
        CERTIFIED_COPY = "certified_copy", _("Certified copy")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    required_document = models.ForeignKey(
        "catalog.RequiredDocument", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.TextField()
    form = models.CharField(max_length=20, choices=Form.choices)
    quantity = models.PositiveSmallIntegerField(default=1)
    file = models.FileField(upload_to="dossiers/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=60, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    added_at = models.DateTimeField(default=clock.now)
    added_in = models.CharField(max_length=20, default="reception", help_text="reception or supplement")
    # A document of the applicant's earlier dossier given again (tái sử dụng): same stored file.
    reused_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("reused from")
    )
    # The bytes in the content-addressed store, and the document of the owner's data warehouse this
    # component is (a reused component points at the same document as the one it reuses).
    blob = models.ForeignKey("documents.Blob", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="components"
    )

    class Meta:
        ordering = ["dossier", "id"]

    def __str__(self) -> str:
        return self.name[:80]


class DailyCounter(models.Model):
    """The last sequence issued per agency per day; incremented in the receiving transaction."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="one_counter_per_agency_day")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.last}"


class Alert(models.Model):
    """A warning to an officer (and his leader) that a step or dossier is nearly due or overdue."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Due within a working day")
        OVERDUE = "overdue", _("Overdue")

    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts")
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="alerts")
    step = models.ForeignKey(DossierStep, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    due_at = models.DateTimeField()
    created_at = models.DateTimeField()
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["officer", "step", "kind"], name="one_alert_per_step_and_kind"),
        ]
        indexes = [
            models.Index(fields=["officer", "created_at"], name="alert_unseen", condition=models.Q(seen_at=None))
        ]

    def __str__(self) -> str:
        return f"{self.officer} — {self.dossier} — {self.kind}"


# -- online submission: drafts kept on the server ---------------------------------------------------


class Draft(models.Model):
    """A dossier being prepared on the portal (hồ sơ lưu nháp), kept on the server so that it can
    be resumed on another device. Everything typed is kept as typed, even when it is not valid yet;
    `drafts.submit` checks it all and turns it into a dossier."""

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("portal account"), on_delete=models.CASCADE, related_name="drafts"
    )
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion", verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="+"
    )
    # Who applies, as typed: kind, name, id_number, birth_date, address, phone, email, tax_code.
    applicant = models.JSONField(_("applicant"), default=dict, blank=True)
    form_data = models.JSONField(_("form answers as typed"), default=dict, blank=True)
    resolving_agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_method = models.CharField(_("result returned"), max_length=10, choices=ReturnMethod.choices, blank=True)
    return_address = models.CharField(_("address for the result"), max_length=300, blank=True)
    returning_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("returning centre"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("draft dossier")
        verbose_name_plural = _("draft dossiers")
        indexes = [models.Index(fields=["account", "-updated_at"], name="draft_account")]

    def __str__(self) -> str:
        return f"{self.account_id} — {self.procedure_version_id}"


class DraftDocument(models.Model):
    """One required document of a draft: a file uploaded for it, or a document of one of the
    person's earlier dossiers given again instead of uploading it twice."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="documents")
    required_document = models.ForeignKey("catalog.RequiredDocument", on_delete=models.CASCADE, related_name="+")
    form = models.CharField(max_length=20, choices=DossierDocument.Form.choices)
    file = models.FileField(upload_to="drafts/%Y/%m/", blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=60, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    reused = models.ForeignKey(DossierDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["draft", "required_document"], name="one_draft_document_per_requirement")
        ]

    def __str__(self) -> str:
        return self.filename or str(self.reused_id)
