"""Word .docx: body paragraphs, tables (a slogan list is often one) and text boxes, in document order.

Headers and footers live in other parts of the package, so running heads never reach the text.
"""

from __future__ import annotations

import io

from qmposter.errors import InputError

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def docx_text(data: bytes, where: str) -> str:
    """The text of a .docx: one line per paragraph, a table row as its cells joined by tabs."""
    import docx  # python-docx; imported on first use

    try:
        document = docx.Document(io.BytesIO(data))
    # python-docx on untrusted bytes: a damaged package surfaces as whatever zipfile or lxml raise
    # (BadZipFile, NotImplementedError for an odd zip version, XMLSyntaxError, KeyError …): all bad input.
    except Exception:
        raise InputError(
            f"{where} 不是可读的 Word（.docx）文件（已损坏，或只是改了扩展名）。",
            hint="请在 Word/WPS 中打开它，另存为 .docx 后再试。",
        ) from None
    lines: list[str] = []
    _walk(document.element.body, lines)
    return "\n".join(lines)


def _walk(element, lines: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag == f"{_W}p":
            lines.append(_paragraph(child))
            for box in child.iter(f"{_W}txbxContent"):
                if not _in_fallback(box, child):
                    _walk(box, lines)
        elif tag == f"{_W}tbl":
            for row in child.iter(f"{_W}tr"):
                cells = [" ".join(_paragraph(p) for p in cell.iter(f"{_W}p")).strip() for cell in row.iter(f"{_W}tc")]
                lines.append("\t".join(c for c in cells if c))
        elif tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                _walk(content, lines)


def _in_fallback(node, stop) -> bool:
    """A text box is stored twice (DrawingML and a VML fallback); read only the first."""
    parent = node.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == _MC_FALLBACK:
            return True
        parent = parent.getparent()
    return False


def _inside_box(node, p) -> bool:
    """Is the node in a text box anchored in paragraph p (not p itself inside a box)?"""
    parent = node.getparent()
    while parent is not None and parent is not p:
        if parent.tag == f"{_W}txbxContent":
            return True
        parent = parent.getparent()
    return False


def _paragraph(p) -> str:
    """A paragraph's own text (not that of text boxes anchored in it); tabs and breaks kept."""
    out: list[str] = []
    for node in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}txbxContent"):
        if node.tag == f"{_W}txbxContent":
            continue
        if _inside_box(node, p):
            continue
        if node.tag == f"{_W}t":
            out.append(node.text or "")
        elif node.tag == f"{_W}tab":
            out.append("\t")
        else:
            out.append("\n")
    return "".join(out)
