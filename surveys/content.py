"""Translated content in the active language, with English fallbacks marked as English."""

from django.utils.html import format_html, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_bidi
from modeltranslation.utils import build_localized_fieldname


def content_language(obj, field):
    """The language the value of `obj.field` will be shown in: the active one, or English."""
    language = get_language() or "en"
    if getattr(obj, build_localized_fieldname(field, language), None):
        return language
    return "en"


def fallback_attributes():
    """lang="en", and on a right-to-left page also dir="ltr", so English keeps its order."""
    return ' lang="en" dir="ltr"' if get_language_bidi() else ' lang="en"'


def inline(obj, field):
    """Escaped text; wrapped in <span lang="en"> when it falls back to English."""
    value = getattr(obj, field) or ""
    if content_language(obj, field) != (get_language() or "en") and value:
        return format_html("<span{}>{}</span>", mark_safe(fallback_attributes()), value)
    return format_html("{}", value)


def block(obj, field):
    """Paragraphs of text; in a <div lang="en"> when it falls back to English."""
    value = getattr(obj, field) or ""
    if not value:
        return ""
    html = linebreaks(value, autoescape=True)
    if content_language(obj, field) != (get_language() or "en"):
        return mark_safe(f"<div{fallback_attributes()}>{html}</div>")
    return mark_safe(html)
