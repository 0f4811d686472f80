"""Old binary Word/WPS files (.doc, .wps) and RTF: converted to .docx by LibreOffice, when installed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from qmposter.errors import InputError

CONVERT_TIMEOUT = 180  # seconds: a first start of LibreOffice builds its profile
_FIX = "用 WPS/Word 另存为 .docx，或安装 LibreOffice"


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(data: bytes, suffix: str, where: str) -> bytes:
    """The .docx LibreOffice makes of an old document; exit-2 errors say how to do it by hand."""
    program = soffice()
    if program is None:
        raise InputError(
            f"{where} 是旧版 Word/WPS 文件（{suffix}），需要 LibreOffice 才能读取，但本机没有安装。", hint=_FIX
        )
    with tempfile.TemporaryDirectory(prefix="qmposter-soffice-") as tmp:
        folder = Path(tmp)
        source = folder / f"notice{suffix}"
        source.write_bytes(data)
        command = [
            program,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",  # own profile: no clash with an open office
            "--headless", "--norestore", "--convert-to", "docx", "--outdir", str(folder / "out"), str(source),
        ]  # fmt: skip
        try:
            subprocess.run(command, capture_output=True, timeout=CONVERT_TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise InputError(f"LibreOffice 转换 {where} 失败：{type(error).__name__}。", hint=_FIX) from None
        result = folder / "out" / "notice.docx"
        if not result.is_file():
            raise InputError(f"LibreOffice 无法转换 {where}（文件可能已损坏或加密）。", hint=_FIX)
        return result.read_bytes()
