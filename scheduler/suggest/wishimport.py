"""`mission wishes --import`: filled wish sheets merged into each company's wants_to_meet.

Every sheet is read and checked before anything is written: errors are reported by cell
(`genomix-bcn.xlsx:Wishes!J12: error: ...`), all at once, and then nothing changes. New
wishes are added, changed priorities updated (and listed); nothing else in a company file
is touched, and its comments and layout stay (textedit.py).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from zipfile import BadZipFile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from scheduler.errors import InputError, Problem
from scheduler.input.model import Company, MissionFolder
from scheduler.suggest.rank import Pair, Ranker, build_ranker
from scheduler.suggest.sheets import (
    COLUMNS,
    FILL_IN,
    FIRST_ROW,
    MODES,
    PRIORITIES,
    SHEET,
    column,
    partner_row,
    ranked_partners,
)
from scheduler.suggest.textedit import append_items, set_value
from scheduler.yamledit import CommentedMap, load_path

PRIORITY_AT = COLUMNS.index("priority")


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
    # company, partner, old priority, new priority
    changed: list[tuple[str, str, str, str]] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def _at(path: Path, cell: str, severity: str, message: str) -> Problem:
    """A problem located at a sheet cell, shown as file:Sheet!A1."""
    return Problem(f"{path.name}:{SHEET}!{cell}", 0, 0, severity, message)


def _text(value: object) -> str:
    """A cell's value as trimmed text ('' when empty)."""
    return "" if value is None else str(value).strip()


def _header(path: Path, sheet: Worksheet, folder: MissionFolder
            ) -> tuple[str | None, list[Problem]]:
    """The company a sheet is for, once its mission and company cells check out."""
    mission, company = _text(sheet["B1"].value), _text(sheet["B2"].value)
    if mission != folder.mission.id:
        return None, [_at(path, "B1", "error", f"this sheet is for mission '{mission}', "
                          f"not '{folder.mission.id}'")]
    if company not in folder.companies:
        return None, [_at(path, "B2", "error", f"no company '{company}' in this mission")]
    return company, []


def _row(path: Path, index: int, cells: tuple[object, ...], allowed: dict[str, int]
         ) -> tuple[Filled | None, list[Problem]]:
    """The wish of one row, or the problems of its cells."""
    values = dict(zip(COLUMNS, cells, strict=False))
    partner = _text(values.get("partner id"))
    priority = _text(values.get("priority")).lower()
    mode = _text(values.get("mode")).lower()
    reason = _text(values.get("your reason"))
    problems = []
    if priority and priority not in PRIORITIES:
        problems.append(_at(path, f"{column('priority')}{index}", "error",
                            f"priority '{priority}' is not one of {', '.join(PRIORITIES)}"))
    if mode and mode not in MODES:
        problems.append(_at(path, f"{column('mode')}{index}", "error",
                            f"mode '{mode}' is not one of {', '.join(MODES)}"))
    if (priority or mode or reason) and partner not in allowed:
        problems.append(_at(path, f"{column('partner id')}{index}", "error",
                            f"'{partner}' is not a partner this company may meet"))
    if (mode or reason) and not priority:
        problems.append(_at(path, f"{column('priority')}{index}", "error",
                            "a mode or reason without a priority: choose a priority"))
    if problems or not priority:
        return None, problems
    return Filled(partner, priority, mode or None, reason or None), []


def _edited(path: Path, index: int, cells: tuple[object, ...], expected: list[object] | None
            ) -> list[Problem]:
    """A warning for each read-only cell that differs from what was written."""
    if expected is None:
        return []
    out = []
    for number, (name, want) in enumerate(zip(COLUMNS, expected, strict=False), start=1):
        got = cells[number - 1] if number <= len(cells) else None
        if name not in FILL_IN and name != "partner id" and _text(got) != _text(want):
            out.append(_at(path, f"{column(name)}{index}", "warning",
                           f"'{name}' is not a fill-in column; the edit is ignored"))
    return out


def read_sheet(path: Path, folder: MissionFolder, ranker: Ranker
               ) -> tuple[str | None, list[Filled], list[Problem]]:
    """The company and the filled rows of one sheet, with every problem found."""
    try:
        book = load_workbook(path, data_only=True)
    except (OSError, InvalidFileException, BadZipFile, KeyError, ValueError) as exc:
        return None, [], [Problem(path.name, 0, 0, "error", f"cannot read the sheet: {exc}")]
    if SHEET not in book.sheetnames:
        return None, [], [Problem(path.name, 0, 0, "error", f"no sheet named '{SHEET}'")]
    sheet = book[SHEET]
    company_id, problems = _header(path, sheet, folder)
    if company_id is None:
        return None, [], problems
    company = folder.companies[company_id]
    partners = {p.id: rank for p, rank in ranked_partners(ranker, company)}
    wished = {w.company for w in company.wants_to_meet}
    filled: list[Filled] = []
    seen: set[str] = set()
    for index, cells in enumerate(sheet.iter_rows(min_row=FIRST_ROW, values_only=True),
                                  start=FIRST_ROW):
        partner = _text(cells[0]) if cells else ""
        priority = cells[PRIORITY_AT] if len(cells) > PRIORITY_AT else None
        cleared = partner in wished and not _text(priority)
        wish, found = (None, []) if cleared else _row(path, index, cells, partners)
        expected = (partner_row(ranker, company, folder.companies[partner], partners[partner])
                    if partner in partners else None)
        problems += found + _edited(path, index, cells, expected)
        if cleared:
            problems.append(_at(path, f"{column('priority')}{index}", "warning", "a blank "
                                f"priority keeps the wish to meet {partner}; remove it from "
                                f"{folder.files[company_id]} to drop it"))
        if wish and wish.partner in seen:
            problems.append(_at(path, f"A{index}", "error", f"'{wish.partner}' is listed twice"))
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


def merge(company: Company, filled: list[Filled], merge_into: Merge) -> list[Filled]:
    """The rows that change the company's wishes (new, or a new priority); records them."""
    current = {w.company: w.priority for w in company.wants_to_meet}
    changes = []
    for wish in filled:
        if wish.partner not in current:
            merge_into.added.append((company.id, wish))
            changes.append(wish)
        elif current[wish.partner] != wish.priority:
            merge_into.changed.append((company.id, wish.partner, current[wish.partner],
                                       wish.priority))
            changes.append(wish)
    return changes


def _apply(path: Path, changes: list[Filled]) -> None:
    """Write a company's new and re-prioritised wishes into its file."""
    for wish in changes:
        wishes = load_path(path).get("wants_to_meet") or []
        current = [w for w in wishes if str(w.get("company")) == wish.partner]
        if current:
            set_value(path, current[0], "priority", wish.priority, after="company")
    added = [_entry(w) for w in changes
             if w.partner not in {str(x.get("company")) for x in
                                  load_path(path).get("wants_to_meet") or []}]
    if added:
        append_items(path, "wants_to_meet", added)


def import_sheets(folder: MissionFolder, paths: list[Path],
                  blocked: Collection[Pair] = frozenset()) -> Merge:
    """Merge filled sheets into the company files; nothing is written if any has an error."""
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
    for company_id, filled in sorted(per_company.items()):
        changes = merge(folder.companies[company_id], filled, result)
        if changes:
            _apply(Path(folder.files[company_id]), changes)
    return result
