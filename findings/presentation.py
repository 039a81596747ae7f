"""From the database's figures to what a results page shows: rows with labels in the page's
language, percentages, the small-count rule in the public mode, chart geometry and a one-line
summary for each chart. Only arithmetic on a handful of aggregates happens here."""

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from engagement.languages import language_name
from organizations.areas import community_areas
from surveys.models import Answer, Question, Response

from . import charts
from .results import (
    SPECIALS,
    QuestionDimension,
    ResponseDimension,
    ThemeDimension,
    special_key,
)
from .suppression import PROTECT, SMALL, shown_count, suppress, threshold

T = Question.Type
AREAS_CHARTED = 15
SPECIAL_LABELS = dict(Answer.Special.choices)


def label_of(obj, field):
    """(text, lang) of a translated field: lang is "en" when it falls back to English."""
    language = get_language() or "en"
    text = getattr(obj, field) or ""
    if getattr(obj, build_localized_fieldname(field, language), None):
        return text, None
    return text, ("en" if language != "en" else None)


def percent(count, base):
    return 100 * count / base if base else None


def cell_text(count, pct, hidden, limit):
    """A count or a percentage as shown: "<11" for a small count, "–" for a protecting one."""
    if hidden == SMALL:
        return f"<{limit}"
    if hidden == PROTECT:
        return "–"
    if pct is None:
        return number_format(count, force_grouping=True)
    return f"{pct:.0f}%"


def choices_of(question, by_id):
    source = by_id.get(question.parent_id, question)
    return list(source.choices.all())


def question_blocks(questions, figs, public):
    """One block per question in the instrument's order; a matrix carries its rows."""
    by_id = {q.pk: q for q in questions}
    matrix_rows = {}
    for question in questions:
        if question.parent_id:
            matrix_rows.setdefault(question.parent_id, []).append(question)
    blocks = []
    for question in questions:
        if question.parent_id:
            continue
        if question.type == T.MATRIX:
            rows = matrix_rows.get(question.pk, [])
            if rows:
                blocks.append(matrix_block(question, rows, figs, public, by_id))
        else:
            blocks.append(single_block(question, figs, public, by_id))
    return blocks


def special_rows(counts):
    totals = {}
    for (_choice, special, _area), n in counts.items():
        if special:
            totals[special] = totals.get(special, 0) + n
    return [
        {"label": str(SPECIAL_LABELS[code]), "lang": None, "count": totals[code], "special": True}
        for code in SPECIALS
        if totals.get(code)
    ]


def single_block(question, figs, public, by_id):
    limit = threshold()
    counts = figs.counts.get(question.pk, {})
    answered = figs.answered.get(question.pk, 0)
    shown = figs.shown.get(question.pk, 0)
    rows = []
    if question.type in (T.SINGLE, T.MULTIPLE, T.LIKERT):
        kind = "choice"
        by_choice = {}
        for (choice_id, _special, _area), n in counts.items():
            if choice_id:
                by_choice[choice_id] = by_choice.get(choice_id, 0) + n
        for choice in choices_of(question, by_id):
            text, lang = label_of(choice, "label")
            rows.append(
                {
                    "label": text,
                    "lang": lang,
                    "count": by_choice.get(choice.pk, 0),
                    "special": False,
                }
            )
    elif question.type == T.AREA:
        kind = "choice"
        names = {area.pk: area.name for area in community_areas()}
        by_area = {}
        for (_choice, _special, area_id), n in counts.items():
            if area_id:
                by_area[area_id] = by_area.get(area_id, 0) + n
        for area_id, n in sorted(by_area.items(), key=lambda item: (-item[1], names[item[0]])):
            rows.append({"label": names[area_id], "lang": None, "count": n, "special": False})
    elif question.type == T.NUMBER:
        kind = "number"
    else:
        kind = "text"
    specials = special_rows(counts)
    rows += specials
    hidden = None
    if public:
        hidden = suppress([[r["count"]] for r in rows] or [[0]], None, [answered], answered)
    too_few = bool(hidden and hidden.too_few)
    for index, row in enumerate(rows):
        row["hidden"] = None
        if hidden is not None:
            row["hidden"] = "small" if too_few else hidden.cells[index][0]
        row["pct"] = None if row["hidden"] else percent(row["count"], answered)
        row["text"] = cell_text(row["count"], row["pct"], row["hidden"], limit)
    if question.type == T.AREA and public:
        # Hidden areas go last, by name: their order would tell their size.
        rows.sort(key=lambda r: (r["special"], r["hidden"] is not None, 0))
    stats = figs.stats.get(question.pk)
    if stats and public and stats["n"] < limit:
        stats = None
    block = {
        "question": question,
        "kind": kind,
        "multiple": question.type == T.MULTIPLE,
        "likert": question.type == T.LIKERT,
        "shown": shown_count(shown) if public else shown,
        "answered": shown_count(answered) if public else answered,
        "too_few": too_few,
        "rows": rows,
        "stats": stats,
        "mentions": None,
        "valueless": [],
    }
    if question.type == T.MULTIPLE and not public:
        block["mentions"] = sum(r["count"] for r in rows if not r["special"])
    if question.type == T.LIKERT:
        block["valueless"] = [
            label_of(c, "label")[0] for c in choices_of(question, by_id) if c.value is None
        ]
    if kind == "choice" and rows and not too_few:
        charted = rows
        if question.type == T.AREA and len(rows) > AREAS_CHARTED:
            # 77 bars would bury the shape; the table below lists every area.
            charted = [r for r in rows if not r["special"]][:AREAS_CHARTED]
            block["chart_note"] = _(
                "The chart shows the %(count)s areas named most often; the table lists all."
            ) % {"count": AREAS_CHARTED}
        block["chart"] = charts.bar_chart(charted)
    block["summary"] = summary_of(block)
    return block


def summary_of(block):
    """One sentence that says what the chart shows, for every reader."""
    if block["too_few"]:
        return _("Too few responses to show.")
    if block["kind"] == "number":
        stats = block["stats"]
        if not stats:
            return _("No numbers to summarize.")
        return _("Median %(median)s, half of the answers between %(q1)s and %(q3)s.") % {
            "median": number(stats["median"]),
            "q1": number(stats["q1"]),
            "q3": number(stats["q3"]),
        }
    if block["kind"] == "text":
        if block["answered"] is None:
            return _("Fewer than %(limit)s people answered.") % {"limit": threshold()}
        return _("%(count)s people answered in their own words.") % {"count": block["answered"]}
    candidates = [r for r in block["rows"] if not r["special"] and r["pct"] is not None]
    if not candidates:
        return _("No answers to show.")
    top = max(candidates, key=lambda r: r["count"])
    if block["multiple"]:
        return _("Chosen most often: “%(label)s”, by %(pct)s of those who answered.") % {
            "label": top["label"],
            "pct": f"{top['pct']:.0f}%",
        }
    return _("Chosen most often: “%(label)s” (%(pct)s).") % {
        "label": top["label"],
        "pct": f"{top['pct']:.0f}%",
    }


def number(value):
    if value is None:
        return ""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def matrix_block(matrix, rows, figs, public, by_id):
    limit = threshold()
    choices = list(matrix.choices.all())
    specials_used = [
        code
        for code in SPECIALS
        if any(
            n
            for row in rows
            for (_c, special, _a), n in figs.counts.get(row.pk, {}).items()
            if special == code
        )
    ]
    columns = [label_of(c, "label") for c in choices] + [
        (str(SPECIAL_LABELS[code]), None) for code in specials_used
    ]
    cells, totals = [], []
    for row in rows:
        counts = figs.counts.get(row.pk, {})
        by_choice, by_special = {}, {}
        for (choice_id, special, _area), n in counts.items():
            if choice_id:
                by_choice[choice_id] = by_choice.get(choice_id, 0) + n
            elif special:
                by_special[special] = by_special.get(special, 0) + n
        cells.append(
            [by_choice.get(c.pk, 0) for c in choices]
            + [by_special.get(code, 0) for code in specials_used]
        )
        totals.append(figs.answered.get(row.pk, 0))
    hidden = suppress(cells, totals, None, None) if public else None
    table_rows = []
    for i, row in enumerate(rows):
        text, lang = label_of(row, "text")
        row_hidden = hidden.rows[i] if hidden else None
        row_cells = []
        for j, count in enumerate(cells[i]):
            cell_hidden = hidden.cells[i][j] if hidden else None
            if row_hidden and count:
                cell_hidden = cell_hidden or PROTECT
            pct = None if cell_hidden or row_hidden else percent(count, totals[i])
            row_cells.append(
                {
                    "count": count,
                    "hidden": cell_hidden,
                    "pct": pct,
                    "text": cell_text(count, pct, cell_hidden, limit),
                }
            )
        table_rows.append(
            {
                "question": row,
                "label": text,
                "lang": lang,
                "answered": totals[i],
                "answered_hidden": row_hidden,
                "answered_text": cell_text(totals[i], None, row_hidden, limit),
                "shown": shown_count(figs.shown.get(row.pk, 0))
                if public
                else figs.shown.get(row.pk, 0),
                "cells": row_cells,
            }
        )
    chart = charts.stacked_chart(
        [{"label": r["label"], "cells": [c["pct"] for c in r["cells"]]} for r in table_rows],
        [label for label, _lang in columns],
    )
    best = None
    for r in table_rows:
        for j, c in enumerate(r["cells"]):
            if c["pct"] is not None and (best is None or c["pct"] > best[0]):
                best = (c["pct"], columns[j][0], r["label"])
    summary = (
        _("Largest share: “%(answer)s” for “%(row)s” (%(pct)s).")
        % {"answer": best[1], "row": best[2], "pct": f"{best[0]:.0f}%"}
        if best
        else _("No answers to show.")
    )
    return {
        "question": matrix,
        "kind": "matrix",
        "columns": [{"label": label, "lang": lang} for label, lang in columns],
        "rows": table_rows,
        "chart": chart,
        "summary": summary,
        "too_few": False,
    }


# --- Cross-tabs ------------------------------------------------------------------------

DIMENSIONS = [
    ("organization", gettext_lazy("Organization")),
    ("area", gettext_lazy("Community area")),
    ("language", gettext_lazy("Language finished in")),
    ("channel", gettext_lazy("Channel")),
    ("themes", gettext_lazy("Themes of the text answers")),
]


def dimension(key, questions, organizations):
    """A cross-tab dimension by its key: organization, area, language, channel or q:<code>."""
    found = make_dimension(key, questions, organizations)
    found.title = dimension_label(key, questions)
    return found


def make_dimension(key, questions, organizations):
    if key == "organization":
        categories = [(str(o.pk), o.name, None) for o in organizations.values()]
        return ResponseDimension(key, "organization_id", categories)
    if key == "area":
        categories = [(str(a.pk), a.name, None) for a in community_areas()]
        categories.append(("", _("No community area given"), None))
        return ResponseDimension(key, "area_id", categories)
    if key == "language":
        categories = [(code, language_name(code), None) for code in settings.CONTENT_LANGUAGES]
        return ResponseDimension(key, "language", categories)
    if key == "channel":
        categories = [(code, str(label), None) for code, label in Response.Channel.choices]
        return ResponseDimension(key, "channel", categories)
    if key == "themes":
        from .models import Theme

        themes = sorted(Theme.objects.all(), key=lambda t: (t.order, t.code))
        return ThemeDimension(key, [(str(t.pk), *label_of(t, "name")) for t in themes])
    code = key.removeprefix("q:")
    by_id = {q.pk: q for q in questions}
    question = next(q for q in questions if q.code == code)
    categories = [(str(c.pk), *label_of(c, "label")) for c in choices_of(question, by_id)]
    categories += [(special_key(s), str(SPECIAL_LABELS[s]), None) for s in SPECIALS]
    return QuestionDimension(key, question, categories)


def dimension_label(key, questions):
    names = dict(DIMENSIONS)
    if key in names:
        return str(names[key])
    code = key.removeprefix("q:")
    question = next(q for q in questions if q.code == code)
    return label_of(question, "text")[0]


def kept_categories(dimension, margin):
    """A question keeps every choice (an unchosen one is a finding), and its special answers
    when given; other dimensions keep the categories that have respondents."""
    if isinstance(dimension, QuestionDimension):
        return [c for c in dimension.categories if not c[0].startswith("s:") or margin.get(c[0])]
    return [c for c in dimension.categories if margin.get(c[0])]


def crosstab_table(data, rows, cols, pct, public):
    """The table a cross-tab page (and its CSV) shows."""
    limit = threshold()
    row_cats = kept_categories(rows, data["rows"])
    col_cats = kept_categories(cols, data["cols"])
    # Keys the labels do not know (a language no longer offered) still count.
    for margin, cats in ((data["rows"], row_cats), (data["cols"], col_cats)):
        known = {c[0] for c in cats}
        for key in sorted(k for k in margin if k not in known and margin[k]):
            cats.append((key, key, None))
    cells = [[data["cells"].get((r[0], c[0]), 0) for c in col_cats] for r in row_cats]
    row_totals = [data["rows"].get(r[0], 0) for r in row_cats]
    col_totals = [data["cols"].get(c[0], 0) for c in col_cats]
    total = data["total"]
    hidden = suppress(cells, row_totals, col_totals, total) if public else None
    too_few = bool(hidden and hidden.too_few)

    def show(count, cell_hidden, denominator, denominator_hidden):
        value = None
        if pct and not cell_hidden and not denominator_hidden:
            value = percent(count, denominator)
        return {
            "count": count,
            "hidden": cell_hidden,
            "pct": value,
            "count_text": cell_text(count, None, cell_hidden, limit),
            "pct_text": f"{value:.0f}%" if value is not None else ("–" if pct else ""),
        }

    body = []
    for i, r in enumerate(row_cats):
        row_hidden = hidden.rows[i] if hidden else None
        row_cells = []
        for j in range(len(col_cats)):
            cell_hidden = hidden.cells[i][j] if hidden else None
            col_hidden = hidden.cols[j] if hidden else None
            if pct == "row":
                row_cells.append(show(cells[i][j], cell_hidden, row_totals[i], row_hidden))
            else:
                row_cells.append(show(cells[i][j], cell_hidden, col_totals[j], col_hidden))
        total_cell = show(row_totals[i], row_hidden, total if pct == "col" else row_totals[i], None)
        if pct == "row":
            total_cell["pct_text"] = "100%" if not row_hidden else "–"
        body.append({"label": r[1], "lang": r[2], "cells": row_cells, "total": total_cell})
    total_hidden = hidden.total if hidden else None
    footer = []
    for j in range(len(col_cats)):
        col_hidden = hidden.cols[j] if hidden else None
        cell = show(col_totals[j], col_hidden, total if pct == "row" else col_totals[j], None)
        if pct == "col":
            cell["pct_text"] = "100%" if not col_hidden else "–"
        footer.append(cell)
    return {
        "row_key": rows.key,
        "col_key": cols.key,
        "row_title": rows.title,
        "col_title": cols.title,
        "columns": [{"label": c[1], "lang": c[2]} for c in col_cats],
        "body": body,
        "footer": footer,
        "total": show(total, total_hidden, total, total_hidden),
        "pct": pct,
        "too_few": too_few,
        "multiple": rows.several or cols.several,
    }


# --- Themes --------------------------------------------------------------------------------


def theme_table(themes, cells, totals, overall, by, organizations, public):
    """Theme frequencies as a table: one row per theme (tree order), one column per category
    of `by`, items (and people) per cell; small counts hidden in the public view."""
    limit = threshold()
    if by == "organization":
        categories = [(str(o.pk), o.name) for o in organizations]
    elif by == "area":
        categories = [(str(a.pk), a.name) for a in community_areas()] + [
            ("", _("No community area given"))
        ]
    elif by == "language":
        categories = [(code, language_name(code)) for code in settings.CONTENT_LANGUAGES]
    else:
        from .models import Source

        categories = [(str(value), str(label)) for value, label in Source.choices]
    used = {category for (_theme, category) in cells}
    categories = [c for c in categories if c[0] in used]
    shown_themes = [t for t in themes if t.pk in totals or not t.retired]
    counts = [[cells.get((t.pk, c[0]), (0, 0))[0] for c in categories] for t in shown_themes]
    row_totals = [totals.get(t.pk, (0, 0))[0] for t in shown_themes]
    # Items coded with several themes count once per theme: the margins are not sums, and
    # suppression treats them as shown totals all the same.
    hidden = suppress(counts, row_totals, None, overall[0]) if public else None
    rows = []
    for i, theme in enumerate(shown_themes):
        row_hidden = hidden.rows[i] if hidden else None
        rows.append(
            {
                "theme": theme,
                "cells": [
                    cell_text(count, None, hidden.cells[i][j] if hidden else None, limit)
                    for j, count in enumerate(counts[i])
                ],
                "total": cell_text(row_totals[i], None, row_hidden, limit),
                "people": None if public else totals.get(theme.pk, (0, 0))[1],
            }
        )
    return {
        "by": by,
        "categories": [label for _key, label in categories],
        "rows": rows,
        "too_few": bool(hidden and hidden.too_few),
    }


def themes_in_tree_order(themes):
    """Parents first, each followed by its sub-themes, with their depth for indentation."""
    children = {}
    for theme in themes:
        children.setdefault(theme.parent_id, []).append(theme)
    ordered = []

    def walk(parent, depth):
        for theme in sorted(children.get(parent, []), key=lambda t: (t.order, t.code)):
            theme.depth = depth
            ordered.append(theme)
            walk(theme.pk, depth + 1)

    walk(None, 0)
    known = {t.pk for t in ordered}
    # A sub-theme whose parent is retired still shows, at the top.
    ordered += [t for t in themes if t.pk not in known]
    return ordered
