"""One input file as read: its shown name, its located data, and what failed its schema."""

from __future__ import annotations

from dataclasses import dataclass, field

from scheduler.errors import Problem
from scheduler.input.yamlio import Located, Path_


class AnyName(frozenset):
    """Names that could not be read: every name counts as one of them."""

    def __contains__(self, item: object) -> bool:
        """Every name is known."""
        return True

    def __bool__(self) -> bool:
        """Not empty: it stands for names that exist but could not be read."""
        return True


ANY_NAME = AnyName()


@dataclass
class Source:
    """One input file: its shown name and what was read from it."""

    name: str
    located: Located

    def where(self, path: Path_, key: bool = False) -> tuple[int, int]:
        """Line and column of `path` in this file."""
        return self.located.where(path, key=key)

    def problem(self, path: Path_, message: str, severity: str = "error", key: bool = False
                ) -> Problem:
        """A problem at the position of `path` in this file."""
        line, col = self.where(path, key=key)
        return Problem(self.name, line, col, severity, message)

    @property
    def partial(self) -> bool:
        """Whether some parts of the file failed their schema and are left out of its model."""
        return False

    def left_out(self, key: str) -> bool:
        """Whether a top-level key failed its schema, in whole or in part."""
        return False

    def unread(self, part: str) -> frozenset[str]:
        """Names of the entries of a part that failed their schema (none: the file validated)."""
        return frozenset()


WHOLE = None  # in PartSource.dropped: the field as a whole was left out


@dataclass
class PartSource(Source):
    """A file whose model holds only the parts that passed their schema.

    Their schema errors are already reported; the checks that span parts and files run on
    what is left. Positions still point at the text as written: `kept` maps a list field to
    the original positions of the items kept. `dropped` maps each field left out, in whole
    (WHOLE) or in part, to its left-out positions or keys.
    """

    kept: dict[str, list[int]] = field(default_factory=dict)
    dropped: dict[str, set] = field(default_factory=dict)

    def where(self, path: Path_, key: bool = False) -> tuple[int, int]:
        """Line and column of `path`, whose list positions count the kept items only."""
        if len(path) >= 2 and path[0] in self.kept and isinstance(path[1], int):
            path = (path[0], self.kept[path[0]][path[1]], *path[2:])
        return self.located.where(path, key=key)

    @property
    def partial(self) -> bool:
        """Always: this file failed its schema somewhere."""
        return True

    def left_out(self, key: str) -> bool:
        """Whether a top-level key failed its schema, in whole or in part."""
        return key in self.dropped

    def unread(self, part: str) -> frozenset[str]:
        """Names (mapping keys, or items' `id`) of a part's left-out entries; ANY_NAME if unsure."""
        left_out = self.dropped.get(part, set())
        if WHOLE in left_out:
            return ANY_NAME
        raw = self.located.data.get(part) if isinstance(self.located.data, dict) else None
        if isinstance(raw, dict):
            return frozenset(left_out)
        ids = [raw[i].get("id") if isinstance(raw, list) and isinstance(raw[i], dict) else None
               for i in left_out]
        names = [i for i in ids if isinstance(i, str)]
        return frozenset(names) if len(names) == len(ids) else ANY_NAME
