"""The large-event engine's in-person pass: a meeting that may be held either way
(`mode: any`) leaves video for a table of its pair, as the CP-SAT path's in-person
level (scheduler.solver.inperson) would place it.

After first-fit and repair, each such video meeting moves to the in-person slot and
pool with room where it adds the fewest idle slots. Where none has room, a small
CP-SAT neighbourhood (scheduler.solver.lns's model) frees the pair's meetings of one
in-person session day and the meetings at the tables of the slots both could use,
and puts every freed request back that day as often as before (so priority weight,
must-haves and fairness stay), the video meeting at a table if any arrangement has
room for it. Meetings at a table only ever move to another table, so the in-person
count never drops. Deterministic: meetings in number order, one worker, a fixed seed
and a deterministic-time limit per neighbourhood, each charged as lns charges, until
the budget is spent. The large engine runs the single moves once more after its idle
steps, which may have freed a slot and table the pair can share.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from scheduler.solver.board import Board, Option, bits
from scheduler.solver.hoods import parallel_companies, places_of
from scheduler.solver.lns import HOOD_MEETINGS, Cand, Hood, idle_of, solve_hood
from scheduler.solver.space import DayKey, Var


@dataclass
class Seated:
    """What the pass did: meetings moved alone, moved by a neighbourhood, seconds
    charged, neighbourhoods searched."""

    moved: int = 0
    rearranged: int = 0
    spent: float = 0.0
    hoods: int = 0


def on_video(board: Board, opts: dict[int, list[Option]]) -> list[int]:
    """Movable video meetings whose request may also meet at a table, in number order."""
    out = []
    for n in sorted(board.placed):
        var = board.placed[n]
        if board.pinned(n) or not board.sessions[board.slot_session[var.slot]].virtual:
            continue
        if board.space.requests[var.request].terms.either_mode \
                and any(not o.virtual for o in opts[var.request]):
            out.append(n)
    return out


def added_idle(board: Board, var: Var) -> int:
    """Idle slots a meeting would add to its companies' days."""
    total = 0
    for key, position in places_of(board.space, var):
        before = set(bits(board.days.get(key, 0)))
        total += idle_of(before | {position}) - idle_of(before)
    return total


def move_alone(board: Board, opts: dict[int, list[Option]], n: int) -> bool:
    """Move video meeting n to the in-person slot with room that adds the fewest idle
    slots (the earliest on a tie); False, and n stays, if none has room."""
    var = board.drop(n)
    best: tuple[int, int] | None = None
    target = var
    for option in opts[var.request]:
        if option.virtual or not board.open(var.request, option.session):
            continue
        for s in bits(board.mask_of(var.request, option)):
            there = Var(var.request, s, option.pool)
            if board.fits(var.request, s, option.pool):
                score = (added_idle(board, there), s)
                if best is None or score < best:
                    best, target = score, there
    board.take(target)
    return target is not var


def freed_for(board: Board, opts: dict[int, list[Option]], n: int, key: DayKey,
              mask: int) -> list[int]:
    """The movable meetings of a neighbourhood: the pair's on that session day, then
    those at the tables of the slots of `mask`, up to twice HOOD_MEETINGS."""
    var = board.placed[n]
    pair = set(board.pairs[var.request])
    day = board.day_mask[key]
    out = dict.fromkeys(m for m in sorted(board.placed) if m != n and not board.pinned(m)
                        and (day >> board.placed[m].slot) & 1
                        and pair & set(board.pairs[board.placed[m].request]))
    pools = sorted({o.pool for o in opts[var.request]
                    if o.session == key[0] and not o.virtual})
    for s in bits(mask & day):
        for pool in pools:
            for m in sorted(board.at.get(("pool", s, pool), ())):
                if len(out) < 2 * HOOD_MEETINGS and not board.pinned(m):
                    out[m] = None
    return list(out)


def hood_for(board: Board, opts: dict[int, list[Option]], video: Var, freed: list[Var],
             key: DayKey) -> tuple[Hood, int]:
    """The sub-problem with the freed meetings dropped: each freed request's slots of
    that session day, and the video meeting where it is; the video candidate's index."""
    space = board.space
    need: dict[int, int] = defaultdict(int)
    for var in [video, *freed]:
        need[var.request] += 1
    cands: list[Cand] = []
    for r in sorted(need):
        for option in opts[r]:
            if option.session == key[0] and not option.virtual:
                for s in bits(option.mask & board.day_mask[key]):
                    var = Var(r, s, option.pool)
                    cands.append(Cand(r, var, tuple(board.resources(r, s, option.pool)),
                                      places_of(space, var)))
    cands.append(Cand(video.request, video,
                      tuple(board.resources(video.request, video.slot, video.pool)),
                      places_of(space, video)))
    index = {cand.ref: i for i, cand in enumerate(cands)}
    room = {k: board.room[k] for cand in cands for k in cand.keys}
    touched = sorted({k for cand in cands for k, _ in cand.places})
    fixed = {k: set(bits(board.days.get(k, 0))) for k in touched}
    current = {index[var] for var in [video, *freed]}
    return Hood(cands, room, dict(need), fixed, current,
                parallel_companies(space)), len(cands) - 1


def room_that_day(board: Board, opts: dict[int, list[Option]], video: Var, key: DayKey
                  ) -> bool:
    """Whether a session day could take the video meeting at all: its caps have room,
    both companies have room at some slot of that day and a table of its pools is free
    at some slot (a neighbourhood keeps every meeting on its day, so without room there
    no re-arrangement seats one more meeting)."""
    here = board.slot_session[video.slot]
    day = board.day_mask[key]
    if not board.open(video.request, key[0], here) \
            or not all(board.avail[c] & day for c in board.pairs[video.request]):
        return False
    pools = {o.pool for o in opts[video.request] if o.session == key[0] and not o.virtual}
    return any(board.room[("pool", s, pool)] > 0
               for s in bits(board.day_mask[key]) for pool in sorted(pools))


def rearrange(board: Board, opts: dict[int, list[Option]], n: int, seed: int
              ) -> tuple[bool, float, int]:
    """Seat video meeting n by re-arranging one in-person session day around it (see
    the module docstring); whether it moved, the seconds charged, the searches."""
    video = board.placed[n]
    spent, hoods = 0.0, 0
    days: dict[DayKey, int] = defaultdict(int)
    for option in opts[video.request]:
        if not option.virtual:
            for s in bits(option.mask):
                slot = board.space.slots[s]
                days[(slot.session, slot.day)] |= 1 << s
    for key, mask in sorted(days.items(), key=lambda kv: (kv[1] & -kv[1]).bit_length()):
        if not room_that_day(board, opts, video, key):
            continue
        freed_n = freed_for(board, opts, n, key, mask)
        freed = [board.drop(m) for m in freed_n]
        board.drop(n)
        hood, v = hood_for(board, opts, video, freed, key)
        chosen, charge, _ = solve_hood(hood, seed, [v])
        spent, hoods = spent + charge, hoods + 1
        keep = sorted(hood.current) if chosen is None else chosen
        for i in sorted(keep):
            ref = hood.cands[i].ref
            assert isinstance(ref, Var)
            taken = board.take(ref)
            if ref == video:
                n = taken
        if chosen is not None:
            return True, spent, hoods
    return False, spent, hoods


def seat_video(board: Board, opts: dict[int, list[Option]], budget: float, seed: int = 0,
               stop: Callable[[], bool] = lambda: False,
               beat: Callable[[str], None] = lambda _step: None) -> Seated:
    """Move `mode: any` video meetings to tables (see the module docstring); `beat` is
    called before each meeting (progress)."""
    done = Seated()
    for n in on_video(board, opts):
        if stop():
            return done
        beat("in person")
        if move_alone(board, opts, n):
            done.moved += 1
    for n in on_video(board, opts):
        if stop() or done.spent >= budget:
            break
        beat("in person")
        moved, charge, hoods = rearrange(board, opts, n, seed)
        done.spent += charge
        done.hoods += hoods
        done.rearranged += moved
    return done
