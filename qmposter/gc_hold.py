"""The garbage collector held off while a qmposter command starts (issue 12).

Start-up (click, qmposter's modules, the campaign, templates and fonts read) allocates ~10⁵
objects that live as long as the process. Python's collector walks each of them twice, in
the young and the middle generation, and finds nothing to free: 6–12 ms of CPU in every
`qmposter render`. The console script holds collection off from its first line until the
command's unbounded work begins (`release`); then what start-up made is frozen (never
walked again, also not by the full collections of a long build) and collection resumes.
Commands that make one bounded thing (`render`) never release it: the process ends first.
Only the console script holds it; a program importing qmposter keeps its collector as it is.
`paused()` is the short pause around reading a large cache file, anywhere.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

_held = False
YOUNG_THRESHOLD = 20_000  # allocations between young collections after release() (Python's default: 700)


def hold() -> None:
    """Stop collecting until release() (nothing happens when the collector is off already)."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def release() -> None:
    """Freeze what start-up made and collect again, if hold() stopped it, less often than Python's
    default: drawing a page makes and drops thousands of tuples and lists, and a young collection
    every 700 of them walked the survivors ~30 times per 21-file build (4 ms of CPU; 1 ms at
    YOUNG_THRESHOLD). Cyclic garbage waits a little longer: at most YOUNG_THRESHOLD objects."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])
        gc.enable()


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No collection while a large batch of acyclic objects is made (a cache file's lists and
    tuples): the collector would walk the young ones every few hundred for nothing. Restores
    the collector as it was, so it composes with hold()."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
