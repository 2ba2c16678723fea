"""Where and with whom a wish may be placed, and which pairs never meet.

A wish (`wants_to_meet` item) or an organiser match may say `mode` (in-person, virtual or
any), `sessions`, `days` and `delegates`. Per pair they combine by intersection: the
modes, sessions and days every asker allows, and per company the delegates every asker
named for it (a wish names its own company's people; a match may name either's). A
company's `declines` and the mission's `exclude` keep pairs from ever meeting. The
solver, the checker, the reasons and the report all read these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from scheduler.input.model import Company, Match, MissionFolder, PartneringSession, Wish
from scheduler.input.types import slugify

IN_PERSON, VIRTUAL = "in-person", "virtual"
MODES = frozenset({IN_PERSON, VIRTUAL})
T = TypeVar("T")
Named = tuple[tuple[str, frozenset[str]], ...]  # (company id, delegate ids), sorted


@dataclass(frozen=True)
class Terms:
    """What a request allows: modes, sessions (None: any), days (None: any), and for each
    company whose delegates were named, the delegate ids who may take the meeting."""

    modes: frozenset[str] = MODES
    sessions: frozenset[str] | None = None
    days: frozenset[date] | None = None
    delegates: Named = ()

    def named(self, company: str) -> frozenset[str] | None:
        """The delegate ids named for a company, or None when anyone of it may attend."""
        return next((ids for c, ids in self.delegates if c == company), None)

    def meet(self, other: Terms) -> Terms:
        """Both terms at once: the intersection of what each allows."""
        people = dict(self.delegates)
        for c, ids in other.delegates:
            people[c] = people[c] & ids if c in people else ids
        return Terms(self.modes & other.modes, _both(self.sessions, other.sessions),
                     _both(self.days, other.days), tuple(sorted(people.items())))

    def empty(self) -> str | None:
        """What leaves nothing to choose from ('mode', 'sessions', 'days', 'delegates of
        x'), or None."""
        if not self.modes:
            return "mode"
        if self.sessions is not None and not self.sessions:
            return "sessions"
        if self.days is not None and not self.days:
            return "days"
        return next((f"delegates of {c}" for c, ids in self.delegates if not ids), None)

    def allows(self, session: PartneringSession, day: date) -> bool:
        """Whether a meeting may take place in this session on this day."""
        return (session_mode(session) in self.modes
                and (self.sessions is None or session.id in self.sessions)
                and (self.days is None or day in self.days))

    def shown(self, what: str) -> str:
        """One part of the terms as a wish writes it: 'virtual', 'boston, calls', ..."""
        if what == "mode":
            return "any" if self.either_mode else "/".join(sorted(self.modes))
        if what in ("sessions", "days"):
            chosen = getattr(self, what)
            return "any" if chosen is None else ", ".join(map(str, sorted(chosen))) or "none"
        named = self.named(what.rpartition(" ")[2])
        return "anyone" if named is None else ", ".join(sorted(named)) or "nobody"

    @property
    def either_mode(self) -> bool:
        """Whether the meeting may be in person or virtual (then in person is preferred)."""
        return self.modes == MODES


ANY = Terms()


def _both(a: frozenset[T] | None, b: frozenset[T] | None) -> frozenset[T] | None:
    """The intersection of two optional sets (None allows everything)."""
    return b if a is None else a if b is None else a & b


def asks_terms(ask: Wish | Match) -> bool:
    """Whether a wish or match says anything about mode, sessions, days or delegates."""
    return ask.mode != "any" or ask.sessions is not None or ask.days is not None \
        or ask.delegates is not None


def any_terms(folder: MissionFolder) -> bool:
    """Whether any wish or match of the mission sets terms (most missions: none)."""
    return any(asks_terms(m) for m in folder.mission.matches) or any(
        asks_terms(w) for c in folder.companies.values() for w in c.wants_to_meet)


def hybrid(folder: MissionFolder) -> bool:
    """Whether a mission has both in-person and virtual sessions (so the in-person share
    of its meetings is a figure worth reporting)."""
    kinds = {s.virtual for s in folder.mission.partnering}
    return len(kinds) == 2


def session_mode(session: PartneringSession) -> str:
    """'virtual' for a virtual session, else 'in-person'."""
    return VIRTUAL if session.virtual else IN_PERSON


def delegate_of(company: Company, name: str) -> str | None:
    """The id of the delegate a wish names (by id, by name, or by the slug of a name)."""
    wanted, slug = name.strip().casefold(), slugify(name)
    for d in company.delegates:
        ident = d.id or slugify(d.name)
        if wanted in (ident.casefold(), d.name.strip().casefold()) or ident == slug:
            return ident
    return None


def _terms(wish: Wish | Match, people: Named) -> Terms:
    """The terms one wish or match sets."""
    modes = MODES if wish.mode == "any" else frozenset({wish.mode})
    return Terms(modes, None if wish.sessions is None else frozenset(wish.sessions),
                 None if wish.days is None else frozenset(wish.days), people)


def wish_terms(company: Company, wish: Wish) -> Terms:
    """The terms of a company's wish; its `delegates` name people of the company."""
    if wish.mode == "any" and wish.sessions is None and wish.days is None \
            and wish.delegates is None:
        return ANY  # most wishes: checked first, as large fairs have hundreds of thousands
    named = None if wish.delegates is None else frozenset(
        d for n in wish.delegates if (d := delegate_of(company, n)) is not None)
    return _terms(wish, () if named is None else ((company.id, named),))


def match_delegate(folder: MissionFolder, match: Match, name: str) -> list[tuple[str, str]]:
    """(company id, delegate id) of every person of the match's companies a name can mean:
    'x/p3' names x's p3; a bare name or id is looked up in both companies."""
    owner, _, person = name.partition("/")
    wanted = [(owner, person)] if person and owner in match.companies else \
        [(cid, name) for cid in match.companies]
    found = []
    for cid, who in wanted:
        company = folder.companies.get(cid)
        ident = delegate_of(company, who) if company else None
        if ident is not None:
            found.append((cid, ident))
    return found


def match_terms(folder: MissionFolder, match: Match) -> Terms:
    """The terms of an organiser match; its `delegates` name people of either company
    ('x/p3', or a name only one of them has), each restricting that company's side (a
    company none of whose people is named is not restricted)."""
    people: dict[str, set[str]] = {}
    for name in match.delegates or []:
        found = match_delegate(folder, match, name)
        if len(found) == 1:  # none or both: an error validate reports
            people.setdefault(found[0][0], set()).add(found[0][1])
    return _terms(match, tuple(sorted((c, frozenset(ids)) for c, ids in people.items())))


def attending(terms: Terms, company: str, free: list[str]) -> list[str]:
    """Who of a company's free delegates may attend a meeting with these terms."""
    named = terms.named(company)
    return free if named is None else [d for d in free if d in named]


def declined(folder: MissionFolder) -> dict[frozenset[str], str]:
    """Pairs a company declines -> 'declined by <name>' (the first decliner in file order)."""
    out: dict[frozenset[str], str] = {}
    for company in folder.companies.values():
        for other in company.declines:
            if other in folder.companies and other != company.id:
                out.setdefault(frozenset((company.id, other)), f"declined by {company.name}")
    return out


def excluded(folder: MissionFolder) -> dict[frozenset[str], str]:
    """Pairs the organiser excludes -> the reason given (for the organiser's eyes only)."""
    out: dict[frozenset[str], str] = {}
    for rule in folder.mission.exclude:
        a, b = rule.companies
        if a != b:
            out.setdefault(frozenset((a, b)), "excluded by the organiser" +
                           (f" ({rule.reason})" if rule.reason else ""))
    return out


def blocked_pairs(folder: MissionFolder) -> dict[frozenset[str], str]:
    """Pairs that never meet -> why: 'declined by <name>' or the organiser's exclusion."""
    return {**excluded(folder), **declined(folder)}

