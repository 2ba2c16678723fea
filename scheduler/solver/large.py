"""Large missions: a schedule built on bitsets, without materialising candidates.

From BIO-Europe's size up (hundreds of thousands of candidate meetings) one
boolean per candidate is too much for CP-SAT, and even listing the candidates
costs more than solving. Here each company's free slots are one integer used as a
bitset, so "where are both free and is a table left" is a few ANDs. Steps:

1. locked meetings, then previous meetings still possible in their slot
   (re-planning keeps them in place), then each other previous meeting at the nearest
   slot with room (scheduler.meaning.distance), then first-fit in request order (must,
   weight, file order): the earliest slot where both companies and a table have room;
2. repair: for each request still short of meetings, in the same order, a slot where
   both companies are free is cleared by moving what blocks it (the meeting one of
   them already has there, or a meeting holding the last table) to another slot
   where that meeting's own pair is free. Meetings move, never drop, so the placed
   priority weight only grows: never below first-fit's; then each `mode: any` video
   meeting moves to a table of its pair where one is free or can be freed
   (scheduler.solver.onsite);
3. idle polish: a meeting moves to another slot of its request when that lowers the
   idle slots of the company-days it touches (never from a table to video);
4. neighbourhood search (scheduler.solver.lns): small CP-SAT models re-arrange a few
   companies' meetings of one day at a time, for LARGE_LNS_SHARE of --time-limit; then
   video meetings move once more to tables the idle steps freed.

Every hard rule is a resource with a capacity, the same "at most cap" packing
constraints the CP-SAT model has (scheduler.solver.rules): a meeting takes one unit
of each of its resources (scheduler.solver.board), so the result satisfies every rule
by construction (and the independent checker still checks it). Locked and kept
meetings never move.

Ctrl-C stops the steps at the next request or meeting (a flag set by the signal
handler, so the board is never left between a move's two halves) and keeps what is
placed so far: a valid schedule, marked interrupted.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from scheduler.errors import InfeasibleError
from scheduler.meaning.distance import distance
from scheduler.schedule import Meeting
from scheduler.solver.board import Board, Key, bits, lowest, place_first_fit, union
from scheduler.solver.bound import flow_bound
from scheduler.solver.build import complete_space
from scheduler.solver.greedy import request_order
from scheduler.solver.hoods import BoardSchedule
from scheduler.solver.lns import improve
from scheduler.solver.onsite import seat_video
from scheduler.solver.rules import meeting_candidate
from scheduler.solver.space import VIDEO, Space, Var

LARGE_CANDIDATES = 200_000  # from this many candidate meetings, the bitset construction
# The share of --time-limit the neighbourhood search gets: loading, construction,
# seating and export take about as long again on these missions.
LARGE_LNS_SHARE = 0.4
SEAT_SHARE = 0.25  # at most this part of it first seats video meetings at tables

Progress = Callable[[str], None]
Clock = Callable[[], float]
PROGRESS_SECONDS = 2.0  # between progress lines while a step runs
POLISH_ROUNDS = 2  # a third round gains less than it costs (docs/benchmarks.md)


class Builder:
    """Construction, repair and idle polish on one board (see the module docstring)."""

    def __init__(self, space: Space) -> None:
        self.board = Board(space)
        self.space = space
        self.opts = {r: self.board.options(r) for r in range(len(space.requests))}
        self.stopped = False  # set by Ctrl-C (see interruptible)
        self.beat: Callable[[str], None] = lambda _step: None  # progress (see heartbeat)

    def short(self, r: int) -> bool:
        """Whether request r has fewer meetings than asked."""
        return len(self.board.of_request[r]) < self.space.requests[r].meetings

    def possible(self, var: Var) -> bool:
        """Whether a candidate obeys every domain rule (both free, pool allowed)."""
        return any(o.pool == var.pool and (o.mask >> var.slot) & 1
                   for o in self.opts.get(var.request, ()))

    def construct(self, fixed: list[Var], keep: list[Var],
                  previous: Sequence[Meeting] = ()) -> list[Var]:
        """Locked meetings, then kept ones, then the `previous` meetings that could not
        stay each as near its old place as it fits, then first-fit in request order;
        return the locked meetings that conflict with an earlier one (the caller
        reports them)."""
        board, clashes = self.board, []
        for var in fixed:
            if not self.possible(var):
                continue  # complete_space reports it as no longer possible
            if not board.fits(var.request, var.slot, var.pool):
                clashes.append(var)
            board.frozen.add(board.take(var))
        for var in keep:
            if self.possible(var) and board.fits(var.request, var.slot, var.pool):
                board.frozen.add(board.take(var))
        stayed = set(board.placed.values())
        for meeting in previous:
            if meeting_candidate(self.space, meeting) not in stayed:
                self.place_near(meeting)
        for r in request_order(self.space):
            while self.short(r) and not self.stopped:
                found = place_first_fit(board, r, self.opts[r])
                if found is None:
                    break
                board.take(found)
        return clashes

    def place_near(self, meeting: Meeting) -> None:
        """Place a previous meeting that cannot stay at the nearest slot with room
        (scheduler.meaning.distance; the earlier slot on a tie), frozen there as the
        CP-SAT levels freeze it, if its request is still short."""
        board, slots = self.board, self.space.slots
        r = self.space.lookup.get(("r", meeting.request))
        if r is None or not self.short(r):
            return
        best: tuple[tuple[int, int], Var] | None = None
        for option in self.opts[r]:
            if not board.open(r, option.session):
                continue
            for s in bits(board.mask_of(r, option)):
                if not board.fits(r, s, option.pool):
                    continue
                near = distance(self.space.folder, (meeting.session, meeting.start),
                                (slots[s].session, slots[s].start)).closeness
                if best is None or (near, -s) > best[0]:
                    best = ((near, -s), Var(r, s, option.pool))
        if best is not None:
            board.frozen.add(board.take(best[1]))

    def repair(self, rounds: int = 2) -> int:
        """Place short requests by moving what blocks a slot; return meetings added."""
        added = 0
        for _ in range(rounds):
            before = added
            for r in request_order(self.space):
                self.beat("repair")
                while self.short(r) and not self.stopped and self._repair_one(r):
                    added += 1
            if added == before:
                break
        return added

    def _repair_one(self, r: int) -> bool:
        """Place one meeting of request r, moving blockers if that clears a slot."""
        board = self.board
        var = place_first_fit(board, r, self.opts[r])
        if var is not None:
            board.take(var)
            return True
        a, b = self.space.requests[r].companies
        for option in self.opts[r]:
            if not board.open(r, option.session):
                continue  # caps: moving a meeting out of one slot does not help
            for s in bits(option.mask & ~board.used[r]):
                if self._clear(s, option.pool, (a, b)) and board.fits(r, s, option.pool):
                    board.take(Var(r, s, option.pool))
                    return True
        return False

    def _clear(self, s: int, pool: str, pair: tuple[str, str]) -> bool:
        """Try to free slot s for a pair by moving one meeting per blocked resource."""
        board = self.board
        if any(board.room[("group", c, gi)] <= 0 for c in pair for gi in board.groups.get(s, ())):
            return False  # a meeting in an overlapping slot: not worth a chain of moves
        blocked: list[Key] = [("cs", c, s) for c in pair if board.room[("cs", c, s)] <= 0]
        if pool != VIDEO and board.room[("pool", s, pool)] <= 0:
            blocked.append(("pool", s, pool))
        for key in blocked:
            if board.room[key] > 0:
                continue  # an earlier move freed it
            if not any(self._relocate(n, 1 << s) for n in sorted(board.at[key])):
                return False
        return True

    def _relocate(self, n: int, avoid: int) -> bool:
        """Move meeting n to the earliest other slot where it fits (not in avoid)."""
        board = self.board
        if n in board.frozen:
            return False
        var = board.placed[n]
        target = place_first_fit(board, var.request, self.opts[var.request],
                                 avoid | (1 << var.slot), self.space.slots[var.slot].session)
        if target is None:
            return False
        board.drop(n)
        board.frozen.discard(n)
        board.take(target)
        return True

    def polish(self, rounds: int = POLISH_ROUNDS) -> int:
        """Move single meetings to other slots of their request while idle slots drop."""
        moves = 0
        for _ in range(rounds):
            before = moves
            for n in sorted(self.board.placed):
                if self.stopped:
                    return moves
                self.beat("idle polish")
                if n in self.board.placed and n not in self.board.frozen:
                    moves += self._better_slot(n)
            if moves == before:
                break
        return moves

    def _better_slot(self, n: int) -> bool:
        """Move meeting n to the slot (any day) where its companies' idle slots drop
        most; False if no move lowers them."""
        board, slots = self.board, self.space.slots
        var = board.placed[n]
        if self.space.long(var):
            return False  # a longer meeting stays where first-fit put it
        here = slots[var.slot]
        a, b = self.space.requests[var.request].companies
        ka, kb = (a, here.session, here.day), (b, here.session, here.day)
        ma, mb = board.days[ka], board.days[kb]
        before = idle_of(ma) + idle_of(mb)
        if not before:
            return False
        bit = 1 << here.position
        la = ma & ~bit if board.counts[ka][here.position] == 1 else ma
        lb = mb & ~bit if board.counts[kb][here.position] == 1 else mb
        leaving = idle_of(la) + idle_of(lb) - before
        best, gain = var, 0
        in_person = not self.board.sessions[here.session].virtual
        for option in self.opts[var.request]:
            if in_person and option.virtual:
                continue  # idle slots never send a meeting from a table to video
            mask = board.mask_of(var.request, option)
            if not mask or not board.open(var.request, option.session, here.session):
                continue
            for s in bits(mask):
                there = slots[s]
                enter = 1 << there.position
                if there.day == here.day and there.session == here.session:
                    delta = idle_of(la | enter) + idle_of(lb | enter) - before
                else:
                    ta = board.days[(a, there.session, there.day)]
                    tb = board.days[(b, there.session, there.day)]
                    delta = (leaving + idle_of(ta | enter) - idle_of(ta)
                             + idle_of(tb | enter) - idle_of(tb))
                if delta < gain:
                    best, gain = Var(var.request, s, option.pool), delta
        if best == var:
            return False
        board.drop(n)
        board.take(best)
        return True

    def chosen(self) -> list[Var]:
        """The placed candidates, in a stable order."""
        return sorted(self.board.placed.values())


def idle_of(mask: int) -> int:
    """Idle slots of a company-day whose used positions are the bits of mask."""
    if not mask:
        return 0
    return mask.bit_length() - lowest(mask) - mask.bit_count()


def estimate(space: Space) -> int:
    """Candidate meetings the full model would have (slots where both are free)."""
    free = {c: sum(1 << s for s in people) for c, people in space.people.items()}
    total = 0
    for r, q in enumerate(space.requests):
        a, b = q.companies
        if a != b and a in free and b in free:
            allowed = sum(1 << s for s in space.request_slots.get(r, ())) \
                if r in space.request_slots else -1
            total += (free[a] & free[b] & allowed).bit_count()
    return total


@dataclass
class LargeResult:
    """What solve_large returns (see there)."""

    space: Space
    chosen: set[int]
    bound: int
    interrupted: bool


@contextmanager
def interruptible(builder: Builder) -> Iterator[None]:
    """Ctrl-C sets builder.stopped instead of raising (main thread only: signals)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(_signum: int, _frame: object) -> None:
        builder.stopped = True

    previous = signal.signal(signal.SIGINT, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def heartbeat(builder: Builder, say: Progress, clock: Clock | None, bound: int
              ) -> Callable[[str], None]:
    """A progress line every PROGRESS_SECONDS of a step (none without a clock)."""
    if clock is None:
        return lambda _step: None
    started = clock()
    due = [started + PROGRESS_SECONDS]

    def beat(step: str) -> None:
        now = clock()
        if now >= due[0]:
            due[0] = now + PROGRESS_SECONDS
            say(f"{step}: {now - started:.0f} s, {len(builder.board.placed)} placed "
                f"(bound {bound})")
    return beat


def solve_large(space: Space, locked: list[Meeting], previous: list[Meeting],
                progress: Progress | None = None, clock: Clock | None = None,
                time_limit: float = 0.0, seed: int = 0) -> LargeResult:
    """Schedule a large mission on bitsets (see the module docstring).

    `space` has only its domain rules applied. Returns a space whose candidates are
    the placed meetings and the previous meetings still possible (so seating,
    re-planning and reasons work on it as on a full one), the placed candidates'
    indices, the max-flow bound, and whether Ctrl-C stopped the steps early.
    The neighbourhood search gets LARGE_LNS_SHARE of `time_limit`.
    """
    builder = Builder(space)
    say = progress or (lambda _m: None)
    with interruptible(builder):
        bound, keep, spent = _build(builder, space, locked, previous, say, clock,
                                    time_limit * LARGE_LNS_SHARE * SEAT_SHARE, seed)
        if not builder.stopped and time_limit > 0:
            result = improve(BoardSchedule(builder.board, builder.opts),
                             time_limit * LARGE_LNS_SHARE - spent, seed,
                             stop=lambda: builder.stopped)
            say(f"idle: {result.hoods} neighbourhoods searched, {result.saved} idle slots "
                f"fewer, {result.idle} left")
        # the idle steps may have freed a table a video meeting's pair can now share
        late = seat_video(builder.board, builder.opts, 0.0, seed, lambda: builder.stopped)
        if late.moved:
            say(f"in person: {late.moved} more video meeting(s) moved to a table the idle "
                "steps freed")
    reduced = Space(space.folder, space.requests, space.slots, allowed=space.allowed,
                    people=space.people, spans=space.spans, grid=space.grid,
                    request_slots=space.request_slots)
    for var in builder.chosen() + sorted(keep):
        reduced.add_var(var)
    complete_space(reduced, locked)
    return LargeResult(reduced, {reduced.index[v] for v in builder.chosen()}, bound,
                       builder.stopped)


def _build(builder: Builder, space: Space, locked: list[Meeting], previous: list[Meeting],
           say: Progress, clock: Clock | None, seat_budget: float, seed: int
           ) -> tuple[int, list[Var], float]:
    """Construct, repair, seat video meetings at tables (scheduler.solver.onsite) and
    polish on the builder's board; the bound, kept meetings and seconds charged."""
    fixed = [v for v in (meeting_candidate(space, m) for m in locked) if v is not None]
    keep = [v for v in (meeting_candidate(space, m) for m in previous if not m.locked)
            if v is not None and builder.possible(v)]
    moved = [m for m in previous if not m.locked]
    if builder.construct(fixed, keep, moved):
        raise InfeasibleError("the locked meetings conflict with each other or with a rule; "
                              "unlock some in schedule.json or run with --fresh")
    pairs = [(*space.requests[r].companies,
              min(space.requests[r].meetings, union(opts).bit_count()))
             for r, opts in sorted(builder.opts.items()) if opts]
    bound = flow_bound(space, pairs)
    kept = len(builder.board.frozen)
    builder.beat = heartbeat(builder, say, clock, bound)
    say(f"large mission: {kept} meetings locked or kept from the previous schedule, "
        f"{len(builder.board.placed) - kept} placed first-fit (bound {bound}); repairing")
    added = builder.repair()
    seated = seat_video(builder.board, builder.opts, seat_budget, seed,
                        lambda: builder.stopped, builder.beat)
    if seated.moved or seated.hoods:
        say(f"in person: {seated.moved + seated.rearranged} video meeting(s) moved to a "
            f"table ({seated.hoods} neighbourhood(s) searched)")
    moves = builder.polish()
    if builder.stopped:
        say(f"interrupted: keeping the {len(builder.board.placed)} meetings placed so far "
            "(not polished to the end)")
    else:
        say(f"repair placed {added} more ({len(builder.board.placed)} of bound {bound}); "
            f"idle polish moved {moves} meetings")
    return bound, keep, seated.spent
