"""The solver and the checker keep the same hard rules, by name."""

from __future__ import annotations

import inspect
import re

from scheduler.check import rules as check
from scheduler.meaning.hard_rules import HARD_RULES
from scheduler.solver import rules


def solver_rules() -> set[str]:
    """The rule names of the solver's add_<rule> functions."""
    return {name.removeprefix("add_") for name, fn in inspect.getmembers(rules, callable)
            if name.startswith("add_") and inspect.getmodule(fn) is rules}


def checker_rules() -> set[str]:
    """The rule names the checker verifies: check.RULES and check_locked."""
    return set(check.RULES) | ({"locked"} if hasattr(check, "check_locked") else set())


def test_solver_and_checker_have_the_same_hard_rules():
    only_solver, only_checker = solver_rules() - checker_rules(), checker_rules() - solver_rules()
    assert not only_solver, f"the checker has no check for {sorted(only_solver)}"
    assert not only_checker, f"the solver does not encode {sorted(only_checker)}"


def test_both_sides_follow_the_rule_list():
    assert solver_rules() == set(HARD_RULES) == checker_rules()
    assert len(set(HARD_RULES)) == len(HARD_RULES)


def test_each_checker_rule_is_its_check_function():
    for name, fn in check.RULES.items():
        assert fn is getattr(check, f"check_{name}"), name


def test_every_solver_rule_is_applied_and_packs_under_its_own_name():
    applied = {fn.__name__ for fn in (*rules.DOMAIN_RULES, *rules.PACKING_RULES)} | {"add_locked"}
    assert applied == {f"add_{r}" for r in HARD_RULES}
    for fn in rules.PACKING_RULES:
        packed = set(re.findall(r'pack\(\s*"(\w+)"', inspect.getsource(fn)))
        assert packed == {fn.__name__.removeprefix("add_")}, fn.__name__
