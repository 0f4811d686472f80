"""reportlab imported without the modules it needs only in functions qmposter rarely calls.

Every reportlab module imports reportlab.lib.utils, and that module (with two it imports) loads
`PIL.Image` (with Pillow's EXIF and TIFF tag tables, ~5 ms), `pickle` (~1 ms), `tempfile` (with
shutil, random, bz2 and lzma, ~2 ms) and `textwrap` when it is imported, though it uses them
only in ImageReader (a picture drawn into a PDF), a font cache and a temporary-folder helper
qmposter does not use, and in its restricted eval. A PDF build of templates without pictures
paid all of them in every process before its first file: no other part of such a process
imports them.

Importing this module before reportlab imports reportlab.lib.utils with a stand-in for each:
a module object that imports the real module on its first attribute access (`Image.open`,
`isinstance(im, Image.Image)`, `tempfile.gettempdir`) and hands that attribute over. The stand-ins
leave `sys.modules` as soon as reportlab.lib.utils is imported, so any later import (Pillow's
plugins, the raster backend) gets the real modules. Another thread that imports one of them in
that moment (the studio renders in threads) gets a stand-in too, which serves it the same way:
on first use it takes itself out of `sys.modules` before importing, so the import finds the real
module. A process that imported reportlab or any of them already keeps what it has.
"""

from __future__ import annotations

import importlib
import sys
import types

DEFERRED = ("PIL.Image", "pickle", "tempfile", "textwrap")


class _Deferred(types.ModuleType):
    """Stands for the module named `__name__` in reportlab.lib.utils; imports it on first use."""

    def __getattr__(self, name: str) -> object:
        if sys.modules.get(self.__name__) is self:  # still standing in (another thread's import): step aside
            sys.modules.pop(self.__name__, None)
        return getattr(importlib.import_module(self.__name__), name)


def _import_reportlab() -> None:
    if "reportlab.lib.utils" in sys.modules:
        return
    stand_ins = {name: _Deferred(name) for name in DEFERRED if name not in sys.modules}
    sys.modules.update(stand_ins)
    try:
        import reportlab.lib.utils  # noqa: F401 -- imported here, with the stand-ins in place
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]


_import_reportlab()
