import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .content import inline
from .models import Answer, Question

DEFAULT_SHORT_TEXT_LENGTH = 300
DEFAULT_LONG_TEXT_LENGTH = 5000
ZIP_RE = re.compile(r"^\d{5}(-\d{4})?$")


def normalize_input(value):
    """What phones really send: full-width digits (NFKC), stray spaces."""
    return unicodedata.normalize("NFKC", value or "").strip()


class LenientDecimalField(forms.DecimalField):
    """A number as residents type it: full-width digits, spaces, a decimal comma."""

    def to_python(self, value):
        value = normalize_input(str(value) if value is not None else "")
        if "," in value and "." not in value:
            value = value.replace(",", ".")
        value = value.replace(" ", "")
        if value in self.empty_values:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise ValidationError(_("Enter a number, for example 3."), code="invalid") from None
        if not number.is_finite():
            raise ValidationError(_("Enter a number, for example 3."), code="invalid")
        return number


class ZipCodeField(forms.CharField):
    def to_python(self, value):
        return normalize_input(super().to_python(value)).replace(" ", "")

    def validate(self, value):
        super().validate(value)
        if value and not ZIP_RE.match(value):
            raise ValidationError(_("Enter a 5-digit ZIP code, for example 60608."), code="zip")


class TextField(forms.CharField):
    def to_python(self, value):
        return normalize_input(super().to_python(value)) if value else ""


def field_name(question):
    return f"q-{question.code}"


def other_field_name(question):
    return f"q-{question.code}-other"


class ResponseForm(forms.Form):
    """The one validator of a resident's answers to an instrument's questions.

    Built from the instrument's questions (with their choices prefetched); `answers()` turns
    the cleaned data into unsaved Answer rows for `store_response`.
    """

    def __init__(self, questions, *args, areas=(), ask_consent=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = [q for q in questions if q.type != Question.Type.MATRIX]
        self.matrices = {q.pk: q for q in questions if q.type == Question.Type.MATRIX}
        self.by_code = {q.code: q for q in questions}
        self.areas = {str(area.pk): area for area in areas}
        area_choices = [(str(area.pk), area.name) for area in areas]
        if ask_consent:
            self.fields["consent"] = forms.BooleanField(
                label=_("I have read this and I agree to take part."),
                error_messages={"required": _("Please agree to take part, or close this page.")},
            )
        for question in questions:
            if question.type == Question.Type.MATRIX:
                continue
            self.fields[field_name(question)] = self.make_field(question, area_choices)
            if any(c.is_other for c in self.choices_of(question)):
                self.fields[other_field_name(question)] = TextField(
                    label=_("Other, please specify"),
                    required=False,
                    max_length=DEFAULT_SHORT_TEXT_LENGTH,
                )
        self.hidden = self.hidden_questions()
        for question in self.hidden:
            self.fields[field_name(question)].required = False

    def choices_of(self, question):
        source = self.matrices.get(question.parent_id, question)
        return list(source.choices.all())

    def make_field(self, question, area_choices):
        common = {
            "label": inline(question, "text"),
            "required": question.required,
            "help_text": inline(question, "help_text") if question.help_text else "",
        }
        T = Question.Type
        if question.is_matrix_row or question.type in (T.SINGLE, T.LIKERT):
            return forms.ChoiceField(
                choices=[(c.code, inline(c, "label")) for c in self.choices_of(question)],
                widget=forms.RadioSelect,
                **common,
            )
        if question.type == T.MULTIPLE:
            return forms.MultipleChoiceField(
                choices=[(c.code, inline(c, "label")) for c in self.choices_of(question)],
                widget=forms.CheckboxSelectMultiple,
                **common,
            )
        if question.type == T.AREA:
            return forms.ChoiceField(
                choices=[("", _("Choose a community area"))]
                + area_choices
                + [
                    (Answer.Special.DONT_KNOW, _("I don't know")),
                    (Answer.Special.PREFER_NOT, _("Prefer not to say")),
                ],
                **common,
            )
        if question.type == T.NUMBER:
            return LenientDecimalField(
                min_value=question.min_value,
                max_value=question.max_value,
                max_digits=12,
                decimal_places=2,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
                **common,
            )
        if question.type == T.ZIP:
            return ZipCodeField(
                max_length=10,
                widget=forms.TextInput(
                    attrs={"inputmode": "numeric", "autocomplete": "postal-code", "size": 10}
                ),
                **common,
            )
        if question.type == T.LONG_TEXT:
            return TextField(
                max_length=question.max_length or DEFAULT_LONG_TEXT_LENGTH,
                widget=forms.Textarea(attrs={"rows": 4}),
                **common,
            )
        return TextField(max_length=question.max_length or DEFAULT_SHORT_TEXT_LENGTH, **common)

    def raw_codes(self, question):
        name = field_name(question)
        if not self.is_bound:
            return set()
        if question.type == Question.Type.MULTIPLE:
            return set(self.data.getlist(name)) if hasattr(self.data, "getlist") else set()
        return {self.data.get(name)}

    def hidden_questions(self):
        """Questions whose skip condition the submitted answers do not meet."""
        hidden = set()
        for question in self.questions:
            condition = question.show_if_question_id
            if not condition:
                continue
            source = next((q for q in self.questions if q.pk == condition), None)
            if (
                source is None
                or source in hidden
                or not (self.raw_codes(source) & set(question.show_if_choices))
            ):
                hidden.add(question)
        return hidden

    def clean(self):
        cleaned = super().clean()
        for question in self.hidden:
            cleaned.pop(field_name(question), None)
            self.errors.pop(field_name(question), None)
        for question in self.questions:
            other = other_field_name(question)
            if other not in self.fields or question in self.hidden:
                continue
            chosen = cleaned.get(field_name(question)) or []
            if isinstance(chosen, str):
                chosen = [chosen]
            other_codes = {c.code for c in self.choices_of(question) if c.is_other}
            if set(chosen) & other_codes and not cleaned.get(other):
                self.add_error(other, _("Please say what “other” means for you."))
        return cleaned

    def answers(self):
        """Unsaved Answer rows for the cleaned data; hidden questions have none."""
        answers = []
        for question in self.questions:
            if question in self.hidden:
                continue
            value = self.cleaned_data.get(field_name(question))
            if value in (None, "", []):
                continue
            choices = {c.code: c for c in self.choices_of(question)}
            T = Question.Type
            if question.is_matrix_row or question.type in (T.SINGLE, T.LIKERT, T.MULTIPLE):
                codes = value if isinstance(value, list) else [value]
                other_text = self.cleaned_data.get(other_field_name(question), "")
                for code in codes:
                    choice = choices[code]
                    answers.append(
                        Answer(
                            question=question,
                            choice=choice,
                            text=other_text if choice.is_other else "",
                        )
                    )
            elif question.type == T.AREA:
                if value in self.areas:
                    answers.append(Answer(question=question, area=self.areas[value]))
                else:
                    answers.append(Answer(question=question, special=value))
            elif question.type == T.NUMBER:
                answers.append(Answer(question=question, number=value))
            else:
                answers.append(Answer(question=question, text=value))
        return answers

    def area(self):
        """The community area the resident named, for the response itself."""
        for question in self.questions:
            if question.type == Question.Type.AREA and question not in self.hidden:
                value = self.cleaned_data.get(field_name(question))
                if value in self.areas:
                    return self.areas[value]
        return None

    def display_sections(self, sections):
        """Sections with their bound fields in order: matrices carry their rows."""
        by_section = {section.pk: [] for section in sections}
        rows = {}
        for question in self.questions:
            if question.parent_id:
                rows.setdefault(question.parent_id, []).append(self[field_name(question)])
        ordered = sorted([*self.questions, *self.matrices.values()], key=lambda q: (q.order, q.pk))
        for question in ordered:
            if question.parent_id or question.section_id not in by_section:
                continue
            item = {"question": question}
            if question.type == Question.Type.MATRIX:
                item["rows"] = rows.get(question.pk, [])
            else:
                item["field"] = self[field_name(question)]
                if other_field_name(question) in self.fields:
                    item["other"] = self[other_field_name(question)]
            by_section[question.section_id].append(item)
        return [{"section": s, "items": by_section[s.pk]} for s in sections]

    def error_links(self):
        """The error summary: a link to each field in error, in page order."""
        links = []
        for name, field in self.fields.items():
            if name not in self.errors:
                continue
            bound = self[name]
            widget = field.widget
            anchor = bound.auto_id
            if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
                anchor = f"{bound.auto_id}_0"
            links.append({"anchor": anchor, "label": field.label, "errors": self.errors[name]})
        return links
