"""The coding queue: which texts wait for a coder, and applying themes to one.

Items come from three tables (answers, prompt notes, quotes); one UNION ALL query lists them
with the context a coder needs (question or prompt, organization, area, language) and never
anything that identifies a resident. An item leaves a coder's queue when they mark it done
or "nothing to code" (an ItemMark).
"""

import hashlib
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone
from django.utils.translation import get_language
from modeltranslation.utils import build_localized_fieldname

from organizations.models import Area
from surveys.models import Answer, ListeningSession, PromptNote, Question, Response, SessionQuote

from .models import Coding, CodingEvent, ItemMark, Source

TEXT_TYPES = [Question.Type.SHORT_TEXT, Question.Type.LONG_TEXT]


def items_sql():
    answer, response, question = (
        Answer._meta.db_table,
        Response._meta.db_table,
        Question._meta.db_table,
    )
    note, quote, session = (
        PromptNote._meta.db_table,
        SessionQuote._meta.db_table,
        ListeningSession._meta.db_table,
    )
    return (
        f"""
        SELECT 'answer' AS source, a.id AS item_id, '' AS field, a.text AS text,
               r.organization_id, r.area_id, r.language, a.question_id, q.instrument_id,
               r.submitted_at AS at
        FROM {answer} a
        JOIN {response} r ON r.id = a.response_id
        JOIN {question} q ON q.id = a.question_id
        WHERE a.text <> '' AND r.status = 'included'
          AND (q.type = ANY(%s) OR a.choice_id IS NOT NULL)
        UNION ALL
        SELECT 'summary', n.id, 'summary', n.summary, s.organization_id, s.area_id,
               COALESCE(s.languages[1], ''), n.question_id, s.guide_id, s.held_on::timestamptz
        FROM {note} n JOIN {session} s ON s.id = n.session_id
        WHERE n.summary <> ''
        UNION ALL
        SELECT 'note', n.id, 'note', n.note, s.organization_id, s.area_id,
               COALESCE(s.languages[1], ''), n.question_id, s.guide_id, s.held_on::timestamptz
        FROM {note} n JOIN {session} s ON s.id = n.session_id
        WHERE n.note <> ''
        UNION ALL
        SELECT 'quote', k.id, '', k.text, s.organization_id, s.area_id,
               COALESCE(s.languages[1], ''), k.question_id, s.guide_id, s.held_on::timestamptz
        FROM {quote} k JOIN {session} s ON s.id = k.session_id
    """,
        [TEXT_TYPES],
    )


def in_sample(source, item_id, percent):
    """A stable pseudo-random draw: the same items are in a sample of a given size."""
    digest = hashlib.sha256(f"{source}:{item_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < percent


def next_item(coder, filters, second=False, sample_percent=100, skipped=(), only=None):
    """The next item this coder has not finished, with how many are left and its question
    or prompt in the active language (one query).

    `filters`: {"source", "instrument", "question", "organization", "language", "search"}.
    A second coder sees only the sample (SQL mirrors `in_sample`). `skipped` items
    ("source:id") wait until later; `only` ("source", id) opens one item, finished or not.
    """
    sql, params = items_sql()
    active = get_language() or "en"
    text_column = build_localized_fieldname("text", active).replace("-", "_")
    question = Question._meta.db_table
    mark = ItemMark._meta.db_table
    where, where_params = [], []
    if filters.get("source"):
        where.append("i.source = %s")
        where_params.append(filters["source"])
    for name, column in (
        ("instrument", "instrument_id"),
        ("question", "question_id"),
        ("organization", "organization_id"),
    ):
        if filters.get(name):
            where.append(f"i.{column} = %s")
            where_params.append(filters[name])
    if filters.get("language"):
        where.append("i.language = %s")
        where_params.append(filters["language"])
    if filters.get("search"):
        where.append("i.text ILIKE %s")
        escaped = filters["search"].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where_params.append(f"%{escaped}%")
    if second:
        where.append(
            "('x' || substr(encode(sha256(convert_to(i.source || ':' || i.item_id, 'UTF8')),"
            " 'hex'), 1, 8))::bit(32)::bigint %% 100 < %s"
        )
        where_params.append(sample_percent)
    if skipped:
        where.append("NOT ((i.source || ':' || i.item_id) = ANY(%s))")
        where_params.append(list(skipped))
    if only:
        where = ["i.source = %s AND i.item_id = %s"]
        where_params = list(only)
    condition = " AND ".join(where) or "true"
    unfinished, mark_params = "", []
    if not only:
        unfinished = f"""AND NOT EXISTS (
            SELECT 1 FROM {mark} m
            WHERE m.coder_id = %s AND m.second = %s
              AND ((i.source = 'answer' AND m.answer_id = i.item_id)
                OR (i.source IN ('summary', 'note') AND m.note_id = i.item_id
                    AND m.note_field = i.field)
                OR (i.source = 'quote' AND m.quote_id = i.item_id)))"""
        mark_params = [coder.pk, second]
    coding, area = Coding._meta.db_table, Area._meta.db_table
    area_column = build_localized_fieldname("name", active).replace("-", "_")
    # The coder's own codings of the item ride along as JSON (whole-item themes and
    # excerpts), so reopening a coded text costs no extra query.
    query = f"""
        SELECT i.source, i.item_id, i.text, i.organization_id, i.area_id, i.language,
               i.question_id, COUNT(*) OVER (),
               COALESCE(NULLIF(q.{text_column}, ''), q.text_en),
               COALESCE(q.{text_column}, '') = '',
               COALESCE(NULLIF(ar.{area_column}, ''), ar.name_en, ''),
               (SELECT json_agg(json_build_array(c.id, c.theme_id, c.start, c."end",
                                                 c.excerpt, c.needs_review)
                                ORDER BY c.start, c."end", c.id)
                FROM {coding} c
                WHERE c.coder_id = %s AND c.second = %s
                  AND ((i.source = 'answer' AND c.answer_id = i.item_id)
                    OR (i.source IN ('summary', 'note') AND c.note_id = i.item_id
                        AND c.note_field = i.field)
                    OR (i.source = 'quote' AND c.quote_id = i.item_id)))
        FROM ({sql}) i
        JOIN {question} q ON q.id = i.question_id
        LEFT JOIN {area} ar ON ar.id = i.area_id
        WHERE {condition} {unfinished}
        ORDER BY i.at, i.source, i.item_id
        LIMIT 1
    """
    with connection.cursor() as cursor:
        cursor.execute(query, [coder.pk, second, *params, *where_params, *mark_params])
        row = cursor.fetchone()
    if row is None:
        return None
    (source, item_id, text, organization_id, area_id, language, question_id, left) = row[:8]
    question_text, fallback, area_name, codings = row[8:]
    return {
        "question_text": question_text,
        "question_lang": "en" if fallback and active != "en" else None,
        "source": source,
        "id": item_id,
        "text": text,
        "organization_id": organization_id,
        "area_id": area_id,
        "language": language,
        "question_id": question_id,
        "left": left,
        "area_name": area_name,
        # [id, theme id, start, end, excerpt, needs review] of this coder's codings
        "codings": codings or [],
    }


def item_fields(source, item_id):
    """The ItemFields columns of an item."""
    if source == Source.ANSWER:
        return {"answer_id": item_id, "note_id": None, "note_field": "", "quote_id": None}
    if source == Source.QUOTE:
        return {"answer_id": None, "note_id": None, "note_field": "", "quote_id": item_id}
    return {"answer_id": None, "note_id": item_id, "note_field": source, "quote_id": None}


def item_text(source, item_id):
    if source == Source.ANSWER:
        return Answer.objects.filter(pk=item_id).values_list("text", flat=True).first()
    if source == Source.QUOTE:
        return SessionQuote.objects.filter(pk=item_id).values_list("text", flat=True).first()
    return PromptNote.objects.filter(pk=item_id).values_list(source, flat=True).first()


def apply_themes(
    coder,
    source,
    item_id,
    themes,
    excerpts=(),
    *,
    second=False,
    nothing=False,
    remove=(),
    by=None,
    offered=None,
):
    """Store a coder's decision on an item: the themes on the whole item, excerpts as
    (theme, start, end, text), or "nothing to code"; the item leaves their queue.

    The themes given replace this coder's whole-item codings of the item (unticking a theme
    uncodes it) among the `offered` themes (all by default: a retired theme the page did not
    offer keeps its codings); excerpt codings are added, and those whose ids are in `remove`
    go. Every
    coding added or removed is logged in CodingEvent with `by` (the person acting, the
    coder by default) in the same statement, so the history holds exactly the changes made:
    a repeated request adds nothing and logs nothing.
    """
    fields = item_fields(source, item_id)
    wanted = [(theme.pk, None, None, "") for theme in themes] + [
        (theme.pk, start, end, text) for theme, start, end, text in excerpts
    ]
    coding, event = Coding._meta.db_table, CodingEvent._meta.db_table
    item = {
        Source.ANSWER: "c.answer_id = %(answer_id)s",
        Source.QUOTE: "c.quote_id = %(quote_id)s",
    }.get(source, "c.note_id = %(note_id)s AND c.note_field = %(note_field)s")
    columns = 'answer_id, note_id, note_field, quote_id, theme_id, start, "end", excerpt'
    # Statements each safe to repeat, in an order that converges: if a request dies half
    # way, the item has no mark yet, stays in the queue, and the coder's next decision on it
    # sets everything right.
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH wanted AS (
                SELECT * FROM unnest(%(themes)s::bigint[], %(starts)s::integer[],
                                     %(ends)s::integer[], %(texts)s::text[])
                    AS w(theme_id, start, "end", excerpt)
            ), added AS (
                INSERT INTO {coding} ({columns}, needs_review, coder_id, second, created_at)
                SELECT %(answer_id)s, %(note_id)s, %(note_field)s, %(quote_id)s,
                       w.theme_id, w.start, w."end", w.excerpt, false, %(coder)s, %(second)s,
                       %(now)s
                FROM wanted w
                ON CONFLICT DO NOTHING
                RETURNING {columns}
            ), removed AS (
                DELETE FROM {coding} c
                WHERE {item} AND c.coder_id = %(coder)s AND c.second = %(second)s
                  AND ((c.start IS NULL
                        AND c.theme_id <> ALL(%(whole)s::bigint[])
                        AND (%(offered)s::bigint[] IS NULL
                             OR c.theme_id = ANY(%(offered)s::bigint[])))
                       OR c.id = ANY(%(remove)s::bigint[]))
                RETURNING {columns.replace("answer_id", "c.answer_id")}
            )
            INSERT INTO {event} ({columns}, action, coder_id, by_id, second, at)
            SELECT *, 'added', %(coder)s, %(by)s, %(second)s, %(now)s FROM added
            UNION ALL
            SELECT *, 'removed', %(coder)s, %(by)s, %(second)s, %(now)s FROM removed
            """,
            {
                **fields,
                "themes": [w[0] for w in wanted],
                "starts": [w[1] for w in wanted],
                "ends": [w[2] for w in wanted],
                "texts": [w[3] for w in wanted],
                "whole": [theme.pk for theme in themes],
                "offered": None if offered is None else [theme.pk for theme in offered],
                "remove": [int(pk) for pk in remove],
                "coder": coder.pk,
                "by": (by or coder).pk,
                "second": second,
                "now": timezone.now(),
            },
        )
    kind = ItemMark.Kind.NOTHING if nothing else ItemMark.Kind.DONE
    ItemMark.objects.bulk_create(
        [ItemMark(coder=coder, second=second, kind=kind, created_at=timezone.now(), **fields)],
        update_conflicts=True,
        unique_fields=["answer", "note", "note_field", "quote", "coder", "second"],
        update_fields=["kind", "created_at"],
    )


def check_excerpts(source, item_id, text):
    """After an item's text changed: codings whose range no longer holds their excerpt are
    flagged for review (they are kept)."""
    fields = item_fields(source, item_id)
    for coding in Coding.objects.filter(start__isnull=False, needs_review=False, **fields):
        if text[coding.start : coding.end] != coding.excerpt:
            coding.needs_review = True
            coding.save(update_fields=["needs_review"])


@dataclass
class Excerpt:
    pk: int
    theme: object
    start: int
    end: int
    excerpt: str
    needs_review: bool


def item_codings(item, themes):
    """The whole-item theme ids and the excerpts (in text order) of the item's codings that
    `next_item` brought along; `themes` by id gives the excerpts' themes."""
    whole = {theme for _pk, theme, start, _e, _x, _r in item["codings"] if start is None}
    excerpts = [
        Excerpt(pk, themes[theme], start, end, excerpt, review)
        for pk, theme, start, end, excerpt, review in item["codings"]
        if start is not None and theme in themes
    ]
    return whole, excerpts


def highlighted(text, excerpts):
    """The text in pieces, each with the names of the excerpt themes that cover it, so a
    page can mark the coded words: [(piece, [theme names])]."""
    cuts = sorted({0, len(text)} | {c.start for c in excerpts} | {c.end for c in excerpts})
    pieces = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        if start >= len(text):
            break
        names = [str(c.theme) for c in excerpts if c.start <= start and end <= c.end]
        pieces.append((text[start:end], names))
    return pieces


def item_history(coder, source, item_id, *, second=False, limit=20):
    """The latest changes to an item's codings, newest first (one query). A second coder
    sees only their own, as they never see the first coding."""
    events = CodingEvent.objects.filter(second=second, **item_fields(source, item_id))
    if second:
        events = events.filter(coder=coder)
    return list(events.select_related("theme", "by")[:limit])
