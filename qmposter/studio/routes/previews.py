"""版式预览: every template with the chosen slogan, a large view with downloads, and designer mode (SSE)."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from qmposter.campaign import Campaign
from qmposter.catalogue.catalogue import Entry
from qmposter.errors import InputError, QmposterError
from qmposter.studio.previews import CARD_PX, LARGE_PX
from qmposter.studio.routes.common import json_error, studio_of
from qmposter.studio.state import Studio
from qmposter.studio.views import page

DOWNLOADS = {"pdf": "application/pdf", "png": "image/png"}


def _context(studio: Studio, ref: str | None) -> tuple[Campaign, list[Entry], Entry]:
    """The saved campaign, its slogans, and the one asked for (default: the first)."""
    campaign, _ = studio.checked_campaign()
    catalogue = studio.catalogue()
    entries = studio.selected(campaign, catalogue)
    chosen = catalogue.resolve(ref) if ref else entries[0]
    return campaign, entries, chosen


async def show(request: Request) -> Response:
    studio = studio_of(request)
    try:
        campaign, entries, chosen = _context(studio, request.query_params.get("slogan"))
        names = studio.previews.names()
    except QmposterError as error:
        return page(request, "previews.html", {"active": "previews", "error": str(error), "cards": []}, 400)
    cards = [{"name": name, "title": _title(studio, name)} for name in names]
    options = [(e.id, e.alias_in(campaign.year), e.text) for e in entries]
    return page(request, "previews.html", {
        "active": "previews", "cards": cards, "options": options, "chosen": chosen.id,
        "templates_dir": str(studio.templates_dir or "内置模板"),
    })  # fmt: skip


def _title(studio: Studio, name: str) -> str:
    try:
        return studio.previews.template(name).title or name
    except QmposterError:
        return name


async def image(request: Request) -> Response:
    """One card's picture; 422 with the CLI's message when the layout fails, 409 when the template skips it."""
    studio = studio_of(request)
    name = request.path_params["name"]
    size = LARGE_PX if request.query_params.get("size") == "large" else CARD_PX
    try:
        campaign, _, entry = _context(studio, request.query_params.get("slogan"))
        shown = await asyncio.to_thread(studio.previews.png, name, campaign, entry.text,
                                        entry.alias_in(campaign.year), size)  # fmt: skip
    except QmposterError as error:
        return json_error(error, 422)
    if shown.png is None:
        return JSONResponse({"error": f"此模板不用于这条口号：{shown.skipped}", "skipped": True}, status_code=409)
    return Response(shown.png, media_type="image/png", headers={"Cache-Control": "no-store"})


async def large(request: Request) -> Response:
    studio = studio_of(request)
    name = request.path_params["name"]
    try:
        campaign, entries, chosen = _context(studio, request.query_params.get("slogan"))
        template = studio.previews.template(name)
    except QmposterError as error:
        return page(request, "previews.html", {"active": "previews", "error": str(error), "cards": []}, 400)
    return page(request, "preview_large.html", {
        "active": "previews", "template": template, "chosen": chosen, "alias": chosen.alias_in(campaign.year),
        "options": [(e.id, e.alias_in(campaign.year), e.text) for e in entries],
    })  # fmt: skip


async def download(request: Request) -> Response:
    """The PDF (print, with bleed) or PNG the build would write for this template and slogan."""
    studio = studio_of(request)
    name, fmt = request.path_params["name"], request.path_params["fmt"]
    try:
        if fmt not in DOWNLOADS:
            raise InputError(f"不能下载 {fmt} 格式：请选 PDF 或 PNG。")
        campaign, _, entry = _context(studio, request.query_params.get("slogan"))
        alias = entry.alias_in(campaign.year)
        data = await asyncio.to_thread(studio.previews.download, name, campaign, entry.text, alias, fmt)
    except QmposterError as error:
        return page(request, "previews.html", {"active": "previews", "error": str(error), "cards": []}, 400)
    disposition = f"attachment; filename=\"{name}_{entry.id}.{fmt}\""
    return Response(data, media_type=DOWNLOADS[fmt], headers={"Content-Disposition": disposition})


async def events(request: Request) -> Response:
    """Server-sent events: `templates` with a new number whenever a template file changes."""
    watcher = request.app.state.watcher
    stopping = request.app.state.stopping

    async def stream():
        async for chunk in watcher.events(stopping):
            if await request.is_disconnected():
                break
            yield chunk

    return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"})
