"""Issue 11 row 7: hard-wrapped notices parsed in quadratic time (`_unwrap`).

Time is never asserted here (bench/bench_notice.py times 20 MB inputs); what made it quadratic
is checked instead: each line is classified once, and a paragraph is joined once.
"""

from __future__ import annotations

import pytest

from qmposter.catalogue import notice

LINE = "各地要加强组织领导，认真开展质量月活动，推动质量"  # 25 characters, a hard wrap (no full stop)


def _wrapped(lines: int) -> str:
    return "关于开展2024年全省“质量月”活动的通知\n" + (LINE + "\n") * lines + "。\n"


@pytest.mark.parametrize("lines", [200, 4000])
def test_each_line_is_classified_once(lines: int, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = 0
    real = notice._breaks_paragraph

    def counting(line: str) -> bool:
        nonlocal calls
        calls += 1
        return real(line)

    monkeypatch.setattr(notice, "_breaks_paragraph", counting)
    rows = [notice._clean(x) for x in _wrapped(lines).split("\n")]
    joined = notice._unwrap(rows)
    assert calls == len(rows)  # was about 12 per line in _wrap_width, plus one per look-ahead in _joins
    assert joined[1] == LINE * lines + "。"  # the whole paragraph, joined back into one line


def test_a_long_hard_wrapped_notice_parses_to_one_paragraph() -> None:
    parsed = notice.parse_notice(_wrapped(20_000) + "一、活动主题\n质量强省\n")
    assert parsed.year == 2024 and parsed.theme == "质量强省"
