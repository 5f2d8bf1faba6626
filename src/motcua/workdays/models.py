"""The calendar's data: working hours per agency and the Government's announced days off."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .calendar import Schedule


class WorkingSchedule(models.Model):
    """Working hours (giờ làm việc) shared by the agencies that keep them."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    morning_start = models.TimeField(_("morning starts"), default=dt.time(7, 30))
    morning_end = models.TimeField(_("morning ends"), default=dt.time(11, 30))
    afternoon_start = models.TimeField(_("afternoon starts"), default=dt.time(13, 0))
    afternoon_end = models.TimeField(_("afternoon ends"), default=dt.time(17, 0))
    paper_cutoff = models.TimeField(
        _("paper dossier cut-off"),
        default=dt.time(15, 0),
        help_text=_("Paper dossiers received after this time count from the next working day."),
    )
    is_default = models.BooleanField(_("default schedule"), default=False)

    class Meta:
        verbose_name = _("working schedule")
        verbose_name_plural = _("working schedules")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="one_default_schedule"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def as_schedule(self) -> Schedule:
        return Schedule.from_times(
            [(self.morning_start, self.morning_end), (self.afternoon_start, self.afternoon_end)],
            self.paper_cutoff,
        )

    def clean(self) -> None:
        try:
            self.as_schedule()
        except ValueError as exc:
            raise ValidationError(
                _("Working periods must be in order: morning start < morning end ≤ afternoon start < afternoon end.")
            ) from exc


class CalendarOverride(models.Model):
    """An announced day off or swapped working Saturday (ngày nghỉ, ngày làm bù), as a date range."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Day off")
        WORKING_DAY = "working_day", _("Working day (swapped)")

    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(_("announced by"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["first_day"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")), name="override_range_in_order"
            )
        ]

    def __str__(self) -> str:
        if self.first_day == self.last_day:
            return f"{self.first_day:%d/%m/%Y} — {self.name}"
        return f"{self.first_day:%d/%m/%Y}–{self.last_day:%d/%m/%Y} — {self.name}"

    def clean(self) -> None:
        if self.first_day and self.last_day:
            if self.last_day < self.first_day:
                raise ValidationError({"last_day": _("The last day cannot be before the first day.")})
            if (self.last_day - self.first_day).days > 60:
                raise ValidationError({"last_day": _("An override may span at most 60 days.")})
            clash = (
                CalendarOverride.objects.filter(first_day__lte=self.last_day, last_day__gte=self.first_day)
                .exclude(pk=self.pk)
                .first()
            )
            if clash:
                raise ValidationError(_("These days overlap an existing override: %(other)s.") % {"other": clash})
