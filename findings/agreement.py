"""Agreement between two coders: Cohen's kappa per theme over the items both coded."""

from dataclasses import dataclass

FLAG_BELOW = 0.6


@dataclass
class Agreement:
    both: int  # items both coders gave the theme
    first_only: int
    second_only: int
    neither: int
    kappa: float | None  # None when it is undefined (every item in one cell)

    @property
    def items(self):
        return self.both + self.first_only + self.second_only + self.neither

    @property
    def flagged(self):
        return self.kappa is not None and self.kappa < FLAG_BELOW


def cohen_kappa(both, first_only, second_only, neither):
    """Cohen's kappa of a 2x2 table: (observed - chance agreement) / (1 - chance)."""
    total = both + first_only + second_only + neither
    if not total:
        return None
    observed = (both + neither) / total
    first_yes = (both + first_only) / total
    second_yes = (both + second_only) / total
    chance = first_yes * second_yes + (1 - first_yes) * (1 - second_yes)
    if chance == 1:
        return None
    return (observed - chance) / (1 - chance)


def agreement(first, second, items):
    """Per theme: `first` and `second` map an item to the set of its theme ids; `items` are
    the items both coders finished."""
    themes = set()
    for item in items:
        themes |= first.get(item, set()) | second.get(item, set())
    result = {}
    for theme in themes:
        cells = [0, 0, 0, 0]
        for item in items:
            a, b = theme in first.get(item, set()), theme in second.get(item, set())
            cells[0 if a and b else 1 if a else 2 if b else 3] += 1
        result[theme] = Agreement(*cells, kappa=cohen_kappa(*cells))
    return result
