"""Calendar files put into OUT: never outside it, atomically, and only when their bytes change.

An export writes tens of thousands of files at a large event; a file whose bytes are
already on disk is left alone (a re-export rewrites only what changed, and a web server
publishing the folder keeps serving unchanged files as they were).
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from scheduler.errors import ExportError

MODE = 0o644  # calendars are published: readable by a web server


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
        """Put DATA at OUT/relative (mode 644) unless the file holds exactly these bytes."""
        if os.path.isabs(relative) or ".." in relative.replace("\\", "/").split("/"):
            raise ExportError(f"refusing to write outside {self.out}: {relative}")
        path = os.path.join(self.out, relative)
        self._folder(os.path.dirname(path), relative)
        try:
            found: os.stat_result | None = os.lstat(path)
        except FileNotFoundError:
            found = None
        if found is not None and stat.S_ISLNK(found.st_mode) and self._outside(path):
            raise ExportError(f"refusing to write outside {self.out}: {relative}")
        if found is not None and stat.S_ISREG(found.st_mode) and same_bytes(path, found, data):
            self.kept += 1
        else:
            write_bytes_atomic(path, data)
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


def write_bytes_atomic(path: str, data: bytes) -> None:
    """Write a file so that readers see the old or the new content, never half."""
    folder, name = os.path.split(path)
    tmp = os.path.join(folder, f".{name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # left by a crashed export: take a fresh name
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fchmod(fd, MODE)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

