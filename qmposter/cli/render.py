"""`qmposter render TEMPLATE (--slogan REF | --text TEXT) -o FILE`: one product, one file."""

from __future__ import annotations

from pathlib import Path

import click

from qmposter.cli.base import cli
from qmposter.cli.campaign_context import CAMPAIGN_HELP, checked_campaign
from qmposter.content import Content
from qmposter.layout.engine import layout_page
from qmposter.layout.units import pt_to_mm, pt_to_px
from qmposter.render.output import RASTER, format_for, write_page
from qmposter.templates import load_template


@cli.command("render")
@click.argument("template")
@click.option("--slogan", "slogan_ref", metavar="ID|别名", help="口号库中的口号 ID 或别名（如 2010-05）。")
@click.option("--text", "text", metavar="文字", help="不在口号库中的文字（与 --slogan 二选一）。")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="输出文件：.png、.jpg、.bmp、.pdf 或 .svg。")  # fmt: skip
@click.option("--dpi", type=click.FloatRange(min=1, max=2400), metavar="N",
              help="位图（PNG/JPEG/BMP）分辨率，默认取模板的。")  # fmt: skip
@click.option("--campaign", "campaign_file", type=click.Path(dir_okay=False, path_type=Path),
              help=CAMPAIGN_HELP)  # fmt: skip
@click.option("--templates", "templates_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="自己的模板文件夹（同名时优先于内置模板）。")  # fmt: skip
@click.option("--catalogue", "catalogue_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="只用这个口号库文件夹（默认：内置口号库加活动自己的口号库）。")  # fmt: skip
@click.option("--cmyk", is_flag=True, help="PDF 用模板中的 CMYK 颜色。")
@click.option("--allow-overflow", is_flag=True, help="排不下时允许字号小于模板的最小字号（仍不会裁掉文字）。")
def render_command(
    template: str,
    slogan_ref: str | None,
    text: str | None,
    output: Path,
    dpi: float | None,
    campaign_file: Path | None,
    templates_dir: Path | None,
    catalogue_dir: Path | None,
    cmyk: bool,
    allow_overflow: bool,
) -> None:
    """用模板 TEMPLATE（名称或 .toml 路径）排一条口号，写出一个文件。"""
    if (slogan_ref is None) == (text is None):
        raise click.UsageError("请给出 --slogan（口号 ID 或别名）或 --text（文字）二者之一。")
    format_for(output)  # an unknown suffix is refused before any work
    campaign, catalogue = checked_campaign(campaign_file, catalogue_dir)
    loaded = load_template(template, templates_dir)
    content = _content(campaign, slogan_ref, text, catalogue)
    page = layout_page(loaded, content, allow_overflow=allow_overflow)
    dpi = dpi or loaded.page.dpi
    write_page(page, output, dpi=dpi, cmyk=cmyk)
    size = f"{pt_to_mm(page.width):.0f}×{pt_to_mm(page.height):.0f} mm"
    if format_for(output) in RASTER:
        size += f"，{round(pt_to_px(page.width, dpi))}×{round(pt_to_px(page.height, dpi))} px"
    click.echo(f"已写出 {output}（模板 {loaded.name}，口号 {content.slogan_ref}：{content.slogan}；{size}）")


def _content(campaign, slogan_ref: str | None, text: str | None, catalogue) -> Content:
    if text is not None:
        if not text.strip():
            raise click.UsageError("--text 不能为空。")
        return Content.from_campaign(campaign, text)
    entry = catalogue.resolve(slogan_ref)
    return Content.from_campaign(campaign, entry.text, slogan_ref)
