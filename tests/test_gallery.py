"""The review gallery: offline HTML from a build manifest, escaped, with thumbnails."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from click.testing import CliRunner
from PIL import Image

from qmposter.cli import cli
from qmposter.products.gallery import build_gallery


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.srcs: list[str] = []
        self.hrefs: list[str] = []
        self.scripts: list[str] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "src" in attrs:
            self.srcs.append(attrs["src"])
        if "href" in attrs:
            self.hrefs.append(attrs["href"])
        if tag == "script":
            self.scripts.append(attrs.get("src") or "")

    def handle_data(self, data):
        self.texts.append(data)


def _write_build(out: Path, texts: list[str]) -> None:
    items = []
    for index, text in enumerate(texts):
        for template, size in (("image-square", (1080, 1080)), ("poster-a3-red", (300, 420))):
            path = f"{template}/s{index}.png"
            (out / template).mkdir(parents=True, exist_ok=True)
            Image.new("RGB", size, (200, 16, 46 + index)).save(out / path)
            items.append({"path": path, "slogan_id": f"s{index}", "text": text, "template": template,
                          "format": "png", "unit": "", "width_mm": 381.0, "height_mm": 381.0,
                          "width_px": size[0], "height_px": size[1], "dpi": 72, "sha256": f"{index:02d}{template}"})
        items.append({"path": f"poster-a3-red/s{index}.pdf", "slogan_id": f"s{index}", "text": text,
                      "template": "poster-a3-red", "format": "pdf", "unit": "", "width_mm": 297, "height_mm": 420,
                      "width_px": None, "height_px": None, "dpi": 300, "sha256": "ff"})
    manifest = {"version": "0.1.0", "campaign": {"name": "2010年全省“质量月”活动"}, "items": items,
                "skipped": [{"slogan_id": "s0", "template": "couplet", "reason": "对联只用于两句的口号"}]}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


def test_gallery_lists_every_product_with_thumbnails_and_links(tmp_path: Path) -> None:
    _write_build(tmp_path, ["质量是企业的生命，安全是人民的生命", "关注民生，重视质量"])
    result = build_gallery(tmp_path)
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    parser = _Collector()
    parser.feed(html)
    assert result.cards == 4  # 2 slogans × 2 templates
    assert result.thumbnails == 4
    for src in parser.srcs:
        assert not re.match(r"^(https?:)?//", src), "the gallery must work offline"
        thumb = tmp_path / src
        with Image.open(thumb) as image:
            assert max(image.size) <= 360
    assert "poster-a3-red/s1.pdf" in parser.hrefs and "image-square/s0.png" in parser.hrefs
    assert all(src == "" for src in parser.scripts), "no external scripts"
    text = "".join(parser.texts)
    assert "对联只用于两句的口号" in text
    assert "关注民生，重视质量" in text


def test_gallery_escapes_people_typed_text(tmp_path: Path) -> None:
    _write_build(tmp_path, ['<script>alert("x")</script>&"口号"'])
    build_gallery(tmp_path)
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert '<script>alert("x")' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&quot;口号&quot;" in html


def test_gallery_is_deterministic(tmp_path: Path) -> None:
    _write_build(tmp_path, ["关注民生，重视质量"])
    build_gallery(tmp_path)
    first = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and p.name != "manifest.json"}
    build_gallery(tmp_path)
    second = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and p.name != "manifest.json"}
    assert first == second


def test_page_font_does_not_carry_the_save_time() -> None:
    """fontTools stamps head.modified with the clock on save; a second later the bytes differed."""
    import time

    from qmposter.products.gallery import page_font

    first = page_font("关注民生，重视质量")
    time.sleep(1.1)
    assert page_font("关注民生，重视质量") == first


def test_gallery_without_manifest_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["gallery", str(tmp_path)])
    assert result.exit_code == 2
    assert "manifest.json" in result.output and "qmposter build" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "index.html").exists()


def test_gallery_carries_a_font_for_every_character_it_shows(tmp_path: Path) -> None:
    """Review machines may have no Chinese font: the page brings a subset of the bundled 黑体."""
    from fontTools.ttLib import TTFont

    _write_build(tmp_path, ["质量是企业的生命，安全是人民的生命", "关注民生，重视质量"])
    build_gallery(tmp_path)
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'src:url(".gallery/page-font.ttf")' in html
    cmap = TTFont(tmp_path / ".gallery" / "page-font.ttf").getBestCmap()
    shown = {ch for ch in html if not ch.isspace() and ord(ch) > 0x7F}
    assert shown and not {ch for ch in shown if ord(ch) not in cmap}
    assert (tmp_path / ".gallery" / "page-font.ttf").stat().st_size < 400_000
