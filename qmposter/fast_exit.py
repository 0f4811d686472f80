"""The console script's end: the exit handlers run, the output is flushed, the interpreter is not torn down (issue 12).

When a command has finished (its files, manifest and cache files written), Python's shutdown
still takes every module apart and frees every object one by one: reportlab's tables, the
fonts, glyph and layout caches, ~10⁵ objects start-up made. That is 10–20 ms of CPU in every
`qmposter build` and `render`, and buys nothing: the operating system takes the process's
memory back at once. So the console script ends as multiprocessing's workers do: what
Python's shutdown does that can be seen outside the process (the atexit handlers, which write
the user cache folder and stop multiprocessing's helpers; the flushing of stdout and stderr)
is done here, then os._exit with the command's exit status.

Whenever this could differ from Python's own shutdown, the normal shutdown runs instead: a
thread that Python would wait for is still running, the status is not a number (Python prints
it), stdout or stderr cannot be flushed (a closed pipe: Python reports it, status 120), or this
interpreter offers no way to run the exit handlers. Only the console script ends this way; a
program that imports qmposter (or runs its click commands) ends as it always did.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from typing import NoReturn


def end(code: object) -> NoReturn:
    """End the process with exit status `code` (a SystemExit's code: None or an int) without the teardown."""
    run_handlers = getattr(atexit, "_run_exitfuncs", None)  # CPython's; what Python's own shutdown calls
    if run_handlers is None or not (code is None or isinstance(code, int)) or _threads_to_wait_for():
        raise SystemExit(code)
    run_handlers()  # exceptions in a handler are printed, as at a normal exit; the handlers are cleared
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        raise SystemExit(code) from None  # Python's shutdown flushes again and reports it as usual
    os._exit(code or 0)


def _threads_to_wait_for() -> bool:
    """A non-daemon thread still running: Python's shutdown would wait for it to finish."""
    main = threading.main_thread()
    return any(t is not main and not t.daemon and t.is_alive() for t in threading.enumerate())
