"""The board of the large-mission engine (scheduler.solver.large): every hard rule as a
resource with a capacity, each company's free slots as one integer used as a bitset.

A meeting takes one unit of each of its resources (the same "at most cap" packing
constraints the CP-SAT model has, scheduler.solver.rules); `fits` asks whether every
resource has room, `take` and `drop` book and release them, and the masks kept per
company, pool and session answer "where could this request go now" with a few ANDs.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

from scheduler.meaning import unlimited_video
from scheduler.meaning.slots import time_groups
from scheduler.solver.longer import may_start
from scheduler.solver.named import holders, named_sets
from scheduler.solver.rules import pools
from scheduler.solver.space import TABLES, VIDEO, CompanyDayKey, DayKey, Space, Var

# A resource that meetings take, named by its kind and what it belongs to.
Key = (tuple[Literal["req"], int]  # request
       | tuple[Literal["req-slot"], int, int]  # request, slot
       | tuple[Literal["session", "total"], str]  # session id | company id
       | tuple[Literal["cs", "group"], str, int]  # company id, slot | group of slots
       | tuple[Literal["per-session"], str, str]  # company id, session id
       | tuple[Literal["pool"], int, str]  # slot, pool
       | tuple[Literal["named"], str, int, int]  # company id, slot, named set
       | tuple[Literal["named-group"], str, int, int])  # company id, group, named set
UNLIMITED = 1 << 30


def bits(mask: int) -> Iterator[int]:
    """Indices of the set bits of mask, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def union(options: list[Option]) -> int:
    """The slots of any of the options."""
    mask = 0
    for option in options:
        mask |= option.mask
    return mask


def lowest(mask: int) -> int:
    """Index of the lowest set bit of a non-zero mask."""
    return (mask & -mask).bit_length() - 1


class Room(dict):
    """Room left in each resource, filled from its limit on first use."""

    def __init__(self, limit: Callable[[Key], int]) -> None:
        super().__init__()
        self.limit = limit

    def __missing__(self, key: Key) -> int:
        """The full capacity of a resource not used yet."""
        self[key] = value = self.limit(key)
        return value


@dataclass(frozen=True)
class Option:
    """Where a request may meet: a table pool of one session and the slots both are free."""

    pool: str
    session: str
    mask: int
    virtual: bool = False  # first-fit tries in-person options first


class Board:
    """Placed meetings and the room left in every resource, with bitset shortcuts."""

    def __init__(self, space: Space) -> None:
        self.space = space
        self.sessions = {s.id: s for s in space.folder.mission.partnering}
        self.free = {c: sum(1 << s for s in people) for c, people in space.people.items()}
        self.session_mask: dict[str, int] = defaultdict(int)
        self.day_mask: dict[DayKey, int] = defaultdict(int)
        for slot in space.slots:
            self.session_mask[slot.session] |= 1 << slot.index
            self.day_mask[(slot.session, slot.day)] |= 1 << slot.index
        self.groups = self._groups()
        self.slot_session = [slot.session for slot in space.slots]
        self.plain_pools = {sid: [VIDEO] if unlimited_video(s) else [TABLES]  # any pair
                            for sid, s in self.sessions.items() if s.virtual or s.tables}
        self.pairs = [q.companies for q in space.requests]
        self.room = Room(self.limit)
        self.avail = dict(self.free)  # slots where the company itself has room
        self.pool_mask: dict[str, int] = {}  # slots where a pool has room
        self.used: dict[int, int] = defaultdict(int)  # request -> slots it already uses
        self.placed: dict[int, Var] = {}  # meeting number -> candidate
        self.of_request: dict[int, list[int]] = defaultdict(list)
        self.at: dict[Key, set[int]] = defaultdict(set)  # ("cs"|"pool", ...) -> meetings
        self.days: dict[CompanyDayKey, int] = defaultdict(int)  # used positions
        self.counts: dict[CompanyDayKey, Counter[int]] = defaultdict(Counter)  # meetings at each
        self.frozen: set[int] = set()
        self._next = 0
        self.named = named_sets(space)  # parallel company -> named delegate sets
        # Parallel companies whose people the board picks as it places a meeting (named
        # sets, holders of longer meetings): the neighbourhood searches, which move many
        # meetings at once, leave their meetings where they are.
        self.held = set(self.named) | {
            c for q in space.requests if q.minutes is not None for c in q.companies
            if c in space.folder.companies and space.folder.companies[c].parallel}
        self.request_mask = {r: sum(1 << s for s in slots)
                             for r, slots in space.request_slots.items()}

    def pinned(self, n: int) -> bool:
        """Whether meeting n stays where it is in neighbourhood searches: frozen (locked
        or kept), or of a company whose people the board picks (self.held)."""
        return n in self.frozen or bool(self.held.intersection(
            self.pairs[self.placed[n].request]))

    def _groups(self) -> dict[int, list[int]]:
        """Slot -> indices of the time groups (overlapping slots of several sessions)."""
        out: dict[int, list[int]] = defaultdict(list)
        self.group_slots = [g for g in time_groups(self.space.slots) if len(g) > 1]
        for gi, group in enumerate(self.group_slots):
            for s in group:
                out[s].append(gi)
        return out

    def options(self, r: int) -> list[Option]:
        """The pools and slots where request r could meet, ignoring what is placed."""
        a, b = self.space.requests[r].companies
        if a == b or a not in self.free or b not in self.free:
            return []
        common = self.free[a] & self.free[b] & self.request_mask.get(r, -1)
        if self.space.requests[r].minutes is not None:  # a longer meeting: where it fits
            common = sum(1 << t for t in bits(common) if may_start(self.space, r, t))
        out = []
        for sid, mask in self.session_mask.items():
            if common & mask:
                session = self.sessions[sid]
                shared = self.plain_pools.get(sid) if not session.booths else None
                out += [Option(p, sid, common & mask, session.virtual)
                        for p in shared or pools(self.space, session, (a, b))]
        return out

    def resources(self, r: int, s: int, pool: str) -> list[Key]:
        """Every resource a meeting of request r at slot s in pool takes."""
        session = self.slot_session[s]
        a, b = self.pairs[r]
        keys: list[Key] = [("req", r), ("req-slot", r, s), ("session", session),
                           ("total", a), ("per-session", a, session),
                           ("total", b), ("per-session", b, session)]
        long = self.space.spans.get((r, s)) if self.space.spans else None
        if long is None:
            keys += [("cs", a, s), ("cs", b, s)]
            if pool != VIDEO:
                keys.append(("pool", s, pool))
            for gi in self.groups.get(s, ()):
                keys += [("group", a, gi), ("group", b, gi)]
            return keys + (self._named(r, s) if self.named else [])
        # a longer meeting: every slot it overlaps where a company could meet, its table
        # in each slot it takes
        people = self.space.people
        keys += [("cs", c, t) for c in (a, b) for t in long.touches if t in people[c]]
        if pool != VIDEO:
            keys += [("pool", t, pool) for t in long.covers]
        for gi in sorted({gi for t in long.touches for gi in self.groups.get(t, ())}):
            keys += [("group", a, gi), ("group", b, gi)]
        if self.named:  # in each slot it overlaps, as the CP-SAT rows count it
            keys += dict.fromkeys(k for c in (a, b) for t in long.touches
                                  if t in people[c] for k in self._named(r, t, s, c))
        return keys

    def _named(self, r: int, s: int, start: int | None = None, only: str | None = None
               ) -> list[Key]:
        """The named-delegate resources at slot s of a meeting of r from `start` (default
        s) (rules.add_one_meeting_at_a_time): every union of named sets of a parallel
        company holding the people who may take it (the holder of a longer one)."""
        keys: list[Key] = []
        for c in self.pairs[r]:
            ids = holders(self.space, r, s if start is None else start, c)
            if ids is None or (only is not None and c != only):
                continue
            for k, people in enumerate(self.named.get(c, ())):
                if ids <= people:
                    keys.append(("named", c, s, k))
                    keys += [("named-group", c, gi, k) for gi in self.groups.get(s, ())]
        return keys

    def limit(self, key: Key) -> int:
        """The capacity of a resource (its rule's cap)."""
        space = self.space
        companies = space.folder.companies
        if key[0] == "req":
            return space.requests[key[1]].meetings
        if key[0] == "req-slot":
            return 1
        if key[0] == "session":
            cap = self.sessions[key[1]].max_meetings
        elif key[0] == "pool":
            cap = self._pool_tables(key[1], key[2])
        elif key[0] == "cs":
            here = space.people[key[1]].get(key[2], [])
            cap = len(here) if companies[key[1]].parallel else min(1, len(here))
        elif key[0] == "named":
            cap = len(self.named[key[1]][key[3]].intersection(
                space.people[key[1]].get(key[2], [])))
        elif key[0] == "named-group":
            free = space.people[key[1]]
            cap = len({d for s in self.group_slots[key[2]] for d in free.get(s, [])}
                      & self.named[key[1]][key[3]])
        elif key[0] == "total":
            cap = companies[key[1]].max_meetings
        elif key[0] == "per-session":
            cap = self.sessions[key[2]].max_meetings_per_company
        else:  # group
            people = space.people[key[1]]
            who = {d for s in self.group_slots[key[2]] for d in people.get(s, [])}
            cap = len(who) if companies[key[1]].parallel else min(1, len(who))
        return UNLIMITED if cap is None else cap

    def _pool_tables(self, s: int, pool: str) -> int:
        """Tables of a pool in a slot's session."""
        session = self.sessions[self.space.slots[s].session]
        if pool == TABLES:
            return len(session.tables or [])
        return next(b.tables for b in session.booths if f"booth:{b.id}" == pool)

    def fits(self, r: int, s: int, pool: str) -> bool:
        """Whether a meeting of r at s in pool has room in every resource."""
        self._hold(r, s)
        return all(self.room[k] > 0 for k in self.resources(r, s, pool))

    def _hold(self, r: int, s: int) -> None:
        """Let a longer meeting of a parallel company at s be held by the first of its
        people with room in every slot it overlaps (one placed there keeps its own)."""
        long = self.space.spans.get((r, s)) if self.space.spans else None
        if long is None or not long.choice or not self.named or (self.used[r] >> s) & 1:
            return
        people = self.space.people
        for c, choice in long.choice.items():
            for d in choice:
                long.people[c] = [d]
                if all(self.room[k] > 0 for t in long.touches if t in people[c]
                       for k in self._named(r, t, s, c)):
                    break
            else:
                long.people[c] = choice[:1]

    def open(self, r: int, session: str, moving_from: str | None = None) -> bool:
        """Whether request r's slot-independent caps (request, companies, session) have
        room; for a meeting moving from a session, the caps it already holds count."""
        companies = self.space.requests[r].companies
        if moving_from is None:
            keys: list[Key] = [("req", r), *(("total", c) for c in companies)]
        else:
            keys = []
        if session != moving_from:
            keys += [("session", session), *(("per-session", c, session) for c in companies)]
        return all(self.room[k] > 0 for k in keys)

    def mask_of(self, r: int, option: Option) -> int:
        """Slots of an option where both companies and the pool have room now."""
        a, b = self.space.requests[r].companies
        pool = self.pool_mask.get(option.pool, -1) if option.pool != VIDEO else -1
        mask = option.mask & self.avail[a] & self.avail[b] & pool & ~self.used[r]
        if mask and self.named and self.space.requests[r].terms.delegates:
            mask = self._named_room(r, mask)
        return mask

    def _named_room(self, r: int, mask: int) -> int:
        """The slots of mask where request r's named people have room (parallel companies)."""
        out = 0
        for s in bits(mask):
            self._hold(r, s)
            if all(self.room[k] > 0 for k in self._named(r, s)):
                out |= 1 << s
        return out

    def take(self, var: Var) -> int:
        """Place a meeting; return its number."""
        n, self._next = self._next, self._next + 1
        self._hold(var.request, var.slot)
        self.placed[n] = var
        self.of_request[var.request].append(n)
        self.used[var.request] |= 1 << var.slot
        self._book(n, var, -1)
        return n

    def drop(self, n: int) -> Var:
        """Remove a placed meeting; return its candidate."""
        var = self.placed.pop(n)
        self.of_request[var.request].remove(n)
        self.used[var.request] &= ~(1 << var.slot)
        self._book(n, var, +1)
        return var

    def _book(self, n: int, var: Var, step: int) -> None:
        """Update room, bitsets and indexes for a meeting taken (-1) or freed (+1)."""
        for key in self.resources(var.request, var.slot, var.pool):
            self.room[key] = self.room[key] + step
        covers, touches = self.space.covers(var), self.space.touches(var)
        if var.pool != VIDEO:
            for t in covers:
                self._index(("pool", t, var.pool), n, step)
                self._refresh_pool(var.pool, t)
        for c in self.space.requests[var.request].companies:
            for t in touches:
                if t == var.slot or t in self.space.people[c]:
                    self._index(("cs", c, t), n, step)
            for t in covers:
                self._count(c, t, step)
            for s in {*touches, *(t for u in touches for gi in self.groups.get(u, ())
                                  for t in self.group_slots[gi])}:
                self._refresh_company(c, s)

    def _count(self, c: str, t: int, step: int) -> None:
        """Book (step -1) or free (+1) a company's position of slot t for the idle polish."""
        slot = self.space.slots[t]
        day = (c, slot.session, slot.day)
        self.counts[day][slot.position] -= step
        if self.counts[day][slot.position]:
            self.days[day] |= 1 << slot.position
        else:
            self.days[day] &= ~(1 << slot.position)

    def _index(self, key: Key, n: int, step: int) -> None:
        """Add (step -1) or remove (+1) a meeting from an index."""
        if step < 0:
            self.at[key].add(n)
        else:
            self.at[key].discard(n)

    def _refresh_company(self, c: str, s: int) -> None:
        """Recompute whether company c has room at slot s."""
        if not (self.free[c] >> s) & 1:
            return
        ok = self.room[("cs", c, s)] > 0 and all(
            self.room[("group", c, gi)] > 0 for gi in self.groups.get(s, ()))
        self.avail[c] = self.avail[c] | (1 << s) if ok else self.avail[c] & ~(1 << s)

    def _refresh_pool(self, pool: str, s: int) -> None:
        """Recompute whether a pool has room at slot s."""
        mask = self.pool_mask.get(pool, -1)
        ok = self.room[("pool", s, pool)] > 0
        self.pool_mask[pool] = mask | (1 << s) if ok else mask & ~(1 << s)


def place_first_fit(board: Board, r: int, options: list[Option], avoid: int = 0,
                    moving_from: str | None = None) -> Var | None:
    """The earliest slot (not in `avoid`) where request r fits now, or None; a meeting
    moving from a session already holds its request's and companies' caps."""
    best: Var | None = None
    longer = board.space.requests[r].minutes is not None
    for virtual in (False, True):  # in person first: video only where no table is left
        for option in options:
            if option.virtual != virtual:
                continue
            mask = board.mask_of(r, option) & ~avoid
            if mask and board.open(r, option.session, moving_from):
                # a longer meeting needs room in each of its slots, not only the first
                s = next((t for t in bits(mask) if board.fits(r, t, option.pool)), None) \
                    if longer else lowest(mask)
                if s is not None and (best is None or s < best.slot):
                    best = Var(r, s, option.pool)
        if best is not None:
            return best
    return best
