"""The studio's routes through Starlette's TestClient: the real library underneath, no mocks.

Each test gets its own campaign folder. The browser journey is in test_studio_browser.py.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import time
import tomllib
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from qmposter.campaign import default_campaign_path, load_campaign
from qmposter.cli import cli as cli_root
from qmposter.errors import CampaignError
from qmposter.folder_lock import folder_lock
from qmposter.studio import campaign_form, seams
from qmposter.studio.app import create_app
from qmposter.studio.security import Secrets, inside
from qmposter.studio.state import Studio

NOTICES = Path(__file__).parent / "notices"


def _client(
    folder: Path, host: str = "127.0.0.1", templates: Path | None = None, **kwargs
) -> tuple[TestClient, Studio]:
    studio = Studio(folder / "campaign.toml", templates, Secrets.for_host(host), **kwargs)
    return TestClient(create_app(studio), base_url="http://127.0.0.1:8765"), studio


@pytest.fixture
def campaign_dir(tmp_path: Path) -> Path:
    shutil.copyfile(default_campaign_path(), tmp_path / "campaign.toml")
    return tmp_path


def _post(client: TestClient, studio: Studio, url: str, data: dict | None = None, **kwargs):
    return client.post(url, data={"csrf": studio.keys.csrf, **(data or {})}, **kwargs)


def _form(campaign: Path) -> dict:
    values = campaign_form.read_values(campaign.read_text(encoding="utf-8"))
    return {k: "\n".join(map(str, v)) if isinstance(v, list) else str(v) for k, v in values.items()
            if not k.startswith("build__")}  # fmt: skip


def test_saving_the_form_changes_the_campaign_and_keeps_its_comments(campaign_dir: Path) -> None:
    client, studio = _client(campaign_dir)
    form = {**_form(studio.campaign_path), "issuers": "如东县市场监督管理局\n如东县总工会",
            "build__templates[]": ["poster-a3-red"], "build__formats[]": ["png"]}  # fmt: skip
    response = _post(client, studio, "/campaign", form, follow_redirects=False)
    assert response.status_code == 303
    campaign = load_campaign(studio.campaign_path)
    assert campaign.issuers == ("如东县市场监督管理局", "如东县总工会")
    assert campaign.templates == ("poster-a3-red",) and campaign.formats == ("png",)
    text = studio.campaign_path.read_text(encoding="utf-8")
    assert "# 落款：联合发文的单位" in text and "# 质量投诉举报电话" in text  # comments survive the save
    data = tomllib.loads(text)
    assert "leaflet" not in data and "date" not in data  # empty optional fields stay out of the file


def test_a_refused_field_shows_the_cli_message_next_to_it_and_leaves_the_file(campaign_dir: Path) -> None:
    client, studio = _client(campaign_dir)
    before = studio.campaign_path.read_bytes()
    response = _post(client, studio, "/campaign", {**_form(studio.campaign_path), "hotline": "热线"})
    assert response.status_code == 400
    broken = campaign_dir / "broken.toml"
    broken.write_text(before.decode().replace('hotline = "12365"', 'hotline = "热线"'), encoding="utf-8")
    with pytest.raises(CampaignError) as cli_error:
        load_campaign(broken)
    expected = str(cli_error.value).replace(str(broken), str(studio.campaign_path))
    page = response.text
    field = page[page.index('data-field="hotline"'):page.index('data-field="qr_url"')]
    assert _html(expected.splitlines()[0].split("：", 1)[1]) in field  # beside the field, without the file name
    assert _html(expected) in page  # and in full at the top
    assert studio.campaign_path.read_bytes() == before


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&#34;").replace("<", "&lt;").replace(">", "&gt;")


def test_the_draft_preview_follows_the_form_without_saving(campaign_dir: Path) -> None:
    client, studio = _client(campaign_dir)
    form = _form(studio.campaign_path)
    first = client.post("/campaign/preview", data=form, headers={"X-CSRF-Token": studio.keys.csrf})
    second = client.post("/campaign/preview", data={**form, "issuers": "如东县人民政府"},
                         headers={"X-CSRF-Token": studio.keys.csrf})  # fmt: skip
    assert first.headers["content-type"] == "image/png" and second.headers["content-type"] == "image/png"
    assert first.content != second.content
    token = {"X-CSRF-Token": studio.keys.csrf}
    refused = client.post("/campaign/preview", data={**form, "year": "1900"}, headers=token)
    assert refused.status_code == 422 and refused.json()["field"] == "year"
    assert load_campaign(studio.campaign_path).issuers[0] == "江苏省质量技术监督局"


def test_posts_need_the_csrf_token_and_the_same_origin(campaign_dir: Path) -> None:
    client, studio = _client(campaign_dir)
    form = _form(studio.campaign_path)
    assert client.post("/campaign", data=form).status_code == 403
    assert client.post("/build/cancel").status_code == 403
    other_site = {"Origin": "http://evil.example"}
    assert _post(client, studio, "/campaign", form, headers=other_site).status_code == 403
    assert client.post("/build/cancel", headers={"X-CSRF-Token": studio.keys.csrf}).status_code == 200


def test_a_page_under_another_name_is_refused_on_this_machine(campaign_dir: Path) -> None:
    client, _ = _client(campaign_dir)
    assert client.get("/campaign", headers={"Host": "localhost:8765"}).status_code == 200
    assert client.get("/campaign", headers={"Host": "[::1]:8765"}).status_code == 200
    rebound = client.get("/campaign", headers={"Host": "evil.example:8765"})  # DNS rebinding to 127.0.0.1
    assert rebound.status_code == 403 and "本机地址" in rebound.text


def test_another_host_needs_the_printed_token(campaign_dir: Path) -> None:
    client, studio = _client(campaign_dir, host="0.0.0.0")
    assert studio.keys.access and len(studio.keys.access) >= 24
    assert client.get("/campaign").status_code == 403
    assert client.get("/campaign?token=wrong").status_code == 403
    assert client.get(f"/campaign?token={studio.keys.access}").status_code == 200  # redirect sets the cookie
    assert client.get("/slogans").status_code == 200
    assert Secrets.for_host("127.0.0.1").access is None


def test_paths_stay_inside_the_campaign_folder(campaign_dir: Path) -> None:
    assert inside(campaign_dir, "out/a.png") == (campaign_dir / "out" / "a.png").resolve()
    for bad in ("../x", "/etc/passwd", "out/../../x"):
        with pytest.raises(Exception, match="不在活动文件夹"):
            inside(campaign_dir, bad)
    client, _ = _client(campaign_dir)
    assert client.get("/out/..%2F..%2Fetc%2Fpasswd").status_code == 404


def test_an_upload_over_the_limit_is_refused_and_leaves_no_file(campaign_dir: Path) -> None:
    client, studio = _client(campaign_dir, upload_limit=1000)
    for size, status in ((5_000, 400), (200_000, 413)):  # caught while copying; refused by its length at once
        files = {"file": ("大通知.txt", b"x" * size, "text/plain")}
        response = client.post("/notices/parse", data={"csrf": studio.keys.csrf}, files=files)
        assert response.status_code == status and "超过" in response.text
    assert list(studio.notices_dir().iterdir()) == []


def test_a_pasted_notice_is_shown_then_imported_into_the_campaigns_catalogue(campaign_dir: Path) -> None:
    client, studio = _client(campaign_dir)
    text = (NOTICES / "2021-county.txt").read_text(encoding="utf-8")
    shown = _post(client, studio, "/notices/parse", {"text": text})
    assert shown.status_code == 200
    notice = seams.read_notice(NOTICES / "2021-county.txt")
    assert f'id="notice-year">{notice.year}<' in shown.text
    assert all(_html(s.text) in shown.text for s in notice.slogans)
    assert not (campaign_dir / "slogans").exists()  # nothing written before the confirmation
    name = next((campaign_dir / "notices").glob("*.txt")).name
    done = _post(client, studio, "/notices/import", {"file": name}, follow_redirects=False)
    assert done.status_code == 303
    catalogue = studio.catalogue()
    stem = done.headers["location"].split("source=")[1].split("&")[0]
    assert [e.text for e in catalogue.by_source(stem)] == [s.text for s in notice.slogans]
    assert "2010-jiangsu" in catalogue.sources  # earlier years stay in the campaign's catalogue


def test_picking_slogans_writes_the_campaign_selection(campaign_dir: Path) -> None:
    client, studio = _client(campaign_dir)
    catalogue = studio.catalogue()
    picked = [e.id for e in catalogue.current()[:2]]
    response = client.post("/slogans/select", data={"csrf": studio.keys.csrf, "ids": picked}, follow_redirects=False)
    assert response.status_code == 303
    campaign = load_campaign(studio.campaign_path)
    assert campaign.slogan_select == "ids" and list(campaign.slogan_ids) == picked
    page = client.get("/slogans").text
    assert page.count("checked>") >= 2 or page.count(" checked") >= 2


def test_a_layout_error_is_shown_with_the_cli_message(campaign_dir: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(Path(__file__).parents[1] / "templates", templates)
    square = templates / "image-square-1080.toml"
    text = square.read_text(encoding="utf-8")
    text = re.sub(r'min_size = "[^"]+"', 'min_size = "400px"', text)
    square.write_text(re.sub(r'max_size = "[^"]+"', 'max_size = "420px"', text), encoding="utf-8")
    cli = CliRunner().invoke(cli_root, ["render", "image-square-1080", "--slogan", "2010-01", "-o",
                                        str(tmp_path / "x.png"), "--templates", str(templates)])  # fmt: skip
    assert cli.exit_code == 2
    client, _ = _client(campaign_dir, templates=templates)
    refused = client.get("/previews/image-square-1080.png?slogan=2010-01")
    assert refused.status_code == 422
    assert f"错误：{refused.json()['error']}" in cli.output
    assert client.get("/previews/poster-a3-red.png?slogan=2010-01").headers["content-type"] == "image/png"
    missing = client.get("/previews/no-such-template.png")
    assert missing.status_code == 422 and "没有名为 no-such-template 的模板" in missing.json()["error"]


def _one_template_campaign(campaign_dir: Path, template: str = "image-square-1080") -> None:
    text = campaign_form.set_keys(campaign_dir.joinpath("campaign.toml").read_text(encoding="utf-8"),
                                  {"build.templates": [template], "build.formats": ["png"]})  # fmt: skip
    campaign_dir.joinpath("campaign.toml").write_text(text, encoding="utf-8")


def _wait(studio: Studio) -> dict:
    studio.jobs.wait(300)
    return studio.jobs.state.to_json()


def test_a_build_reaches_the_end_and_its_zips_match_their_manifests(campaign_dir: Path) -> None:
    _one_template_campaign(campaign_dir)
    client, studio = _client(campaign_dir)
    started = client.post("/build/start", headers={"X-CSRF-Token": studio.keys.csrf})
    assert started.status_code == 200
    state = _wait(studio)
    assert state["status"] == "done" and state["percent"] == 100 and state["done"] == state["total"] > 0
    assert client.get("/build/status").json()["status"] == "done"
    page = client.get("/build").text
    assert "image-square-1080" in page and "/out/index.html" in page  # the gallery was written
    assert client.get("/build/zip?kind=all").content == client.get("/build/zip?kind=all").content  # deterministic
    for query in ("kind=all", "kind=template&value=image-square-1080"):
        archive = zipfile.ZipFile(io.BytesIO(client.get(f"/build/zip?{query}").content))
        manifest = json.loads(archive.read("manifest.json"))
        names = set(archive.namelist()) - {"manifest.json"}
        assert names == {item["path"] for item in manifest["items"]} and len(names) == state["total"]
        for item in manifest["items"]:
            assert hashlib.sha256(archive.read(item["path"])).hexdigest() == item["sha256"]
    assert client.get("/build/zip?kind=unit&value=无此单位").status_code == 404


def test_a_second_build_on_the_same_folder_is_refused_by_the_build_lock(campaign_dir: Path) -> None:
    _one_template_campaign(campaign_dir)
    client, studio = _client(campaign_dir)
    (campaign_dir / "out").mkdir()
    with folder_lock(campaign_dir / "out", "build"):  # as a CLI build in progress holds it
        client.post("/build/start", headers={"X-CSRF-Token": studio.keys.csrf})
        state = _wait(studio)
    assert state["status"] == "failed" and "正被另一个 qmposter build" in state["errors"][0]
    assert not (campaign_dir / "out" / "manifest.json").exists()


def test_cancel_stops_a_build_and_keeps_whole_files(campaign_dir: Path) -> None:
    _one_template_campaign(campaign_dir, "poster-a3-red")
    client, studio = _client(campaign_dir)
    client.post("/build/start", headers={"X-CSRF-Token": studio.keys.csrf})
    deadline = time.monotonic() + 120
    while studio.jobs.state.done == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    client.post("/build/cancel", headers={"X-CSRF-Token": studio.keys.csrf})
    state = _wait(studio)
    assert state["status"] == "cancelled" and state["done"] < state["total"]
    assert not list((campaign_dir / "out").rglob("*.tmp"))
    assert not (campaign_dir / "out" / "manifest.json").exists()


def test_sms_and_leaflet_pages_use_the_cli_products(campaign_dir: Path) -> None:
    from qmposter.products import sms

    client, studio = _client(campaign_dir)
    page = client.get("/products")
    assert page.status_code == 200
    campaign = studio.campaign()
    batch = sms.compose_messages(seams.campaign_slogans(campaign, studio.catalogue()),
                                 sms.make_options(campaign.sms_signature))  # fmt: skip
    assert all(_html(m.text) in page.text for m in batch.messages)
    assert client.get("/products/sms.csv").content == sms.messages_csv(batch.messages)
    pdf = client.get("/products/leaflet.pdf?layout=a4")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


UNITS = "单位,落款,二维码,电话\n南京市局,南京市质量技术监督局,https://example.org/nj,025-12365\n苏州市局,苏州市质量技术监督局,,\n"


def test_a_units_list_builds_one_set_per_unit_and_each_unit_downloads_alone(campaign_dir: Path) -> None:
    _one_template_campaign(campaign_dir)
    client, studio = _client(campaign_dir)
    bad = client.post("/build/units", data={"csrf": studio.keys.csrf},
                      files={"units": ("units.csv", "名字\n甲\n".encode(), "text/csv")})  # fmt: skip
    assert bad.status_code == 400 and "units.csv" in bad.text and ".units-upload" not in bad.text
    assert not studio.units_path.exists() and not list(campaign_dir.glob(".units*"))
    files = {"units": ("单位.csv", UNITS.encode("utf-8"), "text/csv")}
    good = client.post("/build/units", data={"csrf": studio.keys.csrf}, files=files, follow_redirects=False)
    assert good.status_code == 303 and studio.units_path.is_file()
    client.post("/build/start", headers={"X-CSRF-Token": studio.keys.csrf})
    assert _wait(studio)["status"] == "done"
    archive = zipfile.ZipFile(io.BytesIO(client.get("/build/zip?kind=unit&value=南京市局").content))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["items"] and {item["unit"] for item in manifest["items"]} == {"南京市局"}
    assert set(archive.namelist()) - {"manifest.json"} == {item["path"] for item in manifest["items"]}


def test_each_finished_job_is_reported_with_its_failure_as_it_comes(campaign_dir: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(Path(__file__).parents[1] / "templates", templates)
    square = templates / "image-square-1080.toml"
    square.write_text(square.read_text(encoding="utf-8").replace("max_lines = 3", "max_lines = 1"), encoding="utf-8")
    _one_template_campaign(campaign_dir)
    client, studio = _client(campaign_dir, templates=templates)
    request = studio.build_request(studio.campaign())
    plan = seams.plan_build(request)
    finished: list[tuple[str, str | None]] = []
    report = seams.run_locked_build(plan, request, lambda _n: None, lambda job, err: finished.append((job.path, err)))
    assert sorted(path for path, _ in finished) == sorted(job.path for job in plan.jobs if not job.skip_reason)
    assert report.failures and sorted(e for _, e in finished if e) == sorted(report.failures)
    assert report.written == len(finished) - len(report.failures) > 0  # the other slogans were still made
    client.post("/build/start", headers={"X-CSRF-Token": studio.keys.csrf})
    state = _wait(studio)
    assert state["status"] == "failed" and state["done"] == state["total"] and state["errors"] == report.failures


def test_a_new_campaign_from_a_notice_is_init_from(tmp_path: Path) -> None:
    client, studio = _client(tmp_path)
    assert "新建活动" in client.get("/campaign").text
    notice = (NOTICES / "2021-county.txt").read_bytes()
    files = {"file": ("2021年通知.txt", notice, "text/plain")}
    typed = _post(client, studio, "/campaign/new", {"issuers": "沭阳县市场监督管理局"}, files=files,
                  follow_redirects=False)  # fmt: skip
    assert typed.status_code == 303 and typed.headers["location"] == "/campaign?saved=1"
    campaign = load_campaign(studio.campaign_path)
    parsed = seams.read_notice(NOTICES / "2021-county.txt")
    assert campaign.year == parsed.year and campaign.issuers == ("沭阳县市场监督管理局",)
    assert [e.text for e in seams.campaign_slogans(campaign, studio.catalogue())] == [s.text for s in parsed.slogans]
    other, studio2 = _client(tmp_path / "second")
    (tmp_path / "second").mkdir()
    from_notice = _post(other, studio2, "/campaign/new", files=files, follow_redirects=False)
    assert from_notice.headers["location"].endswith("note=issuers")  # the page asks to check the 落款
    assert "落款取自通知的发文单位" in other.get(from_notice.headers["location"]).text


def test_a_contradiction_the_cli_refuses_is_refused_here_too(campaign_dir: Path) -> None:
    client, studio = _client(campaign_dir)
    text = campaign_form.set_keys(studio.campaign_path.read_text(encoding="utf-8"), {"issuers": ["如东县人民政府"]})
    studio.campaign_path.write_text(text, encoding="utf-8")
    cli = CliRunner().invoke(cli_root, ["build", "--campaign", str(studio.campaign_path), "--out",
                                        str(campaign_dir / "cli-out")])  # fmt: skip
    assert cli.exit_code == 2
    page = client.get("/campaign").text
    field = page[page.index('data-field="sms__signature"'):page.index('data-field="sms__opt_out"')]
    message = cli.output.removeprefix("错误：").splitlines()[0]
    assert _html(message.split("：", 1)[1]) in field
    refused = client.post("/build/start", headers={"X-CSRF-Token": studio.keys.csrf})
    assert refused.status_code == 409 and refused.json()["error"].splitlines()[0] == message
    assert not (campaign_dir / "out").exists()


def test_a_notice_given_by_its_web_address_is_downloaded_once_and_imported(campaign_dir: Path, tmp_path: Path) -> None:
    import functools
    import http.server
    import threading

    site = tmp_path / "site"
    site.mkdir()
    shutil.copyfile(NOTICES / "2021-county.txt", site / "2021-notice.txt")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client, studio = _client(campaign_dir)
        url = f"http://127.0.0.1:{server.server_address[1]}/2021-notice.txt"
        shown = _post(client, studio, "/notices/parse", {"url": url})
        missing = _post(client, studio, "/notices/parse", {"url": url.replace("2021-notice", "none")})
    finally:
        server.shutdown()
    assert shown.status_code == 200 and 'id="notice-year">2021<' in shown.text
    assert (studio.notices_dir() / "2021-notice.txt").read_bytes() == (NOTICES / "2021-county.txt").read_bytes()
    assert missing.status_code == 400 and "404" in missing.text
    done = _post(client, studio, "/notices/import", {"file": "2021-notice.txt"}, follow_redirects=False)
    assert done.status_code == 303 and any(y == 2021 for e in studio.catalogue().entries for y in e.years)


def test_studio_command_refuses_a_taken_port_in_chinese(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli_root, ["studio", "--campaign", str(tmp_path), "--port", str(port),
                                               "--no-browser"])  # fmt: skip
    assert result.exit_code == 2 and "端口已被占用" in result.output and "Traceback" not in result.output


def test_off_this_machine_the_printed_address_carries_the_token() -> None:
    from qmposter.studio.server import ServeOptions, address

    keys = Secrets.for_host("0.0.0.0")
    url = address(ServeOptions(Path("c.toml"), None, host="0.0.0.0", port=9000), keys)
    assert url == f"http://0.0.0.0:9000/?token={keys.access}"
    assert address(ServeOptions(Path("c.toml"), None), Secrets.for_host("127.0.0.1")) == "http://127.0.0.1:8765/"


def test_a_blank_campaign_shows_what_to_fill_and_still_lists_the_catalogue(tmp_path: Path) -> None:
    client, studio = _client(tmp_path)
    assert _post(client, studio, "/campaign/example", follow_redirects=False).status_code == 303
    with pytest.raises(CampaignError) as cli_error:
        load_campaign(studio.campaign_path)
    form = client.get("/campaign").text
    assert _html(str(cli_error.value).splitlines()[0]) in form  # the CLI's message names what to fill
    slogans = client.get("/slogans").text
    assert "2010-jiangsu" in slogans and _html(str(cli_error.value).splitlines()[0]) in slogans


def test_previews_draw_with_the_process_template_until_a_file_or_folder_changes(tmp_path: Path) -> None:
    from PIL import Image

    from qmposter.studio.previews import PreviewService
    from qmposter.template_cache import loaded_template

    folder = tmp_path / "templates"
    folder.mkdir()
    shutil.copy(Path(__file__).parents[1] / "templates" / "poster-a3-red.toml", folder)
    service, campaign = PreviewService(folder), load_campaign()
    first = service.template("poster-a3-red")
    assert first is loaded_template("poster-a3-red", folder)  # the one the build and LivePreview draw with
    assert service.template("poster-a3-red") is first
    red = service.png("poster-a3-red", campaign, "质量第一", "预览").png
    # a base of the same name put in the folder shadows the bundled one (no file of `first` changed)
    base = (Path(__file__).parents[1] / "templates" / "poster-red-base.toml").read_text(encoding="utf-8")
    for shade in ("#c8161d", "#d21c22", "#b21218"):
        base = base.replace(shade, "#0b3d91")
    (folder / "poster-red-base.toml").write_text(base, encoding="utf-8")
    shadowed = service.template("poster-a3-red")
    assert shadowed is not first and folder / "poster-red-base.toml" in shadowed.files
    blue = service.png("poster-a3-red", campaign, "质量第一", "预览").png
    assert red is not None and blue is not None and red != blue
    corner = [Image.open(io.BytesIO(png)).convert("RGB").getpixel((2, 2)) for png in (red, blue)]
    assert corner[0][0] > corner[0][2] and corner[1][2] > corner[1][0]  # red ground, then blue
