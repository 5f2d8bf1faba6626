"""The tree of agencies (cơ quan), service centres and counters, officers and their roles."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.text import nfc

from .identifiers import MAX_LENGTH, validate_identifier


class Agency(models.Model):
    """An agency or unit (cơ quan, đơn vị) in the province's tree, with its electronic identifier."""

    class Kind(models.TextChoices):
        PROVINCE_PC = "province_pc", _("Provincial People's Committee")
        DEPARTMENT = "department", _("Provincial department or agency")
        PROVINCE_CENTRE = "province_centre", _("Provincial Public Administration Service Centre")
        COMMUNE_PC = "commune_pc", _("Commune People's Committee")
        COMMUNE_CENTRE = "commune_centre", _("Commune Public Administration Service Centre")
        COMMUNE_UNIT = "commune_unit", _("Commune unit")
        VERTICAL = "vertical", _("Vertically organised agency (tax, police, social insurance)")
        MINISTRY = "ministry", _("Ministry or central agency")

    COMMUNE_KINDS = (Kind.COMMUNE_PC, Kind.COMMUNE_CENTRE, Kind.COMMUNE_UNIT)
    CENTRE_KINDS = (Kind.PROVINCE_CENTRE, Kind.COMMUNE_CENTRE)

    identifier = models.CharField(
        _("electronic identifier"), max_length=MAX_LENGTH, unique=True, validators=[validate_identifier]
    )
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of primary keys ("/1/7/42/") so a subtree is one indexed prefix filter.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    ward_code = models.PositiveIntegerField(
        _("administrative unit code"), null=True, blank=True, help_text=_("Code of the commune or ward it serves.")
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    schedule = models.ForeignKey(
        "workdays.WorkingSchedule",
        verbose_name=_("working hours"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Leave empty to use the parent's or the default working hours."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    search_text = models.CharField(max_length=400, editable=False, default="")

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["path"]

    def __str__(self) -> str:
        return f"{self.name} ({self.identifier})"

    @property
    def level(self) -> str:
        return "commune" if self.kind in self.COMMUNE_KINDS else "province"

    @property
    def is_centre(self) -> bool:
        return self.kind in self.CENTRE_KINDS

    def clean(self) -> None:
        self.name = nfc(self.name or "")
        self.identifier = (self.identifier or "").strip().upper()
        if (
            self.parent_id
            and self.pk
            and (self.parent_id == self.pk or (self.parent.path or "").startswith(self.path or "\0"))
        ):
            raise ValidationError({"parent": _("An agency cannot be placed under itself or its own units.")})


class Counter(models.Model):
    """A reception counter (quầy) of a service centre."""

    centre = models.ForeignKey(
        Agency,
        verbose_name=_("service centre"),
        on_delete=models.CASCADE,
        related_name="counters",
        limit_choices_to={"kind__in": Agency.CENTRE_KINDS},
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=200, help_text=_("e.g. the fields this counter receives"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")
        ordering = ["centre", "number"]
        constraints = [models.UniqueConstraint(fields=["centre", "number"], name="one_counter_number_per_centre")]

    def __str__(self) -> str:
        return _("Counter %(number)s — %(name)s") % {"number": self.number, "name": self.name}

    def clean(self) -> None:
        if self.centre_id and not self.centre.is_centre:
            raise ValidationError({"centre": _("Counters belong to a Public Administration Service Centre.")})


class Role(models.TextChoices):
    """What an officer may do in an agency (and the units under it)."""

    RECEPTIONIST = "receptionist", _("Receptionist")
    SPECIALIST = "specialist", _("Specialist")
    LEADER = "leader", _("Leader (signer)")
    CENTRE_HEAD = "centre_head", _("Service-centre head")
    PROVINCE_ADMIN = "province_admin", _("Provincial administrator")
    INSPECTOR = "inspector", _("Inspector (read-only)")


class Assignment(models.Model):
    """An officer's role in one agency; he acts only inside the agencies he is assigned to."""

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("officer"), on_delete=models.CASCADE, related_name="assignments"
    )
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("officer's role")
        verbose_name_plural = _("officers' roles")
        constraints = [models.UniqueConstraint(fields=["officer", "agency", "role"], name="one_role_per_agency")]

    def __str__(self) -> str:
        return f"{self.officer} — {self.get_role_display()} — {self.agency.name}"
