"""The library calls the studio makes, in one place: the CLI's code paths, never a copy.

Other parts of qmposter are moving while the studio is written (a reader for every notice
format, per-campaign catalogues, a build package with a lock); each function here is the
one spot that follows such a move.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qmposter.build.plan import BuildRequest, Job, Plan, output_dpi, plan_build
from qmposter.build.run import BuildReport, run_build
from qmposter.campaign import (
    OWN_CATALOGUE,
    Campaign,
    bundled_and_own,
    campaign_slogans,
    load_campaign,
    own_catalogue_dir,
)
from qmposter.campaign_init import InitResult, init_blank
from qmposter.campaign_init import init_from_notice as _init_from_notice
from qmposter.catalogue.catalogue import Catalogue, Entry
from qmposter.catalogue.importing import ImportPlan, import_notices
from qmposter.catalogue.model import Notice
from qmposter.catalogue.notice import parse_notice_file
from qmposter.errors import InputError
from qmposter.studio.notice_files import free_name

__all__ = [
    "BuildReport",
    "BuildRequest",
    "Campaign",
    "Catalogue",
    "Entry",
    "ImportPlan",
    "InitResult",
    "Job",
    "Notice",
    "Plan",
    "campaign_catalogue",
    "campaign_slogans",
    "campaign_warnings",
    "import_notice",
    "import_preview",
    "init_blank",
    "init_from_notice",
    "load_campaign",
    "output_dpi",
    "own_folder",
    "plan_build",
    "read_notice",
    "run_build",
]  # fmt: skip


def read_notice(path: Path) -> Notice:
    """Parse a saved notice file with the reader `slogans parse` uses."""
    return parse_notice_file(path)


def campaign_warnings(campaign: Campaign, catalogue: Catalogue) -> list[str]:
    """The checks `build`, `sms` and `leaflet` make first: CampaignError on a contradiction, else warnings."""
    from qmposter.consistency import check_campaign

    return check_campaign(campaign, catalogue)


def own_folder(campaign_path: Path) -> Path:
    """The campaign's own catalogue folder (campaign.toml `catalogue`, default slogans/ beside it)."""
    return own_catalogue_dir(campaign_path) if campaign_path.is_file() else campaign_path.parent / OWN_CATALOGUE


def campaign_catalogue(campaign_path: Path) -> Catalogue:
    """What every command given `--campaign` reads: the bundled catalogue merged with the campaign's own."""
    return bundled_and_own(own_folder(campaign_path))


def import_notice(path: Path, campaign_path: Path, *, dry_run: bool) -> ImportPlan:
    """`slogans import NOTICE --campaign FILE`: plan (and unless dry_run, write) one notice."""
    return import_notices([path], own_folder(campaign_path), dry_run=dry_run)[0]


def import_preview(path: Path, campaign_path: Path) -> tuple[ImportPlan, Catalogue]:
    """What importing `path` would do, and the campaign's catalogue as it would then be.

    The import is made in a scratch copy of the campaign's own folder and the copy is read
    with the bundled catalogue, so variant families and earlier years come from the
    catalogue's own code, and nothing is written until the person confirms.
    """
    import tempfile

    own = own_folder(campaign_path)
    with tempfile.TemporaryDirectory(prefix="qmposter-import-") as scratch:
        folder = Path(scratch) / own.name
        folder.mkdir()
        for file in sorted(own.glob("*.toml")) if own.is_dir() else []:
            (folder / file.name).write_bytes(file.read_bytes())
        (plan,) = import_notices([path], folder, dry_run=False)
        return plan, bundled_and_own(folder)


def init_from_notice(path: Path, directory: Path, issuers: tuple[str, ...] = ()) -> InitResult:
    """`qmposter init DIR --from NOTICE [--issuer …]`."""
    return _init_from_notice(directory, path, issuers=issuers)


def run_locked_build(
    plan: Plan, request: BuildRequest, on_progress: Callable[[int], None], on_job: Callable[[Job, str | None], None]
) -> BuildReport:
    """`qmposter build`, which holds the output folder's lock: another tab or a CLI build is refused."""
    return run_build(plan, request, on_progress=on_progress, on_job=on_job)


def fetch_notice(url: str, folder: Path, limit: int) -> Path:
    """Download a notice by its web address (the readers' own fetch: size cap, Chinese errors) into `folder`,
    so it is parsed, shown and imported as a saved file, and imported bytes are the ones shown."""
    from urllib.parse import unquote, urlsplit

    from qmposter.readers.fetch import fetch, is_url

    if not is_url(url):
        raise InputError(f"“{url}”不是网址：请填写以 http:// 或 https:// 开头的地址。")
    data, kind = fetch(url, limit)
    name = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]) or "通知"
    if "." not in name:
        name += ".html" if "html" in kind else ".pdf" if "pdf" in kind else ".txt"
    target = free_name(folder, name)
    target.write_bytes(data)
    return target
