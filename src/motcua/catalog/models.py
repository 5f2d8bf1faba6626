"""The procedure catalogue (danh mục thủ tục hành chính): procedures, their versions with what the
law says must be published, fees per channel and date, and internal process templates."""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.money import format_dong
from motcua.workdays.calendar import Unit

PROCEDURE_CODE = re.compile(r"[0-9]\.[0-9]{6}")


def validate_procedure_code(value: str) -> None:
    if not PROCEDURE_CODE.fullmatch(value):
        raise ValidationError(
            _("“%(value)s” is not a national procedure code such as 1.001193."), params={"value": value}
        )


class Field(models.Model):
    """A field of procedures (lĩnh vực), e.g. civil status (hộ tịch)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune")
    PROVINCE_COMMUNE = "province_commune", _("Province and commune")


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Full online")
    PARTIAL = "partial", _("Partially online")
    NONE = "none", _("Not online")


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    POSTAL = "postal", _("By post")
    ONLINE = "online", _("Online")


class Procedure(models.Model):
    """An administrative procedure (thủ tục hành chính) by its national code; its content is versioned."""

    code = models.CharField(_("national code"), max_length=20, unique=True, validators=[validate_procedure_code])
    field = models.ForeignKey(Field, verbose_name=_("field"), on_delete=models.PROTECT, related_name="procedures")
    allow_agency_override = models.BooleanField(
        _("agencies may adapt the process"),
        default=False,
        help_text=_("Whether an agency may replace the model internal process with its own."),
    )
    agencies = models.ManyToManyField(
        "agencies.Agency", through="ProcedureAgency", verbose_name=_("agencies"), related_name="procedures"
    )

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ProcedureAgency(models.Model):
    """Which agencies resolve (or coordinate on) a procedure in this province."""

    class Role(models.TextChoices):
        RESOLVING = "resolving", _("Resolving agency")
        COORDINATING = "coordinating", _("Coordinating agency")

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="assignments")
    agency = models.ForeignKey("agencies.Agency", verbose_name=_("agency"), on_delete=models.CASCADE)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.RESOLVING)

    class Meta:
        verbose_name = _("agency of the procedure")
        verbose_name_plural = _("agencies of the procedure")
        constraints = [models.UniqueConstraint(fields=["procedure", "agency", "role"], name="one_role_per_procedure")]
        indexes = [models.Index(fields=["agency", "role", "procedure"])]

    def __str__(self) -> str:
        return f"{self.procedure} — {self.agency}"


class ProcedureVersion(models.Model):
    """The published content of a procedure from an effective date on.

    A dossier keeps the version it was received under, so a new version never changes dossiers
    already received. `effective_to` is maintained by services.publish_version.
    """

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions")
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective until"), null=True, blank=True, editable=False)
    name = models.CharField(_("name"), max_length=600)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    resolving_agency = models.CharField(_("resolving agency"), max_length=600)
    coordinating_agencies = models.CharField(_("coordinating agencies"), max_length=600, blank=True)
    steps = models.TextField(_("steps"), blank=True)
    channels = models.JSONField(_("ways to submit"), default=list)
    applicants = models.CharField(_("who may apply"), max_length=600)
    time_limit_amount = models.DecimalField(
        _("time limit"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    time_limit_unit = models.CharField(
        _("time limit unit"),
        max_length=20,
        choices=[
            (Unit.WORKING_DAYS.value, _("working days")),
            (Unit.WORKING_HOURS.value, _("working hours")),
            (Unit.SAME_DAY.value, _("within the day")),
            (Unit.CALENDAR_DAYS.value, _("days")),
            (Unit.MONTHS.value, _("months")),
        ],
    )
    time_limit_text = models.TextField(_("time limit as published"), blank=True)
    clock_after_payment = models.BooleanField(_("clock starts after payment"), default=False)
    supplement_wait_days = models.PositiveSmallIntegerField(
        _("working days to supplement"),
        default=15,
        help_text=_("A dossier waiting for a supplement longer than this is closed."),
    )
    result = models.TextField(_("result"))
    # -- electronic results: the template of the signed result document (documents.results) --
    result_template = models.TextField(
        _("result document template"),
        blank=True,
        help_text=_(
            "HTML (Django template) of the result document, filled with the dossier's data and answers "
            "and signed by the leader at approval. Empty: the leader uploads the result."
        ),
    )
    # -- end of electronic results --
    legal_basis = models.JSONField(_("legal basis"), default=list)
    online_level = models.CharField(_("online service level"), max_length=10, choices=OnlineLevel.choices)
    boundary_free = models.BooleanField(
        _("can be submitted anywhere in the province"), default=False, help_text=_("phi địa giới hành chính")
    )
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        ordering = ["procedure", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "effective_from"], name="one_version_per_date"),
        ]
        indexes = [models.Index(fields=["effective_from", "effective_to"])]

    def __str__(self) -> str:
        return f"{self.procedure.code} — {self.name} ({self.effective_from:%d/%m/%Y})"

    @property
    def unit(self) -> Unit:
        return Unit(self.time_limit_unit)

    def clean(self) -> None:
        if self.time_limit_unit == Unit.SAME_DAY and self.time_limit_amount not in (None, 0):
            raise ValidationError({"time_limit_amount": _("A same-day procedure has a time limit of 0.")})
        unknown = set(self.channels or []) - set(Channel.values)
        if unknown:
            raise ValidationError({"channels": _("Unknown ways to submit: %(v)s.") % {"v": ", ".join(sorted(unknown))}})


class RequiredDocument(models.Model):
    """A component of the dossier (thành phần hồ sơ)."""

    class Form(models.TextChoices):
        ORIGINAL = "original", _("Original")
        COPY = "copy", _("Copy")
        CERTIFIED_COPY = "certified_copy", _("Certified copy")
        ORIGINAL_OR_CERTIFIED_COPY = "original_or_certified_copy", _("Original or certified copy")
        SHOWN = "shown", _("Shown only")

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.TextField(_("name"))
    form = models.CharField(_("form"), max_length=30, choices=Form.choices)
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    optional = models.BooleanField(_("only in some cases"), default=False)
    template_name = models.CharField(_("template"), max_length=300, blank=True)
    template_file = models.FileField(_("template file"), upload_to="catalog/templates/", blank=True)

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return self.name[:80]


class Fee(models.Model):
    """A fee (phí) or charge (lệ phí) line, per channel and effective date, in whole đồng."""

    class Kind(models.TextChoices):
        FEE = "fee", _("Fee")
        CHARGE = "charge", _("Charge")

    class FeeChannel(models.TextChoices):
        ANY = "any", _("Any way of submitting")
        IN_PERSON = "in_person", _("In person or by post")
        ONLINE = "online", _("Online")

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="fees")
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    channel = models.CharField(_("applies to"), max_length=10, choices=FeeChannel.choices, default=FeeChannel.ANY)
    amount = models.PositiveBigIntegerField(_("amount (đồng)"))
    effective_from = models.DateField(_("effective from"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        ordering = ["version", "name", "channel", "-effective_from"]

    def __str__(self) -> str:
        return f"{self.name}: {format_dong(self.amount)}"


class ProcessTemplate(models.Model):
    """Internal process (quy trình nội bộ): the model one of a version, or an agency's own."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="processes")
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Empty for the model process (quy trình mẫu) that every agency uses."),
    )
    name = models.CharField(_("name"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("internal process")
        verbose_name_plural = _("internal processes")
        constraints = [
            models.UniqueConstraint(fields=["version", "agency"], name="one_process_per_agency"),
            models.UniqueConstraint(
                fields=["version"], condition=models.Q(agency__isnull=True), name="one_model_process"
            ),
        ]

    def __str__(self) -> str:
        owner = self.agency.name if self.agency_id else _("model process")
        return f"{self.version.procedure.code} — {owner}"


class ProcessStep(models.Model):
    """A step of an internal process: who does it, in which agency, and its share of the limit.

    Steps with the same stage run in parallel (liên thông all at once); stages follow each other.
    """

    class AgencyRole(models.TextChoices):
        RECEIVING_CENTRE = "receiving_centre", _("Receiving service centre")
        RESOLVING = "resolving", _("Resolving agency")
        COORDINATING = "coordinating", _("Coordinating agency")

    template = models.ForeignKey(ProcessTemplate, on_delete=models.CASCADE, related_name="steps")
    stage = models.PositiveSmallIntegerField(_("stage"), validators=[MinValueValidator(1)])
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=300)
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=[
            ("receptionist", _("Receptionist")),
            ("specialist", _("Specialist")),
            ("leader", _("Leader (signer)")),
            ("centre_head", _("Service-centre head")),
        ],
    )
    agency_role = models.CharField(_("agency"), max_length=20, choices=AgencyRole.choices)
    coordinating_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("coordinating agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    coordinating_agency_name = models.CharField(_("coordinating agency (as published)"), max_length=300, blank=True)
    share = models.DecimalField(
        _("share of the time limit"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("In the procedure's unit; for same-day procedures, in working hours out of 8."),
    )

    class Meta:
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")
        ordering = ["template", "stage", "position"]

    def __str__(self) -> str:
        return f"{self.stage}. {self.name}"


FIELD_NAME = re.compile(r"[a-z][a-z0-9_]{0,49}")


def validate_field_name(value: str) -> None:
    if not FIELD_NAME.fullmatch(value or ""):
        raise ValidationError(
            _("“%(value)s” is not a field name: use lower-case letters, digits and “_”, starting with a letter."),
            params={"value": value},
        )


class FormField(models.Model):
    """A question of the online form (tờ khai trực tuyến) of a procedure version.

    Administrators define the form in the admin without code; `online_form.clean` checks the
    answers, and the answers are kept on the dossier under `name`.
    """

    class Type(models.TextChoices):
        TEXT = "text", _("Text")
        LONG_TEXT = "long_text", _("Long text")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        CHOICE = "choice", _("Choice from a list")
        YES_NO = "yes_no", _("Yes or no")
        CITIZEN_ID = "citizen_id", _("Citizen ID number (12 digits)")
        PHONE = "phone", _("Phone number")
        EMAIL = "email", _("E-mail address")

    class Prefill(models.TextChoices):
        NONE = "", _("Nothing")
        FULL_NAME = "full_name", _("Profile: full name")
        ID_NUMBER = "id_number", _("Profile: citizen ID number")
        BIRTH_DATE = "birth_date", _("Profile: date of birth")
        ADDRESS = "address", _("Profile: address")
        PHONE = "phone", _("Profile: phone")
        EMAIL = "email", _("Profile: e-mail")
        LAST_ANSWER = "last_answer", _("The person's last answer in earlier dossiers of this procedure")

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="form_fields")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(
        _("field name"),
        max_length=50,
        validators=[validate_field_name],
        help_text=_("Short key of the answer, e.g. child_name; keep it when the label changes."),
    )
    label = models.CharField(_("label"), max_length=300)
    type = models.CharField(_("type"), max_length=12, choices=Type.choices, default=Type.TEXT)
    required = models.BooleanField(_("required"), default=True)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    choices = models.TextField(_("choices"), blank=True, help_text=_("For a choice: one choice a line."))
    min_value = models.DecimalField(
        _("minimum"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Number: the smallest value. Date: the earliest day, in days from today (e.g. -36500)."),
    )
    max_value = models.DecimalField(
        _("maximum"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Number: the largest value. Date: the latest day, in days from today (0 = not after today)."),
    )
    max_length = models.PositiveIntegerField(_("maximum length"), null=True, blank=True)
    pattern = models.CharField(
        _("pattern"),
        max_length=300,
        blank=True,
        help_text=_("Optional regular expression the whole answer must match."),
    )
    pattern_message = models.CharField(_("message when the pattern does not match"), max_length=300, blank=True)
    prefill = models.CharField(_("pre-filled from"), max_length=20, choices=Prefill.choices, blank=True, default="")

    class Meta:
        verbose_name = _("online form field")
        verbose_name_plural = _("online form fields")
        ordering = ["version", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "name"], name="one_form_field_per_name")]

    def __str__(self) -> str:
        return self.label

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in (self.choices or "").splitlines() if line.strip()]

    def clean(self) -> None:
        errors = {}
        if self.type == self.Type.CHOICE and not self.choice_list:
            errors["choices"] = _("A choice needs at least one choice, one a line.")
        if self.pattern:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                errors["pattern"] = _("Not a valid pattern: %(error)s.") % {"error": exc}
        if self.min_value is not None and self.max_value is not None and self.min_value > self.max_value:
            errors["max_value"] = _("The maximum is smaller than the minimum.")
        if errors:
            raise ValidationError(errors)
