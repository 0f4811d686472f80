"""`qmposter init [DIR]`: a commented campaign.toml to start a campaign from."""

from __future__ import annotations

from pathlib import Path

import click

from qmposter.campaign import write_example_campaign
from qmposter.cli.base import cli


@cli.command("init")
@click.argument("directory", required=False, default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="已有 campaign.toml 时也覆盖它。")
def init_command(directory: Path, force: bool) -> None:
    """在 DIRECTORY（默认当前目录）写出带中文注释的 campaign.toml 示例。

    已有 campaign.toml 时不会覆盖（退出码 2），除非加 --force。
    """
    target = write_example_campaign(directory, force=force)
    click.echo(f"已写出 {target}")
    click.echo(f"修改其中的年份、主题、落款、热线和二维码网址后运行：qmposter build --campaign {target}")
