"""Safe file names for exported calendars: slugs, no path traversal, no clashes."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from scheduler.errors import ExportError

# Names Windows refuses as file names, whatever the extension.
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
             *(f"lpt{i}" for i in range(10))}
MAX_SLUG = 60


def slug(text: str, fallback: str = "item") -> str:
    """A lowercase ASCII file-name part from any text; never empty, never '.' or '..'."""
    folded = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    ascii_text = folded.encode("ascii", "ignore").decode()
    part = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:MAX_SLUG].strip("-")
    if not part:
        # Text with no ASCII letters (e.g. 山田): a short stable digest keeps names apart.
        part = f"{fallback}-{hashlib.sha1(text.encode()).hexdigest()[:8]}"
    return f"{part}-" if part in _RESERVED else part


def unique_slugs(texts: Iterable[str], fallback: str = "item") -> dict[str, str]:
    """A distinct slug for each distinct text; clashes get -2, -3 in sorted order of texts."""
    taken: set[str] = set()
    out: dict[str, str] = {}
    for text in sorted(set(texts)):
        base = slug(text, fallback)
        name, number = base, 2
        while name in taken:
            name, number = f"{base}-{number}", number + 1
        taken.add(name)
        out[text] = name
    return out


def inside(out: Path, relative: str) -> Path:
    """OUT/relative, refusing any name that would land outside OUT."""
    if Path(relative).is_absolute() or ".." in Path(relative).parts:
        raise ExportError(f"refusing to write outside {out}: {relative}")
    path = out / relative
    root = out.resolve()
    if not path.resolve().is_relative_to(root):
        raise ExportError(f"refusing to write outside {out}: {relative}")
    return path
