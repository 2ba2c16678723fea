"""JSON Schemas agree with the models; the fast loader agrees with ruamel's YAML 1.2."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from cli import cli
from scheduler.input.templates import SCHEMAS, init_folder, schema_text
from scheduler.input.yamlio import read_yaml
from scheduler.load.loader import company_files, load

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted(p for p in (ROOT / "seeds").iterdir() if (p / "mission.yaml").is_file())


def ruamel_data(path: Path) -> object:
    """What a YAML 1.2 editor sees: ruamel's safe loader, dates as ISO text."""
    yaml = YAML(typ="safe", pure=True)
    yaml.version = (1, 2)
    return _jsonable(yaml.load(path.read_text(encoding="utf-8")))


def _jsonable(value: object) -> object:
    """Dates and datetimes as text, recursively."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def validator(name: str) -> jsonschema.Draft202012Validator:
    """A validator for one of our schemas."""
    schema = json.loads(schema_text(SCHEMAS[name]))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def seed_files() -> list[tuple[str, Path]]:
    """(schema name, file) for every seed file."""
    files = []
    for seed in SEEDS:
        files.append(("mission.schema.json", seed / "mission.yaml"))
        files += [("company.schema.json", p) for p in company_files(seed)]
    return files


def test_there_are_six_seeds():
    assert len(SEEDS) == 6, [s.name for s in SEEDS]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_seed_validates_with_no_errors(seed):
    loaded = load(seed)
    assert not loaded.errors, "\n".join(map(str, loaded.errors))


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_seed_files_match_the_json_schemas(seed):
    for name, path in seed_files():
        if path.is_relative_to(seed):
            errors = list(validator(name).iter_errors(ruamel_data(path)))
            assert not errors, f"{path}: {errors[0].message} at {list(errors[0].path)}"


def test_committed_seed_schemas_are_current():
    for name, model in SCHEMAS.items():
        assert (ROOT / "seeds" / "schemas" / name).read_text() == schema_text(model)


def test_schema_rejects_what_the_model_rejects():
    bad = {"id": "x", "name": "X", "side": "delegation", "country": "ES", "delegats": []}
    assert list(validator("company.schema.json").iter_errors(bad))
    bad_side = {"id": "x", "name": "X", "side": "buyer", "country": "ES"}
    assert list(validator("company.schema.json").iter_errors(bad_side))


def test_init_template_validates_and_matches_schema(tmp_path):
    written = init_folder(tmp_path / "m", None, False)
    assert (tmp_path / "m" / "schemas" / "company.schema.json") in written
    template = tmp_path / "m" / "companies" / "_template.yaml"
    assert template.read_text().startswith("# yaml-language-server: $schema=../schemas/")
    assert not list(validator("company.schema.json").iter_errors(ruamel_data(template)))
    assert not list(validator("mission.schema.json").iter_errors(
        ruamel_data(tmp_path / "m" / "mission.yaml")))
    errors = [p.message for p in load(tmp_path / "m").errors]
    assert errors == ["no company files in companies/; copy companies/_template.yaml to "
                      "companies/<id>.yaml, one per company, or read a registration sheet with "
        "`mission import`"]
    (tmp_path / "m" / "companies" / "your-company.yaml").write_text(template.read_text())
    assert not load(tmp_path / "m").errors


def test_init_refuses_to_overwrite(tmp_path):
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "m")])
    assert result.exit_code == 0
    again = CliRunner().invoke(cli, ["init", str(tmp_path / "m")])
    assert again.exit_code == 1
    assert "exists; use --force to overwrite" in again.output


@pytest.mark.parametrize("schema_name,path", seed_files(), ids=lambda v: str(v)[-40:])
def test_fast_loader_reads_what_ruamel_reads(schema_name, path):
    assert_same(read_yaml(path).data, ruamel_data(path), path.name)


def assert_same(ours: object, theirs: object, where: str) -> None:
    """Our text-valued reading equals ruamel's typed YAML 1.2 reading, value by value."""
    if isinstance(theirs, dict):
        assert isinstance(ours, dict) and ours.keys() == theirs.keys(), where
        for key in theirs:
            assert_same(ours[key], theirs[key], f"{where}.{key}")
    elif isinstance(theirs, list):
        assert isinstance(ours, list) and len(ours) == len(theirs), where
        for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            assert_same(a, b, f"{where}[{i}]")
    elif isinstance(theirs, bool):
        assert ours == str(theirs).lower(), where
    elif isinstance(theirs, float):
        assert float(ours) == theirs, where
    else:
        assert ours == (None if theirs is None else str(theirs)), where


def test_every_command_has_help():
    runner = CliRunner()
    top = runner.invoke(cli, ["--help"])
    assert top.exit_code == 0 and "mission validate DIR" in top.output
    for name in cli.commands:
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert len(result.output.splitlines()) > 4, name


def test_closed_pipe_is_not_an_internal_error(tmp_path):
    import subprocess
    import sys

    init_folder(tmp_path / "m", None, False)
    template = (tmp_path / "m" / "companies" / "_template.yaml").read_text()
    periods = ", ".join(f'"2030-01-{d:02d}"' for d in range(1, 29))
    for i in range(150):  # 4,200 warnings: far more than a pipe buffer holds
        text = template.replace("id: your-company", f"id: c{i}").replace(
            "unavailable: []", f"unavailable: [{periods}]")
        (tmp_path / "m" / "companies" / f"c{i}.yaml").write_text(text)
    script = ("import sys; sys.argv = ['mission', 'validate', sys.argv[1]]; "
              "from cli import main; main()")
    proc = subprocess.run(f"{sys.executable} -c \"{script}\" {tmp_path / 'm'} | head -n 2",
                          shell=True, capture_output=True, text=True, cwd=ROOT)
    assert len(proc.stdout.splitlines()) == 2
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr
