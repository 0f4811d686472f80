"""What keeps the studio a local tool: host binding, access token, CSRF, paths, upload size.

- On 127.0.0.1 only this machine can connect, and only under a local name (the Host header):
  a web page that rebinds its own domain to 127.0.0.1 (DNS rebinding) is refused. On any other
  host every request must carry the random token printed at start-up (?token=… once, then a cookie).
- Every POST must carry the per-process CSRF token (form field or X-CSRF-Token header) and,
  when the browser sends one, an Origin of this very server: another site cannot post here.
- Paths from requests are resolved and must stay inside the campaign folder.
- Uploads are read in chunks and refused past a size limit before they reach the readers.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from qmposter.errors import InputError
from qmposter.readers import MAX_SOURCE_BYTES

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
TOKEN_COOKIE = "qmposter_studio"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
UPLOAD_LIMIT = MAX_SOURCE_BYTES  # the notice readers' own cap: an upload larger than they read is refused first
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Secrets:
    """The per-process random values: `access` only when bound beyond this machine."""

    csrf: str
    access: str | None

    @classmethod
    def for_host(cls, host: str) -> Secrets:
        access = None if host in LOCAL_HOSTS else secrets.token_urlsafe(24)
        return cls(csrf=secrets.token_urlsafe(32), access=access)


def same(a: str | None, b: str) -> bool:
    return a is not None and hmac.compare_digest(a.encode(), b.encode())


class GuardMiddleware:
    """Token check (non-local hosts) and CSRF/Origin check on every state-changing request."""

    def __init__(self, app: ASGIApp, keys: Secrets, upload_limit: int = UPLOAD_LIMIT) -> None:
        self.app = app
        self.keys = keys
        self.upload_limit = upload_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        refused = self.refusal(request)
        if refused is not None:
            await refused(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def refusal(self, request: Request) -> Response | None:
        keys = self.keys
        if keys.access is None and _host_name(request) not in LOCAL_HOSTS:
            return PlainTextResponse("只接受本机地址（127.0.0.1 或 localhost）的访问。", 403)
        if keys.access is not None:
            given = request.query_params.get("token")
            if same(given, keys.access):
                response = RedirectResponse(request.url.remove_query_params("token"), status_code=303)
                response.set_cookie(TOKEN_COOKIE, keys.access, httponly=True, samesite="strict")
                return response
            if not same(request.cookies.get(TOKEN_COOKIE), keys.access):
                return PlainTextResponse("需要访问令牌：请打开启动 studio 时显示的完整网址（含 ?token=…）。", 403)
        if request.method in ("POST", "PUT", "DELETE", "PATCH"):
            if int(request.headers.get("content-length") or 0) > self.upload_limit + _CHUNK:
                mb = self.upload_limit // (1024 * 1024)
                return PlainTextResponse(f"上传内容超过 {mb} MB，已拒绝。通知一般只有几百 KB，请确认选对了文件。", 413)
            if not _same_origin(request):
                return PlainTextResponse("拒绝跨站请求：请从 studio 自己的页面提交。", 403)
            if not same(request.headers.get(CSRF_HEADER), keys.csrf) and not _form_token_expected(request):
                return PlainTextResponse("缺少防跨站令牌：请刷新页面后再提交。", 403)
        return None


def _host_name(request: Request) -> str:
    """The Host header without its port ("[::1]:8765" → "::1")."""
    host = request.headers.get("host", "")
    return urlsplit(f"//{host}").hostname or ""


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", "")


def _form_token_expected(request: Request) -> bool:
    """Form posts carry the token as a field; the route checks it (reading the body here would consume it)."""
    kind = request.headers.get("content-type", "")
    return kind.startswith(("multipart/form-data", "application/x-www-form-urlencoded"))


def inside(folder: Path, relative: str) -> Path:
    """`folder/relative`, refused (InputError) when it would leave `folder` (.., absolute, links)."""
    base = folder.resolve()
    target = (base / relative).resolve()
    if target != base and base not in target.parents:
        raise InputError(f"路径 {relative} 不在活动文件夹 {folder} 内，已拒绝。")
    return target


async def save_upload(upload: UploadFile, target: Path, limit: int = UPLOAD_LIMIT) -> Path:
    """Copy an upload to `target` in chunks; InputError (and no file) past `limit` bytes."""
    size = 0
    partial = target.with_name(f".{target.name}.part")
    try:
        with partial.open("wb") as handle:
            while chunk := await upload.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise InputError(
                        f"上传的文件 {upload.filename} 超过 {limit // (1024 * 1024)} MB，已拒绝。",
                        hint="通知一般只有几百 KB；请确认选对了文件。",
                    )
                handle.write(chunk)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target
