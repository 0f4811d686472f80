"""The Starlette application: routes, the guard middleware, static files and the template watcher."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from importlib import resources

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from qmposter.resources import bundled_dir
from qmposter.studio.routes import build, campaign, notices, previews, products, slogans
from qmposter.studio.routes.common import Forbidden
from qmposter.studio.security import GuardMiddleware
from qmposter.studio.state import Studio
from qmposter.studio.watcher import TemplateWatcher
from qmposter.templates import search_dirs


async def _home(request: Request) -> Response:
    return RedirectResponse("/campaign", status_code=303)


PAGE_FONTS = ("NotoSansSC-Regular.ttf", "NotoSansSC-Bold.ttf")  # for machines without a Chinese system font


async def _font(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in PAGE_FONTS:
        return PlainTextResponse("没有这个字体。", status_code=404)
    return FileResponse(bundled_dir("fonts") / name, media_type="font/ttf",
                        headers={"Cache-Control": "public, max-age=86400"})  # fmt: skip


async def _forbidden(request: Request, exc: Exception) -> Response:
    return PlainTextResponse("缺少防跨站令牌：请刷新页面后再提交。", status_code=403)


ROUTES = [
    Route("/", _home),
    Route("/fonts/{name}", _font),
    Route("/campaign", campaign.show),
    Route("/campaign", campaign.save, methods=["POST"]),
    Route("/campaign/preview", campaign.preview, methods=["POST"]),
    Route("/campaign/new", campaign.create, methods=["POST"]),
    Route("/campaign/example", campaign.create_example, methods=["POST"]),
    Route("/notices", notices.show),
    Route("/notices/parse", notices.parse, methods=["POST"]),
    Route("/notices/import", notices.confirm, methods=["POST"]),
    Route("/slogans", slogans.show),
    Route("/slogans/select", slogans.select, methods=["POST"]),
    Route("/previews", previews.show),
    Route("/previews/events", previews.events),
    Route("/previews/{name}.png", previews.image),
    Route("/previews/{name}/download.{fmt}", previews.download),
    Route("/previews/{name}", previews.large),
    Route("/build", build.show),
    Route("/build/start", build.start, methods=["POST"]),
    Route("/build/units", build.units, methods=["POST"]),
    Route("/build/status", build.status),
    Route("/build/cancel", build.cancel, methods=["POST"]),
    Route("/build/zip", build.zip_download),
    Route("/out/{path:path}", build.output_file),
    Route("/products", products.show),
    Route("/products/sms.csv", products.sms_csv),
    Route("/products/leaflet.pdf", products.leaflet_pdf),
    Route("/products/leaflet-{page:int}.png", products.leaflet_png),
]


def create_app(studio: Studio) -> Starlette:
    """The studio for one campaign folder; templates are watched while it runs."""
    folders = search_dirs(studio.templates_dir)  # the designer's folder and the bundled one it may extend

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.stopping = asyncio.Event()
        app.state.loop = asyncio.get_running_loop()
        watcher = TemplateWatcher(folders, studio.previews.forget)
        app.state.watcher = watcher
        task = asyncio.create_task(watcher.run())
        warming = asyncio.create_task(asyncio.to_thread(campaign.warm, studio))
        try:
            yield
        finally:
            app.state.stopping.set()
            watcher.stop()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await warming

    static = StaticFiles(directory=str(resources.files("qmposter.studio").joinpath("static")))
    app = Starlette(
        routes=[*ROUTES, Mount("/static", static, name="static")],
        middleware=[Middleware(GuardMiddleware, keys=studio.keys, upload_limit=studio.upload_limit)],
        exception_handlers={Forbidden: _forbidden},
        lifespan=lifespan,
    )
    app.state.studio = studio
    return app
