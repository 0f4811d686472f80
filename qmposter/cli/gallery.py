"""`qmposter gallery DIR`: an offline HTML page to review a build."""

from __future__ import annotations

from pathlib import Path

import click

from qmposter.cli.base import cli
from qmposter.folder_lock import folder_lock
from qmposter.products.gallery import build_gallery, read_manifest


def _template_titles(names: set[str]) -> dict[str, str]:
    """Chinese titles of the templates a build used, where they can still be loaded."""
    from qmposter.errors import QmposterError
    from qmposter.templates import load_template

    titles = {}
    for name in sorted(names):
        try:
            titles[name] = load_template(name).title or name
        except QmposterError:
            titles[name] = name
    return titles


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path), default="out", required=False)
def gallery(directory: Path) -> None:
    """为 DIRECTORY（qmposter build 的输出文件夹，默认 out）生成离线预览页 index.html。"""
    manifest = read_manifest(directory)
    names = {str(item.get("template", "")) for item in manifest["items"]}
    with folder_lock(directory, "gallery"):  # not while a build rewrites the manifest and files
        result = build_gallery(directory, template_titles=_template_titles(names))
    click.echo(f"已生成 {result.index}（{result.cards} 件宣传品，{result.thumbnails} 张缩略图），可用浏览器离线打开。")
