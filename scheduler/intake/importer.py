"""`mission import`: a registration sheet read, checked whole, then written as profiles."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from scheduler.errors import InputError, Problem, rel, shown
from scheduler.input.model import Company, Mission
from scheduler.input.types import slugify
from scheduler.intake.fields import Mapping, guess_mapping, mapping_text, read_mapping
from scheduler.intake.profiles import State, read_state
from scheduler.intake.rows import Draft, Read, name_key, read_rows
from scheduler.intake.writing import (
    Progress,
    existing_files,
    located,
    plan,
    same_source,
    sheet_source,
    staged_problems,
    write_planned,
)
from scheduler.load.loader import MISSION_FILE, read_source, validate_model
from scheduler.sheets import Table, read_table

HEADER_ROWS = 10  # how far down a sheet its header may start


@dataclass(frozen=True)
class ImportOptions:
    """How to read the sheet: mapping file, sheet name, default side, skipping bad rows,
    default country (a two-letter code)."""

    mapping: Path | None = None
    sheet: str | None = None
    side: str | None = None
    skip_bad_rows: bool = False
    country: str | None = None


@dataclass
class ImportResult:
    """Problems (by cell), what was written or kept, and whether rows were left out."""

    problems: list[Problem] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    failed: bool = False


def guessed_mapping(sheet: Path, sheet_name: str | None = None) -> str:
    """The mapping the sheet's header suggests, as the YAML text --mapping reads."""
    table = header_row(read_table(sheet, sheet_name))
    where = table.file if table.sheet is None else f"{table.file} (sheet {table.sheet})"
    return mapping_text(table, guess_mapping(table), where)


def _names_company(mapping: Mapping) -> bool:
    """Whether a mapping says which company each row is."""
    return "name" in mapping.columns or "id" in mapping.columns


def header_row(table: Table) -> Table:
    """The table read from its real header: the first of its first rows whose names say
    which column holds the company (a title or notes may stand above it)."""
    if _names_company(guess_mapping(table)):
        return table
    for index in range(min(HEADER_ROWS, len(table.rows))):
        candidate = table.header_at(index)
        if _names_company(guess_mapping(candidate)):
            return candidate
    return table


def _table_and_mapping(table: Table, options: ImportOptions) -> tuple[Table, Mapping]:
    """The table read from its real header, and the mapping to use: with a mapping file,
    the first of the first rows that holds every column it names (a title may stand above
    the header); else the row whose names say which column holds the company."""
    if options.mapping is None:
        table = header_row(table)
        return table, _mapping(table, options)
    first: InputError | None = None
    for index in range(-1, min(HEADER_ROWS, len(table.rows))):
        candidate = table if index < 0 else table.header_at(index)
        try:
            return candidate, _mapping(candidate, options)
        except InputError as exc:
            first = first or exc  # the errors told are those of the first row
    assert first is not None
    raise first


def _mapping(table: Table, options: ImportOptions) -> Mapping:
    """The mapping to use: the file given, else the guess; either must name the company."""
    mapping = read_mapping(options.mapping, table) if options.mapping else guess_mapping(table)
    if not _names_company(mapping):
        where = table.header[0].where
        raise InputError([where.problem("error", "no column holds the company name; name it "
                                        "'Company name' or pass --mapping (see "
                                        "`mission import --guess-mapping SHEET`)")])
    return mapping


def _message(err: dict) -> str:
    """A pydantic error as a line of a message: the field, then what is wrong."""
    loc = ".".join(str(p) for p in err["loc"])
    if err["type"] == "missing":
        option = " (or pass --country for them all)" if loc == "country" else ""
        return f"{loc}: missing; map a column to it or fill it in{option}"
    return f"{loc}: {str(err['msg']).removeprefix('Value error, ')}"


def mission_sessions(folder: Path) -> dict[str, str] | None:
    """The partnering sessions of FOLDER/mission.yaml: each id, and each title slugified,
    to its id (None when mission.yaml cannot be read)."""
    source, _ = read_source(folder / MISSION_FILE, MISSION_FILE)
    mission, _ = validate_model(Mission, source) if source else (None, [])
    if mission is None:
        return None
    return {**{slugify(s.title): s.id for s in mission.partnering},
            **{s.id: s.id for s in mission.partnering}}


def _sessions_of(draft: Draft, sessions: dict[str, str] | None) -> list[Problem]:
    """A company's `attends` as session ids (a session's title, as people write it, counts
    too); an error for any that is no session of the mission."""
    attends = draft.data.get("attends")
    if not isinstance(attends, list) or sessions is None:
        return []
    unknown = [s for s in attends if slugify(str(s)) not in sessions]
    if unknown:
        ids = ", ".join(sorted(set(sessions.values()))) or "none"
        return [draft.cells[("attends",)].problem(
            "error", f"attends: no partnering session {', '.join(map(repr, unknown))} in "
            f"{MISSION_FILE}; its sessions: {ids}")]
    draft.data["attends"] = list(dict.fromkeys(sessions[slugify(str(s))] for s in attends))
    return []


def _check(draft: Draft, sessions: dict[str, str] | None) -> list[Problem]:
    """Validate one draft with the company model and its sessions against the mission's;
    each error at the cell it came from."""
    unknown = _sessions_of(draft, sessions)
    if unknown:
        return unknown
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


def _assign_ids(read: Read, existing: dict[str, Path], state: State) -> dict[str, str]:
    """Company key -> file id: the id the last import gave it, else that of a profile
    written by hand for the same company (same id, or a name giving the same key), else
    the key itself, or key-2, key-3, ... when another company's file holds it."""
    by_hand = _hand_written(existing, state)
    taken = set(existing) | set(state.companies)
    ids: dict[str, str] = {}
    for key in read.drafts:
        known = state.id_of(key) or by_hand.get(key)
        if known:
            ids[key] = known
            continue
        candidate, n = key, 1
        while candidate in taken or candidate in ids.values():
            n += 1
            candidate = f"{key[:60]}-{n}"
        ids[key] = candidate
    return ids


def _hand_written(existing: dict[str, Path], state: State) -> dict[str, str]:
    """Profiles no import wrote, by the keys a sheet row would give them: id and name."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    keys: dict[str, str] = {}
    for stem, path in sorted(existing.items()):
        if stem in state.companies:
            continue
        try:
            document = yaml.load(path.read_text("utf-8"), Loader=loader)  # noqa: S506
        except (OSError, UnicodeError, yaml.YAMLError):
            continue  # unreadable: the loader's check will say so
        if isinstance(document, dict):
            keys.setdefault(name_key(str(document.get("name", ""))), stem)
            keys[str(document.get("id", stem))] = stem
    return keys


def import_sheet(folder: Path, sheet: Path, options: ImportOptions,
                 progress: Progress = lambda items: items) -> ImportResult:
    """Read a sheet into profiles under FOLDER/companies/: every problem first, by cell;
    nothing written on an error unless skip_bad_rows (then the good rows are written)."""
    if not (folder / MISSION_FILE).is_file():
        raise InputError([Problem(rel(folder), 0, 0, "error", f"no {MISSION_FILE} here; create "
                                  f"one with `mission init {rel(folder)}` first")])
    table, mapping = _table_and_mapping(read_table(sheet, options.sheet), options)
    read = read_rows(table, mapping, options.side, options.country)
    state = read_state(folder)
    existing = existing_files(folder)
    ids = _assign_ids(read, existing, state)
    source = sheet_source(table)
    elsewhere = _from_other_sheets(read, ids, state, source)
    sessions = mission_sessions(folder)
    for key, draft in list(read.drafts.items()):
        draft.data["id"] = ids[key]
        _drop_if(read, key, _check(draft, sessions))
    planned = plan(folder, read, state, existing)
    staged = staged_problems(folder, planned)
    for item in planned:
        found = staged.get(str(item.draft.data["id"]), [])
        _drop_if(read, item.draft.key, [located(item.draft, p) for p in found])
    result = ImportResult(read.problems, [f"read {table.file}"
                                          + (f" ({table.read_as})" if table.read_as else "")])
    if any(p.is_error for p in read.problems) and not options.skip_bad_rows:
        result.failed = True
        result.lines.append(f"nothing written: {len(read.bad_rows)} row(s) with errors "
                            "(fix them, or pass --skip-bad-rows to write the others)")
        return result
    done = write_planned(folder, progress([p for p in planned if p.draft.key in read.drafts]),
                         state, source, read.bad | elsewhere)
    result.lines += done.lines
    result.written = done.paths
    if read.bad_rows:
        result.failed = True
        result.lines.append(f"left out {len(read.bad_rows)} row(s) with errors: "
                            + ", ".join(str(w) for w in read.bad_rows))
    return result


def _from_other_sheets(read: Read, ids: dict[str, str], state: State,
                       source: dict[str, str]) -> set[str]:
    """Companies an earlier import took from another sheet, set apart with a warning: this
    sheet would otherwise overwrite that one's side and drop the fields it gave."""
    others = set()
    for key, draft in list(read.drafts.items()):
        record = state.companies.get(ids[key])
        if record and not same_source(record, source):
            where = draft.cells.get(("name",), draft.rows[0])
            read.problems.append(where.problem(
                "warning", f"'{shown(draft.data.get('name', key))}' was imported from "
                f"{shown(record.get('sheet', 'another sheet'))}; its rows here are left out "
                f"(keep a company in one sheet, or edit companies/{ids[key]}.yaml by hand)"))
            del read.drafts[key]
            others.add(key)
    return others


def _drop_if(read: Read, key: str, problems: list[Problem]) -> None:
    """Set a company apart, its rows bad, when it has problems."""
    if problems:
        read.problems += problems
        read.bad_rows += read.drafts.pop(key).rows
        read.bad.add(key)
