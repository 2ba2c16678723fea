"""The impact report's charts as SVG, drawn by matplotlib without a display.

Readable in black and white: bars are grey levels with hatching, the heat map is a grey
scale with the count written in each cell. Repeatable: a fixed hash salt per chart (so the
ids of two charts on one page never clash), no date in the metadata, text kept as text.
"""

from __future__ import annotations

import io
import re
from typing import Any

from matplotlib import rc_context
from matplotlib.figure import Figure

from scheduler.outcomes.figures import Figures

WIDTH_IN = 7.2
STYLE: dict[Any, Any] = {"svg.fonttype": "none", "font.family": "DejaVu Sans", "font.size": 8,
         "axes.spines.top": False, "axes.spines.right": False, "hatch.linewidth": 0.6}
MAX_PAIRS_AXIS = 20  # countries on the heat map's axes; the rest are summed as "other"


def _svg(figure: Figure, name: str) -> str:
    """A figure as inline SVG: no XML prolog, no date, ids salted by the chart's name."""
    out = io.StringIO()
    with rc_context({**STYLE, "svg.hashsalt": f"mission-{name}"}):
        figure.savefig(out, format="svg", metadata={"Date": None}, bbox_inches="tight")
    text = out.getvalue()
    text = re.sub(r"^<\?xml[^>]*>\s*(<!DOCTYPE[^>]*>\s*)?", "", text)
    # matplotlib numbers its ids per figure (text_1, patch_2): prefix them per chart, so
    # the charts of one page never share an id
    prefix = re.sub(r"\W+", "-", name)
    text = re.sub(r'(id="|href="#|url\(#)', lambda m: f"{m[1]}{prefix}-", text)
    return text.replace("<svg ", f'<svg role="img" aria-label="{name}" ', 1)


def bars_per_day(rows: list[dict[str, object]], held_known: bool) -> str:
    """Planned (light grey) and held (dark grey, hatched) meetings per session-day."""
    with rc_context(STYLE):
        figure = Figure(figsize=(WIDTH_IN, 2.8))
        axes = figure.subplots()
        labels = [f"{row['session']}\n{row['day']}" for row in rows]
        xs = list(range(len(rows)))
        planned = [int(str(row["planned"])) for row in rows]
        width = 0.4 if held_known else 0.6
        axes.bar([x - width / 2 if held_known else x for x in xs], planned, width,
                 label="planned", color="#d0d0d0", edgecolor="#222", hatch="//")
        if held_known:
            held = [int(str(row["held_with_walk_ins"])) for row in rows]
            axes.bar([x + width / 2 for x in xs], held, width, label="held (with walk-ins)",
                     color="#505050", edgecolor="#000")
        axes.set_xticks(xs, labels)
        axes.set_ylabel("meetings")
        axes.legend(frameon=False)
        return _svg(figure, "meetings per session and day")


def heat_map(pairs: list[dict[str, object]]) -> str:
    """Meetings between countries: a symmetric grey-scale matrix with the counts written."""
    totals: dict[str, int] = {}
    for pair in pairs:
        for key in (str(pair["a"]), str(pair["b"])):
            totals[key] = totals.get(key, 0) + int(str(pair["meetings"]))
    names = sorted(totals, key=lambda k: (-totals[k], k))
    shown = sorted(names[:MAX_PAIRS_AXIS]) + (["other"] if len(names) > MAX_PAIRS_AXIS else [])
    index = {name: shown.index(name) if name in shown else len(shown) - 1 for name in names}
    grid = [[0] * len(shown) for _ in shown]
    for pair in pairs:
        a, b, n = index[str(pair["a"])], index[str(pair["b"])], int(str(pair["meetings"]))
        grid[a][b] += n
        if a != b:
            grid[b][a] += n
    with rc_context(STYLE):
        side = min(7.2, 3.0 + 0.3 * len(shown))
        figure = Figure(figsize=(side, side * 0.85))
        axes = figure.subplots()
        # a mesh of vector cells, not an image: the PDF pipeline fetches nothing, not even
        # a data: URL, and the counts are written in the cells, so no colour bar is needed
        axes.pcolormesh(grid or [[0]], cmap="Greys", vmin=0, edgecolors="#ffffff",
                        linewidth=0.5)
        axes.invert_yaxis()
        axes.set_aspect("equal")
        axes.set_xticks([k + 0.5 for k in range(len(shown))], shown, rotation=90)
        axes.set_yticks([k + 0.5 for k in range(len(shown))], shown)
        axes.set_xlabel("country")
        axes.set_ylabel("country")
        top = max((max(row) for row in grid), default=0)
        size = 9 if len(shown) <= 12 else 6  # the counts as large as the labels while they fit
        for y, row in enumerate(grid):
            for x, value in enumerate(row):
                if value:
                    axes.text(x + 0.5, y + 0.5, str(value), ha="center", va="center", fontsize=size,
                              color="white" if value > top / 2 else "black")
        return _svg(figure, "meetings between countries")


def distribution_bars(spread: list[list[int]]) -> str:
    """How many companies had 0, 1, 2, ... meetings."""
    with rc_context(STYLE):
        figure = Figure(figsize=(WIDTH_IN, 2.6))
        axes = figure.subplots()
        axes.bar([k for k, _ in spread], [n for _, n in spread], 0.7, color="#808080",
                 edgecolor="#000", hatch="..")
        axes.set_xticks([k for k, _ in spread])
        axes.set_xlabel("meetings")
        axes.set_ylabel("companies")
        return _svg(figure, "meetings per company")


def all_charts(figures: Figures) -> dict[str, str]:
    """The report's three charts by name."""
    rows = figures["per_session_day"]
    pairs = figures["country_pairs"]
    spread = figures["meetings_per_company_distribution"]
    assert isinstance(rows, list) and isinstance(pairs, list) and isinstance(spread, list)
    return {"per_day": bars_per_day(rows, bool(figures["outcomes"])),
            "countries": heat_map(pairs), "per_company": distribution_bars(spread)}
