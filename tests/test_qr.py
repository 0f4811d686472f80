"""QR items: matrix, quiet zone, error correction and the print-size checks."""

from __future__ import annotations

import pytest
from helpers import decode_qr
from PIL import Image

from qmposter.errors import QmposterError, QRCodeError
from qmposter.layout.page import Color
from qmposter.layout.qr import qr_item, qr_matrix

MM = 72 / 25.4
URL = "https://www.samr.gov.cn/"


def matrix_image(modules: tuple[tuple[bool, ...], ...], px: int = 8) -> Image.Image:
    """Paint a matrix directly (no qmposter backend) so the decoder checks the matrix alone."""
    n = len(modules)
    img = Image.new("L", (n * px, n * px), 255)
    for r, row in enumerate(modules):
        for c, dark in enumerate(row):
            if dark:
                img.paste(0, (c * px, r * px, (c + 1) * px, (r + 1) * px))
    return img


def test_matrix_has_four_module_quiet_zone_and_qr_dimensions():
    m = qr_matrix(URL)
    n = len(m)
    assert all(len(row) == n for row in m)
    # a version-v symbol has 17 + 4v modules; plus 4 quiet modules on each side
    assert (n - 8 - 17) % 4 == 0 and n - 8 >= 21
    for k in range(4):
        assert not any(m[k]) and not any(m[n - 1 - k])
        assert not any(row[k] for row in m) and not any(row[n - 1 - k] for row in m)
    # the finder pattern's dark ring starts right after the quiet zone
    assert all(m[4][4:11]) and m[5][4] and not m[5][5]


@pytest.mark.parametrize("level", ["L", "M", "Q", "H"])
def test_matrix_decodes_with_requested_error_correction(level):
    m = qr_matrix(URL, level)
    results = __import__("zxingcpp").read_barcodes(matrix_image(m))
    assert [r.text for r in results] == [URL]
    assert results[0].ec_level == level


def test_higher_error_correction_needs_at_least_as_many_modules():
    assert len(qr_matrix(URL, "H")) >= len(qr_matrix(URL, "M")) >= len(qr_matrix(URL, "L"))


def test_matrix_is_deterministic():
    assert qr_matrix(URL) == qr_matrix(URL)
    assert qr_item(URL, 0, 0, 30 * MM) == qr_item(URL, 0, 0, 30 * MM)


def test_item_geometry_and_defaults():
    item = qr_item(URL, 10, 20, 30 * MM)
    assert (item.x, item.y, item.size, item.data) == (10, 20, 30 * MM, URL)
    assert (item.dark.r, item.dark.g, item.dark.b) == (0, 0, 0)
    assert (item.light.r, item.light.g, item.light.b) == (255, 255, 255)
    assert decode_qr(matrix_image(item.modules)) == [URL]


def test_wider_border_is_kept():
    assert len(qr_matrix(URL, border=6)) == len(qr_matrix(URL)) + 4


def test_narrower_than_10mm_is_refused_with_sizes_in_message():
    with pytest.raises(QRCodeError) as err:
        qr_item(URL, 0, 0, 9 * MM, label="海报 A3")
    msg = str(err.value)
    assert "9.0 mm" in msg and "10 mm" in msg and "海报 A3" in msg
    qr_item(URL, 0, 0, 10 * MM)  # exactly 10 mm is allowed


def test_modules_below_minimum_are_refused_with_the_size_needed():
    data = URL + "?" + "x" * 120  # 145 bytes: version 8 at M (122 < 145 ≤ 152 bytes), 49 + 8 = 57 modules
    n = len(qr_matrix(data))
    assert n == 57
    with pytest.raises(QRCodeError) as err:
        qr_item(data, 0, 0, 12 * MM)  # 12 / 57 = 0.21 mm per module < 0.25 mm
    msg = str(err.value)
    assert "0.21 mm" in msg and "57×57" in msg and "14.3 mm" in msg  # 57 × 0.25 = 14.25 → 14.3 mm
    qr_item(data, 0, 0, 14.3 * MM)
    # a coarser printer (e.g. inkjet on vinyl) sets a larger minimum
    with pytest.raises(QRCodeError):
        qr_item(URL, 0, 0, 20 * MM, min_module_mm=1.0)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"border": 2},
        {"error_correction": "X"},
        {"dark": Color(255, 220, 0), "light": Color(255, 255, 255)},  # yellow on white: no contrast
        {"dark": Color(255, 255, 255), "light": Color(0, 0, 0)},  # inverted
    ],
)
def test_bad_parameters_are_user_errors(kwargs):
    with pytest.raises(QRCodeError) as err:
        qr_item(URL, 0, 0, 30 * MM, **kwargs)
    assert isinstance(err.value, QmposterError)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(err.value))


def test_empty_and_overlong_data_are_user_errors():
    with pytest.raises(QRCodeError):
        qr_item("", 0, 0, 30 * MM)
    with pytest.raises(QRCodeError) as err:
        qr_item("x" * 3000, 0, 0, 300 * MM, error_correction="H")
    assert "3000" in str(err.value)


def test_red_on_white_is_accepted():
    item = qr_item(URL, 0, 0, 30 * MM, dark=Color(180, 0, 0))
    assert item.dark.r == 180
