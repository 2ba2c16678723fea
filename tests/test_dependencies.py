"""The runtime dependencies are what the product imports; test-only packages stay in `test`."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Distribution name -> the module the code imports (where the two differ).
IMPORT_NAME = {"pyyaml": "yaml", "ruamel.yaml": "ruamel", "python-dateutil": "dateutil",
               "pydantic-core": "pydantic_core", "python-calamine": "python_calamine",
               "email-validator": "email_validator",
               "scikit-learn": "sklearn"}
# Data packages read through the standard library, never imported by name.
DATA_ONLY = {"tzdata"}  # zoneinfo falls back to it where the system has no zone files


def distribution(requirement: str) -> str:
    """The normalised distribution name of a requirement such as 'ical>=8'."""
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].strip().lower()


def project() -> dict:
    """pyproject.toml's [project] table."""
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def third_party_imports(files: list[Path]) -> set[str]:
    """Top-level names of the modules these files import that are neither stdlib nor ours."""
    names: set[str] = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n not in ("scheduler", "cli")}


def product_files() -> list[Path]:
    """cli.py and every module of scheduler/."""
    return [ROOT / "cli.py", *sorted((ROOT / "scheduler").rglob("*.py"))]


def test_every_runtime_dependency_is_imported_by_the_product():
    imported = third_party_imports(product_files())
    unused = [name for name in map(distribution, project()["dependencies"])
              if name not in DATA_ONLY and IMPORT_NAME.get(name, name) not in imported]
    assert unused == [], f"runtime dependencies the product never imports: {unused}"


def test_every_product_import_is_a_runtime_dependency():
    declared = {IMPORT_NAME.get(d, d) for d in map(distribution, project()["dependencies"])}
    missing = sorted(third_party_imports(product_files()) - declared)
    assert missing == [], f"imported by the product but not a runtime dependency: {missing}"
