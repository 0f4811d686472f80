"""The library calls the studio makes, in one place: the CLI's code paths, never a copy.

Other parts of qmposter are moving while the studio is written (a reader for every notice
format, per-campaign catalogues, a build package with a lock); each function here is the
one spot that follows such a move.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qmposter.build.plan import BuildRequest, Plan, output_dpi, plan_build
from qmposter.build.run import BuildReport, run_build
from qmposter.campaign import Campaign, campaign_slogans, load_campaign
from qmposter.catalogue.catalogue import Catalogue, Entry, load_catalogue
from qmposter.catalogue.model import Notice
from qmposter.catalogue.notice import parse_notice_file
from qmposter.catalogue.store import ImportPlan, import_notices
from qmposter.errors import InputError
from qmposter.resources import bundled_dir

CATALOGUE_FOLDER = "slogans"  # a campaign's own catalogue: DIR/slogans next to DIR/campaign.toml

__all__ = [
    "BuildReport",
    "BuildRequest",
    "Campaign",
    "Catalogue",
    "Entry",
    "ImportPlan",
    "Notice",
    "Plan",
    "campaign_catalogue",
    "campaign_catalogue_dir",
    "campaign_slogans",
    "import_notice",
    "load_campaign",
    "output_dpi",
    "plan_build",
    "read_notice",
    "run_build",
]


def read_notice(path: Path) -> Notice:
    """Parse a saved notice file with the reader `slogans parse` uses."""
    return parse_notice_file(path)


def campaign_catalogue_dir(campaign_dir: Path) -> Path | None:
    """The campaign's own catalogue folder, or None to use the bundled catalogue."""
    own = campaign_dir / CATALOGUE_FOLDER
    return own if own.is_dir() and any(own.glob("*.toml")) else None


def campaign_catalogue(campaign_dir: Path) -> Catalogue:
    """The catalogue `--catalogue DIR/slogans` would load (the bundled one until the campaign has its own)."""
    return load_catalogue(campaign_catalogue_dir(campaign_dir))


def import_notice(path: Path, campaign_dir: Path, *, dry_run: bool) -> ImportPlan:
    """`slogans import NOTICE --catalogue DIR/slogans`: plan (and unless dry_run, write) one notice.

    A campaign's own catalogue starts as a copy of the bundled files so the campaign keeps
    every earlier year (variant families need them) and gains the new notice.
    """
    folder = campaign_dir / CATALOGUE_FOLDER
    if not dry_run:
        _seed_catalogue(folder)
    (plan,) = import_notices([path], folder, dry_run=dry_run)
    return plan


def import_preview(path: Path, campaign_dir: Path) -> tuple[ImportPlan, Catalogue]:
    """What importing `path` would do, and the campaign's catalogue as it would then be.

    The import is planned in a scratch copy of the campaign's catalogue and that copy is
    loaded, so variant families and earlier years come from the catalogue's own code.
    """
    import tempfile

    source = campaign_catalogue_dir(campaign_dir) or bundled_dir("slogans")
    with tempfile.TemporaryDirectory(prefix="qmposter-import-") as scratch:
        folder = Path(scratch)
        for file in sorted(source.glob("*.toml")):
            (folder / file.name).write_bytes(file.read_bytes())
        (plan,) = import_notices([path], folder, dry_run=False)
        return plan, load_catalogue(folder)


def _seed_catalogue(folder: Path) -> None:
    if folder.is_dir() and any(folder.glob("*.toml")):
        return
    folder.mkdir(parents=True, exist_ok=True)
    for source in sorted(bundled_dir("slogans").glob("*.toml")):
        (folder / source.name).write_bytes(source.read_bytes())


def run_locked_build(plan: Plan, request: BuildRequest, on_progress: Callable[[int], None]) -> BuildReport:
    """`qmposter build`, which holds the output folder's lock: another tab or a CLI build is refused."""
    return run_build(plan, request, on_progress=on_progress)



def init_from_notice(notice_path: Path, directory: Path) -> Path:
    """`qmposter init DIR --from NOTICE`: a campaign.toml filled from the notice, its slogans imported.

    Until `init --from` is in the library this writes the CLI's commented example and fills in
    the notice's year, theme, 落款 and source with tomlkit (comments kept).
    """
    import tomlkit

    from qmposter.campaign import default_hotline, write_example_campaign

    plan = import_notice(notice_path, directory, dry_run=False)
    notice = plan.notice
    if notice.year is None:
        raise InputError(f"通知 {notice_path.name} 中找不到活动年份，无法据此新建活动。", hint="请先在通知中补上年份。")
    target = write_example_campaign(directory)
    document = tomlkit.parse(target.read_text(encoding="utf-8"))
    document["year"] = notice.year
    document["name"] = f"{notice.year}年“质量月”活动"
    document["theme"] = notice.theme or ""
    document["source"] = plan.target.stem
    document["issuers"] = _lines(list(notice.issuers))
    document["hotline"] = default_hotline(notice.year)
    document["slogans"]["select"] = "source"
    document["sms"]["signature"] = ""
    target.write_text(tomlkit.dumps(document), encoding="utf-8")
    return target


def _lines(items: list[str]):
    import tomlkit

    array = tomlkit.array()
    array.extend(items)
    return array.multiline(len(items) > 1)


def fetch_notice(url: str, folder: Path, limit: int) -> Path:
    """A notice given by its web address, saved into `folder` (the reader `slogans import` uses)."""
    raise InputError(
        f"暂不能从网址读取通知：{url}",
        hint="请在浏览器中打开该网址，把通知全文复制后粘贴到上面的文本框，或另存为文件后上传。",
    )
