"""`mission init` and `mission schema`: a ready-to-edit folder and JSON Schemas."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from scheduler.errors import InputError, Problem
from scheduler.input.model import Company, Mission
from scheduler.input.types import check_id, slugify
from scheduler.schedule import write_atomic

SCHEMAS: dict[str, type[Mission] | type[Company]] = {
    "mission.schema.json": Mission, "company.schema.json": Company}


def schema_text(model: type[Mission] | type[Company]) -> str:
    """The JSON Schema of a model, as deterministic text."""
    schema = model.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_schemas(out: Path) -> list[Path]:
    """Write the JSON Schemas of mission.yaml and company files into `out`."""
    written = []
    for name, model in SCHEMAS.items():
        write_atomic(out / name, schema_text(model))
        written.append(out / name)
    return written


def template(name: str) -> str:
    """The text of a packaged template."""
    return resources.files("scheduler.input").joinpath("templates", name).read_text("utf-8")


def init_folder(folder: Path, mission_id: str | None, force: bool) -> list[Path]:
    """Write mission.yaml, companies/_template.yaml and schemas/ into a folder."""
    mission_id = mission_id or slugify(folder.resolve().name)
    try:
        check_id(mission_id)
    except ValueError as exc:
        raise InputError([Problem(str(folder), 0, 0, "error", str(exc))]) from None
    files = {
        folder / "mission.yaml": template("mission.yaml").format(mission_id=mission_id),
        folder / "companies" / "_template.yaml": template("company.yaml"),
    }
    existing = [p for p in files if p.exists()]
    if existing and not force:
        problems = [Problem(str(p), 0, 0, "error", "exists; use --force to overwrite")
                    for p in existing]
        raise InputError(problems)
    for path, text in files.items():
        write_atomic(path, text)
    return [*files, *write_schemas(folder / "schemas")]
