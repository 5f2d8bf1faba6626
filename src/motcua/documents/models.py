"""Files stored by their content: a blob is named by its SHA-256 and never overwritten."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Blob(models.Model):
    """Bytes kept once in the file store (local folder or S3), under a name made of their hash."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    name = models.CharField(max_length=200, help_text="Name in the file storage.")
    created_at = models.DateTimeField(auto_now_add=True)
    # The integrity check (store.check_due) reads the file again now and then and records the outcome.
    checked_at = models.DateTimeField(_("last checked"), null=True, blank=True, db_index=True)
    intact = models.BooleanField(_("intact at the last check"), null=True, blank=True)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self) -> str:
        return f"{self.sha256[:16]}… ({self.size} B)"


# -- the document store and the data warehouse (kho dữ liệu) -------------------------------------


class Document(models.Model):
    """A document of a person or an organisation (giấy tờ trong kho dữ liệu): what it is, whose it
    is and where it came from. Its bytes are in its versions; a new version never replaces one."""

    class Kind(models.TextChoices):
        COMPONENT = "component", _("Dossier component")
        DIGITIZED = "digitized", _("Digitized copy")
        RESULT = "result", _("Electronic result")
        CERTIFIED_COPY = "certified_copy", _("Certified electronic copy")

    # Whose: a person by citizen ID number and/or portal account, or an organisation by tax code.
    owner_id_number = models.CharField(_("owner's citizen ID number"), max_length=12, blank=True, db_index=True)
    owner_account = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner_tax_code = models.CharField(_("owner's tax code"), max_length=14, blank=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.TextField(_("title"))
    required_document = models.ForeignKey(
        "catalog.RequiredDocument", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_dossier = models.ForeignKey(
        "dossiers.Dossier", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title[:80]

    @property
    def current(self) -> "DocumentVersion | None":
        return self.versions.order_by("-number").first()


class DocumentVersion(models.Model):
    """One version of a document: a blob, numbered from 1. Rows are only ever added."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="document_version_once")]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"


# -- Digital signatures and electronic results ----------------------------------------------------


class SigningKey(models.Model):
    """An officer's signing key: which plugin holds it (`signing.registry`) and how to reach it.

    The configuration holds no secret: a PKCS#12 key names its file and the environment variable
    holding the passphrase."""

    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signing_keys")
    plugin = models.CharField(max_length=40, default="pkcs12")
    config = models.JSONField(default=dict, blank=True, help_text='e.g. {"path": …, "passphrase_env": …}')
    subject = models.CharField(max_length=300, blank=True, help_text="The certificate's subject.")
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField()
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")

    def __str__(self) -> str:
        return f"{self.officer} – {self.subject or self.plugin}"


class TrustedRoot(models.Model):
    """A root certificate the province trusts: signatures chaining to it are reported as trusted
    (beside the PEM files named in MOTCUA_TRUSTED_ROOTS)."""

    name = models.CharField(max_length=200)
    certificate_pem = models.TextField(help_text="The root certificate, PEM.")
    active = models.BooleanField(default=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("trusted root certificate")
        verbose_name_plural = _("trusted root certificates")

    def __str__(self) -> str:
        return self.name


class IssuedDocument(models.Model):
    """A PDF motcua signed and issued for a dossier (the result, a receipt slip); its code is in
    the QR code on the stamp and opens the public verification page."""

    class Kind(models.TextChoices):
        RESULT = "result", _("electronic result")
        RECEIPT = "receipt", _("receipt slip")

    code = models.CharField(max_length=32, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="issued_documents")
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signer_subject = models.CharField(max_length=300, blank=True)
    signed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("issued signed document")
        verbose_name_plural = _("issued signed documents")
        ordering = ["-signed_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code}"


# -- Digitization at reception (scanned paper components, OCR) -----------------------------------


class Digitization(models.Model):
    """The scanned copy of one paper component of a dossier: its pages in order, the searchable PDF
    made from them, the text read by OCR and who digitized and signed it. A component exempt from
    scanning (DOMAIN.md) carries the reason instead of pages."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for OCR")
        RUNNING = "running", _("Reading the text")
        DONE = "done", _("Digitized")
        FAILED = "failed", _("OCR failed")

    class Exemption(models.TextChoices):
        SHARED_DATABASE = "shared_database", _("Data already shared by a national or sector database")
        SHOWN_ONLY = "shown_only", _("Document only shown, not kept")
        CLASSIFIED = "classified", _("Classified document")
        ELECTRONIC = "electronic", _("Component already electronic")

    document = models.OneToOneField(
        "dossiers.DossierDocument", on_delete=models.CASCADE, related_name="digitization", verbose_name=_("component")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, blank=True)
    error = models.TextField(_("error"), blank=True)
    pages_total = models.PositiveSmallIntegerField(default=0)
    pages_done = models.PositiveSmallIntegerField(default=0)
    pdf = models.ForeignKey(Blob, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("text read by OCR"), blank=True)
    # Notes for the officer (pages out of order, pages kept without OCR): warnings, never refusals.
    warnings = models.JSONField(default=list, blank=True)
    # Values the officer confirmed from the suggestions read in the text: {"kind": "value"}.
    confirmed = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    digitized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    digitized_at = models.DateTimeField(_("digitized at"), null=True, blank=True)
    signed_pdf = models.ForeignKey(Blob, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    # Why the copy is not signed (the officer has no signing key), shown beside it.
    unsigned_note = models.CharField(max_length=300, blank=True)
    exempt = models.BooleanField(_("exempt from scanning"), default=False)
    exempt_reason = models.CharField(
        _("reason for the exemption"), max_length=20, choices=Exemption.choices, blank=True
    )
    exempt_note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("digitized component")
        verbose_name_plural = _("digitized components")
        # The index's refresh reads the digitizations changed in the last minute.
        indexes = [models.Index(fields=["updated_at"], name="digitization_updated")]

    def __str__(self) -> str:
        return f"{self.document_id}: {self.status or 'exempt'}"

    @property
    def percent(self) -> int:
        return int(100 * self.pages_done / self.pages_total) if self.pages_total else 0


class ScannedPage(models.Model):
    """One page as the officer uploaded it (image or PDF), kept in the order given."""

    digitization = models.ForeignKey(Digitization, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveSmallIntegerField()
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["digitization", "number"]
        constraints = [models.UniqueConstraint(fields=["digitization", "number"], name="scanned_page_number_unique")]

    def __str__(self) -> str:
        return f"{self.digitization_id} p.{self.number}"
