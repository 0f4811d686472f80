"""Independent OCR read-back of raster outputs: does the picture say what it should?

RapidOCR (PP-OCR models run by onnxruntime; the Chinese models ship inside the
`rapidocr_onnxruntime` wheel, nothing is downloaded) reads a PNG/JPEG/BMP. The recall of
a file is the longest common subsequence of the expected text and what the OCR read, over
the expected text's length, counting Han characters, letters and digits only (punctuation
and the gaps a banner makes of commas are layout, not content). The OCR lines are joined in
reading order both row by row and column by column (right to left), and the better counts.

Up to three readings, the best counting, each only when the previous one falls short:
the whole picture (reduced to 2400 px at most); again at 1280 px (detection is sensitive to
the text's pixel size: a 5 m banner's spread characters split into pieces at one scale and not
at another); and, given the page's display list, every run's characters cut out of the picture
and set close as one horizontal line for the recogniser alone. That last reading is what reads
vertical text: PP-OCR's recogniser reads horizontal lines only and its detector misses tight
columns of large characters (a 竖幅's two columns read as nothing). The cells' places come from
the layout, the pixels from the renderer: a missing, wrong, blurred or clipped character fails.

What a file should say: the slogan; on a couplet strip its half of the couplet, on the 横批
strip the 横批 (both from qmposter.couplet, the same rules the templates follow).

Run over a build:  .venv/bin/python tests/ocr_readback.py OUT_DIR   (lists files under 0.98)
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image

from qmposter.catalogue.dedupe import _lcs_length as lcs  # the catalogue's own LCS, one implementation

RECALL_MIN = 0.98
OCR_FORMATS = ("png", "jpeg", "jpg", "bmp")  # a GIF is the LED strip's animated preview: its PNG is read
SMALL_SIDE = 100  # px: a smaller image (an LED strip) is enlarged with square pixels first
LED_ENLARGE = 8
LINE_PX = 48  # height of a re-tiled vertical line: the recogniser's own input height
MAX_SIDE = 2400  # px: larger images are reduced first (the detector works at ~2000 px anyway)
SECOND_SIDE = 1280  # px: a second, smaller reading when the first falls short (detection is scale-sensitive)


@dataclass(frozen=True)
class Reading:
    """What the OCR read in a file, and how much of the expected text it found."""

    path: Path
    expected: str
    read: str
    recall: float


def content_chars(text: str) -> str:
    """Han characters, letters and digits: what a reader must see."""
    return "".join(re.findall(r"[\u3400-\u9fff\uf900-\ufaffA-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]", text))


@cache
def engine():
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


def prepare(image: Image.Image, max_side: int = MAX_SIDE) -> Image.Image:
    """RGB; a tiny strip enlarged ×8 with square pixels and a dark margin; a huge page reduced."""
    image = image.convert("RGB")
    if min(image.size) < SMALL_SIDE:
        big = image.resize((image.width * LED_ENLARGE, image.height * LED_ENLARGE), Image.Resampling.NEAREST)
        framed = Image.new("RGB", (big.width + 64, big.height + 64), (0, 0, 0))
        framed.paste(big, (32, 32))
        return framed
    if max(image.size) > max_side:
        scale = max_side / max(image.size)
        return image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS)
    return image


def ocr_boxes(image: Image.Image, max_side: int = MAX_SIDE) -> list[tuple[float, float, float, float, str]]:
    """(left, top, right, bottom, text) of every line the OCR found."""
    import numpy as np

    result, _ = engine()(np.asarray(prepare(image, max_side)))
    boxes = []
    for points, text, _score in result or []:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        boxes.append((min(xs), min(ys), max(xs), max(ys), text))
    return boxes


def reading_orders(boxes: list[tuple[float, float, float, float, str]]) -> list[str]:
    """The boxes' text row by row (top to bottom, left to right) and column by column (right to left)."""

    def bands(items, lo, hi, key):
        out: list[list] = []
        for box in sorted(items, key=lambda b: (b[lo] + b[hi]) / 2):
            centre = (box[lo] + box[hi]) / 2
            if out and out[-1][-1][lo] <= centre <= out[-1][-1][hi]:
                out[-1].append(box)
            else:
                out.append([box])
        return [sorted(band, key=key) for band in out]

    rows = bands(boxes, 1, 3, key=lambda b: b[0])
    columns = bands(boxes, 0, 2, key=lambda b: b[1])[::-1]
    return ["".join(b[4] for band in rows for b in band), "".join(b[4] for band in columns for b in band)]


def read_back(image: Image.Image, expected: str, path: Path = Path("-"), *, page=None, dpi: float = 72) -> Reading:
    """OCR `image` (the picture of `page` at `dpi`, when given) and score it against `expected`."""
    want = content_chars(expected)
    orders = [content_chars(text) for text in reading_orders(ocr_boxes(image))]
    if lcs(want, max(orders, key=lambda text: lcs(want, text))) < RECALL_MIN * len(want):
        orders.extend(content_chars(text) for text in reading_orders(ocr_boxes(image, max_side=SECOND_SIDE)))
    if page is not None and lcs(want, max(orders, key=lambda text: lcs(want, text))) < RECALL_MIN * len(want):
        orders.append("".join(content_chars(line_text(line)) for line in run_lines(page, image.convert("RGB"), dpi)))
    best = max(orders, key=lambda text: lcs(want, text))
    return Reading(path, want, best, lcs(want, best) / len(want) if want else 1.0)


def run_lines(page, image: Image.Image, dpi: float) -> list[Image.Image]:
    """Each run of `page` with two or more characters as one tight horizontal line of their cells
    (a vertical column turned into a line; a banner's spread characters set close)."""
    from qmposter.fonts import load_font
    from qmposter.layout.page import GlyphRun

    scale = dpi / 72
    lines = []
    for run in (item for item in page.items if isinstance(item, GlyphRun)):
        glyphs = [g for g in run.glyphs if g.visible and not g.char.isspace()]
        if len(glyphs) < 2:
            continue
        face, size = load_font(run.font_id), run.size * scale
        top, bottom = face.ideo_top + 0.03, face.ideo_bottom - 0.03
        cells = [
            image.crop((round(g.x * scale - 0.03 * size), round(g.y * scale - top * size),
                        round(g.x * scale + (face.advance(g.char) + 0.03) * size), round(g.y * scale - bottom * size)))
            for g in glyphs
        ]  # fmt: skip
        line = Image.new("RGB", (sum(c.width for c in cells), max(c.height for c in cells)))
        x = 0
        for cell in cells:
            line.paste(cell, (x, 0))
            x += cell.width
        lines.append(line.resize((max(1, round(line.width * LINE_PX / line.height)), LINE_PX), Image.LANCZOS))
    return lines


def line_text(line: Image.Image) -> str:
    """The text of a one-line image (recogniser only: the line is already found)."""
    import numpy as np

    result, _ = engine()(np.asarray(line), use_det=False, use_cls=False, use_rec=True)
    return "".join(text for text, _score in result or [])


def expected_text(template, slogan: str, theme: str) -> str:
    """What an output of `template` for `slogan` should say (see the module docstring)."""
    from qmposter.couplet import couplet, hengpi
    from qmposter.text import split_phrases

    half = next((e.couplet for e in template.elements if e.type == "slogan" and e.couplet), None)
    if half is not None:
        return getattr(couplet(split_phrases(slogan)), half)
    if not any(e.type == "slogan" for e in template.elements):
        return hengpi(theme, template.hengpi)
    return slogan


def build_readings(out: Path) -> list[Reading]:
    """Read back every raster file of a build folder (its manifest.json says what each shows)."""
    from qmposter.campaign import load_campaign
    from qmposter.content import Content
    from qmposter.layout.engine import layout_page
    from qmposter.templates import load_template

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    campaign = load_campaign(None)
    readings = []
    for item in manifest["items"]:
        if item["format"] not in OCR_FORMATS:
            continue
        template = load_template(item["template"])
        expected = expected_text(template, item["text"], campaign.theme)
        # the same layout again (deterministic) for the cells of vertical text; not for a unit's own fields
        page = None if item.get("unit") else layout_page(template, Content.from_campaign(campaign, item["text"]))
        with Image.open(out / item["path"]) as image:
            readings.append(read_back(image, expected, Path(item["path"]), page=page, dpi=item["dpi"] or 72))
    return readings


def main(argv: list[str]) -> int:
    readings = build_readings(Path(argv[0]))
    low = [r for r in readings if r.recall < RECALL_MIN]
    for r in low:
        print(f"{r.recall:.3f}  {r.path}\n       期望 {r.expected}\n       读出 {r.read}")
    mean = sum(r.recall for r in readings) / max(len(readings), 1)
    print(f"{len(readings)} 个位图，平均召回率 {mean:.4f}，{len(low)} 个低于 {RECALL_MIN}")
    return 1 if low else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
