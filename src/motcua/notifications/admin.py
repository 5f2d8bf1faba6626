"""Messages in admin: read-only, for administrators to look into a delivery."""

from django.contrib import admin

from .models import DeliveryReport, Message


class DeliveryReportInline(admin.TabularInline):
    model = DeliveryReport
    extra = 0
    can_delete = False
    readonly_fields = ["received_at", "status", "data"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "recipient", "purpose", "status", "attempts", "dossier"]
    list_filter = ["status", "channel", "purpose"]
    search_fields = ["recipient", "dossier__code", "provider_message_id"]
    date_hierarchy = "created_at"
    list_select_related = ["dossier"]
    inlines = [DeliveryReportInline]
    # The text of a one-time code is not shown, even here.
    exclude = ["body"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Message._meta.fields if f.name != "body"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
