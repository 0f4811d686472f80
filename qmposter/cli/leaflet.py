"""`qmposter leaflet`: the campaign leaflet as a print-ready PDF (A4 two-page or tri-fold)."""

from __future__ import annotations

from pathlib import Path

import click

from qmposter.cli.base import cli
from qmposter.cli.campaign_context import CAMPAIGN_HELP, checked_campaign
from qmposter.products.leaflet import LAYOUT_NAMES_ZH, LAYOUTS, Leaflet, build_leaflet, check_output, write_leaflet


@cli.command("leaflet")
@click.option("--campaign", "campaign_path", type=click.Path(path_type=Path), metavar="FILE",
              help=CAMPAIGN_HELP)
@click.option("--catalogue", "catalogue_dir", type=click.Path(path_type=Path), metavar="DIR",
              help="只用这个口号库文件夹（默认：内置口号库加活动自己的口号库）。")
@click.option("--source", "source_id", metavar="ID",
              help="活动文件没写自己的指导思想和活动内容时，借用口号库中哪份通知的（连同其口号，并印出处）；"
                   "默认为活动文件的 source。年份、名称、落款总是活动文件的。")
@click.option("--layout", type=click.Choice(LAYOUTS), default="a4", show_default=True,
              help="版式：a4 = A4 双面（正反两页）；trifold = A4 横向三折页。")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, metavar="FILE.pdf",
              help="输出的 PDF 文件（先写临时文件再改名，出错时不留半截文件）。")
def leaflet_command(
    campaign_path: Path | None,
    catalogue_dir: Path | None,
    source_id: str | None,
    layout: str,
    output: Path,
) -> None:
    """生成宣传单 PDF：主题、指导思想、活动内容、宣传口号、二维码、举报电话与落款，可直接付印（出血、裁切线）。"""
    check_output(output)  # refuse a bad path before any work
    campaign, catalogue = checked_campaign(campaign_path, catalogue_dir)
    result = build_leaflet(campaign, catalogue, source_id=source_id, layout=layout)
    write_leaflet(result.pdf, output)
    click.echo(_report(result, output))


def _report(result: Leaflet, output: Path) -> str:
    texts = {0: "活动内容为全文", -1: "活动内容只列标题"}.get(
        result.activity_sentences, f"活动内容每项取前 {result.activity_sentences} 句"
    )
    return (
        f"已写出 {output}（{LAYOUT_NAMES_ZH[result.layout]}，2 页，通知 {result.source or '无'}）："
        f"正文 {result.body_size:g} pt，口号 {result.slogans}/{result.slogans_available} 条，{texts}。"
    )
