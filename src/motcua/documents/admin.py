"""The file store in admin: read-only, so an administrator sees which stored files failed the
integrity check and which documents and versions a person or organisation has."""

from django.contrib import admin

from .models import Blob, Document, DocumentVersion


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Blob)
class BlobAdmin(ReadOnly):
    list_display = ["sha256", "size", "content_type", "created_at", "checked_at", "intact"]
    list_filter = ["intact", "content_type"]
    search_fields = ["sha256", "name"]
    date_hierarchy = "created_at"


class VersionInline(admin.TabularInline):
    model = DocumentVersion
    extra = 0
    can_delete = False
    readonly_fields = ["number", "blob", "created_by", "created_at", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(ReadOnly):
    list_display = ["title", "kind", "owner_id_number", "owner_tax_code", "source_dossier", "created_at"]
    list_filter = ["kind"]
    search_fields = ["title", "owner_id_number", "owner_tax_code", "source_dossier__code"]
    list_select_related = ["source_dossier"]
    inlines = [VersionInline]
    readonly_fields = [
        "owner_id_number",
        "owner_account",
        "owner_tax_code",
        "kind",
        "title",
        "required_document",
        "source_dossier",
        "created_at",
    ]


# -- Digital signatures: officers' signing keys, trusted roots, signed documents issued ------------
from django import forms as _forms  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402
from pyhanko.keys import load_certs_from_pemder_data  # noqa: E402

from .models import IssuedDocument, SigningKey, TrustedRoot  # noqa: E402
from .signing import SigningUnavailable, registry  # noqa: E402


class SigningKeyForm(_forms.ModelForm):
    class Meta:
        model = SigningKey
        fields = ["officer", "plugin", "config", "subject", "valid_from", "valid_to", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("subject", "valid_from", "valid_to"):  # read from the certificate
            self.fields[name].required = False

    def clean(self):
        """The key must open with its configuration; subject and validity are read from its certificate."""
        data = super().clean()
        plugin = data.get("plugin")
        if plugin not in registry:
            raise ValidationError({"plugin": f"Unknown plugin; one of {', '.join(k for k, _ in registry.choices())}."})
        try:
            cert = registry.create(plugin, data.get("config") or {}).certificate
        except (SigningUnavailable, ValueError, OSError) as exc:
            raise ValidationError({"config": str(exc)}) from exc
        validity = cert["tbs_certificate"]["validity"]
        data["subject"] = cert.subject.human_friendly
        data["valid_from"], data["valid_to"] = validity["not_before"].native, validity["not_after"].native
        for name in ("subject", "valid_from", "valid_to"):
            self.errors.pop(name, None)
        return data


@admin.register(SigningKey)
class SigningKeyAdmin(admin.ModelAdmin):
    form = SigningKeyForm
    list_display = ["officer", "plugin", "subject", "valid_from", "valid_to", "active"]
    list_filter = ["plugin", "active"]
    search_fields = ["officer__username", "subject"]
    autocomplete_fields = ["officer"]


class TrustedRootForm(_forms.ModelForm):
    class Meta:
        model = TrustedRoot
        fields = ["name", "certificate_pem", "active"]

    def clean_certificate_pem(self):
        pem = self.cleaned_data["certificate_pem"].strip()
        try:
            certs = list(load_certs_from_pemder_data(pem.encode()))
        except ValueError as exc:
            raise ValidationError("Not a PEM certificate.") from exc
        if not certs:
            raise ValidationError("Not a PEM certificate.")
        return pem + "\n"


@admin.register(TrustedRoot)
class TrustedRootAdmin(admin.ModelAdmin):
    form = TrustedRootForm
    list_display = ["name", "active", "added_at"]
    list_filter = ["active"]


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnly):
    list_display = ["code", "kind", "dossier", "signed_by", "signed_at"]
    list_filter = ["kind"]
    search_fields = ["code", "dossier__code"]
    date_hierarchy = "signed_at"


# -- end of digital signatures ----------------------------------------------------------------------
