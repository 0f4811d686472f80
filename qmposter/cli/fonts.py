"""`qmposter fonts list | check`: the bundled fonts, their files and their coverage of a text."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import click

from qmposter.cli.base import QmGroup, cli
from qmposter.errors import FontError, MissingGlyphsError
from qmposter.fonts import ROLE_NAMES_ZH, FontFace, FontInfo, bundled_fonts, load_font, verify_bundled


@cli.group("fonts", cls=QmGroup)
def fonts_group() -> None:
    """字体：列出内置字体，检查文件完整性和文字覆盖（缺字）。"""


@fonts_group.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="输出格式。")
def list_command(fmt: str) -> None:
    """列出内置字体：编号、中文名、类别、字重、字形数与覆盖、许可证。"""
    fonts = bundled_fonts()
    if fmt == "json":
        rows = [_json_row(info) for info in fonts]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    header = ("编号", "中文名", "类别", "字重", "字形", "汉字", "GB2312", "通用规范8105", "许可证")
    rows = [_table_row(info) for info in fonts]
    click.echo(_table([header, *rows]))
    click.echo("\n均为 SIL 开放字体许可（OFL-1.1），可免费商用；许可证全文见 fonts/licenses/。")


def _json_row(info: FontInfo) -> dict[str, object]:
    return {
        "id": info.id, "name_zh": info.name_zh, "family": info.family, "family_zh": info.family_zh,
        "style": info.style, "weight": info.weight, "role": info.role, "role_zh": ROLE_NAMES_ZH.get(info.role, ""),
        "file": info.file, "size": info.size, "glyphs": info.glyphs, "chars": info.chars, "hanzi": info.hanzi,
        "gb2312_hanzi": info.gb2312_hanzi, "tgh8105": info.tgh8105, "licence": info.licence,
        "licence_file": info.licence_file, "upstream": info.upstream, "source": info.source, "sha256": info.sha256,
    }


def _table_row(info: FontInfo) -> tuple[str, ...]:
    return (
        info.id, info.name_zh, ROLE_NAMES_ZH.get(info.role, info.role), str(info.weight), str(info.glyphs),
        str(info.hanzi), f"{info.gb2312_hanzi}/6763", f"{info.tgh8105}/8105", info.licence,
    )


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    return "\n".join(lines)


@fonts_group.command("check")
@click.argument("text", required=False)
@click.option("--font", "font_refs", multiple=True, metavar="ID|PATH",
              help="只查这款字体（内置编号或 .ttf 路径，可重复）；默认查全部内置字体。")
@click.option("--catalogue", "use_catalogue", is_flag=True, help="检查口号库里的全部口号。")
@click.option("--catalogue-dir", type=click.Path(path_type=Path), metavar="DIR",
              help="口号库文件夹；默认用内置的 slogans/。")
def check_command(text: str | None, font_refs: tuple[str, ...], use_catalogue: bool,
                  catalogue_dir: Path | None) -> None:
    """校验内置字体文件（SHA-256 与清单一致、许可证齐全），并检查 TEXT 或口号库在各字体中是否缺字。

    用 --font 指定字体时，缺字即以退出码 2 结束；查全部内置字体时，只有某个字所有字体都没有才算失败。
    """
    problems = verify_bundled()
    if problems:
        raise FontError("内置字体文件有问题：\n" + "\n".join(problems),
                        hint="运行 python scripts/build_fonts.py 重新生成 fonts/，或从仓库重新取出。")
    click.echo(f"内置字体文件校验通过：{len(bundled_fonts())} 款，SHA-256 与 fonts/fonts.toml 一致，许可证齐全。")
    given = [load_font(ref) for ref in font_refs]  # a broken or unusable file fails here, text or not
    for face in given:
        click.echo(f"字体可用：{face.name}（{face.path}），{face.char_count} 个字符。")
    texts = _texts(text, use_catalogue, catalogue_dir)
    if not texts:
        return
    faces = given or [load_font(info.id) for info in bundled_fonts()]
    everywhere = _report(faces, texts)
    if font_refs and any(face.missing("".join(texts.values())) for face in faces):
        raise MissingGlyphsError("所指定的字体缺字，见上表。", hint="换用覆盖这些字的字体，或改写文字。")
    if everywhere:
        raise MissingGlyphsError(f"这些字所有被检查的字体都没有：{''.join(everywhere)}。",
                                 hint="改写文字，或用 --font 给出含这些字的字体文件。")


def _texts(text: str | None, use_catalogue: bool, catalogue_dir: Path | None) -> dict[str, str]:
    """Label -> text to check."""
    texts: dict[str, str] = {}
    if text:
        texts["给定文字"] = text
    if use_catalogue or catalogue_dir is not None:
        texts.update(_catalogue_texts(catalogue_dir))
    return texts


def _catalogue_texts(directory: Path | None) -> dict[str, str]:
    try:
        from qmposter.catalogue.catalogue import load_catalogue
    except ImportError as error:
        raise FontError("口号库模块尚不可用，无法用 --catalogue。", hint="请直接给出要检查的文字。") from error
    catalogue = load_catalogue(directory)
    return {f"口号 {entry.id}": entry.text for entry in catalogue.entries}


def _report(faces: list[FontFace], texts: dict[str, str]) -> list[str]:
    """Print each font's missing characters (with where they occur); return chars no font has."""
    joined = "".join(texts.values())
    chars = sorted({ch for ch in joined if not ch.isspace()}, key=joined.index)
    click.echo(f"检查 {len(texts)} 段文字，共 {len(chars)} 个不同字符：")
    for face in faces:
        lacking = face.missing(joined)
        if not lacking:
            click.echo(f"  {face.id}（{face.name}）：全部可用")
            continue
        click.echo(f"  {face.id}（{face.name}）：缺 {len(lacking)} 个字符")
        for ch in lacking:
            where = [label for label, value in texts.items() if ch in value]
            shown = "、".join(where[:5]) + (f" 等 {len(where)} 处" if len(where) > 5 else "")
            click.echo(f"    “{ch}” U+{ord(ch):04X}  见于 {shown}")
    return [ch for ch in chars if all(not face.has(ch) for face in faces)]
