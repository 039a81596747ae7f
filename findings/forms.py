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
        label=_("Show"),
        required=False,
        choices=[
            (STAFF, _("Exact counts")),
            (PUBLIC, _("As the public would see it (small counts hidden)")),
        ],
        widget=forms.RadioSelect,
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
