"""`python -m qmposter` and the console script: hold the garbage collector through start-up, then run the CLI."""

from __future__ import annotations

from qmposter import gc_hold


def main() -> None:
    """Console-script entry point (pyproject.toml)."""
    gc_hold.hold()  # before click and the commands are imported (qmposter.gc_hold)
    from qmposter.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
