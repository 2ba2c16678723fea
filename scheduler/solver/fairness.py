"""Level 3 of the objective: fairness, the smallest placed/requested share of a delegation
company (scheduler.solver.levels has the other levels and what they share)."""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from scheduler.meaning.requests import fairness_asked
from scheduler.solver.bound import fairness_relaxation
from scheduler.solver.greedy import constraints_of
from scheduler.solver.levels import (
    SKIPPED,
    WHOLE_MAX_VARS,
    LevelResult,
    PriorityLevel,
    State,
    reached,
    search_level,
)
from scheduler.solver.search import Search
from scheduler.solver.space import Space

FAIR_SCALE = 1000
LARGE_FAIRNESS_SECONDS = 3.0  # the fairness level's budget above WHOLE_MAX_VARS
FAIR_LP_COMPANIES = 20  # smallest shares given an LP bound of their own


class FairnessLevel:
    """Level 3: FAIR_SCALE times the smallest placed/requested share over delegation
    companies. Its upper bound, the LP given the priority level's value, proves a
    schedule that reaches it without a search; else it is a cut, so the search stops on
    reaching it."""

    name = "fairness"

    def __init__(self, search: Search, priority: PriorityLevel) -> None:
        self.search, self.space, self.priority = search, search.space, priority
        self.shares: list[tuple[int, list[int]]] = []  # (requested, candidates)

    def objective(self) -> cp_model.IntVar | None:
        """Add the smallest share and its constraints (None without delegation companies)."""
        vars_of = self.space.by_company()
        shares = [(c, n) for c, n in fairness_asked(self.space.folder, self.space.requests).items()
                  if c in vars_of]
        if not shares:
            return None
        model, x = self.search.model, self.search.x
        z = model.new_int_var(0, FAIR_SCALE, "fairness")
        for c, n in shares:
            model.add(FAIR_SCALE * sum(x[v] for v in vars_of[c]) >= n * z)
        self.shares = [(n, vars_of[c]) for c, n in shares]
        self.search.hinters.append(lambda hint: model.add_hint(z, self.value(hint)))
        return z

    def value(self, chosen: set[int]) -> int:
        """The level's value for a set of candidates."""
        return min((FAIR_SCALE * sum(v in chosen for v in vars_) // n
                    for n, vars_ in self.shares), default=FAIR_SCALE)

    def bound(self, solution: set[int], priority: int | None) -> int:
        """An upper bound: up to WHOLE_MAX_VARS the LP bound given the priority level's
        value (scheduler.solver.bound.fairness_relaxation, per company for the
        FAIR_LP_COMPANIES smallest shares of the solution), else each company's most
        meetings (see most_meetings)."""
        if not self.shares:
            return FAIR_SCALE
        shares = self.shares
        if len(self.search.x) <= WHOLE_MAX_VARS and priority is not None:
            coefficient, musts = self.priority.terms()
            lowest = sorted(range(len(shares)), key=lambda k: (
                sum(v in solution for v in shares[k][1]) / shares[k][0], k))
            bound = fairness_relaxation(self.space, coefficient, musts, priority, shares,
                                        FAIR_SCALE, lowest[:FAIR_LP_COMPANIES])
            if bound is not None:
                return bound
        member = constraints_of(self.space)
        return min(FAIR_SCALE * most_meetings(self.space, set(vars_), member) // n
                   for n, vars_ in shares)

    def solve(self, state: State, budget: float) -> LevelResult:
        """Proven when the solution reaches the bound; else searched up to it."""
        expr = self.objective()
        if expr is None:
            return SKIPPED
        bound = self.bound(state.solution, state.outcome.levels.get("priority"))
        if self.value(state.solution) >= bound:
            value = self.value(state.solution)
            self.search.model.add(expr >= value)
            return reached(value)
        self.search.model.add(expr <= bound)
        if len(self.search.x) > WHOLE_MAX_VARS:
            budget = min(budget, LARGE_FAIRNESS_SECONDS)  # rarely pays on large models
        return search_level(self.search, self.name, expr, True, state, budget)


def most_meetings(space: Space, vars_: set[int], member: list[list[int]]) -> int:
    """At most how many of a company's candidates any schedule places: the smallest of
    its requests' meetings, the cap of a constraint holding them all, and a greedy
    cover of them by constraints (sum of caps, plus one per candidate left over)."""
    per_request: dict[int, int] = defaultdict(int)
    for v in vars_:
        per_request[space.vars[v].request] += 1
    best = sum(min(space.requests[r].meetings, n) for r, n in per_request.items())
    touching = sorted({k for v in vars_ for k in member[v]})
    inside = {k: vars_.intersection(space.constraints[k].vars) for k in touching}
    for k in touching:
        if len(inside[k]) == len(vars_):
            best = min(best, space.constraints[k].cap)
    left, cover = set(vars_), 0
    for k in sorted(touching, key=lambda k: (space.constraints[k].cap / len(inside[k]), k)):
        if space.constraints[k].cap < len(inside[k] & left):
            cover += space.constraints[k].cap
            left -= inside[k]
    return min(best, cover + len(left))
