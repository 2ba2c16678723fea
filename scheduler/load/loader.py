"""Mission folder -> models, with every problem located as file:line:col."""

from __future__ import annotations

import difflib
import os
import stat
import types
import typing
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from scheduler.errors import InputError, Problem, rel
from scheduler.errors import shown as quoted
from scheduler.gcpause import gc_paused
from scheduler.input.model import Company, Mission, MissionFolder
from scheduler.input.yamlio import Path_, YamlProblem
from scheduler.input.yamlworker import Outcome, read_all, read_outcome
from scheduler.load.references import cross_check
from scheduler.load.sections import section
from scheduler.load.source import WHOLE, PartSource, Source

MISSION_FILE = "mission.yaml"
COMPANIES_DIR = "companies"
M = typing.TypeVar("M", bound=BaseModel)
StandIns = typing.Callable[[set[str]], dict[str, object]]  # failed top-level keys -> values


def _unwrap(annotation: object) -> object:
    """Strip Annotated and Optional from a type annotation."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if len(args) == 1 else annotation
            if len(args) != 1:
                return annotation
        else:
            return annotation


def _keys_at(model: type[BaseModel], loc: Path_) -> list[str]:
    """The valid keys of the mapping at `loc` inside `model`."""
    current: object = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = next((f for n, f in current.model_fields.items()
                          if part in (n, f.alias)), None)
            if field is None:
                return []
            current = field.annotation
        elif typing.get_origin(current) in (list, dict):
            current = typing.get_args(current)[-1]
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or n for n, f in current.model_fields.items()]
    return []


def _field_name(loc: Path_) -> str:
    """Dotted field path as a user reads it: delegates[0].email."""
    out = ""
    for part in loc:
        part = part if isinstance(part, int) else quoted(part)  # keys are user input too
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


_FRIENDLY = {
    "int_parsing": "expected a whole number",
    "float_parsing": "expected a number",
    "bool_parsing": "expected true or false",
    "list_type": "expected a list",
    "model_type": "expected a mapping of keys and values",
    "dict_type": "expected a mapping of keys and values",
    "string_type": "expected text",
}

_BOUNDS = {  # pydantic's bound errors: the word for the bound and its key in the context
    "greater_than_equal": ("at least", "ge"),
    "less_than_equal": ("at most", "le"),
    "greater_than": ("more than", "gt"),
    "less_than": ("less than", "lt"),
}


def _message(err: ErrorDetails, model: type[BaseModel], data: object = None
             ) -> tuple[Path_, str, bool]:
    """Location, message and whether it points at a key, for one pydantic error (`data`:
    the file's, to say in which part an unknown key is)."""
    loc = tuple(p for p in err["loc"] if p != "[key]")
    kind, name = err["type"], _field_name(loc)
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(str(loc[-1]), _keys_at(model, loc[:-1]), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        where = section(loc[:-1], data)
        return loc, f"unknown key '{quoted(loc[-1])}'{where}{hint}", True
    if kind == "missing":
        return loc[:-1], f"missing required key '{loc[-1]}'", False
    msg = err["msg"].removeprefix("Value error, ")
    if kind in _FRIENDLY:
        msg = f"{_FRIENDLY[kind]}, got '{quoted(err.get('input'))}'"
    elif kind in _BOUNDS:
        word, key = _BOUNDS[kind]
        msg = f"must be {word} {err['ctx'][key]}, got '{quoted(err.get('input'))}'"
    elif kind == "too_short":
        least = err["ctx"]["min_length"]
        msg = f"needs at least {least} {'entry' if least == 1 else 'entries'}"
    elif kind == "too_long":
        msg = (f"{err['ctx']['actual_length']} entries is more than the limit of "
               f"{err['ctx']['max_length']}")
    elif kind == "literal_error":
        msg = f"'{quoted(err.get('input'))}' is not one of: {err['ctx']['expected']}"
    return loc, f"{name}: {msg}" if name else msg, False


def _validate(model: type[M], data: dict) -> tuple[M | None, list[ErrorDetails]]:
    """The model of some data, or pydantic's errors."""
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, exc.errors(include_url=False)


def validate_model(model: type[M], source: Source) -> tuple[M | None, list[Problem]]:
    """Validate a file's data against a model; return the model or located problems."""
    data = source.located.data
    if not isinstance(data, dict):
        what = model.__doc__.split(":")[0] if model.__doc__ else "this file"
        return None, [source.problem((), f"expected a mapping of keys at the top of {what}")]
    result, errors = _validate(model, data)
    return result, _located(model, source, errors)


def _located(model: type[BaseModel], source: Source, errors: list[ErrorDetails]
             ) -> list[Problem]:
    """pydantic's errors as problems located in the file."""
    problems = []
    for err in errors:
        loc, message, key = _message(err, model, source.located.data)
        problems.append(source.problem(loc, message, key=key))
    return problems


def _is_part(model: type[BaseModel], name: object) -> bool:
    """Whether a top-level field of a model is a list or mapping of separately checked items."""
    found = next((f for n, f in model.model_fields.items() if name in (n, f.alias)), None)
    return found is not None and typing.get_origin(_unwrap(found.annotation)) in (list, dict)


def _left_out(model: type[BaseModel], data: dict, errors: list[ErrorDetails]
              ) -> dict[str, set]:
    """Per top-level key, what its schema errors leave out: items (positions, keys) or WHOLE."""
    dropped: dict[str, set] = {}
    for err in errors:
        loc = err["loc"]
        if not loc:
            continue
        name = str(loc[0])  # a key of the file's top-level mapping
        inside = len(loc) >= 2 and _is_part(model, name) and isinstance(data.get(name), list | dict)
        dropped.setdefault(name, set()).add(loc[1] if inside else WHOLE)
    return dropped


def validate_parts(model: type[M], source: Source, stand_ins: StandIns
                   ) -> tuple[M | None, list[Problem], Source]:
    """Validate a file; on schema errors, also a model of the parts that passed (see PartSource).

    `stand_ins` gives, for the top-level keys that failed, values to use instead (values no
    check reads as the user's). Returns the model, the schema problems and the source that
    locates later problems in the file.
    """
    data = source.located.data
    if not isinstance(data, dict):
        return (*validate_model(model, source), source)
    result, errors = _validate(model, data)
    problems = _located(model, source, errors)
    if result is not None:
        return result, problems, source
    dropped = _left_out(model, data, errors)
    kept: dict[str, list[int]] = {}
    rest = dict(data)
    for name, left_out in dropped.items():
        value = rest.get(name)
        if WHOLE in left_out:
            rest.pop(name, None)
        elif isinstance(value, list):
            kept[name] = [i for i in range(len(value)) if i not in left_out]
            rest[name] = [value[i] for i in kept[name]]
        elif isinstance(value, dict):
            rest[name] = {k: v for k, v in value.items() if k not in left_out}
    rest.update(stand_ins(set(dropped)))
    partial, _ = _validate(model, rest)
    if partial is None:
        return None, problems, source
    return partial, problems, PartSource(source.name, source.located, kept, dropped)


_MISSION_STAND_INS = {"id": "unread", "title": "unread", "organisers": ["unread"],
                      "timezone": "Europe/London"}


def mission_stand_ins(dropped: set[str]) -> dict[str, object]:
    """Stand-ins for mission.yaml's failed required keys; unknown dates bound nothing.

    With one date unreadable both are replaced: the other alone would make warnings about a
    range the user never wrote.
    """
    stand_ins: dict[str, object] = {k: v for k, v in _MISSION_STAND_INS.items() if k in dropped}
    if dropped & {"start", "end"}:
        stand_ins |= {"start": "0001-01-01", "end": "9999-12-30"}
    return stand_ins


def company_stand_ins(stem: str) -> StandIns:
    """Stand-ins for a company file's failed required keys: its id is taken from its name."""
    values = {"id": stem, "name": "unread", "side": "host", "country": "ZZ"}
    return lambda dropped: {k: v for k, v in values.items() if k in dropped}


def read_source(path: Path | str, name: str) -> tuple[Source | None, list[Problem]]:
    """Read one YAML file; unreadable files become a single located problem."""
    return as_source(read_outcome(path), name)


def as_source(outcome: Outcome, name: str) -> tuple[Source | None, list[Problem]]:
    """What reading a file gave, as a source or a single located problem."""
    if isinstance(outcome, YamlProblem):
        return None, [Problem(name, outcome.line, outcome.col, "error", outcome.message)]
    if isinstance(outcome, OSError):
        return None, [Problem(name, 0, 0, "error", f"cannot read: {outcome.strerror}")]
    return Source(name, outcome), []


def company_paths(folder: Path) -> list[tuple[str, str]]:
    """(path, path relative to the folder) of every company file, in a stable order.

    `_x.yaml` files are templates; hidden files and folders are skipped. Plain strings,
    not Path objects: a BIO-International folder has tens of thousands of files.
    """
    return scan_companies(folder)[0]


def scan_companies(folder: Path) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Company files to read (see company_paths), and (shown path, reason) of those refused:
    anything but a regular file (a FIFO would hang the read, a device never ends) and
    symlinks leading outside the mission folder."""
    found: list[tuple[str, str]] = []
    refused: list[tuple[str, str]] = []
    home = os.path.realpath(folder)
    pending = [(str(folder / COMPANIES_DIR), COMPANIES_DIR)]
    while pending:
        directory, inside = pending.pop()
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            name = f"{inside}/{entry.name}"
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                pending.append((entry.path, name))
            elif entry.name.endswith((".yaml", ".yml")) and not entry.name.startswith("_"):
                why = _refusal(entry, home)
                if why:
                    refused.append((name, why))
                else:
                    found.append((entry.path, name))
    return sorted(found), sorted(refused)


def _refusal(entry: os.DirEntry, home: str) -> str | None:
    """Why a company file is not read, or None for a regular file inside the folder."""
    if entry.is_file(follow_symlinks=False):
        return None  # the common case: no system call beyond the directory listing
    if entry.is_symlink():
        target = os.path.realpath(entry.path)
        if os.path.commonpath([home, target]) != home:
            return f"is a link to {target}, outside the mission folder; copy the file here instead"
    try:
        if stat.S_ISREG(os.stat(entry.path).st_mode):
            return None
    except OSError as exc:
        return f"cannot read: {exc.strerror}"
    return "is not a regular file (a device, FIFO or socket); company files must be plain files"


def company_files(folder: Path) -> list[Path]:
    """Every company file of a mission folder, in a stable order; `_x.yaml` are templates."""
    return [Path(path) for path, _ in company_paths(folder)]


def _join(shown: str, name: Path | str) -> str:
    """A file's name as shown to the user: relative to the folder as shown."""
    return str(name) if shown == "." else f"{shown}/{name}"


@dataclass
class Loaded:
    """What loading found: the folder (if every file parsed) and all problems."""

    folder: MissionFolder | None
    problems: list[Problem]
    sources: dict[str, Source]

    @property
    def errors(self) -> list[Problem]:
        """Only the errors."""
        return [p for p in self.problems if p.is_error]


def load(folder: Path, base: Path | None = None) -> Loaded:
    """Load and check a mission folder, collecting every problem."""
    with gc_paused():
        return _load(folder, base or Path.cwd())


def _load(folder: Path, base: Path) -> Loaded:
    """Load and check a mission folder (see load)."""
    mission_path = folder / MISSION_FILE
    if not folder.is_dir():
        return Loaded(None, [Problem(rel(folder, base), 0, 0, "error", "no such folder")], {})
    if not mission_path.is_file():
        msg = f"no {MISSION_FILE} here; create one with `mission init {rel(folder, base)}`"
        return Loaded(None, [Problem(rel(folder, base), 0, 0, "error", msg)], {})
    problems: list[Problem] = []
    shown = rel(folder, base)
    source, found = read_source(mission_path, _join(shown, MISSION_FILE))
    problems += found
    mission, mission_src = None, source
    if source:
        mission, found, mission_src = validate_parts(Mission, source, mission_stand_ins)
        problems += found
    companies: list[tuple[Company, Source]] = []
    unread: set[str] = set()  # files that gave no company: references to them are not checked
    sources = {"mission": source} if source else {}
    paths, refused = scan_companies(folder)
    problems += [Problem(_join(shown, name), 0, 0, "error", why) for name, why in refused]
    for (_, inside), outcome in zip(paths, read_all([p for p, _ in paths]), strict=True):
        company_source, found = as_source(outcome, _join(shown, inside))
        problems += found
        if company_source:
            stand_ins = company_stand_ins(_stem(inside))
            company, found, checked = validate_parts(Company, company_source, stand_ins)
            problems += found
            if company:
                companies.append((company, checked))
                continue
        unread.add(_stem(inside))
    problems += _companies_folder(folder, shown, paths)
    result, found = cross_check(mission, mission_src, companies, frozenset(unread))
    sources.update({c.id: s for c, s in companies})
    problems += found
    if any(p.is_error for p in problems):
        result = None
    return Loaded(result, sorted(problems), sources)


def _stem(name: str) -> str:
    """A file's name without folder and extension (plain strings: see company_paths)."""
    return name.rpartition("/")[2].rpartition(".")[0]


def _companies_folder(folder: Path, shown: str, paths: list) -> list[Problem]:
    """companies/ must be a folder holding at least one company file."""
    where = _join(shown, COMPANIES_DIR)
    if (folder / COMPANIES_DIR).exists() and not (folder / COMPANIES_DIR).is_dir():
        return [Problem(where, 1, 1, "error", f"{COMPANIES_DIR} is a file; it must be a folder "
                        f"of company files ({COMPANIES_DIR}/<id>.yaml)")]
    if not paths:
        return [Problem(where, 0, 0, "error", f"no company files in {COMPANIES_DIR}/; copy "
                        f"{COMPANIES_DIR}/_template.yaml to {COMPANIES_DIR}/<id>.yaml, one "
                        "per company, or read a registration sheet with `mission import`")]
    return []


def load_mission(folder: Path, base: Path | None = None) -> tuple[MissionFolder, list[Problem]]:
    """Load a mission folder or raise InputError with every problem; returns warnings."""
    loaded = load(folder, base)
    if loaded.errors or loaded.folder is None:
        raise InputError(loaded.problems)
    return loaded.folder, loaded.problems
