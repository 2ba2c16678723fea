"""Building a space: the domain rules, the candidates, then the packing rules and locks.

Apart from scheduler/solver/space.py so that the rules (which read the space) and the space
do not import each other.
"""

from __future__ import annotations

from scheduler.input.model import MissionFolder
from scheduler.meaning.requests import Request
from scheduler.meaning.slots import Slot
from scheduler.schedule import Meeting
from scheduler.solver import rules
from scheduler.solver.space import Space


def build_space(folder: MissionFolder, requests: list[Request], slots: list[Slot],
                locked: list[Meeting] | None = None) -> Space:
    """Candidates and constraints for every hard rule (scheduler.solver.rules)."""
    space = build_domain(folder, requests, slots)
    rules.make_candidates(space)
    return complete_space(space, locked)


def build_domain(folder: MissionFolder, requests: list[Request], slots: list[Slot]) -> Space:
    """A space with the domain rules applied (who is free when), no candidates yet."""
    space = Space(folder, requests, slots)
    for add in rules.DOMAIN_RULES:
        add(space)
    return space


def complete_space(space: Space, locked: list[Meeting] | None = None) -> Space:
    """Add the packing constraints over the space's candidates, and the locked meetings."""
    for add in rules.PACKING_RULES:
        add(space)
    rules.add_locked(space, locked or [])
    return space
