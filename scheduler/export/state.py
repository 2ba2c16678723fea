"""What the last export wrote, kept next to the output (OUT/.export-state.json).

For every calendar file and every UID in it: the SEQUENCE, a digest of the
content (without DTSTAMP and SEQUENCE), and the exact VEVENT text. A later
export keeps unchanged items byte-identical, raises SEQUENCE on changed ones,
and re-emits dropped ones as STATUS:CANCELLED with a raised SEQUENCE.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from pathlib import Path

from scheduler.errors import ExportError
from scheduler.schedule import write_atomic

STATE_FILE = ".export-state.json"
FORMAT = 2


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

    @property
    def empty(self) -> bool:
        """True when nothing was exported before."""
        return not self.files


def read_state(out: Path, mission: str) -> ExportState:
    """The state of the last export into OUT, or an empty one."""
    path = out / STATE_FILE
    if not path.is_file():
        return ExportState(mission)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("mission") != mission:
            raise ExportError(f"{out} holds calendars of mission '{data.get('mission')}', "
                              f"not '{mission}'; choose another folder with -o")
        texts = data["texts"]
        files = {name: FileState(f["title"], {uid: _item(item, texts)
                                              for uid, item in f["items"].items()})
                 for name, f in data["files"].items()}
    except (ValueError, KeyError, TypeError) as exc:
        raise ExportError(f"{path} is damaged ({exc}); delete it to start afresh "
                          "(calendar apps will then see every item as new)") from None
    return ExportState(mission, files)


def _item(data: dict, texts: dict[str, str]) -> ItemState:
    """An ItemState from its JSON, its text looked up by digest."""
    return ItemState(**{k: v for k, v in data.items() if k != "text_id"},
                     text=texts[data["text_id"]])


def _text_id(text: str) -> str:
    """A short digest naming an item text in the state's table of texts."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def _fields(item: ItemState, text_id: str) -> dict:
    """An item's JSON fields, its text named by id (what asdict gives, without the copying)."""
    return {"sequence": item.sequence, "digest": item.digest, "summary": item.summary,
            "start": item.start, "order": item.order, "cancelled": item.cancelled,
            "text_id": text_id}


def _key(text: str) -> str:
    """A JSON string as json.dumps writes it (ensure_ascii off)."""
    return encode_basestring(text)


def _item_json(fields: dict) -> str:
    """An item's fields as json.dumps(indent=1, sort_keys=True) writes them at depth 4."""
    values = {k: "true" if v is True else "false" if v is False else
              str(v) if isinstance(v, int) else _key(v) for k, v in fields.items()}
    return _object(sorted(values.items()), 4)


def _object(entries: list[tuple[str, str]], level: int) -> str:
    """A JSON object of already written values, as json.dumps(indent=1) lays it out."""
    if not entries:
        return "{}"
    inner = " " * (level + 1)
    return "{\n" + ",\n".join(f"{inner}{_key(k)}: {v}" for k, v in entries) + \
        "\n" + " " * level + "}"


def state_json(state: ExportState) -> str:
    """The state as deterministic JSON; texts shared by several files are stored once.

    Laid out as json.dumps(indent=1, sort_keys=True, ensure_ascii=False) would, but
    each distinct item is written once however many files hold it.
    """
    ids: dict[str, str] = {}  # text -> id: each distinct text hashed once
    written: dict[tuple, str] = {}
    files = []
    for name in sorted(state.files):
        items = []
        for uid in sorted(state.files[name].items):
            item = state.files[name].items[uid]
            if item.text not in ids:
                ids[item.text] = _text_id(item.text)
            fields = _fields(item, ids[item.text])
            key = tuple(fields.values())
            if key not in written:
                written[key] = _item_json(fields)
            items.append((uid, written[key]))
        files.append((name, _object([("items", _object(items, 3)),
                                     ("title", _key(state.files[name].title))], 2)))
    texts = sorted((text_id, _key(text)) for text, text_id in ids.items())
    data = [("files", _object(files, 1)), ("format", json.dumps(FORMAT)),
            ("mission", _key(state.mission)), ("texts", _object(texts, 1))]
    return _object(data, 0) + "\n"


def write_state(out: Path, state: ExportState) -> Path:
    """Write OUT/.export-state.json atomically."""
    path = out / STATE_FILE
    write_atomic(path, state_json(state))
    path.chmod(0o644)
    return path
