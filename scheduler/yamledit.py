"""Edits to YAML files a person also edits: comments, order, quoting and layout kept.

The product reads YAML with its own fast loader (input/yamlio.py); whatever writes back
into a user's file (an import that merges, suggestions added to mission.yaml, wishes read
from a sheet) goes through ruamel.yaml's round-trip mode here, so the user's comments and
formatting survive, and through the atomic writer, so a failed write leaves the old file.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from scheduler.atomic import write_atomic

__all__ = ["CommentedMap", "CommentedSeq", "dump_text", "load_path", "load_text", "save"]


def _yaml() -> YAML:
    """A round-trip YAML 1.2 reader/writer set to the layout the templates use."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def load_text(text: str) -> Any:
    """The round-trip document of a YAML text (a CommentedMap for a mapping)."""
    return _yaml().load(text)


def load_path(path: Path) -> Any:
    """The round-trip document of a YAML file."""
    return load_text(path.read_text(encoding="utf-8"))


def dump_text(document: Any) -> str:
    """A round-trip document as YAML text."""
    out = io.StringIO()
    _yaml().dump(document, out)
    return out.getvalue()


def save(path: Path, document: Any) -> None:
    """Write a round-trip document to PATH atomically."""
    write_atomic(path, dump_text(document))
