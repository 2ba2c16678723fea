"""What the last export wrote, kept next to the output (OUT/.export-state.json).

For every calendar file and every UID in it: the SEQUENCE, a digest of the
content (without DTSTAMP and SEQUENCE), and the exact VEVENT text. A later
export keeps unchanged items byte-identical, raises SEQUENCE on changed ones,
and re-emits dropped ones as STATUS:CANCELLED with a raised SEQUENCE.

Format 4 keeps each distinct item once (most items are listed in several files:
the organiser's, a cluster's, a company's, its people's) and each file as its
title and the numbers of its items; it is read and written in about a second at
BIO-International scale. It also lists every file the tool wrote into OUT (calendars,
agendas, CSV, the index) with the digests of its last two versions, so that the tool
never overwrites or removes a file it did not write. Formats 3 (the same without the
files) and 2 (every item of every file) are still read.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from scheduler.errors import ExportError
from scheduler.schedule import write_atomic


def digest(data: bytes) -> str:
    """The digest of a file's (or an item's) bytes, as the state records it."""
    return hashlib.sha256(data).hexdigest()


STATE_FILE = ".export-state.json"
FORMAT = 4  # 3 (no list of files) and 2 (every item of every file) are still read
READ = (2, 3, FORMAT)
KEEP_DIGESTS = 2  # a file's last two versions: a kill between two writes leaves either


@dataclass
class ItemState:
    """One calendar item as last written."""

    sequence: int
    digest: str
    summary: str
    start: str  # local wall-clock start, as people read it
    order: str  # UTC start, to sort a file's items
    cancelled: bool
    text: str


@dataclass
class FileState:
    """One calendar file as last written: its title and items by UID."""

    title: str
    items: dict[str, ItemState] = field(default_factory=dict)


@dataclass
class ExportState:
    """Every calendar file of the last export of a mission."""

    mission: str
    files: dict[str, FileState] = field(default_factory=dict)
    format: int = field(default=FORMAT, compare=False)  # of the file it was read from
    # Every file the tool wrote into OUT (relative path) -> digests of its last versions.
    outputs: dict[str, list[str]] = field(default_factory=dict)
    note: str = field(default="", compare=False)  # how it was read, when not plainly

    def same_as(self, other: ExportState) -> bool:
        """Whether this state lists the very items and files of another (state_json writes
        both alike)."""
        if self.mission != other.mission or self.files.keys() != other.files.keys() or \
                self.outputs != other.outputs:
            return False
        for name, mine in self.files.items():
            theirs = other.files[name]
            if mine.title != theirs.title or list(mine.items) != list(theirs.items) or \
                    any(a is not b for a, b in zip(mine.items.values(), theirs.items.values(),
                                                   strict=True)):
                return False
        return True

    @property
    def empty(self) -> bool:
        """True when nothing was exported before."""
        return not self.files


def read_state(out: Path, mission: str) -> ExportState:
    """The state of the last export into OUT (an empty one of format 0 when there is none);
    DamagedState when it cannot be read."""
    path = out / STATE_FILE
    if not path.is_file():
        return ExportState(mission, format=0)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError(f"a JSON {type(data).__name__}, not an object")
        if data.get("mission") != mission:
            raise ExportError(f"{out} holds calendars of mission '{data.get('mission')}', "
                              f"not '{mission}'; choose another folder with -o")
        if data.get("format") not in READ:
            raise ValueError(f"unknown format {data.get('format')!r}")
        files = _files_v2(data) if data["format"] == 2 else _files(data)
        outputs = _outputs(data) if data["format"] == FORMAT else {}
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        raise DamagedState(f"{path} cannot be read ({str(exc)[:200]})") from None
    return ExportState(mission, files, data["format"], outputs)


class DamagedState(ExportError):
    """The state file exists but cannot be read; the published files can stand in for it."""


def _outputs(data: dict) -> dict[str, list[str]]:
    """The files written by the tool, each with the digests of its last versions."""
    outputs = data["outputs"]
    if not isinstance(outputs, dict):
        raise ValueError("outputs is not an object")
    return {str(name): [str(d) for d in digests] for name, digests in outputs.items()}


COLUMNS = ("uid", "sequence", "digest", "summary", "start", "order", "cancelled", "text")
Row = tuple[str, int, str, str, str, str, bool, str]  # an item's values of COLUMNS


def _files(data: dict) -> dict[str, FileState]:
    """The files of a format 3 state: items by column, files listing items by number."""
    columns = data["items"]
    uids = [str(uid) for uid in columns["uid"]]
    rows = zip(*(columns[name] for name in COLUMNS[1:]), strict=True)
    items = [ItemState(int(sequence), digest, summary, start, order, bool(cancelled), text)
             for sequence, digest, summary, start, order, cancelled, text in rows]
    if len(items) != len(uids):
        raise ValueError("item columns of different lengths")
    files = data["files"]
    return {name: FileState(title, {uids[i]: items[i] for i in numbers})
            for name, title, numbers in zip(files["name"], files["title"], files["items"],
                                            strict=True)}


def _files_v2(data: dict) -> dict[str, FileState]:
    """The files of a format 2 state (every item of every file, texts named by digest)."""
    texts: dict[str, str] = data["texts"]
    # an item listed in many files is read once: its (field, value) pairs -> the item
    made: dict[tuple[tuple[str, object], ...], ItemState] = {}
    files = {}
    for name, file in data["files"].items():
        items = {}
        for uid, item in file["items"].items():
            key = tuple(item.items())
            if key not in made:
                made[key] = ItemState(**{k: v for k, v in item.items() if k != "text_id"},
                                      text=texts[item["text_id"]])
            items[uid] = made[key]
        files[name] = FileState(file["title"], items)
    return files


def _column(values: list, one_a_line: bool = True) -> str:
    """A JSON array as json.dumps writes it (C speed), one value a line or all on one."""
    separator = ",\n   " if one_a_line else ","
    return json.dumps(values, ensure_ascii=False, separators=(separator, ": "))


def state_json(state: ExportState) -> str:
    """The state as deterministic JSON: each distinct item once, files list items by number.

    Items are stored by column (a text a line), which json writes and reads at C speed.
    """
    numbers: dict[tuple[int, str] | Row, int] = {}  # (id of the item, UID) or its row -> number
    rows: list[Row] = []
    names, titles, listed = [], [], []
    for name, file in sorted(state.files.items()):
        mine = []
        for uid, item in file.items.items():
            seen = (id(item), uid)
            if seen not in numbers:
                same = (uid, item.sequence, item.digest, item.summary, item.start, item.order,
                        item.cancelled, item.text)
                if same not in numbers:
                    numbers[same] = len(rows)
                    rows.append(same)
                numbers[seen] = numbers[same]
            mine.append(numbers[seen])
        names.append(name)
        titles.append(file.title)
        listed.append(mine)
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(COLUMNS)
    long = ("uid", "digest", "summary", "start", "order", "text")
    items = ",\n".join(f'  "{name}": {_column(list(column), name in long)}'
                       for name, column in zip(COLUMNS, columns, strict=True))
    files = ",\n".join([f'  "name": {_column(names)}', f'  "title": {_column(titles)}',
                        f'  "items": {_column(listed, False)}'])
    mission = json.dumps(state.mission, ensure_ascii=False)
    outputs = ",\n".join(f"  {json.dumps(name, ensure_ascii=False)}: {json.dumps(digests)}"
                         for name, digests in sorted(state.outputs.items()))
    return (f'{{"format": {FORMAT},\n "mission": {mission},\n "items": {{\n{items}\n }},\n'
            f' "files": {{\n{files}\n }},\n "outputs": {{\n{outputs}\n }}\n}}\n')


def remember(outputs: dict[str, list[str]], name: str, digest: str) -> None:
    """Record a file's new digest after its earlier ones (the last KEEP_DIGESTS kept)."""
    digests = outputs.get(name, [])
    if not digests or digests[-1] != digest:
        outputs[name] = [*[d for d in digests if d != digest], digest][-KEEP_DIGESTS:]


def write_state(out: Path, state: ExportState) -> Path:
    """Write OUT/.export-state.json atomically."""
    path = out / STATE_FILE
    write_atomic(path, state_json(state))
    path.chmod(0o644)
    return path
