"""口号库: search and filter the campaign's catalogue; pick the campaign's slogans."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from qmposter.catalogue.catalogue import Catalogue, Entry
from qmposter.errors import QmposterError
from qmposter.studio import campaign_form, seams
from qmposter.studio.routes.common import checked_form, studio_of
from qmposter.studio.views import page


def _filtered(catalogue: Catalogue, query: dict[str, str]) -> list[Entry]:
    entries = list(catalogue.entries) if query.get("all") else catalogue.current()
    if query.get("year", "").isdigit():
        entries = [e for e in entries if int(query["year"]) in e.years]
    if query.get("source"):
        entries = [e for e in entries if query["source"] in e.sources]
    if query.get("family"):
        entries = [e for e in entries if e.family == query["family"]]
    if query.get("q"):
        entries = [e for e in entries if query["q"].strip() in e.text or query["q"].strip() in e.aliases]
    return entries


async def show(request: Request) -> Response:
    studio = studio_of(request)
    query = {k: v for k, v in request.query_params.items() if v}
    try:
        catalogue = studio.catalogue()
    except QmposterError as failure:
        return page(request, "slogans.html", {"active": "slogans", "error": str(failure), "rows": [], "query": query})
    campaign, picked, error = None, set(), None
    if studio.exists:
        try:  # the catalogue is shown even while the campaign file has a mistake
            campaign = studio.campaign()
            picked = {e.id for e in seams.campaign_slogans(campaign, catalogue)}
        except QmposterError as failure:
            error = str(failure)
    entries = _filtered(catalogue, query)
    rows = [{"entry": e, "alias": e.alias_in(campaign.year if campaign else None),
             "variants": len(catalogue.family(e.family)) - 1, "picked": e.id in picked} for e in entries]  # fmt: skip
    years = sorted({y for e in catalogue.entries for y in e.years}, reverse=True)
    return page(request, "slogans.html", {
        "active": "slogans", "rows": rows, "query": query, "years": years, "sources": sorted(catalogue.sources),
        "error": error, "has_campaign": campaign is not None, "picked_count": len(picked),
        "imported": request.query_params.get("imported") == "1",
    })  # fmt: skip


async def select(request: Request) -> Response:
    """Write the ticked slogans as the campaign's selection: [slogans] select = "ids", ids = [...]."""
    studio = studio_of(request)
    form = await checked_form(request)
    ids = [v for v in form.getlist("ids") if isinstance(v, str) and v]
    text = studio.campaign_path.read_text(encoding="utf-8-sig")
    updates = {"slogans.select": "ids" if ids else "source", "slogans.ids": ids}
    checked = campaign_form.check(campaign_form.set_keys(text, updates), studio.campaign_path)
    if checked.campaign is None:
        context = {"active": "slogans", "error": checked.error, "rows": [], "query": {}}
        return page(request, "slogans.html", context, 400)
    campaign_form.save(studio.campaign_path, checked)
    return RedirectResponse("/slogans?picked=1", status_code=303)
