"""`qmposter templates list`: the page templates that can be rendered, as a table or JSON."""

from __future__ import annotations

import json
from pathlib import Path

import click

from qmposter.cli.base import QmGroup, cli
from qmposter.cli.slogans_catalogue import format_table
from qmposter.layout.units import pt_to_mm, pt_to_px
from qmposter.templates import Template, list_templates

TEMPLATES_DIR_HELP = "自己的模板文件夹（同名时优先于内置模板）。"


@cli.group("templates", cls=QmGroup)
def templates_group() -> None:
    """版式模板：查看有哪些海报、横幅、图片模板。"""


def template_json(template: Template) -> dict:
    """One template as `templates list --format json` prints it."""
    page = template.page
    return {
        "name": template.name,
        "title": template.title,
        "kind": template.kind,
        "description": template.description,
        "width_mm": round(pt_to_mm(page.width), 1),
        "height_mm": round(pt_to_mm(page.height), 1),
        "width_px": round(pt_to_px(page.width, page.dpi)),
        "height_px": round(pt_to_px(page.height, page.dpi)),
        "dpi": page.dpi,
        "bleed_mm": round(pt_to_mm(page.bleed), 1),
        "formats": list(page.formats),
        "path": str(template.path),
    }


def _size(template: Template) -> str:
    row = template_json(template)
    if template.is_print:
        return f"{row['width_mm']:g}×{row['height_mm']:g} mm"
    return f"{row['width_px']}×{row['height_px']} px"


@templates_group.command("list")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True, help="输出格式。"
)
@click.option("--templates", "templates_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help=TEMPLATES_DIR_HELP)  # fmt: skip
def list_command(fmt: str, templates_dir: Path | None) -> None:
    """列出可用的模板（名称、类别、尺寸、默认格式、标题）。"""
    templates = list_templates(templates_dir)
    if fmt == "json":
        click.echo(json.dumps([template_json(t) for t in templates], ensure_ascii=False, indent=2))
        return
    rows = [[t.name, t.kind_zh, _size(t), ",".join(t.page.formats), t.title] for t in templates]
    click.echo(format_table(["名称", "类别", "尺寸", "默认格式", "标题"], rows))
