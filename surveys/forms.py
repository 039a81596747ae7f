import copy
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.html import format_html
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

from organizations.areas import community_areas
from organizations.models import Area, User

from .content import inline
from .models import Answer, CollectionLink, Instrument, ListeningSession, Question, Response


def areas_for(questions):
    """The community areas a form of these questions offers: all of them when one asks for an
    area, none otherwise (no query)."""
    if any(q.type == Question.Type.AREA for q in questions):
        return community_areas()
    return []


DEFAULT_SHORT_TEXT_LENGTH = 300
DEFAULT_LONG_TEXT_LENGTH = 5000
# Longer than any number a person types; megabytes of digits are refused before parsing.
NUMBER_MAX_LENGTH = 30
# Five digits: what the demo's hint asks for and what results group by; a ZIP+4 is refused
# with the same message, so a person types the five digits they know.
ZIP_RE = re.compile(r"^\d{5}$")


def normalize_input(value):
    """What phones really send: full-width digits and letters (NFKC), stray spaces."""
    return unicodedata.normalize("NFKC", value or "").strip()


class LenientDecimalField(forms.DecimalField):
    """A number as residents type it: full-width digits, spaces, a decimal comma."""

    max_length = NUMBER_MAX_LENGTH

    def to_python(self, value):
        value = normalize_input(str(value) if value is not None else "").replace(" ", "")
        if "," in value and "." not in value:
            value = value.replace(",", ".")
        if value in self.empty_values:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not number.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class DistinctMultipleChoiceField(forms.MultipleChoiceField):
    """Checkboxes: a value sent twice (a retrying proxy, a script) counts once, in order.

    Each chosen box is one Answer row under a unique constraint, so a repeat would pass
    validation and then break the final store."""

    def to_python(self, value):
        return list(dict.fromkeys(super().to_python(value)))


class ZipCodeField(forms.CharField):
    # Stray spaces are removed before the 5-digit check; allow room for them.
    input_limit = 20

    def to_python(self, value):
        return normalize_input(super().to_python(value)).replace(" ", "")

    def validate(self, value):
        super().validate(value)
        if value and not ZIP_RE.match(value):
            raise ValidationError(_("Enter a 5-digit ZIP code, for example 60608."), code="zip")


class TextField(forms.CharField):
    def to_python(self, value):
        # Browsers send line breaks in text areas as CRLF; store plain newlines.
        return normalize_input(super().to_python(value)).replace("\r\n", "\n")


class LengthLimitedForm(forms.Form):
    """Input longer than its field allows is an error on that field, and is then forgotten:
    never parsed, kept in a draft or shown again in the page (a number field once accepted
    megabytes of digits and echoed them back).

    Every field with a `max_length` (or an `input_limit`) is checked before it is cleaned;
    call `limit_lengths()` once the fields exist.
    """

    def limit_lengths(self):
        self.overlong = {}
        if not self.is_bound or not hasattr(self.data, "getlist"):
            return
        for name, field in self.fields.items():
            limit = getattr(field, "input_limit", None) or getattr(field, "max_length", None)
            # A line break arrives as CRLF and is stored as one character.
            lengths = [len(v) - v.count("\r\n") for v in self.data.getlist(name)]
            if limit and lengths and max(lengths) > limit:
                self.overlong[name] = (limit, max(lengths))
        self.forget(self.overlong)

    def forget(self, names):
        if names:
            self.data = self.data.copy()
            for name in names:
                self.data.setlist(name, [])

    def full_clean(self):
        super().full_clean()
        if not self.is_bound:
            return
        # Too long once normalized (NFKC can lengthen text): the same, after the fact.
        grown = [
            name
            for name, errors in self.errors.as_data().items()
            if name not in self.overlong and any(e.code == "max_length" for e in errors)
        ]
        self.overlong.update({name: None for name in grown})
        self.forget(grown)
        for name, sizes in self.overlong.items():
            if sizes is None:
                continue
            limit, length = sizes
            self._errors.pop(name, None)
            self.add_error(
                name,
                ValidationError(
                    MaxLengthValidator.message,
                    code="max_length",
                    params={"limit_value": limit, "show_value": length, "value": ""},
                ),
            )


def plain_number(value):
    """30 rather than 30.00 in messages such as "Ensure this value is at most 30"."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else value.normalize()


def field_name(question):
    return f"q-{question.code}"


def other_field_name(question):
    return f"q-{question.code}-other"


def hidden_questions(questions, answers):
    """Ids of the questions that skip logic hides, given the answers so far.

    `answers` maps field names to lists of submitted values (a QueryDict or a draft). Skip
    logic only refers to earlier sections, so one pass in order is enough; a matrix's rows
    are hidden with it, and a question whose condition is itself hidden is hidden too.
    """
    by_id = {q.pk: q for q in questions}
    hidden = set()
    for question in questions:
        if question.parent_id in hidden:
            hidden.add(question.pk)
            continue
        condition = question.show_if_question_id
        if not condition:
            continue
        source = by_id.get(condition)
        name = field_name(source) if source else None
        values = answers.getlist(name) if hasattr(answers, "getlist") else answers.get(name, [])
        given = set(values) if source else set()
        if source is None or condition in hidden or not given & set(question.show_if_choices):
            hidden.add(question.pk)
    return hidden


def fresh_copy(field):
    """A kept field for one form: what Field.__deepcopy__ copies (the widget and its attrs,
    the messages, the validators), with the choices shared (field's and widget's, without
    normalizing them again), since a form replaces a field's choices but never changes them
    in place."""
    result = copy.copy(field)
    result.widget = copy.copy(field.widget)
    result.widget.attrs = field.widget.attrs.copy()
    result.error_messages = field.error_messages.copy()
    result.validators = field.validators[:]
    # Its markup on a page with no answer yet is the same for every copy (see rendering.py).
    result.prototype = field
    return result


def as_answer_data(answers):
    """A draft's {name: [values]} as form data."""
    return MultiValueDict({name: list(values) for name, values in answers.items()})


class ResponseForm(LengthLimitedForm):
    """The one validator of a resident's answers.

    Built from questions (with their choices prefetched) minus the ones skip logic hides:
    one section's for a step, all of them for the final check. `answers()` turns the cleaned
    data into unsaved Answer rows for `store_response`.
    """

    def __init__(self, questions, data=None, *, areas=(), hidden=frozenset(), kiosk=False, **kw):
        super().__init__(data, **kw)
        self.matrices = {q.pk: q for q in questions if q.type == Question.Type.MATRIX}
        self.questions = [
            q for q in questions if q.type != Question.Type.MATRIX and q.pk not in hidden
        ]
        self.shown_matrices = [m for m in self.matrices.values() if m.pk not in hidden]
        self.areas = {str(area.pk): area for area in areas}
        self.kiosk = kiosk
        area_choices = [(str(area.pk), area.name) for area in areas]
        for question in self.questions:
            self.fields[field_name(question)] = self.field_of(question, area_choices)
            if any(c.is_other for c in self.choices_of(question)):
                self.fields[other_field_name(question)] = TextField(
                    label=_("Other, please specify"),
                    required=False,
                    max_length=DEFAULT_SHORT_TEXT_LENGTH,
                    widget=forms.TextInput(attrs=self.text_attrs()),
                )
        self.limit_lengths()

    def field_of(self, question, area_choices):
        """The question's field, made once per language (and kiosk or not) and copied for
        each form: the questions come from a per-process cache (Instrument.cached_questions),
        and making twenty fields with their choices was a third of a step page's time. The
        community-area list comes from the cache instead, so that field is made each time."""
        if question.type == Question.Type.AREA:
            return self.make_field(question, area_choices)
        kept = question.__dict__.setdefault("_fields", {})
        key = (type(self), get_language(), self.kiosk)
        if key not in kept:
            kept[key] = self.make_field(question, area_choices)
        return fresh_copy(kept[key])

    def text_attrs(self, **attrs):
        # On a shared tablet the browser must not offer the previous person's answers.
        if self.kiosk:
            attrs["autocomplete"] = "off"
        return attrs

    def choices_of(self, question):
        source = self.matrices.get(question.parent_id, question)
        if "_choice_list" not in source.__dict__:
            source.__dict__["_choice_list"] = list(source.choices.all())
        return source.__dict__["_choice_list"]

    def options_of(self, question):
        """(code, label) pairs in the active language. Questions come from a per-process
        cache, so the labels are kept on them per language instead of rebuilt per request."""
        source = self.matrices.get(question.parent_id, question)
        language = get_language()
        cache = source.__dict__.setdefault("_options_by_language", {})
        if language not in cache:
            cache[language] = [(c.code, inline(c, "label")) for c in source.choices.all()]
        return cache[language]

    def make_field(self, question, area_choices):
        common = {
            "label": inline(question, "text"),
            "required": question.required,
            "help_text": inline(question, "help_text") if question.help_text else "",
        }
        T = Question.Type
        if question.is_matrix_row or question.type in (T.SINGLE, T.LIKERT):
            return forms.ChoiceField(
                choices=self.options_of(question),
                widget=forms.RadioSelect,
                **common,
            )
        if question.type == T.MULTIPLE:
            return DistinctMultipleChoiceField(
                choices=self.options_of(question),
                widget=forms.CheckboxSelectMultiple,
                **common,
            )
        if question.type == T.AREA:
            return forms.ChoiceField(
                choices=[("", _("Choose a community area"))]
                + [
                    (Answer.Special.DONT_KNOW, _("I don't know")),
                    (Answer.Special.PREFER_NOT, _("Prefer not to say")),
                ]
                + area_choices,
                widget=forms.Select(
                    attrs={
                        "class": "area-select",
                        "data-filter-label": _("Type a few letters to shorten the list"),
                    }
                ),
                **common,
            )
        if question.type == T.NUMBER:
            return LenientDecimalField(
                min_value=plain_number(question.min_value),
                max_value=plain_number(question.max_value),
                max_digits=12,
                decimal_places=2,
                widget=forms.TextInput(
                    attrs=self.text_attrs(inputmode="decimal", size=8, maxlength=NUMBER_MAX_LENGTH)
                ),
                **common,
            )
        if question.type == T.ZIP:
            return ZipCodeField(
                max_length=10,
                widget=forms.TextInput(
                    attrs=self.text_attrs(inputmode="numeric", autocomplete="postal-code", size=10)
                ),
                **common,
            )
        if question.type == T.LONG_TEXT:
            return TextField(
                max_length=question.max_length or DEFAULT_LONG_TEXT_LENGTH,
                widget=forms.Textarea(attrs=self.text_attrs(rows=4)),
                **common,
            )
        return TextField(
            max_length=question.max_length or DEFAULT_SHORT_TEXT_LENGTH,
            widget=forms.TextInput(attrs=self.text_attrs()),
            **common,
        )

    def clean(self):
        cleaned = super().clean()
        for question in self.questions:
            other = other_field_name(question)
            if other not in self.fields:
                continue
            chosen = cleaned.get(field_name(question)) or []
            if isinstance(chosen, str):
                chosen = [chosen]
            other_codes = {c.code for c in self.choices_of(question) if c.is_other}
            if set(chosen) & other_codes and not cleaned.get(other):
                self.add_error(other, _("Please write your answer for “Other”."))
        return cleaned

    def is_tampered(self):
        """True for input no page of ours can send: unknown fields or choices, several values
        for one. Overlong input is an error on its field (see LengthLimitedForm)."""
        if not self.is_bound:
            return False
        known = set(self.fields)
        if any(name.startswith("q-") and name not in known for name in self.data):
            return True
        for name, field in self.fields.items():
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else []
            if not isinstance(field, forms.MultipleChoiceField) and len(values) > 1:
                return True
        self.is_valid()
        return any(
            error.code == "invalid_choice"
            for errors in self.errors.as_data().values()
            for error in errors
        )

    def answers(self):
        """Unsaved Answer rows for the cleaned data."""
        answers = []
        T = Question.Type
        for question in self.questions:
            value = self.cleaned_data.get(field_name(question))
            if value in (None, "", []):
                continue
            if question.is_matrix_row or question.type in (T.SINGLE, T.LIKERT, T.MULTIPLE):
                choices = {c.code: c for c in self.choices_of(question)}
                other_text = self.cleaned_data.get(other_field_name(question), "")
                for code in value if isinstance(value, list) else [value]:
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
            if question.type == Question.Type.AREA:
                value = self.cleaned_data.get(field_name(question))
                if value in self.areas:
                    return self.areas[value]
        return None

    def ineligible(self):
        """True when an eligibility question was answered with a choice that ends the survey."""
        for question in self.questions:
            if question.eligible_choices:
                value = self.cleaned_data.get(field_name(question))
                if value and value not in question.eligible_choices:
                    return True
        return False

    def display_items(self):
        """The shown questions in order, as bound fields; a matrix carries its rows."""
        rows = {}
        for question in self.questions:
            if question.parent_id:
                rows.setdefault(question.parent_id, []).append(self[field_name(question)])
        items = []
        for question in sorted(
            [*self.questions, *self.shown_matrices], key=lambda q: (q.order, q.pk)
        ):
            if question.parent_id:
                continue
            # Every key present: a key the template looks up in vain costs it three
            # exceptions, for each of some twenty questions.
            item = {"question": question, "rows": None, "field": None, "other": None}
            if question.type == Question.Type.MATRIX:
                item["rows"] = rows.get(question.pk, [])
            else:
                item["field"] = self[field_name(question)]
                if other_field_name(question) in self.fields:
                    item["other"] = self[other_field_name(question)]
            items.append(item)
        return items

    def error_links(self):
        """The error summary: a link to each field in error, in page order."""
        links = []
        for name, field in self.fields.items():
            if name not in self.errors:
                continue
            bound = self[name]
            anchor = bound.auto_id
            if isinstance(field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
                anchor = f"{bound.auto_id}_0"
            links.append({"anchor": anchor, "label": field.label, "errors": self.errors[name]})
        return links

    def draft_values(self):
        """This page's submitted values, raw, to keep in the draft (valid or not); overlong
        ones are left out, so the draft keeps what was there before."""
        self.is_valid()
        return {
            name: [v for v in self.data.getlist(name) if v != ""]
            for name in self.fields
            if hasattr(self.data, "getlist") and name not in self.overlong
        }


# --- Staff workspace -------------------------------------------------------------------

PAPER_MARKS = [
    (Answer.Special.NO_ANSWER, _("No answer")),
    (Answer.Special.UNREADABLE, _("Unreadable or several marks")),
]


def language_choices(marked=True):

    # Each name in its own language and script, marked as such for screen readers.
    return [
        (
            code,
            format_html('<span lang="{}">{}</span>', code, get_language_info(code)["name_local"])
            if marked
            else get_language_info(code)["name_local"],
        )
        for code in settings.CONTENT_LANGUAGES
    ]


class PaperResponseForm(ResponseForm):
    """Paper mode of the one validator: nothing is required, and every question also accepts
    "no answer" and "unreadable or several marks"."""

    def __init__(self, questions, data=None, **kwargs):
        super().__init__(questions, data, **kwargs)
        for question in self.questions:
            name = field_name(question)
            field = self.fields[name]
            field.required = False
            if isinstance(field, forms.MultipleChoiceField):
                self.fields[f"{name}-mark"] = forms.ChoiceField(
                    label=_("If no box can be read"),
                    choices=[("", "—"), *PAPER_MARKS],
                    required=False,
                )
            elif isinstance(field, forms.ChoiceField) and isinstance(
                field.widget, forms.RadioSelect
            ):
                field.choices = [*field.choices, *PAPER_MARKS]
            else:
                self.fields[f"{name}-mark"] = forms.ChoiceField(
                    label=_("If the answer cannot be used"),
                    choices=[("", "—"), *PAPER_MARKS],
                    required=False,
                )

    def answers(self):
        marks = {Answer.Special.NO_ANSWER, Answer.Special.UNREADABLE}
        answers = []
        for question in self.questions:
            name = field_name(question)
            value = self.cleaned_data.get(name)
            mark = self.cleaned_data.get(f"{name}-mark")
            if isinstance(value, str) and value in marks:
                answers.append(Answer(question=question, special=value))
                self.cleaned_data[name] = None
            elif mark and value in (None, "", []):
                answers.append(Answer(question=question, special=mark))
        return [*answers, *super().answers()]

    def clean(self):
        cleaned = super().clean()
        for question in self.questions:
            name = field_name(question)
            if cleaned.get(f"{name}-mark") and cleaned.get(name) not in (None, "", []):
                self.add_error(
                    f"{name}-mark",
                    _("Choose an answer or a mark, not both."),
                )
        if not self.errors and not self.has_an_answer():
            raise ValidationError(
                _(
                    "Nothing is answered on this questionnaire. A blank paper is not stored: "
                    "type its answers, or set it aside."
                ),
                code="blank",
            )
        return cleaned

    def has_an_answer(self):
        """At least one question carries a real answer (a "no answer" mark is none)."""
        marks = {Answer.Special.NO_ANSWER, Answer.Special.UNREADABLE}
        for question in self.questions:
            value = self.cleaned_data.get(field_name(question))
            if value in (None, "", []) or (isinstance(value, str) and value in marks):
                continue
            return True
        return False

    def ineligible_questions(self):
        """The eligibility questions whose answer says this person may not take part."""
        return [
            question
            for question in self.questions
            if question.eligible_choices
            and (value := self.cleaned_data.get(field_name(question)))
            and value not in question.eligible_choices
            and value not in {Answer.Special.NO_ANSWER, Answer.Special.UNREADABLE}
        ]

    def error_links(self):
        """A blank paper's error belongs to no field: it links to the first question."""
        links = super().error_links()
        if self.non_field_errors() and self.questions:
            first = self[field_name(self.questions[0])]
            anchor = first.auto_id
            if isinstance(first.field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
                anchor = f"{anchor}_0"
            links.insert(
                0, {"anchor": anchor, "label": first.label, "errors": self.non_field_errors()}
            )
        return links


def stored_answer_data(answers):
    """Stored answers as PaperResponseForm data ({field name: [values]}), to correct them."""
    data = {}
    for answer in answers:
        question = answer.question
        name = field_name(question)
        radio = question.is_matrix_row or question.type in (
            Question.Type.SINGLE,
            Question.Type.LIKERT,
        )
        if answer.special in {Answer.Special.NO_ANSWER, Answer.Special.UNREADABLE}:
            data[name if radio else f"{name}-mark"] = [answer.special]
        elif answer.choice_id:
            data.setdefault(name, []).append(answer.choice.code)
            if answer.text:
                data[other_field_name(question)] = [answer.text]
        elif answer.area_id:
            data[name] = [str(answer.area_id)]
        elif answer.special:
            data[name] = [answer.special]
        elif answer.number is not None:
            data[name] = [str(plain_number(answer.number))]
        else:
            data[name] = [answer.text]
    return data


def answers_as_text(answers):
    """{question code: the answer as one line}, for a correction's before and after. Codes,
    not wording, so the history reads the same in every language."""
    parts = {}
    for answer in sorted(answers, key=lambda a: (a.question.order, a.question.pk)):
        if answer.choice_id:
            part = answer.choice.code + (f": {answer.text}" if answer.text else "")
        elif answer.area_id:
            part = answer.area.name
        elif answer.special:
            part = answer.special
        elif answer.number is not None:
            part = str(plain_number(answer.number))
        else:
            part = answer.text
        parts.setdefault(answer.question.code, []).append(part)
    return {code: ", ".join(values) for code, values in parts.items()}


class PaperCorrectionForm(PaperResponseForm):
    """A paper entry's answers, shown as stored, corrected through the same validator."""

    def __init__(self, questions, data=None, *, stored=(), **kwargs):
        super().__init__(questions, data, **kwargs)
        for name, values in stored_answer_data(stored).items():
            if name in self.fields:
                multiple = isinstance(self.fields[name], forms.MultipleChoiceField)
                self.initial[name] = values if multiple else values[0]


class PaperDetailsForm(LengthLimitedForm):
    """The paper questionnaire itself: its language, batch and serial number."""

    paper_language = forms.ChoiceField(label=_("Language of the paper form"))
    paper_batch = forms.CharField(label=_("Batch"), max_length=100)
    paper_serial = forms.CharField(label=_("Serial number on the paper"), max_length=50)
    store_duplicate = forms.BooleanField(
        label=_("Store it anyway: this is a different questionnaire with the same number"),
        required=False,
    )

    def __init__(self, *args, languages=(), **kwargs):
        super().__init__(*args, **kwargs)

        self.fields["paper_language"].choices = [
            (code, get_language_info(code)["name_local"]) for code in languages
        ]
        self.limit_lengths()

    def clean_paper_serial(self):
        return normalize_input(self.cleaned_data["paper_serial"])


class CollectionLinkForm(forms.ModelForm):
    """A CBO's own link for an event or a site."""

    class Meta:
        model = CollectionLink
        fields = ["label", "kind", "instrument", "ends_on"]
        widgets = {
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "kind": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["label"].required = True
        self.fields["label"].help_text = _("For example: Pilsen library, 12 May.")
        self.fields["instrument"].label = _("Survey")
        self.fields["instrument"].queryset = Instrument.objects.open().filter(
            kind=Instrument.Kind.SURVEY
        )
        self.fields["instrument"].empty_label = None

    def clean_ends_on(self):
        ends_on = self.cleaned_data["ends_on"]
        if ends_on and ends_on < timezone.localdate():
            raise ValidationError(_("The last day cannot be in the past."), code="past")
        return ends_on


class LinkStatusForm(forms.Form):
    ACTIONS = {
        "pause": CollectionLink.Status.PAUSED,
        "reopen": CollectionLink.Status.ACTIVE,
        "close": CollectionLink.Status.CLOSED,
    }
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])

    def status(self):
        return self.ACTIONS[self.cleaned_data["action"]]


class ExcludeForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=[])
    note = forms.CharField(label=_("Note (optional)"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

        self.fields["reason"].choices = Response.ExclusionReason.choices


class TickBoxes(forms.CheckboxSelectMultiple):
    """Checkboxes whose label target (for the error summary's link) is the first box."""

    def id_for_label(self, id_, index="0"):
        return super().id_for_label(id_, index)


class BulkExcludeForm(ExcludeForm):
    """Exclude the responses ticked in the list, with one reason. Only responses the person
    may see can be chosen; those already excluded keep their exclusion."""

    MAX = 200

    responses = forms.ModelMultipleChoiceField(
        label=_("Responses"),
        queryset=None,
        widget=TickBoxes,
        error_messages={
            "required": _("Tick at least one response to exclude."),
            "invalid_choice": _("A ticked response is no longer in this list. Load it again."),
            "invalid_pk_value": _("A ticked response is no longer in this list. Load it again."),
        },
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responses"].queryset = queryset
        self.fields["reason"].choices = [("", "—"), *Response.ExclusionReason.choices]
        self.fields["reason"].error_messages["required"] = _("Choose a reason.")

    def clean_responses(self):
        chosen = self.cleaned_data["responses"]
        if len(chosen) > self.MAX:
            raise ValidationError(
                _("Exclude at most %(max)s responses at once."), params={"max": self.MAX}
            )
        return chosen


class ListeningSessionForm(forms.ModelForm):
    class Meta:
        model = ListeningSession
        fields = [
            "guide",
            "held_on",
            "starts_at",
            "ends_at",
            "place",
            "area",
            "languages",
            "attendees",
            "facilitators",
            "note_takers",
        ]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "ends_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "facilitators": forms.CheckboxSelectMultiple,
            "note_takers": forms.CheckboxSelectMultiple,
        }

    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=language_choices,
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)

        members = User.objects.filter(memberships__organization=organization, is_active=True)
        self.fields["facilitators"].queryset = members.order_by("full_name", "email")
        self.fields["note_takers"].queryset = members.order_by("full_name", "email")
        self.fields["guide"].queryset = Instrument.objects.filter(kind=Instrument.Kind.GUIDE)
        self.fields["area"].queryset = Area.objects.filter(kind=Area.Kind.COMMUNITY_AREA)
        self.fields["attendees"].widget.attrs["min"] = 0

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end time must be after the start time."))
        return cleaned


class PromptNoteForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary of what was said"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class QuoteForm(forms.Form):
    text = forms.CharField(
        label=_("Quote"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    descriptor = forms.CharField(
        label=_("Who said it (no names)"),
        required=False,
        max_length=100,
        help_text=_("For example: youth participant, long-time resident. Never a name."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("descriptor") and not cleaned.get("text"):
            self.add_error("text", _("Write the quote, or clear who said it."))
        return cleaned


QuoteFormSet = forms.formset_factory(QuoteForm, extra=2, max_num=200)


class QuerysetFilterForm(forms.Form):
    """A list's filters: each filled-in field narrows the queryset by its lookup."""

    lookups = {}

    def apply(self, queryset):
        if not self.is_valid():
            return queryset
        for name, lookup in self.lookups.items():
            value = self.cleaned_data.get(name)
            if value not in (None, ""):
                queryset = queryset.filter(**{lookup: value})
        return queryset


class SessionFilterForm(QuerysetFilterForm):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    area = forms.ModelChoiceField(label=_("Community area"), queryset=None, required=False)
    guide = forms.ModelChoiceField(label=_("Discussion guide"), queryset=None, required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[])
    q = forms.CharField(label=_("Search notes and quotes"), required=False, max_length=200)

    lookups = {
        "start": "held_on__gte",
        "end": "held_on__lte",
        "area": "area",
        "guide": "guide",
        "status": "status",
    }

    def apply(self, queryset):
        queryset = super().apply(queryset)
        words = self.cleaned_data.get("q") if self.is_valid() else ""
        if words:
            matching = queryset.model.objects.filter(
                Q(notes__summary__icontains=words)
                | Q(notes__note__icontains=words)
                | Q(quotes__text__icontains=words)
                | Q(place__icontains=words)
            ).values("pk")
            queryset = queryset.filter(pk__in=matching)
        return queryset

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

        self.fields["area"].queryset = Area.objects.filter(kind=Area.Kind.COMMUNITY_AREA)
        self.fields["guide"].queryset = Instrument.objects.filter(kind=Instrument.Kind.GUIDE)
        self.fields["status"].choices = [("", _("Any")), *ListeningSession.Status.choices]


class ResponseFilterForm(QuerysetFilterForm):
    instrument = forms.ModelChoiceField(label=_("Survey"), queryset=None, required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[])
    language = forms.ChoiceField(label=_("Language"), required=False, choices=[])
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[])
    area = forms.ModelChoiceField(label=_("Community area"), queryset=None, required=False)
    batch = forms.CharField(label=_("Paper batch"), required=False, max_length=100)
    q = forms.CharField(
        label=_("Search text answers and serial numbers"), required=False, max_length=200
    )

    lookups = {
        "instrument": "instrument",
        "channel": "channel",
        "language": "language",
        "status": "status",
        "start": "submitted_at__date__gte",
        "end": "submitted_at__date__lte",
        "area": "area",
        "batch": "paper_batch",
    }

    def apply(self, queryset):
        queryset = super().apply(queryset)
        words = normalize_input(self.cleaned_data.get("q") or "") if self.is_valid() else ""
        if words:
            # Text answers through their trigram index (answer_text_search); a serial
            # number is short and exact.
            matching = (
                Answer.objects.exclude(text="").filter(text__icontains=words).values("response_id")
            )
            queryset = queryset.filter(Q(pk__in=matching) | Q(paper_serial=words))
        return queryset

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

        self.fields["area"].queryset = Area.objects.filter(kind=Area.Kind.COMMUNITY_AREA)
        self.fields["instrument"].queryset = Instrument.objects.filter(kind=Instrument.Kind.SURVEY)
        self.fields["channel"].choices = [("", _("Any")), *Response.Channel.choices]
        # Options of a select hold text only.
        self.fields["language"].choices = [("", _("Any")), *language_choices(marked=False)]
        self.fields["status"].choices = [("", _("Any")), *Response.Status.choices]


class SecondEntryDetailsForm(LengthLimitedForm):
    """Which paper is typed a second time: the batch and serial number of its first entry."""

    paper_batch = forms.CharField(label=_("Batch"), max_length=100)
    paper_serial = forms.CharField(label=_("Serial number on the paper"), max_length=50)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_lengths()

    def clean_paper_serial(self):
        return normalize_input(self.cleaned_data["paper_serial"])


class SettleForm(forms.Form):
    """One decision per mismatch: keep the first typing or take the second."""

    CHOICES = [("first", _("Keep the first entry")), ("second", _("Take the second entry"))]

    def __init__(self, *args, mismatches=(), **kwargs):
        super().__init__(*args, **kwargs)
        for entry, code in mismatches:
            self.fields[f"decide-{entry.pk}-{code}"] = forms.ChoiceField(
                label=code, choices=self.CHOICES, widget=forms.RadioSelect, required=False
            )
