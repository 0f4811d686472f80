"""http(s) addresses: fetched with a timeout and a size limit, nothing else (no cookies, no scripts)."""

from __future__ import annotations

import urllib.error
import urllib.request

from qmposter.errors import InputError
from qmposter.readers.plain import size_text

TIMEOUT = 20  # seconds for connecting and for each read
_AGENT = "Mozilla/5.0 (compatible; qmposter)"


def is_url(source: object) -> bool:
    return isinstance(source, str) and source.lower().startswith(("http://", "https://"))


def fetch(url: str, cap: int, timeout: float = TIMEOUT) -> tuple[bytes, str]:
    """(body, content type) of a URL; larger than `cap` bytes, or an HTTP error, is an InputError."""
    request = urllib.request.Request(url, headers={"User-Agent": _AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read(cap + 1)
            kind = response.headers.get_content_type() or ""
    except urllib.error.HTTPError as error:
        raise InputError(f"下载 {url} 失败：服务器返回 {error.code}。", hint="请在浏览器中确认地址能打开。") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise InputError(
            f"下载 {url} 失败：{reason}。", hint="请检查网络和地址；也可以在浏览器中“另存为网页”后给出文件。"
        ) from None
    if len(data) > cap:
        raise InputError(
            f"{url} 的内容超过 {size_text(cap)}，不像一份通知。", hint="请确认地址指向通知正文页面。"
        )
    return data, kind
