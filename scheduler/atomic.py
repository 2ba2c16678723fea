"""The one atomic file writer, and the sweeping of temporary files a killed run left behind.

Every file the tool writes goes to `.<name>.<pid>-<random>.tmp` beside its target and is
then renamed over it, so readers see the old or the new content, never half. The writer's
process id in the temporary name tells a later run which leftovers are litter (their
writer is gone) and which belong to a run still going on.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from pathlib import Path

from scheduler.errors import ExportError

NEW_FILE_MODE = 0o644  # outputs are documents: readable by others, like any file a user saves
_TEMPORARY = re.compile(r"\..+\.(\d+)-[a-z0-9_]{8}\.tmp")


def write_atomic(path: Path | str, data: bytes | str, mode: int | None = None) -> None:
    """Write a file so that readers see the old or the new content, never half.

    Text is written as UTF-8 with LF line ends. MODE is the file's mode; by default an
    existing file keeps its own and a new one gets 644. Any OS error becomes an
    ExportError "cannot write PATH: reason", with the old file left as it was.
    """
    target = os.fspath(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    folder, name = os.path.split(target)
    tmp = None
    try:
        if mode is None:
            mode = _kept_mode(target)
        fd, tmp = _temporary(folder or ".", name)
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view):]
            os.fchmod(fd, mode)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except OSError as exc:
        _discard(tmp)
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None
    except BaseException:
        _discard(tmp)
        raise


def _temporary(folder: str, name: str) -> tuple[int, str]:
    """Open a fresh temporary file beside NAME, making the folder if it is missing."""
    prefix = f".{name}.{os.getpid()}-"
    try:
        return tempfile.mkstemp(dir=folder, prefix=prefix, suffix=".tmp")
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)
        return tempfile.mkstemp(dir=folder, prefix=prefix, suffix=".tmp")


def _kept_mode(path: str) -> int:
    """The permission bits of an existing regular file, else NEW_FILE_MODE."""
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return NEW_FILE_MODE
    return stat.S_IMODE(found.st_mode) if stat.S_ISREG(found.st_mode) else NEW_FILE_MODE


def _discard(tmp: str | None) -> None:
    """Remove a temporary file if it was made (a failure to do so changes nothing)."""
    if tmp is not None:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def is_litter(name: str) -> bool:
    """Whether a file name is one of our temporary files whose writing process is gone."""
    match = _TEMPORARY.fullmatch(name)
    return match is not None and not _alive(int(match[1]))


def _alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (our own one counts as gone:
    the sweep runs before this process writes anything there)."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists but belongs to someone else
    return True


def sweep(folder: Path, recursive: bool = False) -> int:
    """Remove the temporary files killed runs left in FOLDER (and below); how many."""
    removed = 0
    walk = os.walk(folder) if recursive else [(os.fspath(folder), [], _names(folder))]
    for directory, _subdirs, names in walk:
        for name in names:
            if is_litter(name):
                try:
                    os.unlink(os.path.join(directory, name))
                    removed += 1
                except OSError:
                    pass  # gone already, or not ours to remove: the export goes on
    return removed


def _names(folder: Path) -> list[str]:
    """The entries of a folder ([] when it cannot be listed)."""
    try:
        return os.listdir(folder)
    except OSError:
        return []
