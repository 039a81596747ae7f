"""Small-count suppression: no count from 1 to the threshold minus one is ever shown, and no
hidden cell can be recomputed from its row or column and the totals."""

from hypothesis import given, settings
from hypothesis import strategies as st

from findings.suppression import PROTECT, SMALL, shown_count, suppress

LIMIT = 11


@st.composite
def tables(draw):
    n_rows = draw(st.integers(1, 6))
    n_cols = draw(st.integers(1, 6))
    # Mostly small and zero counts, where suppression has work to do.
    count = st.one_of(st.integers(0, 12), st.integers(0, 200))
    cells = [[draw(count) for _ in range(n_cols)] for _ in range(n_rows)]
    return cells


def margins(cells):
    rows = [sum(row) for row in cells]
    cols = [sum(column) for column in zip(*cells, strict=True)]
    return rows, cols, sum(rows)


def assert_safe(cells, result, rows, cols, total):
    if result.too_few:
        assert total < LIMIT
        return
    for i, row in enumerate(cells):
        for j, value in enumerate(row):
            if result.cells[i][j] is None:
                assert not 0 < value < LIMIT, (i, j, value)
            else:
                assert result.cells[i][j] in (SMALL, PROTECT)
    for values, hidden in ((rows, result.rows), (cols, result.cols)):
        for value, mark in zip(values, hidden, strict=True):
            if mark is None:
                assert not 0 < value < LIMIT
    # A row (column) whose total is shown never has exactly one hidden cell.
    for i, row in enumerate(result.cells):
        hidden = sum(mark is not None for mark in row)
        assert hidden != 1 or result.rows[i] is not None, (i, row)
    for j in range(len(cells[0])):
        hidden = sum(result.cells[i][j] is not None for i in range(len(cells)))
        assert hidden != 1 or result.cols[j] is not None, j
    # Nor do the margins, while the grand total is shown.
    if result.total is None:
        assert sum(mark is not None for mark in result.rows) != 1
        assert sum(mark is not None for mark in result.cols) != 1


@settings(max_examples=400, deadline=None)
@given(tables())
def test_suppressed_tables_hide_small_counts_and_cannot_be_recomputed(cells):
    rows, cols, total = margins(cells)
    result = suppress(cells, rows, cols, total, limit=LIMIT)
    assert_safe(cells, result, rows, cols, total)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 40), min_size=1, max_size=8))
def test_one_way_tables_hide_small_counts_and_a_partner(counts):
    total = sum(counts)
    result = suppress([[c] for c in counts], None, [total], total, limit=LIMIT)
    if total < LIMIT:
        assert result.too_few
        return
    shown = [c for c, mark in zip(counts, result.cells, strict=True) if mark[0] is None]
    assert all(not 0 < c < LIMIT for c in shown)
    hidden = len(counts) - len(shown)
    assert hidden != 1


def test_a_single_small_cell_takes_the_smallest_other_cell_with_it():
    result = suppress([[5, 30, 20]], [55], [5, 30, 20], 55, limit=LIMIT)
    assert result.cells == [[SMALL, None, PROTECT]]
    # Column totals equal the cells here: the 20 would give the cell away, so it goes too.
    assert result.cols == [SMALL, None, PROTECT]


def test_a_table_under_the_threshold_is_not_shown():
    result = suppress([[3, 4]], [7], [3, 4], 7, limit=LIMIT)
    assert result.too_few


def test_large_counts_and_zeros_are_shown():
    result = suppress([[0, 40], [25, 12]], [40, 37], [25, 52], 77, limit=LIMIT)
    assert result.hidden_count() == 0


def test_a_lone_count_is_hidden_when_small():
    assert shown_count(4, limit=LIMIT) is None
    assert shown_count(0, limit=LIMIT) == 0
    assert shown_count(11, limit=LIMIT) == 11
