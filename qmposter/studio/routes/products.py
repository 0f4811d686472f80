"""传单与短信: the campaign leaflet and the SMS texts, with previews, counts and downloads.

Both are made by the functions `qmposter leaflet` and `qmposter sms` call. The leaflet's
page pictures come from poppler's pdftoppm when it is installed (the PDF is the product;
the pictures only help to check it).
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import tempfile
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from qmposter.errors import InputError, QmposterError
from qmposter.products import sms
from qmposter.products.leaflet import LAYOUT_NAMES_ZH, LAYOUTS, Leaflet, build_leaflet
from qmposter.studio.routes.common import json_error, studio_of
from qmposter.studio.state import Studio
from qmposter.studio.views import page

LEAFLET_PREVIEW_DPI = 40


def _sms_batch(studio: Studio) -> sms.SmsBatch:
    campaign, _ = studio.checked_campaign()
    options = sms.make_options(campaign.sms_signature, opt_out=campaign.sms_opt_out)
    return sms.compose_messages(studio.selected(campaign, studio.catalogue()), options)


def _leaflet(studio: Studio, layout: str) -> Leaflet:
    if layout not in LAYOUTS:
        raise InputError(f"传单版式 {layout} 不存在。", hint=f"可用：{'、'.join(LAYOUTS)}。")
    campaign, _ = studio.checked_campaign()
    return build_leaflet(campaign, studio.catalogue(), layout=layout)


async def show(request: Request) -> Response:
    studio = studio_of(request)
    context: dict = {"active": "products", "layouts": [(k, LAYOUT_NAMES_ZH[k]) for k in LAYOUTS]}
    try:
        batch = _sms_batch(studio)
        context.update(messages=batch.messages, skipped=batch.skipped,
                       billed=sum(m.parts for m in batch.messages))  # fmt: skip
    except QmposterError as error:
        context["sms_error"] = str(error)
    try:
        leaflet = await asyncio.to_thread(_leaflet, studio, "a4")
        context["leaflet"] = leaflet
        context["leaflet_pictures"] = shutil.which("pdftoppm") is not None
    except QmposterError as error:
        context["leaflet_error"] = str(error)
    return page(request, "products.html", context)


async def sms_csv(request: Request) -> Response:
    try:
        batch = _sms_batch(studio_of(request))
    except QmposterError as error:
        return json_error(error, 422)
    headers = {"Content-Disposition": "attachment; filename=\"sms.csv\""}
    return Response(sms.messages_csv(batch.messages), media_type="text/csv; charset=utf-8", headers=headers)


async def leaflet_pdf(request: Request) -> Response:
    layout = request.query_params.get("layout", "a4")
    try:
        leaflet = await asyncio.to_thread(_leaflet, studio_of(request), layout)
    except QmposterError as error:
        return json_error(error, 422)
    headers = {"Content-Disposition": f"attachment; filename=\"leaflet-{layout}.pdf\""}
    return Response(leaflet.pdf, media_type="application/pdf", headers=headers)


async def leaflet_png(request: Request) -> Response:
    """Page 1 or 2 of the A4 leaflet as a small PNG (needs pdftoppm)."""
    page_number = request.path_params["page"]
    try:
        if page_number not in (1, 2) or shutil.which("pdftoppm") is None:
            raise InputError("没有这一页的预览。")
        leaflet = await asyncio.to_thread(_leaflet, studio_of(request), request.query_params.get("layout", "a4"))
        png = await asyncio.to_thread(_pdf_page_png, leaflet.pdf, page_number)
    except QmposterError as error:
        return json_error(error, 404)
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})


def _pdf_page_png(pdf: bytes, number: int) -> bytes:
    with tempfile.TemporaryDirectory(prefix="qmposter-leaflet-") as scratch:
        source = Path(scratch) / "leaflet.pdf"
        source.write_bytes(pdf)
        command = ["pdftoppm", "-png", "-r", str(LEAFLET_PREVIEW_DPI), "-f", str(number), "-l", str(number),
                   "-singlefile", str(source), str(Path(scratch) / "page")]  # fmt: skip
        subprocess.run(command, check=True, capture_output=True, timeout=60)
        return (Path(scratch) / "page.png").read_bytes()
