"""A citizen's account on the portal: who they are, how to reach them, how they proved it.

The login itself is Django's user (password hashing, sessions); the profile holds what the
portal pre-fills and where one-time codes and messages go. Officers are users without a profile.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="citizen")
    full_name = models.CharField(_("full name"), max_length=200)
    # Each may be empty, but one of them is the login; both are unique when present.
    phone = models.CharField(_("phone"), max_length=20, null=True, blank=True, unique=True)
    email = models.EmailField(_("e-mail"), null=True, blank=True, unique=True)
    phone_verified_at = models.DateTimeField(null=True, blank=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    id_number = models.CharField(_("citizen ID number"), max_length=12, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    # The national identity provider's subject, once the person has logged in through it.
    oidc_subject = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("citizen's profile")
        verbose_name_plural = _("citizens' profiles")

    def __str__(self) -> str:
        return self.full_name
