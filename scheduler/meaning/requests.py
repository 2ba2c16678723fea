"""Meeting requests from the profiles: one per pair of companies.

A request merges every wish between two companies (either direction) and the
organiser's matches for the pair. Its weight is the sum, over everyone who asked,
of the priority weight (low 1, normal 2, high 3, must 3): so mutual interest
weighs more than one-sided interest of the same priority, and an organiser pick
on top of a wish adds to it. A request is a must-have when anyone says `must`, unless
the pair is declined or excluded (then it stays unplaced with that reason). Where and
with whom it may meet is the intersection of every asker's terms
(scheduler.meaning.wishes).
When the askers give different lengths (`minutes`), the request takes the longest: a
longer meeting holds everything the shorter one was asked for.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from scheduler.input.model import PRIORITY_WEIGHT, Company, MissionFolder, Priority
from scheduler.meaning.wishes import ANY, Terms, blocked_pairs, match_terms, wish_terms

ORGANISER = "organiser"
_RANK = {"low": 0, "normal": 1, "high": 2, "must": 3}


@dataclass
class Request:
    """A wish to meet between two companies, merged from every source."""

    id: str
    companies: tuple[str, str]
    priority: Priority = "low"
    weight: int = 0
    meetings: int = 1
    asked_by: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    order: int = 0
    minutes: int | None = None  # a longer meeting (scheduler.meaning.lengths); None: one slot
    terms: Terms = ANY  # where and with whom it may meet
    blocked: str = ""  # why the pair never meets (declined, excluded), or ""

    @property
    def mutual(self) -> bool:
        """Both companies asked for it."""
        return all(c in self.asked_by for c in self.companies)

    @property
    def must(self) -> bool:
        """A must-have: any asker said `must`, and the pair is not declined or excluded."""
        return self.priority == "must" and not self.blocked

    @property
    def reason(self) -> str:
        """The reasons given, as one line."""
        return "; ".join(self.reasons)

    def add(self, asker: str, priority: Priority, reason: str, meetings: int,
            terms: Terms = ANY, minutes: int | None = None) -> None:
        """Merge one more wish (or organiser pick) into the request."""
        if minutes is not None:
            self.minutes = max(self.minutes or 0, minutes)
        if terms is not ANY:
            self.terms = terms if self.terms is ANY else self.terms.meet(terms)
        if asker not in self.asked_by:
            self.asked_by.append(asker)
        self.weight += PRIORITY_WEIGHT[priority]
        if _RANK[priority] > _RANK[self.priority]:
            self.priority = priority
        self.meetings = max(self.meetings, meetings)
        if reason and reason not in self.reasons:
            self.reasons.append(reason)


def pair_id(a: str, b: str) -> str:
    """The request id of a pair: both ids sorted, joined by '--'."""
    first, second = sorted((a, b))
    return f"{first}--{second}"


def meeting_id(request_id: str, number: int) -> str:
    """Stable meeting id: the request id, plus -2, -3 for repeat meetings."""
    return request_id if number == 1 else f"{request_id}-{number}"


def in_fairness(company: Company) -> bool:
    """Whether a company's share counts in fairness: one of the delegation that accepts
    meetings (`max_meetings: 0` asks for none, so its share of none tells nothing)."""
    return company.side == "delegation" and company.max_meetings != 0


def fairness_asked(folder: MissionFolder, requests: list[Request]) -> dict[str, int]:
    """Company -> the meetings it asked for, for each company whose share counts in
    fairness (in_fairness); a declined or excluded request is asked of nobody: no schedule
    can hold it."""
    asked: dict[str, int] = defaultdict(int)
    for q in requests:
        for c in q.companies if not q.blocked else ():
            asked[c] += q.meetings
    return {c: n for c, n in sorted(asked.items())
            if n and c in folder.companies and in_fairness(folder.companies[c])}


def requested_meetings(requests: list[Request]) -> int:
    """The requested meetings: what every count of "requested" means (a pair asking for
    two meetings counts two, a wish and a match for the same pair count once)."""
    return sum(q.meetings for q in requests)


class Ask(NamedTuple):
    """One wish or match as it enters a request, and where it was written."""

    asker: str  # company id or ORGANISER
    pair: tuple[str, str]
    priority: Priority
    reason: str
    meetings: int
    terms: Terms
    minutes: int | None  # a longer meeting's length, if asked
    position: int  # in the asker's wants_to_meet, or in the mission's matches


class Conflict(NamedTuple):
    """An ask whose terms leave its request nothing to choose from."""

    ask: Ask
    what: str  # 'mode', 'sessions', 'days' or 'delegates of x'
    before: Terms  # what the asks before it allowed


def asks(folder: MissionFolder) -> Iterator[Ask]:
    """Every wish, then every organiser match, between two companies taking part."""
    for company in folder.companies.values():
        for i, wish in enumerate(company.wants_to_meet):
            if wish.company in folder.companies and wish.company != company.id:
                yield Ask(company.id, (company.id, wish.company), wish.priority, wish.reason,
                          wish.meetings, wish_terms(company, wish), wish.minutes, i)
    for i, match in enumerate(folder.mission.matches):
        a, b = match.companies
        if a in folder.companies and b in folder.companies and a != b:
            yield Ask(ORGANISER, (a, b), match.priority, match.reason, match.meetings,
                      match_terms(folder, match), match.minutes, i)


def merge_requests(folder: MissionFolder) -> tuple[list[Request], list[Conflict]]:
    """Every request in file order, and each ask that left its request's terms empty."""
    found: dict[str, Request] = {}
    conflicts: list[Conflict] = []
    for ask in asks(folder):
        a, b = ask.pair
        rid = pair_id(a, b)
        if rid not in found:
            found[rid] = Request(rid, (a, b) if a <= b else (b, a), order=len(found))
        request = found[rid]
        before = request.terms
        request.add(ask.asker, ask.priority, ask.reason, ask.meetings, ask.terms, ask.minutes)
        what = request.terms.empty()
        if what and not before.empty() and not ask.terms.empty():  # else reported alone
            conflicts.append(Conflict(ask, what, before))
    blocked = blocked_pairs(folder) if _any_blocks(folder) else {}
    for request in found.values():
        request.blocked = blocked.get(frozenset(request.companies), "")
    return list(found.values()), conflicts


def _any_blocks(folder: MissionFolder) -> bool:
    """Whether any company declines anyone or the mission excludes a pair."""
    return bool(folder.mission.exclude) or any(c.declines for c in folder.companies.values())


def build_requests(folder: MissionFolder) -> list[Request]:
    """Every request of a mission, in file order (first asker's file, then matches)."""
    return merge_requests(folder)[0]
