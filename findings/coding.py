"""The coding queue: which texts wait for a coder, and applying themes to one.

Items come from three tables (answers, prompt notes, quotes); one UNION ALL query lists them
with the context a coder needs (question or prompt, organization, area, language) and never
anything that identifies a resident. An item leaves a coder's queue when they mark it done
or "nothing to code" (an ItemMark).
"""

import hashlib

from django.db import connection
from django.utils import timezone
from django.utils.translation import get_language
from modeltranslation.utils import build_localized_fieldname

from surveys.models import Answer, ListeningSession, PromptNote, Question, Response, SessionQuote

from .models import Coding, ItemMark, Source

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
    query = f"""
        SELECT i.source, i.item_id, i.text, i.organization_id, i.area_id, i.language,
               i.question_id, COUNT(*) OVER (),
               COALESCE(NULLIF(q.{text_column}, ''), q.text_en),
               COALESCE(q.{text_column}, '') = ''
        FROM ({sql}) i
        JOIN {question} q ON q.id = i.question_id
        WHERE {condition} {unfinished}
        ORDER BY i.at, i.source, i.item_id
        LIMIT 1
    """
    with connection.cursor() as cursor:
        cursor.execute(query, [*params, *where_params, *mark_params])
        row = cursor.fetchone()
    if row is None:
        return None
    (source, item_id, text, organization_id, area_id, language, question_id, left) = row[:8]
    question_text, fallback = row[8:]
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


def apply_themes(coder, source, item_id, themes, excerpts=(), *, second=False, nothing=False):
    """Store a coder's decision on an item: the themes on the whole item, excerpts as
    (theme, start, end, text), or "nothing to code"; the item leaves their queue.

    The themes given replace this coder's whole-item codings of the item (unticking a theme
    uncodes it); excerpt codings are added. Repeats store nothing twice (unique constraint).
    """
    fields = item_fields(source, item_id)
    # Three statements, each safe to repeat, in an order that converges: if a request dies
    # half way, the item has no mark yet, stays in the queue, and the coder's next decision
    # on it sets everything right.
    Coding.objects.bulk_create(
        [Coding(theme=theme, coder=coder, second=second, **fields) for theme in themes]
        + [
            Coding(
                theme=theme,
                coder=coder,
                second=second,
                start=start,
                end=end,
                excerpt=text,
                **fields,
            )
            for theme, start, end, text in excerpts
        ],
        ignore_conflicts=True,
    )
    Coding.objects.filter(coder=coder, second=second, start__isnull=True, **fields).exclude(
        theme__in=themes
    ).delete()
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
