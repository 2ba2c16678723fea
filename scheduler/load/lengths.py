"""Checks of longer meetings (`minutes` on a wish or a match) against the sessions the pair
can meet in: a whole number of the session's meetings, and a window that holds it."""

from __future__ import annotations

from scheduler.input.model import MissionFolder, PartneringSession
from scheduler.load.findings import Findings
from scheduler.load.source import Source
from scheduler.meaning import wall_grid
from scheduler.meaning.lengths import fits_somewhere, slots_taken, window_minutes
from scheduler.meaning.wishes import ANY, Terms, match_terms, wish_terms


def check_lengths(folder: MissionFolder, mission_src: Source | None,
                  sources: dict[str, Source], out: Findings) -> None:
    """Every wish and match with `minutes`, each problem at its `minutes` key."""
    for cid, src in sorted(sources.items()):
        company = folder.companies.get(cid)
        for i, wish in enumerate(company.wants_to_meet if company else []):
            if wish.minutes is not None and company is not None:
                _check(folder, (cid, wish.company), wish.minutes, src,
                       ("wants_to_meet", i, "minutes"), out, wish_terms(company, wish))
    if mission_src is None:
        return
    for i, match in enumerate(folder.mission.matches):
        if match.minutes is not None:
            _check(folder, (match.companies[0], match.companies[1]), match.minutes,
                   mission_src, ("matches", i, "minutes"), out, match_terms(folder, match))


def _check(folder: MissionFolder, pair: tuple[str, str], minutes: int, src: Source,
           at: tuple, out: Findings, terms: Terms = ANY) -> None:
    """One `minutes`: a multiple of the meeting length of some common session its own
    mode, sessions and days allow, and a window of such a session long enough (pairs with
    no such session are reported elsewhere)."""
    if any(c not in folder.companies for c in pair) or pair[0] == pair[1]:
        return
    shared = shared_sessions(folder, pair)
    common = [s for s in shared if any(terms.allows(s, day) for day in s.days)]
    if not common:
        return
    asked = " as asked" if len(common) < len(shared) else ""
    fitting = [s for s in common if slots_taken(s, minutes)]
    if not fitting:
        lengths = ", ".join(f"{s.id}: {s.meeting_minutes}" for s in common)
        step = common[0].meeting_minutes
        near = sorted({max(step, minutes // step * step), -(-minutes // step) * step})
        out.error(src, at, f"minutes: {minutes} is not a whole number of meetings in any "
                  f"session {pair[0]} and {pair[1]} can meet in{asked} (meeting minutes "
                  f"{lengths}); use {' or '.join(map(str, near))}")
        return
    if not any(fits_somewhere(wall_grid(s), slots_taken(s, minutes) or 0) for s in fitting):
        longest = max(fitting, key=window_minutes)
        out.error(src, at, f"minutes: {minutes} is longer than every window {pair[0]} and "
                  f"{pair[1]} could meet in{asked} (the longest holds "
                  f"{window_minutes(longest)} minutes of meetings, in {longest.id})")


def shared_sessions(folder: MissionFolder, pair: tuple[str, str]) -> list[PartneringSession]:
    """The sessions both companies attend, in mission order."""
    theirs = set(folder.attends(folder.companies[pair[1]]))
    return [folder.session(s) for s in folder.attends(folder.companies[pair[0]])
            if s in theirs]
