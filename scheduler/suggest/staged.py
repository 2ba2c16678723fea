"""Company files edited in a staging copy of the mission folder and checked by the loader
before the real files change: an imported wish the mission cannot hold (a virtual meeting
where no session is virtual) is reported, and nothing is written."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from scheduler.atomic import write_atomic
from scheduler.errors import InputError, Problem
from scheduler.load.staging import staged_problems

Edit = Callable[[Path], None]  # changes one company file, given where it is


def _told(problem: Problem, shown: dict[str, str]) -> Problem:
    """A loader error in a staged file, named as the real file it would have been."""
    where = f"{shown.get(problem.file, problem.file)}:{problem.line}:{problem.col}"
    return Problem(where, 0, 0, "error", f"{problem.message} (in the file as the import "
                                         "would write it; nothing was written)")


def edit_checked(folder: Path, edits: dict[Path, Edit]) -> None:
    """Apply each edit to its company file once the whole folder, so edited, loads
    without an error; else raise every error and leave the files as they were."""
    if not edits:
        return
    changed = {real: _edited(real, edit) for real, edit in edits.items()}
    shown = {real.resolve().relative_to(folder.resolve()).as_posix(): str(real)
             for real in changed}
    errors = [_told(p, shown) for p in staged_problems(folder, changed) if p.is_error]
    if errors:
        raise InputError(errors)
    for real, data in changed.items():
        write_atomic(real, data)


def _edited(real: Path, edit: Edit) -> bytes:
    """What a company file holds once edited (the edit works on a copy)."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / real.name
        shutil.copyfile(real, copy)
        edit(copy)
        return copy.read_bytes()
