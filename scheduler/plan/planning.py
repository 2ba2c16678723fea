"""Orchestration of `mission schedule`: load, solve, check, write.

make_schedule builds the search space (scheduler.solver.rules), a greedy start, the
LP bound, runs the lexicographic CP-SAT (scheduler.solver.cpsat), seats meetings at
tables (level 5, scheduler.solver.tables), then turns the result into a Schedule
with reasons for every unplaced request, quality figures and re-planning changes,
and checks it independently (scheduler.check.rules) before anyone sees it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path

from scheduler.atomic import sweep
from scheduler.check.reasons import Explain, explainer
from scheduler.check.rules import check_schedule
from scheduler.errors import InfeasibleError, ScheduleError
from scheduler.gcpause import freeze_if_large
from scheduler.input.model import MissionFolder
from scheduler.load.loader import load_mission
from scheduler.meaning import video_link
from scheduler.meaning.distance import distance
from scheduler.meaning.requests import (
    Request,
    build_requests,
    fairness_asked,
    meeting_id,
    requested_meetings,
)
from scheduler.meaning.slots import build_slots, idle_and_holes, local, zone
from scheduler.meaning.wishes import hybrid
from scheduler.plan.musts import must_lines, with_remedies
from scheduler.plan.publish import fingerprint
from scheduler.plan.replan import binding_locks, changes, closeness, still_possible
from scheduler.plan.summary import idle_gap_lines
from scheduler.schedule import (
    SCHEDULE_FILE,
    Meeting,
    Quality,
    Schedule,
    SolveStatus,
    Unplaced,
    percent,
    read_schedule,
    write_schedule,
)
from scheduler.solver.bound import lp_bound
from scheduler.solver.build import build_domain, complete_space
from scheduler.solver.cpsat import Outcome, Settings, solve
from scheduler.solver.greedy import greedy
from scheduler.solver.large import LARGE_CANDIDATES, estimate, solve_large
from scheduler.solver.nearness import Near
from scheduler.solver.rules import keep_holders, make_candidates
from scheduler.solver.space import Space
from scheduler.solver.tables import Seat, assign_delegates, assign_tables

Progress = Callable[[str], None]
MAX_UNPLACED_SHOWN = 40  # unplaced requests listed in the terminal summary; all are in the file
_STATUSES: dict[str, SolveStatus] = {s: s for s in ("optimal", "feasible", "interrupted")}


@dataclass(frozen=True)
class SolveOptions:
    """Solver options from the command line."""

    time_limit: float = 30.0
    seed: int = 0
    workers: int = 1
    fresh: bool = False
    large_from: int = LARGE_CANDIDATES  # candidate meetings from which bitsets replace CP-SAT


def generated_at(folder: MissionFolder) -> datetime:
    """mission.updated (mission zone), else the mission's first day at 00:00."""
    mission = folder.mission
    tz = zone(mission.timezone)
    return local(mission.updated or datetime.combine(mission.start, time()), tz)


def make_schedule(folder: MissionFolder, options: SolveOptions,
                  previous: Schedule | None = None,
                  progress: Progress | None = None,
                  clock: Callable[[], float] | None = None) -> Schedule:
    """Solve a loaded mission into a checked Schedule (does not write it)."""
    requests = build_requests(folder)
    slots = build_slots(folder.mission)
    locked = binding_locks(folder, previous)
    space = build_domain(folder, requests, slots)
    keep_holders(space, previous.meetings if previous else [])
    candidates = estimate(space)
    large_mission = candidates >= options.large_from
    # the steps after solving take seconds only on large missions: say them there
    say = progress if progress and large_mission else (lambda _line: None)
    if large_mission:
        say(f"{candidates} candidate meetings, {requested_meetings(requests)} requested "
            "meetings: "
            "too many for one CP-SAT model; building on bitsets")
        large = solve_large(space, locked, previous.meetings if previous else [], progress,
                            clock, options.time_limit, options.seed)
        space, bound = large.space, large.bound
        raise_problems(space)
        keep = still_possible(space, previous)
        outcome = Outcome(large.chosen, "interrupted" if large.interrupted else "feasible",
                          gap=1 - len(large.chosen) / bound if bound else 0.0)
    else:
        make_candidates(space)
        raise_problems(complete_space(space, locked))
        keep = still_possible(space, previous)
        outcome, bound = solve_model(space, keep, options, progress, clock,
                                     closeness(space, previous, keep))
    if outcome.status == "infeasible":
        raise InfeasibleError("the locked meetings conflict with each other or with a rule; "
                              "unlock some in schedule.json or run with --fresh")
    say(f"seating {len(outcome.chosen)} meetings at tables")
    meetings = build_meetings(space, outcome.chosen, keep, options.seed,
                              optimise=outcome.status != "interrupted",
                              previous=previous.meetings if previous else [])
    say("explaining every request not placed in full")
    explain = explainer(folder, meetings, requests)
    schedule = Schedule(
        mission=folder.mission.id, generated=generated_at(folder), meetings=meetings,
        unplaced=with_remedies(folder, meetings, requests,
                               unplaced(requests, meetings, explain)),
        quality=quality(space, meetings, bound, outcome),
        changes=changes(folder, space, previous, meetings, explain),
        solver={"seed": options.seed, "workers": options.workers,
                "time_limit": options.time_limit})
    say(f"checking {len(meetings)} meetings against every rule")
    violations = check_schedule(folder, schedule, previous)
    if violations:
        raise ScheduleError("the solver produced an invalid schedule (a bug):\n" +
                            "\n".join(str(v) for v in violations))
    return schedule


def raise_problems(space: Space) -> None:
    """Stop with every locked meeting that can no longer take place."""
    if space.problems:
        raise InfeasibleError("\n".join(space.problems))


def solve_model(space: Space, keep: dict[int, Meeting], options: SolveOptions,
                progress: Progress | None, clock: Callable[[], float] | None,
                near: Near | None = None) -> tuple[Outcome, int]:
    """The lexicographic CP-SAT solve of a full candidate space, and the bound (`near`:
    re-planning, how close each candidate is to a meeting that must move)."""
    hint = greedy(space, set(keep))
    bound = lp_bound(space)
    if progress:
        progress(f"model: {len(space.vars)} candidate meetings, {len(space.constraints)} "
                 f"constraints, {requested_meetings(space.requests)} requested meetings; "
                 f"bound {bound}")
    settings = Settings(options.time_limit, options.seed, options.workers, progress, clock)
    outcome = solve(space, settings, hint, set(keep), near)
    if outcome.status == "unknown":
        outcome.chosen = hint
    return outcome, bound


def build_meetings(space: Space, chosen: set[int], keep: dict[int, Meeting],
                   seed: int, optimise: bool = True,
                   previous: list[Meeting] | None = None) -> list[Meeting]:
    """Meetings of the chosen candidates, with stable ids, tables and delegates (a
    previous meeting that moved keeps its id on the nearest of its request's meetings)."""
    seats = assign_tables(space, chosen, {v: m.table for v, m in keep.items() if m.table},
                          seed, optimise)
    people = assign_delegates(space, chosen)
    per_request: dict[int, list[int]] = defaultdict(list)
    for v in sorted(chosen, key=lambda v: (space.slots[space.vars[v].slot].utc, v)):
        per_request[space.vars[v].request].append(v)
    before: dict[str, list[Meeting]] = defaultdict(list)
    for m in previous or []:
        before[m.request].append(m)
    out = []
    for r, vars_ in sorted(per_request.items()):
        request = space.requests[r]
        ids = _ids(space, request, vars_, keep, before.get(request.id, []))
        out += [_meeting(space, v, ids[v], seats[v], people[v],
                         locked=v in keep and keep[v].locked and keep[v].id == ids[v])
                for v in vars_]
    return sorted(out, key=lambda m: (m.start, m.session, m.table or "", m.id))


def _ids(space: Space, request: Request, vars_: list[int], keep: dict[int, Meeting],
         before: list[Meeting]) -> dict[int, str]:
    """Meeting ids: kept meetings keep theirs, a previous one that moved goes to the
    nearest meeting left, the others take the lowest free numbers."""
    ids = {v: keep[v].id for v in vars_ if v in keep and keep[v].request == request.id}
    taken = set(ids.values())
    for old in sorted(before, key=lambda m: m.id):
        left = [v for v in vars_ if v not in ids]
        if old.id in taken or not left:
            continue
        slots = space.slots
        ids[max(left, key=lambda v: distance(space.folder, (old.session, old.start), (
            slots[space.vars[v].slot].session, slots[space.vars[v].slot].start)).closeness)
            ] = old.id
        taken.add(old.id)
    numbers = (meeting_id(request.id, n) for n in range(1, len(vars_) * 2 + 2))
    free = [i for i in numbers if i not in taken]
    for v in vars_:
        if v not in ids:
            ids[v] = free.pop(0)
    return ids


def _meeting(space: Space, v: int, mid: str, seat: Seat, people: dict[str, list[str]],
             locked: bool = False) -> Meeting:
    """One Meeting record (a locked meeting kept in place stays locked)."""
    var = space.vars[v]
    request, slot = space.requests[var.request], space.slots[var.slot]
    long = space.long(var)
    session = space.folder.session(slot.session)
    companies = space.folder.companies
    link = video_link(session, mid, seat.table) if session.virtual else None
    g2b = any(companies[c].side == "government" for c in request.companies)
    return Meeting(
        id=mid, request=request.id, companies=list(request.companies),
        delegates=[f"{c}/{d}" for c in request.companies for d in people[c]],
        session=slot.session, start=slot.start, end=long.end if long else slot.end,
        table=seat.table,
        booth=seat.booth, video_link=link, kind="g2b" if g2b else "b2b",
        priority=request.priority, mutual=request.mutual, asked_by=list(request.asked_by),
        reason=request.reason, locked=locked)


def placed_counts(meetings: list[Meeting]) -> dict[str, int]:
    """Request id -> meetings placed."""
    out: dict[str, int] = defaultdict(int)
    for m in meetings:
        out[m.request] += 1
    return out


def unplaced(requests: list[Request], meetings: list[Meeting], explain: Explain
             ) -> list[Unplaced]:
    """Requests with fewer meetings than asked, each with a reason."""
    placed = placed_counts(meetings)
    return [Unplaced(request=q.id, companies=list(q.companies), priority=q.priority,
                     meetings=q.meetings - placed[q.id], reason=explain(q),
                     blocked=bool(q.blocked))
            for q in requests if placed[q.id] < q.meetings]


def fairness(folder: MissionFolder, requests: list[Request], meetings: list[Meeting]) -> float:
    """Smallest placed/requested share over delegation companies that asked for meetings
    (a declined or excluded request is asked of nobody: no schedule can hold it)."""
    got: dict[str, int] = defaultdict(int)
    for m in meetings:
        for c in m.companies:
            got[c] += 1
    shares = [got[c] / n for c, n in fairness_asked(folder, requests).items()]
    return round(min(shares), 4) if shares else 1.0


def quality(space: Space, meetings: list[Meeting], bound: int, outcome: Outcome) -> Quality:
    """A solved schedule's quality figures: placed against the bound, weight, idle, fairness."""
    requests = space.requests
    weight = {q.id: q.weight for q in requests}
    idle, holes = idle_and_holes(
        ((c, m.session, m.start, m.end) for m in meetings for c in m.companies), space.slots)
    bound = max(bound, len(meetings))
    status: SolveStatus = "empty" if not requests else _STATUSES.get(outcome.status, "feasible")
    return Quality(
        requested=requested_meetings(requests), placed=len(meetings), bound=bound,
        placed_of_bound=round(len(meetings) / bound, 4) if bound else 1.0,
        weight_requested=sum(q.weight * q.meetings for q in requests),
        weight_placed=sum(weight[m.request] for m in meetings),
        idle_slots=idle, holes=holes, fairness=fairness(space.folder, requests, meetings),
        status=status, gap=round(outcome.gap, 4) if status != "optimal" else 0.0,
        in_person_share=in_person_share(space.folder, meetings),
        idle_bound=outcome.idle_bound)


def in_person_share(folder: MissionFolder, meetings: list[Meeting]) -> float | None:
    """Share of the meetings held in person, on a mission with both kinds of session."""
    if not hybrid(folder):
        return None
    held = sum(not folder.session(m.session).virtual for m in meetings)
    return round(held / len(meetings), 4) if meetings else 1.0


def read_previous(path: Path, folder: MissionFolder, fresh: bool) -> Schedule | None:
    """The schedule to re-plan from, unless --fresh or there is none."""
    if fresh or not (path / SCHEDULE_FILE).is_file():
        return None
    previous = read_schedule(path)
    if previous.mission != folder.mission.id:
        raise ScheduleError(f"{path / SCHEDULE_FILE} belongs to mission '{previous.mission}', "
                            f"not '{folder.mission.id}'; run with --fresh to replace it")
    return previous


def schedule_folder(path: Path, options: SolveOptions, progress: Progress | None = None,
                    clock: Callable[[], float] | None = None) -> Schedule:
    """Load a mission folder, (re-)plan it, check it and write schedule.json atomically."""
    inputs = fingerprint(path)  # before loading: an edit during the run makes it stale
    folder, _warnings = load_mission(path)
    freeze_if_large(len(folder.companies))  # the command owns the process: it may freeze
    return schedule_loaded(path, folder, options, progress, clock, inputs)


def schedule_loaded(path: Path, folder: MissionFolder, options: SolveOptions,
                    progress: Progress | None = None,
                    clock: Callable[[], float] | None = None,
                    inputs: dict[str, str] | None = None) -> Schedule:
    """(Re-)plan an already loaded mission folder and write its schedule.json atomically,
    with the fingerprint of the inputs it was loaded from (taken now when not given)."""
    inputs = fingerprint(path) if inputs is None else inputs
    previous = read_previous(path, folder, options.fresh)
    schedule = make_schedule(folder, options, previous, progress, clock)
    schedule = schedule.model_copy(update={"inputs": inputs})
    sweep(path)
    write_schedule(schedule, path)
    return schedule


def summary_lines(schedule: Schedule) -> list[str]:
    """The terminal summary of a schedule: figures, changes and unplaced requests."""
    q = schedule.quality
    share = percent(q.placed / q.bound if q.bound else 1.0)
    lines = [f"placed {q.placed} of {q.requested} requested meetings (bound {q.bound}, "
             f"{share} of bound); weight {q.weight_placed} of {q.weight_requested}",
             f"idle slots {q.idle_slots}, holes {q.holes}, fairness {q.fairness:.2f}, "
             f"status {q.status}" + (f" (gap {percent(q.gap)})" if q.gap else "")
             + (f", {percent(q.in_person_share)} in person" if q.in_person_share is not None
                else "")]
    lines += idle_gap_lines(q)
    for change in schedule.changes:
        span = " -> ".join(x for x in (change.before, change.after) if x)
        how = f"{change.move.text}; " if change.move else ""
        lines.append(f"{change.change}: {change.meeting} ({span}): {how}{change.reason}")
    lines += must_lines(schedule)
    if schedule.unplaced:
        lines.append(f"{len(schedule.unplaced)} request(s) not (fully) placed:")
    rank = {"must": 0, "high": 1, "normal": 2, "low": 3}
    shown = sorted(schedule.unplaced, key=lambda u: rank.get(u.priority, 4))
    for item in shown[:MAX_UNPLACED_SHOWN]:
        lines.append(f"  {' and '.join(item.companies)} [{item.priority}]: {item.reason}")
    more = len(schedule.unplaced) - MAX_UNPLACED_SHOWN
    if more > 0:
        lines.append(f"  ... and {more} more, each with its reason: see \"unplaced\" in "
                     "schedule.json, or the organiser report (mission export --format html)")
    return lines
