"""Checks of what wishes and matches ask (mode, sessions, days, delegates), of `declines`
and of the mission's `exclude`, each at the file:line:col it was written."""

from __future__ import annotations

import difflib

from scheduler.input.model import Company, Match, MissionFolder, PartneringSession, Wish
from scheduler.load.findings import Findings, unknown
from scheduler.load.source import Source
from scheduler.meaning.requests import ORGANISER, merge_requests
from scheduler.meaning.wishes import (
    any_terms,
    asks_terms,
    delegate_of,
    match_delegate,
    session_mode,
)

At = tuple  # a path inside a file: ("wants_to_meet", 0, "sessions", 1)
MAX_LISTED_NAMES = 10  # sessions or delegates named in a message about an unknown one


def check_wish_terms(folder: MissionFolder, src: Source, sources: dict[str, Source],
                     out: Findings) -> None:
    """Every wish's and match's terms, declines, exclusions, and pairs whose terms
    together leave nothing (`sources`: each company's file)."""
    for cid, company in folder.companies.items():
        csrc = sources.get(cid)
        if csrc is None:
            continue
        for i, wish in enumerate(company.wants_to_meet):
            if not asks_terms(wish):
                continue  # most wishes: nothing to check here, and large fairs have many
            other = folder.companies.get(wish.company)
            if other is not None and other.id != cid:
                check_terms(folder, wish, (company, other), csrc, ("wants_to_meet", i), out,
                            [company], src.unread("partnering"))
        check_declines(folder, company, csrc, out)
        check_declined_asks(folder, company, (csrc, src), out)
    for i, match in enumerate(folder.mission.matches):
        pair = [folder.companies.get(c) for c in match.companies]
        if asks_terms(match) and pair[0] is not None and pair[1] is not None \
                and pair[0] is not pair[1]:
            check_terms(folder, match, (pair[0], pair[1]), src, ("matches", i), out,
                        [pair[0], pair[1]], src.unread("partnering"))
    check_exclude(folder, src, out)
    check_excluded_musts(folder, src, sources, out)
    if any_terms(folder):
        check_conflicts(folder, src, sources, out)


def _shared(folder: MissionFolder, a: Company, b: Company) -> list[PartneringSession]:
    """The sessions both companies attend, in mission order."""
    theirs = set(folder.attends(b))
    return [folder.session(s) for s in folder.attends(a) if s in theirs]


def check_terms(folder: MissionFolder, ask: Wish | Match, pair: tuple[Company, Company],
                src: Source, at: At, out: Findings, people: list[Company],
                unread: frozenset[str] = frozenset()) -> None:
    """One wish or match: its sessions exist and both attend them, its mode and days are
    offered by a session both attend, its delegates belong to `people` (`unread`: sessions
    that failed their own schema, reported there)."""
    known = {s.id for s in folder.mission.partnering}
    shared = _shared(folder, *pair)
    for j, sid in enumerate(ask.sessions or []):
        if sid in unread:
            continue
        if sid not in known:
            out.error(src, (*at, "sessions", j), f"unknown partnering session '{sid}'"
                      + _suggest(sid, [s.id for s in folder.mission.partnering], "sessions"))
            continue
        for c in pair:
            if sid not in folder.attends(c):
                out.error(src, (*at, "sessions", j), f"'{c.id}' does not attend session '{sid}'"
                          f"; it attends {', '.join(folder.attends(c)) or 'none'}")
    usable = [s for s in shared if ask.sessions is None or s.id in ask.sessions]
    if ask.mode != "any" and usable and not any(session_mode(s) == ask.mode for s in usable):
        offered = ", ".join(f"{s.id} ({session_mode(s)})" for s in usable)
        out.error(src, (*at, "mode"), f"no session '{pair[0].id}' and '{pair[1].id}' both "
                  f"attend is {ask.mode}: they share {offered}; use mode: any or "
                  f"{session_mode(usable[0])}")
    runs = sorted({d for s in usable if ask.mode in ("any", session_mode(s)) for d in s.days})
    for j, day in enumerate(ask.days or []):
        if usable and day not in runs:
            out.error(src, (*at, "days", j), f"'{pair[0].id}' and '{pair[1].id}' share no "
                      f"session on {day}; theirs run on {', '.join(map(str, runs))}")
    for j, name in enumerate(ask.delegates or []):
        found = match_delegate(folder, ask, name) if isinstance(ask, Match) else \
            [(c.id, d) for c in people if (d := delegate_of(c, name))]
        if len(found) > 1:
            out.error(src, (*at, "delegates", j), f"'{name}' is a delegate of both; write "
                      f"{' or '.join(f'{c}/{d}' for c, d in found)}")
        elif not found:
            names = [d.name for c in people for d in c.delegates]
            whose = " or ".join(f"'{c.id}'" for c in people)
            out.error(src, (*at, "delegates", j), f"unknown delegate '{name}' of {whose}"
                      + _suggest(name, names, "delegates"))


def _suggest(name: str, names: list[str], noun: str) -> str:
    """"; did you mean 'x'?" for a close name, else "; the <noun>: a, b, c" (the first
    MAX_LISTED_NAMES), so the right one can be copied from the message."""
    close = difflib.get_close_matches(name, names, n=1)
    if close:
        return f"; did you mean '{close[0]}'?"
    more = ", ..." if len(names) > MAX_LISTED_NAMES else ""
    return f"; the {noun}: {', '.join(names[:MAX_LISTED_NAMES])}{more}" if names else ""


def check_declines(folder: MissionFolder, company: Company, src: Source,
                   out: Findings) -> None:
    """A company declines known companies, and not itself."""
    for j, other in enumerate(company.declines):
        if other == company.id:
            out.error(src, ("declines", j), f"'{company.id}' declines itself")
        elif other not in folder.companies and other not in folder.withdrawn:
            out.error(src, ("declines", j), unknown(
                "company", other, set(folder.companies) | set(folder.withdrawn)))


def check_declined_asks(folder: MissionFolder, company: Company, srcs: tuple[Source, Source],
                        out: Findings) -> None:
    """A warning where a company declines a company it asks to meet itself, or one the
    organiser matched it with: the decline wins, and the request stays unplaced
    (`srcs`: the company's file and mission.yaml)."""
    if not company.declines:
        return  # most companies decline nobody, and large fairs have many matches
    own = {w.company: i for i, w in reversed(list(enumerate(company.wants_to_meet)))}
    matched = {next(c for c in m.companies if c != company.id): k
               for k, m in enumerate(folder.mission.matches)
               if company.id in m.companies and len(set(m.companies)) == 2}
    for j, other in enumerate(company.declines):
        if other in company.declines[:j]:
            continue
        if other in own:
            line = srcs[0].where(("wants_to_meet", own[other]))[0]
            out.warn(srcs[0], ("declines", j), f"'{company.id}' declines '{other}' but asks "
                     f"to meet it (line {line}); the decline wins: remove one of the two")
        elif other in matched:
            line = srcs[1].where(("matches", matched[other]))[0]
            out.warn(srcs[0], ("declines", j), f"'{company.id}' declines '{other}', which the "
                     f"organiser matched it with (mission.yaml line {line}); the decline "
                     "wins and the match stays unplaced")


def check_exclude(folder: MissionFolder, src: Source, out: Findings) -> None:
    """Exclusions name two known companies that are not also an organiser match."""
    every = set(folder.companies) | set(folder.withdrawn)
    matched = {frozenset(m.companies): k for k, m in enumerate(folder.mission.matches)}
    for i, rule in enumerate(folder.mission.exclude):
        for j, c in enumerate(rule.companies):
            if c not in every:
                out.error(src, ("exclude", i, "companies", j), unknown("company", c, every))
        if rule.companies[0] == rule.companies[1]:
            out.error(src, ("exclude", i), f"an exclusion pairs '{rule.companies[0]}' with "
                      "itself")
        k = matched.get(frozenset(rule.companies))
        if k is not None:
            line = src.where(("matches", k))[0]
            out.error(src, ("exclude", i), f"'{rule.companies[0]}' and '{rule.companies[1]}' "
                      f"are also an organiser match (line {line}); remove the match or the "
                      "exclusion")


def check_excluded_musts(folder: MissionFolder, src: Source, sources: dict[str, Source],
                         out: Findings) -> None:
    """A warning at an exclusion whose pair one of them asks to meet as a must-have (a
    wrong id in `exclude` would otherwise drop a promised meeting without a word)."""
    for i, rule in enumerate(folder.mission.exclude):
        for asker, other in (rule.companies, rule.companies[::-1]):
            company, csrc = folder.companies.get(asker), sources.get(asker)
            if company is None or csrc is None or asker == other:
                continue
            k = next((k for k, w in enumerate(company.wants_to_meet)
                      if w.company == other and w.priority == "must"), None)
            if k is not None:
                line = csrc.where(("wants_to_meet", k))[0]
                out.warn(src, ("exclude", i), f"'{asker}' asks to meet '{other}' as a "
                         f"must-have (companies/{asker}.yaml line {line}); the exclusion "
                         "wins and the meeting stays unplaced")


def check_conflicts(folder: MissionFolder, src: Source, sources: dict[str, Source],
                    out: Findings) -> None:
    """A wish or match whose terms, with those asked before it for the same pair, leave
    no mode, session, day or delegate."""
    for conflict in merge_requests(folder)[1]:
        ask = conflict.ask
        where = src if ask.asker == ORGANISER else sources.get(ask.asker)
        if where is None:
            continue
        key = "matches" if ask.asker == ORGANISER else "wants_to_meet"
        field = conflict.what.split(" ")[0]
        a, b = ask.pair
        out.error(where, (key, ask.position, field), f"the wishes and matches for '{a}' and "
                  f"'{b}' together allow no {conflict.what}: this one asks "
                  f"{ask.terms.shown(conflict.what)}, those before it "
                  f"{conflict.before.shown(conflict.what)}; make them agree (or leave "
                  f"`{field}` out of one)")
