"""Downloads: responses, the codebook, listening sessions and cross-tabs, as CSV (UTF-8 with a
byte-order mark, so Excel shows Chinese correctly), XLSX and SPSS `.sav`.

Text a person typed (answers, notes, quotes, labels, names, batch and serial numbers) could
start a spreadsheet formula (OWASP's "CSV injection"). In CSV every text cell goes through
`csv_writer`, which puts a leading apostrophe before such text; in XLSX such a cell is
written as an explicit text cell, never a formula (`xlsx_row`). Numbers are never touched.

Responses are read from a server-side cursor in chunks, with the answers of each chunk in
one query, so 100,000 responses stream in constant memory and the number of queries depends
only on the number of chunks, never on the number of questions.
"""

import csv
import io
import os
import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Prefetch, TextField
from django.db.models.functions import Cast
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from organizations.models import Area
from surveys.models import Answer, Question, SessionQuote

from .models import Coding

CHICAGO = ZoneInfo(settings.TIME_ZONE)


# A spreadsheet reads a cell starting with one of these as a formula (or strips the tab or
# carriage return and then does).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_FIRST = "".join(FORMULA_STARTS)


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
    def __init__(self, response, text_columns=None):
        self.writer = csv.writer(response)
        self.text_columns = text_columns

    def writerow(self, row):
        if self.text_columns is None:
            return self.writer.writerow([spreadsheet_safe(value) for value in row])
        for index in self.text_columns:
            value = row[index]
            if value and value[0] in FORMULA_FIRST:
                row[index] = "'" + value
        return self.writer.writerow(row)


def csv_writer(response, text_columns=None):
    """The one CSV writer of every download. `text_columns` (positions) narrows the check
    to the columns that can hold text, when the others are known to be numbers or codes."""
    return SafeWriter(response, text_columns)


def csv_response(filename):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    return response


def streaming_csv(filename, rows, on_finish=None, text_columns=None):
    """A CSV streamed as it is written, in pieces of about 64 KB; `on_finish(n)` is called
    with the number of data rows (after the header) once the last row is written."""

    def pieces():
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv_writer(buffer, text_columns)
        written = -1
        for row in rows:
            writer.writerow(row)
            written += 1
            if buffer.tell() > 65536:
                yield buffer.getvalue().encode()
                buffer.seek(0)
                buffer.truncate()
        if on_finish is not None:
            on_finish(max(written, 0))
        yield buffer.getvalue().encode()

    response = StreamingHttpResponse(pieces(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- XLSX ------------------------------------------------------------------------------

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_row(sheet, row):
    """Cells for openpyxl's write-only sheet. openpyxl would store text starting with `=` as
    a formula: such text (and any other formula start) becomes an explicit text cell.
    Characters XML cannot hold (control characters other than tab and newlines) are dropped.
    """
    cells = []
    for value in row:
        if isinstance(value, str):
            if ILLEGAL_CHARACTERS_RE.search(value):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            if value.startswith(FORMULA_STARTS):
                cell = WriteOnlyCell(sheet, value)
                cell.data_type = "s"
                value = cell
        cells.append(value)
    return cells


def new_workbook():
    # write_only: rows go to a temporary file as they come, so memory stays flat.
    return Workbook(write_only=True)


def fill_sheet(workbook, title, rows):
    """Append rows to a new sheet; returns how many rows after the header were written."""
    sheet = workbook.create_sheet(title[:31])
    count = -1
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
        count += 1
    return max(count, 0)


def workbook_response(workbook, filename):
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


def rows_xlsx(filename, title, rows):
    workbook = new_workbook()
    fill_sheet(workbook, title, rows)
    return workbook_response(workbook, filename)


# --- Responses -------------------------------------------------------------------------

CODES = "codes"  # the `labels` option: choice codes instead of labels
COLUMNS, JOINED, BOTH = "columns", "joined", "both"  # the multiple-choice option

# Kinds of column. TEXT is typed by a person; CODE never is (ids, channels, statuses).
CODE, TEXT, DATETIME, CHOICE, JOINED_CHOICES, FLAG, NUMBER = (
    "code",
    "text",
    "datetime",
    "choice",
    "joined",
    "flag",
    "number",
)

# (column, label, kind, Response field)
META = [
    ("response_id", gettext_lazy("Response id"), CODE, "id"),
    ("organization", gettext_lazy("Organization"), TEXT, "organization__name"),
    ("link", gettext_lazy("Collection link"), TEXT, "link__label"),
    ("channel", gettext_lazy("Channel"), CODE, "channel"),
    ("language", gettext_lazy("Language finished in"), CODE, "language"),
    ("languages_used", gettext_lazy("Languages used"), CODE, "languages_used"),
    ("community_area", gettext_lazy("Community area"), TEXT, "area__name"),
    ("submitted_at", gettext_lazy("Submitted at (Chicago time)"), DATETIME, "submitted_at"),
    ("status", gettext_lazy("Status"), CODE, "status"),
    ("exclusion_reason", gettext_lazy("Exclusion reason"), CODE, "exclusion_reason"),
    ("paper_batch", gettext_lazy("Paper batch"), TEXT, "paper_batch"),
    ("paper_serial", gettext_lazy("Paper serial number"), TEXT, "paper_serial"),
]

# SPSS values of the special answers, declared user-missing in the .sav: far from any
# choice position or rating value, so they never collide with a real answer.
SPECIAL_VALUES = {code: 991 + index for index, (code, _label) in enumerate(Answer.Special.choices)}
FREE_TEXT_TYPES = {Question.Type.SHORT_TEXT, Question.Type.LONG_TEXT}
# Responses per answers query: big enough that a chunk reads the answers table in few
# passes even when a response's answers lie far apart, small enough to keep memory flat.
CHUNK_SIZE = 2500


@dataclass
class Column:
    name: str
    label: str
    kind: str
    values: dict = field(default_factory=dict)  # SPSS value labels: value -> label


@dataclass
class Plan:
    """Where one question's answers go in a row."""

    kind: str
    column: int | None = None  # the single column (choice, text, number, area, joined)
    other: int | None = None  # the "other, please specify" text
    flags: dict = field(default_factory=dict)  # choice id -> column of its 0/1 flag
    values: dict = field(default_factory=dict)  # choice id -> cell value
    specials: dict = field(default_factory=dict)  # special answer -> value in `column`
    flag_specials: dict = field(default_factory=dict)  # special answer -> value in flags
    flag_list: list = field(default_factory=list)  # flag columns in choice order
    joined: list = field(default_factory=list)  # labels in choice order


def choices_of(question, by_id):
    source = by_id.get(question.parent_id, question)
    return list(source.choices.all())


def spss_values(choices):
    """The number each choice is stored as in SPSS: its rating value when every choice has
    one, else its position (1, 2, 3...)."""
    if choices and all(c.value is not None for c in choices):
        return {c.pk: c.value for c in choices}
    return {c.pk: index for index, c in enumerate(choices, start=1)}


def spss_name(name):
    """SPSS variable names: letters, digits and _.@#$, starting with a letter, 64 bytes."""
    name = re.sub(r"[^A-Za-z0-9_.@#$]", "_", name)
    if not name[:1].isalpha():
        name = "v" + name
    return name[:64]


def number_cell(number):
    if number is None:
        return None
    return int(number) if number == number.to_integral_value() else float(number)


ANSWERS_SQL = f"""
    SELECT r.n::int - 1, a.question_id, a.choice_id, a.text, a.number, a.area_id, a.special
    FROM unnest(%s::uuid[]) WITH ORDINALITY AS r(id, n)
    JOIN {Answer._meta.db_table} a ON a.response_id = r.id
"""


def answers_of(ids, alias=DEFAULT_DB_ALIAS):
    """The answers of responses `ids`, each with its response's position in `ids`."""
    with connections[alias].cursor() as cursor:
        cursor.execute(ANSWERS_SQL, [ids])
        return cursor.fetchall()


def with_answers(chunks):
    """(chunk, its answers) for each chunk of response rows (id first). Outside a
    transaction the next chunk's answers are read ahead on a second connection."""
    if connection.in_atomic_block:
        for chunk in chunks:
            yield chunk, answers_of([response[0] for response in chunk])
        return

    with ThreadPoolExecutor(max_workers=1) as pool:
        try:
            pending = None
            for chunk in chunks:
                future = pool.submit(answers_of, [response[0] for response in chunk])
                if pending is not None:
                    yield pending[0], pending[1].result()
                pending = (chunk, future)
            if pending is not None:
                yield pending[0], pending[1].result()
        finally:
            pool.submit(connections.close_all).result()  # the reading thread's connection


class ResponseTable:
    """The columns of a responses download and the rows of a queryset, for any format.

    `language` is a language code (labels in that language) or CODES. For SPSS
    (`spss=True`) choices are their numbers (`spss_values`), with the labels as value
    labels, and special answers are SPECIAL_VALUES. For CSV (`csv=True`) labels are
    defused once here, so the writer checks only the columns of typed text (`text_columns`).
    """

    def __init__(
        self,
        instrument,
        *,
        language,
        multiple=BOTH,
        free_text=False,
        spss=False,
        csv=False,
        themes=(),
    ):
        self.instrument = instrument
        self.themes = list(themes)
        self.language = language
        self.spss = spss
        self.label_language = settings.LANGUAGE_CODE if language == CODES else language
        questions = instrument.cached_questions()
        by_id = {q.pk: q for q in questions}
        self.plans = {}
        scratch = []
        with translation.override(self.label_language):
            self.columns = [Column(name, str(label), kind) for name, label, kind, _f in META]
            # A special answer in a text column is its label (or code); in a numeric SPSS
            # column it is its number.
            text_specials = {
                code: code if language == CODES else str(label)
                for code, label in Answer.Special.choices
            }
            number_specials = SPECIAL_VALUES if spss else text_specials
            special_labels = {
                SPECIAL_VALUES[code]: code if language == CODES else str(label)
                for code, label in Answer.Special.choices
            }
            for question in questions:
                if question.type == Question.Type.MATRIX:
                    continue
                text = question.text
                if question.parent_id:
                    text = f"{by_id[question.parent_id].text} – {text}"
                choices = choices_of(question, by_id)
                labels = {c.pk: c.code if language == CODES else c.label for c in choices}
                if csv:
                    labels = {pk: spreadsheet_safe(value) for pk, value in labels.items()}
                numbers = spss_values(choices)
                value_labels = {numbers[c.pk]: labels[c.pk] for c in choices} | special_labels
                plan = Plan(kind=question.type, specials=text_specials)
                if question.type == Question.Type.MULTIPLE:
                    # Flags are kept (in scratch cells past the last column when only the
                    # joined column is asked for): the joined column is made from them.
                    for choice in choices:
                        if multiple in (COLUMNS, BOTH):
                            column = self.add(
                                f"{question.code}__{choice.code}",
                                f"{text} – {labels[choice.pk]}",
                                FLAG,
                                {0: _("Not chosen"), 1: _("Chosen")} | special_labels,
                            )
                        else:
                            column = -1 - len(scratch)
                            scratch.append(column)
                        plan.flags[choice.pk] = column
                    if multiple in (JOINED, BOTH):
                        plan.column = self.add(question.code, text, JOINED_CHOICES)
                    plan.joined = [labels[c.pk] for c in choices]
                    if spss:
                        plan.flag_specials = number_specials
                elif choices:
                    plan.kind = CHOICE
                    plan.column = self.add(question.code, text, CHOICE, value_labels)
                    plan.values = numbers if spss else labels
                    plan.specials = number_specials
                elif question.type in FREE_TEXT_TYPES:
                    if not free_text:
                        continue
                    plan.column = self.add(question.code, text, TEXT)
                elif question.type == Question.Type.NUMBER:
                    plan.column = self.add(question.code, text, NUMBER, special_labels)
                    plan.specials = number_specials
                else:  # community area, ZIP code
                    plan.column = self.add(question.code, text, TEXT)
                others = [c for c in choices if c.is_other]
                if free_text and others and not question.parent_id:
                    plan.other = self.add(
                        f"{question.code}__other_text",
                        f"{text} – {labels[others[0].pk]}",
                        TEXT,
                    )
                self.plans[question.pk] = plan
            # Themes: 1 when the first coder gave the theme to any of the response's texts.
            theme_values = {0: _("Not coded"), 1: _("Coded")}
            self.theme_columns = {
                theme.pk: self.add(
                    f"theme__{theme.code}", f"{_('Theme')}: {theme.name}", FLAG, theme_values
                )
                for theme in self.themes
            }
        # Scratch cells go after the last column.
        self.scratch = len(scratch)
        width = len(self.columns)
        for plan in self.plans.values():
            plan.flags = {
                pk: width - 1 - column if column < 0 else column
                for pk, column in plan.flags.items()
            }
            plan.flag_list = list(plan.flags.values())
        # The fast path: (question, choice) -> (cell, value) of plain choice answers.
        self.fast = {}
        for question_id, plan in self.plans.items():
            if plan.kind == CHOICE:
                for choice_id, value in plan.values.items():
                    self.fast[(question_id, choice_id)] = (plan.column, value)
            for choice_id, column in plan.flags.items():
                self.fast[(question_id, choice_id)] = (column, 1)

    def add(self, name, label, kind, values=None):
        self.columns.append(Column(name, label, kind, values or {}))
        return len(self.columns) - 1

    @property
    def text_columns(self):
        """Positions of the columns people type into (names, answers, batch, serial)."""
        return [index for index, column in enumerate(self.columns) if column.kind == TEXT]

    def header(self):
        if not self.spss:
            return [c.name for c in self.columns]
        # SPSS needs unique names: a question coded like a metadata column
        # ("community_area") gets a suffix.
        names, seen = [], set()
        for column in self.columns:
            name = spss_name(column.name)
            base, number = name, 2
            while name in seen:
                name = f"{base[:60]}_{number}"
                number += 1
            seen.add(name)
            names.append(name)
        return names

    def rows(self, queryset, chunk_size=CHUNK_SIZE):
        """One list per response, oldest first: one query for the responses (a server-side
        cursor) and one for the answers of each chunk of `chunk_size` responses.

        Most answers are a plain choice: those take a fast path, one dictionary look-up
        that says which cell gets which value. Multiple-choice flags not chosen become 0
        (and the joined column is filled) once a response's answers are all in.

        Outside a transaction the answers of the next chunk are read on a second
        connection while this one's are placed, so PostgreSQL and Python work at the same
        time (inside one, as in tests, a second connection could not see its data).
        """
        fields = [f for _n, _l, _k, f in META]
        fields[fields.index("id")] = "id_text"
        fields[fields.index("link__label")] = "link__short_code"
        responses = (
            queryset.order_by("submitted_at", "id")
            .annotate(id_text=Cast("id", TextField()))
            .values_list(*fields, "link__label")
            .iterator(chunk_size=chunk_size)
        )
        width, meta = len(self.columns), len(META)
        full = width + self.scratch
        plans, fast, areas = self.plans, self.fast, self.area_names()
        multiples = [plan for plan in plans.values() if plan.kind == Question.Type.MULTIPLE]
        theme_columns = self.theme_columns
        coded = self.coded_themes() if theme_columns else {}
        chunks = iter(lambda: list(islice(responses, chunk_size)), [])
        for chunk, answers in with_answers(chunks):
            cells = []
            for response in chunk:
                row = [None] * full
                row[:meta] = self.meta(response)
                if theme_columns:
                    for column in theme_columns.values():
                        row[column] = 0
                    for theme_id in coded.get(row[0], ()):
                        row[theme_columns[theme_id]] = 1
                cells.append(row)
            for index, question_id, choice_id, text, number, area, special in answers:
                if not text and not special:
                    target = fast.get((question_id, choice_id))
                    if target is not None:
                        cells[index][target[0]] = target[1]
                        continue
                plan = plans.get(question_id)
                if plan is None:
                    continue
                row = cells[index]
                if special:
                    if plan.column is not None:
                        row[plan.column] = plan.specials[special]
                    if plan.flag_specials:
                        for column in plan.flags.values():
                            row[column] = plan.flag_specials[special]
                elif plan.kind == Question.Type.NUMBER:
                    row[plan.column] = number_cell(number)
                elif plan.kind == Question.Type.AREA:
                    row[plan.column] = areas.get(area)
                elif choice_id is not None:
                    if plan.kind == Question.Type.MULTIPLE:
                        row[plan.flags[choice_id]] = 1
                    else:
                        row[plan.column] = plan.values.get(choice_id)
                    if text and plan.other is not None:
                        row[plan.other] = text
                else:
                    row[plan.column] = text
            for row in cells:
                for plan in multiples:
                    flags = plan.flag_list
                    chosen = [index for index, column in enumerate(flags) if row[column] == 1]
                    if not chosen:
                        continue
                    for column in flags:
                        if row[column] is None:
                            row[column] = 0
                    if plan.column is not None:
                        row[plan.column] = "; ".join(plan.joined[index] for index in chosen)
                yield row[:width] if full > width else row

    def coded_themes(self):
        """{response id: theme ids} of the first coder's codings of the instrument's
        answers: one query, as big as the coding, never as the responses."""
        coding, answer = Coding._meta.db_table, Answer._meta.db_table
        question = Question._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT a.response_id::text, array_agg(DISTINCT c.theme_id)
                FROM {coding} c
                JOIN {answer} a ON a.id = c.answer_id
                JOIN {question} q ON q.id = a.question_id
                WHERE NOT c.second AND q.instrument_id = %s AND c.theme_id = ANY(%s)
                GROUP BY a.response_id
                """,
                [self.instrument.pk, list(self.theme_columns)],
            )
            return dict(cursor.fetchall())

    def area_names(self):
        """Community areas by id: few rows, read once."""
        return dict(Area.objects.values_list("pk", "name"))

    def meta(self, response):
        (id_, organization, short_code, channel, language, used, area, submitted) = response[:8]
        status, reason, batch, serial, link_label = response[8:]
        submitted = submitted.astimezone(CHICAGO)
        return [
            str(id_),
            organization,
            link_label or short_code or "",
            channel,
            language,
            " ".join(used),
            area or "",
            submitted.replace(tzinfo=None) if self.spss else submitted.isoformat("T", "seconds"),
            status,
            reason,
            batch,
            serial,
        ]


def responses_filename(instrument, language, extension):
    return f"{instrument.code}-responses-{language}.{extension}"


def responses_csv(table, queryset, on_finish=None):
    rows = table.rows(queryset)
    return streaming_csv(
        responses_filename(table.instrument, table.language, "csv"),
        _with_header(table.header(), rows),
        on_finish,
        # Flags, numbers, ids, codes and times never start a formula; labels were defused.
        table.text_columns,
    )


def _with_header(header, rows):
    yield header
    yield from rows


CONTENT_TYPES = {"xlsx": XLSX_TYPE, "sav": "application/x-spss-sav"}
SPSS_EPOCH = datetime(1582, 10, 14)


def counted(rows, progress, every=CHUNK_SIZE):
    """The rows, calling `progress(n)` after every `every` rows."""
    for count, row in enumerate(rows, start=1):
        if progress is not None and count % every == 0:
            progress(count)
        yield row


def responses_workbook(table, queryset, about, progress=None):
    """The data sheet, the codebook sheet and a sheet that says what the file is, and the
    number of data rows."""
    workbook = new_workbook()
    rows = counted(table.rows(queryset), progress)
    count = fill_sheet(workbook, _("Data"), _with_header(table.header(), rows))
    fill_sheet(workbook, _("Codebook"), codebook_rows(table.instrument, table.themes))
    fill_sheet(workbook, _("About this file"), [*about, [_("Rows"), count]])
    return workbook, count


def responses_xlsx(table, queryset, about, total=None):
    """The XLSX as a response, and the number of data rows."""
    workbook, count = responses_workbook(table, queryset, about)
    filename = responses_filename(table.instrument, table.language, "xlsx")
    return workbook_response(workbook, filename), count


def write_responses_sav(table, queryset, about, path, progress=None, total=None):
    """SPSS: variable labels and value labels in the table's language, special answers as
    user-missing values, written to `path`. Returns the number of rows.

    100,000 responses of 33 questions take about 150 MB beyond the process itself."""
    import numpy
    import pandas
    import pyreadstat

    names = table.header()
    kinds = [column.kind for column in table.columns]
    numbers = [i for i, kind in enumerate(kinds) if kind in (CHOICE, FLAG, NUMBER, DATETIME)]
    texts = [i for i, kind in enumerate(kinds) if kind not in (CHOICE, FLAG, NUMBER, DATETIME)]
    moment = kinds.index(DATETIME)
    # Numbers go straight into one column-major matrix of doubles (8 bytes a value, no
    # Python object each), which pandas takes as it is; the time is SPSS's own number
    # (seconds since 14 October 1582), so no column needs converting (and copying) later.
    capacity = max(queryset.count() if total is None else total, 1)
    matrix = numpy.full((capacity, len(numbers)), numpy.nan, order="F")
    text_data = [[] for _i in texts]
    # Text that repeats (organizations, channels, areas, statuses) is kept once per column.
    seen = [{} for _i in texts]
    count = 0
    for row in counted(table.rows(queryset), progress):
        if count == capacity:  # responses came in since the count
            grown = numpy.full((2 * capacity, len(numbers)), numpy.nan, order="F")
            grown[:capacity] = matrix
            matrix, capacity = grown, 2 * capacity
        row[moment] = (row[moment] - SPSS_EPOCH).total_seconds()
        matrix[count] = [numpy.nan if row[i] is None else row[i] for i in numbers]
        for values, known, i in zip(text_data, seen, texts, strict=True):
            value = "" if row[i] is None else row[i]
            values.append(known.setdefault(value, value))
        count += 1
    del seen
    frame = pandas.DataFrame(matrix[:count], columns=[names[i] for i in numbers], copy=False)
    for position, i in enumerate(texts):
        frame.insert(i, names[i], text_data[position])
        text_data[position] = None
    missing = {
        names[i]: [{"lo": min(SPECIAL_VALUES.values()), "hi": max(SPECIAL_VALUES.values())}]
        for i in numbers
        if i != moment
    }
    pyreadstat.write_sav(
        frame,
        str(path),
        file_label=table.instrument.code[:64],
        column_labels=[c.label[:255] for c in table.columns],
        variable_value_labels={
            name: column.values
            for name, column in zip(names, table.columns, strict=True)
            if column.values
        },
        missing_ranges=missing,
        variable_format={names[moment]: "DATETIME20"},
        note=document_lines(f"{label}: {value}" for label, value in about),
    )
    return count


def responses_sav(table, queryset, about, total=None):
    """The .sav as a response, and the number of rows (`total`: about how many)."""
    handle = tempfile.NamedTemporaryFile(suffix=".sav", delete=False)
    handle.close()
    try:
        count = write_responses_sav(table, queryset, about, handle.name, total=total)
        stored = open(handle.name, "rb")  # noqa: SIM115 (FileResponse closes it)
    finally:
        os.unlink(handle.name)
    filename = responses_filename(table.instrument, table.language, "sav")
    response = FileResponse(
        stored, as_attachment=True, filename=filename, content_type=CONTENT_TYPES["sav"]
    )
    return response, count


def document_lines(lines, limit=80):
    """An SPSS document holds lines of at most 80 bytes: longer ones are split."""
    out = []
    for line in lines:
        current = ""
        for character in line:
            if len((current + character).encode()) > limit:
                out.append(current)
                current = ""
            current += character
        out.append(current)
    return out


# --- Codebook --------------------------------------------------------------------------


def codebook_rows(instrument, themes=()):
    """Every variable of the downloads: its code, type and wording in each offered language,
    and every choice with its code, rating value, SPSS value and label in each language;
    then the theme columns, when the file has them."""
    questions = instrument.cached_questions()
    by_id = {q.pk: q for q in questions}
    languages = instrument.offered_languages or [settings.LANGUAGE_CODE]
    yield [
        "variable",
        "question_code",
        "type",
        "section",
        "matrix",
        "choice_code",
        "value",
        "spss_value",
    ] + [f"text_{code}" for code in languages]

    def wording(*parts):
        """Each part in each language: (object, field) pairs and (lazy) strings, joined."""
        texts = []
        for code in languages:
            with translation.override(code):
                texts.append(
                    " – ".join(
                        str(getattr(*part) if isinstance(part, tuple) else part) for part in parts
                    )
                )
        return texts

    for column, label, _kind, _field in META:
        yield [column, "", "metadata", "", "", "", "", ""] + wording(label)
    for question in questions:
        matrix = by_id.get(question.parent_id)
        variable = "" if question.type == Question.Type.MATRIX else question.code
        if question.type in FREE_TEXT_TYPES:
            kind = "free_text"
        else:
            kind = question.type
        yield [
            variable,
            question.code,
            kind,
            question.section.number if question.section else "",
            matrix.code if matrix else "",
            "",
            "",
            "",
        ] + wording((question, "text"))
        if matrix is not None:
            continue
        choices = list(question.choices.all())
        numbers = spss_values(choices)
        for choice in choices:
            if question.type == Question.Type.MULTIPLE:
                name = f"{question.code}__{choice.code}"
            elif question.type == Question.Type.MATRIX:
                name = ""
            else:
                name = question.code
            yield [
                name,
                question.code,
                "",
                "",
                "",
                choice.code,
                "" if choice.value is None else choice.value,
                numbers[choice.pk],
            ] + wording((choice, "label"))
        for choice in choices:
            if choice.is_other:
                yield [
                    f"{question.code}__other_text",
                    question.code,
                    "free_text",
                    "",
                    "",
                    choice.code,
                    "",
                    "",
                ] + wording((question, "text"), (choice, "label"))
    for code, label in Answer.Special.choices:
        yield ["", "", "special", "", "", code, "", SPECIAL_VALUES[code]] + wording(label)
    for theme in themes:
        yield [f"theme__{theme.code}", "", "theme", "", "", "", "0/1", ""] + wording(
            (theme, "name")
        )


def codebook_csv(instrument):
    response = csv_response(f"{instrument.code}-codebook.csv")
    writer = csv_writer(response)
    for row in codebook_rows(instrument):
        writer.writerow(row)
    return response


def codebook_xlsx(instrument):
    return rows_xlsx(f"{instrument.code}-codebook.xlsx", _("Codebook"), codebook_rows(instrument))


# --- Listening sessions ----------------------------------------------------------------
def session_rows(queryset):
    """One row per prompt of each session: its notes and its quotes."""
    sessions = (
        queryset.select_related("organization", "guide", "area")
        .prefetch_related(
            "notes",
            Prefetch("quotes", queryset=SessionQuote.objects.order_by("order", "pk")),
        )
        .order_by("held_on", "created_at")
    )
    yield (
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
            yield (
                [
                    str(session.pk),
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


def sessions_filename(extension):
    return f"listening-sessions-{slugify(str(translation.get_language()))}.{extension}"


def sessions_csv(queryset):
    response = csv_response(sessions_filename("csv"))
    writer = csv_writer(response)
    for row in session_rows(queryset):
        writer.writerow(row)
    return response


def sessions_xlsx(queryset):
    return rows_xlsx(sessions_filename("xlsx"), _("Listening sessions"), session_rows(queryset))


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


def coding_table(rows, themes, organizations, areas, coders):
    """The header, then one row per coding: the item, where it comes from and the theme
    (codes, not text)."""
    yield [
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
        yield [
            f"{source}:{item}",
            source,
            organizations.get(organization_id, ""),
            areas.get(area_id, ""),
            language,
            themes.get(theme_id, ""),
            start,
            end,
            coders.get(coder_id, ""),
            "second" if second else "first",
        ]


def codings_csv(*args):
    response = csv_response("codings.csv")
    writer = csv_writer(response)
    for row in coding_table(*args):
        writer.writerow(row)
    return response


def codings_xlsx(*args):
    return rows_xlsx("codings.xlsx", _("Codings"), coding_table(*args))
