"""The root `qmposter` click group and the error handling every command shares.

Messages are in Simplified Chinese. Exit codes: 0 success, 2 bad input
(a QmposterError or a usage error), 130 interrupted by Ctrl-C, 1 only for bugs.
"""

from __future__ import annotations

import importlib

import click

from qmposter import __version__, gc_hold
from qmposter.cli import i18n
from qmposter.errors import QmposterError

i18n.install()

EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for Ctrl-C
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
# Commands that keep the garbage collector held through their start-up (qmposter.gc_hold): `render`
# makes one file (bounded work), `build` releases it before its files. Every other command at once.
GC_HELD_THROUGH = frozenset({"render", "build"})


class QmGroup(click.Group):
    """A click group that turns QmposterError into a Chinese message and exit code 2.

    Commands named in `lazy` (name → module) are imported when first used or listed, so
    `qmposter render` does not pay for importing every other command (cold start).
    """

    def __init__(self, *args, lazy: dict[str, str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            importlib.import_module(self.lazy[cmd_name])  # its decorator registers the command here
        if ctx.parent is not None or cmd_name not in GC_HELD_THROUGH:
            gc_hold.release()  # the studio, a leaflet, `slogans …`: collect as usual from here on
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except QmposterError as error:
            click.echo(f"错误：{error}", err=True)
            ctx.exit(2)
        except KeyboardInterrupt:
            click.echo("\n已按 Ctrl-C 中断。已写完的文件保留，没有写完的文件不会留下。", err=True)
            ctx.exit(EXIT_INTERRUPTED)


@click.group(cls=QmGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version", "-V", prog_name="qmposter", message="%(prog)s %(version)s")
def cli() -> None:
    """qmposter：把“质量月”活动通知变成整套宣传品（口号库、海报、横幅、图片、传单、短信）。"""


@cli.group(cls=QmGroup)
def slogans() -> None:
    """宣传口号库：解析通知、导入、列出、查看变体。"""
