"""Additions to a YAML list and changed values, made in the text itself.

ruamel.yaml (yamledit.py) finds where things are; the edit is then made on the text's
lines, so every line not edited stays byte for byte as the person wrote it (a round-trip
dump would re-wrap their flow lists). Where the layout is one this cannot edit in place
(a flow list, no list yet), the whole document goes through yamledit.py instead.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAMLError

from scheduler.atomic import write_atomic
from scheduler.yamledit import CommentedMap, CommentedSeq, dump_text, load_text, save

SCALAR = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*'|[^,}\s#]+")


def _item_text(entry: CommentedMap, indent: int) -> list[str]:
    """The lines of one new list item at an indentation."""
    lines = dump_text(CommentedSeq([entry])).rstrip("\n").split("\n")
    shift = lines[0].index("-")
    return [" " * indent + line[shift:].rstrip() for line in lines]


def _list_end(lines: list[str], start: int, dash: int) -> int:
    """The line after a block list whose last item starts at `start` with its dash at `dash`."""
    end = start + 1
    while end < len(lines):
        text = lines[end]
        if text.strip() and len(text) - len(text.lstrip()) <= dash:
            break
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return end


def append_items(path: Path, key: str, entries: list[CommentedMap]) -> None:
    """Append entries to the top-level list `key` of a YAML file, other lines untouched."""
    text = path.read_text(encoding="utf-8")
    document = load_text(text)
    seq = document.get(key)
    if isinstance(seq, CommentedSeq) and len(seq) and not seq.fa.flow_style():
        line, col = seq.lc.item(len(seq) - 1)
        lines = text.split("\n")
        dash = lines[line].index("-", 0, col + 1) if "-" in lines[line][:col + 1] else col - 2
        end = _list_end(lines, line, dash)
        new = [row for entry in entries for row in _item_text(entry, dash)]
        write_atomic(path, "\n".join(lines[:end] + new + lines[end:]))
    elif seq is None:
        block = CommentedMap([(key, CommentedSeq(entries))])
        write_atomic(path, text.rstrip("\n") + "\n" + dump_text(block))
    else:
        seq.extend(entries)
        save(path, document)


def set_value(path: Path, entry: Any, key: str, value: str, after: str) -> None:
    """Set one scalar of a mapping in a file's text: replace it, or add it after `after`."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    if key in entry:
        line, col = entry.lc.value(key)
        stop = _scalar_end(lines[line], col, bool(entry.fa.flow_style()))
        lines[line] = lines[line][:col] + value + lines[line][stop:]
    else:
        line, col = entry.lc.value(after)
        found = SCALAR.match(lines[line], col)
        stop = found.end() if found else col
        if entry.fa.flow_style():
            lines[line] = lines[line][:stop] + f", {key}: {value}" + lines[line][stop:]
        else:
            key_col = entry.lc.key(after)[1]
            lines.insert(line + 1, " " * key_col + f"{key}: {value}")
    edited = "\n".join(lines)
    try:
        load_text(edited)
    except YAMLError:  # a value over several lines: edit the document instead
        raise NotInPlace(key) from None
    write_atomic(path, edited)


class NotInPlace(Exception):
    """The text cannot be edited in place (a value over several lines)."""


def _scalar_end(line: str, col: int, flow: bool) -> int:
    """Where the scalar starting at `col` ends on its line: a quoted one at its closing
    quote; plain text (spaces and all) at the next ',' or '}' in a flow mapping, else at a
    comment or the line's end."""
    if line[col:col + 1] in ("'", '"'):
        found = SCALAR.match(line, col)
        return found.end() if found else col
    stop = re.compile(r"[,}]|\s#" if flow else r"\s#").search(line, col)
    end = stop.start() if stop else len(line)
    return len(line[:end].rstrip()) if end > col else col
