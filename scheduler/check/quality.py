"""Quality figures of a schedule, recomputed independently of the solver.

placed / requested meetings (and their priority weights); idle slots (for each
company and session day, the slots between its first and last meeting in which
it has none, summed; a night is not idle time) and holes (the runs of such idle
slots); and
fairness (the smallest placed/requested share of a delegation company that asked
for meetings; 1.0 when none did). The idle lower bound in schedule.json is the
solver's claim (from its LP); it is not recomputed here, only checked to be at
most the idle slots the schedule has.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime

from scheduler.check.times import slot_starts
from scheduler.input.model import MissionFolder
from scheduler.meaning.requests import build_requests, pair_id, requested_meetings
from scheduler.schedule import Schedule

FIGURES = ("requested", "placed", "weight_requested", "weight_placed", "idle_slots", "holes",
           "fairness")


def quality_figures(folder: MissionFolder, schedule: Schedule) -> dict[str, int | float]:
    """The figures of FIGURES, from the mission and the schedule's meetings alone."""
    requests = build_requests(folder)
    weight = {r.id: r.weight for r in requests}
    idle, holes = idle_and_holes(folder, schedule)
    return {
        "requested": requested_meetings(requests),
        "placed": len(schedule.meetings),
        "weight_requested": sum(r.weight * r.meetings for r in requests),
        "weight_placed": sum(weight.get(pair_id(*m.companies), 0) for m in schedule.meetings),
        "idle_slots": idle,
        "holes": holes,
        "fairness": fairness(folder, schedule),
    }


def idle_and_holes(folder: MissionFolder, schedule: Schedule) -> tuple[int, int]:
    """Idle slots and holes summed over every company and session day."""
    index: dict[str, dict[datetime, tuple[date, int]]] = {
        s.id: {start: (start.date(), i) for i, start in enumerate(slot_starts(folder, s))}
        for s in folder.mission.partnering
    }
    used: dict[tuple[str, str, date], set[int]] = defaultdict(set)
    for m in schedule.meetings:
        found = index.get(m.session, {}).get(m.start)
        if found is None:
            continue
        day, slot = found
        for c in set(m.companies):
            used[(c, m.session, day)].add(slot)
    idle = holes = 0
    for slots in used.values():
        gaps = [i for i in range(min(slots), max(slots) + 1) if i not in slots]
        idle += len(gaps)
        holes += sum(1 for j, i in enumerate(gaps) if j == 0 or gaps[j - 1] != i - 1)
    return idle, holes


def fairness(folder: MissionFolder, schedule: Schedule) -> float:
    """Smallest placed/requested share over delegation companies that asked for meetings."""
    requests = {r.id: r for r in build_requests(folder)}
    per_pair = Counter(pair_id(*m.companies) for m in schedule.meetings)
    asked: Counter[str] = Counter()
    got: Counter[str] = Counter()
    for rid, request in requests.items():
        for c in request.companies:
            asked[c] += request.meetings
            got[c] += min(per_pair[rid], request.meetings)
    shares = [got[c] / asked[c] for c, company in sorted(folder.companies.items())
              if company.side == "delegation" and asked[c]]
    return round(min(shares), 4) if shares else 1.0


def quality_differences(folder: MissionFolder, schedule: Schedule) -> list[str]:
    """Figures where the schedule's `quality` disagrees with the recomputation."""
    mine = quality_figures(folder, schedule)
    out = []
    for name in FIGURES:
        theirs = getattr(schedule.quality, name)
        if abs(float(theirs) - float(mine[name])) > 0.001:
            out.append(f"{name}: schedule.json says {theirs}, recomputed {mine[name]}")
    bound = schedule.quality.idle_bound  # the solver's claim: checked only for consistency
    if bound is not None and bound > int(mine["idle_slots"]):
        out.append(f"idle_bound: schedule.json claims no schedule has fewer than {bound} "
                   f"idle slots, but this one has {mine['idle_slots']}")
    return out
