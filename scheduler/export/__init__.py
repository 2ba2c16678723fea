"""Exporters: the only places that know output formats.

`export()` writes the requested formats into one folder and returns the files
written and what changed for whom since the last export. Each format lives in a
module of its own (ics, html, pdf, csv), imported only when asked for.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from scheduler.atomic import sweep
from scheduler.errors import ExportError
from scheduler.export.links import Links, Subscribe
from scheduler.export.options import ExportOptions
from scheduler.input.model import MissionFolder
from scheduler.schedule import Schedule, write_atomic

if TYPE_CHECKING:
    from scheduler.export.ics.state import ExportState

FORMATS = ("ics", "html", "pdf", "csv")
INDEX = "README.md"  # unless a README.md the tool did not write is there (see owned.py)
MAX_LISTED = 50  # files or changed calendars printed one by one, unless --verbose
SAY_FROM = 2000  # meetings from which a format takes seconds: progress says it


@dataclass
class ExportResult:
    """What an export wrote, and what changed for whom since the last one."""

    paths: list[Path] = field(default_factory=list)  # every file it produced
    unchanged: list[Path] = field(default_factory=list)  # of those, files already as made
    changes: list = field(default_factory=list)  # ics.ItemChange
    first: bool | None = None  # None when no calendars were exported
    removed: list[Path] = field(default_factory=list)  # files it wrote before, no longer made
    notes: list[str] = field(default_factory=list)  # e.g. the state rebuilt from the files
    index: Path | None = None  # the index written (OUT/README.md unless that is the user's)


def parse_formats(text: str) -> tuple[str, ...]:
    """'ics,csv' or 'all' -> formats in a fixed order; ExportError on an unknown one."""
    asked = [part.strip().lower() for part in text.split(",") if part.strip()]
    if "all" in asked:
        return FORMATS
    unknown = [a for a in asked if a not in FORMATS]
    if unknown or not asked:
        raise ExportError(f"unknown format {', '.join(unknown) or '(none)'}; "
                          f"choose from {', '.join(FORMATS)} or all")
    return tuple(f for f in FORMATS if f in asked)


def parse_alarm(text: str | None) -> int | None:
    """'10m', '1h', '1h30m' or '15' (minutes) -> minutes before the start; None for none."""
    if text is None or text.strip().lower() in ("", "none", "0", "off"):
        return None
    match = re.fullmatch(r"\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m?)?\s*", text.lower())
    if not match or not (match[1] or match[2]):
        raise ExportError(f"--alarm '{text}' is not a duration; write it like 10m, 1h or 1h30m")
    minutes = int(match[1] or 0) * 60 + int(match[2] or 0)
    if not 0 < minutes <= 7 * 24 * 60:
        raise ExportError(f"--alarm '{text}' must be between 1 minute and 7 days")
    return minutes


def describe_changes(result: ExportResult) -> list[str]:
    """'What changed for whom' since the last export, one line per calendar."""
    if result.first is None:
        return []
    if result.first:
        return ["first export into this folder: every calendar is new"]
    if not result.changes:
        return ["nothing changed since the last export"]
    by_whom: dict[str, list[str]] = {}
    for change in result.changes:
        by_whom.setdefault(change.whom, []).append(str(change))
    return [f"{whom}: " + "; ".join(items) for whom, items in by_whom.items()]


def report_lines(result: ExportResult, out: Path, verbose: bool = False,
                 files: bool = True) -> list[str]:
    """What the export commands print: each file written (or, past MAX_LISTED, how many
    and where the index is) and what changed for whom (past MAX_LISTED calendars, the
    first ones and how many more); verbose lists everything."""
    lines = [f"note: {note}" for note in result.notes]
    kept = set(result.unchanged)
    if files and (verbose or len(result.paths) <= MAX_LISTED):
        lines += [f"{'unchanged' if path in kept else 'wrote'} {path}" for path in result.paths]
    elif files:
        lines += [f"{written_count(result)} to {out}; see {result.index or out / INDEX} "
                  "for whom to send each to"]
    lines += [f"removed {path} (no longer produced)" for path in result.removed]
    changes = describe_changes(result)
    if not verbose and len(changes) > MAX_LISTED:
        more = len(changes) - MAX_LISTED
        changes = changes[:MAX_LISTED] + [f"... and {more} more calendars changed "
                                          "(--verbose lists them all)"]
    return lines + changes


def written_count(result: ExportResult) -> str:
    """'wrote 3 files (45 unchanged)': files rewritten, and those already as made."""
    kept = len(set(result.unchanged))
    return f"wrote {len(result.paths) - kept} files" + (f" ({kept} unchanged)" if kept else "")


def _writer(fmt: str):
    """The write_<fmt> function of a format's module, imported on demand."""
    try:
        module = importlib.import_module(f"scheduler.export.{fmt}")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("scheduler"):
            raise ExportError(f"the {fmt} export is not available in this version") from None
        raise ExportError(f"the {fmt} export needs the package '{exc.name}'; "
                          f"install it with pip") from None
    writer = getattr(module, f"write_{fmt}", None)
    if writer is None:
        raise ExportError(f"the {fmt} export is not available in this version")
    return writer


def check_mission(folder: MissionFolder, schedule: Schedule) -> None:
    """The schedule belongs to this mission."""
    if schedule.mission != folder.mission.id:
        raise ExportError(f"schedule.json is for mission '{schedule.mission}', "
                          f"not '{folder.mission.id}'; run `mission schedule` again")
    sessions = {s.id for s in folder.mission.partnering}
    stale = sorted({m.session for m in schedule.meetings if m.session not in sessions})
    if stale:
        raise ExportError(f"schedule.json has meetings in session(s) {', '.join(stale)} that "
                          "mission.yaml no longer has; run `mission schedule` again")
    out = sorted({c for m in schedule.meetings for c in m.companies} - set(folder.companies))
    if out:
        why = [folder.withdrawn[c].withdrawal if c in folder.withdrawn else
               f"{c} is no longer in the mission" for c in out]
        raise ExportError(f"schedule.json has meetings of {', '.join(out)} ({'; '.join(why)}); "
                          "run `mission schedule` again")


def export(folder: MissionFolder, schedule: Schedule, out: Path,
           options: ExportOptions, progress: Callable[[str], None] | None = None
           ) -> ExportResult:
    """Write every requested format into OUT and an index of the files; say each format
    to progress when the schedule is large enough for it to take seconds."""
    from scheduler.export.files import kept_files

    with kept_files() as kept:
        result = _export(folder, schedule, out, options, progress)
    result.unchanged += kept
    return result


def _export(folder: MissionFolder, schedule: Schedule, out: Path,
            options: ExportOptions, progress: Callable[[str], None] | None) -> ExportResult:
    """export(), the files left as they were collected by the caller."""
    from scheduler.export.ics.published import load_state
    from scheduler.export.ics.state import FORMAT, ExportState, digest, remember, write_state
    from scheduler.export.owned import adopt_earlier, remove_stale

    check_mission(folder, schedule)
    options = replace(options, links=replace(options.links, mission=folder.mission.id))
    links = options.links
    result = ExportResult()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create {out}: {exc.strerror}") from None
    sweep(out, recursive=True)  # temporary files of a killed export
    old = load_state(out, folder.mission.id, folder.mission.timezone)
    adopt_earlier(out, old)  # agendas of exports whose state listed no files
    names = _index_names(out, old, links, result)  # before anything is written
    # The state as it is on disk once the calendars are written (they write it first).
    state, rows = old, []
    say = progress if progress and len(schedule.meetings) >= SAY_FROM else None
    for fmt in options.formats:
        if say:
            say(f"writing {fmt} files for {len(folder.companies)} companies into {out}")
        if fmt == "ics":
            from scheduler.export.ics.writer import write_ics

            ics = write_ics(folder, schedule, out, options.alarm_minutes, old, links)
            state = ics.state
            result.paths += ics.paths
            result.changes, result.first = ics.changes, ics.first
            result.notes += _moved(old, state)
            rows += [(a.name, a.title, f"{a.send_to} ({_items(n, cancelled)})")
                     for a, n, cancelled in ics.audiences]
        else:
            written = _writer(fmt)(folder, schedule, out, options)
            result.paths += written
            rows += [(_relative(p, out), fmt.upper(), "") for p in written]
    if "ics" not in options.formats:
        rows = _earlier_calendars(folder, old, out) + rows
    rows += _earlier_outputs(old, out, options.formats)
    final = ExportState(state.mission, state.files, outputs=dict(state.outputs))
    _record(final, result.paths, out)
    texts = {names[0]: index_text(folder, rows, links)}
    texts.update({page: _index_page(folder, rows, links) for page in names[1:]})
    for name, text in texts.items():
        remember(final.outputs, name, digest(text.encode("utf-8")))
    produced = {_relative(path, out) for path in result.paths} | set(texts)
    result.removed, notes = remove_stale(out, final, produced, options.formats)
    result.notes += notes
    if not (state.format == FORMAT and final.same_as(state)):  # the index is recorded first:
        write_state(out, final)  # killed before it is written, the old one is still known
    written = [write_index(out, name, text) for name, text in texts.items()]
    result.index = written[0][0]
    result.paths += [path for path, _ in written]
    result.unchanged += [path for path, same in written if same]
    return result


def _index_names(out: Path, old: ExportState, links: Links, result: ExportResult
                 ) -> list[str]:
    """Where the index goes (and its web page, with a base URL), noting a file left alone."""
    from scheduler.export.owned import HTML_INDEX, OTHER_HTML_INDEX, index_name

    index, foreign = index_name(out, old)
    page, foreign_page = index_name(out, old, (HTML_INDEX, OTHER_HTML_INDEX)) \
        if links.base_url else ("", "")
    result.notes += [note for note in (old.note, foreign, foreign_page) if note]
    if links.secret:
        verb = "list" if page else "lists"
        result.notes.append(f"{' and '.join(n for n in (index, page) if n)} {verb} every "
                            "private link: publish only the folders named by their codes")
    return [index, page] if page else [index]


def _record(state: ExportState, paths: list[Path], out: Path) -> None:
    """Remember the digest of each file written but the calendars (recorded as made)."""
    from scheduler.export.ics.state import remember
    from scheduler.export.owned import file_digest

    for path in paths:
        if path.suffix != ".ics":
            found = file_digest(path)
            if found:
                remember(state.outputs, _relative(path, out), found)


def _index_page(folder: MissionFolder, rows: list[tuple[str, str, str]], links: Links) -> str:
    """The index as a web page, with each calendar's subscription links."""
    from scheduler.export.html import index_html

    return index_html(folder, [(name, title, to, _subscribe(name, links))
                               for name, title, to in rows],
                      PRIVATE_WARNING if links.secret else "")


def _subscribe(name: str, links: Links) -> Subscribe | None:
    """The subscription links of a calendar row (None for other files, or unpublished)."""
    url = links.url(name) if name.endswith(".ics") else ""
    return Subscribe(url) if url else None


def _moved(old: ExportState, new: ExportState) -> list[str]:
    """A note when calendars moved to other paths (private links turned on or off, or
    another secret): the links given out before no longer reach them."""
    from scheduler.export.links import plain

    before = {plain(name): name for name in old.files}
    moved = sum(before.get(plain(name), name) != name for name in new.files)
    return [f"{moved} calendar(s) moved to new paths (--private-links or its secret changed); "
            "links given out before no longer reach them"] if moved else []


def _items(active: int, cancelled: int) -> str:
    """'5 items', or '2 items, 3 cancelled' for a calendar that cancels some."""
    return f"{active} items" + (f", {cancelled} cancelled" if cancelled else "")


def _earlier_calendars(folder: MissionFolder, state: ExportState, out: Path
                       ) -> list[tuple[str, str, str]]:
    """Index rows for the calendars an earlier export left in OUT, so the index keeps them,
    with whom to send each to as the mission says now."""
    from scheduler.export.ics.events import audiences

    send_to = {a.name: a.send_to for a in audiences(folder)}
    return [(name, f.title, send_to.get(name, "(from the last calendar export)"))
            for name, f in sorted(state.files.items()) if (out / name).is_file()]


def _earlier_outputs(state: ExportState, out: Path, formats: tuple[str, ...]
                     ) -> list[tuple[str, str, str]]:
    """Index rows for the agendas, report, signs and CSV an earlier export left in OUT in
    formats not asked for this time (they may show an older schedule)."""
    from scheduler.export.owned import FORMAT_OF, INDEXES

    kinds = {name: FORMAT_OF.get(Path(name).suffix) for name in state.outputs
             if name not in INDEXES}
    return [(name, f"{kind.upper()} (from an earlier export)", "")
            for name, kind in sorted(kinds.items())
            if kind and kind != "ics" and kind not in formats and (out / name).is_file()]


def _relative(path: Path, out: Path) -> str:
    """A written path relative to OUT (as given when outside)."""
    try:
        return path.relative_to(out).as_posix()
    except ValueError:
        return str(path)


# Markdown's own characters escaped with a backslash; < and > as entities, which every
# Markdown reads as text (an escaped & is not needed: an entity in a name stays text).
_MARKDOWN = str.maketrans({c: f"\\{c}" for c in "\\`*_[]|#"} | {"<": "&lt;", ">": "&gt;"})


def _cell(text: str) -> str:
    """Text taken from names, shown as written in Markdown and never read as markup or HTML:
    line breaks and other control characters become spaces."""
    return "".join(c if c.isprintable() else " " for c in text).translate(_MARKDOWN)


def _link(name: str) -> str:
    """A file name relative to OUT as a Markdown link target."""
    return quote(name, safe="/")


def _subscribe_cell(name: str, title: str, links: Links) -> str:
    """The Markdown links to subscribe to a calendar ('' for other files)."""
    found = _subscribe(name, links)
    if found is None:
        return ""
    return " · ".join(f"[{label}](<{url}>)" for label, url in (
        ("webcal", found.webcal), ("Google", found.google),
        ("Outlook.com", found.outlook(title)), ("Microsoft 365", found.outlook(title, True))))


PRIVATE_WARNING = ("Keep this index to yourself: it lists every private link. Publish only "
                   "the folders named by their codes, never this file, index.html, "
                   "report.html, meetings.csv or .export-state.json.")


def index_text(folder: MissionFolder, rows: list[tuple[str, str, str]],
               links: Links | None = None) -> str:
    """The index: every file written, whom it is for, whom to send it to, and with a base
    URL how to subscribe to each calendar."""
    mission = folder.mission
    lines = [f"# {_cell(mission.title)}: calendars and agendas", "",
             "Send each person their own calendar file (`people/`); companies and cluster "
             "managers get theirs; the organiser file holds everything.",
             "Calendar apps take a file as a first import; later updates reach people "
             "through a subscription (webcal/https) or CalDAV, where the same UIDs and "
             "raised SEQUENCE numbers update events in place.", ""]
    if links and links.secret:
        lines[4:4] = ["", f"**{PRIVATE_WARNING}**"]  # line 3 stays the index's own
    if not (links and links.base_url):  # without links, the index stays as it always was
        lines += ["| File | For | Send to |", "|---|---|---|"]
        lines += [f"| [{_cell(name)}]({_link(name)}) | {_cell(title)} | {_cell(to)} |"
                  for name, title, to in rows]
        return "\n".join(lines) + "\n"
    lines += ["| File | For | Send to | Subscribe |", "|---|---|---|---|"]
    lines += [f"| [{_cell(name)}]({_link(name)}) | {_cell(title)} | {_cell(to)} | "
              f"{_subscribe_cell(name, title, links)} |" for name, title, to in rows]
    return "\n".join(lines) + "\n"


def write_index(out: Path, name: str, text: str) -> tuple[Path, bool]:
    """Write the index (OUT/README.md, or the other name when README.md is the user's),
    and whether it held these bytes already. It is written even then: an export into a
    folder it cannot write says so, even when nothing changed."""
    path = out / name
    try:
        same = path.is_file() and not path.is_symlink() and path.read_bytes() == text.encode()
    except OSError:
        same = False
    write_atomic(path, text)
    path.chmod(0o644)
    return path, same
