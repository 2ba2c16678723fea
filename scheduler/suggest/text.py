"""Profile text as the ranking reads it: lower case, with the shipped vocabulary's groups.

vocabulary.txt (package data) lists life-science terms that mean the same thing; a text that
contains any term of a group gets the group's token added, so 'mAb' and 'monoclonal
antibodies' share a feature, and sector names written differently count as one sector.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files


@dataclass(frozen=True)
class Vocabulary:
    """Term groups: a pattern finding any term, each term's group token, the sector groups."""

    pattern: re.Pattern[str]
    group_of: dict[str, str]
    sector_names: dict[str, str]  # sector group token -> the group's name


def _token(name: str) -> str:
    """The one-word token of a group (word n-grams then see it as one word)."""
    return "vx_" + re.sub(r"[^a-z0-9]+", "_", name).strip("_")


def parse_vocabulary(text: str) -> Vocabulary:
    """The vocabulary of a text in vocabulary.txt's format."""
    group_of: dict[str, str] = {}
    sectors: dict[str, str] = {}
    section = "terms"
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line.startswith("["):
            section = line.strip("[]")
        elif line:
            terms = [t.strip().lower() for t in line.split("|") if t.strip()]
            token = _token(terms[0])
            for term in terms:
                group_of.setdefault(term, token)
            if section == "sectors":
                sectors[token] = terms[0]
    alternatives = "|".join(re.escape(t) for t in sorted(group_of, key=lambda t: (-len(t), t)))
    pattern = re.compile(rf"(?<![a-z0-9])(?:{alternatives})(?![a-z0-9])")
    return Vocabulary(pattern, group_of, sectors)


@cache
def vocabulary() -> Vocabulary:
    """The vocabulary shipped with the package."""
    text = files("scheduler.suggest").joinpath("vocabulary.txt").read_text(encoding="utf-8")
    return parse_vocabulary(text)


def groups(text: str) -> list[str]:
    """The group tokens of the terms a text contains, in order of appearance."""
    vocab = vocabulary()
    return [vocab.group_of[m.group(0)] for m in vocab.pattern.finditer(text.lower())]


def expanded(text: str) -> str:
    """A text in lower case with the tokens of its vocabulary groups appended."""
    found = groups(text)
    return " ".join([text.lower(), *dict.fromkeys(found)])


def sector_key(name: str) -> str:
    """The group token of a sector name, else its own lower-case words."""
    vocab = vocabulary()
    lowered = " ".join(name.lower().split())
    token = vocab.group_of.get(lowered)
    return token if token in vocab.sector_names else lowered
