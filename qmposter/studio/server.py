"""Start the studio: pick the address, print it (with the token off this machine), run uvicorn.

Imported only by `qmposter studio` itself, so other commands never load the web stack.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import webbrowser
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from qmposter.errors import InputError
from qmposter.studio.security import Secrets
from qmposter.studio.state import Studio

SHUTDOWN_SECONDS = 2  # open event streams (designer mode) are closed after this


@dataclass(frozen=True)
class ServeOptions:
    """What `qmposter studio` serves and where: campaign, templates folder, host, port."""

    campaign: Path
    templates_dir: Path | None
    host: str = "127.0.0.1"
    port: int = 8765
    open_browser: bool = True


def address(options: ServeOptions, keys: Secrets) -> str:
    """The address to open; off this machine it carries the access token."""
    host = f"[{options.host}]" if ":" in options.host else options.host
    url = f"http://{host}:{options.port}/"
    return f"{url}?token={keys.access}" if keys.access else url


def check_port(host: str, port: int) -> None:
    """A clear message when the port is taken, before uvicorn prints its own (English) one."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            raise InputError(f"无法在 {host}:{port} 上启动：端口已被占用或地址不可用。",
                             hint="用 --port 换一个端口，如 --port 8766。") from None  # fmt: skip


def serve(options: ServeOptions, echo) -> None:
    from qmposter.studio.app import create_app

    keys = Secrets.for_host(options.host)
    studio = Studio(options.campaign, options.templates_dir, keys)
    check_port(options.host, options.port)
    url = address(options, keys)
    echo(f"qmposter studio 已启动：{url}")
    echo(f"活动文件：{studio.campaign_path}")
    if keys.access:
        echo("注意：studio 对本机以外开放，只有带上面令牌的网址才能访问；请只发给需要的人。")
    echo("按 Ctrl-C 结束。")
    if options.open_browser:
        threading.Timer(1.0, webbrowser.open, (url,)).start()
    app = create_app(studio)
    config = uvicorn.Config(app, host=options.host, port=options.port, log_level="warning",
                            timeout_graceful_shutdown=SHUTDOWN_SECONDS)  # fmt: skip
    _Server(config, app).run()
    echo("qmposter studio 已结束。")


class _Server(uvicorn.Server):
    """uvicorn's server, ending the designer-mode event streams as soon as Ctrl-C is pressed
    (uvicorn would otherwise wait for them, then cancel them with a traceback)."""

    def __init__(self, config, app) -> None:
        super().__init__(config)
        self.app = app

    def handle_exit(self, sig: int, frame) -> None:
        loop = getattr(self.app.state, "loop", None)
        watcher = getattr(self.app.state, "watcher", None)
        if loop is not None and watcher is not None:
            asyncio.run_coroutine_threadsafe(watcher.halt(), loop)
        super().handle_exit(sig, frame)
