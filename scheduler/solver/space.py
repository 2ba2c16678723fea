"""The search space: candidate meetings and packing constraints, built rule by rule.

A candidate ("var") is one possible meeting: a request, a slot and a pool of
interchangeable tables (the session's tables or video rooms, one booth, or the video
link of a virtual session without rooms). Candidates exist only where every domain
rule allows them, so the model stays sparse. Every other hard rule is a packing
constraint "at most `cap` of these candidates", which the greedy construction, the LP
bound and CP-SAT all read.
Locked meetings are candidates fixed to 1.
A longer meeting (a request with `minutes`, scheduler.meaning.lengths) is a candidate at its
first slot; `Space.spans` records the slots it takes and overlaps, so every per-slot rule
sees each of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from scheduler.input.model import MissionFolder
from scheduler.meaning.requests import Request
from scheduler.meaning.slots import Slot, Span, slot_spans
from scheduler.schedule import Meeting

TABLES = "tables"
VIDEO = "video"
DayKey = tuple[str, date]  # session id, day
CompanyDayKey = tuple[str, str, date]  # company id, session id, day
# ("r", request id) -> request index; ("s", session id, start) -> slot index
LookupKey = tuple[Literal["r"], str] | tuple[Literal["s"], str, datetime]


@dataclass(frozen=True, order=True)
class Var:
    """A candidate meeting: request index, slot index, table pool."""

    request: int
    slot: int
    pool: str


@dataclass(frozen=True)
class Long:
    """Where a longer meeting starting at a slot reaches: the slots of its session it takes
    (the first one first), every slot of the mission it overlaps, its end, and the
    delegates of each company free throughout (of a parallel company, the one who holds
    it; `choice`: each parallel company's people who could, the holder first)."""

    covers: tuple[int, ...]
    touches: tuple[int, ...]
    end: datetime
    people: dict[str, list[str]]
    choice: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Packing:
    """At most `cap` of `vars` are placed; `rule` names the hard rule it encodes."""

    rule: str
    key: str
    vars: tuple[int, ...]
    cap: int


@dataclass
class Space:
    """Candidates and constraints of one mission."""

    folder: MissionFolder
    requests: list[Request]
    slots: list[Slot]
    allowed: dict[str, set[int]] = field(default_factory=dict)
    people: dict[str, dict[int, list[str]]] = field(default_factory=dict)
    request_slots: dict[int, set[int]] = field(default_factory=dict)  # absent: any slot
    vars: list[Var] = field(default_factory=list)
    index: dict[Var, int] = field(default_factory=dict)
    constraints: list[Packing] = field(default_factory=list)
    fixed: dict[int, Meeting] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    lookup: dict[LookupKey, int] = field(default_factory=dict)
    spans: dict[tuple[int, int], Long] = field(default_factory=dict)  # (request, slot) ->
    grid: list[Span] = field(default_factory=list)  # slot spans, once a longer meeting asks
    # (company, request) -> its people in the order a longer meeting picks its one person
    takers: dict[tuple[str, int], list[str]] = field(default_factory=dict)
    held: dict[tuple[int, int, str], str] = field(default_factory=dict)  # (r, slot, company)

    def slot_spans(self) -> list[Span]:
        """The span of every slot (computed once)."""
        if not self.grid:
            self.grid = slot_spans(self.slots)
        return self.grid

    def long(self, var: Var) -> Long | None:
        """The reach of a longer meeting's candidate (None: it takes one slot)."""
        return self.spans.get((var.request, var.slot)) if self.spans else None

    def covers(self, var: Var) -> tuple[int, ...]:
        """The slots of its session a candidate takes (one, unless it is longer)."""
        if not self.spans:
            return (var.slot,)
        long = self.spans.get((var.request, var.slot))
        return long.covers if long else (var.slot,)

    def touches(self, var: Var) -> tuple[int, ...]:
        """Every slot a candidate overlaps in time, in any session."""
        long = self.long(var)
        return long.touches if long else (var.slot,)

    def restrict(self, request: int, slots: set[int]) -> None:
        """Let a request meet only in these slots (and where earlier rules let it)."""
        here = self.request_slots.get(request)
        self.request_slots[request] = set(slots) if here is None else here & slots

    def virtual(self, v: int) -> bool:
        """Whether candidate v is a video meeting (in a virtual session)."""
        return self.folder.session(self.slots[self.vars[v].slot].session).virtual

    def add_var(self, var: Var) -> int:
        """Register a candidate once; return its index."""
        if var not in self.index:
            self.index[var] = len(self.vars)
            self.vars.append(var)
        return self.index[var]

    def pack(self, rule: str, key: str, vars_: list[int], cap: int) -> None:
        """Add 'at most cap of vars' unless it can never bind."""
        # a longer meeting may be listed under each of its slots: count it once
        members = tuple(sorted(set(vars_) if self.spans else vars_))
        if len(members) > cap:
            self.constraints.append(Packing(rule, key, members, cap))

    def companies(self, var: Var) -> tuple[str, str]:
        """The two companies of a candidate."""
        return self.requests[var.request].companies

    def by_request(self) -> dict[int, list[int]]:
        """Request index -> its candidate indices."""
        out: dict[int, list[int]] = {}
        for i, var in enumerate(self.vars):
            out.setdefault(var.request, []).append(i)
        return out

    def by_company(self) -> dict[str, list[int]]:
        """Company id -> its candidate indices."""
        out: dict[str, list[int]] = {}
        for i, var in enumerate(self.vars):
            for company in self.companies(var):
                out.setdefault(company, []).append(i)
        return out

