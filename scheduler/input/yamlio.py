"""Read YAML with YAML 1.2 semantics and a position for every key and value.

libyaml's C composer builds the node tree fast and untyped; we resolve plain
scalars ourselves so that nothing the user wrote changes meaning: `NO`, `10:30`
and `0123` reach the models as the text written, and the models decide types.
No tag ever builds an object: any tag outside the core schema is an error.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import yaml

from scheduler.errors import shown

MAX_BYTES = 1_000_000
MAX_NODES = 200_000
MAX_DEPTH = 64  # nested lists and mappings; real files need about 6 (and Python's stack ~300)
_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_CORE + t for t in ("str", "map", "seq", "int", "float", "bool", "null")}
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_DEFAULT_TAGS = {yaml.ScalarNode: _CORE + "str", yaml.SequenceNode: _CORE + "seq",
                 yaml.MappingNode: _CORE + "map"}


# The base is chosen at run time (libyaml's when installed), which mypy cannot follow.
class _Loader(getattr(yaml, "CBaseLoader", yaml.BaseLoader)):  # type: ignore[misc]
    """libyaml's composer with no implicit typing: every untagged node keeps its default tag."""

    def resolve(self, kind: type, value: object, implicit: object) -> str:
        """The default tag of a node kind (YAML 1.2 typing is done by the models)."""
        return _DEFAULT_TAGS[kind]

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        """No path resolvers: nothing to track while descending."""

    def ascend_resolver(self) -> None:
        """No path resolvers: nothing to track while ascending."""


class _FastLoader(_Loader):
    """The same composer with C callables for its per-node hooks (no Python frame per node).

    The composer calls resolve(kind, value, implicit) for every untagged node (and `!`),
    descend_resolver(parent, index) and ascend_resolver() around every node. A builtin
    stored on the class is not bound as a method, so `slice` takes any two or three
    arguments and `tuple` none: untagged nodes get a `slice` as their tag (what _plain
    treats as "no tag"), and the hooks do nothing, at C speed.
    """

    # Builtins in place of methods, on purpose (see above): mypy sees other signatures.
    resolve = slice  # type: ignore[assignment]
    descend_resolver = slice  # type: ignore[assignment]
    ascend_resolver = tuple  # type: ignore[assignment]


Path_ = tuple[str | int, ...]


@dataclass
class Located:
    """Plain data read from a YAML file; positions of every path are found on demand."""

    data: object
    text: str = ""
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path_, key: bool = False) -> tuple[int, int]:
        """Position (1-based line, col) of a path's value or key; else its nearest parent's."""
        if not self.values and self.text:
            _, self.values, self.keys = _build(self.text, record=True)
        table = self.keys if key else self.values
        while path:
            if path in table:
                return table[path]
            if key and path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), (1, 1))


class YamlProblem(Exception):
    """A file that cannot be read as YAML; carries a 1-based position."""

    def __init__(self, message: str, line: int = 1, col: int = 1):
        super().__init__(message)
        self.message, self.line, self.col = message, line, col


def _pos(node: yaml.Node) -> tuple[int, int]:
    """1-based line and column of a node."""
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Builder:
    """Turns a composed node tree into plain dicts, lists and strings (and positions)."""

    def __init__(self, record: bool) -> None:
        self.record = record
        self.values: dict[Path_, tuple[int, int]] = {}
        self.keys: dict[Path_, tuple[int, int]] = {}
        self.count = 0

    def build(self, node: yaml.Node, path: Path_, depth: int = 0) -> object:
        """Convert one node; with `record`, note where every path is."""
        self.count += 1
        if self.count > MAX_NODES:
            raise YamlProblem(f"more than {MAX_NODES} YAML nodes (aliases expanding?)", *_pos(node))
        if node.tag not in _ALLOWED_TAGS:
            raise YamlProblem(f"YAML tag '{node.tag}' is not allowed here", *_pos(node))
        if self.record:
            self.values[path] = _pos(node)
        if isinstance(node, yaml.ScalarNode):
            return _scalar(node)
        if depth >= MAX_DEPTH:
            raise _too_deep(node)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth + 1)
        if self.record:
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        return [self.build(item, path, depth + 1) for item in node.value]

    def _mapping(self, node: yaml.MappingNode, path: Path_, depth: int) -> dict[str, object]:
        """Convert a mapping; keys must be unique scalars."""
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlProblem("a key must be a plain word", *_pos(key_node))
            key = str(key_node.value)
            if key in result:
                raise YamlProblem(f"duplicate key '{shown(key)}'", *_pos(key_node))
            if self.record:
                self.keys[(*path, key)] = _pos(key_node)
                result[key] = self.build(value_node, (*path, key), depth)
            else:
                result[key] = self.build(value_node, path, depth)
        return result


def _too_deep(node: yaml.Node) -> YamlProblem:
    """The problem of a list or mapping nested too deeply."""
    return YamlProblem(f"lists and mappings nested more than {MAX_DEPTH} levels deep", *_pos(node))


def _scalar(node: yaml.ScalarNode) -> str | None:
    """A scalar as written; only an untagged plain null becomes None."""
    if node.value in _NULLS and (node.tag == _CORE + "null" or node.style in (None, "")):
        return None
    return node.value


def _build(text: str, record: bool) -> tuple[object, dict, dict]:
    """Compose a document and convert it; positions only when `record`."""
    if not record:
        node = _compose(text, _FastLoader)
        return (_plain(node) if node is not None else None), {}, {}
    node = _compose(text)
    builder = _Builder(record)
    data = builder.build(node, ()) if node is not None else None
    return data, builder.values, builder.keys


_NULL_TAG = _CORE + "null"


def _plain(root: yaml.Node) -> object:
    """Convert a node tree from _FastLoader (untagged nodes carry a slice) to plain data.

    The same result and the same problems as _Builder(record=False), in one tight pass.
    """
    count = 0

    def convert(node: yaml.Node, depth: int) -> object:
        nonlocal count
        count += 1
        if count > MAX_NODES:
            raise YamlProblem(f"more than {MAX_NODES} YAML nodes (aliases expanding?)", *_pos(node))
        tag = node.tag
        if tag.__class__ is not slice and tag not in _ALLOWED_TAGS:
            raise YamlProblem(f"YAML tag '{tag}' is not allowed here", *_pos(node))
        kind = node.__class__
        if kind is yaml.ScalarNode:
            value = node.value
            if value in _NULLS and (tag == _NULL_TAG
                                    or cast(yaml.ScalarNode, node).style in (None, "")):
                return None
            return value
        if depth >= MAX_DEPTH:
            raise _too_deep(node)
        if kind is yaml.SequenceNode:
            return [convert(item, depth + 1) for item in node.value]
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is not yaml.ScalarNode:
                raise YamlProblem("a key must be a plain word", *_pos(key_node))
            key = str(key_node.value)
            if key in result:
                raise YamlProblem(f"duplicate key '{shown(key)}'", *_pos(key_node))
            result[key] = convert(value_node, depth + 1)
        return result

    return convert(root, 0)


def _syntax_message(exc: yaml.MarkedYAMLError) -> tuple[str, int, int]:
    """Message and position of a syntax error, naming where the open construct began."""
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    message = f"YAML syntax: {exc.problem or exc.context}"
    start = exc.context_mark
    if exc.context and start and exc.problem_mark and start.line != exc.problem_mark.line:
        began = f"line {start.line + 1}, column {start.column + 1}"
        message += f" ({exc.context} that began at {began})"
    return message, line, col


def _compose(text: str, loader: type = _Loader) -> yaml.Node | None:
    """The node tree of one YAML document, or a located YamlProblem."""
    try:
        return yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        raise YamlProblem(*_syntax_message(exc)) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"YAML syntax: {exc}") from None
    except RecursionError:
        raise YamlProblem("YAML nested too deeply") from None


def parse_text(text: str) -> Located:
    """Parse one YAML document into plain data; positions are computed if asked for."""
    data, _, _ = _build(text, record=False)
    return Located(data, text)


def read_yaml(path: Path | str) -> Located:
    """Read a YAML file, refusing files that are too large, binary or not UTF-8."""
    # Non-blocking open and a check of what was opened: a FIFO or a device is never read.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    with open(fd, "rb", closefd=True) as stream:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise YamlProblem("not a regular file (a device, FIFO or socket); "
                              "mission files must be plain files")
        if info.st_size > MAX_BYTES:
            raise YamlProblem(f"file is {info.st_size / 1e6:.1f} MB; "
                              f"the limit is {MAX_BYTES // 1000} kB")
        raw = stream.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise YamlProblem(f"file is over {MAX_BYTES // 1000} kB, the limit")
    if b"\0" in raw:
        raise YamlProblem("this is a binary file, not YAML text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlProblem("file is not UTF-8 text", line) from None
    if not text.strip():
        raise YamlProblem("file is empty")
    return parse_text(text)
