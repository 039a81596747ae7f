"""Findings reports: written once per language, their figures computed, published as frozen
versions.

A report has ordered sections; a section has a heading and a Markdown body per language
(django-modeltranslation) and blocks placed between the body's paragraphs. A block refers to
results, themes or quotes by parameters, never by copying numbers: they are computed when the
report is previewed or published. Publishing stores what every language showed at that moment
(`ReportVersion.snapshot`), so later responses or edits never change a published version.
"""

import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_token():
    return secrets.token_urlsafe(24)


def offered_languages():
    return list(settings.OFFERED_LANGUAGES)


class Report(models.Model):
    class Kind(models.TextChoices):
        EXECUTIVE = "executive", _("Executive summary")
        DETAILED = "detailed", _("Detailed report of findings")

    class Audience(models.TextChoices):
        PUBLIC = "public", _("Public: anyone with the address")
        PARTNERS = "partners", _("City partners only (signed in)")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    # The public address: unguessable, never the integer pk.
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    slug = models.SlugField(
        _("readable address"),
        max_length=80,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Optional: a short name that leads to the report's address."),
    )
    audience = models.CharField(
        _("who may read it"), max_length=20, choices=Audience.choices, default=Audience.PUBLIC
    )
    noindex = models.BooleanField(
        _("keep out of search engines"),
        default=True,
        help_text=_("Asks search engines not to list the published report."),
    )
    languages = ArrayField(
        models.CharField(max_length=10),
        verbose_name=_("languages"),
        default=offered_languages,
        help_text=_("Every one of them needs a heading and a body in each section to publish."),
    )
    instrument = models.ForeignKey(
        "surveys.Instrument",
        verbose_name=_("survey"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The survey whose results the report's blocks show."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "-created_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self):
        return self.title or self.get_kind_display()

    def latest_version(self):
        return self.versions.order_by("-number").first()


class ReportSection(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField(_("order"), default=0)
    heading = models.CharField(_("heading"), max_length=300, blank=True)
    body = models.TextField(
        _("text"), blank=True, help_text=_("Markdown: blank lines between paragraphs.")
    )
    # {language: ISO time its heading or body last changed}: a translation older than the
    # source language's text is outdated.
    edited_at = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.heading or f"#{self.order}"

    def mark_edited(self, languages):
        now = timezone.now().isoformat()
        for language in languages:
            self.edited_at[language] = now

    def outdated(self, language, source="en"):
        """True when the source language's text changed after this language's."""
        if language == source:
            return False
        mine, theirs = self.edited_at.get(language), self.edited_at.get(source)
        return bool(mine and theirs and theirs > mine)


class ReportBlock(models.Model):
    class Kind(models.TextChoices):
        RESULTS = "results", _("Results of a question or a cross-tab")
        THEMES = "themes", _("Top themes")
        QUOTES = "quotes", _("Quotes of a theme")
        FIGURES = "figures", _("Headline figures")

    section = models.ForeignKey(ReportSection, on_delete=models.CASCADE, related_name="blocks")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # Placed after this many paragraphs of the section's text (0: before the text).
    after_paragraph = models.PositiveIntegerField(_("after paragraph"), default=0)
    order = models.PositiveIntegerField(_("order"), default=0)
    # What the block shows, by reference: question or cross-tab codes and filters, a theme's
    # code, a dimension (see findings.reports for each kind's keys).
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["after_paragraph", "order", "pk"]
        verbose_name = _("block")
        verbose_name_plural = _("blocks")

    def __str__(self):
        return self.get_kind_display()


class ReportVersion(models.Model):
    """A published report as it was: per language its title and rendered body (figures,
    tables, charts and quotes included). Never changed after it is stored."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    note = models.CharField(_("what changed"), max_length=300)
    snapshot = models.JSONField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now)

    class Meta:
        ordering = ["report", "-number"]
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")
        constraints = [
            # Two publishers at once cannot both store "version 3".
            models.UniqueConstraint(fields=["report", "number"], name="reportversion_unique"),
        ]

    def __str__(self):
        return f"{self.report} v{self.number}"
