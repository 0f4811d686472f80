"""The console script's end: the exit handlers run, the output is flushed, the interpreter is not torn down (issue 12).

When a command has finished (its files, manifest and cache files written), Python's shutdown
still takes every module apart and frees every object one by one: reportlab's tables, the
fonts, glyph and layout caches, ~10⁵ objects start-up made. That is 10–20 ms of CPU in every
`qmposter build` and `render`, and buys nothing: the operating system takes the process's
memory back at once. So the console script ends as multiprocessing's workers do: what
Python's shutdown does that can be seen outside the process (the atexit handlers, which write
the user cache folder and stop multiprocessing's helpers; the flushing of stdout and stderr)
is done here, then os._exit with the command's exit status.

The normal shutdown runs instead where this would visibly differ from it: a thread that Python
would wait for is still running, the status is not a C int (Python prints it or clips it), stdout
or stderr cannot be flushed (a closed pipe: Python reports it, status 120; Ctrl-C while a full
pipe blocks), a profiler, tracer or debugger is attached or `python -i` / PYTHONINSPECT asks for
the prompt (they act at the normal end), or this interpreter offers no way to run the exit
handlers. What this skips and cannot check is the teardown's own side effects: a buffered file
still open is not flushed, a `__del__` does not run. So qmposter closes or flushes every file it
writes before a command returns, and does nothing in `__del__` that the user could see. Only the
console script ends this way; a program that imports qmposter (or runs its click commands) ends
as it always did.
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
    if run_handlers is None or not _plain_status(code) or _watched() or _threads_to_wait_for():
        raise SystemExit(code)
    run_handlers()  # exceptions in a handler are printed, as at a normal exit; the handlers are cleared
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError, KeyboardInterrupt):  # Ctrl-C while a full pipe blocks the flush
        raise SystemExit(code) from None  # Python's shutdown flushes again and reports it as usual
    os._exit(code or 0)


def _plain_status(code: object) -> bool:
    """None or an int that os._exit takes (a C int); Python's shutdown prints or clips anything else."""
    return code is None or (isinstance(code, int) and -(2**31) <= code < 2**31)


def _watched() -> bool:
    """A profiler or tracer (cProfile, pdb, trace) reports at the normal end; `python -i` gives a prompt there."""
    return (
        sys.getprofile() is not None
        or sys.gettrace() is not None
        or bool(sys.flags.inspect)
        or bool(os.environ.get("PYTHONINSPECT"))
    )


def _threads_to_wait_for() -> bool:
    """A non-daemon thread still running: Python's shutdown would wait for it to finish."""
    main = threading.main_thread()
    return any(t is not main and not t.daemon and t.is_alive() for t in threading.enumerate())
