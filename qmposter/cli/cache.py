"""`qmposter cache [--clear]`: where the files that only save time are, how big, and removing them."""

from __future__ import annotations

import click

from qmposter import cache_usage, disk_cache
from qmposter.cli.base import cli


@cli.command("cache")
@click.option("--clear", is_flag=True, help="删除缓存文件（文件夹里的其他文件不动）。")
def cache_command(clear: bool) -> None:
    """显示缓存文件夹的位置和大小，或用 --clear 清空。

    缓存只用来加快下一次运行（字体、字形、分词、装饰画布、图片的压缩数据等），随时可以删除，删除后下一次运行慢一些，生成的文件完全相同。

    位置由环境变量 QMPOSTER_CACHE_DIR 指定，否则为 $XDG_CACHE_HOME/qmposter 或 ~/.cache/qmposter。
    """
    folder = disk_cache.cache_dir()
    if clear:
        disk_cache.stop_writing()  # what this command learnt (compiled patterns) is not saved into the emptied folder
        files, size = cache_usage.clear()
        click.echo(f"已从 {folder} 删除 {files} 个缓存文件，共 {_mib(size)}。")
        return
    kinds = cache_usage.usage()
    if not kinds:
        click.echo(f"缓存文件夹 {folder} 中没有缓存文件。")
        return
    width = max(len(kind.name) for kind in kinds)
    click.echo(f"缓存文件夹：{folder}")
    for kind in kinds:
        click.echo(f"  {kind.name:<{width}}  {kind.files:>6} 个文件  {_mib(kind.size):>10}")
    total = sum(kind.size for kind in kinds)
    click.echo(f"合计 {sum(kind.files for kind in kinds)} 个文件，{_mib(total)}。可随时删除：qmposter cache --clear")


def _mib(size: int) -> str:
    return f"{size / 2**20:.1f} MB"
