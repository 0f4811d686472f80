"""`qmposter slogans parse NOTICE`: show what qmposter reads from a notice, writing nothing."""

from __future__ import annotations

import json

import click

from qmposter.catalogue.model import Notice
from qmposter.catalogue.notice import FORM_NAMES, parse_source
from qmposter.cli.base import slogans
from qmposter.readers import SourceText, read_source

SCOPE_NAMES = {"national": "全国", "provincial": "省级", "municipal": "市级", "county": "县级"}


def notice_json(notice: Notice, source: SourceText | None = None) -> str:
    """The JSON object of DESIGN.md §4, Chinese kept readable; "source" says where the text came from."""
    data = notice.to_json()
    data["form"] = notice.form
    data["confidence"] = notice.confidence
    if source is not None:
        data["source"] = source.provenance()
    return json.dumps(data, ensure_ascii=False, indent=2)


def notice_summary(notice: Notice, source: SourceText | None = None) -> str:
    """A readable Chinese summary of a parsed notice."""
    none = "（无）"
    lines = (
        [f"来源：{source.origin}（{source.format}{'，繁体转简体' if source.traditional else ''}）"] if source else []
    )
    lines += [
        f"识别为：{FORM_NAMES[notice.form]}（{notice.form}，把握度 {notice.confidence:.2f}）",
        f"标题：{notice.title or none}",
        f"年份：{notice.year or none}",
        f"范围：{SCOPE_NAMES.get(notice.scope or '', none)}",
        f"地区：{notice.region or none}",
        f"文号：{notice.doc_number or none}",
        f"发文单位：{'、'.join(notice.issuers) if notice.issuers else none}",
        f"日期：{notice.date or none}",
        f"活动主题：{notice.theme or none}",
        f"活动（{len(notice.activities)} 项）：",
    ]
    group: object = object()
    for number, activity in enumerate(notice.activities, start=1):
        if activity.group != group:
            group = activity.group
            lines.append(f"  【{group or '未分组'}】")
        lines.append(f"  {number:>2}. {activity.title}")
    lines.append(f"宣传口号（{len(notice.slogans)} 条）：")
    for number, slogan in enumerate(notice.slogans, start=1):
        printed = f"    （原文：{slogan.original}）" if slogan.original else ""
        lines.append(f"  {number:>2}. {slogan.text}{printed}")
    return "\n".join(lines)


@slogans.command("parse")
@click.argument("notice", type=str)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "text"]),
    default="json",
    show_default=True,
    help="输出格式：json（DESIGN.md §4 的 JSON 对象）或 text（中文摘要）。",
)
@click.option("--strict", is_flag=True, help="只按正式通知解析（不认新闻报道、口号表、启动新闻稿、口号征集等）。")
def parse_command(notice: str, fmt: str, strict: bool) -> None:
    """解析一份“质量月”活动通知，只显示结果，不写任何文件。

    NOTICE 可以是文本文件（UTF-8、GBK/GB18030、带 BOM 的 UTF-16）、Word（.docx；.doc/.wps 需要
    LibreOffice）、有文字层的 PDF、保存的网页（.html/.htm/.mhtml），或 http(s) 网址。繁体字会转成简体。
    除正式通知外，也读新闻报道、口号（标语）列表、启动仪式新闻稿和口号征集通知，并说明识别成了哪一种、
    有多大把握；与质量月无关的文字退出码 2。
    """
    source = read_source(notice)
    parsed = parse_source(source, strict=strict)
    for warning in parsed.warnings:
        click.echo(f"警告：{warning}", err=True)
    click.echo(notice_json(parsed, source) if fmt == "json" else notice_summary(parsed, source))
