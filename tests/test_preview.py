"""Designer previews: a contact sheet of stress-test slogans rendered with a real template."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from PIL import Image

from qmposter.campaign import load_campaign
from qmposter.catalogue.catalogue import load_catalogue
from qmposter.cli import cli
from qmposter.products.preview import Sample, render_sheet, stress_samples
from qmposter.templates import load_template
from qmposter.text import split_phrases


def test_stress_samples_pick_extremes_from_the_catalogue() -> None:
    catalogue = load_catalogue()
    samples = stress_samples(catalogue)
    lengths = [len(e.text) for e in catalogue.current()]
    by_label = {s.label: s for s in samples}
    assert len(by_label["最短口号"].text) == min(lengths)
    assert len(by_label["最长口号"].text) == max(lengths)
    assert len(split_phrases(by_label["三句口号"].text)) >= 3
    assert any(any(ch.isdigit() for ch in s.text) and any(ch.isascii() and ch.isalpha() for ch in s.text)
               for s in samples), "a digits-and-Latin sample comes from preview-samples.toml"


def test_sheet_shows_every_sample_and_marks_what_cannot_be_set(tmp_path: Path) -> None:
    template = load_template("poster-a3-red")
    samples = [Sample("短", "关注民生，重视质量", "t1"), Sample("太长", "质量" * 200, "t2")]
    out = tmp_path / "sheet.png"
    result = render_sheet(template, load_campaign(), samples, out)
    assert result.samples == 2
    assert len(result.failures) == 1 and result.failures[0].startswith("太长")
    with Image.open(out) as sheet:
        sheet = sheet.convert("RGB")
        # the failing cell is drawn in its warning colour, the good one has the poster's red
        colours = {c for _, c in sheet.getcolors(1 << 20)}
    assert (255, 235, 235) in colours


def test_preview_cli_writes_the_sheet(tmp_path: Path) -> None:
    out = tmp_path / "p.png"
    result = CliRunner().invoke(cli, ["preview", "banner-red-0.9x6m", "-o", str(out)])
    assert result.exit_code == 0, result.output
    with Image.open(out) as sheet:
        assert sheet.width > 400 and sheet.height > 400


def test_preview_unknown_template_is_exit_2(tmp_path: Path) -> None:
    out = tmp_path / "p.png"
    result = CliRunner().invoke(cli, ["preview", "no-such-template", "-o", str(out)])
    assert result.exit_code == 2
    assert "no-such-template" in result.output
    assert not out.exists()
