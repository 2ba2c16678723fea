"""A mission folder loaded as it would be with some files changed, without changing it.

Whatever writes into a user's folder (an import of registration sheets, wishes read from
sheets) first loads the folder with its new files in a staging copy, so a file the
loader would refuse is reported and nothing is written.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from scheduler.errors import Problem
from scheduler.load.loader import COMPANIES_DIR, MISSION_FILE, company_paths, load


def staged_problems(folder: Path, changed: dict[Path, bytes]) -> list[Problem]:
    """The loader's problems for FOLDER with each changed file (a path inside it) holding
    its new content; files are named relative to the folder, as the loader names them."""
    # Beside the folder's files, so they can be linked rather than copied (thousands at a
    # large event); a hidden name, which the loader and a person's editor pass over.
    with tempfile.TemporaryDirectory(prefix=".mission-check-", dir=folder) as tmp:
        stage = Path(tmp)
        _link(folder / MISSION_FILE, stage / MISSION_FILE)
        (stage / COMPANIES_DIR).mkdir()
        for path, inside in company_paths(folder):
            _link(Path(path), stage / inside)
        for real, data in changed.items():
            staged = stage / real.resolve().relative_to(folder.resolve())
            staged.parent.mkdir(parents=True, exist_ok=True)
            staged.unlink(missing_ok=True)  # a link: never write through it
            staged.write_bytes(data)
        return load(stage, stage).problems


def _link(source: Path, target: Path) -> None:
    """A hard link to a file (a copy where links cannot be made)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
