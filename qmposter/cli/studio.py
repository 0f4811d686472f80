"""`qmposter studio`: the local web application (qmposter.studio)."""

from __future__ import annotations

from pathlib import Path

import click

from qmposter.cli.base import cli


@cli.command("studio")
@click.option("--campaign", "campaign", type=click.Path(path_type=Path), default=Path("campaign.toml"),
              show_default=True, metavar="FILE",
              help="活动文件 campaign.toml（或其文件夹）；不存在时可在页面上从通知新建。")  # fmt: skip
@click.option("--templates", "templates_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              metavar="DIR", help="自己的模板文件夹：文件一改，打开的预览随即刷新。")  # fmt: skip
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址。默认只许本机访问；其他地址会生成一个访问令牌。")  # fmt: skip
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True, help="端口。")
@click.option("--no-browser", is_flag=True, help="不自动打开浏览器。")
def studio_command(campaign: Path, templates_dir: Path | None, host: str, port: int, no_browser: bool) -> None:
    """在浏览器中制作整套宣传品：活动、导入通知、口号库、版式预览、生成、传单与短信。"""
    from qmposter.studio.server import ServeOptions, serve

    options = ServeOptions(campaign, templates_dir, host, port, not no_browser)
    serve(options, lambda line: click.echo(line))
