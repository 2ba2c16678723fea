"""`mission impact DIR`: the impact report as HTML and A4 PDF, the figures as JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from scheduler.export.files import Publisher
from scheduler.export.pdf import pdf_bytes
from scheduler.meaning.clock import stamp
from scheduler.outcomes.charts import all_charts
from scheduler.outcomes.common import Mission, load
from scheduler.outcomes.figures import Figures, impact_figures
from scheduler.outcomes.model import read_outcomes
from scheduler.outcomes.tables import environment
from scheduler.schedule import percent

IMPACT_DIR = "impact"
MAX_ROWS = 60  # sector pairs shown in the report; all are in the CSV and JSON
MAX_COMPANIES = 200  # per-company wish rows shown in the report


def share(value: float | None) -> str:
    """A share as a percentage, '–' when there was nothing to divide."""
    return "–" if value is None else percent(value)


def impact_html(mission: Mission, figures: Figures) -> str:
    """The report as one self-contained HTML page (charts inline)."""
    env = environment()
    env.filters["share"] = share
    sectors = sorted(figures["sector_pairs"],  # type: ignore[call-overload]
                     key=lambda p: (-p["meetings"], p["a"], p["b"]))[:MAX_ROWS]
    wishes = figures["wishes"]
    assert isinstance(wishes, dict)
    return env.get_template("impact.html.j2").render(
        mission=mission.folder.mission, f=figures, charts=all_charts(figures),
        basis="held" if figures["outcomes"] else "planned",
        sectors=sectors, sectors_cut=len(sectors) < len(figures["sector_pairs"]),  # type: ignore[arg-type]
        wishes_cut=len(wishes["by_company"]) > MAX_COMPANIES,
        names={c.id: c.name for c in mission.folder.companies.values()},
        generated=mission.schedule.generated.isoformat(),
        footer=f"schedule of {stamp(mission.schedule.generated)} ({mission.fingerprint})")


def _key(prefix: str, item: dict[str, object]) -> tuple[str, dict[str, object]]:
    """A list entry's name in the CSV (its identifying fields) and the rest of its fields."""
    ids = [k for k in ("session", "day", "company", "a", "b") if k in item]
    name = ".".join([prefix, *(str(item[k]) for k in ids)])
    return name, {k: v for k, v in item.items() if k not in ids}


def flatten(value: object, prefix: str = "") -> list[tuple[str, object]]:
    """Every figure as (dotted name, value), lists named by what identifies their entries."""
    if isinstance(value, dict):
        return [row for k, v in value.items()
                for row in flatten(v, f"{prefix}.{k}" if prefix else str(k))]
    if isinstance(value, list) and value and isinstance(value[0], list):
        return [(f"{prefix}.{k}", n) for k, n in value]
    if isinstance(value, list):
        named = [_key(prefix, item) for item in value]
        return [row for name, rest in named for row in flatten(rest, name)]
    return [(prefix, value)]


def impact_csv(figures: Figures) -> str:
    """The figures as a two-column CSV: figure, value (empty where not known)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["figure", "value"])
    for name, value in flatten(figures):
        writer.writerow([name, "" if value is None else value])
    return out.getvalue()


def write_impact(path: Path, out: Path | None, pdf: bool = True) -> tuple[Figures, list[Path]]:
    """Write impact.html, impact.pdf, impact.json and impact.csv into OUT (default
    DIR/impact); the figures and the files written."""
    mission = load(path)
    figures = impact_figures(mission, read_outcomes(mission))
    html = impact_html(mission, figures)
    files = {"impact.json": json.dumps(figures, indent=2, ensure_ascii=False) + "\n",
             "impact.csv": impact_csv(figures), "impact.html": html}
    publisher = Publisher(out or path / IMPACT_DIR)
    written = [publisher.write(name, text.encode("utf-8")) for name, text in files.items()]
    if pdf:
        written.append(publisher.write("impact.pdf", pdf_bytes(html)))
    return figures, written


def run_impact(path: Path, out: Path | None) -> list[str]:
    """`mission impact`: write the report; the lines to print."""
    figures, written = write_impact(path, out)
    meetings = figures["meetings"]
    assert isinstance(meetings, dict)
    if figures["outcomes"]:
        summary = (f"{meetings['held_with_walk_ins']} meeting(s) held of {meetings['planned']} "
                   f"planned ({meetings['no_shows']} no-show(s), {meetings['cancelled']} "
                   f"cancelled, {meetings['walk_ins']} walk-in(s))")
    else:
        summary = (f"no outcomes.yaml yet: the report shows the plan ({meetings['planned']} "
                   "meeting(s) planned)")
    return [summary, f"wrote {len(written)} file(s) to {written[0].parent}"]
