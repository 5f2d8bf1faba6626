"""Files stored by their content: a blob is named by its SHA-256 and never overwritten."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Blob(models.Model):
    """Bytes kept once in the file store (local folder or S3), under a name made of their hash."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    name = models.CharField(max_length=200, help_text="Name in the file storage.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self) -> str:
        return f"{self.sha256[:16]}… ({self.size} B)"
