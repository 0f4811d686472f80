"""`qmposter build` at scale: shards, per-unit sets, a build killed midway, a dask cluster.

Same small inputs as test_build.py (its fixture and helpers are reused).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from test_build import CAMPAIGN_URL, all_files, make_inputs, manifest, run, sha256, slogan_ids

from qmposter.build.plan import BuildRequest, plan_build

REPO = Path(__file__).resolve().parent.parent
BOTH = ("--template", "tiny-image", "--template", "tiny-print")  # 3 + 3×2 = 9 jobs


@pytest.fixture
def inputs(tmp_path: Path) -> dict[str, Path]:
    return make_inputs(tmp_path)


# -- shards ---------------------------------------------------------------------------------------------


def test_shards_partition_the_jobs_and_merge_into_the_full_manifest(inputs: dict[str, Path]) -> None:
    full, shared = inputs["root"] / "full", inputs["root"] / "shared"
    assert run(inputs, *BOTH, out=full).exit_code == 0
    parts = []
    for index in (1, 2, 3):
        result = run(inputs, *BOTH, "--shard", f"{index}/3", out=shared)
        assert result.exit_code == 0, result.output
        assert f"第 {index}/3 份，共 3 项" in result.output  # 9 jobs: every third one
        parts.append(json.loads((shared / f"manifest.shard-{index}-of-3.json").read_text(encoding="utf-8")))
    assert not (shared / "manifest.json").exists()
    paths = [[item["path"] for item in part["items"]] for part in parts]
    full_paths = [item["path"] for item in manifest(full)["items"]]
    assert sorted(p for part in paths for p in part) == sorted(full_paths)  # union = the full set …
    assert len({p for part in paths for p in part}) == len(full_paths)  # … with no overlap
    assert paths[0] == full_paths[0::3] and paths[1] == full_paths[1::3] and paths[2] == full_paths[2::3]

    merged = run(inputs, *BOTH, "--merge-shards", out=shared)
    assert merged.exit_code == 0 and "已合并 3 个分片清单" in merged.output
    assert (shared / "manifest.json").read_bytes() == (full / "manifest.json").read_bytes()
    assert (shared / "manifest.csv").read_bytes() == (full / "manifest.csv").read_bytes()
    products = [p for p in all_files(full) if not p.startswith(("manifest", "."))]
    assert all((shared / p).read_bytes() == (full / p).read_bytes() for p in products)

    # a full run over the shards' output reuses their files and writes only the manifest
    again = run(inputs, *BOTH, out=shared)
    assert "新写出 0 个文件，未变 9 个" in again.output
    assert (shared / "manifest.json").read_bytes() == (full / "manifest.json").read_bytes()


def test_merge_refuses_missing_shards(inputs: dict[str, Path]) -> None:
    assert run(inputs, *BOTH, "--shard", "2/3").exit_code == 0
    result = run(inputs, *BOTH, "--merge-shards")
    assert result.exit_code == 2 and "缺少分片 1、3" in result.output


# -- units -----------------------------------------------------------------------------------------------


UNITS_CSV = (
    "单位,落款,二维码,电话,备注\n"
    "南京市质量技术监督局,南京市质量技术监督局；南京市经济和信息化委员会,https://example.org/nanjing,025-12365,\n"
    "苏州 工业园区/质监分局,,https://example.org/suzhou,,园区\n"
    "=HYPERLINK(1),,,,\n"
)


def test_units_csv_builds_a_set_per_unit_with_its_own_issuer_and_qr(inputs: dict[str, Path]) -> None:
    units = inputs["root"] / "units.csv"
    units.write_bytes(UNITS_CSV.encode("gb18030"))  # as Excel on Chinese Windows saves it
    result = run(inputs, "--template", "tiny-image", "--units", str(units))
    assert result.exit_code == 0, result.output
    out = inputs["out"]
    items = manifest(out)["items"]
    ids = slogan_ids()
    assert [(it["unit"], it["slogan_id"]) for it in items] == [
        (unit, i) for unit in ("南京市质量技术监督局", "苏州 工业园区/质监分局", "=HYPERLINK(1)") for i in ids
    ]
    folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert folders == sorted(["南京市质量技术监督局", "苏州工业园区质监分局", "=HYPERLINK(1)"])
    expected_urls = {
        "南京市质量技术监督局": "https://example.org/nanjing",
        "苏州 工业园区/质监分局": "https://example.org/suzhou",
    }
    for item in items:
        path = out / item["path"]
        assert sha256(path) == item["sha256"]
        with Image.open(path) as image:
            decoded = [r.text for r in zxingcpp.read_barcodes(image.convert("L"))]
        assert decoded == [expected_urls.get(item["unit"], CAMPAIGN_URL)]  # a unit without a URL: the campaign's
    csv_text = (out / "manifest.csv").read_bytes().decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in csv_text and "\n=HYPERLINK" not in csv_text and ",=HYPERLINK" not in csv_text
    # each unit signs with its own 落款 (the unit's name when the cell is empty) and hotline
    plan = plan_build(BuildRequest(campaign_path=inputs["campaign"], templates_dir=inputs["templates"],
                                   templates=("tiny-image",), units_path=units))  # fmt: skip
    contents = {job.unit: job.content for job in plan.jobs}
    assert contents["南京市质量技术监督局"].issuers == ("南京市质量技术监督局", "南京市经济和信息化委员会")
    assert contents["南京市质量技术监督局"].hotline == "025-12365"
    assert contents["苏州 工业园区/质监分局"].issuers == ("苏州 工业园区/质监分局",)
    assert contents["苏州 工业园区/质监分局"].hotline == "12365"  # the campaign's
    assert contents["苏州 工业园区/质监分局"].unit == "苏州 工业园区/质监分局"


def test_a_bad_units_csv_names_row_and_column(inputs: dict[str, Path]) -> None:
    units = inputs["root"] / "units.csv"
    units.write_text("单位,二维码\n甲单位,https://example.org/a\n乙单位,example.org/b\n", encoding="utf-8")
    result = run(inputs, "--template", "tiny-image", "--units", str(units))
    assert result.exit_code == 2
    assert "第 3 行第 B 列（二维码）" in result.output and "http" in result.output
    assert not inputs["out"].exists()


# -- killed and resumed -----------------------------------------------------------------------------


def _build_command(inputs: dict[str, Path], out: Path) -> list[str]:
    return [
        sys.executable, "-m", "qmposter", "build", "--campaign", str(inputs["campaign"]),
        "--templates", str(inputs["templates"]), "--out", str(out), "--template", "tiny-print",
        "--units", str(inputs["root"] / "units.csv"), "--jobs", "1",
    ]  # fmt: skip


def test_a_build_killed_midway_leaves_only_whole_files_and_the_next_run_completes_it(
    inputs: dict[str, Path],
) -> None:
    # 6 units × 3 slogans × (PDF + PNG) = 36 jobs, written one by one in job order
    rows = "".join(f"测试单位{n},,https://example.org/u{n},,\n" for n in range(1, 7))
    (inputs["root"] / "units.csv").write_text("单位,落款,二维码,电话,备注\n" + rows, encoding="utf-8")
    reference, out = inputs["root"] / "reference", inputs["root"] / "killed"
    assert run(inputs, "--template", "tiny-print", "--units", str(inputs["root"] / "units.csv"),
               out=reference).exit_code == 0  # fmt: skip
    expected = all_files(reference)
    products = [p for p in expected if not p.startswith(("manifest", "."))]
    assert len(products) == 36

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    process = subprocess.Popen(_build_command(inputs, out), env=env, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if sum(1 for p in products if (out / p).exists()) >= 4:
            break
        time.sleep(0.005)
    assert process.poll() is None, "the build finished before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    process.stderr.close()

    done = [p for p in products if (out / p).exists()]
    assert 4 <= len(done) < 36
    for name in done:  # nothing truncated under a final name
        assert (out / name).read_bytes() == expected[name], name
    assert not (out / "manifest.json").exists()

    resumed = subprocess.run(_build_command(inputs, out), env=env, capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    assert f"未变 {len(done)} 个" in resumed.stdout or f"未变 {len(done) - 1} 个" in resumed.stdout
    assert all_files(out) == expected  # no temporary file left, every byte as in an uninterrupted build


# -- dask ---------------------------------------------------------------------------------------------------


def test_dask_local_cluster_gives_the_same_files(inputs: dict[str, Path]) -> None:
    distributed = pytest.importorskip("distributed")
    local, remote = inputs["root"] / "local", inputs["root"] / "dask"
    assert run(inputs, *BOTH, "--jobs", "1", out=local).exit_code == 0
    # worker processes: jobs and outcomes really travel pickled, as they do to a remote cluster
    cluster_options = {"n_workers": 1, "threads_per_worker": 1, "processes": True, "dashboard_address": None}
    with distributed.LocalCluster(**cluster_options) as cluster:
        result = run(inputs, *BOTH, "--executor", "dask", "--scheduler", cluster.scheduler_address, out=remote)
    assert result.exit_code == 0, result.output
    assert "新写出 9 个文件" in result.output
    assert all_files(remote) == all_files(local)


def test_dask_needs_a_scheduler(inputs: dict[str, Path]) -> None:
    result = run(inputs, *BOTH, "--executor", "dask")
    assert result.exit_code == 2 and "--scheduler" in result.output


def test_dask_unreachable_scheduler_is_a_clear_error(inputs: dict[str, Path], monkeypatch) -> None:
    pytest.importorskip("distributed")
    from qmposter.build import dask_executor

    monkeypatch.setattr(dask_executor, "DASK_CONNECT_SECONDS", 1)
    result = run(inputs, "--template", "tiny-image", "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9")
    assert result.exit_code == 2 and "无法连接 dask 调度器 tcp://127.0.0.1:9" in result.output
