"""Notice parsing stays linear: ~20 MB inputs of each form, timed (issue 11 row 7, issue 9).

    python bench/bench_notice.py            # every shape at 20 MB, plus 5/10 MB to show the growth
    python bench/bench_notice.py --mb 5     # one size only

Each shape is a worst case for one parser path: a hard-wrapped notice (one paragraph of 25-character
lines: `_unwrap` used to take 102 s on 19 MB), the same unwrapped, a slogan list, a slogan list
after as many 口号 headings (each heading used to rescan the rest), a news report run
on in one sentence, and a Traditional-script copy. The target is under 10 s per 20 MB on this
2-core machine. The parser is single-threaded, so the process's CPU time is what it takes on an
idle machine; wall time is printed too (it grows with whatever else runs). The script prints a
table and exits 1 when a 20 MB case takes 10 CPU seconds or more.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qmposter.catalogue.notice import parse_notice
from qmposter.errors import NoticeError
from qmposter.readers.script import to_simplified

LIMIT_S = 10.0
TITLE = "关于开展2024年全省“质量月”活动的通知\n"
LINE = "各地要加强组织领导，认真开展质量月活动，推动质量\n"  # 25 characters, no full stop: a hard wrap


def _repeat(unit: str, size: int) -> str:
    return unit * max(1, size // len(unit.encode("utf-8")))


def shapes(size: int) -> dict[str, str]:
    return {
        "hard-wrapped": TITLE + _repeat(LINE, size) + "。\n",
        "unwrapped": TITLE + _repeat(LINE.strip() + "，", size) + "。\n",
        "slogan list": "2024年全国“质量月”活动宣传标语\n" + _repeat("质量第一，品质生活\n", size),
        "heading lines": TITLE + _repeat("宣传口号\n", size // 2) + _repeat("质量第一，诚信为本\n", size // 2),
        "news run-on": "本报讯 2024年质量月活动的主题为“质量强国”，宣传口号包括："
        + _repeat("质量第一，品质生活；", size),
        "traditional": "關於開展2024年全省“質量月”活動的通知\n"
        + _repeat("各地要加強組織領導，認真開展質量月活動。\n", size),
    }


def run(sizes: list[int]) -> bool:
    ok = True
    print("| shape | MB | CPU seconds | wall seconds |\n|---|---|---|---|")
    for mb in sizes:
        for name, text in shapes(mb * 1024 * 1024).items():
            wall, cpu = time.perf_counter(), time.process_time()
            if name == "traditional":
                text = to_simplified(text)[0]
            with contextlib.suppress(NoticeError):  # refusing a text is an answer too; only the time counts
                parse_notice(text)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            print(f"| {name} | {mb} | {cpu:.1f} | {wall:.1f} |", flush=True)
            ok = ok and (mb < 20 or cpu < LIMIT_S)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=int, action="append", help="input size in MB (repeatable); default 5, 10, 20")
    args = parser.parse_args()
    return 0 if run(args.mb or [5, 10, 20]) else 1


if __name__ == "__main__":
    sys.exit(main())
