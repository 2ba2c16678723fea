"""Meeting requests from the profiles: one per pair of companies.

A request merges every wish between two companies (either direction) and the
organiser's matches for the pair. Its weight is the sum, over everyone who asked,
of the priority weight (low 1, normal 2, high 3, must 3): so mutual interest
weighs more than one-sided interest of the same priority, and an organiser pick
on top of a wish adds to it. A request is a must-have when anyone says `must`.
When the askers give different lengths (`minutes`), the request takes the longest: a
longer meeting holds everything the shorter one was asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scheduler.input.model import PRIORITY_WEIGHT, MissionFolder, Priority

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

    @property
    def mutual(self) -> bool:
        """Both companies asked for it."""
        return all(c in self.asked_by for c in self.companies)

    @property
    def must(self) -> bool:
        """A must-have: any asker said `must`."""
        return self.priority == "must"

    @property
    def reason(self) -> str:
        """The reasons given, as one line."""
        return "; ".join(self.reasons)

    def add(self, asker: str, priority: Priority, reason: str, meetings: int,
            minutes: int | None = None) -> None:
        """Merge one more wish (or organiser pick) into the request."""
        if minutes is not None:
            self.minutes = max(self.minutes or 0, minutes)
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


def requested_meetings(requests: list[Request]) -> int:
    """The requested meetings: what every count of "requested" means (a pair asking for
    two meetings counts two, a wish and a match for the same pair count once)."""
    return sum(q.meetings for q in requests)


def build_requests(folder: MissionFolder) -> list[Request]:
    """Every request of a mission, in file order (first asker's file, then matches)."""
    found: dict[str, Request] = {}

    def get(a: str, b: str) -> Request:
        rid = pair_id(a, b)
        if rid not in found:
            found[rid] = Request(rid, (a, b) if a <= b else (b, a), order=len(found))
        return found[rid]

    for company in folder.companies.values():
        for wish in company.wants_to_meet:
            if wish.company in folder.companies and wish.company != company.id:
                get(company.id, wish.company).add(
                    company.id, wish.priority, wish.reason, wish.meetings, wish.minutes)
    for match in folder.mission.matches:
        a, b = match.companies
        if a in folder.companies and b in folder.companies and a != b:
            get(a, b).add(ORGANISER, match.priority, match.reason, match.meetings,
                            match.minutes)
    return list(found.values())
