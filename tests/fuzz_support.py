"""What every fuzz test asserts about a run of the real CLI on hostile input (issue 11).

Only two endings are allowed: exit 0, or exit 2 with a Chinese "错误：" message. Never a
traceback (exit 1), never a new file outside the folder the command was told to write to,
never a temporary or half-written file left behind.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from click.testing import CliRunner, Result
from hypothesis import event, settings
from hypothesis import strategies as st

from qmposter.cli import cli


def fuzz(examples: int) -> settings:
    """Settings for one fuzz test: `examples` in CI, QMPOSTER_FUZZ_SCALE times that when set
    (pytest --long sets it to 40, see conftest.py)."""
    return settings(max_examples=examples * int(os.environ.get("QMPOSTER_FUZZ_SCALE") or 1))


@contextlib.contextmanager
def sandbox() -> Iterator[Path]:
    """A fresh folder per example (hypothesis reuses pytest's tmp_path across examples)."""
    root = Path(tempfile.mkdtemp(prefix="qmposter-fuzz-"))
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file() or p.is_symlink()}


def invoke(*args: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=True)


_HAN = re.compile(r"[\u4e00-\u9fff]")


def check(result: Result, root: Path, before: set[Path], *, writes_to: Path | None = None) -> None:
    """Exit 0, or 2 with a Chinese message; new files only under `writes_to`; no temporary files."""
    if result.exit_code not in (0, 2) or (result.exception and not isinstance(result.exception, SystemExit)):
        raise AssertionError(f"exit {result.exit_code}: {result.exception!r}\n{result.output[-2000:]}") from (
            result.exception
        )
    assert "Traceback" not in result.output
    event(f"exit {result.exit_code}")
    if result.exit_code == 2:
        assert "错误：" in result.output and _HAN.search(result.output), result.output
    new = files(root) - before
    outside = [p for p in new if writes_to is None or not p.resolve().is_relative_to(writes_to.resolve())]
    assert not outside, f"files written outside {writes_to}: {outside}"
    leftovers = [p for p in files(root) if p.name.endswith(".tmp")]
    assert not leftovers, f"temporary files left: {leftovers}"


# -- strategies shared by several readers ------------------------------------------------------------------

# Characters that broke something once: controls, bidi and zero-width marks, quotes and braces,
# path and link syntax, full-width forms, surrogate-free astral characters (emoji, Ext-B).
NASTY = (
    "\x00\x01\x07\x08\t\n\x0b\x0c\r\x1b\x1f\x7f\x85\u00a0\u00ad\u061c\u200b\u200d\u200e\u200f\u2028\u2029"
    "\u202a\u202c\u202e\u2066\u2069\u3000\ufeff\ufffd\"'{}[]#%&<>/\\:;=.,，。、；：！？“”（）《》"
    "😀\U00020000\U0002a700ＱＣ１２"
)
nasty_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(NASTY), st.sampled_from("质量月第一安全诚信"), st.characters(blacklist_categories=["Cs"])
    ),
    max_size=40,
)
toml_scalar = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    nasty_text,
    st.sampled_from(["", "0", "3mm", "50%", "1080px", "1e6mm", "-5mm", "A3", "#c8102e", "cmyk(0,100,100,0)", "nan"]),
)
toml_value = st.recursive(
    toml_scalar,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(nasty_text, inner, max_size=3)),
    max_leaves=8,
)
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "gbk", "big5", "utf-16", "utf-16-le", "latin-1")


def encoded(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")
