"""Writing the profiles an import produces: each file's new text planned first, the lot
checked by the project's loader in a staging copy of the folder, then written."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from scheduler.atomic import write_atomic
from scheduler.errors import Problem, rel
from scheduler.intake.fields import words
from scheduler.intake.profiles import Merged, State, flatten, merged_text, new_text, write_state
from scheduler.intake.rows import Draft, Read
from scheduler.load.loader import COMPANIES_DIR, company_paths
from scheduler.load.staging import staged_problems as load_staged
from scheduler.sheets import Table


@dataclass
class Planned:
    """One company's file as the import would leave it."""

    draft: Draft
    path: Path
    text: str | None  # None: the file stays as it is
    merged: Merged | None  # None: a new file
    whole: bool = True  # the file is (or stays) exactly as the import lays it out


@dataclass
class Written:
    """What writing did: report lines, paths written, whether rows were left out."""

    lines: list[str] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)


def existing_files(folder: Path) -> dict[str, Path]:
    """The folder's company files by the id their name gives, as the loader finds them
    (subfolders and .yml too; templates and hidden files left out)."""
    return {Path(path).name.rpartition(".")[0]: Path(path) for path, _ in company_paths(folder)}


def plan(folder: Path, read: Read, state: State, existing: dict[str, Path]) -> list[Planned]:
    """Each company's new or merged file text, against what the last import wrote."""
    return [_plan_one(folder / COMPANIES_DIR, draft, state, existing)
            for draft in read.drafts.values()]


def _plan_one(companies: Path, draft: Draft, state: State, existing: dict[str, Path]
              ) -> Planned:
    """One company's planned file. A file still byte for byte as the import wrote it whole
    is simply rewritten (or left): only files a person touched need the round-trip merge,
    which takes milliseconds a file."""
    company_id = str(draft.data["id"])
    path = existing.get(company_id, companies / f"{company_id}.yaml")
    if not path.exists():
        return Planned(draft, path, new_text(draft.data), None)
    record = state.companies.get(company_id, {})
    new = flatten(draft.data)
    last = record.get("fields")
    if record.get("digest") and record["digest"] == digest(path.read_bytes()) and last:
        changed = [k for k in dict.fromkeys([*new, *last]) if new.get(k) != last.get(k)]
        return Planned(draft, path, new_text(draft.data) if changed else None, Merged(changed))
    text, merged = merged_text(path, new, last)
    return Planned(draft, path, text, merged, whole=False)


def digest(data: bytes) -> str:
    """The sha256 of a file's bytes, recorded for a file the import wrote whole."""
    return hashlib.sha256(data).hexdigest()


def staged_problems(folder: Path, planned: list[Planned]) -> dict[str, list[Problem]]:
    """The loader's errors in each planned file, read together with mission.yaml and the
    folder's other company files in a staging copy."""
    found = load_staged(folder, {item.path: item.text.encode("utf-8") for item in planned
                                 if item.text is not None})
    names = {item.path.relative_to(folder).as_posix(): str(item.draft.data["id"])
             for item in planned}
    by_company: dict[str, list[Problem]] = {}
    for problem in found:
        if problem.is_error and problem.file in names:
            by_company.setdefault(names[problem.file], []).append(problem)
    return by_company


def located(draft: Draft, problem: Problem) -> Problem:
    """A loader error in a planned file, told at the company's first row."""
    where = f"{problem.file}:{problem.line}:{problem.col}"
    return draft.rows[0].problem("error", f"{where}, as it would be written: {problem.message}")


def sheet_source(table: Table) -> dict[str, str]:
    """Which sheet a company came from: its file name and a digest of its header, so a
    re-import (a renamed download of the same form, or the same file) is told apart from
    another sheet of the same mission (the hosts' list after the delegation's)."""
    header = "\t".join(words(c.text) for c in table.header)
    return {"sheet": Path(table.file).name,
            "header": hashlib.sha256(header.encode()).hexdigest()[:16]}


# What a download adds to a sheet's name: "Inscriptions(1-40)", "regs (2)", "hosts_v3".
_VERSION = re.compile(r"([\s_.-]*(\([^)]*\)|v?\d+))+$", re.IGNORECASE)


def _stem(name: str) -> str:
    """A sheet's file name without its extension and what downloads add to it."""
    stem = Path(name).stem.casefold()
    return _VERSION.sub("", stem) or stem


def same_source(record: dict, source: dict[str, str]) -> bool:
    """Whether a company was last imported from this sheet: the same header, or the same
    file name, give or take a download's numbering (a record without its source, from an
    older import, counts as this sheet)."""
    if not (record.get("sheet") or record.get("header")):
        return True
    return record.get("header") == source["header"] or \
        _stem(str(record.get("sheet", ""))) == _stem(source["sheet"])


def write_planned(folder: Path, planned: Iterable[Planned], state: State,
                  source: dict[str, str], left_out: Iterable[str] = ()) -> Written:
    """Write the planned files, record them in the state, list what happened; companies
    `left_out` (rows with errors) are in the sheet, so never reported as gone."""
    out = Written()
    counts = {"new": 0, "updated": 0, "unchanged": 0}
    seen = set(left_out)
    for item in planned:
        draft = item.draft
        seen.add(draft.key)
        record = state.companies.setdefault(str(draft.data["id"]), {})
        record.update(key=draft.key, fields=flatten(draft.data), **source)
        if item.text is not None:
            write_atomic(item.path, item.text)
            out.paths.append(item.path)
            record["digest"] = digest(item.text.encode()) if item.whole else None
        elif not item.whole:
            record["digest"] = None
        merged = item.merged
        counts["new" if merged is None else "updated" if merged.changed else "unchanged"] += 1
        if merged and merged.changed:
            out.lines.append(f"updated {rel(item.path)}: {', '.join(merged.changed)}")
        for kept in merged.kept if merged else []:
            out.lines.append(f"{rel(item.path)}: kept {kept}: changed by hand since the "
                             "last import")
    existing = existing_files(folder)
    gone = sorted(i for i, c in state.companies.items() if c.get("key") not in seen
                  and i in existing and same_source(c, source))
    for company_id in gone:
        out.lines.append(f"{rel(existing[company_id])}: not in this sheet any more; kept "
                         "(set `withdrawn: true` if the company withdrew)")
    write_state(folder, state)
    out.lines.append(f"{counts['new']} new, {counts['updated']} updated, "
                     f"{counts['unchanged']} unchanged, {len(gone)} not in the sheet")
    return out


Progress = Callable[[list[Planned]], Iterable[Planned]]
