"""What every route shares: the studio state, checked forms, error responses."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from qmposter.errors import QmposterError
from qmposter.studio.security import CSRF_FIELD, CSRF_HEADER, same
from qmposter.studio.state import Studio


class Forbidden(Exception):
    """A POST without this studio's CSRF token."""


def studio_of(request: Request) -> Studio:
    return request.app.state.studio


async def checked_form(request: Request) -> FormData:
    """The posted form, once its CSRF token (field or header) matches this studio's."""
    form = await request.form(max_part_size=studio_of(request).upload_limit)
    token = form.get(CSRF_FIELD) if isinstance(form.get(CSRF_FIELD), str) else request.headers.get(CSRF_HEADER)
    if not same(token, studio_of(request).keys.csrf):
        raise Forbidden
    return form


def json_error(error: QmposterError, status: int = 400, **extra: object) -> Response:
    return JSONResponse({"error": str(error), **extra}, status_code=status)


def text_values(form: FormData) -> dict[str, str | list[str]]:
    """Form fields as the campaign form reads them: repeated fields (checkboxes) as lists."""
    values: dict[str, str | list[str]] = {}
    for key in form:
        items = [v for v in form.getlist(key) if isinstance(v, str)]
        values[key] = items if len(items) != 1 or key.endswith("[]") else items[0]
    return {k.removesuffix("[]"): v for k, v in values.items()}
