"""`qmposter slogans import | list | variants`: the slogan catalogue on the command line.

Commands only parse options, call qmposter.catalogue and print; formatting of tables
(wide-character aware), JSON and CSV (BOM, formula-injection safe) lives here.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import click

from qmposter.campaign import own_catalogue_dir
from qmposter.catalogue.catalogue import Catalogue, Entry
from qmposter.catalogue.importing import ImportPlan, atomic_write, import_notices
from qmposter.cli.base import slogans
from qmposter.cli.campaign_context import catalogue_for
from qmposter.errors import CatalogueError
from qmposter.resources import bundled_dir

CATALOGUE_HELP = "只用这个口号库文件夹（默认：随程序附带的 slogans/）。"
CAMPAIGN_HELP = "活动文件 campaign.toml：用内置口号库加本活动自己的口号库（合并、跨年份去重）。"
CSV_COLUMNS = ("id", "text", "years", "sources", "family", "current", "aliases")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# --- helpers (pure, tested directly) --------------------------------------------------------


def display_width(text: str) -> int:
    """Terminal columns of a string: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """Left-align `text` in `width` terminal columns."""
    return text + " " * max(0, width - display_width(text))


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns aligned for terminals showing Chinese; the last column is not padded."""
    widths = [max(display_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [pad(cell, widths[i]) for i, cell in enumerate(row[:-1])] + [row[-1]]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def neutralize_cell(value: str) -> str:
    """Stop spreadsheets from running a cell as a formula: prefix ' to = + - @ tab CR starts."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def entries_csv(entries: Sequence[Entry]) -> bytes:
    """UTF-8 CSV with BOM (opens correctly in Excel and WPS on Chinese Windows)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        row = [
            entry.id,
            entry.text,
            ";".join(str(y) for y in entry.years),
            ";".join(entry.sources),
            entry.family,
            "true" if entry.current else "false",
            ";".join(entry.aliases),
        ]
        writer.writerow([neutralize_cell(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def _json_text(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _years(entry: Entry) -> str:
    return ",".join(str(y) for y in entry.years)


def _status(catalogue: Catalogue, entry: Entry) -> str:
    if len(catalogue.family(entry.family)) == 1:
        return ""
    return "现行，有旧措辞" if entry.current else f"旧措辞，现行 {entry.family}"


def _list_table(catalogue: Catalogue, entries: Sequence[Entry], year: int | None) -> str:
    rows = [(e.id, e.alias_in(year), _years(e), _status(catalogue, e), e.text) for e in entries]
    return format_table(("ID", "别名", "年份", "变体", "口号"), rows)


def _family_json(catalogue: Catalogue, members: Sequence[Entry]) -> dict[str, object]:
    current = next(e for e in members if e.current)
    return {
        "family": current.family,
        "current": current.id,
        "manual": catalogue.is_manual_family(current.family),
        "wordings": [{**e.to_json(), "aliases": list(e.aliases)} for e in members],
    }


def _variants_table(catalogue: Catalogue, families: Sequence[Sequence[Entry]]) -> str:
    if not families:
        return "没有跨年份的措辞变体。"
    blocks = [f"共 {len(families)} 个变体族（跨年份改动过措辞的同一条口号，★ 为现行措辞）："]
    for members in families:
        family_id = members[-1].family
        manual = "（按 variants.toml 人工调整）" if catalogue.is_manual_family(family_id) else ""
        rows = [("★" if e.current else "", _years(e), e.id, e.alias_in(), e.text) for e in members]
        table = format_table(("", "年份", "ID", "别名", "措辞"), rows)
        blocks.append(f"变体族 {family_id}{manual}\n" + "\n".join("  " + line for line in table.splitlines()))
    return "\n\n".join(blocks)


def _import_default_dir() -> Path:
    """Where `import` writes without --catalogue: the checkout's slogans/, never an installed package."""
    bundled = bundled_dir("slogans")
    return Path("slogans") if bundled.parent.name == "data" else bundled


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _describe(plan: ImportPlan) -> str:
    notice = plan.notice
    what = f"{len(notice.slogans)} 条口号，{len(notice.activities)} 项活动"
    target = _display_path(plan.target)
    if plan.action == "unchanged":
        return f"未改动 {target}：{plan.reason}"
    if plan.action == "skip":
        return f"未导入 {plan.notice_path.name}：{plan.reason}"
    verb = "已写入" if plan.action == "write" else "已替换"
    return f"{verb} {target}（{what}；{plan.reason}）"


# --- commands -------------------------------------------------------------------------------


@slogans.command("import")
@click.argument("notices", nargs=-1, required=True, metavar="NOTICE...", type=str)
@click.option("--catalogue", "directory", type=click.Path(path_type=Path), default=None, metavar="DIR",
              help="写入的口号库文件夹（默认：本项目的 slogans/；安装版为当前目录下的 slogans/）。")
@click.option("--campaign", "campaign_path", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="写入这个活动自己的口号库（campaign.toml 的 catalogue，默认其旁边的 slogans/）。")
@click.option("--dry-run", is_flag=True, help="只说明将写入什么，不写任何文件。")
@click.option("--replace", is_flag=True,
              help="按通知重新生成已有文件（来自另一份通知时也替换；文件中的手工修改会丢失）。")
@click.option("--strict", is_flag=True, help="只按正式通知解析（不认新闻报道、口号表、启动新闻稿、口号征集等）。")
def import_command(notices: tuple[str, ...], directory: Path | None, campaign_path: Path | None, dry_run: bool,
                   replace: bool, strict: bool) -> None:
    """把通知原文导入口号库：每份通知一个 <年份>-<地区>.toml 文件。

    NOTICE 可以是文本（UTF-8、GBK…）、Word（.docx；.doc/.wps 需要 LibreOffice）、PDF、
    保存的网页（.html/.mhtml）或 http(s) 网址。

    \b
    同一份通知再次导入时文件保持原样（保留手工修改和注释）；
    已有文件来自另一份通知时报错，且不写入任何文件。
    """
    if directory is not None and campaign_path is not None:
        raise click.UsageError("--catalogue 和 --campaign 只能用一个。")
    folder = directory if directory is not None else _import_default_dir()
    if campaign_path is not None:
        folder = own_catalogue_dir(campaign_path)
    plans = import_notices(list(notices), folder, replace=replace, dry_run=dry_run, strict=strict)
    for plan in plans:
        for warning in plan.notice.warnings:
            click.echo(f"警告：{plan.notice_path.name}：{warning}", err=True)
        line = _describe(plan)
        if dry_run and plan.action != "unchanged":
            line = line.replace("已写入", "将写入", 1).replace("已替换", "将替换", 1)
        click.echo(line)
    if dry_run:
        click.echo("（--dry-run：没有写入任何文件）")
    elif campaign_path is not None:
        stems = "、".join(dict.fromkeys(f'"{p.target.stem}"' for p in plans))
        click.echo(f"在 {_display_path(campaign_path)} 中写 source = {stems} 即用这份通知的口号。")
        click.echo(f"查看：qmposter slogans list --campaign {_display_path(campaign_path)}")
    elif folder.resolve() != bundled_dir("slogans").resolve():
        click.echo(f"查看：qmposter slogans list --catalogue {_display_path(folder)}")


@slogans.command("list")
@click.option("--year", type=int, default=None, metavar="YEAR", help="只列出这一年通知上的口号。")
@click.option("--all-variants", is_flag=True, help="列出所有措辞（默认每个变体族只列现行措辞）。")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True,
              help="输出格式。")
@click.option("--catalogue", "directory", type=click.Path(path_type=Path), default=None, metavar="DIR",
              help=CATALOGUE_HELP)
@click.option("--campaign", "campaign_path", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help=CAMPAIGN_HELP)
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, metavar="FILE",
              help="写入文件而不是屏幕（CSV 建议用这个，Excel/WPS 可直接打开）。")
def list_command(year: int | None, all_variants: bool, fmt: str, directory: Path | None,
                 campaign_path: Path | None, output: Path | None) -> None:
    """列出口号库中的口号（默认每个变体族只列现行措辞）。"""
    catalogue = catalogue_for(campaign_path, directory)
    if year is not None:
        entries = catalogue.in_year(year) if all_variants else catalogue.current(year)
        if not entries:
            years = sorted({y for e in catalogue.entries for y in e.years})
            raise CatalogueError(
                f"口号库中没有 {year} 年的口号（已有年份：{'、'.join(map(str, years)) or '无'}）。",
                hint=catalogue.searched(),
            )
    else:
        entries = list(catalogue.entries) if all_variants else catalogue.current()
    if fmt == "json":
        _emit(_json_text([e.to_json() for e in entries]), output)
    elif fmt == "csv":
        _emit(entries_csv(entries), output)
    else:
        note = "" if all_variants else "（每个变体族只列现行措辞，--all-variants 列出全部）"
        text = _list_table(catalogue, entries, year) + f"\n\n共 {len(entries)} 条{note}\n"
        _emit(text, output)


@slogans.command("variants")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="输出格式。")
@click.option("--catalogue", "directory", type=click.Path(path_type=Path), default=None, metavar="DIR",
              help=CATALOGUE_HELP)
@click.option("--campaign", "campaign_path", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help=CAMPAIGN_HELP)
def variants_command(fmt: str, directory: Path | None, campaign_path: Path | None) -> None:
    """列出跨年份的措辞变体族：每族的各个措辞、年份和现行措辞。"""
    catalogue = catalogue_for(campaign_path, directory)
    families = catalogue.families()
    if fmt == "json":
        click.echo(_json_text([_family_json(catalogue, f) for f in families]), nl=False)
    else:
        click.echo(_variants_table(catalogue, families))


def _emit(data: str | bytes, output: Path | None) -> None:
    """Print (bytes go out unchanged, keeping the CSV BOM), or write atomically to a file."""
    if output is not None:
        atomic_write(output, data)
        click.echo(f"已写入 {_display_path(output)}", err=True)
    else:
        click.echo(data, nl=False)  # click writes bytes to the binary stream as they are
