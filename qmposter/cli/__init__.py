"""The `qmposter` command line: click commands only, one module per command family.

Each module below registers its commands on the root group in `base`; importing
them here is what makes them part of the CLI.
"""

# ruff: noqa: I001 — command modules are imported at the bottom, one line per family, in the order added.

from __future__ import annotations

from qmposter.cli.base import cli

__all__ = ["cli", "main"]


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="qmposter")
from qmposter.cli import slogans_catalogue  # noqa: E402,F401
from qmposter.cli import slogans_parse  # noqa: E402,F401
from qmposter.cli import sms  # noqa: E402,F401
from qmposter.cli import fonts  # noqa: E402,F401
from qmposter.cli import gallery, preview  # noqa: E402,F401
from qmposter.cli import init, render, templates  # noqa: E402,F401
from qmposter.cli import leaflet  # noqa: E402,F401
from qmposter.cli import build  # noqa: E402,F401
from qmposter.cli import studio  # noqa: E402,F401
