"""Results of one instrument, computed by PostgreSQL at request time.

Nothing here is stored: every figure is an aggregate over `Answer` rows of the responses a
filter selects (included responses only). The whole results page costs two queries however
many questions or responses there are: one GROUP BY over the answers for the counts of each
choice, and one query that gathers the base, the "shown" counts of skip logic, the
respondents of multiple-choice questions and the mean, median and quartiles of numeric
answers. A cross-tab is one query with GROUPING SETS, which gives the cells and both margins.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, Min

from surveys.models import Answer, Choice, Question, Response

CHICAGO = ZoneInfo(settings.TIME_ZONE)
SPECIALS = [code for code, _label in Answer.Special.choices]


@dataclass
class Filters:
    """What a results page counts: one instrument, narrowed by any of these (empty = all)."""

    instrument: object
    organizations: list = field(default_factory=list)  # ids
    areas: list = field(default_factory=list)  # ids
    languages: list = field(default_factory=list)
    channels: list = field(default_factory=list)
    date_from: object = None
    date_to: object = None
    include_excluded: bool = False  # downloads may hold excluded responses too


def responses_for(user, filters, every_organization=False):
    """The included responses a user may see that the filters select (the one scoping rule);
    excluded ones too when the filters say so (a download "with status and reason").
    `every_organization`: a city partner's suppressed pages count every organization's
    responses, though the partner may see none of them as rows."""
    if every_organization:
        queryset = Response.objects.filter(instrument=filters.instrument)
    else:
        queryset = Response.objects.visible_to(user).filter(instrument=filters.instrument)
    if not filters.include_excluded:
        queryset = queryset.included()
    if filters.organizations:
        queryset = queryset.filter(organization_id__in=filters.organizations)
    if filters.areas:
        queryset = queryset.filter(area_id__in=filters.areas)
    if filters.languages:
        queryset = queryset.filter(language__in=filters.languages)
    if filters.channels:
        queryset = queryset.filter(channel__in=filters.channels)
    if filters.date_from:
        start = datetime.combine(filters.date_from, time.min, tzinfo=CHICAGO)
        queryset = queryset.filter(submitted_at__gte=start)
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time.min, tzinfo=CHICAGO)
        queryset = queryset.filter(submitted_at__lt=end)
    return queryset


def condition_of(question, by_id):
    """The skip-logic condition that decides whether `question` is shown: its own, or for a
    matrix row its matrix's. None when it is always shown."""
    if question.show_if_question_id:
        return question
    parent = by_id.get(question.parent_id)
    if parent is not None and parent.show_if_question_id:
        return parent
    return None


@dataclass
class Figures:
    base: int
    first: object
    last: object
    counts: dict  # question id -> {(choice_id, special, area_id): n}
    shown: dict  # question id -> n
    answered: dict  # question id -> n
    stats: dict  # question id -> {"n", "mean", "q1", "median", "q3"}


def percentile(histogram, total, p):
    """PostgreSQL's percentile_cont (linear interpolation between the closest ranks) over
    the values of a {value: count} histogram."""
    position = (total - 1) * p
    low, high = int(position), min(int(position) + 1, total - 1)
    values, seen = {}, 0
    for value in sorted(histogram):
        count = histogram[value]
        for rank in (low, high):
            if seen <= rank < seen + count:
                values[rank] = value
        seen += count
    return values[low] + (values[high] - values[low]) * (position - low)


def distribution(histogram):
    total = sum(histogram.values())
    if not total:
        return None
    return {
        "n": total,
        "mean": sum(value * count for value, count in histogram.items()) / total,
        "q1": percentile(histogram, total, 0.25),
        "median": percentile(histogram, total, 0.5),
        "q3": percentile(histogram, total, 0.75),
    }


class Branches:
    """SQL branches of one UNION ALL, with their parameters in order."""

    def __init__(self):
        self.parts, self.params = [], []

    def add(self, sql, *params):
        self.parts.append(sql)
        self.params.extend(params)

    def sql(self):
        return "\nUNION ALL\n".join(self.parts)


def answer_aggregates(
    base_sql, base_params, complement, questions, instrument, multiple, conditions
):
    """One query: counts of the base's answers by question, choice, area, special answer and
    number; respondents of each multiple-choice question; those shown a question after a
    multiple-choice condition.

    When most of the instrument's responses are in the base (the usual case: everything but
    the excluded ones), it reads all of the instrument's answers and subtracts those of the
    few responses outside the base, instead of joining millions of answers to the base.
    Responses are disjoint, so respondent counts subtract as well as answer counts.
    Answers without a special mark or a number (choices, areas, text: nearly all of them)
    are grouped by three integer columns, which PostgreSQL hashes fast; the rest go through
    a small partial index.
    """
    answer, response, choice = (
        Answer._meta.db_table,
        Response._meta.db_table,
        Choice._meta.db_table,
    )
    if complement:
        sides = [
            ("1", "a.question_id = ANY(%s::bigint[])", [questions]),
            ("-1", "a.response_id IN (SELECT id FROM outside)", []),
        ]
        prefix = f"""WITH outside AS MATERIALIZED (
            SELECT r.id FROM {response} r
            WHERE r.instrument_id = %s AND NOT EXISTS (SELECT 1 FROM ({base_sql}) b WHERE b.id = r.id))
        """
        prefix_params = [instrument, *base_params]
    else:
        sides = [("1", f"a.response_id IN ({base_sql})", list(base_params))]
        prefix, prefix_params = "", []
    branches = Branches()
    for sign, where, params in sides:
        if sign == "1":
            branches.add(
                f"""SELECT 'count', a.question_id, a.choice_id, a.area_id, NULL::varchar,
                    NULL::numeric, COUNT(*) FROM {answer} a
                    WHERE {where} AND a.special = '' AND a.number IS NULL
                    GROUP BY a.question_id, a.choice_id, a.area_id""",
                *params,
            )
            valued = "(a.special <> '' OR a.number IS NOT NULL)"
        else:
            valued = "true"
        branches.add(
            f"""SELECT 'count', a.question_id, a.choice_id, a.area_id, a.special, a.number,
                {sign} * COUNT(*) FROM {answer} a WHERE {where} AND {valued}
                GROUP BY a.question_id, a.choice_id, a.area_id, a.special, a.number""",
            *params,
        )
        # Multiple choice: a respondent has one row per option, so count respondents.
        branches.add(
            f"""SELECT 'answered', d.question_id, NULL, NULL, NULL, NULL, {sign} * COUNT(*)
                FROM (SELECT DISTINCT a.question_id, a.response_id FROM {answer} a
                      WHERE {where} AND a.question_id = ANY(%s::bigint[])) d
                GROUP BY d.question_id""",
            *params,
            multiple,
        )
        # Shown after a multiple-choice condition: respondents who chose a listed option.
        branches.add(
            f"""SELECT 'shown', cond.question, NULL, NULL, NULL, NULL,
                {sign} * COUNT(DISTINCT a.response_id) FROM {answer} a
                JOIN {choice} c ON c.id = a.choice_id
                JOIN unnest(%s::bigint[], %s::bigint[], %s::text[]) AS cond(question, source, code)
                  ON cond.source = a.question_id AND cond.code = c.code
                WHERE {where} GROUP BY cond.question""",
            [c[0] for c in conditions],
            [c[1] for c in conditions],
            [c[2] for c in conditions],
            *params,
        )
    sql = f"""{prefix}
        SELECT kind, question_id, choice_id, area_id, special, number, SUM(n)::bigint
        FROM ({branches.sql()}) AS t(kind, question_id, choice_id, area_id, special, number, n)
        GROUP BY kind, question_id, choice_id, area_id, special, number
        HAVING SUM(n) <> 0
    """
    return sql, [*prefix_params, *branches.params]


def figures(responses, questions, instrument):
    """Every number the results page shows, in two queries.

    The first counts the base and the instrument's responses outside it; the second gives
    the answers' counts by question, choice, special answer, area and number (a histogram
    from which means, medians and quartiles follow exactly), the respondents of each
    multiple-choice question, and who was shown a question whose condition is a
    multiple-choice answer. Every other "shown" follows from the counts.
    """
    by_id = {q.pk: q for q in questions}
    base_sql, base_params = responses.order_by().values("id").query.sql_with_params()
    response_table = Response._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT COUNT(*), COUNT(b.id), MIN(r.submitted_at) FILTER (WHERE b.id IS NOT NULL),
                   MAX(r.submitted_at) FILTER (WHERE b.id IS NOT NULL)
            FROM {response_table} r LEFT JOIN ({base_sql}) b ON b.id = r.id
            WHERE r.instrument_id = %s
            """,
            [*base_params, instrument.pk],
        )
        everyone, base, first, last = cursor.fetchone()

    multiple = [q.pk for q in questions if q.type == Question.Type.MULTIPLE]
    conditions = []
    for question in questions:
        source = condition_of(question, by_id)
        if source is not None and source.show_if_question_id in multiple:
            for code in source.show_if_choices:
                conditions.append((question.pk, source.show_if_question_id, code))
    complement = everyone - base < base
    sql, params = answer_aggregates(
        base_sql,
        base_params,
        complement,
        [q.pk for q in questions],
        instrument.pk,
        multiple,
        conditions,
    )
    counts, shown, answered = {}, {}, {}
    histograms = {}
    values = {c.pk: c.value for q in questions for c in q.choices.all()}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, qid, choice_id, area_id, special, number, n in cursor.fetchall():
            if kind == "answered":
                answered[qid] = n
            elif kind == "shown":
                shown[qid] = n
            else:
                key = (choice_id, special or None, area_id)
                counts.setdefault(qid, {})
                counts[qid][key] = counts[qid].get(key, 0) + n
                value = float(number) if number is not None else values.get(choice_id)
                if value is not None:
                    histogram = histograms.setdefault(qid, {})
                    histogram[value] = histogram.get(value, 0) + n

    for question in questions:
        if question.type == Question.Type.MATRIX:
            continue
        source = condition_of(question, by_id)
        if source is None:
            shown[question.pk] = base
        elif source.show_if_question_id not in multiple:
            # One answer per respondent: those shown are those who gave a listed choice.
            codes = set(source.show_if_choices)
            chosen = {
                c.pk
                for c in choices_of(by_id[source.show_if_question_id], by_id)
                if c.code in codes
            }
            shown[question.pk] = sum(
                n
                for (choice_id, _s, _a), n in counts.get(source.show_if_question_id, {}).items()
                if choice_id in chosen
            )
        else:
            shown.setdefault(question.pk, 0)
        if question.pk not in answered:
            answered[question.pk] = sum(counts.get(question.pk, {}).values())
    stats = {
        q.pk: distribution(histograms[q.pk])
        for q in questions
        if q.type in (Question.Type.LIKERT, Question.Type.NUMBER) and q.pk in histograms
    }
    return Figures(base, first, last, counts, shown, answered, stats)


def choices_of(question, by_id):
    source = by_id.get(question.parent_id, question)
    return list(source.choices.all())


def base_of(responses):
    """How many responses a page is based on, and when they came in."""
    figures = responses.order_by().aggregate(
        count=Count("id"), first=Min("submitted_at"), last=Max("submitted_at")
    )
    return figures["count"], figures["first"], figures["last"]


def crosstab(responses, row_dimension, col_dimension):
    """Counts of respondents by two dimensions, with both margins and the grand total.

    A dimension is (sql key expression, join clause or "", join params). Returns
    {"cells": {(r, c): n}, "rows": {r: n}, "cols": {c: n}, "total": n}. Margins count
    respondents (distinct), so a multiple-choice dimension's cells may add up to more.
    """
    base_sql, base_params = (
        responses.order_by()
        .values("id", "organization_id", "area_id", "language", "channel")
        .query.sql_with_params()
    )
    # A multiple-choice dimension puts a respondent in several cells: margins count each
    # respondent once. Otherwise every row is one respondent and COUNT(*) is cheaper.
    several = row_dimension.several or col_dimension.several
    count = "COUNT(DISTINCT base.id)" if several else "COUNT(*)"
    row_key, row_join, row_params = row_dimension.sql("r")
    col_key, col_join, col_params = col_dimension.sql("c")
    sql = f"""
        WITH base AS ({base_sql})
        SELECT {row_key}, {col_key}, GROUPING({row_key}, {col_key}), {count}
        FROM base {row_join} {col_join}
        GROUP BY GROUPING SETS (({row_key}, {col_key}), ({row_key}), ({col_key}), ())
    """
    result = {"cells": {}, "rows": {}, "cols": {}, "total": 0}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*base_params, *row_params, *col_params])
        for row, col, grouping, n in cursor.fetchall():
            if grouping == 0:
                result["cells"][(row, col)] = n
            elif grouping == 1:
                result["rows"][row] = n
            elif grouping == 2:
                result["cols"][col] = n
            else:
                result["total"] = n
    return result


# --- Dimensions of a cross-tab -------------------------------------------------------------


class ResponseDimension:
    """A property of the response itself: organization, community area, language, channel."""

    several = False

    def __init__(self, key, column, categories):
        self.key = key
        self.column = column
        # [(category key as text, label)], in display order
        self.categories = categories

    def sql(self, alias):
        return f"COALESCE(base.{self.column}::text, '')", "", []


class QuestionDimension:
    """A closed question: one category per choice, and one per special answer given."""

    def __init__(self, key, question, categories):
        self.key = key
        self.question = question
        self.categories = categories
        self.several = question.type == Question.Type.MULTIPLE

    def sql(self, alias):
        table = Answer._meta.db_table
        return (
            f"COALESCE({alias}.choice_id::text, 's:' || {alias}.special)",
            f"JOIN {table} {alias} ON {alias}.response_id = base.id AND {alias}.question_id = %s",
            [self.question.pk],
        )


class ThemeDimension:
    """The themes of a respondent's coded text answers (first coder): a respondent is in
    every theme any of their answers carries."""

    several = True

    def __init__(self, key, categories):
        self.key = key
        self.categories = categories

    def sql(self, alias):
        from .models import Coding

        coding, answer = Coding._meta.db_table, Answer._meta.db_table
        return (
            f"{alias}.theme_id::text",
            f"""JOIN (SELECT DISTINCT a.response_id, c.theme_id FROM {coding} c
                      JOIN {answer} a ON a.id = c.answer_id WHERE NOT c.second) {alias}
                ON {alias}.response_id = base.id""",
            [],
        )


def special_key(code):
    return f"s:{code}"
