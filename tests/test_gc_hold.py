"""qmposter/gc_hold.py: the console script's collector hold, and what release() leaves behind."""

from __future__ import annotations

import gc

import pytest

from qmposter import gc_hold


@pytest.fixture
def collector():
    """Put the test process's collector back as it was."""
    threshold, enabled = gc.get_threshold(), gc.isenabled()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)
    gc.enable() if enabled else gc.disable()


def test_release_freezes_start_up_and_collects_young_objects_less_often(collector) -> None:
    gc.enable()
    gc_hold.hold()
    assert not gc.isenabled()
    kept = [[] for _ in range(1000)]  # what start-up makes
    gc_hold.release()
    assert gc.isenabled() and gc.get_freeze_count() >= len(kept)
    assert gc.get_threshold()[0] == gc_hold.YOUNG_THRESHOLD


def test_release_without_hold_changes_nothing(collector) -> None:
    """A program importing qmposter keeps its collector as it set it."""
    gc.set_threshold(123, 4, 5)
    gc_hold.release()
    assert gc.get_threshold() == (123, 4, 5) and gc.get_freeze_count() == 0
