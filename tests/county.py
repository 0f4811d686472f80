"""A county user's journey, shared by the journey tests: run qmposter as they would, read back every output.

Outputs are read with independent tools: poppler's pdftotext and pypdf for PDFs, the
SVG's own <title>/aria-label text, the manifest's JSON and the SMS CSV as text.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pypdf
from click.testing import CliRunner, Result

from qmposter.campaign import load_campaign
from qmposter.cli import cli

NOTICE = Path(__file__).parent / "county" / "2026-national-notice.txt"
COUNTY = "青山县市场监督管理局"
THEME = "提升质量水平，赋能新质生产力"
SELECTED = (
    "提升质量水平，赋能新质生产力",
    "坚持质量第一，建设质量强国",
    "人人关注质量，人人创造质量，人人享受质量",
    "质量缔造品牌，品牌提升效益",  # 2010 Jiangsu, verbatim
    "降废减损提质，节能降碳增效",  # re-worded from 2009/2010 “节能降耗增效”
    "以标准提升引领质量升级",
    "强化质量安全监管，守护美好生活",
    "弘扬工匠精神，打造中国精品",
)
JIANGSU_ISSUERS = load_campaign().issuers  # the bundled example's 落款 (tests/test_campaign.py lists them)
FORBIDDEN = ("江苏", "2010", "二〇一〇", "12365", "质监", *JIANGSU_ISSUERS)
_HEX = re.compile(r"\bs?[0-9a-f]{8,64}\b")  # IDs and digests may contain “2010” by chance
_NOT_TEXT = re.compile(r"[\s\u3000，。、；：！？,.;:!?“”\"'（）()·]")


def qm(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def flat(text: str) -> str:
    """Text without spaces or punctuation: PDF extraction breaks lines and spaces glyphs apart."""
    return _NOT_TEXT.sub("", text)


def pdf_text(path: Path) -> str:
    """pdftotext's text plus pypdf's text and document metadata."""
    poppler = subprocess.run(
        [shutil.which("pdftotext") or "pdftotext", "-q", str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    reader = pypdf.PdfReader(path)
    meta = " ".join(str(v) for v in (reader.metadata or {}).values())
    return "\n".join([poppler, meta, *(page.extract_text() for page in reader.pages)])


def svg_text(path: Path) -> str:
    """The words an SVG carries (text is outlined: they live in <title> and aria-label)."""
    source = path.read_text("utf-8")
    titles = re.findall(r"<title>(.*?)</title>", source, re.DOTALL)
    labels = re.findall(r'aria-label="([^"]*)"', source)
    return "\n".join(titles + labels)


def manifest_text(path: Path) -> str:
    return _HEX.sub("", json.dumps(json.loads(path.read_text("utf-8")), ensure_ascii=False))


@dataclass
class Kit:
    """Every readable output of one journey: name → extracted text."""

    texts: dict[str, str]

    def forbidden_hits(self, not_selected: list[str]) -> list[str]:
        hits = []
        for name, text in self.texts.items():
            clean = _HEX.sub("", text)
            hits += [f"{name}: {word}" for word in FORBIDDEN if word in clean or word in flat(clean)]
            hits += [f"{name}: {s}" for s in not_selected if flat(s) in flat(clean)]
        return hits


def read_kit(out: Path, extra: list[Path]) -> Kit:
    texts: dict[str, str] = {}
    for path in sorted([*out.rglob("*.pdf"), *extra]):
        if path.suffix == ".pdf":
            texts[str(path)] = pdf_text(path)
    for path in sorted(out.rglob("*.svg")):
        texts[str(path)] = svg_text(path)
    texts[str(out / "manifest.json")] = manifest_text(out / "manifest.json")
    texts[str(out / "manifest.csv")] = _HEX.sub("", (out / "manifest.csv").read_text("utf-8-sig"))
    for path in extra:
        if path.suffix in (".csv", ".txt"):
            texts[str(path)] = _HEX.sub("", path.read_text("utf-8-sig"))
    return Kit(texts)
