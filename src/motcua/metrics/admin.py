"""Administration of the service-quality index: schemes with their effective dates, their groups and
indicators (points, thresholds, the measure that feeds each). A new scheme applies to the periods
that end on or after its date; older periods keep the scheme of their time."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import Group, Indicator, Scheme


def measure_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(rules.MEASURES)]


class IndicatorForm(forms.ModelForm):
    """An indicator must name a measure motcua knows how to count (rules.MEASURES)."""

    class Meta:
        model = Indicator
        fields = ["position", "code", "name", "measure", "points", "threshold", "when_empty"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A list to pick from, which still lets clean_measure explain a wrong name sent by hand.
        choices = measure_choices()
        current = self.initial.get("measure")
        if current and current not in rules.MEASURES:
            choices.insert(0, (current, current))
        self.fields["measure"].widget = forms.Select(choices=[("", "---------"), *choices])
        self.fields["measure"].help_text = _("What the indicator counts; see docs/index.md for each measure.")

    def clean_measure(self) -> str:
        measure = (self.cleaned_data.get("measure") or "").strip()
        if measure not in rules.MEASURES:
            raise ValidationError(
                gettext("“%(measure)s” is not a measure motcua counts. Choose one of: %(known)s.")
                % {"measure": measure, "known": ", ".join(sorted(rules.MEASURES))},
                code="unknown_measure",
            )
        return measure

    def clean_points(self):
        points = self.cleaned_data.get("points")
        if points is not None and points < 0:
            raise ValidationError(gettext("Points cannot be negative."), code="negative_points")
        return points

    def clean_threshold(self):
        threshold = self.cleaned_data.get("threshold")
        if threshold is not None and not 0 <= threshold <= 100:
            raise ValidationError(gettext("A threshold is a percentage from 0 to 100."), code="threshold_range")
        return threshold


class GroupInline(admin.TabularInline):
    model = Group
    extra = 0
    fields = ["position", "code", "name"]
    show_change_link = True


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "effective_from"]
    search_fields = ["name"]
    inlines = [GroupInline]


class IndicatorInline(admin.TabularInline):
    model = Indicator
    form = IndicatorForm
    extra = 0


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "scheme", "position"]
    list_filter = ["scheme"]
    list_select_related = ["scheme"]
    search_fields = ["name", "code"]
    inlines = [IndicatorInline]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    form = IndicatorForm
    fields = ["group", "position", "code", "name", "measure", "points", "threshold", "when_empty"]
    list_display = ["code", "name", "measure", "points", "threshold", "group"]
    list_filter = ["group__scheme"]
    list_select_related = ["group__scheme"]
    search_fields = ["code", "name", "measure"]
