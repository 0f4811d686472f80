"""`qmposter init`: a new campaign folder, blank or from this year's notice.

Plain `init` writes campaigns/new.toml as it is: every field that names a body or a
year holds a "请填写…" placeholder that `load_campaign` refuses, so nothing prints until
the user has filled it in. `init --from NOTICE` imports the notice into the campaign's
own catalogue (DIR/slogans/) and fills the same file from it: year, name, theme, source
and slogan selection from the notice; the 落款 from `--issuer` (a county reprinting a
national notice) or else from the notice's own issuers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import tomlkit

from qmposter.campaign import CAMPAIGN_FILE_NAME, OWN_CATALOGUE, PLACEHOLDER, load_campaign
from qmposter.catalogue.importing import ImportPlan, import_notices
from qmposter.catalogue.model import Notice
from qmposter.errors import CampaignError
from qmposter.fileio import atomic_write_bytes
from qmposter.products.sms import SIGNATURE_MAX
from qmposter.resources import bundled_dir

_HEADER_NOTE = re.compile(r"^# 凡是写着“请填写”.*?\n(?=\n)", re.MULTILINE | re.DOTALL)
_HOTLINE_LINE = '# hotline = "12315"'
_DATE_LINE = '# date = "2026-09-01"'
_MUST_EDIT = "【必改】"


@dataclass(frozen=True)
class InitResult:
    """What `init` wrote: the campaign file, and with --from the notice's catalogue file and what was filled."""

    campaign: Path
    imported: ImportPlan | None = None
    issuers_from_notice: bool = False
    signature: str | None = None


def blank_campaign_text() -> str:
    """The commented campaign.toml with placeholders (campaigns/new.toml)."""
    return (bundled_dir("campaigns") / "new.toml").read_text(encoding="utf-8")


def init_blank(directory: Path, *, force: bool = False) -> InitResult:
    """Write DIR/campaign.toml with placeholders; refuse to overwrite one unless `force`."""
    target = _target(directory, force)
    atomic_write_bytes(target, blank_campaign_text().encode("utf-8"))
    return InitResult(target)


def plan_notice_import(source: str | Path, folder: Path) -> ImportPlan:
    """The one place `init --from` reads a notice (file or URL, any format the readers know), writing nothing."""
    plan = import_notices([source], folder, dry_run=True)[0]
    if plan.action == "skip":
        raise CampaignError(
            f"{plan.notice_path.name}：{plan.reason}，不能据此建立活动。",
            hint="用当年开展“质量月”活动的通知（附有宣传口号的那一份）。",
        )
    return plan


def init_from_notice(
    directory: Path,
    notice_source: str | Path,
    *,
    issuers: tuple[str, ...] = (),
    hotline: str | None = None,
    qr_url: str | None = None,
    force: bool = False,
) -> InitResult:
    """Import the notice into DIR/slogans/ and write DIR/campaign.toml filled from it.

    Everything is checked first (the notice parses, the campaign it gives loads) so a
    failure writes nothing; then the catalogue file and the campaign file are written.
    """
    target = _target(directory, force)
    folder = target.parent / OWN_CATALOGUE
    plan = plan_notice_import(notice_source, folder)
    notice = plan.notice
    chosen = tuple(i.strip() for i in issuers if i.strip()) or notice.issuers
    signature = _signature(chosen)
    text = _filled_text(notice, plan.target.stem, chosen, hotline, qr_url, signature, plan.notice_path.name)
    _check_loads(text, target)
    if plan.action in ("write", "replace"):  # read once: a URL is not fetched twice
        atomic_write_bytes(plan.target, plan.text.encode("utf-8"))
    atomic_write_bytes(target, text.encode("utf-8"))
    return InitResult(target, plan, issuers_from_notice=not issuers and bool(notice.issuers), signature=signature)


def _target(directory: Path, force: bool) -> Path:
    directory = Path(directory)
    target = directory / CAMPAIGN_FILE_NAME
    if directory.exists() and not directory.is_dir():
        raise CampaignError(f"{directory} 不是文件夹。", hint="给 init 一个新的或已有的文件夹名。")
    if target.exists() and not force:
        raise CampaignError(
            f"{target} 已经存在，没有改动它。", hint="要重新生成它，请加 --force（原文件的修改会丢失）。"
        )
    return target


_BOOK_TITLE = re.compile(r"《([^》]*质量月[^》]*)》")
_ISSUERS_ABOUT = re.compile(r"^[^“”《》]*?关于")  # "XX局等十部门关于", "中共XX县委宣传部 XX县市场监督管理局关于"
_VERB = re.compile(r"^(?:开展|组织开展|举办|做好|印发)")
_TAIL = re.compile(r"(?:的|工作的)?(?:通知|实施方案|工作方案|方案)$")
_ANY_YEAR = re.compile(r"(?:19|20)\d\d")


def campaign_name(notice: Notice) -> str:
    """The activity the title names: issuers, 关于开展 and 的通知 dropped; the notice's year put in when missing.

    "浙江省市场监督管理局等十部门关于开展2025年全省“质量月”活动的通知" and
    "关于印发《2025年全省“质量月”活动方案》的通知" both give 2025年全省“质量月”活动.
    """
    title = (notice.title or "").strip()
    book = _BOOK_TITLE.search(title)
    if book:
        title = book.group(1)
    elif "质量月" not in title.partition("关于")[0]:
        title = _ISSUERS_ABOUT.sub("", title, count=1)
    title = _TAIL.sub("", _VERB.sub("", title.strip())).strip()
    title = re.sub(r"活动(?:实施|工作)?方案$", "活动", title)
    if notice.year is None or "质量月" not in title or "征集" in title:
        return f"{notice.year}年“质量月”活动"
    if not _ANY_YEAR.search(title):  # "关于开展全市“质量月”活动的通知" dated 2025
        return f"{notice.year}年{title}"
    return title if str(notice.year) in title else f"{notice.year}年“质量月”活动"


def _signature(issuers: tuple[str, ...]) -> str | None:
    """【first issuer】 when a platform would accept it (Han/letters/digits, ≤ 16); else none is written."""
    first = issuers[0] if issuers else ""
    if first and len(first) <= SIGNATURE_MAX and re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9]{2,}", first):
        return f"【{first}】"
    return None


def _filled_text(
    notice: Notice,
    stem: str,
    issuers: tuple[str, ...],
    hotline: str | None,
    qr_url: str | None,
    signature: str | None,
    notice_name: str,
) -> str:
    doc = tomlkit.parse(blank_campaign_text())
    if notice.year is None:
        raise CampaignError(f"通知 {notice_name} 中找不到年份，无法生成活动文件。", hint="检查通知标题是否写明年份。")
    doc["year"] = notice.year
    doc["name"] = campaign_name(notice)
    doc["theme"] = notice.theme or f"{PLACEHOLDER}活动主题（通知中没有找到）"
    doc["source"] = stem
    listed = tomlkit.array()
    listed.extend(issuers or [f"{PLACEHOLDER}落款（通知中没有找到发文单位，请用 --issuer 给出）"])
    listed.multiline(True)
    doc["issuers"] = listed
    doc["qr_url"] = qr_url or ""
    doc["sms"]["signature"] = signature or ""  # type: ignore[index]
    text = tomlkit.dumps(doc)
    if hotline is not None:
        text = text.replace(_HOTLINE_LINE, f"hotline = {tomlkit.string(hotline).as_string()}", 1)
    if issuers == notice.issuers and notice.date:  # the notice's own 落款: its date is theirs too
        text = text.replace(_DATE_LINE, f"date = {tomlkit.string(notice.date).as_string()}", 1)
    title = f"《{notice.title}》" if notice.title else notice_name
    number = f"（{notice.doc_number}）" if notice.doc_number else ""
    who = " --issuer" if issuers != notice.issuers else "通知的落款（通知是本单位发的才对；否则请改成本单位）"
    note = (
        f"# 由 qmposter init --from {notice_name} 生成：年份、名称、主题和口号取自{title}{number}，\n"
        f"# 口号已导入本活动的口号库 {OWN_CATALOGUE}/{stem}.toml；落款取自{who}。\n"
        "# 请核对标有【请核对】的各项，然后运行：qmposter build --campaign campaign.toml\n"
    )
    return _HEADER_NOTE.sub(lambda _m: note, text, count=1).replace(_MUST_EDIT, "【请核对】")


def _check_loads(text: str, target: Path) -> None:
    """The filled file must load (no placeholder left but those the notice could not fill)."""
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / CAMPAIGN_FILE_NAME
        path.write_text(text, encoding="utf-8")
        try:
            load_campaign(path)
        except CampaignError as error:
            if PLACEHOLDER not in error.message:
                raise CampaignError(str(error).replace(str(path), str(target))) from None
