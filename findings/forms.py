from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from organizations.areas import community_areas
from organizations.models import Organization
from surveys.models import Question, Response

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
