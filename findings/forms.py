import re

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from organizations.areas import community_areas
from organizations.models import Organization
from surveys.models import Question, Response

from .exports import BOTH, CODES, COLUMNS, JOINED
from .presentation import DIMENSIONS
from .results import Filters

STAFF, PUBLIC = "staff", "public"
VIEW_CHOICES = [
    (STAFF, _("Exact counts")),
    (PUBLIC, _("As the public would see it (small counts hidden)")),
]


class ResultsFilterForm(forms.Form):
    """The results page's filters, as a GET form: a filtered view is a URL to share.

    In the public mode ("as the public would see it") there are no dates: two free date
    ranges could be differenced to single out one response.
    """

    instrument = forms.ChoiceField(label=_("Survey"))
    org = forms.MultipleChoiceField(
        label=_("Organizations"), required=False, widget=forms.CheckboxSelectMultiple
    )
    area = forms.MultipleChoiceField(
        label=_("Community areas"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (or Cmd) to choose several."),
    )
    language = forms.MultipleChoiceField(
        label=_("Languages"), required=False, widget=forms.CheckboxSelectMultiple
    )
    channel = forms.MultipleChoiceField(
        label=_("Channels"),
        required=False,
        choices=Response.Channel.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    view = forms.ChoiceField(
        label=_("Show"), required=False, choices=VIEW_CHOICES, widget=forms.RadioSelect
    )

    def __init__(self, data, *, instruments, organizations, **kwargs):
        super().__init__(data, **kwargs)
        self.instruments = {i.code: i for i in instruments}
        self.organizations = {o.slug: o for o in organizations}
        self.fields["instrument"].choices = [
            (i.code, f"{i.title} ({_('wave')} {i.wave})") for i in instruments
        ]
        self.fields["org"].choices = [(o.slug, o.name) for o in organizations]
        self.fields["area"].choices = [(str(a.pk), a.name) for a in community_areas()]
        self.fields["language"].choices = [
            (code, get_language_info(code)["name_translated"])
            for code in settings.OFFERED_LANGUAGES
        ]
        if len(organizations) < 2:
            # A CBO sees its own organization only: nothing to choose.
            del self.fields["org"]

    @property
    def public(self):
        return self.is_valid() and self.cleaned_data.get("view") == PUBLIC

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("view") == PUBLIC:
            cleaned["date_from"] = cleaned["date_to"] = None
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        return cleaned

    def filters(self):
        data = self.cleaned_data
        return Filters(
            instrument=self.instruments[data["instrument"]],
            organizations=[self.organizations[slug].pk for slug in data.get("org", [])],
            areas=[int(pk) for pk in data.get("area", [])],
            languages=data.get("language", []),
            channels=data.get("channel", []),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


INCLUDED, ALL = "included", "all"


class DownloadForm(ResultsFilterForm):
    """The results page's filters, plus what a responses download holds and how.

    Every option has a default, so a link without parameters downloads something sensible;
    free text is left out unless asked for, since a file leaves the organization's hands.
    """

    scope = forms.ChoiceField(
        label=_("Responses"),
        required=False,
        choices=[
            (INCLUDED, _("Included responses only")),
            (ALL, _("All responses, with their status and exclusion reason")),
        ],
        widget=forms.RadioSelect,
    )
    labels = forms.ChoiceField(label=_("Answers as"), required=False)
    multiple = forms.ChoiceField(
        label=_("Multiple-choice questions"),
        required=False,
        choices=[
            (BOTH, _("Both: a 0/1 column per option and one column with the chosen options")),
            (COLUMNS, _("One 0/1 column per option (question__option)")),
            (JOINED, _("One column with the chosen options")),
        ],
        widget=forms.RadioSelect,
    )
    free_text = forms.BooleanField(
        label=_("Include free-text answers (and “other, please specify” texts)"),
        required=False,
        help_text=_(
            "Left out by default: residents sometimes write names, addresses or other "
            "details that identify them or someone else. Include free text only when the "
            "file stays with people who may read it."
        ),
    )

    themes = forms.BooleanField(
        label=_("Add a 0/1 column per theme of the coding (theme__code)"),
        required=False,
        help_text=_(
            "1 when a coder gave the theme to any of the response’s texts (first coding "
            "only); 0 otherwise."
        ),
    )

    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        del self.fields["view"]
        self.fields["labels"].choices = [
            (
                code,
                _("Labels in %(language)s") % {"language": get_language_info(code)["name_local"]},
            )
            for code in settings.OFFERED_LANGUAGES
        ] + [(CODES, _("Codes"))]

    def clean_scope(self):
        return self.cleaned_data["scope"] or INCLUDED

    def clean_labels(self):
        return self.cleaned_data["labels"] or translation.get_language()

    def clean_multiple(self):
        return self.cleaned_data["multiple"] or BOTH

    def filters(self):
        filters = super().filters()
        filters.include_excluded = self.cleaned_data["scope"] == ALL
        return filters

    def described(self):
        """The chosen filters and options as (label, text) pairs, for the file and the log."""
        data = self.cleaned_data
        pairs = []
        for name in ["instrument", "org", "area", "language", "channel", "date_from", "date_to"]:
            if name not in self.fields or not data.get(name):
                continue
            value = data[name]
            field = self.fields[name]
            if isinstance(value, list):
                choices = dict(field.choices)
                text = ", ".join(str(choices[v]) for v in value)
            elif hasattr(field, "choices"):
                text = str(dict(field.choices)[value])
            else:
                text = value.isoformat()
            pairs.append((str(field.label), text))
        for name in ["scope", "labels", "multiple"]:
            pairs.append(
                (str(self.fields[name].label), str(dict(self.fields[name].choices)[data[name]]))
            )
        pairs.append(
            (str(_("Free text")), str(_("Included") if data["free_text"] else _("Left out")))
        )
        pairs.append(
            (str(_("Theme columns")), str(_("Included") if data["themes"] else _("Left out")))
        )
        return pairs


CROSSTAB_TYPES = {Question.Type.SINGLE, Question.Type.MULTIPLE, Question.Type.LIKERT}


def crosstab_questions(questions):
    """Closed questions that can be a cross-tab dimension: choices, scales, matrix rows."""
    return [q for q in questions if q.type in CROSSTAB_TYPES or q.is_matrix_row]


class CrosstabForm(forms.Form):
    rows = forms.ChoiceField(label=_("Rows"))
    cols = forms.ChoiceField(label=_("Columns"))
    pct = forms.ChoiceField(
        label=_("Percentages"),
        required=False,
        choices=[
            ("", _("None")),
            ("row", _("Row percent")),
            ("col", _("Column percent")),
        ],
        widget=forms.RadioSelect,
    )

    def __init__(self, data, *, questions, **kwargs):
        super().__init__(data, **kwargs)
        options = [(key, label) for key, label in DIMENSIONS] + [
            (f"q:{q.code}", f"{q.code}: {q.text}") for q in crosstab_questions(questions)
        ]
        self.fields["rows"].choices = options
        self.fields["cols"].choices = options

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("rows") and cleaned.get("rows") == cleaned.get("cols"):
            self.add_error("cols", _("Choose two different things for rows and columns."))
        return cleaned


def visible_organizations(user):
    """The CBOs a user may filter by: every one for the facilitator, else their own."""
    return list(
        Organization.objects.visible_to(user)
        .filter(kind=Organization.Kind.CBO)
        .order_by("name")
        .only("pk", "slug", "name")
    )


class QueueFilterForm(forms.Form):
    """What the coding queue offers next: a GET form, so a filtered queue is a link."""

    source = forms.ChoiceField(label=_("Source"), required=False)
    instrument = forms.TypedChoiceField(label=_("Survey or guide"), required=False, coerce=int)
    organization = forms.TypedChoiceField(label=_("Organization"), required=False, coerce=int)
    language = forms.ChoiceField(label=_("Language"), required=False)
    search = forms.CharField(label=_("Text contains"), required=False, max_length=200)

    def __init__(self, data, *, instruments, organizations, **kwargs):
        from .models import Source

        super().__init__(data, **kwargs)
        everything = [("", _("All"))]
        self.fields["source"].choices = everything + list(Source.choices)
        self.fields["instrument"].choices = everything + [(i.pk, i.title) for i in instruments]
        self.fields["organization"].choices = everything + [(o.pk, o.name) for o in organizations]
        self.fields["language"].choices = everything + [
            (code, get_language_info(code)["name_translated"])
            for code in settings.OFFERED_LANGUAGES
        ]

    def filters(self):
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value not in ("", None)}


class CodingForm(forms.Form):
    """A coder's decision on one item: themes on the whole item, excerpts as
    "theme:start:end" values (from the page's text selection), or nothing to code."""

    source = forms.ChoiceField()
    item = forms.IntegerField(min_value=1)
    themes = forms.MultipleChoiceField(
        label=_("Themes"), required=False, widget=forms.CheckboxSelectMultiple
    )
    excerpt = forms.MultipleChoiceField(required=False)
    # Excerpt codings to remove (their ids): the coder unticks them on the page.
    remove = forms.TypedMultipleChoiceField(required=False, coerce=int)
    action = forms.ChoiceField(choices=[("save", "save"), ("nothing", "nothing"), ("skip", "skip")])

    def __init__(self, data=None, *, themes, **kwargs):
        from .models import Source

        super().__init__(data, **kwargs)
        self.themes = {str(t.pk): t for t in themes}
        self.fields["source"].choices = list(Source.choices)
        self.fields["themes"].choices = [(str(t.pk), t.name) for t in themes]

    def clean_excerpt(self):
        # Choices are open (offsets), so check the shape here; the text is checked on save.
        excerpts = []
        for value in self.data.getlist("excerpt") if hasattr(self.data, "getlist") else []:
            try:
                theme, start, end = value.split(":")
                start, end = int(start), int(end)
            except ValueError:
                raise forms.ValidationError(_("An excerpt could not be read.")) from None
            if theme not in self.themes or not 0 <= start < end:
                raise forms.ValidationError(_("An excerpt could not be read."))
            excerpts.append((self.themes[theme], start, end))
        return excerpts

    def _clean_fields(self):
        # `excerpt` values are not from a fixed list: validate them in clean_excerpt only.
        self.fields["excerpt"].choices = (
            [(v, v) for v in self.data.getlist("excerpt")] if hasattr(self.data, "getlist") else []
        )
        # Ids of this coder's excerpts on the item: apply_themes removes only those.
        self.fields["remove"].choices = [
            (v, v)
            for v in (self.data.getlist("remove") if hasattr(self.data, "getlist") else [])
            if v.isascii() and v.isdigit() and len(v) < 19
        ]
        super()._clean_fields()

    def chosen_themes(self):
        return [self.themes[pk] for pk in self.cleaned_data["themes"]]


class ThemeResultsForm(forms.Form):
    by = forms.ChoiceField(
        label=_("Count by"),
        required=False,
        choices=[
            ("organization", _("Organization")),
            ("area", _("Community area")),
            ("language", _("Language")),
            ("source", _("Source")),
        ],
    )
    view = forms.ChoiceField(
        label=_("Show"), required=False, choices=VIEW_CHOICES, widget=forms.RadioSelect
    )


class CodebookImportForm(forms.Form):
    file = forms.FileField(
        label=_("Codebook file (CSV or XLSX)"),
        help_text=_("The layout of the codebook download: one theme per row, codes as the key."),
    )

    def clean_file(self):
        from django.core.validators import validate_slug

        from .codebook import columns, read_records

        upload = self.cleaned_data["file"]
        if upload.size > 2_000_000:
            raise forms.ValidationError(_("The file is too large (at most 2 MB)."))
        records = read_records(upload)
        if records is None:
            raise forms.ValidationError(
                _("Save the file as CSV in UTF-8 or as an Excel workbook (.xlsx) and try again.")
            )
        fieldnames, reader = records
        if not fieldnames or not {"code", "parent"} <= set(fieldnames):
            raise forms.ValidationError(
                _("The first row must name the columns, with code and parent.")
            )
        known = set(columns())
        rows, problems, codes = [], [], set()
        for number, raw in enumerate(reader, start=2):
            row = {key: (value or "").strip() for key, value in raw.items() if key in known}
            try:
                validate_slug(row.get("code", ""))
            except forms.ValidationError:
                problems.append(
                    _("Row %(row)s: the code must be letters, digits, - or _.") % {"row": number}
                )
                continue
            parsed = {"code": row["code"], "parent": row.get("parent", "")}
            if "order" in row:
                parsed["order"] = int(row["order"]) if row["order"].isdigit() else 0
            if "colour" in row:
                if row["colour"] and not re.fullmatch(r"#[0-9a-fA-F]{6}", row["colour"]):
                    problems.append(
                        _("Row %(row)s: the colour must look like #1f77b4.") % {"row": number}
                    )
                    continue
                parsed["colour"] = row["colour"]
            if "retired" in row:
                parsed["retired"] = row["retired"].lower() in {"yes", "true", "1"}
            for key in known - {"code", "parent", "order", "colour", "retired"}:
                if key in row:
                    parsed[key] = row[key]
            rows.append(parsed)
            codes.add(row["code"])
        from .models import Theme

        stored = set(Theme.objects.values_list("code", flat=True))
        for number, row in enumerate(rows, start=2):
            if row["parent"] and row["parent"] not in codes | stored:
                problems.append(
                    _("Row %(row)s: no theme has the parent code %(code)s.")
                    % {"row": number, "code": row["parent"]}
                )
            if row["parent"] == row["code"]:
                problems.append(
                    _("Row %(row)s: a theme cannot be its own parent.") % {"row": number}
                )
        if problems:
            raise forms.ValidationError(problems)
        if not rows:
            raise forms.ValidationError(_("The file has no themes."))
        self.cleaned_data["rows"] = rows
        return upload


class StarredQuoteForm(forms.ModelForm):
    """Review of a starred quote: checked for identifying details, and translations into the
    languages other than the original's."""

    class Meta:
        from .models import StarredQuote

        model = StarredQuote
        fields = ["reviewed"]

    def __init__(self, *args, languages, **kwargs):
        from modeltranslation.utils import build_localized_fieldname

        super().__init__(*args, **kwargs)
        self.prefix = f"q{self.instance.pk}"
        self.languages = [c for c in languages if c != self.instance.original_language]
        for code in self.languages:
            name = build_localized_fieldname("translation", code)
            self.fields[name] = forms.CharField(
                label=_("Translation into %(language)s")
                % {"language": get_language_info(code)["name_translated"]},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2, "lang": code}),
                initial=getattr(self.instance, name),
            )

    def save(self, user):
        from django.utils import timezone
        from modeltranslation.utils import build_localized_fieldname

        quote = self.instance
        if self.cleaned_data["reviewed"] and not quote.reviewed_at:
            quote.reviewed_by, quote.reviewed_at = user, timezone.now()
        if not self.cleaned_data["reviewed"]:
            quote.reviewed_by = quote.reviewed_at = None
        quote.reviewed = self.cleaned_data["reviewed"]
        for code in self.languages:
            name = build_localized_fieldname("translation", code)
            setattr(quote, name, self.cleaned_data[name])
        quote.save()
        return quote
