from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import services
from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Issue a token here: its secret is shown once, in the message after saving."""

    list_display = ["name", "officer", "prefix", "created_at", "last_used_at", "revoked"]
    list_filter = ["revoked"]
    search_fields = ["name", "prefix", "officer__username"]
    autocomplete_fields = ["officer"]
    list_select_related = ["officer"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["officer", "name"]
        return ["officer", "name", "prefix", "created_at", "last_used_at", "revoked"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # A revoked token stays revoked: issue a new one instead.
        fixed = ["officer", "name", "prefix", "created_at", "last_used_at"]
        return [*fixed, "revoked"] if obj.revoked else fixed

    def save_model(self, request, obj, form, change):
        if change:
            if obj.revoked:
                services.revoke(obj)
            return
        secret = services.issue_token(obj.officer, obj.name)
        saved = ApiToken.objects.get(key_hash=services.hash_secret(secret))
        obj.pk, obj.key_hash, obj.prefix, obj.created_at = saved.pk, saved.key_hash, saved.prefix, saved.created_at
        self.message_user(
            request,
            _("Copy the token now, it will not be shown again: %(secret)s") % {"secret": secret},
            messages.WARNING,
        )

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            services.revoke(token)
