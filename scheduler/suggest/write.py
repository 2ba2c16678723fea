"""`mission suggest --write`: suggestions become organiser matches in mission.yaml.

Appended in the text (textedit.py): the user's comments and layout stay, existing
matches are never changed, and a pair already matched (a suggestion written before) is not
added again, so a second run adds nothing. A suggestion with no clear reason (only related
words in the profiles) is listed but not written: a match is a meeting the plan will hold.
"""

from __future__ import annotations

from pathlib import Path

from scheduler.input.model import MissionFolder
from scheduler.suggest.rank import SUGGESTED
from scheduler.suggest.suggestions import Suggestion
from scheduler.suggest.textedit import append_items
from scheduler.yamledit import CommentedMap, CommentedSeq


def match_entry(first: str, second: str, reason: str) -> CommentedMap:
    """One match as the seeds write it: a flow mapping on one line."""
    companies = CommentedSeq([first, second])
    companies.fa.set_flow_style()
    entry = CommentedMap([("companies", companies), ("priority", "normal"),
                          ("by", SUGGESTED), ("reason", reason)])
    entry.fa.set_flow_style()
    return entry


def new_matches(folder: MissionFolder, suggestions: list[Suggestion]
                ) -> list[tuple[str, str, str]]:
    """(company, partner, reason) of the clearly suggested pairs mission.yaml does not
    match yet."""
    seen = {frozenset(m.companies) for m in folder.mission.matches}
    out = []
    for s in (s for s in suggestions if s.clear):
        pair = frozenset((s.company, s.partner))
        if pair not in seen:
            seen.add(pair)
            out.append((s.company, s.partner, s.written))
    return out


def write_matches(folder_path: Path, folder: MissionFolder, suggestions: list[Suggestion]
                  ) -> list[tuple[str, str, str]]:
    """Add the new suggested pairs to mission.yaml; returns what was added."""
    added = new_matches(folder, suggestions)
    if not added:
        return []
    entries = [match_entry(first, second, why) for first, second, why in added]
    append_items(folder_path / "mission.yaml", "matches", entries)
    return added
