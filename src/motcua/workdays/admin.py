from django.contrib import admin

from . import services
from .models import CalendarOverride, WorkingSchedule


@admin.register(WorkingSchedule)
class WorkingScheduleAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "morning_start",
        "morning_end",
        "afternoon_start",
        "afternoon_end",
        "paper_cutoff",
        "is_default",
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.clear_cache()


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ["first_day", "last_day", "kind", "name", "source"]
    list_filter = ["kind"]
    search_fields = ["name", "source"]
    date_hierarchy = "first_day"

    def save_model(self, request, obj, form, change):
        services.save_override(obj)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.clear_cache()
