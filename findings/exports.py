"""Downloads as CSV in UTF-8 with a byte-order mark, so Excel shows Chinese correctly.

Every writer goes through `csv_writer`, which defuses text a spreadsheet would run as a
formula (OWASP's advice on CSV injection): answers, notes and names are typed by people.
"""

import csv
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from surveys.models import Answer, Question, SessionQuote

CHICAGO = ZoneInfo(settings.TIME_ZONE)


# A spreadsheet reads a cell starting with one of these as a formula (or strips the tab or
# carriage return and then does).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Number(str):
    """A cell written from a numeric field: `-3` is a number, never a formula to defuse."""


def spreadsheet_safe(value):
    """Text that would start a formula gets a leading apostrophe; numbers stay as they are."""
    if (
        isinstance(value, str)
        and not isinstance(value, Number)
        and value.startswith(FORMULA_STARTS)
    ):
        return "'" + value
    return value


class SafeWriter:
    def __init__(self, response):
        self.writer = csv.writer(response)

    def writerow(self, row):
        return self.writer.writerow([spreadsheet_safe(value) for value in row])


def csv_writer(response):
    """The one CSV writer of every download."""
    return SafeWriter(response)


def csv_response(filename):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    return response


def answer_columns(questions):
    """One column per question code (matrix rows included), plus one for each "other" text."""
    columns = []
    for question in questions:
        if question.type == Question.Type.MATRIX:
            continue
        columns.append(question.code)
        if any(c.is_other for c in question.choices.all()):
            columns.append(f"{question.code}_other")
    return columns


def responses_csv(instrument, queryset, language):
    """The responses of one instrument: metadata, then one column per question code, with
    choice labels in `language`."""
    questions = instrument.cached_questions()
    matrices = {q.pk: q for q in questions if q.type == Question.Type.MATRIX}
    by_id = {q.pk: q for q in questions}
    columns = answer_columns(questions)
    meta = [
        "response_id",
        "submitted_at",
        "organization",
        "channel",
        "language",
        "languages_used",
        "community_area",
        "status",
        "exclusion_reason",
        "paper_batch",
        "paper_serial",
    ]
    response = csv_response(f"{instrument.code}-responses-{language}.csv")
    writer = csv_writer(response)
    writer.writerow(meta + columns)
    queryset = (
        queryset.select_related("organization", "area")
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.select_related("area").order_by("choice__order", "pk"),
            )
        )
        .order_by("submitted_at")
    )
    with translation.override(language):
        labels = {}
        for question in questions:
            source = matrices.get(question.parent_id, question)
            for choice in source.choices.all():
                labels[choice.pk] = choice.label
        specials = dict(Answer.Special.choices)
        for row in queryset:
            values = {}
            for answer in row.answers.all():
                question = by_id.get(answer.question_id)
                if question is None:
                    continue
                if answer.choice_id:
                    label = labels.get(answer.choice_id, "")
                    values[question.code] = "; ".join(
                        filter(None, [values.get(question.code), label])
                    )
                    if answer.text:
                        values[f"{question.code}_other"] = answer.text
                elif answer.area_id:
                    values[question.code] = answer.area.name
                elif answer.special:
                    values[question.code] = str(specials[answer.special])
                elif answer.number is not None:
                    values[question.code] = Number(format(answer.number.normalize(), "f"))
                else:
                    values[question.code] = answer.text
            writer.writerow(
                [
                    row.pk,
                    row.submitted_at.astimezone(CHICAGO).isoformat(timespec="seconds"),
                    row.organization.name,
                    row.channel,
                    row.language,
                    " ".join(row.languages_used),
                    row.area.name if row.area else "",
                    row.status,
                    row.exclusion_reason,
                    row.paper_batch,
                    row.paper_serial,
                ]
                + [values.get(column, "") for column in columns]
            )
    return response


def codebook_csv(instrument):
    """Codes and wording in each offered language: one row per question and per choice."""
    questions = instrument.cached_questions()
    languages = instrument.offered_languages or [settings.LANGUAGE_CODE]
    response = csv_response(f"{instrument.code}-codebook.csv")
    writer = csv_writer(response)
    writer.writerow(
        ["question_code", "type", "section", "matrix", "choice_code", "value"]
        + [f"text_{code}" for code in languages]
    )
    for question in questions:
        writer.writerow(
            [
                question.code,
                question.type,
                question.section.number if question.section else "",
                question.parent.code if question.parent_id else "",
                "",
                "",
            ]
            + [
                getattr(question, build_localized_fieldname("text", code)) or ""
                for code in languages
            ]
        )
        for choice in question.choices.all():
            writer.writerow(
                [
                    question.code,
                    "",
                    "",
                    "",
                    choice.code,
                    "" if choice.value is None else choice.value,
                ]
                + [
                    getattr(choice, build_localized_fieldname("label", code)) or ""
                    for code in languages
                ]
            )
    return response


def sessions_csv(queryset):
    """One row per prompt of each session: its notes and its quotes."""
    sessions = (
        queryset.select_related("organization", "guide", "area")
        .prefetch_related(
            "notes",
            Prefetch("quotes", queryset=SessionQuote.objects.order_by("order", "pk")),
        )
        .order_by("held_on", "created_at")
    )
    response = csv_response(f"listening-sessions-{slugify(str(translation.get_language()))}.csv")
    writer = csv_writer(response)
    writer.writerow(
        [
            "session_id",
            "organization",
            "date",
            "start",
            "end",
            "place",
            "community_area",
            "languages",
            "attendees",
            "guide",
            "status",
            "prompt_code",
            "prompt",
            "summary",
            "note",
            "quotes",
        ]
    )
    prompts_by_guide = {}
    for session in sessions:
        if session.guide_id not in prompts_by_guide:
            prompts_by_guide[session.guide_id] = [
                q for q in session.guide.cached_questions() if q.type != Question.Type.MATRIX
            ]
        notes = {n.question_id: n for n in session.notes.all()}
        quotes = {}
        for quote in session.quotes.all():
            quotes.setdefault(quote.question_id, []).append(quote)
        for prompt in prompts_by_guide[session.guide_id]:
            note = notes.get(prompt.pk)
            writer.writerow(
                [
                    session.pk,
                    session.organization.name,
                    session.held_on.isoformat(),
                    session.starts_at.isoformat(timespec="minutes") if session.starts_at else "",
                    session.ends_at.isoformat(timespec="minutes") if session.ends_at else "",
                    session.place,
                    session.area.name if session.area else "",
                    " ".join(session.languages),
                    "" if session.attendees is None else session.attendees,
                    session.guide.code,
                    session.status,
                    prompt.code,
                    prompt.text,
                    note.summary if note else "",
                    note.note if note else "",
                    " | ".join(
                        q.text + (f" ({q.descriptor})" if q.descriptor else "")
                        for q in quotes.get(prompt.pk, [])
                    ),
                ]
            )
    return response


def crosstab_rows(response, table):
    """The cross-tab exactly as the page shows it: counts (and the chosen percentages),
    small counts hidden in the public mode."""
    writer = csv_writer(response)
    if table["too_few"]:
        writer.writerow([str(_("Too few responses to show."))])
        return
    pct = table["pct"]
    header = [table["row_title"]]
    for column in [*table["columns"], {"label": str(_("Total"))}]:
        header.append(column["label"])
        if pct:
            header.append(f"{column['label']} (%)")
    writer.writerow(header)

    def values(cells):
        out = []
        for cell in cells:
            out.append(cell["count_text"])
            if pct:
                out.append(cell["pct_text"])
        return out

    for row in table["body"]:
        writer.writerow([row["label"], *values([*row["cells"], row["total"]])])
    writer.writerow([str(_("Total")), *values([*table["footer"], table["total"]])])


def codings_csv(rows, themes, organizations, areas, coders):
    """One row per coding: the item, where it comes from and the theme (codes, not text)."""
    response = csv_response("codings.csv")
    writer = csv_writer(response)
    writer.writerow(
        [
            "item",
            "source",
            "organization",
            "community_area",
            "language",
            "theme",
            "start",
            "end",
            "coder",
            "round",
        ]
    )
    for (
        _pk,
        source,
        item,
        organization_id,
        area_id,
        language,
        theme_id,
        start,
        end,
        coder_id,
        second,
    ) in rows:
        writer.writerow(
            [
                f"{source}:{item}",
                source,
                organizations.get(organization_id, ""),
                areas.get(area_id, ""),
                language,
                themes.get(theme_id, ""),
                Number("" if start is None else start),
                Number("" if end is None else end),
                coders.get(coder_id, ""),
                "second" if second else "first",
            ]
        )
    return response
