"""Themes and coding: the facilitator's codebook, and which themes each text carries.

A text to code is an item: a resident's text answer (or an "other, please specify" text),
a listening session's summary or note for one prompt, or a session quote. A coding links
one theme to one item, or to a character range of it, with its coder and time. A second
coder's codings are rows of their own (`second=True`), so agreement can be computed.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization, OrganizationScopedQuerySet
from organizations.models import OrganizationScopedQuerySet as OrganizationScoped
from surveys.models import Answer, PromptNote, SessionQuote


class ThemeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(retired=False)


class Theme(models.Model):
    """A theme of the codebook; themes nest (a theme may have sub-themes)."""

    code = models.SlugField(
        _("code"),
        max_length=60,
        unique=True,
        help_text=_("Stable identifier used in data and exports."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent theme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    colour = models.CharField(
        _("colour"),
        max_length=7,
        blank=True,
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("A colour like #1f77b4."))],
        help_text=_("Optional, for charts: a colour like #1f77b4."),
    )
    retired = models.BooleanField(
        _("retired"),
        default=False,
        help_text=_("Kept on existing codings, no longer offered for new ones."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ThemeQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return self.name or self.code

    def clean(self):
        from django.core.exceptions import ValidationError

        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk:
                raise ValidationError({"parent": _("A theme cannot be placed under itself.")})
            ancestor = ancestor.parent

    def merge_into(self, kept):
        """Move every coding of this theme (and its sub-themes) to `kept`, then retire it.

        Nothing is lost: a coding that `kept` already has on the same item and range is the
        same coding, so the duplicate goes; every other coding moves."""
        from django.db import transaction

        with transaction.atomic():
            for child in self.children.all():
                child.parent = kept
                child.save(update_fields=["parent", "updated_at"])
            for coding in self.codings.select_for_update():
                duplicate = Coding.objects.filter(
                    theme=kept,
                    answer_id=coding.answer_id,
                    note_id=coding.note_id,
                    note_field=coding.note_field,
                    quote_id=coding.quote_id,
                    start=coding.start,
                    end=coding.end,
                    coder_id=coding.coder_id,
                    second=coding.second,
                ).exists()
                if duplicate:
                    coding.delete()
                else:
                    coding.theme = kept
                    coding.save(update_fields=["theme"])
            self.retired = True
            self.save(update_fields=["retired", "updated_at"])


class Source(models.TextChoices):
    ANSWER = "answer", _("Survey answer")
    SUMMARY = "summary", _("Session summary")
    NOTE = "note", _("Session note")
    QUOTE = "quote", _("Session quote")


class ItemFields(models.Model):
    """The item a row is about: exactly one of an answer, a prompt note (its summary or its
    note) or a quote."""

    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    note = models.ForeignKey(
        PromptNote, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    note_field = models.CharField(
        max_length=10,
        blank=True,
        choices=[("summary", _("Summary")), ("note", _("Note"))],
    )
    quote = models.ForeignKey(
        SessionQuote, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True

    @property
    def source(self):
        if self.answer_id:
            return Source.ANSWER
        if self.quote_id:
            return Source.QUOTE
        return Source.SUMMARY if self.note_field == "summary" else Source.NOTE

    @classmethod
    def one_item(cls, name):
        return models.CheckConstraint(
            condition=(
                models.Q(answer__isnull=False, note__isnull=True, quote__isnull=True)
                & models.Q(note_field="")
            )
            | (
                models.Q(answer__isnull=True, note__isnull=False, quote__isnull=True)
                & models.Q(note_field__in=["summary", "note"])
            )
            | (
                models.Q(answer__isnull=True, note__isnull=True, quote__isnull=False)
                & models.Q(note_field="")
            ),
            name=name,
        )


class Coding(ItemFields):
    """One theme on one item, or on a character range of it."""

    theme = models.ForeignKey(
        Theme, verbose_name=_("theme"), on_delete=models.PROTECT, related_name="codings"
    )
    start = models.PositiveIntegerField(_("start"), null=True, blank=True)
    end = models.PositiveIntegerField(_("end"), null=True, blank=True)
    # The text of the range when it was coded: an edit of the item that changes it flags
    # the coding for review instead of silently pointing at other words.
    excerpt = models.TextField(_("excerpt"), blank=True)
    needs_review = models.BooleanField(_("needs review"), default=False)
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coder"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    second = models.BooleanField(
        _("second coding"),
        default=False,
        help_text=_("Coded independently by a second coder, for agreement."),
    )
    created_at = models.DateTimeField(_("coded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("coding")
        verbose_name_plural = _("codings")
        constraints = [
            ItemFields.one_item("coding_one_item"),
            models.CheckConstraint(
                condition=models.Q(start__isnull=True, end__isnull=True)
                | models.Q(start__isnull=False, end__isnull=False, start__lt=models.F("end")),
                name="coding_range_ordered",
            ),
            # Applying a theme twice (a double click, a retry) stores it once.
            models.UniqueConstraint(
                fields=[
                    "theme",
                    "answer",
                    "note",
                    "note_field",
                    "quote",
                    "start",
                    "end",
                    "coder",
                    "second",
                ],
                nulls_distinct=False,
                name="coding_unique",
            ),
        ]
        indexes = [
            # Theme frequencies: GROUP BY theme over the first coder's codings.
            models.Index(fields=["theme", "second"], name="coding_theme"),
        ]

    def __str__(self):
        return f"{self.theme.code}"


class ItemMark(ItemFields):
    """A coder is done with an item: coded, or "nothing to code". It leaves their queue."""

    class Kind(models.TextChoices):
        DONE = "done", _("Coded")
        NOTHING = "nothing", _("Nothing to code")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    coder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    second = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            ItemFields.one_item("itemmark_one_item"),
            # The queue's "not yet done by this coder": one mark per coder and item.
            models.UniqueConstraint(
                fields=["answer", "note", "note_field", "quote", "coder", "second"],
                nulls_distinct=False,
                name="itemmark_unique",
            ),
        ]

    def __str__(self):
        return f"{self.source} {self.get_kind_display()}"


class StarredQuote(models.Model):
    """A coded text (a whole item or an excerpt) or a session quote, chosen as representative
    of a theme. Before a report may use it, a person ticks that it was checked for names and
    other identifying details. The original is kept with its language; translations into
    the other languages are optional (django-modeltranslation on `translation`)."""

    theme = models.ForeignKey(
        Theme, verbose_name=_("theme"), on_delete=models.PROTECT, related_name="starred"
    )
    coding = models.ForeignKey(
        Coding, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    quote = models.ForeignKey(
        SessionQuote, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    original = models.TextField(_("original"))
    original_language = models.CharField(_("language of the original"), max_length=10, blank=True)
    translation = models.TextField(_("translation"), blank=True)
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    reviewed = models.BooleanField(_("checked for names and identifying details"), default=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    starred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganizationScoped.as_manager()

    class Meta:
        ordering = ["theme", "-created_at"]
        verbose_name = _("starred quote")
        verbose_name_plural = _("starred quotes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(coding__isnull=False, quote__isnull=True)
                | models.Q(coding__isnull=True, quote__isnull=False),
                name="starredquote_one_source",
            ),
            # Starring twice (a double click) keeps one star.
            models.UniqueConstraint(
                fields=["theme", "coding", "quote"],
                nulls_distinct=False,
                name="starredquote_unique",
            ),
        ]

    def __str__(self):
        return self.original[:60]


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
        CODINGS = "codings", _("Codings")

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


class CodingEvent(ItemFields):
    """The history of codings: each coding added to or removed from an item, by whom and
    when. Written in the same statement as the change itself (`coding.apply_themes`), so
    the history is exactly what happened, a double click included (it stores nothing twice
    and logs nothing twice)."""

    class Action(models.TextChoices):
        ADDED = "added", _("Added")
        REMOVED = "removed", _("Removed")

    action = models.CharField(_("change"), max_length=10, choices=Action.choices)
    theme = models.ForeignKey(
        Theme, verbose_name=_("theme"), on_delete=models.PROTECT, related_name="+"
    )
    start = models.PositiveIntegerField(_("start"), null=True, blank=True)
    end = models.PositiveIntegerField(_("end"), null=True, blank=True)
    excerpt = models.TextField(_("excerpt"), blank=True)
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coder"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    second = models.BooleanField(_("second coding"), default=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("coding change")
        verbose_name_plural = _("coding changes")
        constraints = [ItemFields.one_item("codingevent_one_item")]
        indexes = [
            models.Index(fields=["answer", "-at"], name="codingevent_answer"),
            models.Index(fields=["note", "-at"], name="codingevent_note"),
            models.Index(fields=["quote", "-at"], name="codingevent_quote"),
        ]

    def __str__(self):
        return f"{self.action} {self.theme_id}"


class PreparedFile(models.Model):
    """A large XLSX or SPSS download built in the background (on the task queue) instead of
    in the request: its progress while it is made, then the file for the person who asked,
    for PREPARED_FILE_HOURS."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file_format = models.CharField(max_length=10)
    # The download's address (its filters and options), read again by the task with the
    # same rules as the request: the rows are the ones this user may download.
    query = models.TextField()
    language = models.CharField(max_length=10)
    event = models.ForeignKey(DownloadEvent, on_delete=models.CASCADE, related_name="+")
    # The "About this file" lines, written when it was asked for.
    about = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    filename = models.CharField(max_length=200, blank=True)
    path = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename or self.file_format} ({self.status})"

    @property
    def percent(self):
        if self.status == self.Status.READY:
            return 100
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0

    @property
    def expired(self):
        hours = settings.PREPARED_FILE_HOURS
        return self.created_at < timezone.now() - timedelta(hours=hours)


# Reports live in their own module; Django finds models through this one.
from .report_models import Report, ReportBlock, ReportSection, ReportVersion  # noqa: E402,F401
