"""The `mission suggest` and `mission wishes` commands below the CLI: load, run, say what."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from click._termui_impl import ProgressBar

from scheduler.errors import rel
from scheduler.gcpause import freeze_if_large
from scheduler.input.model import MissionFolder
from scheduler.load.loader import load_mission
from scheduler.meaning.wishes import blocked_pairs as never_meet
from scheduler.suggest.evaluate import evaluate as run_evaluation
from scheduler.suggest.rank import Pair
from scheduler.suggest.sheets import write_sheets
from scheduler.suggest.suggestions import suggest, text_lines
from scheduler.suggest.wishimport import import_sheets
from scheduler.suggest.write import write_matches

PROGRESS_FROM = 500  # companies from which a progress bar is shown
SHEETS_FROM = 50  # companies from which writing their sheets shows one


def blocked_pairs(folder: MissionFolder) -> frozenset[Pair]:
    """Pairs never to suggest: declined by one of the two, or excluded by the organiser."""
    return frozenset(never_meet(folder))


@contextmanager
def progress(total: int, label: str, start: int = PROGRESS_FROM
             ) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr for big missions, else nothing."""
    if total < start:
        yield None
        return
    bar: ProgressBar[int] = click.progressbar(length=total, label=label, file=sys.stderr)
    with bar:
        yield bar.update


def _load(folder: Path) -> MissionFolder:
    """The loaded mission (input errors raise, listed by file:line:col)."""
    mission, _ = load_mission(folder)
    freeze_if_large(len(mission.companies))
    return mission


def run_suggest(folder: Path, companies: list[str], top: int, write: bool, evaluate: bool,
                as_json: bool) -> list[str]:
    """The output lines of `mission suggest`."""
    if evaluate and (write or companies):
        raise click.UsageError("--evaluate ranks every company; use it without --write and "
                               "--company")
    mission = _load(folder)
    blocked = blocked_pairs(mission)
    if evaluate:
        wishes = sum(len(c.wants_to_meet) for c in mission.companies.values())
        with progress(wishes, "evaluating") as tick:
            result = run_evaluation(mission, blocked, tick)
        return [json.dumps(result.as_dict())] if as_json else result.lines()
    total = len(companies) or len(mission.companies)
    with progress(total, "ranking") as tick:
        found = suggest(mission, companies or None, top, blocked, tick)
    lines = ([json.dumps([s.as_dict() for s in found], indent=1, ensure_ascii=False)]
             if as_json else text_lines(mission, found))
    if write:
        added = write_matches(folder, mission, found)
        note = f"added {len(added)} suggested match(es) to {rel(folder / 'mission.yaml')}"
        note = note if added else "no new suggestion to add to mission.yaml"
        unclear = len({frozenset((s.company, s.partner)) for s in found if not s.clear})
        if unclear:
            note += (f"; {unclear} pair(s) with no clear match left out (add them by hand "
                     "if you want them)")
        if as_json:  # stdout stays one JSON document
            click.echo(note, err=True)
        else:
            lines.append(note)
    return lines


def run_wishes(folder: Path, out: Path | None, side: str | None, sheets: list[Path]
               ) -> list[str]:
    """The output lines of `mission wishes`."""
    if (out is None) == (not sheets):
        raise click.UsageError("give either --out SHEETS/ (write the sheets) or --import "
                               "SHEETS/*.xlsx (read them back)")
    mission = _load(folder)
    blocked = blocked_pairs(mission)
    if out is not None:
        with progress(len(mission.companies), "writing wish sheets", SHEETS_FROM) as tick:
            written = write_sheets(mission, out, side, blocked, tick)
        return [f"wrote {len(written)} wish sheet(s) to {rel(out)}"]
    merged = import_sheets(mission, folder, sorted(sheets), blocked)
    lines = [str(p) for p in merged.warnings]
    lines += [f"{company}: new wish to meet {wish.partner} ({wish.priority})"
              for company, wish in merged.added]
    lines += [f"{company}: {partner} {what} {old or '(none)'} -> {new}"
              for company, partner, what, old, new in merged.changed]
    lines.append(f"{len(merged.added)} wish(es) added, {len(merged.changed)} value(s) of "
                 f"existing wishes changed, from {len(sheets)} sheet(s)")
    return lines
