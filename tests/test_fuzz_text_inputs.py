"""Fuzzing the readers of typed input: notices (every encoding), catalogue TOML, variants,
campaign, units CSV. Each example runs the real CLI (or reader) in a fresh folder; see
fuzz_support.check for what is asserted. Profiles: tests/conftest.py; results: docs/hardening.md.
"""

from __future__ import annotations

import json
import tomllib
import unicodedata
from pathlib import Path

import tomlkit
from fuzz_support import ENCODINGS, NASTY, check, encoded, files, fuzz, invoke, nasty_text, sandbox, toml_value
from hypothesis import assume, given
from hypothesis import strategies as st

from qmposter.errors import QmposterError
from qmposter.unit_list import MAX_FOLDER_BYTES, load_units

REPO = Path(__file__).resolve().parents[1]
NOTICES = sorted((REPO / "tests" / "notices").glob("*.txt"))
NOTICE_LINES = [
    line for path in NOTICES[:6] for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line
]
CATALOGUE_FILE = REPO / "slogans" / "2010-jiangsu.toml"
CATALOGUE_LINES = CATALOGUE_FILE.read_text(encoding="utf-8").splitlines()


def _mutated_lines(lines: list[str]) -> st.SearchStrategy[list[str]]:
    """A real file with some lines dropped, repeated, cut, or salted with hostile characters."""

    def mutate(data: tuple[list[str], list[tuple[int, int, str]]]) -> list[str]:
        out, edits = list(data[0]), data[1]
        for op, where, salt in edits:
            if not out:
                break
            i = where % len(out)
            if op == 0:
                del out[i]
            elif op == 1:
                out.insert(i, out[i])
            elif op == 2:
                out[i] = out[i][: len(out[i]) // 2] + salt
            else:
                cut = where % (len(out[i]) + 1)
                out[i] = out[i][:cut] + salt + out[i][cut:]
        return out

    edit = st.tuples(st.integers(0, 3), st.integers(0, 10_000), nasty_text)
    return st.tuples(st.just(lines), st.lists(edit, max_size=8)).map(mutate)


# -- notices -----------------------------------------------------------------------------------------------

notice_text = st.one_of(
    st.lists(st.sampled_from(NOTICE_LINES), min_size=1, max_size=40).map("\n".join),
    _mutated_lines(NOTICES[1].read_text(encoding="utf-8").splitlines()).map("\n".join),
    nasty_text,
)


@fuzz(40)
@given(text=notice_text, encoding=st.sampled_from(ENCODINGS), raw=st.none() | st.binary(max_size=300))
def test_fuzz_notice_parse_and_import(text: str, encoding: str, raw: bytes | None) -> None:
    with sandbox() as root:
        notice = root / "通知.txt"
        notice.write_bytes(raw if raw is not None else encoded(text, encoding))
        before = files(root)
        check(invoke("slogans", "parse", notice, "--format", "json"), root, before)
        catalogue = root / "cat"
        result = invoke("slogans", "import", notice, "--catalogue", catalogue)
        check(result, root, before, writes_to=catalogue)
        for written in catalogue.glob("*.toml"):
            tomllib.loads(written.read_text(encoding="utf-8"))  # complete and valid, comments included
        if result.exit_code == 0:
            listed = invoke("slogans", "list", "--catalogue", catalogue, "--format", "json")
            check(listed, root, files(root))
            if listed.exit_code == 0:
                for entry in json.loads(listed.output):
                    assert not any(unicodedata.category(ch) in ("Cc", "Cf") for ch in entry["text"])


# -- catalogue TOML and variants ------------------------------------------------------------------------------


def _catalogue(root: Path, source: str, variants: str | None) -> Path:
    folder = root / "cat"
    folder.mkdir()
    (folder / "2010-jiangsu.toml").write_text(source, encoding="utf-8")
    if variants is not None:
        (folder / "variants.toml").write_text(variants, encoding="utf-8")
    return folder


@fuzz(40)
@given(lines=_mutated_lines(CATALOGUE_LINES))
def test_fuzz_catalogue_source_file(lines: list[str]) -> None:
    with sandbox() as root:
        folder = _catalogue(root, "\n".join(lines), None)
        before = files(root)
        for command in (("slogans", "list"), ("slogans", "variants")):
            check(invoke(*command, "--catalogue", folder), root, before)


REFS = st.one_of(st.sampled_from(["2010-01", "2010-05", "2010-jiangsu-03", "s00000000", "质量第一"]), nasty_text)
variants_doc = st.dictionaries(
    st.sampled_from(["join", "split", "joins", "slogan"]) | nasty_text,
    st.lists(
        st.dictionaries(
            st.sampled_from(["ids", "current", "note"]) | nasty_text,
            st.one_of(st.lists(REFS, max_size=4), REFS, toml_value),
            max_size=3,
        ),
        max_size=3,
    )
    | toml_value,
    max_size=3,
)


@fuzz(30)
@given(doc=variants_doc)
def test_fuzz_variants_file(doc: dict) -> None:
    try:
        text = tomlkit.dumps(doc)
    except (ValueError, TypeError):
        assume(False)
    with sandbox() as root:
        folder = _catalogue(root, CATALOGUE_FILE.read_text(encoding="utf-8"), text)
        before = files(root)
        check(invoke("slogans", "variants", "--catalogue", folder), root, before)


# -- campaign ---------------------------------------------------------------------------------------------------

DEFAULT_CAMPAIGN = tomllib.loads((REPO / "campaigns" / "default.toml").read_text(encoding="utf-8"))
TABLE_KEYS = {"slogans": ["select", "ids"], "build": ["out", "templates", "formats"], "sms": ["signature", "opt_out"]}
HOSTILE_VALUES = st.one_of(
    toml_value,
    st.sampled_from(["2010-jiangsu", "12315", "https://a.cn", "javascript:x", "【江苏质监】", "../../x", "all"]),
)


@st.composite
def campaign_doc(draw) -> dict:
    """The bundled default campaign with up to two keys (top level or in a table) set to hostile values."""
    doc = {k: dict(v) if isinstance(v, dict) else v for k, v in DEFAULT_CAMPAIGN.items()}
    for _ in range(draw(st.integers(0, 2))):
        key = draw(st.sampled_from([*sorted(DEFAULT_CAMPAIGN), "yaer"]))
        if key in TABLE_KEYS and isinstance(doc[key], dict) and draw(st.booleans()):
            doc[key][draw(st.sampled_from([*TABLE_KEYS[key], "nonsense"]))] = draw(HOSTILE_VALUES)
        else:
            doc[key] = draw(HOSTILE_VALUES)
    return doc


@fuzz(50)
@given(doc=campaign_doc(), encoding=st.sampled_from(("utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16")))
def test_fuzz_campaign_file(doc: dict, encoding: str) -> None:
    try:
        text = tomlkit.dumps(doc)
    except (ValueError, TypeError):
        assume(False)
    with sandbox() as root:
        campaign = root / "campaign.toml"
        campaign.write_bytes(encoded(text, encoding))
        before = files(root)
        check(invoke("sms", "--campaign", campaign, "--signature", "【质监】"), root, before)


# -- units CSV ----------------------------------------------------------------------------------------------------

cell = st.one_of(
    st.sampled_from(["南京市质监局", "南京#1局", "https://a.cn/x", "025-12345678", "", " ", '"', '""', "a,b", "CON"]),
    nasty_text,
    st.text(alphabet=st.sampled_from("😀\U00020000质"), min_size=60, max_size=120),
)
header = st.lists(st.sampled_from(["单位", "落款", "二维码", "电话", "目录", "备注", "name", "folder", "单 位"]) | cell,
                  min_size=1, max_size=5)  # fmt: skip


@fuzz(200)
@given(
    head=header,
    rows=st.lists(st.lists(cell, max_size=6), max_size=6),
    sep=st.sampled_from([",", "\t", ";"]),
    encoding=st.sampled_from(ENCODINGS),
)
def test_fuzz_units_csv(head: list[str], rows: list[list[str]], sep: str, encoding: str) -> None:
    text = "\r\n".join(sep.join(row) for row in [head, *rows])
    with sandbox() as root:
        path = root / "units.csv"
        path.write_bytes(encoded(text, encoding))
        try:
            units = load_units(path)
        except QmposterError as error:
            assert "单位表" in str(error)
            return
    for unit in units:
        assert unit.slug and len(unit.slug.encode("utf-8")) <= MAX_FOLDER_BYTES
        assert not any(ch in unit.slug for ch in '/\\:*?"<>|#%') and unit.slug.strip(".") == unit.slug
        assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp") for ch in unit.slug)
        assert not set(unit.slug) & set(NASTY[:20])
    assert len({u.slug.casefold() for u in units}) == len(units)
