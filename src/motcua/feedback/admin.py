from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import items, services
from .models import CounterDevice, FeedbackEvent, FeedbackItem, RatedAgency, RatedOfficer, Rating


class RatedOfficerInline(admin.TabularInline):
    model = RatedOfficer
    extra = 0
    readonly_fields = ["officer", "name"]
    can_delete = False


class RatedAgencyInline(admin.TabularInline):
    model = RatedAgency
    extra = 0
    readonly_fields = ["agency"]
    can_delete = False


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["dossier", "created_at", "liked", "total", "answered", "channel"]
    list_filter = ["liked", "channel", "created_at", "agencies__agency", "officers__officer"]
    search_fields = ["dossier__code", "comment"]
    inlines = [RatedOfficerInline, RatedAgencyInline]
    date_hierarchy = "created_at"

    def has_change_permission(self, request, obj=None):
        return False  # a rating is the applicant's word: read, never edited

    def get_urls(self):
        view = self.admin_site.admin_view(self.evaluation_view)
        return [path("danh-gia-can-bo/", view, name="feedback_rating_evaluation"), *super().get_urls()]

    def evaluation_view(self, request):
        """Averages per officer and per agency, for their evaluation."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Ratings per officer and agency"),
            "opts": self.model._meta,
            **services.evaluation(),
            "conduct": items.conduct_by_officer(),
        }
        return TemplateResponse(request, "feedback/admin_evaluation.html", context)


@admin.register(RatedOfficer)
class RatedOfficerAdmin(admin.ModelAdmin):
    """Per officer: each rated dossier he handled; filter by officer for his figures."""

    list_display = ["name", "rating", "liked", "score"]
    list_filter = ["officer", "rating__liked", "rating__created_at"]
    list_select_related = ["rating"]
    search_fields = ["name", "rating__dossier__code"]

    @admin.display(boolean=True, description=_("liked"))
    def liked(self, row):
        return row.rating.liked

    @admin.display(description=_("score"))
    def score(self, row):
        return f"{row.rating.total}/{2 * row.rating.answered}"


@admin.register(CounterDevice)
class CounterDeviceAdmin(admin.ModelAdmin):
    list_display = ["counter", "token", "dossier", "shown_at"]
    readonly_fields = ["dossier", "officer", "shown_at"]


class FeedbackEventInline(admin.TabularInline):
    model = FeedbackEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "action", "from_status", "to_status", "actor_name", "agency", "to_agency", "note"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FeedbackItem)
class FeedbackItemAdmin(admin.ModelAdmin):
    """Feedback items, read only here (officers handle them at /can-bo/phan-anh/): filter by officer
    and kind for an officer's record of conduct complaints."""

    list_display = ["code", "subject", "kind", "status", "agency", "officer", "received_at", "on_time"]
    list_filter = ["kind", "status", "channel", "on_time", "agency", "officer"]
    search_fields = ["code", "subject", "dossier__code"]
    date_hierarchy = "received_at"
    inlines = [FeedbackEventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
