from django import template

from surveys import content

register = template.Library()


@register.filter
def tr(obj, field):
    """A translated text in the active language, marked lang="en" when it falls back."""
    return content.inline(obj, field)


@register.filter
def tr_block(obj, field):
    """Translated paragraphs, marked lang="en" when they fall back."""
    return content.block(obj, field)
