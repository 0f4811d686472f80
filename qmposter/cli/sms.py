"""`qmposter sms`: public-service SMS texts from the catalogue and the campaign."""

from __future__ import annotations

from pathlib import Path

import click

from qmposter.campaign import Campaign, campaign_slogans
from qmposter.catalogue.catalogue import Catalogue, Entry
from qmposter.cli.base import cli
from qmposter.cli.campaign_context import CAMPAIGN_HELP, checked_campaign
from qmposter.errors import InputError
from qmposter.products import sms


@cli.command("sms")
@click.option("--campaign", "campaign_path", type=click.Path(path_type=Path), metavar="FILE",
              help=CAMPAIGN_HELP)
@click.option("--catalogue", "catalogue_dir", type=click.Path(path_type=Path), metavar="DIR",
              help="只用这个口号库文件夹（默认：内置口号库加活动自己的口号库）。")
@click.option("--signature", metavar="TEXT", help="短信签名，如【江苏质监】；默认取活动文件 [sms] 表的 signature。")
@click.option("--year", type=click.IntRange(1978, 2100), metavar="Y",
              help="改用该年份的现行口号，不用活动文件的口号选择。")
@click.option("--slogan", "slogan_refs", multiple=True, metavar="ID",
              help="只发这条口号（编号或别名，可重复）；优先于 --year 和活动文件。")
@click.option("--with-hotline", is_flag=True, help="附一行投诉举报电话（号码取自活动文件，如 12365）。")
@click.option("--with-name", is_flag=True, help="附一行活动名称（取自活动文件）。")
@click.option("--opt-out", metavar="TEXT",
              help="退订语，如“回T退订”“拒收请回复R”；默认取活动文件 [sms] 表的 opt_out，给空串则不加。")
@click.option("--max-parts", type=click.IntRange(min=1), metavar="N",
              help="每条短信最多拆成几条计费；放不下的口号在标准错误中列出并略去，绝不截断。")
@click.option("--max-length", type=click.IntRange(min=1), default=sms.DEFAULT_MAX_LENGTH, show_default=True,
              metavar="N", help="平台对一条长短信的字数上限（含签名）。")
@click.option("--phones", "phones_path", type=click.Path(path_type=Path), metavar="FILE",
              help="号码文件（每行一个，或 CSV 第一列）；另写出群发平台导入用的 mobile,content 文件"
                   "（与 -o 同名，后缀 .mobile.csv）。")
@click.option("-o", "--output", type=click.Path(path_type=Path), metavar="FILE.csv",
              help="写出 CSV（id,text,length,parts，UTF-8 带 BOM）和同名 .txt（一行一条）；不给则在屏幕上列表。")
def sms_command(
    campaign_path: Path | None,
    catalogue_dir: Path | None,
    signature: str | None,
    year: int | None,
    slogan_refs: tuple[str, ...],
    with_hotline: bool,
    with_name: bool,
    opt_out: str | None,
    max_parts: int | None,
    max_length: int,
    phones_path: Path | None,
    output: Path | None,
) -> None:
    """生成公益短信：每条现行口号一条，签名 + 口号 + 可选热线/活动名称 + 可选退订语，按运营商规则计字数和条数。"""
    if phones_path is not None and output is None:
        raise InputError("用了 --phones 就要用 -o 指定输出文件。", hint="例如 -o 短信.csv --phones 号码.txt。")
    if output is not None:
        sms.output_paths(output)  # refuse a bad name before any work
    campaign, catalogue = checked_campaign(campaign_path, catalogue_dir)
    options = sms.make_options(
        signature if signature is not None else campaign.sms_signature,
        extra_lines=_extra_lines(campaign, with_name=with_name, with_hotline=with_hotline),
        opt_out=opt_out if opt_out is not None else campaign.sms_opt_out,
        max_parts=max_parts,
        max_length=max_length,
    )
    batch = sms.compose_messages(_select(campaign, catalogue, slogan_refs, year), options)
    phones = sms.read_phones(phones_path) if phones_path is not None else None
    if output is not None and phones is not None:
        _refuse_overwriting_input(phones_path, output)
    for skipped in batch.skipped:
        click.echo(f"注意：{skipped.message}", err=True)
    if phones is not None:
        for problem in phones.problems:
            click.echo(f"号码文件 {phones_path} {problem.message}", err=True)
    if output is None:
        click.echo(sms.format_table(batch.messages))
        return
    written = sms.write_outputs(batch, output, phones)
    _report(batch, phones, written)


def _extra_lines(campaign: Campaign, *, with_name: bool, with_hotline: bool) -> list[str]:
    lines: list[str] = []
    if with_name:
        if not campaign.name.strip():
            raise InputError("活动文件没有活动名称（name），无法使用 --with-name。")
        lines.append(campaign.name)
    if with_hotline:
        if not campaign.hotline.strip():
            raise InputError("活动文件没有投诉举报电话（hotline），无法使用 --with-hotline。")
        lines.append(sms.hotline_line(campaign.hotline))
    return lines


def _select(campaign: Campaign, catalogue: Catalogue, refs: tuple[str, ...], year: int | None) -> list[Entry]:
    if refs:
        return [catalogue.resolve(ref) for ref in dict.fromkeys(refs)]
    if year is not None:
        return catalogue.current(year)
    return campaign_slogans(campaign, catalogue)


def _refuse_overwriting_input(phones_path: Path, output: Path) -> None:
    paths = sms.output_paths(output)
    if phones_path.resolve() in {p.resolve() for p in (paths.csv, paths.txt, paths.phones)}:
        raise InputError(f"输出会覆盖号码文件 {phones_path}。", hint="请给 -o 换一个文件名。")


def _report(batch: sms.SmsBatch, phones: sms.PhoneList | None, written: list[Path]) -> None:
    billed = sum(m.parts for m in batch.messages)
    click.echo(f"共 {len(batch.messages)} 条短信（按运营商计费 {billed} 条/人）：")
    for path in written:
        click.echo(f"  {path}")
    if phones is not None:
        rows = len(phones.numbers) * len(batch.messages)
        click.echo(f"号码 {len(phones.numbers)} 个 × 短信 {len(batch.messages)} 条 = {rows} 行。")
        if len(batch.messages) > 1:
            click.echo(f"注意：每个号码会收到全部 {len(batch.messages)} 条短信；只发一条请加 --slogan 编号。", err=True)
