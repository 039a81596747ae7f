"""Theme frequencies, computed by PostgreSQL: items and people (respondents or sessions) per
theme and organization, community area, language or source, over the first coder's codings.

A coding of a sub-theme counts for the sub-theme; its parent's row counts the items coded
with the parent itself. One query whatever the number of themes and codings.
"""

from django.db import connection

from surveys.models import Answer, ListeningSession, PromptNote, Response, SessionQuote

from .models import Coding

DIMENSIONS = ("organization", "area", "language", "source")


def coded_items_sql():
    """One row per first-coder coding: theme, item, person, organization, area, language,
    source. Excluded responses do not count. Items are integers (the row's id times four plus
    its source) and people the response's or session's UUID: both sort fast, unlike text."""
    coding = Coding._meta.db_table
    answer, response = Answer._meta.db_table, Response._meta.db_table
    note, quote, session = (
        PromptNote._meta.db_table,
        SessionQuote._meta.db_table,
        ListeningSession._meta.db_table,
    )
    return f"""
        SELECT c.theme_id, c.answer_id * 4 AS item, r.id AS person,
               r.organization_id, r.area_id, r.language, 'answer' AS source
        FROM {coding} c
        JOIN {answer} a ON a.id = c.answer_id
        JOIN {response} r ON r.id = a.response_id
        WHERE NOT c.second AND r.status = 'included'
        UNION ALL
        SELECT c.theme_id,
               c.note_id * 4 + CASE WHEN c.note_field = 'summary' THEN 1 ELSE 2 END, s.id,
               s.organization_id, s.area_id, COALESCE(s.languages[1], ''), c.note_field
        FROM {coding} c
        JOIN {note} n ON n.id = c.note_id
        JOIN {session} s ON s.id = n.session_id
        WHERE NOT c.second
        UNION ALL
        SELECT c.theme_id, c.quote_id * 4 + 3, s.id, s.organization_id, s.area_id,
               COALESCE(s.languages[1], ''), 'quote'
        FROM {coding} c
        JOIN {quote} k ON k.id = c.quote_id
        JOIN {session} s ON s.id = k.session_id
        WHERE NOT c.second
    """


def theme_counts(dimension, organizations=None):
    """{(theme id, category): (items, people)}, {theme id: (items, people)} and the number of
    coded items and people overall; `organizations` narrows to those ids (None: all)."""
    assert dimension in DIMENSIONS
    column = {
        "organization": "organization_id::text",
        "area": "COALESCE(area_id::text, '')",
        "language": "language",
        "source": "source",
    }[dimension]
    where, params = "true", []
    if organizations is not None:
        where, params = "organization_id = ANY(%s)", [list(organizations)]
    sql = f"""
        SELECT theme_id, {column}, GROUPING(theme_id, {column}),
               COUNT(DISTINCT item), COUNT(DISTINCT person)
        FROM ({coded_items_sql()}) coded
        WHERE {where}
        GROUP BY GROUPING SETS ((theme_id, {column}), (theme_id), ())
    """
    cells, totals, overall = {}, {}, (0, 0)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for theme_id, category, grouping, items, people in cursor.fetchall():
            if grouping == 0:
                cells[(theme_id, category)] = (items, people)
            elif grouping == 1:
                totals[theme_id] = (items, people)
            else:
                overall = (items, people)
    return cells, totals, overall


def cooccurrence(organizations=None):
    """{(theme a, theme b): items coded with both}, a < b."""
    where, params = "true", []
    if organizations is not None:
        where, params = "x.organization_id = ANY(%s)", [list(organizations)]
    sql = f"""
        WITH coded AS ({coded_items_sql()})
        SELECT x.theme_id, y.theme_id, COUNT(DISTINCT x.item)
        FROM coded x JOIN coded y ON y.item = x.item AND x.theme_id < y.theme_id
        WHERE {where}
        GROUP BY x.theme_id, y.theme_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(a, b): n for a, b, n in cursor.fetchall()}


def coding_rows(organizations=None):
    """Every coding (both coders) with its item's context, for the codings download: item,
    source, organization, area, language, theme code, range, coder and round. No text and no
    resident's identity."""
    coding = Coding._meta.db_table
    answer, response = Answer._meta.db_table, Response._meta.db_table
    note, quote, session = (
        PromptNote._meta.db_table,
        SessionQuote._meta.db_table,
        ListeningSession._meta.db_table,
    )
    where, params = "true", []
    if organizations is not None:
        where, params = "organization_id = ANY(%s)", [list(organizations)]
    sql = f"""
        SELECT * FROM (
            SELECT c.id, 'answer' AS source, c.answer_id AS item, r.organization_id, r.area_id,
                   r.language, c.theme_id, c.start, c."end", c.coder_id, c.second
            FROM {coding} c JOIN {answer} a ON a.id = c.answer_id
            JOIN {response} r ON r.id = a.response_id
            UNION ALL
            SELECT c.id, c.note_field, c.note_id, s.organization_id, s.area_id,
                   COALESCE(s.languages[1], ''), c.theme_id, c.start, c."end", c.coder_id,
                   c.second
            FROM {coding} c JOIN {note} n ON n.id = c.note_id
            JOIN {session} s ON s.id = n.session_id
            UNION ALL
            SELECT c.id, 'quote', c.quote_id, s.organization_id, s.area_id,
                   COALESCE(s.languages[1], ''), c.theme_id, c.start, c."end", c.coder_id,
                   c.second
            FROM {coding} c JOIN {quote} k ON k.id = c.quote_id
            JOIN {session} s ON s.id = k.session_id
        ) rows
        WHERE {where}
        ORDER BY source, item, second, theme_id, id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        yield from cursor.fetchall()
