"""Forms of the report editor (findings.report_views)."""

from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from organizations.areas import community_areas
from organizations.models import Organization
from surveys.models import Instrument, Response

from .models import Report, ReportBlock, ReportSection, Theme
from .presentation import DIMENSIONS


def language_label(code):
    return get_language_info(code)["name_translated"]


class NewReportForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = ["kind", "title_en", "instrument"]
        labels = {"title_en": _("Title (English)")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title_en"].required = True
        self.fields["instrument"].queryset = Instrument.objects.filter(kind=Instrument.Kind.SURVEY)


class ReportSettingsForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(label=_("Languages"), widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Report
        fields = ["kind", "instrument", "audience", "noindex", "slug", "languages"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].queryset = Instrument.objects.filter(kind=Instrument.Kind.SURVEY)
        self.fields["languages"].choices = [
            (code, language_label(code)) for code in settings.OFFERED_LANGUAGES
        ]
        # A title per offered language, side by side with the other settings.
        for code in settings.OFFERED_LANGUAGES:
            name = build_localized_fieldname("title", code)
            self.fields[name] = forms.CharField(
                label=_("Title (%(language)s)") % {"language": language_label(code)},
                max_length=200,
                required=False,
                initial=getattr(self.instance, name, ""),
            )
            self.fields[name].widget.attrs["lang"] = code

    def save(self, commit=True):
        report = super().save(commit=False)
        for code in settings.OFFERED_LANGUAGES:
            name = build_localized_fieldname("title", code)
            setattr(report, name, self.cleaned_data[name])
        if commit:
            report.save()
        return report


class SectionForm(forms.ModelForm):
    """A section's text in two languages at once, for writing and translating side by side."""

    class Meta:
        model = ReportSection
        fields = ["order"]

    def __init__(self, *args, languages, **kwargs):
        super().__init__(*args, **kwargs)
        self.languages = languages
        self.pairs = []
        for code in languages:
            pair = []
            for field, label, widget in (
                ("heading", _("Heading"), forms.TextInput),
                ("body", _("Text (Markdown)"), forms.Textarea),
            ):
                name = build_localized_fieldname(field, code)
                self.fields[name] = forms.CharField(
                    label=f"{label} ({language_label(code)})",
                    required=False,
                    max_length=300 if field == "heading" else None,
                    initial=getattr(self.instance, name, ""),
                    widget=widget(attrs={"lang": code, "rows": 12}),
                )
                pair.append(name)
            self.pairs.append((code, pair))

    def columns(self):
        """Per language: its code, name, fields and whether it is outdated."""
        return [
            {
                "code": code,
                "name": language_label(code),
                "fields": [self[name] for name in names],
                "outdated": self.instance.pk and self.instance.outdated(code),
            }
            for code, names in self.pairs
        ]

    def save(self, commit=True):
        section = super().save(commit=False)
        changed = []
        for code, names in self.pairs:
            for name in names:
                if (getattr(section, name) or "") != self.cleaned_data[name]:
                    setattr(section, name, self.cleaned_data[name])
                    if code not in changed:
                        changed.append(code)
        section.mark_edited(changed)
        if commit:
            section.save()
        return section


PCT_CHOICES = [("", _("Counts")), ("row", _("Row percent")), ("col", _("Column percent"))]
BY_CHOICES = [
    ("organization", _("Organization")),
    ("area", _("Community area")),
    ("language", _("Language")),
    ("source", _("Source")),
]


class BlockForm(forms.Form):
    """A new block: its kind and, depending on the kind, what it shows."""

    kind = forms.ChoiceField(label=_("Kind of block"), choices=ReportBlock.Kind.choices)
    after_paragraph = forms.IntegerField(
        label=_("After paragraph"),
        min_value=0,
        initial=0,
        help_text=_("0 puts the block before the text; 1 after the first paragraph, and so on."),
    )
    question = forms.ChoiceField(label=_("Question (results)"), required=False)
    rows = forms.ChoiceField(label=_("Or a cross-tab: rows"), required=False)
    cols = forms.ChoiceField(label=_("Cross-tab columns"), required=False)
    pct = forms.ChoiceField(label=_("Cross-tab figures"), choices=PCT_CHOICES, required=False)
    org = forms.MultipleChoiceField(
        label=_("Only these organizations (results)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Only these languages (results)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    channels = forms.MultipleChoiceField(
        label=_("Only these channels (results)"),
        required=False,
        choices=Response.Channel.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    areas = forms.MultipleChoiceField(
        label=_("Only these community areas (results)"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    date_from = forms.DateField(
        label=_("Answered from (results)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=_("Answered until (results)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    theme = forms.ChoiceField(label=_("Theme (themes: its sub-themes; quotes)"), required=False)
    by = forms.ChoiceField(label=_("Themes counted by"), choices=BY_CHOICES, required=False)
    top = forms.IntegerField(label=_("How many"), min_value=1, max_value=20, initial=5)

    def __init__(self, *args, instrument, **kwargs):
        super().__init__(*args, **kwargs)
        questions = instrument.cached_questions() if instrument else []
        self.fields["question"].choices = [("", "—")] + [
            (q.code, f"{q.code}: {q.text}") for q in questions if not q.parent_id
        ]
        dimensions = (
            [("", "—")]
            + [(key, label) for key, label in DIMENSIONS]
            + [
                (f"q:{q.code}", f"{q.code}: {q.text}")
                for q in questions
                if q.type in ("single", "multiple", "likert") or q.parent_id
            ]
        )
        self.fields["rows"].choices = dimensions
        self.fields["cols"].choices = dimensions
        self.fields["org"].choices = [
            (o.slug, o.name) for o in Organization.objects.filter(kind=Organization.Kind.CBO)
        ]
        self.fields["languages"].choices = [
            (code, get_language_info(code)["name_local"]) for code in settings.OFFERED_LANGUAGES
        ]
        self.fields["areas"].choices = [(str(a.pk), a.name) for a in community_areas()]
        self.fields["theme"].choices = [("", _("All themes (top level)"))] + [
            (t.code, t.name) for t in Theme.objects.active()
        ]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == ReportBlock.Kind.RESULTS:
            if cleaned.get("question"):
                params = {"question": cleaned["question"]}
            elif cleaned.get("rows") and cleaned.get("cols"):
                if cleaned["rows"] == cleaned["cols"]:
                    self.add_error("cols", _("Choose two different things for rows and columns."))
                params = {"rows": cleaned["rows"], "cols": cleaned["cols"], "pct": cleaned["pct"]}
            else:
                self.add_error("question", _("Choose a question, or rows and columns."))
                params = {}
            if cleaned.get("org"):
                params["org"] = cleaned["org"]
            for name in ("languages", "channels"):
                if cleaned.get(name):
                    params[name] = cleaned[name]
            if cleaned.get("areas"):
                params["areas"] = [int(pk) for pk in cleaned["areas"]]
            start, end = cleaned.get("date_from"), cleaned.get("date_to")
            if start and end and end < start:
                self.add_error("date_to", _("The end date must be on or after the start date."))
            if start:
                params["date_from"] = start.isoformat()
            if end:
                params["date_to"] = end.isoformat()
        elif kind == ReportBlock.Kind.THEMES:
            params = {
                "parent": cleaned.get("theme") or "",
                "by": cleaned.get("by") or "organization",
                "top": cleaned.get("top") or 5,
            }
        elif kind == ReportBlock.Kind.QUOTES:
            if not cleaned.get("theme"):
                self.add_error("theme", _("Choose the theme whose quotes to show."))
            params = {"theme": cleaned.get("theme"), "limit": cleaned.get("top") or 3}
        else:
            params = {}
        cleaned["params"] = params
        return cleaned


class PublishForm(forms.Form):
    note = forms.CharField(
        label=_("What changed in this version"),
        max_length=300,
        help_text=_("A short note readers see with the version, e.g. “First edition”."),
    )
