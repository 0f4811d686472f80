"""Score the notice parser on the corpus in tests/notices/corpus/ and report the figures.

    python scripts/notice_corpus.py                    # print the table and every miss
    python scripts/notice_corpus.py --write            # also put the table into docs/catalogue.md
    python scripts/notice_corpus.py --set holdout      # the held-out texts (written before reading the rules)

Each case is a source file (.txt or .html) with an expected-JSON file of the same stem:
form, year, scope, region, theme and slogans (or "error": words of the exit-2 message), and
"also_as": the formats the same text is also read in (docx, pdf, html built from the text by
tests/notice_formats.py; "traditional" is the text converted to Traditional script with OpenCC).
An expected file may also give "issuers" and "date" (the 落款), scored on their own row.
Every variant must give the expected values. Slogans count as right when they are in the
expected order (longest common subsequence); a missing or an extra slogan both count against.
tests/test_notice_corpus.py checks the thresholds and that docs/catalogue.md shows these figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from notice_formats import make_docx, make_html, make_pdf  # noqa: E402

from qmposter.catalogue.notice import parse_source  # noqa: E402
from qmposter.errors import QmposterError  # noqa: E402
from qmposter.readers import read_source  # noqa: E402

CORPUS = ROOT / "tests" / "notices" / "corpus"
SETS = {"corpus": CORPUS, "holdout": ROOT / "tests" / "notices" / "holdout"}
DOCS = ROOT / "docs" / "catalogue.md"


def markers(name: str = "corpus") -> tuple[str, str]:
    """Where the figures of one set sit in docs/catalogue.md."""
    return f"<!-- {name}-figures:start -->", f"<!-- {name}-figures:end -->"

FIELDS = ("year", "scope", "theme")


@dataclass
class Score:
    variants: int = 0
    crashes: int = 0
    slogans_right: int = 0
    slogans_total: int = 0
    fields_right: int = 0
    fields_total: int = 0
    closing_right: int = 0
    closing_total: int = 0
    forms_right: int = 0
    regions_right: int = 0
    misses: list[str] = field(default_factory=list)


def cases(folder: Path = CORPUS) -> list[tuple[Path, dict]]:
    found = []
    for expected in sorted(folder.glob("*.json")):
        source = next(p for p in folder.glob(f"{expected.stem}.*") if p.suffix != ".json")
        found.append((source, json.loads(expected.read_text(encoding="utf-8"))))
    return found


def variants(source: Path, expected: dict, folder: Path) -> list[tuple[str, Path]]:
    out = [(source.suffix.lstrip("."), source)]
    text = source.read_text(encoding="utf-8") if source.suffix == ".txt" else ""
    for fmt in expected.get("also_as", []):
        target = folder / f"{source.stem}.{fmt}"
        if fmt == "traditional":
            import opencc

            target = folder / f"{source.stem}-traditional.txt"
            target.write_text(opencc.OpenCC("s2t").convert(text), encoding="utf-8")
        else:
            {"docx": make_docx, "pdf": make_pdf, "html": make_html}[fmt](text, target)
        out.append((fmt, target))
    return out


def _lcs(a: list[str], b: list[str]) -> int:
    row = [0] * (len(b) + 1)
    for x in a:
        prev = 0
        for j, y in enumerate(b, start=1):
            prev, row[j] = row[j], prev + 1 if x == y else max(row[j], row[j - 1])
    return row[-1]


def score_one(score: Score, name: str, path: Path, expected: dict) -> None:
    score.variants += 1
    try:
        notice = parse_source(read_source(path))
    except QmposterError as error:
        if "error" in expected and expected["error"] in error.message:
            score.forms_right += 1
            score.regions_right += 1
            return
        score.misses.append(f"{name}: exit 2 — {error.message}")
        notice = None
    except Exception as error:  # a crash is what the corpus exists to catch
        score.crashes += 1
        score.misses.append(f"{name}: CRASH {type(error).__name__}: {error}")
        notice = None
    if "error" in expected:
        if notice is not None:
            score.misses.append(f"{name}: expected exit 2 ({expected['error']}), got {len(notice.slogans)} slogans")
        return
    got = [s.text for s in notice.slogans] if notice else []
    want = expected["slogans"]
    right = _lcs(want, got)
    score.slogans_right += right
    score.slogans_total += len(want) + len(got) - right
    if got != want:
        score.misses.append(f"{name}: slogans {got} != {want}")
    for key in FIELDS:
        score.fields_total += 1
        value = getattr(notice, key) if notice else None
        if value == expected[key]:
            score.fields_right += 1
        else:
            score.misses.append(f"{name}: {key} {value!r} != {expected[key]!r}")
    for key in ("issuers", "date"):
        if key in expected:
            score.closing_total += 1
            value = getattr(notice, key) if notice else None
            value = list(value) if key == "issuers" and value is not None else value
            score.closing_right += value == expected[key]
            if value != expected[key]:
                score.misses.append(f"{name}: {key} {value!r} != {expected[key]!r}")
    form = notice.form if notice else None
    score.forms_right += form == expected["form"]
    if notice and form != expected["form"]:
        score.misses.append(f"{name}: form {form} != {expected['form']}")
    region = notice.region if notice else None
    score.regions_right += region == expected["region"]
    if notice and region != expected["region"]:
        score.misses.append(f"{name}: region {region!r} != {expected['region']!r}")


def run(folder: Path = CORPUS) -> tuple[Score, dict[str, int], dict[str, int]]:
    score = Score()
    forms: dict[str, int] = {}
    formats: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for source, expected in cases(folder):
            forms[expected.get("form", "error")] = forms.get(expected.get("form", "error"), 0) + 1
            for fmt, path in variants(source, expected, Path(tmp)):
                formats[fmt] = formats.get(fmt, 0) + 1
                score_one(score, f"{source.stem} [{fmt}]", path, expected)
    return score, forms, formats


def _ratio(a: int, b: int) -> str:
    return f"{a}/{b} = {100 * a / b:.1f} %" if b else "—"


def table(score: Score, forms: dict[str, int], formats: dict[str, int], folder: Path = CORPUS) -> str:
    years = sorted({int(p.stem[:4]) for p, _ in cases(folder)})
    closing = [f"| 落款（发文单位、日期） | {_ratio(score.closing_right, score.closing_total)} |"]
    closing = closing if score.closing_total else []
    return "\n".join([
        f"语料：{len(cases(folder))} 份文字（{years[0]}–{years[-1]} 年），按格式读了 {score.variants} 次。",
        "",
        "| 指标 | 结果 |",
        "|---|---|",
        f"| 形式 | {'、'.join(f'{k} {v}' for k, v in sorted(forms.items()))} |",
        f"| 格式 | {'、'.join(f'{k} {v}' for k, v in sorted(formats.items()))} |",
        f"| 口号（顺序对、不多不少） | {_ratio(score.slogans_right, score.slogans_total)} |",
        f"| 年份/范围/主题 | {_ratio(score.fields_right, score.fields_total)} |",
        f"| 识别的形式 | {_ratio(score.forms_right, score.variants)} |",
        f"| 地区 | {_ratio(score.regions_right, score.variants)} |",
        *closing,
        f"| 崩溃（退出码 1） | {score.crashes} |",
    ])  # fmt: skip


def docs_block(text: str, name: str = "corpus") -> str:
    start, end = markers(name)
    return text.split(start, 1)[1].split(end, 1)[0].strip() if start in text else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help=f"write the table into {DOCS.relative_to(ROOT)}")
    parser.add_argument("--set", choices=sorted(SETS), default="corpus", help="which set of texts to score")
    args = parser.parse_args()
    folder = SETS[args.set]
    score, forms, formats = run(folder)
    report = table(score, forms, formats, folder)
    print(report)
    for miss in score.misses:
        print("  -", miss)
    if args.write:
        start, end = markers(args.set)
        text = DOCS.read_text(encoding="utf-8")
        before, after = text.split(start, 1)[0], text.split(end, 1)[1]
        DOCS.write_text(f"{before}{start}\n{report}\n{end}{after}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
