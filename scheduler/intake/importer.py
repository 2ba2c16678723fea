"""`mission import`: a registration sheet read, checked whole, then written as profiles."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from scheduler.errors import InputError, Problem, rel
from scheduler.input.model import Company
from scheduler.intake.fields import Mapping, guess_mapping, mapping_text, read_mapping
from scheduler.intake.profiles import (
    State,
    flatten,
    new_text,
    read_state,
    update_file,
    write_state,
)
from scheduler.intake.rows import Draft, Read, read_rows
from scheduler.load.loader import COMPANIES_DIR
from scheduler.sheets import Table, read_table

Progress = Callable[[list[Draft]], Iterable[Draft]]


@dataclass(frozen=True)
class ImportOptions:
    """How to read the sheet: mapping file, sheet name, default side, skipping bad rows."""

    mapping: Path | None = None
    sheet: str | None = None
    side: str | None = None
    skip_bad_rows: bool = False


@dataclass
class ImportResult:
    """Problems (by cell), what was written or kept, and whether rows were left out."""

    problems: list[Problem] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    failed: bool = False


def guessed_mapping(sheet: Path, sheet_name: str | None = None) -> str:
    """The mapping the sheet's header suggests, as the YAML text --mapping reads."""
    table = read_table(sheet, sheet_name)
    where = table.file if table.sheet is None else f"{table.file} (sheet {table.sheet})"
    return mapping_text(table, guess_mapping(table), where)


def _mapping(table: Table, options: ImportOptions) -> Mapping:
    """The mapping to use: the file given, else the guess; either must name the company."""
    mapping = read_mapping(options.mapping, table) if options.mapping else guess_mapping(table)
    if "name" not in mapping.columns and "id" not in mapping.columns:
        where = table.header[0].where
        raise InputError([where.problem("error", "no column holds the company name; name it "
                                        "'Company name' or pass --mapping (see "
                                        "`mission import --guess-mapping SHEET`)")])
    return mapping


def _message(err: dict) -> str:
    """A pydantic error as a line of a message: the field, then what is wrong."""
    loc = ".".join(str(p) for p in err["loc"])
    if err["type"] == "missing":
        return f"{loc}: missing; map a column to it or fill it in"
    return f"{loc}: {str(err['msg']).removeprefix('Value error, ')}"


def _check(draft: Draft) -> list[Problem]:
    """Validate one draft with the company model; each error at the cell it came from."""
    try:
        Company.model_validate(draft.data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            while loc and loc not in draft.cells:
                loc = loc[:-1]
            where = draft.cells[loc] if loc else draft.rows[0]
            problems.append(where.problem("error", _message(dict(err))))
        return problems
    return []


def _assign_ids(read: Read, folder: Path, state: State) -> dict[str, str]:
    """Company key -> file id: the id the last import gave it, else the key itself unless a
    file of another company holds it (then key-2, key-3, ...)."""
    taken = {p.stem for p in (folder / COMPANIES_DIR).glob("*.yaml")}
    ids: dict[str, str] = {}
    for key in read.drafts:
        known = state.id_of(key)
        if known:
            ids[key] = known
            continue
        candidate, n = key, 1
        while (candidate in taken and not _same(folder, candidate, key)) \
                or candidate in ids.values() or (candidate in state.companies):
            n += 1
            candidate = f"{key[:60]}-{n}"
        ids[key] = candidate
    return ids


def _same(folder: Path, file_id: str, key: str) -> bool:
    """Whether an existing file (not from an import) is this company: same id or name."""
    from scheduler.input.types import slugify
    from scheduler.yamledit import load_path

    try:
        document = load_path(folder / COMPANIES_DIR / f"{file_id}.yaml")
    except Exception:  # noqa: BLE001 - an unreadable file is some other company's
        return False
    return isinstance(document, dict) and key in (document.get("id"),
                                                  slugify(str(document.get("name", ""))))


def import_sheet(folder: Path, sheet: Path, options: ImportOptions,
                 progress: Progress = lambda items: items) -> ImportResult:
    """Read a sheet into profiles under FOLDER/companies/: every problem first, by cell;
    nothing written on an error unless skip_bad_rows (then the good rows are written)."""
    table = read_table(sheet, options.sheet)
    read = read_rows(table, _mapping(table, options), options.side)
    state = read_state(folder)
    ids = _assign_ids(read, folder, state)
    for key, draft in list(read.drafts.items()):
        draft.data["id"] = ids[key]
        found = _check(draft)
        if found:
            read.problems += found
            read.bad_rows += draft.rows
            del read.drafts[key]
    result = ImportResult(read.problems, [f"read {table.file}"
                                          + (f" ({table.read_as})" if table.read_as else "")])
    errors = sum(p.is_error for p in read.problems)
    if errors and not options.skip_bad_rows:
        result.failed = True
        result.lines.append(f"nothing written: {len(read.bad_rows)} row(s) with errors "
                            "(fix them, or pass --skip-bad-rows to write the others)")
        return result
    _write(folder, read, state, result, progress)
    if read.bad_rows:
        result.failed = True
        result.lines.append(f"left out {len(read.bad_rows)} row(s) with errors: "
                            + ", ".join(str(w) for w in read.bad_rows))
    return result


def _write(folder: Path, read: Read, state: State, result: ImportResult,
           progress: Progress) -> None:
    """Write new files, merge into existing ones, record the state, report the rest."""
    companies = folder / COMPANIES_DIR
    counts = {"new": 0, "updated": 0, "unchanged": 0}
    for draft in progress(list(read.drafts.values())):
        result.lines += _write_one(companies, draft, state, counts, result.written)
    gone = sorted(i for i, c in state.companies.items()
                  if c.get("key") not in read.drafts and (companies / f"{i}.yaml").exists())
    for company_id in gone:
        result.lines.append(f"{rel(companies / f'{company_id}.yaml')}: not in this sheet any "
                            "more; kept (set `withdrawn: true` if the company withdrew)")
    write_state(folder, state)
    result.lines.append(f"{counts['new']} new, {counts['updated']} updated, "
                        f"{counts['unchanged']} unchanged, {len(gone)} not in the sheet")


def _write_one(companies: Path, draft: Draft, state: State, counts: dict[str, int],
               written: list[Path]) -> Iterator[str]:
    """Write or merge one company's file; lines saying what happened to it."""
    company_id = str(draft.data["id"])
    path = companies / f"{company_id}.yaml"
    new = flatten(draft.data)
    last = state.companies.get(company_id, {}).get("fields")
    state.companies[company_id] = {"key": draft.key, "fields": new}
    if not path.exists():
        from scheduler.atomic import write_atomic

        write_atomic(path, new_text(draft.data))
        written.append(path)
        counts["new"] += 1
        return
    merged = update_file(path, new, last)
    counts["updated" if merged.changed else "unchanged"] += 1
    if merged.changed:
        written.append(path)
        yield f"updated {rel(path)}: {', '.join(merged.changed)}"
    for kept in merged.kept:
        yield f"{rel(path)}: kept {kept}: changed by hand since the last import"
