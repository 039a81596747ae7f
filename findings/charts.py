"""Chart geometry for server-rendered SVG (templates findings/charts/*.svg).

No chart library: the charts are plain bars, drawn by a template from the numbers computed
here, so they pass the Content-Security-Policy, print, and need no JavaScript. Colours come
from the Okabe-Ito palette (safe for colour-blind readers), ordered so that neighbouring
segments differ in lightness too and stay apart in grayscale; every bar also carries its
number, and a data table follows each chart.
"""

WIDTH = 640
BAR_HEIGHT = 22
LABEL_HEIGHT = 18
ROW_GAP = 10
# (fill, text colour on it): dark and light alternate.
PALETTE = [
    ("#0c4a7a", "#ffffff"),
    ("#e69f00", "#000000"),
    ("#5a3d78", "#ffffff"),
    ("#56b4e9", "#000000"),
    ("#a6400b", "#ffffff"),
    ("#f0e442", "#000000"),
    ("#00704f", "#ffffff"),
    ("#cc79a7", "#000000"),
    ("#3b3b3b", "#ffffff"),
    ("#bbbbbb", "#000000"),
]


def colour(index):
    return PALETTE[index % len(PALETTE)]


def percent_text(value):
    return f"{value:.0f}%"


def bar_chart(rows):
    """Horizontal bars, one per row: [{"label", "pct" (0-100 or None when hidden), "text"}]."""
    items, y = [], 0
    plot = WIDTH - 60
    for row in rows:
        pct = row["pct"]
        width = 0 if pct is None else plot * pct / 100
        items.append(
            {
                "label": row["label"],
                "label_y": y + LABEL_HEIGHT - 5,
                "bar_y": y + LABEL_HEIGHT,
                "width": round(width, 1),
                "text": row["text"],
                "text_x": round(width + 6, 1),
                "text_y": y + LABEL_HEIGHT + BAR_HEIGHT - 6,
            }
        )
        y += LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    return {
        "width": WIDTH,
        "height": max(y, 1),
        "bar_height": BAR_HEIGHT,
        "fill": PALETTE[0][0],
        "items": items,
    }


def stacked_chart(rows, columns):
    """100%-stacked bars: one bar per row, one segment per column (in column order).

    `rows`: [{"label", "cells": [pct or None]}]; `columns`: [label]. A hidden cell draws no
    segment; the bar then shows what may be shown."""
    items, y = [], 0
    for row in rows:
        x, segments = 0.0, []
        for index, pct in enumerate(row["cells"]):
            if not pct:
                continue
            width = WIDTH * pct / 100
            fill, ink = colour(index)
            segments.append(
                {
                    "x": round(x, 1),
                    "width": round(width, 1),
                    "fill": fill,
                    "ink": ink,
                    # Only a segment wide enough for its number carries it inside.
                    "text": percent_text(pct) if width >= 34 else "",
                    "text_x": round(x + width / 2, 1),
                    "title": f"{columns[index]}: {percent_text(pct)}",
                }
            )
            x += width
        items.append(
            {
                "label": row["label"],
                "label_y": y + LABEL_HEIGHT - 5,
                "bar_y": y + LABEL_HEIGHT,
                "text_y": y + LABEL_HEIGHT + BAR_HEIGHT - 6,
                "segments": segments,
            }
        )
        y += LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    legend = [
        {"label": label, "fill": colour(index)[0], "index": index}
        for index, label in enumerate(columns)
    ]
    return {
        "width": WIDTH,
        "height": max(y, 1),
        "bar_height": BAR_HEIGHT,
        "items": items,
        "legend": legend,
    }
