"""Loading leaves the garbage collector alone; freezing is the command's decision."""

from __future__ import annotations

import gc
from pathlib import Path

from scheduler import gcpause
from scheduler.load import loader

SEED = Path(__file__).resolve().parent.parent / "seeds" / "stockholm-nlsdays"


def test_loading_freezes_nothing_however_small_the_threshold(monkeypatch):
    monkeypatch.setattr(loader, "FREEZE_FROM", 0, raising=False)
    monkeypatch.setattr(gcpause, "FREEZE_FROM", 0, raising=False)
    before = gc.get_freeze_count()
    try:
        assert loader.load(SEED).folder is not None
        assert gc.get_freeze_count() == before
    finally:
        gc.unfreeze()


def test_a_large_mission_is_frozen_by_the_caller_and_a_small_one_is_not(monkeypatch):
    monkeypatch.setattr(gcpause, "FREEZE_FROM", 5)
    gc.unfreeze()
    try:
        gcpause.freeze_if_large(4)
        assert gc.get_freeze_count() == 0
        gcpause.freeze_if_large(5)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
