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
    # When the ID number came from the identity provider (typed numbers are the person's word only).
    id_number_verified_at = models.DateTimeField(_("ID number verified at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("citizen's profile")
        verbose_name_plural = _("citizens' profiles")

    def __str__(self) -> str:
        return self.full_name

    def contacts(self) -> list[str]:
        """The verified ways to reach the person, phone first."""
        return [c for c in (self.phone, self.email) if c]


class OneTimeCode(models.Model):
    """A one-time code (mã xác thực) sent to a phone or e-mail address; only its hash is kept.

    One row per code; issuing a new one for the same destination and purpose voids the old.
    """

    class Purpose(models.TextChoices):
        SIGN_UP = "sign_up", _("sign-up")
        LOGIN = "login", _("login")
        RESET = "reset", _("password reset")
        CONTACT = "contact", _("new contact")

    destination = models.CharField(_("sent to"), max_length=254)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    salt = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    # Set when the code was entered correctly or replaced by a newer one: it can never pass again.
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        indexes = [models.Index(fields=["destination", "purpose", "-created_at"], name="otc_latest")]

    def __str__(self) -> str:
        return f"{self.purpose} → {self.destination}"


class Representation(models.Model):
    """A person acting for an organisation (người đại diện của tổ chức, doanh nghiệp) under its
    tax code. Only a verified representation may be used to submit on the organisation's behalf."""

    class Verification(models.TextChoices):
        NONE = "", _("not verified yet")
        IDENTITY_PROVIDER = "identity_provider", _("asserted by the national identity provider")
        ADMINISTRATOR = "administrator", _("confirmed by an administrator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="representations", verbose_name=_("person")
    )
    tax_code = models.CharField(_("tax code"), max_length=13)
    name = models.CharField(_("organisation's name"), max_length=300)
    address = models.CharField(_("address"), max_length=300, blank=True)
    position = models.CharField(_("position held"), max_length=100, blank=True)
    verified_by = models.CharField(
        _("verified by"), max_length=20, choices=Verification.choices, default="", blank=True
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("representation of an organisation")
        verbose_name_plural = _("representations of organisations")
        constraints = [models.UniqueConstraint(fields=["user", "tax_code"], name="representation_once")]
        indexes = [models.Index(fields=["tax_code"], name="representation_tax_code")]

    def __str__(self) -> str:
        return f"{self.name} ({self.tax_code})"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None
