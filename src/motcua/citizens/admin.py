"""Administration of citizens' accounts: find a person, confirm that they represent an organisation."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Profile, Representation


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("full_name", "phone", "email", "id_number", "linked", "created_at")
    search_fields = ("full_name", "phone", "email", "id_number")
    readonly_fields = (
        "user",
        "phone_verified_at",
        "email_verified_at",
        "id_number_verified_at",
        "oidc_subject",
        "created_at",
    )
    ordering = ("-created_at",)

    @admin.display(boolean=True, description=_("electronic identity"))
    def linked(self, profile: Profile) -> bool:
        return bool(profile.oidc_subject)


@admin.register(Representation)
class RepresentationAdmin(admin.ModelAdmin):
    list_display = ("name", "tax_code", "person", "position", "verified_by", "verified_at")
    list_filter = ("verified_by",)
    search_fields = ("name", "tax_code", "user__citizen__full_name", "user__citizen__phone", "user__citizen__id_number")
    readonly_fields = ("verified_by", "verified_at", "confirmed_by", "created_at")
    raw_id_fields = ("user",)
    actions = ["confirm"]

    @admin.display(description=_("person"))
    def person(self, representation: Representation) -> str:
        profile = getattr(representation.user, "citizen", None)
        return profile.full_name if profile else representation.user.get_username()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user__citizen")

    @admin.action(description=_("Confirm the selected representations (papers checked)"))
    def confirm(self, request, queryset):
        done = 0
        for representation in queryset.filter(verified_at__isnull=True):
            services.confirm_representation(representation, by=request.user)
            done += 1
        self.message_user(request, _("%(n)d representation(s) confirmed.") % {"n": done}, messages.SUCCESS)
