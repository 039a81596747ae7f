"""Cohen's kappa against worked examples with known values."""

import pytest

from findings.agreement import agreement, cohen_kappa


def test_kappa_of_the_textbook_example():
    # 50 items: both yes 20, first only 5, second only 10, both no 15 (Wikipedia's example).
    assert cohen_kappa(20, 5, 10, 15) == pytest.approx(0.4)


def test_kappa_of_perfect_agreement_is_one():
    assert cohen_kappa(7, 0, 0, 13) == pytest.approx(1.0)


def test_kappa_at_chance_is_zero():
    # Each coder says yes half the time, independently: agreement equals chance.
    assert cohen_kappa(25, 25, 25, 25) == pytest.approx(0.0)


def test_kappa_below_chance_is_negative():
    assert cohen_kappa(0, 10, 10, 0) == pytest.approx(-1.0)


def test_kappa_is_undefined_when_every_item_sits_in_one_cell():
    assert cohen_kappa(0, 0, 0, 9) is None
    assert cohen_kappa(0, 0, 0, 0) is None


def test_agreement_per_theme_counts_the_items_both_coded():
    items = ["a", "b", "c", "d"]
    first = {"a": {1, 2}, "b": {1}, "c": set(), "d": {2}}
    second = {"a": {1}, "b": {1}, "c": {2}, "d": {2}}
    result = agreement(first, second, items)
    assert (result[1].both, result[1].first_only, result[1].second_only, result[1].neither) == (
        2,
        0,
        0,
        2,
    )
    assert result[1].kappa == pytest.approx(1.0)
    # Theme 2: both on d, first only on a, second only on c, neither on b: kappa 0.
    assert result[2].kappa == pytest.approx(0.0)
    assert result[2].flagged
    assert not result[1].flagged
