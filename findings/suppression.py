"""Small-count suppression: what a table of counts may show to the public.

One rule for every page a city partner or the public sees (and the staff's "as the public
would see it" mode): a count from 1 to SMALL_COUNT_THRESHOLD - 1 is never shown. Primary
suppression hides those cells; complementary suppression then hides further cells until no
row or column with a shown total has exactly one hidden cell, so a hidden cell cannot be
worked out by subtracting the other cells from the total. Totals themselves are counts and
follow the same rule; a table whose grand total is under the threshold is not shown at all.

A cell hidden because it is small is shown as "<11"; a cell hidden only to protect another
is shown as a dash, since writing "<11" for it would be untrue.
"""

from dataclasses import dataclass, field

from django.conf import settings

SMALL = "small"  # hidden because 1 <= count < threshold
PROTECT = "protect"  # hidden so that a small cell cannot be recomputed


def threshold():
    return settings.SMALL_COUNT_THRESHOLD


@dataclass
class Suppressed:
    """Which parts of a table are hidden; `cells[i][j]`, `rows[i]`, `cols[j]` are None when
    shown, else SMALL or PROTECT. `too_few` hides the whole table."""

    cells: list
    rows: list = field(default_factory=list)
    cols: list = field(default_factory=list)
    total: str | None = None
    too_few: bool = False

    def cell(self, i, j):
        return self.too_few or self.cells[i][j] is not None

    def hidden_count(self):
        return sum(1 for row in self.cells for value in row if value is not None)


def is_small(value, limit):
    return value is not None and 0 < value < limit


def suppress(cells, row_totals=None, col_totals=None, total=None, limit=None):
    """Decide what of a table of counts may be shown.

    `cells` is a list of rows of counts; `row_totals`, `col_totals` and `total` are the
    margins the page shows (None where a page shows none). Margins need not equal the sums
    of cells (a multiple-choice question counts a respondent in several cells), but hiding
    treats them as if they might.
    """
    limit = threshold() if limit is None else limit
    n_rows = len(cells)
    n_cols = len(cells[0]) if cells else 0
    result = Suppressed(
        cells=[[SMALL if is_small(v, limit) else None for v in row] for row in cells],
        rows=[SMALL if is_small(v, limit) else None for v in (row_totals or [])],
        cols=[SMALL if is_small(v, limit) else None for v in (col_totals or [])],
        total=SMALL if is_small(total, limit) else None,
    )
    if total is not None and total < limit:
        result.too_few = True
        return result

    def protect_one(values, hidden, hide):
        """Hide the smallest shown value (non-zero first) among `values`; False if none."""
        candidates = [k for k, v in enumerate(values) if hidden[k] is None]
        if not candidates:
            return False
        nonzero = [k for k in candidates if values[k]] or candidates
        hide(min(nonzero, key=lambda k: (values[k], k)))
        return True

    changed = True
    while changed:
        changed = False
        # Each row (and column) whose total is shown has no single hidden cell.
        for i in range(n_rows):
            row_shown = row_totals is not None and result.rows[i] is None
            hidden = result.cells[i]
            if row_shown and sum(h is not None for h in hidden) == 1:

                def hide_cell(j, i=i):
                    result.cells[i][j] = PROTECT

                if not protect_one(cells[i], hidden, hide_cell):
                    result.rows[i] = PROTECT
                changed = True
        for j in range(n_cols):
            col_shown = col_totals is not None and result.cols[j] is None
            hidden = [result.cells[i][j] for i in range(n_rows)]
            if col_shown and sum(h is not None for h in hidden) == 1:

                def hide_cell(i, j=j):
                    result.cells[i][j] = PROTECT

                if not protect_one([cells[i][j] for i in range(n_rows)], hidden, hide_cell):
                    result.cols[j] = PROTECT
                changed = True
        # The margins add up to the grand total: the same rule among them.
        for margin, values in ((result.rows, row_totals), (result.cols, col_totals)):
            if values is None or total is None or result.total is not None:
                continue
            if sum(h is not None for h in margin) == 1:

                def hide_margin(k, margin=margin):
                    margin[k] = PROTECT

                if not protect_one(values, margin, hide_margin):
                    result.total = PROTECT
                changed = True
    return result


def shown_count(value, limit=None):
    """One count on its own (a base, a number of respondents): None when it must be hidden."""
    limit = threshold() if limit is None else limit
    return None if is_small(value, limit) else value
