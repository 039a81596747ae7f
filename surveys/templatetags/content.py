from django import template

from surveys import content
from surveys.rendering import render_field

register = template.Library()


@register.filter
def tr(obj, field):
    """A translated text in the active language, marked lang="en" when it falls back."""
    return content.inline(obj, field)


@register.filter
def tr_block(obj, field):
    """Translated paragraphs, marked lang="en" when they fall back."""
    return content.block(obj, field)


@register.simple_tag
def flow_url(flow, name, **kwargs):
    """A URL of the resident flow (link or preview), in the active language."""
    return flow.url(name, **kwargs)


@register.filter
def question_field(bound_field):
    """A resident's question field (see surveys.rendering)."""
    return render_field(bound_field)
