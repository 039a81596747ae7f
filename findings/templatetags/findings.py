from django import template
from django.utils.formats import number_format

from findings.suppression import threshold

register = template.Library()


@register.filter
def count(value):
    """A count with the language's digit grouping; a hidden one (None) as "<11"."""
    if value is None:
        return f"<{threshold()}"
    return number_format(value, force_grouping=True)


@register.filter
def decimal(value, places=2):
    """A mean or median in the language's number format, without trailing zeros."""
    if value is None:
        return ""
    text = number_format(round(value, places), decimal_pos=places)
    return text
