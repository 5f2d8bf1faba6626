"""The service-quality index (Decision 766) and the reports: what each dossier contributes to the
index (`DossierFact`), monthly sums per agency and procedure (`Tally`) and their roll-up per agency
(`AgencyMonth`), the open dossiers at each month's end (`OpenSnapshot`), the index's configuration
with effective dates (`Scheme`, `Group`, `Indicator`), the change feeds' positions (`Cursor`) and
the exports run as tasks (`Export`).

Facts, tallies, roll-ups and snapshots are derived data: `facts.refresh` recomputes them from the
dossiers, and `manage.py rebuild_index` rebuilds them all; nothing is typed into them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    OPEN = "open", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    STOPPED = "stopped", _("Stopped")


class DossierFact(models.Model):
    """What one received dossier contributes to the index, as of its last change."""

    dossier = models.OneToOneField("dossiers.Dossier", primary_key=True, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")  # resolving
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=12)
    received_at = models.DateTimeField()
    month = models.DateField()  # first day of the month of reception (Asia/Ho_Chi_Minh)
    ended_at = models.DateTimeField(null=True, blank=True)  # end of processing for the index
    end_month = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    due_at = models.DateTimeField(null=True, blank=True)  # the index's appointment (waiting deducted)
    supplements = models.PositiveSmallIntegerField(default=0)
    paused_at = models.DateTimeField(null=True, blank=True)  # start of an open supplement request
    late = models.BooleanField(null=True)  # the final judgement once ended
    working_days = models.FloatField(null=True, blank=True)  # reception → end, waiting deducted
    fee_bearing = models.BooleanField(default=False)
    paid_online = models.BooleanField(default=False)
    has_result = models.BooleanField(default=False)
    e_result = models.BooleanField(default=False)
    digitized = models.BooleanField(default=False)
    reused = models.BooleanField(default=False)
    warehouse = models.BooleanField(default=False)
    verified = models.BooleanField(default=False)  # submitted by an account the national identity provider vouched for
    disliked = models.BooleanField(default=False)  # rated "dislike" or the subject of a feedback item
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["month", "agency", "procedure"], name="fact_received"),
            models.Index(fields=["end_month", "agency", "procedure"], name="fact_ended"),
            # Every column `facts.open_now` reads is in it: the dossiers in progress are counted from
            # the index alone, not from one heap page each.
            models.Index(
                fields=["agency", "due_at", "paused_at", "supplements", "dossier"],
                name="fact_open",
                condition=models.Q(ended_at=None),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.outcome}"


class Sums(models.Model):
    """The sums of the facts that `Tally` keeps per procedure and `AgencyMonth` per agency
    (`facts.TALLY_FIELDS`)."""

    received = models.PositiveIntegerField(default=0)
    received_online = models.PositiveIntegerField(default=0)
    received_in_person = models.PositiveIntegerField(default=0)
    received_postal = models.PositiveIntegerField(default=0)
    fee_bearing = models.PositiveIntegerField(default=0)
    paid_online = models.PositiveIntegerField(default=0)
    digitized = models.PositiveIntegerField(default=0)
    reused = models.PositiveIntegerField(default=0)
    warehouse = models.PositiveIntegerField(default=0)
    verified = models.PositiveIntegerField(default=0)
    ended = models.PositiveIntegerField(default=0)
    ended_late = models.PositiveIntegerField(default=0)
    ended_disliked = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)
    stopped = models.PositiveIntegerField(default=0)
    with_result = models.PositiveIntegerField(default=0)
    e_result = models.PositiveIntegerField(default=0)
    working_days = models.FloatField(default=0)  # summed over the resolved dossiers

    class Meta:
        abstract = True


class Tally(Sums):
    """Sums of the facts per month, resolving agency and procedure: the received dossiers of the
    month (`received_*`, by month of reception) and the dossiers whose processing ended in it
    (`ended_*`, by month of end). The dashboards add up these rows, never the dossiers."""

    month = models.DateField()
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "agency", "procedure"], name="one_tally_per_month_agency_procedure"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y} {self.agency_id} {self.procedure_id}"


class AgencyMonth(Sums):
    """The tallies of a month and resolving agency added up over its procedures, with the
    procedures that received a dossier online and those with a dossier paid online in that month
    ("12,40,41", ids in increasing order; "" when none). `facts.recompute_tallies` rewrites the rows
    of the (month, agency) pairs it touches from the tallies, so a row always equals grouping them;
    the dashboard reads a few thousand of these for a year instead of grouping ≈ 26,000 tallies."""

    month = models.DateField()
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    procedures_online = models.TextField(blank=True, default="")
    procedures_paid = models.TextField(blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "agency"], name="one_roll_up_per_month_agency")]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y} {self.agency_id}"


class OpenSnapshot(models.Model):
    """The dossiers still in progress at the end of a month, per resolving agency, and how many of
    them were already late then: the index counts them in that month's on-time rate."""

    month = models.DateField()
    # One row with no agency marks the month as taken (even when nothing was in progress).
    agency = models.ForeignKey("agencies.Agency", null=True, on_delete=models.CASCADE, related_name="+")
    open = models.PositiveIntegerField(default=0)
    open_late = models.PositiveIntegerField(default=0)
    taken_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "agency"], name="one_snapshot_per_month_agency")]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y} {self.agency_id}: {self.open_late}/{self.open}"


class Cursor(models.Model):
    """How far `facts.refresh` has read one change feed (the control slip's events, ratings, ...).
    `gap_since`: when rows were first seen past a missing id (a transaction not yet committed, or
    rolled back); the position waits at the gap for a short while, then moves past it."""

    name = models.CharField(max_length=40, primary_key=True)
    position = models.BigIntegerField(default=0)
    gap_since = models.DateTimeField(null=True, blank=True)
    moved_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} @ {self.position}"


class Scheme(models.Model):
    """A set of index rules (weights, thresholds, groupings) in force from a date; each period is
    scored under the scheme in force on its last day."""

    name = models.CharField(_("name"), max_length=200)
    effective_from = models.DateField(_("effective from"), unique=True)
    note = models.TextField(_("source and note"), blank=True)

    class Meta:
        verbose_name = _("index scheme")
        verbose_name_plural = _("index schemes")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from:%d/%m/%Y})"


class Group(models.Model):
    """A group of indicators (công khai minh bạch, tiến độ, ...) of a scheme."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="groups")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("indicator group")
        verbose_name_plural = _("indicator groups")
        ordering = ["scheme", "position"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="one_group_code_per_scheme")]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """One scored indicator: which measure feeds it, its points and threshold."""

    class WhenEmpty(models.TextChoices):
        FULL = "full", _("Full points")
        ZERO = "zero", _("No points")

    group = models.ForeignKey(Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    code = models.CharField(_("code"), max_length=10, help_text=_("As in the decision, e.g. 2.1"))
    name = models.CharField(_("name"), max_length=300)
    measure = models.CharField(_("measure"), max_length=40)  # a key of rules.MEASURES
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2)
    threshold = models.DecimalField(
        _("threshold (%)"),
        max_digits=5,
        decimal_places=2,
        default=100,
        help_text=_("At or above it, full points; below, points × rate ÷ threshold."),
    )
    when_empty = models.CharField(
        _("when there is nothing to measure"), max_length=4, choices=WhenEmpty.choices, default=WhenEmpty.FULL
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["group", "position"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Export(models.Model):
    """A register or statistical report asked for by an officer, written by a task."""

    class Kind(models.TextChoices):
        REGISTER = "register", _("Dossier register (Form 07)")
        STATISTICS = "statistics", _("Statistics on reception and resolution")

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Excel")
        PDF = "pdf", _("PDF")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("report"), max_length=12, choices=Kind.choices)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("agencies.Agency", verbose_name=_("agency"), on_delete=models.CASCADE, related_name="+")
    first = models.DateField(_("from"))
    last = models.DateField(_("to"))
    params = models.JSONField(default=dict, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    filename = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="export_requested_by")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.first:%d/%m/%Y}–{self.last:%d/%m/%Y}"
