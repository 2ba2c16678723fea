"""Which files in OUT the tool wrote, and what to do with those it no longer produces.

The state lists every file an export wrote with the digests of its last versions. A
file is the tool's own only while its bytes are one of those versions: a file the
user put there, or edited since, is never overwritten or removed.
"""

from __future__ import annotations

import os
import re
import stat
import zlib
from pathlib import Path

from scheduler.errors import ExportError
from scheduler.export.ics.state import ExportState, digest

INDEX = "README.md"
OTHER_INDEX = "mission-index.md"  # where the index goes when README.md is the user's own
HTML_INDEX = "index.html"  # the index as a web page, written with subscription links
OTHER_HTML_INDEX = "mission-index.html"
INDEXES = (INDEX, OTHER_INDEX, HTML_INDEX, OTHER_HTML_INDEX)
INDEX_START = "Send each person their own calendar file"  # a line of every index written
FORMAT_OF = {".ics": "ics", ".html": "html", ".pdf": "pdf", ".csv": "csv"}
# What every HTML page (and, as its Creator, every PDF) the tool writes says made it.
MARK = "mission-scheduler"
_HTML_MARK = f'<meta name="generator" content="{MARK}">'.encode()
_PDF_MARK = f"/Creator ({MARK})".encode()
_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)
_MARKED_BYTES = 64 * 1024 * 1024  # larger files are not read to look for the mark
# A calendar an export of a state without a list of files wrote -> the agendas written
# beside it then: a company's, and a delegate's as agendas/<company>--<delegate>.
_EARLIER_AGENDAS = [(re.compile(r"people/([^/]+)/([^/]+)\.ics"), r"agendas/\1--\2"),
                    (re.compile(r"companies/([^/]+)\.ics"), r"agendas/\1")]


def file_digest(path: Path) -> str | None:
    """The digest of a regular file's bytes (None for a link, a folder or an unreadable one)."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        return digest(path.read_bytes())
    except OSError:
        return None


def is_ours(out: Path, name: str, state: ExportState) -> bool:
    """Whether OUT/name holds bytes the tool wrote there (by the state, or for an index
    written before the state listed files, by its content)."""
    path = out / name
    found = file_digest(path)
    if found is None:
        return False
    if name in state.outputs:
        return found in state.outputs[name]
    if name not in (INDEX, OTHER_INDEX):
        return False
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return False
    return len(lines) > 2 and lines[0].startswith("# ") and \
        lines[0].endswith(": calendars and agendas") and lines[2].startswith(INDEX_START)


def adopt_earlier(out: Path, state: ExportState) -> None:
    """Count as the tool's, in a state read from a file that lists no files (formats 2 and
    3), the agendas those exports wrote beside the calendars it lists: the marked HTML and
    PDF pages at the names they were given then (since renamed or no longer produced), so
    that the files no longer produced are removed as any others are."""
    if state.format not in (2, 3):
        return
    for name in state.files:
        for pattern, stem in _EARLIER_AGENDAS:
            if not pattern.fullmatch(name):
                continue
            for suffix in (".html", ".pdf"):
                earlier = pattern.sub(stem, name) + suffix
                found = _marked_digest(out / earlier)
                if found and earlier not in state.outputs:
                    state.outputs[earlier] = [found]


def _marked_digest(path: Path) -> str | None:
    """The digest of a regular file that carries the tool's mark, else None."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode) or path.stat().st_size > _MARKED_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    if path.suffix == ".html":
        return digest(data) if _HTML_MARK in data[:4096] else None
    if data.startswith(b"%PDF") and (_PDF_MARK in data or any(
            _PDF_MARK in _inflated(m[1]) for m in _STREAM.finditer(data))):
        return digest(data)
    return None


def _inflated(stream: bytes) -> bytes:
    """A PDF stream inflated (the document information sits in a compressed one)."""
    try:
        return zlib.decompress(stream)
    except zlib.error:
        return b""


def index_name(out: Path, state: ExportState, names: tuple[str, str] = (INDEX, OTHER_INDEX)
               ) -> tuple[str, str]:
    """Where the index goes: README.md (index.html) unless such a file the tool did not
    write is there (then it is left alone, and the note says so). ExportError if both
    names are taken."""
    note = ""
    first, other = names
    for name in names:
        if not os.path.lexists(out / name) or is_ours(out, name, state):
            return name, note
        note = (f"{out / first} is not a file mission wrote (or it was edited since): left "
                f"alone; the index of the files is {out / other}")
    raise ExportError(f"{out / first} and {out / other} were not written by mission "
                      "and are left alone; move one of them away or export with another -o")


def remove_stale(out: Path, state: ExportState, produced: set[str], formats: tuple[str, ...]
                 ) -> tuple[list[Path], list[str]]:
    """Remove the files of the exported formats (and an old index) that this export no
    longer produces, when their bytes are still what the tool wrote; forget them in the
    state. Returns the files removed and notes about those left alone."""
    removed, notes, untouched = [], [], set()
    for name in sorted(set(state.outputs) - produced):
        suffix = os.path.splitext(name)[1]
        if name not in INDEXES and suffix != ".md" and FORMAT_OF.get(suffix) not in formats:
            if os.path.lexists(out / name):  # a format not exported this time: left as it is
                untouched.add(FORMAT_OF.get(suffix) or suffix)
            continue
        path = out / name
        if os.path.lexists(path):
            if not is_ours(out, name, state):
                notes.append(f"{path} is no longer produced but was changed since mission "
                             "wrote it: left alone")
                del state.outputs[name]
                continue
            try:
                path.unlink()
            except OSError as exc:
                raise ExportError(f"cannot remove {path}: {exc.strerror or exc}") from None
            removed.append(path)
            _prune(path.parent, out)
        del state.outputs[name]
    if untouched:
        kinds = ",".join(sorted(untouched))
        notes.append(f"the {kinds.replace(',', ', ')} files of an earlier export in {out} "
                     f"were not rewritten and may show an older schedule; export with "
                     f"--format {','.join(sorted(set(formats) | untouched))} to update them")
    return removed, notes


def _prune(folder: Path, out: Path) -> None:
    """Remove folders below OUT left empty by a removal."""
    while folder != out and folder.is_relative_to(out):
        try:
            folder.rmdir()
        except OSError:
            return  # not empty (or not ours to remove)
        folder = folder.parent
