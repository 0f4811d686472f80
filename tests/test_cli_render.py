"""`qmposter render`, `templates list` and `init` end to end through the real CLI and backends."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from qmposter.cli import cli

MM = 72 / 25.4


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize("suffix", ["png", "jpg", "pdf", "svg"])
def test_render_poster_every_format(tmp_path, suffix):
    out = tmp_path / f"poster.{suffix}"
    result = run("render", "poster-a3-red", "--slogan", "2010-04", "-o", str(out), "--dpi", "30")
    assert result.exit_code == 0, result.output
    assert "已写出" in result.output and out.is_file()
    data = out.read_bytes()
    if suffix in ("png", "jpg"):
        with Image.open(out) as image:
            # A3 at 30 dpi: 297 mm = 350.8 px, 420 mm = 496.1 px
            assert image.size == (351, 496) and image.format == {"png": "PNG", "jpg": "JPEG"}[suffix]
    elif suffix == "pdf":
        from pypdf import PdfReader

        assert data.startswith(b"%PDF")
        reader = PdfReader(out)
        text = reader.pages[0].extract_text().replace("\n", "").replace(" ", "")
        assert "全员全过程全方位参与" in text and "全面提高质量安全水平" in text
        trim = reader.pages[0].trimbox
        assert float(trim.width) == pytest.approx(297 * MM, abs=0.1)
    else:
        root = ET.fromstring(data)
        assert root.tag.endswith("svg")


def test_render_banner_with_text_and_campaign(tmp_path):
    campaign = tmp_path / "campaign.toml"
    campaign.write_text('year = 2021\nissuers = ["南京市市场监督管理局"]\n', encoding="utf-8")
    out = tmp_path / "banner.png"
    result = run(
        "render", "banner-red-0.9x6m", "--text", "质量第一，安全至上", "-o", str(out),
        "--dpi", "5", "--campaign", str(campaign),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with Image.open(out) as image:
        assert image.size == (1181, 177)  # 6 m × 0.9 m at 5 dpi


def test_render_template_by_path(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "square.toml").write_text(
        'title = "方图"\nkind = "image"\n[page]\nwidth = "1080px"\nheight = "1080px"\ndpi = 72\n'
        '[background]\ncolor = "#c8102e"\n[[element]]\ntype = "slogan"\nx = "10%"\ny = "30%"\n'
        'width = "80%"\nheight = "40%"\ncolor = "#ffffff"\n',
        encoding="utf-8",
    )
    out = tmp_path / "square.png"
    assert run("render", str(folder / "square.toml"), "--slogan", "2010-12", "-o", str(out)).exit_code == 0
    with Image.open(out) as image:
        assert image.size == (1080, 1080)  # px at the template's own dpi


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--slogan", "2099-99"], "2099-99"),  # unknown slogan
        (["--text", "质量𠀀第一"], "𠀀"),  # a character no bundled font has
        ([], "--slogan"),  # neither --slogan nor --text
        (["--slogan", "2010-04", "--text", "x"], "--slogan"),  # both
    ],
)
def test_render_errors_exit_2_and_write_nothing(tmp_path, args, needle):
    out = tmp_path / "x.png"
    result = run("render", "poster-a3-red", *args, "-o", str(out))
    assert result.exit_code == 2
    assert needle in result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_overlong_banner_text_exits_2(tmp_path):
    out = tmp_path / "x.pdf"
    result = run("render", "banner-red-0.9x6m", "--text", "质量" * 100, "-o", str(out))
    assert result.exit_code == 2 and "banner-red-0.9x6m" in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_unknown_suffix_and_unknown_template(tmp_path):
    result = run("render", "poster-a3-red", "--slogan", "2010-04", "-o", str(tmp_path / "x.gif"))
    assert result.exit_code == 2 and ".png" in result.output
    result = run("render", "poster-a4-purple", "--slogan", "2010-04", "-o", str(tmp_path / "x.png"))
    assert result.exit_code == 2 and "poster-a4-purple" in result.output and "poster-a3-red" in result.output
    assert list(tmp_path.iterdir()) == []


def test_bad_template_file_exits_2(tmp_path):
    (tmp_path / "bad.toml").write_text('title = "坏"\nkind = "poster"\n[page]\nsize = "A3"\ncolour = "x"\n', "utf-8")
    result = run("render", "bad", "--templates", str(tmp_path), "--text", "质量", "-o", str(tmp_path / "x.png"))
    assert result.exit_code == 2 and "page.colour" in result.output and "bad.toml" in result.output
    assert not (tmp_path / "x.png").exists()


def test_templates_list():
    table = run("templates", "list")
    assert table.exit_code == 0
    assert "poster-a3-red" in table.output and "297×420 mm" in table.output and "横幅" in table.output
    listed = json.loads(run("templates", "list", "--format", "json").output)
    banner = next(t for t in listed if t["name"] == "banner-red-0.9x6m")
    assert (banner["width_mm"], banner["height_mm"], banner["kind"]) == (6000, 900, "banner")
    assert all(t["name"] != "leaflet-a4" for t in listed)


def test_init_writes_refuses_and_forces(tmp_path):
    target = tmp_path / "new" / "campaign.toml"
    first = run("init", str(tmp_path / "new"))
    assert first.exit_code == 0 and target.is_file()
    text = target.read_text("utf-8")
    assert text.startswith("#") and "hotline" in text and "【必改】" in text and "江苏" not in text
    target.write_text("year = 2030\n", "utf-8")
    second = run("init", str(tmp_path / "new"))
    assert second.exit_code == 2 and "--force" in second.output
    assert target.read_text("utf-8") == "year = 2030\n"  # untouched
    assert run("init", str(tmp_path / "new"), "--force").exit_code == 0
    assert target.read_text("utf-8") == text
    assert sorted(p.name for p in target.parent.iterdir()) == ["campaign.toml"]  # no temporary files left


def test_init_defaults_to_the_current_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("init").exit_code == 0
    assert Path(tmp_path / "campaign.toml").is_file()


def test_same_input_same_bytes(tmp_path):
    for name in ("a", "b"):
        assert run("render", "poster-a3-red", "--slogan", "2010-05", "-o", str(tmp_path / f"{name}.pdf")).exit_code == 0
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
