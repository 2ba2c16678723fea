"""Idle slots against --time-limit, one line per preset, as a small SVG plot (matplotlib).

The same records give the same bytes: no date in the metadata, a fixed hash salt for the
ids matplotlib writes, text kept as text (no embedded glyphs that depend on the fonts
installed).
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path

from scheduler.atomic import write_atomic

Record = Mapping[str, object]


def curves(records: Sequence[Record]) -> dict[str, list[tuple[float, int]]]:
    """Per preset, (time limit, idle slots) of every record with both, by time limit."""
    out: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for r in records:
        limit, idle = r.get("time_limit"), r.get("idle_slots")
        if isinstance(limit, int | float) and isinstance(idle, int):
            out[str(r["preset"])].append((float(limit), idle))
    return {p: sorted(points) for p, points in sorted(out.items())}


def idle_svg(records: Sequence[Record]) -> str:
    """The SVG text of the plot: idle slots (y) against the time limit (x) per preset."""
    import matplotlib

    matplotlib.use("Agg")  # no display: files only
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"svg.hashsalt": "mission-bench", "svg.fonttype": "none",
                                "font.family": "sans-serif"}):
        figure = Figure(figsize=(5, 3.2))
        axes = figure.add_subplot()
        for preset, points in curves(records).items():
            axes.plot([t for t, _ in points], [i for _, i in points], marker="o",
                      label=preset)
        axes.set_xlabel("--time-limit (s)")
        axes.set_ylabel("idle slots")
        axes.set_title("Idle slots against the time given")
        axes.set_ylim(bottom=0)
        axes.grid(alpha=0.3)
        axes.legend(loc="best", fontsize="small")
        figure.tight_layout()
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()


def write_idle_plot(records: Sequence[Record], path: Path) -> None:
    """Write the plot of idle slots against the time limit to path, atomically."""
    write_atomic(path, idle_svg(records))
