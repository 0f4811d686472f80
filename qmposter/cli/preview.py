"""`qmposter preview TEMPLATE`: a contact sheet of stress-test slogans, optionally watched."""

from __future__ import annotations

import time
from pathlib import Path

import click

from qmposter.cli.base import cli
from qmposter.errors import QmposterError

POLL_SECONDS = 0.5


@cli.command()
@click.argument("template_name", metavar="TEMPLATE")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="联系表 PNG 路径（默认 preview-<模板名>.png）。")
@click.option("--campaign", "campaign_file", type=click.Path(path_type=Path),
              help="活动文件（默认内置示例活动）；口号库为内置口号库加活动自己的口号库。")
@click.option("--catalogue", "catalogue_dir", type=click.Path(path_type=Path), help="只用这个口号库文件夹。")
@click.option("--templates", "templates_dir", type=click.Path(path_type=Path), help="自定义模板文件夹。")
@click.option("--watch", is_flag=True, help="模板文件一改动就重新生成（Ctrl-C 结束）。")
def preview(template_name: str, output: Path | None, campaign_file: Path | None, catalogue_dir: Path | None,
            templates_dir: Path | None, watch: bool) -> None:
    """用最短、最长、三句、含数字和英文的口号排一遍模板，生成一张联系表，供设计人员调版式。"""
    from qmposter.cli.campaign_context import checked_campaign
    from qmposter.products.preview import stress_samples

    campaign, catalogue = checked_campaign(campaign_file, catalogue_dir)
    samples = stress_samples(catalogue)
    out = output or Path(f"preview-{Path(template_name).stem}.png")
    files = _render(template_name, templates_dir, campaign, samples, out)
    if not watch:
        return
    click.echo("正在监视模板文件，改动后自动重新生成；按 Ctrl-C 结束。", err=True)
    stamps = _stamps(files)
    try:
        while True:
            time.sleep(POLL_SECONDS)
            if _stamps(files) != stamps:
                try:
                    files = _render(template_name, templates_dir, campaign, samples, out)
                except QmposterError as error:
                    click.echo(f"错误：{error}", err=True)
                stamps = _stamps(files)
    except KeyboardInterrupt:
        click.echo("已停止监视。", err=True)


def _render(template_name, templates_dir, campaign, samples, out: Path) -> tuple[Path, ...]:
    from qmposter.products.preview import render_sheet
    from qmposter.templates import load_template

    template = load_template(template_name, templates_dir)
    result = render_sheet(template, campaign, samples, out)
    click.echo(f"已生成 {result.path}（{result.samples} 个样例）")
    for failure in result.failures:
        click.echo(f"警告：{failure}", err=True)
    return template.files


def _stamps(files: tuple[Path, ...]) -> tuple[float, ...]:
    return tuple(f.stat().st_mtime_ns if f.exists() else -1 for f in files)
