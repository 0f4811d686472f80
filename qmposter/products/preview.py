"""Contact sheets for designers: one template set with stress-test slogans.

A designer tuning a template wants to see at once how it holds the shortest and the
longest slogan, one of three phrases, and text with digits and Latin. The samples are
picked from the catalogue by those rules, plus the texts in campaigns/preview-samples.toml.
A sample that cannot be set is shown as a red cell saying why, not hidden: that is
exactly what the designer needs to see.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from qmposter import toml_errors
from qmposter.campaign import Campaign
from qmposter.catalogue.catalogue import Catalogue
from qmposter.content import Content
from qmposter.errors import InputError, QmposterError
from qmposter.fileio import atomic_write_bytes
from qmposter.fonts import font_for_role
from qmposter.layout.engine import layout_page
from qmposter.render.raster import render_image
from qmposter.resources import bundled_dir
from qmposter.templates import Template
from qmposter.text import split_phrases

CELL_PX = 480  # the longer side of one sample's picture on the sheet
LABEL_PX = 64
GAP_PX = 16
SHEET_BACKGROUND = (236, 236, 232)


@dataclass(frozen=True)
class Sample:
    """One sample slogan of the preview sheet: its label, text and catalogue ref."""

    label: str
    text: str
    ref: str


@dataclass(frozen=True)
class SheetResult:
    """The preview sheet written, how many samples it shows, and the ones that could not be set."""

    path: Path
    samples: int
    failures: tuple[str, ...]  # "label：reason" for each sample that could not be set


def samples_file() -> Path:
    return bundled_dir("campaigns") / "preview-samples.toml"


def stress_samples(catalogue: Catalogue, extra_file: Path | None = None) -> list[Sample]:
    """Shortest, longest and a three-phrase current slogan, then the file's samples."""
    current = catalogue.current()
    picks: list[Sample] = []
    if current:
        by_length = sorted(current, key=lambda e: (len(e.text), e.id))
        picks.append(_from_entry("最短口号", by_length[0]))
        picks.append(_from_entry("最长口号", by_length[-1]))
        three = [e for e in current if len(split_phrases(e.text)) >= 3]
        if three:
            picks.append(_from_entry("三句口号", three[0]))
    picks.extend(_file_samples(extra_file or samples_file()))
    return picks


def _from_entry(label: str, entry) -> Sample:
    ref = entry.aliases[0] if entry.aliases else entry.id
    return Sample(label=label, text=entry.text, ref=ref)


def _file_samples(path: Path) -> list[Sample]:
    if not path.is_file():
        return []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"预览样例文件 {path} 不是 UTF-8 编码的文本。") from error
    data = toml_errors.loads(text, f"预览样例文件 {path}", InputError)
    samples = []
    for index, item in enumerate(data.get("sample", []), start=1):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str) or not item["text"].strip():
            raise InputError(f"预览样例文件 {path} 的第 {index} 个 [[sample]] 缺少 text（文字）")
        samples.append(Sample(label=str(item.get("label", f"样例{index}")), text=item["text"], ref=f"样例{index}"))
    return samples


def render_sheet(template: Template, campaign: Campaign, samples: list[Sample], out: Path) -> SheetResult:
    """Render every sample with `template` and write one PNG contact sheet to `out`."""
    if Path(out).suffix.lower() != ".png":
        raise InputError(f"联系表 {out} 的扩展名应为 .png：预览只输出 PNG 图片。", hint="例如 -o 预览.png。")
    cells: list[tuple[Sample, Image.Image | None, str | None]] = []
    for sample in samples:
        content = Content.from_campaign(campaign, sample.text, sample.ref)
        try:
            page = layout_page(template, content)
            picture = render_image(page, _cell_dpi(page.width, page.height))
            cells.append((sample, picture, None))
        except QmposterError as error:
            cells.append((sample, None, str(error)))
    sheet = _compose(template, cells)
    buffer = BytesIO()
    sheet.save(buffer, "PNG")
    atomic_write_bytes(out, buffer.getvalue())
    failures = tuple(f"{s.label}：{reason}" for s, _, reason in cells if reason)
    return SheetResult(path=out, samples=len(cells), failures=failures)


def _cell_dpi(width_pt: float, height_pt: float) -> float:
    return CELL_PX * 72.0 / max(width_pt, height_pt)


def _compose(template: Template, cells: list[tuple[Sample, Image.Image | None, str | None]]) -> Image.Image:
    landscape = template.page.width >= template.page.height * 1.6
    columns = 1 if landscape else min(3, len(cells)) or 1
    rows = (len(cells) + columns - 1) // columns
    cell_w = max((img.width for _, img, _ in cells if img), default=CELL_PX)
    cell_h = max((img.height for _, img, _ in cells if img), default=CELL_PX)
    header = LABEL_PX
    width = GAP_PX + columns * (cell_w + GAP_PX)
    height = header + GAP_PX + rows * (cell_h + LABEL_PX + GAP_PX)
    sheet = Image.new("RGB", (width, height), SHEET_BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    title_font, label_font = _label_fonts()
    draw.text((GAP_PX, GAP_PX), f"{template.title or template.name}（{template.name}）", fill=(40, 40, 40),
              font=title_font)
    for index, (sample, picture, reason) in enumerate(cells):
        x = GAP_PX + (index % columns) * (cell_w + GAP_PX)
        y = header + GAP_PX + (index // columns) * (cell_h + LABEL_PX + GAP_PX)
        if picture is not None:
            sheet.paste(picture, (x, y))
        else:
            draw.rectangle((x, y, x + cell_w - 1, y + cell_h - 1), fill=(255, 235, 235), outline=(200, 16, 46))
            draw.multiline_text((x + 12, y + 12), _wrap(f"排不下：{reason}", 24), fill=(160, 0, 0), font=label_font)
        draw.text((x, y + cell_h + 8), f"{sample.label} · {sample.ref}", fill=(60, 60, 60), font=label_font)
        draw.text((x, y + cell_h + 34), _clip(sample.text, label_font, cell_w), fill=(100, 100, 100), font=label_font)
    return sheet


def _label_fonts() -> tuple[ImageFont.FreeTypeFont, ImageFont.FreeTypeFont]:
    path = str(font_for_role("heiti", 400).path)
    return ImageFont.truetype(path, 28), ImageFont.truetype(path, 18)


def _wrap(text: str, width: int) -> str:
    return "\n".join(text[i : i + width] for i in range(0, len(text), width))


def _clip(text: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    """The longest prefix of `text` (with "…") that fits `width` pixels: labels never run into the next cell."""
    if font.getlength(text) <= width:
        return text
    while text and font.getlength(text + "…") > width:
        text = text[:-1]
    return text + "…"
