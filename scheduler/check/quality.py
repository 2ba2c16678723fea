"""Quality figures of a schedule, recomputed independently of the solver.

placed / requested meetings (and their priority weights; a withdrawn company's meetings
count in neither); idle slots (for each
company and session day, the slots between its first and last meeting in which
it has none, summed; a night is not idle time; a slot a longer meeting runs in is
busy) and holes (the runs of such idle slots); and
fairness (the smallest placed/requested share of a delegation company that asked
for meetings; 1.0 when none did); on missions with both in-person and virtual sessions,
the share of meetings held in person.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime

from scheduler.check.times import slot_starts
from scheduler.input.model import MissionFolder
from scheduler.meaning.requests import (
    build_requests,
    fairness_asked,
    pair_id,
    requested_meetings,
)
from scheduler.meaning.wishes import hybrid
from scheduler.schedule import Meeting, Schedule

FIGURES = ("requested", "placed", "weight_requested", "weight_placed", "idle_slots", "holes",
           "fairness", "in_person_share")


def quality_figures(folder: MissionFolder, schedule: Schedule) -> dict[str, int | float]:
    """The figures of FIGURES, from the mission and the schedule's meetings alone."""
    requests = build_requests(folder)
    weight = {r.id: r.weight for r in requests}
    idle, holes = idle_and_holes(folder, schedule)
    return {
        "requested": requested_meetings(requests),
        "placed": len(schedule.meetings) - len(withdrawn_meetings(folder, schedule)),
        "weight_requested": sum(r.weight * r.meetings for r in requests),
        "weight_placed": sum(weight.get(pair_id(*m.companies), 0) for m in schedule.meetings),
        "idle_slots": idle,
        "holes": holes,
        "fairness": fairness(folder, schedule),
        **({"in_person_share": in_person(folder, schedule)} if hybrid(folder) else {}),
    }


def withdrawn_meetings(folder: MissionFolder, schedule: Schedule) -> list[Meeting]:
    """The meetings of a withdrawn company (their requests are gone, so neither placed nor
    requested counts them)."""
    return [m for m in schedule.meetings if any(c in folder.withdrawn for c in m.companies)]


def in_person(folder: MissionFolder, schedule: Schedule) -> float:
    """Share of the meetings held in a session that is not virtual."""
    sessions = {s.id: s for s in folder.mission.partnering}
    held = [m for m in schedule.meetings if m.session in sessions]
    share = sum(not sessions[m.session].virtual for m in held) / len(held) if held else 1.0
    return round(share, 4)


def idle_and_holes(folder: MissionFolder, schedule: Schedule) -> tuple[int, int]:
    """Idle slots and holes summed over every company and session day."""
    grids = {s.id: slot_starts(folder, s) for s in folder.mission.partnering}
    index: dict[str, dict[datetime, tuple[date, int]]] = {
        sid: {start: (start.date(), i) for i, start in enumerate(starts)}
        for sid, starts in grids.items()
    }
    used: dict[tuple[str, str, date], set[int]] = defaultdict(set)
    for m in schedule.meetings:
        found = index.get(m.session, {}).get(m.start)
        if found is None:
            continue
        day, slot = found
        starts = grids[m.session]
        taken = [slot]  # and every later slot of the day it still runs in (longer meetings)
        while taken[-1] + 1 < len(starts) and starts[taken[-1] + 1] < m.end \
                and starts[taken[-1] + 1].date() == day:
            taken.append(taken[-1] + 1)
        for c in set(m.companies):
            used[(c, m.session, day)].update(taken)
    idle = holes = 0
    for slots in used.values():
        gaps = [i for i in range(min(slots), max(slots) + 1) if i not in slots]
        idle += len(gaps)
        holes += sum(1 for j, i in enumerate(gaps) if j == 0 or gaps[j - 1] != i - 1)
    return idle, holes


def fairness(folder: MissionFolder, schedule: Schedule) -> float:
    """Smallest placed/requested share over delegation companies that asked for meetings
    (declined and excluded requests left out: no schedule can hold them)."""
    requests = build_requests(folder)
    per_pair = Counter(pair_id(*m.companies) for m in schedule.meetings)
    got: Counter[str] = Counter()
    for request in requests:
        for c in request.companies:
            got[c] += min(per_pair[request.id], request.meetings)
    shares = [got[c] / n for c, n in fairness_asked(folder, requests).items()]
    return round(min(shares), 4) if shares else 1.0


def quality_differences(folder: MissionFolder, schedule: Schedule) -> list[str]:
    """Figures where the schedule's `quality` disagrees with the recomputation."""
    mine = quality_figures(folder, schedule)
    out = []
    for name in FIGURES:
        theirs = getattr(schedule.quality, name)
        if theirs is None or name not in mine:  # schedules of older versions lack it
            if theirs is not None:
                out.append(f"{name}: schedule.json says {theirs}, but the mission has "
                           "sessions of one kind only")
            continue
        if abs(float(theirs) - float(mine[name])) > 0.001:
            out.append(f"{name}: schedule.json says {theirs}, recomputed {mine[name]}")
    return out
