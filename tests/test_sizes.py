"""Modules stay readable in one sitting: none over 400 lines, no function over 60.

The solver package is measured by its own rules (its levels are being shaped as objects);
everything else of the product and the CLI is held to these limits.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
EXEMPT = ("scheduler/solver",)  # folders, relative to the project root


def measured_files(root: Path = ROOT) -> list[Path]:
    """cli.py and every module of scheduler/ outside the exempt packages."""
    files = [root / "cli.py", *sorted((root / "scheduler").rglob("*.py"))]
    exempt = tuple(root / folder for folder in EXEMPT)
    return [f for f in files if not any(f.is_relative_to(e) for e in exempt)]


def oversized(path: Path, root: Path = ROOT) -> list[str]:
    """The module (if too long) and each function or method too long, as file:line: what."""
    text = path.read_text(encoding="utf-8")
    shown = path.relative_to(root)
    found = []
    lines = len(text.splitlines())
    if lines > MAX_MODULE_LINES:
        found.append(f"{shown}: {lines} lines (at most {MAX_MODULE_LINES})")
    for node in ast.walk(ast.parse(text, filename=str(path))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                found.append(f"{shown}:{node.lineno}: {node.name} has {length} lines "
                             f"(at most {MAX_FUNCTION_LINES})")
    return found


def test_no_module_or_function_is_too_long():
    found = [line for path in measured_files() for line in oversized(path)]
    assert found == [], "split these along a real seam:\n" + "\n".join(found)


def test_the_measure_names_a_long_module_and_a_long_function(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(61))
    sample = tmp_path / "scheduler" / "sample.py"
    sample.parent.mkdir()
    sample.write_text(f"def long_one():\n{body}\n" + "\n" * 400, encoding="utf-8")
    found = oversized(sample, tmp_path)
    assert found[0].startswith("scheduler/sample.py: 4")
    assert "scheduler/sample.py:1: long_one has 62 lines" in found[1]
