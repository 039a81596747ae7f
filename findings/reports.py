"""Rendering and publishing findings reports (models in findings.report_models).

A report's numbers are always those "as the public would see it": every count of responses,
people, sessions or codings goes through findings.suppression, whoever reads the report.
Counts of organizations, community areas and languages are not about people and are shown.

Blocks are computed from their parameters when a report is previewed or published; a
published version stores the rendered body of each language (`ReportVersion.snapshot`), so
its page reads one row and never recomputes. Block parameters, by kind:

- results: {"question": code} for one question, or {"rows": key, "cols": key, "pct":
  "row"|"col"|""} for a cross-tab (keys as on the cross-tab page: organization, area,
  language, channel, themes, q:<code>); either with filters {"org": [slugs], "languages":
  [codes], "channels": [codes]}.
- themes: {"parent": theme code or "" for the top level, "by": organization|area|language|
  source, "top": n}.
- quotes: {"theme": code, "limit": n}: the theme's starred quotes, newest first.
- figures: {}: responses, sessions held, people reached, organizations, areas, languages.
"""

import re

import nh3
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Sum
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt
from modeltranslation.utils import build_localized_fieldname

from engagement.languages import language_name
from organizations.models import Organization
from surveys.models import ListeningSession, Response

from . import charts
from .models import Report, ReportBlock, ReportVersion, StarredQuote, Theme
from .presentation import crosstab_table, dimension, question_blocks, theme_table
from .results import crosstab, figures
from .suppression import shown_count, threshold
from .theme_results import theme_counts

# --- Markdown --------------------------------------------------------------------------------

# CommonMark with raw HTML switched off (it is written out as text), then sanitized all the
# same: links keep only http(s) and mailto addresses, and nothing but these tags survives.
MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "h3", "h4", "h5", "h6",
    "code", "pre", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")


def render_markdown(text):
    """Markdown as safe HTML: no raw HTML, no scripts, no javascript: links."""
    html = MARKDOWN.render(text or "")
    # Headings inside a section sit below the section's own h2.
    html = re.sub(r"<(/?)h[12]>", r"<\1h3>", html)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 - sanitized by nh3 just above


def paragraphs(text):
    """The body's paragraphs (chunks between blank lines), where blocks may be placed."""
    return [chunk for chunk in PARAGRAPH_BREAK.split((text or "").strip()) if chunk.strip()]


# --- Reading the data as the public would see it ----------------------------------------------


def report_responses(instrument, params):
    """The included responses of every organization that a block's filters select."""
    queryset = Response.objects.filter(instrument=instrument).included()
    if params.get("org"):
        queryset = queryset.filter(organization__slug__in=params["org"])
    if params.get("languages"):
        queryset = queryset.filter(language__in=params["languages"])
    if params.get("channels"):
        queryset = queryset.filter(channel__in=params["channels"])
    if params.get("areas"):
        queryset = queryset.filter(area_id__in=params["areas"])
    # Dates are Chicago days (the site's time zone), as on the results page.
    if params.get("date_from"):
        queryset = queryset.filter(submitted_at__date__gte=params["date_from"])
    if params.get("date_to"):
        queryset = queryset.filter(submitted_at__date__lte=params["date_to"])
    return queryset


def cbo_organizations():
    return {
        o.slug: o for o in Organization.objects.filter(kind=Organization.Kind.CBO).order_by("name")
    }


class Renderer:
    """Computes a report's blocks in one language, sharing what blocks have in common (the
    survey's questions, the organizations, theme counts) across blocks."""

    def __init__(self, report):
        self.report = report
        self.instrument = report.instrument
        self._organizations = None
        self._theme_counts = {}
        self._themes = None

    @property
    def organizations(self):
        if self._organizations is None:
            self._organizations = cbo_organizations()
        return self._organizations

    def questions(self):
        return self.instrument.cached_questions() if self.instrument else []

    def block(self, block):
        method = getattr(self, f"{block.kind}_block")
        try:
            data = method(block.params or {})
        except (KeyError, StopIteration, ValueError, Theme.DoesNotExist):
            data = None
        if data is None:
            return {"kind": "missing", "block": block}
        data["kind"] = block.kind
        data["block"] = block
        data["chart_id"] = f"chart-{block.pk}"
        return data

    def results_block(self, params):
        if self.instrument is None:
            return None
        questions = self.questions()
        responses = report_responses(self.instrument, params)
        if params.get("question"):
            figs = figures(responses, questions, self.instrument)
            wanted = params["question"]
            result = next(
                b for b in question_blocks(questions, figs, True) if b["question"].code == wanted
            )
            return {"result": result, "base": shown_count(figs.base)}
        rows = dimension(params["rows"], questions, self.organizations)
        cols = dimension(params["cols"], questions, self.organizations)
        data = crosstab(responses, rows, cols)
        table = crosstab_table(data, rows, cols, params.get("pct", ""), True)
        return {"table": table, "base": shown_count(data["total"]), **crosstab_chart(table)}

    def themes_in_order(self):
        if self._themes is None:
            self._themes = list(Theme.objects.all())
        return self._themes

    def themes_block(self, params):
        by = params.get("by", "organization")
        if by not in self._theme_counts:
            self._theme_counts[by] = theme_counts(by)
        cells, totals, overall = self._theme_counts[by]
        themes = self.themes_in_order()
        parent = None
        if params.get("parent"):
            parent = next(t for t in themes if t.code == params["parent"])
        candidates = [
            t for t in themes if t.parent_id == (parent.pk if parent else None) and not t.retired
        ]
        candidates.sort(key=lambda t: (-totals.get(t.pk, (0, 0))[0], t.order, t.code))
        top = candidates[: int(params.get("top", 5))]
        for theme in top:
            theme.depth = 0
        table = theme_table(top, cells, totals, overall, by, self.organizations.values(), True)
        return {"table": table, "parent": parent}

    def quotes_block(self, params):
        theme = next(t for t in self.themes_in_order() if t.code == params["theme"])
        quotes = list(
            StarredQuote.objects.filter(theme=theme)
            .select_related("organization")
            .order_by("-created_at", "-pk")[: int(params.get("limit", 3))]
        )
        language = translation.get_language()
        shown = []
        for quote in quotes:
            translated = getattr(quote, build_localized_fieldname("translation", language), "")
            if quote.original_language == language or not translated:
                text, lang = quote.original, quote.original_language or None
                original = lang != language
            else:
                text, lang, original = translated, None, False
            shown.append(
                {
                    "quote": quote,
                    "text": text,
                    "lang": lang if original else None,
                    "language_name": language_name(lang) if original and lang else "",
                    "translated_from": language_name(quote.original_language)
                    if not original and quote.original_language
                    else "",
                }
            )
        return {"theme": theme, "quotes": shown}

    def figures_block(self, params):
        responses = Response.objects.included()
        if self.instrument is not None:
            responses = responses.filter(instrument=self.instrument)
        answered = responses.aggregate(n=Count("id"))
        sessions = ListeningSession.objects.filter(status=ListeningSession.Status.COMPLETE)
        held = sessions.aggregate(n=Count("id"), attendees=Sum("attendees"))
        organizations = set(
            responses.values_list("organization_id", flat=True).order_by().distinct()
        )
        organizations |= set(
            sessions.values_list("organization_id", flat=True).order_by().distinct()
        )
        areas = set(
            responses.exclude(area=None).values_list("area_id", flat=True).order_by().distinct()
        )
        areas |= set(
            sessions.exclude(area=None).values_list("area_id", flat=True).order_by().distinct()
        )
        languages = set(
            responses.exclude(language="").values_list("language", flat=True).order_by().distinct()
        )
        for spoken in sessions.values_list("languages", flat=True):
            languages |= set(spoken or [])
        people = answered["n"] + (held["attendees"] or 0)
        return {
            "figures": [
                ("responses", _("survey responses"), shown_count(answered["n"]), True),
                ("sessions", _("listening sessions held"), shown_count(held["n"]), True),
                ("people", _("people reached"), shown_count(people), True),
                ("organizations", _("community organizations"), len(organizations), False),
                ("areas", _("community areas"), len(areas), False),
                ("languages", _("languages"), len(languages), False),
            ]
        }


def crosstab_chart(table):
    """A cross-tab as 100%-stacked bars, one per row, from the counts the table shows (a
    hidden cell draws nothing). None when a respondent may be in several cells."""
    if table["too_few"] or table["multiple"]:
        return {}
    bars = []
    for row in table["body"]:
        total = row["total"]
        cells = [
            None
            if cell["hidden"] or total["hidden"] or not total["count"]
            else 100 * cell["count"] / total["count"]
            for cell in row["cells"]
        ]
        bars.append({"label": row["label"], "cells": cells})
    summary = _("%(rows)s by %(cols)s, percent of each row") % {
        "rows": table["row_title"],
        "cols": table["col_title"],
    }
    columns = [column["label"] for column in table["columns"]]
    return {"chart": charts.stacked_chart(bars, columns), "summary": summary}


def section_parts(body, blocks):
    """A section's body as a list of ("html", text) and ("block", data) in reading order."""
    chunks = paragraphs(body)
    parts = []
    placed = sorted(
        blocks, key=lambda b: (b["block"].after_paragraph, b["block"].order, b["block"].pk)
    )
    position = 0
    for index, chunk in enumerate(chunks + [None]):
        while position < len(placed) and (
            placed[position]["block"].after_paragraph <= index or chunk is None
        ):
            parts.append(("block", placed[position]))
            position += 1
        if chunk is not None:
            parts.append(("html", render_markdown(chunk)))
    return parts


def render_body(report, language, broken=None):
    """The report's body (sections, text and blocks) in one language, as HTML. The sections
    (numbered from 1) of blocks whose theme or question no longer exists go into `broken`."""
    with translation.override(language):
        renderer = Renderer(report)
        sections = []
        for number, section in enumerate(report.sections.prefetch_related("blocks"), start=1):
            blocks = [renderer.block(b) for b in section.blocks.all()]
            if broken is not None and any(b["kind"] == "missing" for b in blocks):
                broken.add(number)
            sections.append(
                {
                    "section": section,
                    "heading": localized(section, "heading", language),
                    "parts": section_parts(localized(section, "body", language), blocks),
                }
            )
        return render_to_string(
            "findings/reports/body.html",
            {"sections": sections, "threshold": threshold(), "language": language},
        )


def localized(obj, field, language):
    """A translated field's text in exactly that language (no fallback to English)."""
    return getattr(obj, build_localized_fieldname(field, language)) or ""


def title_in(report, language):
    return localized(report, "title", language)


# --- Publishing ----------------------------------------------------------------------------


class PublishRefused(Exception):
    def __init__(self, missing):
        super().__init__("; ".join(missing))
        self.missing = missing


def missing(report):
    """What stops the report from being published, as sentences to show the facilitator."""
    problems = []
    names = {code: language_name(code) for code in report.languages}
    for code in report.languages:
        if not title_in(report, code).strip():
            problems.append(_("The title in %(language)s is missing.") % {"language": names[code]})
    sections = list(report.sections.prefetch_related("blocks"))
    if not sections:
        problems.append(_("The report has no sections."))
    quote_themes = set()
    for number, section in enumerate(sections, start=1):
        for code in report.languages:
            for field, message in (
                ("heading", _("Section %(number)s: the heading in %(language)s is missing.")),
                ("body", _("Section %(number)s: the text in %(language)s is missing.")),
            ):
                if not localized(section, field, code).strip():
                    problems.append(message % {"number": number, "language": names[code]})
        for block in section.blocks.all():
            if block.kind == ReportBlock.Kind.QUOTES:
                quote_themes.add((block.params.get("theme"), int(block.params.get("limit", 3))))
            if block.kind == ReportBlock.Kind.RESULTS and report.instrument_id is None:
                problems.append(
                    _("Section %(number)s: choose the report's survey for its results.")
                    % {"number": number}
                )
    for code, limit in sorted(quote_themes, key=str):
        quotes = StarredQuote.objects.filter(theme__code=code).order_by("-created_at", "-pk")[
            :limit
        ]
        for quote in quotes:
            if not quote.reviewed:
                problems.append(
                    _("The quote “%(quote)s…” has not been checked for identifying details.")
                    % {"quote": quote.original[:40]}
                )
    return problems


def snapshot(report, broken=None):
    return {
        code: {"title": title_in(report, code), "body": render_body(report, code, broken)}
        for code in report.languages
    }


def publish(report, user, note):
    """Store the report as it reads now as its next version; PublishRefused lists what is
    missing."""
    problems = missing(report)
    if problems:
        raise PublishRefused(problems)
    broken = set()
    frozen = snapshot(report, broken)
    if broken:
        raise PublishRefused(
            [
                _(
                    "Section %(number)s: a block refers to a question or theme that no longer exists."
                )
                % {"number": number}
                for number in sorted(broken)
            ]
        )
    with transaction.atomic():
        Report.objects.select_for_update().filter(pk=report.pk).first()
        last = report.versions.aggregate(n=Max("number"))["n"] or 0
        try:
            return ReportVersion.objects.create(
                report=report, number=last + 1, note=note, snapshot=frozen, published_by=user
            )
        except IntegrityError:  # pragma: no cover - the row lock above serializes publishers
            raise PublishRefused([_("Someone published this report a moment ago.")]) from None


def offered(report):
    """The report's languages the site offers, in the site's order."""
    return [code for code in settings.OFFERED_LANGUAGES if code in report.languages]
