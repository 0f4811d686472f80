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


def test_campaign_saved_with_a_bom_is_read(tmp_path: Path):
    """Windows Notepad saves UTF-8 with a BOM; tomllib alone rejects it at line 1."""
    campaign = tmp_path / "campaign.toml"
    campaign.write_bytes(b"\xef\xbb\xbf" + (Path(__file__).parents[1] / "campaigns" / "default.toml").read_bytes())
    out = tmp_path / "led.png"
    result = run("render", "led-red-384x32", "--slogan", "2010-05", "-o", str(out), "--campaign", str(campaign))
    assert result.exit_code == 0, result.output
    assert out.is_file()


def test_malformed_campaign_and_template_name_line_and_column_in_chinese(tmp_path: Path):
    campaign = tmp_path / "campaign.toml"
    campaign.write_text("year = 2010\ntheme = = 1\n", encoding="utf-8")
    result = run("sms", "--campaign", str(campaign))
    assert result.exit_code == 2, result.output
    assert "第 2 行第 9 列 TOML 格式有误" in result.output and "提示：" in result.output
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "mine.toml").write_text('title = "未完\n', encoding="utf-8")
    result = run("templates", "list", "--templates", str(templates))
    assert result.exit_code == 2, result.output
    assert "mine.toml 第 1 行" in result.output and "TOML 格式有误" in result.output


def test_output_under_a_file_is_explained_in_chinese(tmp_path: Path):
    """OSError.strerror is English ("File exists", "Is a directory"); the user reads Chinese."""
    blocker = tmp_path / "afile"
    blocker.write_text("x", encoding="utf-8")
    cases = {
        "render": ("render", "led-red-384x32", "--text", "质量第一", "-o", str(blocker / "r.png")),
        "sms": ("sms", "-o", str(blocker / "s.csv")),
        "build": ("build", "--template", "led-red-384x32", "--out", str(blocker / "out")),
        "slogans list": ("slogans", "list", "--format", "csv", "-o", str(blocker / "l.csv")),
    }
    for name, args in cases.items():
        result = run(*args)
        assert result.exit_code == 2, (name, result.output)
        assert "路径中有一段是" in result.output and "不是文件夹" in result.output, (name, result.output)
        assert "File exists" not in result.output and "Not a directory" not in result.output
        assert ".tmp" not in result.output, (name, result.output)  # names the target, not the temp file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


def test_a_folder_given_as_campaign_file_is_explained_in_chinese(tmp_path: Path):
    result = run("preview", "led-red-384x32", "--campaign", str(tmp_path), "-o", str(tmp_path / "p.png"))
    assert result.exit_code == 2, result.output
    assert "这是一个文件夹，不是文件" in result.output
    assert not (tmp_path / "p.png").exists()


def test_preview_with_a_missing_templates_folder_is_refused(tmp_path: Path):
    """It used to fall back to the bundled templates silently."""
    out = tmp_path / "p.png"
    result = run("preview", "led-red-384x32", "--templates", str(tmp_path / "nope"), "-o", str(out))
    assert result.exit_code == 2, result.output
    assert "模板文件夹" in result.output and "nope" in result.output
    assert not out.exists()


def test_render_output_without_or_with_an_unknown_suffix(tmp_path: Path):
    bare = tmp_path / "poster"
    result = run("render", "led-red-384x32", "--text", "质量第一", "-o", str(bare))
    assert result.exit_code == 2, result.output
    assert "没有扩展名" in result.output and "poster.png" in result.output
    tiff = tmp_path / "poster.tiff"
    result = run("render", "led-red-384x32", "--text", "质量第一", "-o", str(tiff))
    assert result.exit_code == 2, result.output
    assert "「tiff」" in result.output and ".png" in result.output
    assert not bare.exists() and not tiff.exists()


def test_gallery_given_a_file_says_it_is_a_file(tmp_path: Path):
    manifest = tmp_path / "manifest.json"
    manifest.write_text("{}", encoding="utf-8")
    result = run("gallery", str(manifest))
    assert result.exit_code == 2, result.output
    assert "是一个文件，不是文件夹" in result.output and "Traceback" not in result.output


def test_a_bitmap_too_big_for_memory_is_refused_at_once(tmp_path: Path):
    """A2 at 2400 dpi is 2.2 billion pixels: it used to run for minutes towards 6 GB of memory."""
    out = tmp_path / "huge.png"
    result = run("render", "poster-a2-red", "--text", "质量第一", "-o", str(out), "--dpi", "2400")
    assert result.exit_code == 2, result.output
    assert "39685×56126 像素" in result.output and "PDF" in result.output
    highest = int(result.output.split("--dpi 降到 ")[1].split(" ")[0])
    assert 800 < highest < 900
    assert not out.exists()
