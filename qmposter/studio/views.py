"""Server-rendered pages: the Jinja2 environment and the one function every page goes through.

Templates live in studio/templates/ and are autoescaped, so text from notices and
catalogue files can never become markup. Every page gets the navigation, the campaign's
name and the CSRF token its forms and scripts send back.
"""

from __future__ import annotations

from importlib import resources

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from qmposter import __version__
from qmposter.errors import QmposterError

PAGES = (
    ("campaign", "/campaign", "活动"),
    ("notices", "/notices", "导入通知"),
    ("slogans", "/slogans", "口号库"),
    ("previews", "/previews", "版式预览"),
    ("build", "/build", "生成"),
    ("products", "/products", "传单与短信"),
)
SCOPE_NAMES = {"national": "全国", "provincial": "省级", "municipal": "市级", "county": "县级"}

_ENV = Environment(
    loader=FileSystemLoader(str(resources.files("qmposter.studio").joinpath("templates"))),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.globals.update(pages=PAGES, version=__version__, scope_names=SCOPE_NAMES)


def page(request: Request, name: str, context: dict, status: int = 200) -> HTMLResponse:
    """Render studio/templates/NAME with the studio's shared context."""
    studio = request.app.state.studio
    title = "（尚未建立活动）"
    if studio.exists:
        try:
            title = studio.campaign().name
        except QmposterError:  # a broken file is reported on the 活动 page itself
            title = "（活动文件有误）"
    shared = {"request": request, "csrf": studio.keys.csrf, "campaign_title": title,
              "campaign_path": str(studio.campaign_path), "active": context.get("active", "")}  # fmt: skip
    html = _ENV.get_template(name).render({**shared, **context})
    return HTMLResponse(html, status_code=status)
