"""The parser on tests/notices/corpus/: realistic texts of every form and format, 2005–2025,
and on tests/notices/holdout/: texts written before their author read the rules.

The figures are computed by scripts/notice_corpus.py (the same code the test runs) and must be
the ones docs/catalogue.md shows; the thresholds are issue 9's acceptance.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from qmposter.catalogue.notice import parse_source
from qmposter.readers import read_source

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("notice_corpus", ROOT / "scripts" / "notice_corpus.py")
corpus = importlib.util.module_from_spec(_spec)
sys.modules["notice_corpus"] = corpus  # dataclasses look their module up there
_spec.loader.exec_module(corpus)


@pytest.fixture(scope="module")
def result():
    return corpus.run()


def test_the_corpus_covers_every_form_format_level_and_two_decades() -> None:
    cases = corpus.cases()
    assert len(cases) >= 30
    expected = [e for _, e in cases if "error" not in e]
    assert {e["form"] for e in expected} == {"notice", "plan", "news", "launch", "slogan-list", "slogan-call"}
    assert {e["scope"] for e in expected} == {"national", "provincial", "municipal", "county"}
    years = {int(p.stem[:4]) for p, _ in cases}
    assert min(years) <= 2005 and max(years) >= 2025
    formats = {f for _, e in cases for f in e.get("also_as", [])} | {p.suffix for p, _ in cases}
    assert {"docx", "pdf", "html", "traditional", ".txt", ".html"} <= formats
    assert any("error" in e for _, e in cases)  # a text not about the 质量月


def test_the_corpus_meets_the_acceptance_figures(result) -> None:
    score, _, _ = result
    assert score.crashes == 0, score.misses
    assert score.slogans_right / score.slogans_total >= 0.98, score.misses
    assert score.fields_right / score.fields_total >= 0.95, score.misses


@pytest.fixture(scope="module")
def holdout():
    return corpus.run(corpus.SETS["holdout"])


def test_the_held_out_texts_meet_the_acceptance_figures(holdout) -> None:
    """Written without looking at the rules, so the one honest check that the rules generalise."""
    score, _, _ = holdout
    assert len(corpus.cases(corpus.SETS["holdout"])) >= 10
    assert score.crashes == 0, score.misses
    assert score.slogans_right / score.slogans_total >= 0.98, score.misses
    assert score.fields_right / score.fields_total >= 0.95, score.misses
    assert score.closing_right / score.closing_total >= 0.95, score.misses  # 落款: issuers and date


def test_docs_show_the_held_out_figures(holdout) -> None:
    docs = corpus.DOCS.read_text(encoding="utf-8")
    table = corpus.table(*holdout, corpus.SETS["holdout"])
    assert corpus.docs_block(docs, "holdout") == table, "run: python scripts/notice_corpus.py --set holdout --write"


def test_docs_show_the_figures_the_corpus_gives(result) -> None:
    docs = corpus.DOCS.read_text(encoding="utf-8")
    assert corpus.docs_block(docs) == corpus.table(*result), "run: python scripts/notice_corpus.py --write"


def _full(path: Path) -> dict:
    notice = parse_source(read_source(path))
    return {**notice.to_json(), "form": notice.form, "title": notice.title}


@pytest.mark.parametrize(
    "source", [p for p, e in corpus.cases() if {"docx", "pdf", "html", "traditional"} <= set(e.get("also_as", []))],
    ids=lambda p: p.stem,
)
def test_the_same_notice_in_every_format_gives_the_same_json(source: Path, tmp_path: Path) -> None:
    """All of it — activities, 落款, dates too, not only the scored fields — apart from provenance."""
    expected = json.loads(source.with_suffix(".json").read_text(encoding="utf-8"))
    want = _full(source)
    for fmt, path in corpus.variants(source, expected, tmp_path)[1:]:
        assert _full(path) == want, fmt
