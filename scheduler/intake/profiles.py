"""Company drafts -> companies/<id>.yaml, merging into files that exist.

A first import writes each file whole. A re-import changes a field only where the file still
holds what the last import wrote there (recorded in DIR/.import-state.json): a field changed
by hand since is kept and reported. Edits go through the round-trip editor (yamledit), so
comments and layout survive; a company the sheet no longer lists is reported, never deleted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from scheduler.atomic import write_atomic
from scheduler.errors import shown
from scheduler.input.model import Company, Delegate, Profile
from scheduler.yamledit import CommentedMap, dump_text, load_path

STATE_FILE = ".import-state.json"
SCHEMA_LINE = "# yaml-language-server: $schema=../schemas/company.schema.json\n"
COMPANY_ORDER = tuple(Company.model_fields)
PROFILE_ORDER = tuple(Profile.model_fields)
DELEGATE_ORDER = tuple(Delegate.model_fields)
Flat = dict[str, object]  # "name", "profile.sectors", "delegates", ... -> value


@dataclass
class State:
    """What the last import wrote: per company id, the sheet's key and each field's value."""

    companies: dict[str, dict] = field(default_factory=dict)

    def id_of(self, key: str) -> str | None:
        """The id an earlier import gave the company with this key."""
        return next((i for i, c in self.companies.items() if c.get("key") == key), None)


def read_state(folder: Path) -> State:
    """The record of the last import (empty when there was none or it is unreadable)."""
    try:
        data = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
        return State(dict(data["companies"]))
    except (OSError, ValueError, KeyError, TypeError):
        return State()


def write_state(folder: Path, state: State) -> None:
    """Record what this import wrote, for the next one to tell hand edits apart."""
    text = json.dumps({"version": 1, "companies": state.companies}, indent=1,
                      sort_keys=True, ensure_ascii=False)
    write_atomic(folder / STATE_FILE, text + "\n")


def ordered(data: dict) -> dict:
    """A company's data with keys in the order of the template (the model's fields)."""
    out = {k: data[k] for k in COMPANY_ORDER if k in data}
    if "profile" in out:
        out["profile"] = {k: out["profile"][k] for k in PROFILE_ORDER if k in out["profile"]}
    if "delegates" in out:
        out["delegates"] = [{k: d[k] for k in DELEGATE_ORDER if k in d}
                            for d in out["delegates"]]
    return out


def flatten(data: dict) -> Flat:
    """Fields as the import owns them: top-level keys, each profile key, delegates whole."""
    flat: Flat = {}
    for key, value in ordered(data).items():
        if key == "profile":
            flat.update({f"profile.{k}": v for k, v in value.items()})
        else:
            flat[key] = value
    return flat


def new_text(data: dict) -> str:
    """A new company file: the schema line, then the fields in the template's order, laid
    out as the round-trip editor lays them out (which is 20 times slower at it: thousands
    of new files at a large event would take longer than the import's target)."""
    return SCHEMA_LINE + "".join(_lines(ordered(data), ""))


# A scalar written plain: starts with a letter, holds no YAML indicator (`:` `#` quotes
# brackets ...), and is no word a YAML 1.1 reader takes for a boolean or null.
_PLAIN = re.compile(r"[A-Za-z\u00c0-\uffff][\w .,()&/+'@\u00c0-\uffff-]*")
_SPECIAL = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


def scalar(value: object) -> str:
    """One scalar as YAML: numbers and booleans as such, text plain when it safely can be,
    else double-quoted (a JSON string is a YAML double-quoted scalar)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and text.isprintable() and text == text.strip() \
            and text.lower() not in _SPECIAL:
        return text
    # JSON leaves DEL, C1 controls, line separators and non-characters as they are; YAML
    # refuses some and folds others, so those are escaped too.
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF
                   else f"\\U{ord(c):08x}" for c in json.dumps(text, ensure_ascii=False))


def _lines(mapping: dict, indent: str) -> Iterator[str]:
    """A mapping's lines at an indent; lists of scalars or mappings below it at indent + 2."""
    for key, value in mapping.items():
        if isinstance(value, dict):
            yield f"{indent}{key}:\n"
            yield from _lines(value, indent + "  ")
        elif isinstance(value, list) and value:
            yield f"{indent}{key}:\n"
            for item in value:
                if isinstance(item, dict):
                    first, *rest = list(_lines(item, indent + "    "))
                    yield f"{indent}  - {first.lstrip()}"
                    yield from rest
                else:
                    yield f"{indent}  - {scalar(item)}\n"
        else:
            yield f"{indent}{key}: {'[]' if isinstance(value, list) else scalar(value)}\n"


def _commented(value: object) -> object:
    """Plain dicts and lists as round-trip nodes (so the dump uses block style)."""
    if isinstance(value, dict):
        node = CommentedMap()
        for k, v in value.items():
            node[k] = _commented(v)
        return node
    if isinstance(value, list):
        return [_commented(v) for v in value]
    return value


MISSING = object()


def _get(document: dict, path: str) -> object:
    """The value at a flat path of a document, or MISSING."""
    holder: object = document
    for part in path.split("."):
        if not isinstance(holder, dict) or part not in holder:
            return MISSING
        holder = holder[part]
    return holder


def _set(document: dict, path: str, value: object) -> None:
    """Set the value at a flat path, creating the profile mapping when needed."""
    *parents, key = path.split(".")
    holder = document
    for part in parents:
        if not isinstance(holder.get(part), dict):
            holder[part] = CommentedMap()
        holder = holder[part]
    holder[key] = _commented(value)


@dataclass
class Merged:
    """What merging changed in one file: fields updated, and hand edits kept."""

    changed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def merge(document: dict, new: Flat, last: Flat | None) -> Merged:
    """Merge an import's fields into a document: a field is set when missing, or when the
    file still holds what the last import wrote; otherwise the file's value is kept."""
    merged = Merged()
    for path, value in new.items():
        current = _get(document, path)
        if current == value:
            continue
        if path == "delegates" and isinstance(current, list) and isinstance(value, list):
            before = last.get(path) if last is not None else None
            merge_people(current, value, before if isinstance(before, list) else [], merged)
            continue
        if current is MISSING or (last is not None and path in last
                                  and _plain(current) == last[path]):
            _set(document, path, value)
            merged.changed.append(path)
        else:
            merged.kept.append(f"{path} ('{shown(_plain(current))}'; the sheet says "
                               f"'{shown(value)}')")
    return merged


def _person(entry: object) -> str:
    """Who a delegate entry is: its e-mail address, else its name."""
    if not isinstance(entry, dict):
        return ""
    return str(entry.get("email") or entry.get("name") or "").casefold()


def merge_people(current: list, new: list, last: list, merged: Merged) -> None:
    """Merge the sheet's delegates into a file's, person by person (by e-mail, else name)
    and field by field, so a hand edit to one person never holds back the sheet's news
    about another; a person the sheet drops goes only if untouched since the last import."""
    before = {_person(d): d for d in last}
    for entry in new:
        who = _person(entry)
        mine = next((d for d in current if _person(d) == who), None)
        label = f"delegates ({entry.get('name') or who})"
        if mine is None:
            if who in before:  # removed by hand since the last import
                merged.kept.append(f"{label} (removed by hand; the sheet still lists them)")
            else:
                current.append(_commented(entry))
                merged.changed.append(f"{label}: added")
            continue
        fields = [k for k, v in entry.items() if _plain(mine.get(k)) != v]
        for key in fields:
            if key not in mine or _plain(mine[key]) == before.get(who, {}).get(key):
                mine[key] = _commented(entry[key])
                merged.changed.append(f"{label}: {key}")
            else:
                merged.kept.append(f"{label}: {key} ('{shown(_plain(mine[key]))}'; the sheet "
                                   f"says '{shown(entry[key])}')")
    listed = {_person(d) for d in new}
    for entry in list(current):
        who = _person(entry)
        if who not in listed and who in before and _plain(entry) == before[who]:
            del current[next(i for i, d in enumerate(current) if d is entry)]
            merged.changed.append(f"delegates ({entry.get('name') or who}): removed")


def _plain(value: object) -> object:
    """A round-trip node as plain data, to compare with what the state recorded."""
    return json.loads(json.dumps(value, default=str))


def merged_text(path: Path, new: Flat, last: Flat | None) -> tuple[str | None, Merged]:
    """An existing company file with the import merged in (None when nothing changed)."""
    document = load_path(path)
    merged = merge(document, new, last)
    return (dump_text(document) if merged.changed else None), merged
