"""Lengths and paper sizes → points, checked against hand-computed values (1 in = 25.4 mm = 72 pt)."""

from __future__ import annotations

import pytest

from qmposter.errors import QmposterError
from qmposter.layout.units import paper_size, parse_length

MM = 72 / 25.4


@pytest.mark.parametrize(
    ("value", "kwargs", "points"),
    [
        ("3mm", {}, 3 * MM),
        ("0.9m", {}, 900 * MM),
        ("6m", {}, 6000 * MM),
        ("60cm", {}, 600 * MM),
        ("12pt", {}, 12.0),
        ("2in", {}, 144.0),
        ("25.4mm", {}, 72.0),
        (" 3 mm ", {}, 3 * MM),
        ("1080px", {"dpi": 72}, 1080.0),  # 1 px = 1 pt at 72 dpi: a 1080 px page is 1080 px at its dpi
        ("1080px", {"dpi": 96}, 810.0),
        ("300px", {"dpi": 300}, 72.0),
        ("10%", {"ref": 500.0}, 50.0),
        ("100%", {"ref": 841.0}, 841.0),
        ("-3mm", {"allow_negative": True}, -3 * MM),
        (0, {}, 0.0),
        ("0", {}, 0.0),
    ],
)
def test_lengths(value, kwargs, points):
    assert parse_length(value, **kwargs) == pytest.approx(points)


@pytest.mark.parametrize(
    ("name", "mm"),
    [
        ("A0", (841, 1189)),
        ("A3", (297, 420)),
        ("a4", (210, 297)),
        ("A5", (148, 210)),
        ("B5", (176, 250)),
        ("对开", (570, 840)),  # bare 开本 names are the 大度 series
        ("大度对开", (570, 840)),
        ("正度对开", (540, 780)),
        ("四开", (420, 570)),
        ("正度四开", (390, 540)),
        ("八开", (285, 420)),
        ("正度八开", (270, 390)),
        ("dadu-duikai", (570, 840)),
        ("zhengdu-sikai", (390, 540)),
    ],
)
def test_paper_sizes(name, mm):
    width, height = paper_size(name)
    assert (width / MM, height / MM) == pytest.approx(mm)


@pytest.mark.parametrize(
    ("value", "kwargs", "needle"),
    [
        ("3mmm", {}, "3mmm"),
        ("six metres", {}, "six metres"),
        (12, {}, "缺少单位"),
        ("-3mm", {}, "负数"),
        ("10%", {}, "百分比"),
        ("1080px", {}, "dpi"),
        (True, {}, "True"),
    ],
)
def test_bad_lengths_name_the_value(value, kwargs, needle):
    with pytest.raises(QmposterError) as caught:
        parse_length(value, **kwargs)
    assert needle in str(caught.value)


def test_unknown_paper_size():
    with pytest.raises(QmposterError) as caught:
        paper_size("A9")
    assert "A9" in str(caught.value)
    assert "正度对开" in str(caught.value)  # the hint lists what exists
