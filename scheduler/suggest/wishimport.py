"""`mission wishes --import`: filled wish sheets merged into each company's wants_to_meet.

Every sheet is read (scheduler/sheets, so .xlsx and .ods) and checked before anything is
written: errors are reported by cell (`genomix-bcn.xlsx:Wishes!J12: error: ...`), all at
once, and then nothing changes; so are the loader's errors in the files as the import would
write them (staged.py). New wishes are added, a changed priority, mode or reason updated
(and listed); nothing else in a company file is touched, and its comments and layout stay
(textedit.py).
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from scheduler.errors import InputError, Problem
from scheduler.input.model import Company, MissionFolder
from scheduler.sheets import Cell, SheetError, Table, read_table
from scheduler.suggest.rank import Pair, Ranker, build_ranker
from scheduler.suggest.sheets import (
    COLUMNS,
    FILL_IN,
    FIRST_ROW,
    MODES,
    PRIORITIES,
    SHEET,
    WRITTEN,
    partner_row,
    ranked_partners,
)
from scheduler.suggest.staged import Edit, edit_checked
from scheduler.suggest.textedit import NotInPlace, append_items, set_value
from scheduler.yamledit import CommentedMap, load_path, save

UPDATED = ("priority", "mode", "reason")  # what a sheet may change in an existing wish


@dataclass(frozen=True)
class Filled:
    """One filled row: the partner and what the company wrote."""

    partner: str
    priority: str
    mode: str | None
    reason: str | None


@dataclass
class Merge:
    """What an import changes: wishes added and priorities changed, per company."""

    added: list[tuple[str, Filled]] = field(default_factory=list)  # company, its new wish
    # company, partner, what (priority, mode or reason), old value, new value
    changed: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def _header(table: Table, folder: MissionFolder) -> tuple[str | None, list[Problem]]:
    """The company a sheet is for, once its mission (B1) and company (B2) cells check out."""
    mission, company = table.at(1, 2), table.at(2, 2)
    if mission.text != folder.mission.id:
        return None, [mission.where.problem("error", f"this sheet is for mission "
                                            f"'{mission.text}', not '{folder.mission.id}'")]
    if company.text not in folder.companies:
        return None, [company.where.problem("error",
                                            f"no company '{company.text}' in this mission")]
    return company.text, []


def _row(cells: dict[str, Cell], allowed: dict[str, int]) -> tuple[Filled | None, list[Problem]]:
    """The wish of one row, or the problems of its cells."""
    partner = cells["partner id"].text
    priority = cells["priority"].text.lower()
    mode = cells["mode"].text.lower()
    reason = cells["your reason"].text
    problems = []
    if priority and priority not in PRIORITIES:
        problems.append(cells["priority"].where.problem(
            "error", f"priority '{priority}' is not one of {', '.join(PRIORITIES)}"))
    if mode and mode not in MODES:
        problems.append(cells["mode"].where.problem(
            "error", f"mode '{mode}' is not one of {', '.join(MODES)}"))
    if (priority or mode or reason) and partner not in allowed:
        problems.append(cells["partner id"].where.problem(
            "error", f"'{partner}' is not a partner this company may meet"))
    if (mode or reason) and not priority:
        problems.append(cells["priority"].where.problem(
            "error", "a mode or reason without a priority: choose a priority"))
    if problems or not priority:
        return None, problems
    return Filled(partner, priority, mode or None, reason or None), []


def _edited(cells: dict[str, Cell], expected: list[object] | None) -> list[Problem]:
    """A warning for each read-only cell that differs from what was written."""
    if expected is None:
        return []
    return [cells[name].where.problem("warning", f"'{name}' is not a fill-in column; the "
                                      "edit is ignored")
            for name, want in zip(COLUMNS, expected, strict=False)
            if name not in FILL_IN and name != "partner id"
            and cells[name].text != ("" if want is None else str(want).strip())]


def _open(path: Path) -> tuple[Table | None, list[Problem]]:
    """The Wishes sheet of a file, or why it cannot be read."""
    try:
        return read_table(path, SHEET, shown=path.name), []
    except SheetError as exc:
        reason = str(exc).removeprefix(f"{path.name}: ")
        return None, [Problem(path.name, 0, 0, "error", f"cannot read the sheet: {reason}")]


def _as_written(path: Path) -> dict[str, list[object]] | None:
    """The read-only cells of each partner as the sheet was written (None for a sheet
    without that record: then compared with what the mission says now)."""
    try:
        table = read_table(path, WRITTEN, shown=path.name)
    except SheetError:
        return None
    return {row[0].text: [cell.value for cell in row] for row in table.rows if row}


def read_sheet(path: Path, folder: MissionFolder, ranker: Ranker
               ) -> tuple[str | None, list[Filled], list[Problem]]:
    """The company and the filled rows of one sheet, with every problem found."""
    table, problems = _open(path)
    if table is None:
        return None, [], problems
    company_id, problems = _header(table, folder)
    if company_id is None:
        return None, [], problems
    company = folder.companies[company_id]
    partners = {p.id: rank for p, rank in ranked_partners(ranker, company)}
    written = _as_written(path)
    wished = {w.company for w in company.wants_to_meet}
    filled: list[Filled] = []
    seen: set[str] = set()
    for index in range(FIRST_ROW, table.last_row() + 1):
        cells = {name: table.at(index, col) for col, name in enumerate(COLUMNS, start=1)}
        partner = cells["partner id"].text
        cleared = partner in wished and not cells["priority"].text
        wish, found = (None, []) if cleared else _row(cells, partners)
        expected = (written.get(partner) if written is not None
                    else partner_row(ranker, company, folder.companies[partner],
                                     partners[partner]) if partner in partners else None)
        problems += found + _edited(cells, expected)
        if cleared:
            problems.append(cells["priority"].where.problem(
                "warning", f"a blank priority keeps the wish to meet {partner}; remove it "
                f"from {folder.files[company_id]} to drop it"))
        if wish and wish.partner in seen:
            problems.append(cells["partner id"].where.problem(
                "error", f"'{wish.partner}' is listed twice"))
        elif wish:
            seen.add(wish.partner)
            filled.append(wish)
    return company_id, filled, problems


def _entry(wish: Filled) -> CommentedMap:
    """A new wants_to_meet entry, on one line as the seeds write them."""
    entry = CommentedMap([("company", wish.partner), ("priority", wish.priority)])
    if wish.mode:
        entry["mode"] = wish.mode
    if wish.reason:
        entry["reason"] = wish.reason
    entry.fa.set_flow_style()
    return entry


def _updates(old: dict[str, str | None], wish: Filled) -> list[tuple[str, str, str]]:
    """What a filled row changes in an existing wish: (what, old, new); a blank cell keeps."""
    new = {"priority": wish.priority, "mode": wish.mode, "reason": wish.reason}
    return [(name, old[name] or "", value) for name in UPDATED
            if (value := new[name]) is not None and value != old[name]]


Change = tuple[Filled, list[tuple[str, str, str]]]  # a new wish (no updates) or an update


def merge(company: Company, filled: list[Filled], merge_into: Merge) -> list[Change]:
    """The rows that change the company's wishes (new, or changed); records them."""
    current: dict[str, dict[str, str | None]] = {
        w.company: {"priority": w.priority, "mode": w.mode, "reason": w.reason}
        for w in company.wants_to_meet}
    changes: list[Change] = []
    for wish in filled:
        if wish.partner not in current:
            merge_into.added.append((company.id, wish))
            changes.append((wish, []))
        elif updates := _updates(current[wish.partner], wish):
            merge_into.changed += [(company.id, wish.partner, *u) for u in updates]
            changes.append((wish, updates))
    return changes


def _scalar(name: str, value: str) -> str:
    """A value as YAML text: words as they are, a free-text reason quoted."""
    return json.dumps(value, ensure_ascii=False) if name == "reason" else value


def _apply(changes: list[Change], path: Path) -> None:
    """Write a company's new and changed wishes into its file."""
    for wish, updates in changes:
        for name, _, value in updates:
            wishes = load_path(path).get("wants_to_meet") or []
            current = [w for w in wishes if str(w.get("company")) == wish.partner]
            after = "company" if name == "priority" else "priority"
            try:
                set_value(path, current[0], name, _scalar(name, value), after=after)
            except NotInPlace:
                document = load_path(path)
                [entry] = [w for w in document["wants_to_meet"]
                           if str(w.get("company")) == wish.partner]
                entry[name] = value
                save(path, document)
    added = [_entry(w) for w, _ in changes
             if w.partner not in {str(x.get("company")) for x in
                                  load_path(path).get("wants_to_meet") or []}]
    if added:
        append_items(path, "wants_to_meet", added)


def import_sheets(folder: MissionFolder, root: Path, paths: list[Path],
                  blocked: Collection[Pair] = frozenset()) -> Merge:
    """Merge filled sheets into the company files of the mission folder `root`; nothing is
    written if any sheet has an error, or the files as they would be written have one."""
    ranker = build_ranker(folder, blocked)
    result = Merge()
    problems: list[Problem] = []
    per_company: dict[str, list[Filled]] = {}
    for path in paths:
        company_id, filled, found = read_sheet(path, folder, ranker)
        problems += found
        if company_id in per_company:
            problems.append(Problem(path.name, 0, 0, "error", f"a second sheet for "
                                    f"{company_id}: import one sheet per company"))
        elif company_id is not None:
            per_company.setdefault(company_id, []).extend(filled)
    if any(p.is_error for p in problems):
        raise InputError(problems)
    result.warnings = problems
    edits: dict[Path, Edit] = {}
    for company_id, filled in sorted(per_company.items()):
        changes = merge(folder.companies[company_id], filled, result)
        if changes:
            edits[Path(folder.files[company_id])] = partial(_apply, changes)
    edit_checked(root, edits)
    return result
