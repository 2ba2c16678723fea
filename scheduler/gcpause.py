"""The cyclic garbage collector paused while a phase makes millions of objects and no cycles.

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
