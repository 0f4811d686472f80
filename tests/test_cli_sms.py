"""`qmposter sms` end to end: real catalogue files, real campaign files, files on disk.

The test catalogue holds the 18 slogans of the 2010 Jiangsu notice (seeds/2010-jiangsu-notice.txt,
附件), in the notice's order, so the bundled default campaign (source 2010-jiangsu) selects them.
Expected lengths are counted by hand in the comments.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from qmposter.campaign import campaign_slogans, load_campaign
from qmposter.catalogue.catalogue import load_catalogue
from qmposter.cli import cli

JIANGSU_2010 = [
    "夯实质量安全基础，促进经济又好又快发展",
    "夯实质量安全基础，促进经济社会和谐发展",
    "全员全过程全方位参与，全面提高质量安全水平",
    "质量诚信是企业的信誉和生命",
    "恪守质量诚信，践行社会责任",
    "质量关系你我他，涉及个人与国家",
    "提高可靠性，质量上台阶",
    "创造高质量，奉献高质量，享受高质量",
    "抓质量，讲诚信，树品牌",
    "质量缔造品牌，品牌提升效益",
    "关注民生，重视质量",
    "共筑质量大堤，共享和谐生活",
    "坚持以质取胜，推动科学发展",
    "重视质量安全，促进社会和谐",
    "奉献优质产品，构建和谐社会",
    "质量在我手中，用户在我心中",
    "坚持科技创新，发展自主品牌",
    "降废减损提质，节能降耗增效",
]


@pytest.fixture()
def catalogue_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "slogans"
    folder.mkdir()
    lines = [
        "[source]",
        'title = "关于开展2010年全省“质量月”活动的通知"',
        "year = 2010",
        'scope = "provincial"',
        'region = "江苏省"',
        'issuers = ["江苏省质量技术监督局"]',
        "",
    ]
    for text in JIANGSU_2010:
        lines += ["[[slogan]]", f'text = "{text}"', ""]
    (folder / "2010-jiangsu.toml").write_text("\n".join(lines), encoding="utf-8")
    return folder


@pytest.fixture()
def out_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["sms", *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def ids_by_text(catalogue_dir: Path) -> dict[str, str]:
    return {e.text: e.id for e in load_catalogue(catalogue_dir).entries}


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_table_on_stdout(catalogue_dir: Path) -> None:
    code, out, _ = run("--catalogue", str(catalogue_dir))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["编号", "字数", "条数", "短信内容"]
    rows = [line.split(maxsplit=3) for line in lines[1:]]
    assert [r[3] for r in rows] == ["【江苏质监】" + t for t in JIANGSU_2010]
    ids = ids_by_text(catalogue_dir)
    by_id = {r[0]: r for r in rows}
    # 6 + 质量诚信是企业的信誉和生命 13 = 19
    assert by_id[ids["质量诚信是企业的信誉和生命"]][1:3] == ["19", "1"]
    # 6 + 全员全过程全方位参与 10 + ， 1 + 全面提高质量安全水平 10 = 27
    assert by_id[ids["全员全过程全方位参与，全面提高质量安全水平"]][1:3] == ["27", "1"]


def test_csv_and_text_files(catalogue_dir: Path, out_dir: Path) -> None:
    target = out_dir / "短信.csv"
    code, out, err = run("--catalogue", str(catalogue_dir), "--with-hotline", "--opt-out", "回T退订", "-o", str(target))
    assert code == 0, err
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = read_rows(target)
    assert list(rows[0]) == ["id", "text", "length", "parts"]
    assert len(rows) == len(JIANGSU_2010)
    for row, slogan in zip(rows, JIANGSU_2010, strict=True):
        assert row["text"] == f"【江苏质监】{slogan}。质量投诉举报电话12365。回T退订"
    ids = ids_by_text(catalogue_dir)
    by_id = {r["id"]: r for r in rows}
    # 6 + 关注民生，重视质量 9 + 。 1 + 质量投诉举报电话12365 13 + 。 1 + 回T退订 4 = 34
    assert (by_id[ids["关注民生，重视质量"]]["length"], by_id[ids["关注民生，重视质量"]]["parts"]) == ("34", "1")
    # 6 + 21 + 1 + 13 + 1 + 4 = 46
    assert by_id[ids["全员全过程全方位参与，全面提高质量安全水平"]]["length"] == "46"
    text_file = out_dir / "短信.txt"
    assert text_file.read_text(encoding="utf-8").splitlines() == [r["text"] for r in rows]
    assert str(target) in out and "18 条短信" in out
    first = target.read_bytes(), text_file.read_bytes()
    run("--catalogue", str(catalogue_dir), "--with-hotline", "--opt-out", "回T退订", "-o", str(target))
    assert (target.read_bytes(), text_file.read_bytes()) == first
    assert sorted(p.name for p in out_dir.iterdir()) == ["短信.csv", "短信.txt"]


# 本短信为质量月公益短信 11 + ， 1 + 如不愿接收请回复R退订 11 = 23
LONG_OPT_OUT = "本短信为质量月公益短信，如不愿接收请回复R退订"


def test_max_parts_one_reports_and_leaves_out(catalogue_dir: Path, out_dir: Path) -> None:
    # fixed part: 【江苏质监】 6 + 2010年全省“质量月”活动 14 + 质量投诉举报电话12365 13 + 23 + three 。 = 59,
    # so a slogan of up to 11 characters fits in 70; 12 or more need a second part.
    target = out_dir / "sms.csv"
    args = ["--catalogue", str(catalogue_dir), "--with-name", "--with-hotline", "--opt-out", LONG_OPT_OUT]
    code, _, err = run(*args, "--max-parts", "1", "-o", str(target))
    assert code == 0, err
    ids = ids_by_text(catalogue_dir)
    rows = {r["id"]: r for r in read_rows(target)}
    fits = [t for t in JIANGSU_2010 if len(t) <= 11]
    assert sorted(rows) == sorted(ids[t] for t in fits)
    # 抓质量，讲诚信，树品牌 = 3 + 1 + 3 + 1 + 3 = 11 → exactly 70
    assert rows[ids["抓质量，讲诚信，树品牌"]]["length"] == "70"
    assert rows[ids["关注民生，重视质量"]]["length"] == "68"  # 59 + 9
    # 质量诚信是企业的信誉和生命 13 → 72, two parts: reported by id, left out, not cut
    assert f"口号 {ids['质量诚信是企业的信誉和生命']}：短信共 72 字、2 条" in err
    for text in JIANGSU_2010:
        if text not in fits:
            assert ids[text] in err
            assert not any(text[:6] in r["text"] for r in rows.values())
    # without the limit every slogan goes, the long ones in two parts
    code, out, _ = run(*args)
    assert code == 0
    assert f"{ids['质量诚信是企业的信誉和生命']}    72     2" in out


def test_phones_file(catalogue_dir: Path, out_dir: Path, tmp_path: Path) -> None:
    phones = tmp_path / "号码.csv"
    phones.write_text(
        "手机号码,姓名\n13812345678,张三\n+86 139-1234-5678,李四\n12345,王五\n13812345678,张三\n",
        encoding="utf-8",
    )
    target = out_dir / "群发.csv"
    code, out, err = run("--catalogue", str(catalogue_dir), "--slogan", "2010-04", "--phones", str(phones),
                         "-o", str(target))
    assert code == 0, err
    assert "第 4 行“12345”" in err
    assert "第 5 行“13812345678”：与第 2 行重复" in err
    rows = read_rows(out_dir / "群发.mobile.csv")
    text = "【江苏质监】质量诚信是企业的信誉和生命"
    assert rows == [{"mobile": "13812345678", "content": text}, {"mobile": "13912345678", "content": text}]
    assert (out_dir / "群发.mobile.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert "号码 2 个 × 短信 1 条 = 2 行" in out


def test_campaign_file_sets_signature_and_opt_out(catalogue_dir: Path, tmp_path: Path) -> None:
    campaign = tmp_path / "campaign.toml"
    campaign.write_text(
        'year = 2010\nsource = "2010-jiangsu"\n[sms]\nsignature = "【南京质监】"\nopt_out = "拒收请回复R"\n',
        encoding="utf-8",
    )
    code, out, _ = run("--campaign", str(campaign), "--catalogue", str(catalogue_dir))
    assert code == 0
    assert "【南京质监】关注民生，重视质量。拒收请回复R" in out
    code, out, _ = run("--campaign", str(campaign), "--catalogue", str(catalogue_dir), "--opt-out", "",
                       "--signature", "【江苏省质监局】")
    assert code == 0
    assert out.splitlines()[1].endswith("【江苏省质监局】夯实质量安全基础，促进经济又好又快发展")


def test_year_selection(catalogue_dir: Path) -> None:
    code, out, _ = run("--catalogue", str(catalogue_dir), "--year", "2010")
    assert code == 0 and len(out.splitlines()) == 1 + len(JIANGSU_2010)
    code, _, err = run("--catalogue", str(catalogue_dir), "--year", "2009")
    assert code == 2 and "没有选中任何口号" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--campaign", "{tmp}/missing.toml"], "不存在"),
        (["--campaign", "{tmp}/bad.toml"], "TOML"),
        (["--campaign", "{tmp}/badsig.toml"], "不允许的字符"),
        (["--signature", "江苏质监"], "【江苏质监】"),
        (["--opt-out", "【退订】回T"], "只能用于开头的签名"),
        (["--slogan", "2099-01"], "2099-01"),
        (["--phones", "{tmp}/empty.txt", "-o", "{out}/a.csv"], "没有号码"),
        (["--phones", "{tmp}/missing.txt", "-o", "{out}/a.csv"], "找不到号码文件"),
        (["--phones", "{tmp}/bad.txt", "-o", "{out}/a.csv"], "第 1 行"),
        (["--phones", "{tmp}/empty.txt"], "-o"),
        (["-o", "{out}/a.txt"], ".csv"),
        (["--max-parts", "0"], "--max-parts"),
        (["--max-parts", "两"], "--max-parts"),
        (["--year", "1900"], "--year"),
        (["--opt-out", "回" * 70, "--max-parts", "1", "-o", "{out}/a.csv"], "放不下任何口号"),
    ],
)
def test_bad_input_exits_2_in_chinese_and_writes_nothing(
    args: list[str], message: str, catalogue_dir: Path, out_dir: Path, tmp_path: Path
) -> None:
    (tmp_path / "bad.toml").write_text("year = \n", encoding="utf-8")
    (tmp_path / "badsig.toml").write_text('year = 2010\nsource = "2010-jiangsu"\n[sms]\nsignature = "【江 苏】"\n',
                                          encoding="utf-8")
    (tmp_path / "empty.txt").write_text("\n", encoding="utf-8")
    (tmp_path / "bad.txt").write_text("12345\n", encoding="utf-8")
    filled = [a.format(tmp=tmp_path, out=out_dir) for a in args]
    code, _, err = run("--catalogue", str(catalogue_dir), *filled)
    assert code == 2
    assert message in err
    assert "Traceback" not in err and "Error" not in err
    assert list(out_dir.iterdir()) == []


def test_bundled_catalogue_and_default_campaign(out_dir: Path) -> None:
    target = out_dir / "sms.csv"
    code, _, err = run("--with-hotline", "-o", str(target))
    assert code == 0, err
    rows = read_rows(target)
    selected = campaign_slogans(load_campaign(), load_catalogue())
    assert [r["id"] for r in rows] == [e.id for e in selected]
    assert all(r["text"].startswith("【江苏质监】") and r["text"].endswith("。质量投诉举报电话12365") for r in rows)
    theme = next(r for r in rows if "抓质量水平提升" in r["text"])
    # printed with two spaces; the catalogue's canonical form has "，" instead:
    # 6 + 抓质量水平提升 7 + ， 1 + 促发展方式转变 7 + 。 1 + 质量投诉举报电话12365 13 = 35
    assert theme["text"] == "【江苏质监】抓质量水平提升，促发展方式转变。质量投诉举报电话12365"
    assert (theme["length"], theme["parts"]) == ("35", "1")


def test_bundled_2009_slogan_hand_counted() -> None:
    code, out, _ = run("--year", "2009")
    assert code == 0
    line = next(line for line in out.splitlines() if "质量是企业的生命" in line)
    # 【江苏质监】 6 + 质量是企业的生命 8 + ， 1 + 安全是人民的生命 8 = 23, one part
    assert line.split()[1:] == ["23", "1", "【江苏质监】质量是企业的生命，安全是人民的生命"]
