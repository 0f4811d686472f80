"""`qmposter init [DIR] [--from NOTICE --issuer …]`: start a campaign, blank or from this year's notice."""

from __future__ import annotations

from pathlib import Path

import click

from qmposter.campaign_init import InitResult, init_blank, init_from_notice
from qmposter.cli.base import cli


@cli.command("init")
@click.argument("directory", required=False, default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--from", "notice", metavar="通知",
              help="今年的活动通知（.txt、.docx、.pdf、.html 文件或网址）：年份、名称、主题和口号都从它来。")
@click.option("--issuer", "issuers", multiple=True, metavar="单位",
              help="落款单位全称（可重复，按顺序）；不给时用通知的落款（只在通知是本单位发的时才对）。")
@click.option("--hotline", metavar="电话", help="投诉举报电话（默认按年份：2019 年及以前 12365，之后 12315）。")
@click.option("--qr-url", metavar="网址", help="二维码指向的网址（默认不印二维码）。")
@click.option("--force", is_flag=True, help="已有 campaign.toml 时也覆盖它。")
def init_command(
    directory: Path, notice: str | None, issuers: tuple[str, ...], hotline: str | None, qr_url: str | None,
    force: bool,
) -> None:
    """在 DIRECTORY（默认当前目录）建立一次活动：写出带中文注释的 campaign.toml。

    \b
    有通知原文时用 --from：通知导入本活动的口号库 DIRECTORY/slogans/，
    活动文件按通知填好，落款用 --issuer 给出的单位。
    不用 --from 时，需要改的各项写着“请填写…”，改好之前 qmposter 拒绝生成任何文件。
    已有 campaign.toml 时不会覆盖（退出码 2），除非加 --force。
    """
    if notice is None:
        if issuers or hotline or qr_url:
            raise click.UsageError("--issuer、--hotline、--qr-url 要和 --from 通知.txt 一起用。")
        result = init_blank(directory, force=force)
        click.echo(f"已写出 {result.campaign}")
        click.echo("按文件中标有【必改】的注释改好各项（写着“请填写”的地方），再把今年的通知导入本活动的口号库：")
        click.echo(f"  qmposter slogans import 通知.txt --campaign {result.campaign}")
        click.echo(f"然后运行：qmposter build --campaign {result.campaign}")
        return
    result = init_from_notice(directory, notice, issuers=issuers, hotline=hotline, qr_url=qr_url, force=force)
    _report(result)


def _report(result: InitResult) -> None:
    plan = result.imported
    assert plan is not None
    parsed = plan.notice
    for warning in parsed.warnings:
        click.echo(f"警告：{plan.notice_path.name}：{warning}", err=True)
    imported = "已导入" if plan.action != "unchanged" else "已在口号库中"
    click.echo(f"{imported} {plan.target}（{len(parsed.slogans)} 条口号，{len(parsed.activities)} 项活动）")
    click.echo(f"已写出 {result.campaign}：{parsed.year} 年，主题“{parsed.theme or '（未找到，请填写）'}”")
    if result.issuers_from_notice:
        click.echo(
            f"注意：落款取自通知（{'、'.join(parsed.issuers)}）。通知不是本单位发的，"
            "请用 --issuer 本单位全称 重新生成，或修改 campaign.toml 的 issuers。",
            err=True,
        )
    if result.signature is None:
        click.echo("注意：短信签名没有填写（落款太长或含标点）；发短信前在 [sms] signature 写上报备的签名。", err=True)
    folder = result.campaign.parent
    click.echo(f"下一步（输出写到运行时所在文件夹的 out/）：cd {folder} && qmposter build --campaign campaign.toml")
