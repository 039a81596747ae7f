"""Bootstrap 5 markup for the resident's question fields, built in Python.

The resident's step pages are the hot path: a community-area list alone is some eighty options,
which Django's widget templates render one template at a time. These few functions write the
same accessible markup directly: a fieldset and legend for every group, the help text and the
error message tied to their field with aria-describedby, required questions marked in words.
Staff and admin forms keep crispy-forms.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _


def _required(field):
    if not field.field.required:
        return ""
    return format_html(
        '<span class="asteriskField" aria-hidden="true">*</span>'
        '<span class="visually-hidden"> ({})</span>',
        _("required"),
    )


def _describers(field):
    """The help and error paragraphs, and the ids that point at them."""
    ids, html = [], []
    if field.help_text:
        ids.append(f"{field.auto_id}_help")
        html.append(
            format_html('<p class="form-text" id="{}_help">{}</p>', field.auto_id, field.help_text)
        )
    if field.errors:
        ids.append(f"{field.auto_id}_error")
        html.append(
            format_html(
                '<p class="invalid-feedback d-block" id="{}_error">{}</p>',
                field.auto_id,
                " ".join(str(e) for e in field.errors),
            )
        )
    return " ".join(ids), mark_safe("".join(html))


def _values(field):
    value = field.value()
    if value is None:
        return set()
    if isinstance(value, (list, tuple)):
        return {str(v) for v in value}
    return {str(value)}


def _choice_group(field, input_type, describedby, describers):
    chosen = _values(field)
    invalid = " is-invalid" if field.errors else ""
    name = conditional_escape(field.html_name)
    auto_id = conditional_escape(field.auto_id)
    # The same markup format_html_join would write, each part escaped once: a rating scale of
    # 20 questions is a hundred options, the bulk of a one-page survey's rendering.
    options = mark_safe(
        "".join(
            f'<div class="form-check"><input class="form-check-input{invalid}" '
            f'type="{input_type}" name="{name}" value="{conditional_escape(value)}" '
            f'id="{auto_id}_{index}"{" checked" if str(value) in chosen else ""}>'
            f'<label class="form-check-label" for="{auto_id}_{index}">'
            f"{conditional_escape(label)}</label></div>"
            for index, (value, label) in enumerate(field.field.choices)
        )
    )
    return format_html(
        '<fieldset class="mb-3 question" id="{}"{}><legend class="form-label">{}{}</legend>'
        "{}{}</fieldset>",
        f"{field.auto_id}_group",
        flatatt({"aria-describedby": describedby}) if describedby else "",
        field.label,
        _required(field),
        describers,
        options,
    )


def _select(field, attrs, describers, classes):
    chosen = _values(field)
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if str(value) in chosen else "", label)
            for value, label in field.field.choices
        ),
    )
    return format_html(
        '<div class="mb-3 question"><label class="form-label" for="{}">{}{}</label>{}'
        '<select name="{}" class="{}"{}>{}</select></div>',
        field.auto_id,
        field.label,
        _required(field),
        describers,
        field.html_name,
        " ".join(filter(None, ["form-select", classes, "is-invalid" if field.errors else ""])),
        flatatt(attrs),
        options,
    )


def _text(field, attrs, describers):
    widget = field.field.widget
    value = field.value()
    invalid = " is-invalid" if field.errors else ""
    if isinstance(widget, forms.Textarea):
        control = format_html(
            '<textarea name="{}" class="form-control{}"{}>\n{}</textarea>',
            field.html_name,
            invalid,
            flatatt(attrs),
            value or "",
        )
    else:
        control = format_html(
            '<input type="text" name="{}" class="form-control{}"{}{}>',
            field.html_name,
            invalid,
            flatatt(attrs),
            format_html(' value="{}"', value) if value not in (None, "") else "",
        )
    return format_html(
        '<div class="mb-3 question"><label class="form-label" for="{}">{}{}</label>{}{}</div>',
        field.auto_id,
        field.label,
        _required(field),
        describers,
        control,
    )


def render_field(field):
    """One question's markup, for a BoundField of the resident's ResponseForm.

    A field copied from one kept per language (ResponseForm.field_of) and shown with no
    answer and no error, as on a first visit, has the same markup every time: it is kept
    with that field (some twenty questions with their options are most of a page)."""
    prototype = getattr(field.field, "prototype", None)
    if prototype is None or not _unanswered(field):
        return _render_field(field)
    kept = prototype.__dict__.setdefault("_markup", {})
    key = (field.html_name, field.auto_id)
    if key not in kept:
        kept[key] = _render_field(field)
    return kept[key]


def _unanswered(field):
    form = field.form
    return not form.is_bound and field.name not in form.initial and field.field.initial is None


def _render_field(field):
    describedby, describers = _describers(field)
    widget = field.field.widget
    # CheckboxSelectMultiple is a subclass of RadioSelect: ask about it first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return _choice_group(field, "checkbox", describedby, describers)
    if isinstance(widget, forms.RadioSelect):
        return _choice_group(field, "radio", describedby, describers)
    attrs = {k: v for k, v in widget.attrs.items() if k != "class"}
    attrs["id"] = field.auto_id
    if getattr(field.field, "max_length", None) and not isinstance(widget, forms.Select):
        attrs["maxlength"] = field.field.max_length
    if describedby:
        attrs["aria-describedby"] = describedby
    if field.errors:
        attrs["aria-invalid"] = "true"
    if isinstance(widget, forms.Select):
        return _select(field, attrs, describers, widget.attrs.get("class", ""))
    return _text(field, attrs, describers)
