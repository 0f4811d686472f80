"""Golden-image tests: a handful of full renders compared with reviewed reference PNGs.

The references in tests/golden/ were rendered once, looked at by a person (layout, line
breaks, punctuation, margins) and committed. The templates they use are frozen copies in
tests/golden/ so that redesigning the bundled library does not move them. The comparison
has a tolerance (mean absolute difference and the share of clearly different pixels), so a
Pillow or FreeType upgrade that shifts anti-aliasing does not fail it, while a moved line,
a different line break or a missing element does.

To regenerate after an intended change: `python tests/test_golden.py`, then look at every
PNG in tests/golden/ before committing it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from qmposter.campaign import load_campaign
from qmposter.catalogue.catalogue import load_catalogue
from qmposter.content import Content
from qmposter.layout.engine import layout_page
from qmposter.render.raster import render_image
from qmposter.templates import load_template

GOLDEN = Path(__file__).parent / "golden"
MEAN_TOLERANCE = 0.02  # mean absolute difference, as a share of full scale
CHANGED_PIXEL_SHARE = 0.01  # at most 1 % of pixels may differ by more than a quarter of full scale


@dataclass(frozen=True)
class Case:
    name: str
    template: str
    slogan: str  # alias in the bundled catalogue, or literal text
    dpi: float


CASES = (
    Case("poster-two-phrases", "golden-poster.toml", "2010-02", 30),
    Case("poster-one-phrase-word-break", "golden-poster.toml", "2010-05", 30),
    Case("poster-three-phrases", "golden-poster.toml", "2010-09", 30),
    Case("banner-distributed", "golden-banner.toml", "2010-12", 10),
    Case("banner-digits-latin", "golden-banner.toml", "text:2010年QC小组成果发布会，质量投诉请拨12365", 10),
)


def render_case(case: Case) -> Image.Image:
    campaign = load_campaign()
    if case.slogan.startswith("text:"):
        content = Content.from_campaign(campaign, case.slogan[5:], "自定义文字")
    else:
        entry = load_catalogue().resolve(case.slogan)
        content = Content.from_campaign(campaign, entry.text, case.slogan)
    template = load_template(GOLDEN / case.template)
    return render_image(layout_page(template, content), case.dpi)


def difference(a: Image.Image, b: Image.Image) -> tuple[float, float]:
    """(mean absolute difference, share of pixels differing by more than 64/255), both 0–1."""
    diff = ImageChops.difference(a.convert("RGB"), b.convert("RGB")).convert("L")
    mean = ImageStat.Stat(diff).mean[0] / 255
    changed = sum(diff.point(lambda v: 255 if v > 64 else 0).histogram()[255:]) / (diff.width * diff.height)
    return mean, changed


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_render_matches_reviewed_golden_image(case: Case) -> None:
    reference_path = GOLDEN / f"{case.name}.png"
    assert reference_path.is_file(), f"missing {reference_path}: run python tests/test_golden.py and review it"
    with Image.open(reference_path) as reference:
        actual = render_case(case)
        assert actual.size == reference.size
        mean, changed = difference(actual, reference)
    assert mean < MEAN_TOLERANCE, f"{case.name}: mean difference {mean:.4f}"
    assert changed < CHANGED_PIXEL_SHARE, f"{case.name}: {changed:.2%} of pixels clearly differ"


def test_the_comparison_catches_a_moved_slogan() -> None:
    """The tolerance is loose for anti-aliasing, not for layout: another slogan fails it."""
    with Image.open(GOLDEN / "poster-two-phrases.png") as reference:
        other = render_case(CASES[1])
        mean, changed = difference(other, reference)
    assert mean >= MEAN_TOLERANCE or changed >= CHANGED_PIXEL_SHARE


if __name__ == "__main__":
    for case in CASES:
        out = GOLDEN / f"{case.name}.png"
        render_case(case).save(out, optimize=True)
        print(f"wrote {out}", file=sys.stderr)
