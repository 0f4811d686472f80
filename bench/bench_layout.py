"""Text layout only (`layout_text`): CPU per slogan, first at a width and again at nearby widths.

    python bench/bench_layout.py              # the default campaign's slogans, 20 widths each, 3 rounds
    python bench/bench_layout.py --rounds 5

A live preview lays the same slogan out again and again while a designer drags a box, so what
counts is the warm figure: the slogan's words and glyph metrics already known, a new box width.
The first layout of each slogan (new words for the segmenter, new characters) is shown apart.
This replaces a timed assertion that used to sit in tests/test_textbox.py: speed is measured
here, never asserted in tests (a loaded CI machine made 0.3 ms look like 17 ms).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qmposter.fonts import load_font
from qmposter.layout.page import Color
from qmposter.layout.textbox import Box, TextStyle, layout_text

FONT = "noto-sans-sc-black"
WIDTHS = 20  # per round; every round takes new widths, as a layout is remembered per box


def slogans() -> list[str]:
    """The default campaign's slogans, in build order."""
    from qmposter.build.plan import BuildRequest, plan_build

    with tempfile.TemporaryDirectory() as out:
        plan = plan_build(BuildRequest(out=Path(out), templates=["poster-a3-red"], formats=["pdf"]))
    return list(dict.fromkeys(job.content.slogan for job in plan.jobs))


def _cpu_ms(text: str, width: int, style: TextStyle) -> float:
    start = time.process_time()
    layout_text(text, Box(0, 0, width, 300), style)
    return (time.process_time() - start) * 1000


def run(texts: list[str], rounds: int) -> None:
    style = TextStyle(font_id=FONT, color=Color(0, 0, 0), min_size=10, max_size=200, max_lines=3)
    load_font(FONT)  # read once before timing: the first slogan's figure is its own words, not the font file
    first = [_cpu_ms(text, 500, style) for text in texts]
    widths = range(501, 501 + WIDTHS * rounds)
    warm = sorted(_cpu_ms(text, width, style) for width in widths for text in texts)
    print(f"{len(texts)} slogans, {WIDTHS} widths × {rounds} rounds; CPU ms per layout_text")
    print("| case | median | p90 | max |\n|---|--:|--:|--:|")
    for name, values in (("first layout of a slogan", sorted(first)), ("again, a new width", warm)):
        p90 = values[int(len(values) * 0.9)]
        print(f"| {name} | {statistics.median(values):.2f} | {p90:.2f} | {values[-1]:.2f} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    run(slogans(), max(1, args.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
