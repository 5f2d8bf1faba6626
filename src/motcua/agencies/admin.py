from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from . import services
from .models import Agency, Assignment, Counter


class CounterInline(admin.TabularInline):
    model = Counter
    extra = 0


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "identifier", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "identifier"]
    autocomplete_fields = ["parent"]
    inlines = [CounterInline]
    list_select_related = ["parent"]

    def save_model(self, request, obj, form, change):
        services.save_agency(obj)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["officer", "role", "agency"]
    list_filter = ["role"]
    search_fields = ["officer__username", "officer__first_name", "officer__last_name", "agency__name"]
    autocomplete_fields = ["officer", "agency"]
    list_select_related = ["officer", "agency"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    autocomplete_fields = ["agency"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class OfficerAdmin(UserAdmin):
    inlines = [AssignmentInline]
