"""The `qmposter` command line: click commands only, one module per command family.

Each module registers its commands on the root group (or `slogans`) in `base`; the
table below says which module to import for which command, on first use.
"""

from __future__ import annotations

from qmposter.cli.base import cli, slogans

__all__ = ["cli", "main"]


def main() -> None:
    """Run the command line. The console script is qmposter.__main__.main, which holds the collector
    through start-up first (qmposter.gc_hold); a program calling this keeps its collector as it is."""
    cli(prog_name="qmposter")


# Each command's module is imported when the command is used (QmGroup.lazy): a module that
# registers commands on `cli` or `slogans` is listed here with the names it registers.
cli.lazy.update({
    "build": "qmposter.cli.build",
    "cache": "qmposter.cli.cache",
    "fonts": "qmposter.cli.fonts",
    "gallery": "qmposter.cli.gallery",
    "init": "qmposter.cli.init",
    "leaflet": "qmposter.cli.leaflet",
    "preview": "qmposter.cli.preview",
    "render": "qmposter.cli.render",
    "sms": "qmposter.cli.sms",
    "studio": "qmposter.cli.studio",
    "templates": "qmposter.cli.templates",
})  # fmt: skip
slogans.lazy.update({
    "import": "qmposter.cli.slogans_catalogue",
    "list": "qmposter.cli.slogans_catalogue",
    "variants": "qmposter.cli.slogans_catalogue",
    "parse": "qmposter.cli.slogans_parse",
})  # fmt: skip
