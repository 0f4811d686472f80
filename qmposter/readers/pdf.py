"""PDF with a text layer (pdfminer.six): reading order across columns, running heads and page numbers dropped.

A scanned PDF (pages with no text) is refused with a message that says so.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from dataclasses import dataclass

from qmposter.errors import InputError

_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*[/，,]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}(?:\s*/\s*\d{1,4})?)$"
)
_CONTROLS = {i: " " for i in range(32) if chr(i) not in "\n"}  # unmapped glyphs (a typeset tab) come out as \x00
_EDGE = 0.08  # the top and bottom 8 % of a page hold running heads and footers


@dataclass(frozen=True)
class _Line:
    """One text line of a PDF page, with where it sits and its type size."""

    text: str
    edge: bool  # in the top or bottom margin band, where running heads and page numbers sit
    x0: float
    x1: float
    size: float


def pdf_text(data: bytes, where: str) -> str:
    """The text of a PDF, page after page; lines a paragraph was typeset over are joined again."""
    pages = _pages(data, where)
    if not any(page for page in pages):
        raise InputError(
            f"{where} 是没有文字层的 PDF（多半是扫描件或图片），读不出文字。",
            hint="请找到通知的文字版（网页、Word 或可复制文字的 PDF），或先用 OCR 软件识别成文字。",
        )
    repeated = _running_heads(pages)
    body = [[ln for ln in page if not (ln.edge and (_PAGE_NUMBER.match(ln.text) or _key(ln.text) in repeated))]
            for page in pages]  # fmt: skip
    lines = [ln for page in body for ln in page]
    if not lines:
        return ""
    left, right = min(ln.x0 for ln in lines), max(ln.x1 for ln in lines)
    out: list[str] = []
    paragraph: list[str] = []
    for i, line in enumerate(lines):
        paragraph.append(line.text)
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        full = line.x1 >= right - 1.5 * line.size
        if not (full and nxt is not None and nxt.x0 <= left + 0.5 * nxt.size):
            out.append("".join(paragraph))
            paragraph = []
    return "\n".join(out)


def _indent(raw: str) -> float:
    """Leading blanks in character widths: an ideographic space is one, an ASCII space half."""
    blanks = raw[: len(raw) - len(raw.lstrip())]
    return sum(1 if ch == "\u3000" else 0.5 for ch in blanks)


def _key(line: str) -> str:
    return re.sub(r"\d+", "#", line.replace(" ", ""))


def _running_heads(pages: list[list[_Line]]) -> set[str]:
    """Edge lines that recur on at least half of the pages (and on two or more)."""
    counts = Counter(k for page in pages for k in {_key(ln.text) for ln in page if ln.edge})
    return {k for k, n in counts.items() if n >= 2 and n * 2 >= len(pages)}


def _pages(data: bytes, where: str) -> list[list[_Line]]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextContainer, LTTextLine

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # its warnings about damaged streams are not for users
    pages: list[list[_Line]] = []
    try:
        for layout in extract_pages(io.BytesIO(data), laparams=LAParams(line_margin=0.3)):
            height = layout.height or 1
            page: list[_Line] = []
            for box in layout:
                if not isinstance(box, LTTextContainer):
                    continue
                for line in box:
                    if not isinstance(line, LTTextLine):
                        continue
                    raw = line.get_text().translate(_CONTROLS).rstrip()
                    text = raw.strip()
                    if text:
                        edge = line.y1 > height * (1 - _EDGE) or line.y0 < height * _EDGE
                        size = line.height or 1
                        x0 = line.x0 + _indent(raw) * size  # an indent typed as spaces counts like a margin
                        page.append(_Line(text, edge, x0, line.x1, size))
            pages.append(page)
    # pdfminer on untrusted bytes raises many kinds of errors for a damaged file (PSException,
    # AssertionError for a bad octal escape, zlib.error, TypeError …): all of them mean bad input.
    except Exception as error:
        raise InputError(
            f"{where} 不是可读的 PDF 文件（{type(error).__name__}）。", hint="请重新下载或另存这份 PDF 后再试。"
        ) from None
    return pages
