"""Test helper: a real .docx notice, written with python-docx from a notice's text."""

from __future__ import annotations

from pathlib import Path


def notice_docx(text_file: Path, target: Path) -> Path:
    """One paragraph per line of the notice, the title centred and bold, as an office would type it."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document()
    lines = text_file.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        paragraph = document.add_paragraph()
        run = paragraph.add_run(line.strip())
        if number < 3 and line.strip():
            run.bold = True
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.core_properties.created = None
    document.save(str(target))
    return target
