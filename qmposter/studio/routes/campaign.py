"""活动: the campaign form, its live poster preview, and a new campaign from a notice."""

from __future__ import annotations

import asyncio
import contextlib

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from qmposter.campaign import Campaign
from qmposter.errors import QmposterError
from qmposter.studio import campaign_form, seams
from qmposter.studio.previews import LARGE_PX, Preview
from qmposter.studio.routes.common import checked_form, json_error, studio_of, text_values
from qmposter.studio.routes.notices import created_url, issuers_from, notice_from_form
from qmposter.studio.state import Studio
from qmposter.studio.views import page

PREVIEW_TEMPLATE = "poster-a3-red"  # the campaign page shows the A3 poster, the kit's most printed item


async def show(request: Request) -> Response:
    studio = studio_of(request)
    if not studio.exists:
        return page(request, "new_campaign.html", {"active": "campaign"})
    text = studio.campaign_path.read_text(encoding="utf-8-sig")
    checked = campaign_form.check(text, studio.campaign_path)
    query = request.query_params
    warnings: list[str] = []
    if checked.campaign is not None:
        try:
            warnings = seams.campaign_warnings(checked.campaign, studio.catalogue())
        except QmposterError as error:
            checked = campaign_form.Checked(checked.text, None, str(error), campaign_form.field_of(str(error)))
    return _form_page(request, campaign_form.read_values(text), checked, saved=query.get("saved") == "1",
                      note_issuers=query.get("note") == "issuers", warnings=warnings)  # fmt: skip


def _form_page(request: Request, values: dict, checked: campaign_form.Checked, *,
               saved: bool = False, note_issuers: bool = False, warnings: list[str] | None = None,
               status: int = 200) -> Response:  # fmt: skip
    studio = studio_of(request)
    names = studio.previews.names()
    choices = {"templates": [(n, n) for n in names]}
    preview = PREVIEW_TEMPLATE if PREVIEW_TEMPLATE in names else (names[0] if names else "")
    return page(request, "campaign.html", {
        "active": "campaign", "fields": campaign_form.form_fields(), "values": values, "error": checked.error,
        "error_field": checked.error_field, "field_message": checked.field_message, "saved": saved,
        "choices": choices, "preview_template": preview, "note_issuers": note_issuers, "warnings": warnings or [],
        "templates": names,
    }, status)  # fmt: skip


async def save(request: Request) -> Response:
    studio = studio_of(request)
    values = text_values(await checked_form(request))
    text = campaign_form.apply_form(studio.campaign_path.read_text(encoding="utf-8-sig"), values)
    checked = campaign_form.check(text, studio.campaign_path)
    if checked.campaign is None:
        return _form_page(request, campaign_form.read_values_lenient(values), checked, status=400)
    campaign_form.save(studio.campaign_path, checked)
    return RedirectResponse("/campaign?saved=1", status_code=303)


async def preview(request: Request) -> Response:
    """The draft (unsaved) form on the A3 poster: PNG, or the CLI's message and the field it names."""
    studio = studio_of(request)
    values = text_values(await checked_form(request))
    template = str(values.pop("preview_template", PREVIEW_TEMPLATE))
    text = campaign_form.apply_form(studio.campaign_path.read_text(encoding="utf-8-sig"), values)
    checked = campaign_form.check(text, studio.campaign_path)
    if checked.campaign is None:
        return JSONResponse({"error": checked.field_message, "field": checked.error_field}, status_code=422)
    try:  # contradictions (e.g. another body's SMS signature) are shown on the page, not instead of the poster
        shown = await asyncio.to_thread(_poster, studio, template, checked.campaign)
    except QmposterError as error:
        return json_error(error, 422)
    if shown.png is None:
        return JSONResponse({"error": f"此模板不用于这条口号：{shown.skipped}"}, status_code=422)
    return Response(shown.png, media_type="image/png", headers={"Cache-Control": "no-store"})


def _poster(studio: Studio, template: str, campaign: Campaign) -> Preview:
    """The campaign's first slogan on `template`, at the size the page shows it."""
    entry = studio.selected(campaign, studio.catalogue())[0]
    return studio.previews.png(template, campaign, entry.text, entry.alias_in(campaign.year), LARGE_PX)


def warm(studio: Studio) -> None:
    """Render the campaign page's poster once at start-up: fonts, word list and template are then loaded,
    so the first edit a person makes is as quick as the rest."""
    with contextlib.suppress(QmposterError):
        if studio.exists and PREVIEW_TEMPLATE in studio.previews.names():
            _poster(studio, PREVIEW_TEMPLATE, studio.campaign())


async def create(request: Request) -> Response:
    """新建活动 from a notice (upload, paste or address), as `init --from` does."""
    studio = studio_of(request)
    form = await checked_form(request)
    try:
        notice_path = await notice_from_form(studio, form)
        result = seams.init_from_notice(notice_path, studio.folder, issuers_from(form))
    except QmposterError as error:
        return page(request, "new_campaign.html", {"active": "campaign", "error": str(error)}, 400)
    return RedirectResponse(created_url(result), status_code=303)


async def create_example(request: Request) -> Response:
    studio = studio_of(request)
    await checked_form(request)
    try:
        seams.init_blank(studio.folder)
    except QmposterError as error:
        return page(request, "new_campaign.html", {"active": "campaign", "error": str(error)}, 400)
    return RedirectResponse("/campaign", status_code=303)
