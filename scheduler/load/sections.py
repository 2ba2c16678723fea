"""Where a key sits, in the words of the file: "in partnering session 'osaka'".

A schema error deep in a file (an unknown key, say) is located by line and column, but a
person reading the message in a terminal also wants to know which session, item or
delegate it is about without opening the file.
"""

from __future__ import annotations

from scheduler.errors import shown
from scheduler.input.yamlio import Path_

# A list of entries (or a mapping of named entries) -> how one entry is called, and the
# key of the entry that names it best ("" for a mapping: its own key names it).
_ENTRIES = {
    "partnering": ("partnering session", "id"),
    "booths": ("booth", "id"),
    "programme": ("programme item", "title"),
    "matches": ("match", ""),
    "exclude": ("exclusion", ""),
    "venues": ("venue", ""),
    "groups": ("group", ""),
    "delegates": ("delegate", "name"),
    "wants_to_meet": ("wish to meet", "company"),
}
_PLAIN = {"contact": "contact", "profile": "profile"}  # a mapping that is one thing


def section(loc: Path_, data: object) -> str:
    """' in booth 'b1' of partnering session 'osaka'' for the mapping at `loc` in the
    file's data ('' at the top of the file)."""
    names: list[str] = []
    current = data
    parts = list(loc)
    for k, part in enumerate(parts):
        inside = current.get(part) if isinstance(current, dict) else None
        if isinstance(current, list) and isinstance(part, int) and part < len(current):
            inside = current[part]
        previous = parts[k - 1] if k else None
        if isinstance(previous, str) and previous in _ENTRIES:
            names.append(_entry(previous, part, inside))
        elif isinstance(part, str) and part in _PLAIN and k == len(parts) - 1:
            names.append(_PLAIN[part])
        current = inside
    return " in " + " of ".join(reversed(names)) if names else ""


def _entry(kind: str, part: object, entry: object) -> str:
    """How one entry of a list or mapping is called: by its name, else by its number."""
    what, key = _ENTRIES[kind]
    if isinstance(part, str):
        return f"{what} '{shown(part)}'"
    name = entry.get(key) if key and isinstance(entry, dict) else None
    number = part + 1 if isinstance(part, int) else part
    if kind == "programme":
        return f"{what} {number}" + (f" ('{shown(name)}')" if isinstance(name, str) else "")
    if kind == "matches" and isinstance(entry, dict) and isinstance(entry.get("companies"), list):
        return f"{what} {number} ({' and '.join(shown(c) for c in entry['companies'])})"
    if isinstance(name, str | int) and not isinstance(name, bool):
        return f"{what} '{shown(name)}'"
    return f"{what} {number}"
