"""Bad and odd input a real user gives the CLI: a Chinese message, exit code 2, no traceback, no stray file."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from PIL import Image

from qmposter.cli import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_render_dpi_nan_is_refused(tmp_path: Path):
    out = tmp_path / "x.png"
    result = run("render", "led-red-384x32", "--text", "质量第一", "-o", str(out), "--dpi", "nan")
    assert result.exit_code == 2, result.output
    assert "dpi" in result.output and "无效" in result.output
    assert not out.exists()


def test_render_at_1_dpi_skips_sub_pixel_text(tmp_path: Path):
    """A2 at 1 dpi: text under half a pixel used to crash FreeType ("invalid ppem value")."""
    out = tmp_path / "tiny.png"
    result = run("render", "poster-a2-red", "--text", "质量第一", "-o", str(out), "--dpi", "1")
    assert result.exit_code == 0, result.output
    with Image.open(out) as image:
        assert image.size == (17, 23)  # 420 × 594 mm at 1 dpi: 16.5 → 17, 23.4 → 23


def test_preview_refuses_a_non_png_output(tmp_path: Path):
    """-o x.pdf used to get PNG bytes under a .pdf name."""
    for name in ("sheet.pdf", "sheet"):
        out = tmp_path / name
        result = run("preview", "led-red-384x32", "-o", str(out))
        assert result.exit_code == 2, result.output
        assert ".png" in result.output
        assert not out.exists()
