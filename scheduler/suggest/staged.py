"""Company files edited in a staging copy of the mission folder and checked by the loader
before the real files change: an imported wish the mission cannot hold (a virtual meeting
where no session is virtual) is reported, and nothing is written."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from scheduler.atomic import write_atomic
from scheduler.errors import InputError, Problem
from scheduler.load.loader import COMPANIES_DIR, MISSION_FILE, company_paths, load

Edit = Callable[[Path], None]  # changes one company file, given where it is


def _link(source: Path, target: Path) -> None:
    """A hard link to a file (a copy where links cannot be made)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


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
    # Beside the folder's files, so they can be linked rather than copied; a hidden name,
    # which the loader and a person's editor pass over.
    with tempfile.TemporaryDirectory(prefix=".wishes-check-", dir=folder) as tmp:
        stage = Path(tmp)
        _link(folder / MISSION_FILE, stage / MISSION_FILE)
        (stage / COMPANIES_DIR).mkdir()
        for path, inside in company_paths(folder):
            _link(Path(path), stage / inside)
        staged: dict[Path, Path] = {}
        for real, edit in edits.items():
            copy = stage / real.resolve().relative_to(folder.resolve())
            copy.unlink(missing_ok=True)  # a link: never write through it
            shutil.copyfile(real, copy)
            edit(copy)
            staged[real] = copy
        shown = {copy.relative_to(stage).as_posix(): str(real) for real, copy in staged.items()}
        errors = [_told(p, shown) for p in load(stage, stage).problems if p.is_error]
        if errors:
            raise InputError(errors)
        for real, copy in staged.items():
            write_atomic(real, copy.read_bytes())
