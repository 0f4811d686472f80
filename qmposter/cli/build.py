"""`qmposter build`: the whole poster set of a campaign into one folder, with a manifest."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from qmposter import gc_hold
from qmposter.build.executors import EXECUTORS
from qmposter.build.manifest import merge_shard_manifests
from qmposter.build.plan import BuildRequest, Shard, plan_build
from qmposter.build.run import BuildReport, run_build
from qmposter.cli.base import cli
from qmposter.cli.campaign_context import CAMPAIGN_HELP, checked_campaign


@cli.command("build")
@click.option(
    "--campaign",
    "campaign_path",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help=CAMPAIGN_HELP,
)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="输出文件夹（默认：活动文件的 build.out，即 ./out）。",
)
@click.option("--year", type=click.IntRange(1978, 2100), metavar="Y", help="改用该年份的现行口号。")
@click.option("--template", "templates", multiple=True, metavar="NAME", help="只用这个模板（可重复）。")
@click.option(
    "--format",
    "formats",
    multiple=True,
    metavar="FMT",
    help="只输出这种格式：pdf、png、jpg、bmp、svg（可重复；默认：每个模板自己的格式）。",
)
@click.option(
    "--units",
    "units_path",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="CSV",
    help="单位表（每行一个单位：单位,落款,二维码,电话…），为每个单位生成一套。",
)
@click.option("--jobs", "-j", type=click.IntRange(min=1), metavar="N", help="并行的进程数（默认：CPU 核数）。")
@click.option("--shard", metavar="I/N", help="只做第 I 份（共 N 份）任务，供 N 台机器分担一次构建。")
@click.option(
    "--executor",
    type=click.Choice(EXECUTORS),
    default="local",
    show_default=True,
    help="local：本机多进程；dask：发往已有的 dask.distributed 集群。",
)
@click.option("--scheduler", metavar="ADDR", help="dask 调度器地址，如 tcp://10.0.0.5:8786。")
@click.option("--force", is_flag=True, help="全部重新生成，不复用上次的结果。")
@click.option("--cmyk", is_flag=True, help="印刷 PDF 使用模板中的 CMYK 颜色（大面积黑色用四色黑），供胶印厂使用。")
@click.option(
    "--templates",
    "templates_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    metavar="DIR",
    help="自己的模板文件夹（同名时优先于内置模板）。",
)
@click.option(
    "--catalogue",
    "catalogue_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    metavar="DIR",
    help="只用这个口号库文件夹（默认：内置口号库加活动自己的口号库）。",
)
@click.option(
    "--merge-shards",
    is_flag=True,
    help="不生成文件，只把输出文件夹中各分片的清单合并成 manifest.json 和 manifest.csv。",
)
def build_command(
    campaign_path: Path | None,
    out: Path | None,
    year: int | None,
    templates: tuple[str, ...],
    formats: tuple[str, ...],
    units_path: Path | None,
    jobs: int | None,
    shard: str | None,
    executor: str,
    scheduler: str | None,
    force: bool,
    cmyk: bool,
    templates_dir: Path | None,
    catalogue_dir: Path | None,
    merge_shards: bool,
) -> None:
    """生成整套宣传品（口号 × 模板 × 格式 × 单位）到输出文件夹，并写出 manifest.json 和 manifest.csv。

    不带任何选项时，按内置的默认活动生成到 ./out。再次运行只重做有变化的文件。
    """
    request = BuildRequest(
        campaign_path=campaign_path, out=out, year=year, templates=templates, formats=formats,
        units_path=units_path, jobs=jobs, shard=Shard.parse(shard) if shard is not None else None,
        executor=executor, scheduler=scheduler, force=force, templates_dir=templates_dir, catalogue_dir=catalogue_dir,
        cmyk=cmyk,
    )  # fmt: skip
    if merge_shards:
        _merge(request)
        return
    # contradictions stop the build before anything is written; the plan reuses what was read
    campaign, catalogue = checked_campaign(campaign_path, catalogue_dir)
    plan = plan_build(request, campaign=campaign, catalogue=catalogue)
    total = len(request.shard.take(plan.jobs)) if request.shard else len(plan.jobs)
    gc_hold.release()  # hundreds of files may follow: collect garbage as usual
    if sys.stderr.isatty():
        with click.progressbar(length=total, label="生成中", file=sys.stderr, show_pos=True) as bar:
            report = run_build(plan, request, on_progress=bar.update)
    else:
        report = run_build(plan, request)
    _summary(report, request.shard)
    if report.failures:
        sys.exit(2)


def _merge(request: BuildRequest) -> None:
    from qmposter.campaign import load_campaign

    out = request.out if request.out is not None else load_campaign(request.campaign_path).out_dir
    manifest, parts = merge_shard_manifests(out)
    click.echo(f"已合并 {parts} 个分片清单：{manifest} 和 {manifest.with_suffix('.csv')}")


def _summary(report: BuildReport, shard: Shard | None) -> None:
    for message in report.failures:
        click.echo(f"失败：{message}", err=True)
    what = f"第 {shard.index}/{shard.count} 份，" if shard else ""
    parts = [f"新写出 {report.written} 个文件", f"未变 {report.unchanged} 个"]
    if report.skipped:
        parts.append(f"跳过 {report.skipped} 项（模板不适用，原因见清单）")
    if report.failures:
        parts.append(f"失败 {report.failed} 项")
    click.echo(f"{what}共 {report.planned} 项：{'，'.join(parts)}；用时 {report.seconds:.1f} 秒。")
    click.echo(f"输出文件夹：{report.out}；清单：{report.manifest}")
    if report.stale:
        click.echo(f"输出文件夹中另有 {report.stale} 个以前生成、本次清单中没有的文件，未删除。")
    if report.failures:
        click.echo(f"有 {report.failed} 项没有生成（原因见上方和清单的 failed），其余文件已写出。", err=True)
