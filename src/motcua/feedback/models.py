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
