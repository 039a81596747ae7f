from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization, OrganizationScopedQuerySet


class DownloadEvent(models.Model):
    """Who downloaded what, with which filters, and how many rows.

    Not `organizations.AuditEvent`: that log is about accounts and always belongs to one
    organization, while the facilitator's downloads usually hold every organization's data
    (organization empty here).
    """

    class Kind(models.TextChoices):
        RESPONSES = "responses", _("Responses")
        CODEBOOK = "codebook", _("Codebook")
        SESSIONS = "sessions", _("Listening sessions")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: every organization's data."),
    )
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    file_format = models.CharField(_("format"), max_length=10)
    instrument = models.ForeignKey(
        "surveys.Instrument",
        verbose_name=_("instrument"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    filters = models.JSONField(_("filters and options"), default=dict, blank=True)
    row_count = models.PositiveIntegerField(
        _("rows"), null=True, blank=True, help_text=_("Empty: the download did not finish.")
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("download")
        verbose_name_plural = _("downloads")

    def __str__(self):
        return f"{self.kind}.{self.file_format}"
