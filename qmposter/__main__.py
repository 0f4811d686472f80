"""`python -m qmposter` and the console script: hold the garbage collector through start-up, take regular
expressions' compiled form from the cache folder (qmposter.regex_code), run the CLI, then end without
tearing the interpreter down (qmposter.fast_exit)."""

from __future__ import annotations

from qmposter import gc_hold


def main() -> None:
    """Console-script entry point (pyproject.toml)."""
    gc_hold.hold()  # before click and the commands are imported (qmposter.gc_hold)
    try:  # reads re's internals (re._compiler, _sre): an interpreter without them just compiles as usual
        from qmposter import regex_code
    except ImportError:
        pass
    else:
        regex_code.install()  # before click and the commands compile their patterns
    from qmposter import fast_exit
    from qmposter.cli import main as cli_main

    try:
        cli_main()  # click ends with SystemExit (standalone mode), also on success
    except SystemExit as done:
        fast_exit.end(done.code)
    fast_exit.end(0)


if __name__ == "__main__":
    main()
