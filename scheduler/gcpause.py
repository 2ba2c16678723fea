"""The cyclic garbage collector paused while a phase makes millions of objects and no cycles,
and what a large mission's run keeps frozen out of its sight.

Loading and exporting at BIO-International scale allocate millions of small objects; every
full collection would walk all of them, several times per phase, to find no cycle.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block (reference counting still frees)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# From this many companies on, what loading built is worth freezing: at BIO-International
# scale (about two million objects) every full collection would walk it again, half a
# second each, a few times in every later phase.
FREEZE_FROM = 2000


def freeze_if_large(companies: int) -> None:
    """Move every object alive now out of the cyclic collector's sight, for a large mission.

    Call it once the mission is loaded, from the command that owns the whole run: it
    changes the process's collector for good (what is frozen is never collected), which
    only the caller knows to be right. What loading built lives as long as the run and
    holds no cycles.
    """
    if companies >= FREEZE_FROM:
        gc.freeze()
