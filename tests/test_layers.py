"""The packages form layers, and imports point one way only: down, never sideways or in a cycle.

cli -> commands -> cli_options -> tooling -> (intake | suggest | deliver | outcomes) -> plan ->
(load | solver | check | export) -> meaning -> input -> base.
The graph is read from the source with `ast` (nothing is imported) and holds every import:
at module level, inside functions, under TYPE_CHECKING (a type-only import still ties the
two modules together for a reader and for the type checker), and `importlib.import_module`
calls (an f-string "package.{name}" counts as importing every module of that package).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Packages (and base modules) by layer, lowest first; a higher layer may import any lower one.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("scheduler", "scheduler.errors", "scheduler.atomic", "scheduler.gcpause",
     "scheduler.schedule", "scheduler.yamledit", "scheduler.sheets"),
    ("scheduler.input",),
    ("scheduler.meaning",),
    # Siblings: none of these imports another.
    ("scheduler.load", "scheduler.solver", "scheduler.check", "scheduler.export"),
    ("scheduler.plan",),
    # The work around the plan, siblings again: registrations in, suggestions, delivery,
    # outcomes after the day.
    ("scheduler.intake", "scheduler.suggest", "scheduler.deliver", "scheduler.outcomes"),
    ("scheduler.tooling",),
    ("scheduler.cli_options",),
    ("scheduler.commands",),
    ("cli",),
)

Edge = tuple[str, str, int]  # importer, imported, line


def module_files(root: Path) -> dict[str, Path]:
    """Every module of the project by dotted name: cli.py and all of scheduler/."""
    files = {"cli": root / "cli.py"}
    for path in sorted((root / "scheduler").rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        files[".".join(parts)] = path
    return files


def _target(name: str, modules: dict[str, Path]) -> str | None:
    """The longest project module that `name` names or lies inside, if any."""
    parts = name.split(".")
    while parts:
        if ".".join(parts) in modules:
            return ".".join(parts)
        parts.pop()
    return None


def _base(module: str, path: Path, node: ast.ImportFrom) -> str:
    """The absolute module a `from ... import` reads from, resolving relative levels."""
    if not node.level:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    package = package[: len(package) - node.level + 1]
    return ".".join(package + ([node.module] if node.module else []))


def _dynamic(call: ast.Call, modules: dict[str, Path]) -> list[str]:
    """Modules an `importlib.import_module(...)` call may import: a named one, or for
    f"package.{name}" every module directly in that package."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name != "import_module" or not call.args:
        return []
    arg = call.args[0]
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return [arg.value]
    if isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
        prefix = str(arg.values[0].value)
        return [m for m in modules if m.startswith(prefix) and "." not in m[len(prefix):]]
    return []


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> list[Edge]:
    """Every project module that `module` imports, anywhere in its source, with the line."""
    edges: list[Edge] = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _base(module, path, node)
            # `from package import module` imports the submodule; otherwise the base itself.
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                     for alias in node.names]
        elif isinstance(node, ast.Call):
            names = _dynamic(node, modules)
        for name in names:
            target = _target(name, modules)
            if target is not None and target != module:
                edges.append((module, target, node.lineno))
    return edges


def import_graph(root: Path = ROOT) -> list[Edge]:
    """All imports between the project's modules."""
    modules = module_files(root)
    return [edge for module, path in modules.items() for edge in imports_of(module, path, modules)]


def cycles(edges: list[Edge]) -> list[list[str]]:
    """The import cycles: strongly connected groups of more than one module, each sorted."""
    graph: dict[str, set[str]] = {}
    for source, target, _ in edges:
        graph.setdefault(source, set()).add(target)
        graph.setdefault(target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def layer_of(module: str) -> tuple[int, str] | None:
    """The layer rank of a module and the package that places it there (None: unplaced)."""
    best: tuple[int, str] | None = None
    for rank, packages in enumerate(LAYERS):
        for package in packages:
            inside = module == package or module.startswith(package + ".")
            if package == "scheduler":
                inside = module == package  # the root package alone, not all below it
            if inside and (best is None or len(package) > len(best[1])):
                best = (rank, package)
    return best


def wrong_arrows(edges: list[Edge], files: dict[str, Path], root: Path = ROOT) -> list[str]:
    """Imports that point up a layer, sideways between siblings, or out of the layers, as
    file:line."""
    wrong = []
    for source, target, line in edges:
        here, there = layer_of(source), layer_of(target)
        if here is None or there is None:
            outside = source if here is None else target
            wrong.append(f"{files[source].relative_to(root)}:{line}: {source} imports {target}"
                         f" ({outside} is in no layer)")
            continue
        if here[1] == there[1] or here[0] > there[0]:
            continue
        if here[0] == 0 and there[0] == 0:
            continue  # base modules are one layer
        way = "up" if here[0] < there[0] else "sideways"
        wrong.append(f"{files[source].relative_to(root)}:{line}: {source} imports {target} ({way})")
    return wrong


def test_no_import_cycles() -> None:
    """No module imports itself again through others, not even inside one package."""
    found = cycles(import_graph())
    assert found == [], "import cycles:\n" + "\n".join(" <-> ".join(c) for c in found)


def test_imports_point_down() -> None:
    """Each import reaches a lower layer or stays in its own package; every module has a layer."""
    wrong = wrong_arrows(import_graph(), module_files(ROOT))
    assert wrong == [], "imports against the layers:\n" + "\n".join(wrong)
