"""`qmposter build` end to end: real templates, real renders, real files on disk.

The builds here use small templates written by the tests (a 320×200 px picture, an
80×50 mm print piece, a two-phrase-only strip and a box too small for long slogans) and a
campaign of three slogans of different shapes, so every build takes a second or two.
Expected counts are worked out from those inputs in the comments.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import zxingcpp
from click.testing import CliRunner, Result
from PIL import Image

from qmposter.build.plan import BuildRequest, normalize_formats, output_dpi, plan_build
from qmposter.catalogue.catalogue import load_catalogue
from qmposter.cli import cli
from qmposter.templates import load_template, template_names

REPO = Path(__file__).resolve().parent.parent

# one phrase, two phrases, three phrases
SLOGAN_TEXTS = ("质量诚信是企业的信誉和生命", "关注民生，重视质量", "抓质量，讲诚信，树品牌")
CAMPAIGN_URL = "https://example.org/qm2010"

TEMPLATES = {
    "tiny-image": """
title = "测试小图"
kind = "image"
[page]
width = "320px"
height = "200px"
dpi = 72
formats = ["png"]
[background]
color = "#c8102e"
[[element]]
id = "slogan"
type = "slogan"
x = "12px"
y = "12px"
width = "180px"
height = "120px"
color = "#ffffff"
min_size = "10px"
max_size = "40px"
max_lines = 3
[[element]]
id = "unit"
type = "text"
text = "{unit}"
x = "12px"
y = "140px"
width = "180px"
height = "20px"
color = "#ffffff"
[[element]]
id = "issuer"
type = "text"
text = "{issuer}"
x = "12px"
y = "166px"
width = "180px"
height = "20px"
color = "#ffffff"
[[element]]
id = "qr"
type = "qr"
x = "200px"
y = "40px"
size = "112px"
""",
    "tiny-print": """
title = "测试小海报"
kind = "poster"
[page]
width = "80mm"
height = "50mm"
[background]
color = "#1d4e9e"
[[element]]
id = "slogan"
type = "slogan"
x = "8mm"
y = "8mm"
width = "64mm"
height = "24mm"
color = "#ffffff"
min_size = "8pt"
max_size = "30pt"
max_lines = 3
[[element]]
id = "hotline"
type = "text"
text = "投诉举报电话：{hotline}"
x = "8mm"
y = "36mm"
width = "64mm"
height = "6mm"
color = "#ffffff"
""",
    "pair-strip": """
title = "测试两句条"
kind = "image"
when = "phrases == 2"
skip_reason = "只排两句的口号"
[page]
width = "120px"
height = "200px"
dpi = 72
[background]
color = "#b00000"
[[element]]
id = "first"
type = "slogan"
phrase = 1
x = "10px"
y = "10px"
width = "100px"
height = "80px"
color = "#ffffff"
min_size = "8px"
max_size = "30px"
""",
}

# 20 px characters, at most two lines of 120 px (six characters): 关注民生 / 重视质量 fits;
# 质量诚信是企业的信誉和生命 (13 characters, no comma to break at) cannot.
CRAMPED = """
title = "测试太小的框"
kind = "image"
[page]
width = "140px"
height = "70px"
dpi = 72
[background]
color = "#000000"
[[element]]
id = "slogan"
type = "slogan"
x = "10px"
y = "10px"
width = "120px"
height = "50px"
color = "#ffffff"
size = "20px"
max_lines = 2
"""


def slogan_ids() -> list[str]:
    by_text = {entry.text: entry.id for entry in load_catalogue().entries}
    return [by_text[text] for text in SLOGAN_TEXTS]


def campaign_text(ids: list[str]) -> str:
    listed = ", ".join(f'"{i}"' for i in ids)
    return f"""
year = 2010
name = "2010年测试“质量月”活动"
theme = "测试主题"
issuers = ["测试质量技术监督局", "测试经济和信息化委员会"]
hotline = "12365"
qr_url = "{CAMPAIGN_URL}"
[slogans]
select = "ids"
ids = [{listed}]
"""


@pytest.fixture
def inputs(tmp_path: Path) -> dict[str, Path]:
    return make_inputs(tmp_path)


def make_inputs(tmp_path: Path) -> dict[str, Path]:
    """A templates folder, a campaign file and an output folder under tmp_path."""
    templates = tmp_path / "templates"
    templates.mkdir()
    for name, text in TEMPLATES.items():
        (templates / f"{name}.toml").write_text(text, encoding="utf-8")
    campaign = tmp_path / "campaign.toml"
    campaign.write_text(campaign_text(slogan_ids()), encoding="utf-8")
    return {"templates": templates, "campaign": campaign, "out": tmp_path / "out", "root": tmp_path}


def run(inputs: dict[str, Path], *args: str, out: Path | None = None) -> Result:
    """`qmposter build` on the test inputs (in this process)."""
    base = ["build", "--campaign", str(inputs["campaign"]), "--templates", str(inputs["templates"])]
    base += ["--out", str(out or inputs["out"])]
    return CliRunner().invoke(cli, [*base, *args], catch_exceptions=False)


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def all_files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def mtimes(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}


# -- the manifest ---------------------------------------------------------------------------------


def test_manifest_lists_every_file_with_its_sha256_and_size(inputs: dict[str, Path]) -> None:
    result = run(inputs, "--template", "tiny-image", "--template", "tiny-print", "--jobs", "2")
    assert result.exit_code == 0, result.output
    body = manifest(inputs["out"])
    ids = slogan_ids()
    assert body["version"] and body["campaign"]["name"] == "2010年测试“质量月”活动"
    assert body["skipped"] == [] and body["failed"] == []
    # job order: template (as given) × slogan (campaign order) × format (template order)
    expected = [("tiny-image", i, "png") for i in ids]
    expected += [("tiny-print", i, fmt) for i in ids for fmt in ("pdf", "png")]
    assert [(it["template"], it["slogan_id"], it["format"]) for it in body["items"]] == expected
    for item in body["items"]:
        assert set(item) == {
            "path", "slogan_id", "text", "template", "format", "unit",
            "width_mm", "height_mm", "width_px", "height_px", "dpi", "sha256",
        }  # fmt: skip
        path = inputs["out"] / item["path"]
        assert sha256(path) == item["sha256"]
        assert " " not in item["path"] and item["path"].startswith(f"{item['template']}/")
        assert item["path"].endswith(f"_{item['slogan_id']}.{item['format']}")
        assert item["unit"] is None
        if item["format"] == "png":
            with Image.open(path) as image:
                assert image.size == (item["width_px"], item["height_px"])
        else:
            assert item["width_px"] is None and item["dpi"] is None
    image_item = body["items"][0]
    assert (image_item["width_px"], image_item["height_px"], image_item["dpi"]) == (320, 200, 72)
    assert image_item["text"] == SLOGAN_TEXTS[0]
    # 80 × 50 mm at the 100 dpi preview resolution: 315 × 197 px (trim box only)
    preview = next(it for it in body["items"] if it["template"] == "tiny-print" and it["format"] == "png")
    assert (preview["width_mm"], preview["height_mm"]) == (80.0, 50.0)
    assert (preview["width_px"], preview["height_px"], preview["dpi"]) == (315, 197, 100)
    assert "新写出 9 个文件" in result.output


def test_manifest_csv_has_a_bom_and_the_same_items(inputs: dict[str, Path]) -> None:
    assert run(inputs, "--template", "tiny-print").exit_code == 0
    raw = (inputs["out"] / "manifest.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw[3:].decode("utf-8"))))
    items = manifest(inputs["out"])["items"]
    assert [r["path"] for r in rows] == [it["path"] for it in items]
    assert [r["sha256"] for r in rows] == [it["sha256"] for it in items]
    assert rows[0]["text"] == SLOGAN_TEXTS[0] and rows[0]["unit"] == ""


def test_print_template_pdf_has_bleed_and_trim_boxes(inputs: dict[str, Path]) -> None:
    from pypdf import PdfReader

    assert run(inputs, "--template", "tiny-print", "--format", "pdf").exit_code == 0
    item = manifest(inputs["out"])["items"][0]
    page = PdfReader(inputs["out"] / item["path"]).pages[0]
    mm = 72 / 25.4
    trim, bleed = page.trimbox, page.bleedbox
    assert float(trim.width) == pytest.approx(80 * mm, abs=0.01)
    assert float(trim.left) - float(bleed.left) == pytest.approx(3 * mm, abs=0.01)
    assert float(bleed.top) - float(trim.top) == pytest.approx(3 * mm, abs=0.01)


def test_image_qr_codes_decode_to_the_campaign_url(inputs: dict[str, Path]) -> None:
    assert run(inputs, "--template", "tiny-image").exit_code == 0
    for item in manifest(inputs["out"])["items"]:
        with Image.open(inputs["out"] / item["path"]) as image:
            decoded = [r.text for r in zxingcpp.read_barcodes(image.convert("L"))]
        assert decoded == [CAMPAIGN_URL]


# -- skipped and failed jobs ------------------------------------------------------------------------


def test_template_that_does_not_take_a_slogan_is_skipped_with_its_reason(inputs: dict[str, Path]) -> None:
    result = run(inputs, "--template", "pair-strip")
    assert result.exit_code == 0, result.output
    body = manifest(inputs["out"])
    ids = slogan_ids()
    assert [it["slogan_id"] for it in body["items"]] == [ids[1]]  # only 关注民生，重视质量 has two phrases
    assert body["skipped"] == [
        {"slogan_id": ids[0], "template": "pair-strip", "format": "png", "unit": None, "reason": "只排两句的口号"},
        {"slogan_id": ids[2], "template": "pair-strip", "format": "png", "unit": None, "reason": "只排两句的口号"},
    ]
    assert len(list((inputs["out"] / "pair-strip").iterdir())) == 1
    assert "跳过 2 项" in result.output


def test_a_failing_job_is_reported_the_rest_are_written_and_the_exit_code_is_2(inputs: dict[str, Path]) -> None:
    (inputs["templates"] / "cramped.toml").write_text(CRAMPED, encoding="utf-8")
    result = run(inputs, "--template", "cramped", "--template", "tiny-image", "--jobs", "2")
    assert result.exit_code == 2
    body = manifest(inputs["out"])
    ids = slogan_ids()
    failed = {f["slogan_id"] for f in body["failed"]}
    written = {(it["template"], it["slogan_id"]) for it in body["items"]}
    assert ids[0] in failed and all(f["template"] == "cramped" for f in body["failed"])
    assert body["failed"][0]["reason"].startswith("在最小字号 20 pt 下也放不进")
    assert ("cramped", ids[1]) in written  # 关注民生 / 重视质量 fits
    assert {("cramped", i) for i in ids if i not in failed} <= written
    assert {("tiny-image", i) for i in ids} <= written
    alias = load_catalogue().resolve(ids[0]).alias_in(2010)
    assert f"失败：口号 {alias}“质量诚信是企业的信誉和生命”，模板 cramped，PNG：" in result.output
    assert not any(p.name.endswith(f"_{ids[0]}.png") for p in (inputs["out"] / "cramped").iterdir())
    for item in body["items"]:
        assert sha256(inputs["out"] / item["path"]) == item["sha256"]


# -- determinism and incremental builds --------------------------------------------------------------


def test_two_builds_into_empty_folders_are_byte_identical(inputs: dict[str, Path], monkeypatch) -> None:
    from qmposter.build import executors

    monkeypatch.setattr(executors, "MIN_JOBS_PER_WORKER", 1)  # real worker processes even for 9 files
    monkeypatch.setattr(executors, "MIN_WORK_PER_WORKER_MS", 0.001)
    first, second = inputs["root"] / "a", inputs["root"] / "b"
    args = ("--template", "tiny-image", "--template", "tiny-print")
    assert run(inputs, *args, "--jobs", "2", out=first).exit_code == 0
    assert run(inputs, *args, "--jobs", "1", out=second).exit_code == 0
    one, two = all_files(first), all_files(second)
    assert len(one) == 9 + 3  # 9 products, manifest.json, manifest.csv, the build cache
    assert one.keys() == two.keys()
    assert [name for name in one if one[name] != two[name]] == []


def test_a_second_build_writes_nothing_and_a_changed_template_rebuilds_only_its_files(
    inputs: dict[str, Path],
) -> None:
    args = ("--template", "tiny-image", "--template", "tiny-print")
    assert run(inputs, *args).exit_code == 0
    before = mtimes(inputs["out"])
    again = run(inputs, *args)
    assert again.exit_code == 0 and "新写出 0 个文件，未变 9 个" in again.output
    after = mtimes(inputs["out"])
    products = [p for p in before if not p.startswith(("manifest", "."))]
    assert all(before[p] == after[p] for p in products)

    path = inputs["templates"] / "tiny-print.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("#1d4e9e", "#0b3d91"), encoding="utf-8")
    third = run(inputs, *args)
    assert third.exit_code == 0 and "新写出 6 个文件，未变 3 个" in third.output
    changed = {p for p in products if mtimes(inputs["out"])[p] != before[p]}
    assert changed == {p for p in products if p.startswith("tiny-print/")}
    assert len(changed) == 6
    # … drawn with the edited template, as a new process draws it (not the one this process loaded first)
    fresh = inputs["root"] / "fresh"
    command = ["build", "--campaign", str(inputs["campaign"]), "--templates", str(inputs["templates"]), *args]
    subprocess.run([sys.executable, "-m", "qmposter", *command, "--out", str(fresh)], check=True, capture_output=True)
    assert {p: (inputs["out"] / p).read_bytes() for p in changed} == {p: (fresh / p).read_bytes() for p in changed}


def test_a_file_changed_on_disk_is_rebuilt(inputs: dict[str, Path]) -> None:
    assert run(inputs, "--template", "tiny-image").exit_code == 0
    item = manifest(inputs["out"])["items"][1]
    target = inputs["out"] / item["path"]
    target.write_bytes(b"damaged")
    result = run(inputs, "--template", "tiny-image")
    assert "新写出 1 个文件，未变 2 个" in result.output
    assert sha256(target) == item["sha256"]


def test_force_rebuilds_everything(inputs: dict[str, Path]) -> None:
    assert run(inputs, "--template", "tiny-image").exit_code == 0
    result = run(inputs, "--template", "tiny-image", "--force")
    assert result.exit_code == 0 and "新写出 3 个文件，未变 0 个" in result.output


def test_changing_a_campaign_field_rebuilds_what_shows_it(inputs: dict[str, Path]) -> None:
    assert run(inputs, "--template", "tiny-image").exit_code == 0
    text = inputs["campaign"].read_text(encoding="utf-8")
    inputs["campaign"].write_text(text.replace("12365", "12315"), encoding="utf-8")
    # the hotline is a field of every product's content, so the key changes even where it is not shown
    result = run(inputs, "--template", "tiny-image")
    assert "新写出 3 个文件" in result.output


# -- planning ----------------------------------------------------------------------------------------


def test_no_options_plans_the_bundled_default_campaign_into_out() -> None:
    plan = plan_build(BuildRequest())
    assert plan.out == Path("out")
    names = template_names()
    assert names and "leaflet-a4" not in names
    assert list(dict.fromkeys(job.template for job in plan.jobs)) == names
    for name in names:
        template = load_template(name)
        formats = [j.format for j in plan.jobs if j.template == name and j.slogan_id == plan.jobs[0].slogan_id]
        assert formats == list(template.page.formats)
        if template.is_print:
            assert "pdf" in formats
    assert [j.index for j in plan.jobs] == list(range(len(plan.jobs)))
    assert len({j.path for j in plan.jobs}) == len(plan.jobs)


def test_preview_dpi_is_modest_and_capped_for_huge_banners() -> None:
    banner = next(n for n in template_names() if n.startswith("banner-red-0.9x6m"))
    dpi = output_dpi(load_template(banner), "png")
    assert dpi is not None and 6000 / 25.4 * dpi <= 4000  # a 6 m banner preview stays under 4000 px
    assert output_dpi(load_template(banner), "pdf") is None


def test_year_selects_that_years_current_slogans(inputs: dict[str, Path]) -> None:
    plan = plan_build(BuildRequest(campaign_path=inputs["campaign"], templates_dir=inputs["templates"],
                                   templates=("tiny-image",), year=2009))  # fmt: skip
    expected = load_catalogue().current(2009)
    assert [j.slogan_id for j in plan.jobs] == [e.id for e in expected]
    # a wording printed in 2009 is named by its 2009 number; a family's newer wording by its own year
    for job, entry in zip(plan.jobs, expected, strict=True):
        prefix = "2009-" if 2009 in entry.years else f"{max(entry.years)}-"
        assert Path(job.path).name.startswith(prefix)
    assert any(2009 in e.years for e in expected)


# -- bad input ------------------------------------------------------------------------------------------


def test_unknown_template_is_refused_with_suggestions(inputs: dict[str, Path]) -> None:
    result = run(inputs, "--template", "tiny-imag")
    assert result.exit_code == 2
    assert "tiny-imag" in result.output and "是不是" in result.output and "tiny-image" in result.output
    assert not inputs["out"].exists()


def test_unknown_format_is_refused(inputs: dict[str, Path]) -> None:
    result = run(inputs, "--template", "tiny-image", "--format", "tiff")
    assert result.exit_code == 2 and "tiff" in result.output and "pdf" in result.output
    assert normalize_formats(["JPEG", "png", "jpg"]) == ("jpg", "png")


@pytest.mark.parametrize("shard", ["0/3", "4/3", "1/0", "a/b", "3", "1/2/3"])
def test_bad_shard_is_refused(inputs: dict[str, Path], shard: str) -> None:
    result = run(inputs, "--template", "tiny-image", "--shard", shard)
    assert result.exit_code == 2 and "--shard" in result.output and "I/N" in result.output


def test_out_that_is_a_file_is_refused(inputs: dict[str, Path]) -> None:
    inputs["out"].write_text("x", encoding="utf-8")
    result = run(inputs, "--template", "tiny-image")
    assert result.exit_code == 2 and "--out" in result.output and "是一个文件" in result.output


def test_cmyk_print_pdfs_use_cmyk_colours_and_are_rebuilt_only_as_pdfs(inputs: dict[str, Path]) -> None:
    from pypdf import PdfReader

    patterns = {"rg": r"(^|\s)[\d.]+ [\d.]+ [\d.]+ rg\b", "k": r"(^|\s)[\d.]+ [\d.]+ [\d.]+ [\d.]+ k\b"}

    def fill_operators(path: Path) -> set[str]:
        data = PdfReader(path).pages[0].get_contents().get_data().decode("latin-1")
        return {op for op, pattern in patterns.items() if re.search(pattern, data)}

    assert run(inputs, "--template", "tiny-print").exit_code == 0
    first = mtimes(inputs["out"])
    pdf = next(p for p in manifest(inputs["out"])["items"] if p["format"] == "pdf")
    assert fill_operators(inputs["out"] / pdf["path"]) == {"rg"}
    result = run(inputs, "--template", "tiny-print", "--cmyk")
    assert result.exit_code == 0, result.output
    assert fill_operators(inputs["out"] / pdf["path"]) == {"k"}
    second = mtimes(inputs["out"])
    changed = {path for path in first if path.endswith((".pdf", ".png")) and second[path] != first[path]}
    assert changed and all(path.endswith(".pdf") for path in changed), changed
