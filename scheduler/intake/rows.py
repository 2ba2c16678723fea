"""Sheet rows -> company drafts: each row's values read and normalised, rows of one company
(same id, or same name once slugified) merged, each delegate once, every problem by cell."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from scheduler.errors import Problem, shown
from scheduler.input.model import Side
from scheduler.input.types import slugify
from scheduler.intake import normalise
from scheduler.intake.fields import LIST_FIELDS, Mapping
from scheduler.sheets import Cell, Table, Where

Loc = tuple[str | int, ...]
PHRASE_FIELDS = frozenset({"offers", "seeks"})  # lists of phrases, which hold commas
SIDE_NAMES = ", ".join(Side.__args__)  # type: ignore[attr-defined]


@dataclass
class Draft:
    """One company as the sheet gives it: model-ready data and the cell behind each value."""

    key: str
    data: dict[str, object] = field(default_factory=dict)
    cells: dict[Loc, Where] = field(default_factory=dict)
    rows: list[Where] = field(default_factory=list)  # first cell of each of its rows
    emails: dict[str, Where] = field(default_factory=dict)


@dataclass
class Read:
    """What the rows gave: drafts by key, problems, and the rows that had an error."""

    drafts: dict[str, Draft] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    bad_rows: list[Where] = field(default_factory=list)
    bad: set[str] = field(default_factory=set)  # companies left out: a row of theirs is bad


@dataclass
class RowValues:
    """One row's values by field, each with its cell, and the problems found reading it."""

    values: dict[str, tuple[object, Where]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def error(self, where: Where, message: str) -> None:
        """Record an error at a cell."""
        self.problems.append(where.problem("error", message))


def _cells(row: list[Cell], table: Table, columns: list[int]) -> list[Cell]:
    """The row's cells in these columns (an empty cell where the row is short)."""
    return [row[c - 1] if c - 1 < len(row) else Cell(None, Where(
        table.file, table.sheet, row[0].where.row, c)) for c in columns]


def _list_items(cell: Cell, name: str) -> list[str]:
    """The items of a list field in one cell; a date cell is a whole-day period."""
    value = cell.value
    if name == "unavailable" and isinstance(value, int | float) and not isinstance(value, bool):
        value = normalise.excel_date(value)  # a date typed into a cell without date format
    if isinstance(value, dt.date):
        return [Cell(value, cell.where).text]
    return normalise.split_list(cell.text, commas=name not in PHRASE_FIELDS)


def read_row(row: list[Cell], table: Table, mapping: Mapping,
             country: str | None = None) -> RowValues:
    """A row's values by field, normalised; country (else the default `country`, a code)
    before phone (its region)."""
    out = RowValues()
    for name, columns in mapping.columns.items():
        cells = [c for c in _cells(row, table, columns) if c.value is not None]
        if not cells:
            continue
        if name in LIST_FIELDS:
            out.values[name] = ([i for c in cells for i in _list_items(c, name)], cells[0].where)
        else:
            out.values[name] = (cells[0].value if name == "max_meetings" else cells[0].text,
                                cells[0].where)
    if country is not None and "country" not in out.values:
        out.values["country"] = (country, row[0].where)
    _normalise(out)
    return out


def _normalise(out: RowValues) -> None:
    """Country, side, e-mail, phone, website and id as the profile writes them."""
    values = out.values
    if "country" in values:
        text, where = values["country"]
        code = normalise.country_code(str(text))
        if code is None:
            out.error(where, f"unknown country '{shown(text)}'; write its name or its "
                      "two-letter code (ES, DE, JP)")
        values["country"] = (code or text, where)
    if "side" in values:
        text, where = values["side"]
        found = normalise.side(str(text))
        if found is None:
            out.error(where, f"'{shown(text)}' is not a side; use one of {SIDE_NAMES}")
        values["side"] = (found or text, where)
    if "delegate.email" in values:
        text, where = values["delegate.email"]
        address, why = normalise.email(str(text))
        if address is None:
            out.error(where, f"'{shown(text)}' is not an e-mail address: {why}")
        values["delegate.email"] = (address or text, where)
    if "delegate.phone" in values:
        text, where = values["delegate.phone"]
        region = values.get("country", (None,))[0]
        known = region if isinstance(region, str) and \
            normalise.country_code(region) == region else None
        number = normalise.phone(str(text), known)
        if number is None and not known:
            why = "the country is unknown" if "country" in values else \
                "the row gives no country (map a country column or pass --country)"
            out.error(where, f"'{shown(text)}' has no country code and {why}: write it "
                      "with its country code, like +34 931 234 567")
        elif number is None:
            out.error(where, f"'{shown(text)}' is not a phone number; write it with its "
                      "country code, like +34 931 234 567")
        values["delegate.phone"] = (number or text, where)
    if "website" in values:
        text, where = values["website"]
        if text and "://" not in str(text):
            values["website"] = (f"https://{text}", where)
    if "id" in values:
        values["id"] = (slugify(str(values["id"][0])), values["id"][1])


COMPANY_KEYS: dict[str, Loc] = {
    "id": ("id",), "name": ("name",), "side": ("side",), "country": ("country",),
    "city": ("city",), "cluster": ("cluster",), "website": ("website",),
    "timezone": ("timezone",), "sectors": ("profile", "sectors"),
    "offers": ("profile", "offers"), "seeks": ("profile", "seeks"),
    "description": ("profile", "description"), "attends": ("attends",),
    "unavailable": ("unavailable",), "max_meetings": ("max_meetings",),
}
DELEGATE_KEYS = ("name", "email", "role", "phone")


def _delegate(values: dict[str, tuple[object, Where]]) -> dict[str, tuple[object, Where]]:
    """The delegate a row names, if any: its fields with their cells."""
    person = {k: values[f"delegate.{k}"] for k in DELEGATE_KEYS if f"delegate.{k}" in values}
    parts = [values[f"delegate.{k}"] for k in ("first_name", "last_name")
             if f"delegate.{k}" in values]
    if parts and "name" not in person:
        person["name"] = (" ".join(str(v) for v, _ in parts), parts[0][1])
    return person


def name_key(name: str) -> str:
    """The id a company name gives: slugified, or for a name with no Latin letters or
    digits (a Japanese or Chinese name) `company-` and a digest of the name."""
    import hashlib
    import unicodedata

    latin = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    if not any(c.isalnum() for c in latin):  # nothing of the name survives transliteration
        text = " ".join(unicodedata.normalize("NFKC", name).casefold().split())
        return "company-" + hashlib.sha256(text.encode()).hexdigest()[:10]
    return slugify(name)


def company_key(values: dict[str, tuple[object, Where]]) -> str | None:
    """Which company a row belongs to: its id, else the id its name gives."""
    if "id" in values:
        return str(values["id"][0])
    if "name" in values:
        return name_key(str(values["name"][0]))
    return None


def _put(draft: Draft, loc: Loc, value: object, where: Where, problems: list[Problem]) -> None:
    """Set a company value from a row: the first row that gives it wins; a later row that
    says otherwise is warned about."""
    holder: dict = draft.data
    for part in loc[:-1]:
        holder = holder.setdefault(part, {})
    key = loc[-1]
    if key not in holder:
        holder[key] = value
        draft.cells[loc] = where
    elif holder[key] != value:
        problems.append(where.problem("warning", f"'{shown(value)}' differs from "
                                      f"{draft.cells[loc]} of the same company; "
                                      "keeping the first"))


def _add_delegate(draft: Draft, person: dict[str, tuple[object, Where]],
                  problems: list[Problem]) -> None:
    """Add the row's delegate to its company, once per e-mail address."""
    address = str(person.get("email", ("",))[0]).lower()
    if address and address in draft.emails:
        first = draft.emails[address]
        problems.append(person["email"][1].problem(
            "warning", f"{address} is already a delegate of this company at {first}; "
            "reading it once"))
        return
    delegates: list = draft.data.setdefault("delegates", [])  # type: ignore[assignment]
    index = len(delegates)
    entry = {k: v for k, (v, _) in person.items()}
    taken = {d.get("id") or slugify(str(d.get("name", ""))) for d in delegates}
    base = slugify(str(entry.get("name", "")))
    if base in taken:  # two people of one name: ids tell them apart in the calendars
        entry = {"id": next(f"{base}-{n}" for n in range(2, len(delegates) + 3)
                            if f"{base}-{n}" not in taken), **entry}
    delegates.append(entry)
    for key, (_, where) in person.items():
        draft.cells[("delegates", index, key)] = where
    draft.cells[("delegates", index)] = next(iter(person.values()))[1]
    if address:
        draft.emails[address] = person["email"][1]


def read_rows(table: Table, mapping: Mapping, default_side: str | None,
              default_country: str | None = None) -> Read:
    """Every row read and merged into company drafts; problems by cell, all of them."""
    read = Read()
    for row in table.rows:
        got = read_row(row, table, mapping, default_country)
        first = row[0].where
        key = company_key(got.values)
        if key is None:
            got.error(_name_cell(row, table, mapping), "no company name (nor id) in this row")
        elif "side" not in got.values and default_side is None \
                and (key not in read.drafts or "side" not in read.drafts[key].data):
            got.error(first, "no side for this company; map a side column or pass --side")
        if got.problems:
            read.problems += got.problems
            read.bad_rows.append(first)
            read.bad.add(key) if key is not None else None
            continue
        assert key is not None
        draft = read.drafts.setdefault(key, Draft(key))
        draft.rows.append(first)
        values = dict(got.values)
        if default_side is not None:
            values.setdefault("side", (default_side, first))
        for name, loc in COMPANY_KEYS.items():
            if name in values and (name != "id" or "id" in mapping.columns):
                _put(draft, loc, values[name][0], values[name][1], read.problems)
        if "id" not in draft.data:
            draft.data["id"] = key
            draft.cells[("id",)] = values.get("name", (None, first))[1]
        person = _delegate(values)
        if person:
            _add_delegate(draft, person, read.problems)
    # A company is written with all its rows or not at all: one with a bad row would
    # otherwise lose that row's delegate (or values) on a re-import with --skip-bad-rows.
    for key in sorted(read.bad & read.drafts.keys()):
        read.bad_rows += read.drafts.pop(key).rows
    read.bad_rows.sort()
    if "id" not in mapping.columns:  # with ids, the sheet itself says which rows are one
        read.problems += _look_alike(read)
    return read


def _look_alike(read: Read) -> list[Problem]:
    """A warning for each company whose name differs from an earlier one's only in case,
    spaces or punctuation ('Genomix S.L.' and 'Genomix SL'): the rows, keyed by name, would
    make two files of what is likely one company."""
    first: dict[str, Draft] = {}
    problems = []
    for draft in read.drafts.values():
        name = str(draft.data.get("name", ""))
        compact = "".join(c for c in name_key(name) if c.isalnum()) if name else ""
        other = first.setdefault(compact, draft) if compact else draft
        if other is not draft:
            where = draft.cells.get(("name",), draft.rows[0])
            problems.append(where.problem(
                "warning", f"'{shown(name)}' looks like '{shown(other.data['name'])}' at "
                f"{other.cells.get(('name',), other.rows[0])}: imported as two companies; "
                "write the name the same way in both rows if they are one"))
    return problems


def _name_cell(row: list[Cell], table: Table, mapping: Mapping) -> Where:
    """The cell where a row's company name belongs (its first cell without a name column)."""
    columns = mapping.columns.get("name") or mapping.columns.get("id")
    return _cells(row, table, columns)[0].where if columns else row[0].where
