"""Files put into OUT (calendars, agendas, signs, CSV): never outside it, atomically, and
only when their bytes change.

An export writes tens of thousands of files at a large event; a file whose bytes are
already on disk is left alone (a re-export rewrites only what changed, and a web server
publishing the folder keeps serving unchanged files as they were).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from scheduler.atomic import write_atomic
from scheduler.errors import ExportError

MODE = 0o644  # calendars are published: readable by a web server
# The files an export found already holding their bytes (see kept_files): the export
# says which it wrote and which it left as they were, whichever format wrote them.
_KEPT: ContextVar[list[Path] | None] = ContextVar("kept", default=None)


@contextmanager
def kept_files() -> Iterator[list[Path]]:
    """Collect, while inside, the paths every Publisher left alone as already written."""
    kept: list[Path] = []
    token = _KEPT.set(kept)
    try:
        yield kept
    finally:
        _KEPT.reset(token)


class Publisher:
    """Writes files below one folder; each directory is checked and created once."""

    def __init__(self, out: Path):
        """Files go below OUT."""
        self.out, self.root = out, out.resolve()
        self.folders: set[str] = set()
        self.written = self.kept = 0

    def _outside(self, path: str) -> bool:
        """Whether a path, symbolic links followed, leads outside OUT."""
        return not Path(path).resolve().is_relative_to(self.root)

    def _folder(self, folder: str, relative: str) -> None:
        """Check (and make) a folder of OUT: a real directory, or a link that stays inside."""
        if folder in self.folders:
            return
        parent = os.path.dirname(folder)
        if folder == str(self.out) or parent == folder:
            if self._outside(folder):
                raise ExportError(f"refusing to write outside {self.out}: {relative}")
            os.makedirs(folder, exist_ok=True)
        else:
            self._folder(parent, relative)
            try:
                found = os.lstat(folder)
            except FileNotFoundError:
                os.mkdir(folder)  # made here, inside a checked folder: inside OUT
                found = os.lstat(folder)
            if not stat.S_ISDIR(found.st_mode) and self._outside(folder):
                raise ExportError(f"refusing to write outside {self.out}: {relative}")
        self.folders.add(folder)

    def write(self, relative: str, data: bytes) -> Path:
        """Put DATA at OUT/relative (mode 644) unless the file holds exactly these bytes;
        ExportError "cannot write PATH: reason" when the system refuses."""
        if os.path.isabs(relative) or ".." in relative.replace("\\", "/").split("/"):
            raise ExportError(f"refusing to write outside {self.out}: {relative}")
        path = os.path.join(self.out, relative)
        try:
            return self._write(path, relative, data)
        except OSError as exc:
            raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None

    def _write(self, path: str, relative: str, data: bytes) -> Path:
        """Publisher.write, OS errors left to the caller."""
        self._folder(os.path.dirname(path), relative)
        try:
            found: os.stat_result | None = os.lstat(path)
        except FileNotFoundError:
            found = None
        if found is not None and stat.S_ISLNK(found.st_mode) and self._outside(path):
            raise ExportError(f"refusing to write outside {self.out}: {relative}")
        if found is not None and stat.S_ISREG(found.st_mode) and same_bytes(path, found, data):
            self.kept += 1
            collected = _KEPT.get()
            if collected is not None:
                collected.append(Path(path))
        else:
            write_atomic(path, data, MODE)
            self.written += 1
        return Path(path)


def same_bytes(path: str, found: os.stat_result, data: bytes) -> bool:
    """Whether a regular file holds exactly DATA (its mode set to 644 if it was not)."""
    if found.st_size != len(data):
        return False
    try:
        with open(path, "rb") as handle:
            if handle.read() != data:
                return False
        if found.st_mode & 0o777 != MODE:
            os.chmod(path, MODE)
        return True
    except OSError:
        return False  # unreadable: write it afresh
