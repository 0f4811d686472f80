"""导入通知: a notice by upload, paste or address → what was read → import into the campaign's catalogue."""

from __future__ import annotations

import asyncio
from pathlib import Path

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from qmposter.catalogue.catalogue import Catalogue
from qmposter.catalogue.model import Notice
from qmposter.errors import InputError, QmposterError
from qmposter.studio import seams
from qmposter.studio.notice_files import free_name
from qmposter.studio.routes.common import checked_form, studio_of
from qmposter.studio.security import inside, save_upload
from qmposter.studio.state import Studio
from qmposter.studio.views import page


async def show(request: Request) -> Response:
    return page(request, "notices.html", {"active": "notices"})


async def notice_from_form(studio: Studio, form: FormData) -> Path:
    """Save the uploaded file, pasted text or downloaded address into DIR/notices/; return its path."""
    upload, pasted, url = form.get("file"), form.get("text"), form.get("url")
    folder = studio.notices_dir()
    if isinstance(upload, UploadFile) and upload.filename:
        return await save_upload(upload, free_name(folder, upload.filename), studio.upload_limit)
    if isinstance(pasted, str) and pasted.strip():
        target = free_name(folder, "粘贴的通知.txt")
        target.write_text(pasted.replace("\r\n", "\n"), encoding="utf-8")
        return target
    if isinstance(url, str) and url.strip():
        return await asyncio.to_thread(seams.fetch_notice, url.strip(), folder, studio.upload_limit)
    raise InputError("没有收到通知：请拖入或选择文件、粘贴全文，或填写网址。")


def created_url(result: seams.InitResult) -> str:
    """The 活动 page after `init --from`, reminding to check the 落款 when they came from the notice."""
    return "/campaign?saved=1" + ("&note=issuers" if result.issuers_from_notice else "")


def issuers_from(form: FormData) -> tuple[str, ...]:
    """The 落款 typed on the new-campaign form (one body a line); empty: the notice's own."""
    text = form.get("issuers")
    return tuple(line.strip() for line in text.splitlines() if line.strip()) if isinstance(text, str) else ()


async def parse(request: Request) -> Response:
    studio = studio_of(request)
    form = await checked_form(request)
    try:
        path = await notice_from_form(studio, form)
        plan, catalogue = seams.import_preview(path, studio.campaign_path)
    except QmposterError as error:
        return page(request, "notices.html", {"active": "notices", "error": str(error)}, 400)
    rows = _slogan_rows(plan.notice, catalogue, plan.target.stem)
    return page(request, "notice_parsed.html", {
        "active": "notices", "notice": plan.notice, "plan": plan, "rows": rows, "file": path.name,
        "has_campaign": studio.exists,
    })  # fmt: skip


def _slogan_rows(notice: Notice, catalogue: Catalogue, stem: str) -> list[dict]:
    """Each slogan of the notice with its entry, the other wordings of its family and the earlier years."""
    by_text = {entry.text: entry for entry in catalogue.entries}
    rows = []
    for slogan in notice.slogans:
        entry = by_text.get(slogan.text)
        family = [e for e in catalogue.family(entry.family) if e.id != entry.id] if entry else []
        earlier = sorted({y for y in (entry.years if entry else ()) if y != notice.year})
        rows.append({"slogan": slogan, "entry": entry, "family": family, "earlier": earlier})
    return rows


async def confirm(request: Request) -> Response:
    studio = studio_of(request)
    form = await checked_form(request)
    name = form.get("file")
    try:
        if not isinstance(name, str) or not name:
            raise InputError("缺少要导入的通知文件名：请重新上传。")
        path = inside(studio.notices_dir(), name)
        if not studio.exists:
            return RedirectResponse(created_url(seams.init_from_notice(path, studio.folder)), status_code=303)
        plan = seams.import_notice(path, studio.campaign_path, dry_run=False)
    except QmposterError as error:
        return page(request, "notices.html", {"active": "notices", "error": str(error)}, 400)
    return RedirectResponse(f"/slogans?source={plan.target.stem}&imported=1", status_code=303)
