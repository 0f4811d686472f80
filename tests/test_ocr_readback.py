"""Independent check (issue 10): an OCR reads every raster output back (tests/ocr_readback.py).

- every LED strip, enlarged ×8, reads as its slogan exactly: no character substituted, none lost;
- a sample — every template × {shortest, longest, three-phrase, slogan = theme} — reads each
  slogan (a couplet strip its half, the 横批 its four characters) with recall ≥ 0.98 per file;
- the whole default build, every PNG/JPEG/BMP, the same (slow: minutes; skipped by default).
  Run it with:  .venv/bin/python -m pytest -m slow tests/test_ocr_readback.py

Print templates are drawn at 72 dpi for the sample (a slogan's characters are still 50–200 px
high there; the files of the slow test are the real 300 dpi ones).
"""

from __future__ import annotations

import io
from functools import cache

import pytest
from click.testing import CliRunner
from ocr_readback import RECALL_MIN, build_readings, expected_text, read_back
from PIL import Image

from qmposter.campaign import load_campaign
from qmposter.catalogue.catalogue import load_catalogue
from qmposter.cli import cli
from qmposter.content import Content
from qmposter.layout.engine import TemplateNotApplicable, layout_page
from qmposter.products.preview import stress_samples
from qmposter.render.output import render_bytes
from qmposter.templates import load_template, template_names
from qmposter.text import canonical

SAMPLE_PRINT_DPI = 72
LONG = "坚持质量第一，保障质量安全，促进科学发展，全面提高质量安全水平"


@cache
def campaign():
    return load_campaign(None)


@cache
def samples() -> tuple[str, ...]:
    """Shortest, longest, three-phrase (the preview's stress samples), and slogan = theme."""
    catalogue = load_catalogue()
    texts = [s.text for s in stress_samples(catalogue, extra_file=None)[:3]]
    theme = [e.text for e in catalogue.current() if canonical(e.text) == canonical(campaign().theme)]
    return (*texts, *theme[:1])


def test_every_led_strip_enlarged_reads_as_its_slogan_exactly() -> None:
    template = load_template("led-red-384x32")
    texts = [e.text for e in load_catalogue(None).entries] + [LONG]
    for text in texts:
        page = layout_page(template, Content.from_campaign(campaign(), text))
        image = Image.open(io.BytesIO(render_bytes(page, "png", dpi=template.page.dpi)))
        reading = read_back(image, text)  # no display list: the picture alone
        assert reading.read == reading.expected, f"LED “{text}” read as “{reading.read}”"


@pytest.mark.parametrize("name", template_names())
def test_sample_reads_back(name: str) -> None:
    template = load_template(name)
    dpi = template.page.dpi if template.kind in ("image", "led") else min(template.page.dpi, SAMPLE_PRINT_DPI)
    read = 0
    for text in samples():
        try:
            page = layout_page(template, Content.from_campaign(campaign(), text))
        except TemplateNotApplicable:
            continue  # a couplet template and a slogan that is no couplet: tests/test_couplet.py
        image = Image.open(io.BytesIO(render_bytes(page, "png", dpi=dpi)))
        reading = read_back(image, expected_text(template, text, campaign().theme), page=page, dpi=dpi)
        assert reading.recall >= RECALL_MIN, f"{name} “{text}”: recall {reading.recall:.3f}, read “{reading.read}”"
        read += 1
    assert read >= 1


@pytest.mark.slow
def test_whole_default_build_reads_back(tmp_path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", "--out", str(out)])
    assert result.exit_code == 0, result.output
    readings = build_readings(out)
    assert len(readings) >= 100
    low = [f"{r.path}: {r.recall:.3f} “{r.read}”" for r in readings if r.recall < RECALL_MIN]
    assert not low, "\n".join(low)
