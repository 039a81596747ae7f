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


def responses_for(user, filters):
    """The included responses a user may see that the filters select (the one scoping rule)."""
    queryset = Response.objects.visible_to(user).included().filter(instrument=filters.instrument)
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
    # question id -> value
    counts: dict  # question id -> {(choice_id, special, area_id): n}
    shown: dict
    answered: dict
    stats: dict  # question id -> {"n", "mean", "q1", "median", "q3"}


def figures(responses, questions):
    """Every number the results page shows, in two queries."""
    by_id = {q.pk: q for q in questions}
    counts = {}
    for row in (
        Answer.objects.filter(response__in=responses.order_by().values("id"))
        .values("question_id", "choice_id", "special", "area_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        key = (row["choice_id"], row["special"] or None, row["area_id"])
        counts.setdefault(row["question_id"], {})[key] = row["n"]

    conditions = []
    for question in questions:
        source = condition_of(question, by_id)
        if source is not None:
            for code in source.show_if_choices:
                conditions.append((question.pk, source.show_if_question_id, code))
    multiple = [q.pk for q in questions if q.type == Question.Type.MULTIPLE]
    numeric = [q.pk for q in questions if q.type in (Question.Type.LIKERT, Question.Type.NUMBER)]
    base_sql, base_params = (
        responses.order_by().values("id", "submitted_at").query.sql_with_params()
    )
    answer = Answer._meta.db_table
    choice = Choice._meta.db_table
    sql = f"""
        WITH base AS ({base_sql})
        SELECT 'base', NULL::bigint, COUNT(*), NULL::float8, NULL::float8, NULL::float8,
               NULL::float8, MIN(submitted_at), MAX(submitted_at)
        FROM base
        UNION ALL
        -- Shown: respondents whose answer to the condition's question is one of its codes.
        SELECT 'shown', cond.qid, COUNT(DISTINCT a.response_id), NULL, NULL, NULL, NULL,
               NULL, NULL
        FROM {answer} a
        JOIN {choice} c ON c.id = a.choice_id
        JOIN unnest(%s::bigint[], %s::bigint[], %s::text[]) AS cond(qid, source, code)
          ON cond.source = a.question_id AND cond.code = c.code
        WHERE a.response_id IN (SELECT id FROM base)
        GROUP BY cond.qid
        UNION ALL
        -- Multiple choice: a respondent has one row per option, so count respondents.
        SELECT 'answered', a.question_id, COUNT(DISTINCT a.response_id), NULL, NULL, NULL,
               NULL, NULL, NULL
        FROM {answer} a
        WHERE a.question_id = ANY(%s::bigint[]) AND a.response_id IN (SELECT id FROM base)
        GROUP BY a.question_id
        UNION ALL
        -- Rating scales and numbers; choices without a value ("not sure") are left out.
        SELECT 'stats', v.question_id, COUNT(v.value), AVG(v.value),
               percentile_cont(0.25) WITHIN GROUP (ORDER BY v.value),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY v.value),
               percentile_cont(0.75) WITHIN GROUP (ORDER BY v.value), NULL, NULL
        FROM (
            SELECT a.question_id, COALESCE(a.number::float8, c.value::float8) AS value
            FROM {answer} a LEFT JOIN {choice} c ON c.id = a.choice_id
            WHERE a.question_id = ANY(%s::bigint[]) AND a.response_id IN (SELECT id FROM base)
        ) v
        WHERE v.value IS NOT NULL
        GROUP BY v.question_id
    """
    params = [
        *base_params,
        [c[0] for c in conditions],
        [c[1] for c in conditions],
        [c[2] for c in conditions],
        multiple,
        numeric,
    ]
    base = 0
    first = last = None
    shown, answered, stats = {}, {}, {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, qid, n, mean, q1, median, q3, low, high in cursor.fetchall():
            if kind == "base":
                base, first, last = n, low, high
            elif kind == "shown":
                shown[qid] = n
            elif kind == "answered":
                answered[qid] = n
            else:
                stats[qid] = {"n": n, "mean": mean, "q1": q1, "median": median, "q3": q3}
    for question in questions:
        if question.type == Question.Type.MATRIX:
            continue
        if condition_of(question, by_id) is None:
            shown[question.pk] = base
        else:
            shown.setdefault(question.pk, 0)
        if question.pk not in answered:
            answered[question.pk] = sum(counts.get(question.pk, {}).values())
    return Figures(base, first, last, counts, shown, answered, stats)


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
    row_key, row_join, row_params = row_dimension.sql("r")
    col_key, col_join, col_params = col_dimension.sql("c")
    sql = f"""
        WITH base AS ({base_sql})
        SELECT {row_key}, {col_key}, GROUPING({row_key}, {col_key}), COUNT(DISTINCT base.id)
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

    def sql(self, alias):
        table = Answer._meta.db_table
        return (
            f"COALESCE({alias}.choice_id::text, 's:' || {alias}.special)",
            f"JOIN {table} {alias} ON {alias}.response_id = base.id AND {alias}.question_id = %s",
            [self.question.pk],
        )


def special_key(code):
    return f"s:{code}"
