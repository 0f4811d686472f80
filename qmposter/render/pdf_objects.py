"""PDF objects whose bytes reportlab formatted in an earlier document of the process.

A template's PDFs share many objects that come out byte for byte the same: the fonts that set
only the campaign name or the issuers (their subset file, ToUnicode map, descriptor and font
dictionary), the page's transparency states. reportlab builds and formats them again for every
document. A `Group` records the objects one call registered in a document, as reportlab formats
them, and registers them in a later document as `Formatted` stand-ins, under the same names and
so the same object numbers — only when the later document is at the same point (same object
counter, none of the names taken), which is part of the key the caller keeps the group under.
Object numbers are the only thing in these objects that depends on the document; nothing is
kept per document, and the bytes are reportlab's own.

A shading or a separation colour is registered while the page is drawn, but the functions it
names are only registered while it is formatted (reportlab numbers an object where it is first
referenced). `remember` wraps such an object: formatted at the same object counter as in an
earlier document, it registers the same objects again as stand-ins (which, formatted, register
theirs) and gives the recorded bytes; otherwise reportlab formats it, and that is recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc

from qmposter.memo import LRU


class Formatted(pdfdoc.PDFObject):
    """An object written inline whose formatted bytes are known."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document: pdfdoc.PDFDocument) -> bytes:
        return self.data


class FormattedIndirect(Formatted):
    """An indirect object (a stream, a font dictionary) whose formatted bytes are known: where
    another object names it, reportlab writes a reference, as for the original."""

    __RefOnly__ = 1


def config_key() -> tuple:
    """The reportlab settings formatting depends on (comments, line breaks in dictionaries)."""
    return rl_config.invariant, rl_config.pdfComments, rl_config.pdfMultiLine


def can_reuse(doc: pdfdoc.PDFDocument) -> bool:
    """Formatted bytes are the same in another document only when nothing is encrypted."""
    return type(doc.encrypt) is pdfdoc.NoEncryption


class Group:
    """The objects one call registered in a document (numbers first+1 …), formatted."""

    def __init__(self, first: int, names: list[str], data: list[bytes]) -> None:
        self.first = first
        self.names = names
        self.data = data

    def fits(self, doc: pdfdoc.PDFDocument) -> bool:
        """The objects get the same numbers here: same counter, and no name already taken."""
        return doc.objectcounter == self.first and not any(name in doc.idToObject for name in self.names)

    def register(self, doc: pdfdoc.PDFDocument) -> dict[str, FormattedIndirect]:
        """Register the stand-ins in `doc` as the original call did; name -> stand-in."""
        made = {}
        for name, data in zip(self.names, self.data, strict=True):
            made[name] = obj = FormattedIndirect(data)
            doc.Reference(obj, name)
        return made


def record(doc: pdfdoc.PDFDocument, first: int, done: Callable[[Group], None]) -> None:
    """Wrap the objects registered in `doc` since counter `first`, so that once the document is
    formatted, `done` receives them as a Group."""
    names = [doc.numberToId[n] for n in range(first + 1, doc.objectcounter + 1)]
    data: list[bytes | None] = [None] * len(names)
    missing = [len(names)]

    def formatted(index: int, value: bytes) -> None:
        data[index] = value
        missing[0] -= 1
        if missing[0] == 0:
            done(Group(first, names, data))  # type: ignore[arg-type]

    for index, name in enumerate(names):
        doc.idToObject[name] = _Recorder(doc.idToObject[name], index, formatted)


class _Recorder(pdfdoc.PDFObject):
    """Stands for an indirect object in the document's table and hands on its bytes."""

    __RefOnly__ = 1

    def __init__(self, obj: pdfdoc.PDFObject, index: int, sink: Callable[[int, bytes], None]) -> None:
        self.obj, self.index, self.sink = obj, index, sink

    def format(self, document: pdfdoc.PDFDocument) -> bytes:
        value = pdfdoc.format(self.obj, document, toplevel=1)
        self.sink(self.index, value)
        return value


class _Node:
    """One recorded object: its bytes and, in order, the objects registered while formatting it."""

    def __init__(self, data: bytes, children: list[tuple[str, _Node]]) -> None:
        self.data = data
        self.children = children

    def fits(self, doc: pdfdoc.PDFDocument) -> bool:
        return not any(name in doc.idToObject for name, _ in self.children)


class _Replay(FormattedIndirect):
    """A recorded object formatted again: registers its children as stand-ins, as the original did."""

    def __init__(self, node: _Node) -> None:
        super().__init__(node.data)
        self.node = node

    def format(self, document: pdfdoc.PDFDocument) -> bytes:
        for name, child in self.node.children:
            document.Reference(_Replay(child), name)
        return self.data


class _Remembered(pdfdoc.PDFObject):
    """Stands for an object registered while drawing, until the document is formatted."""

    __RefOnly__ = 1

    def __init__(self, obj: pdfdoc.PDFObject, key: Hashable, cache: LRU[_Node]) -> None:
        self.obj, self.key, self.cache = obj, key, cache

    def format(self, document: pdfdoc.PDFDocument) -> bytes:
        key = (self.key, document.objectcounter, config_key())
        node = self.cache.get(key)
        if node is not None and _all_fit(node, document):
            return _Replay(node).format(document)
        return _record_node(self.obj, document, lambda made: self.cache.put(key, made))


def _all_fit(node: _Node, doc: pdfdoc.PDFDocument) -> bool:
    return node.fits(doc) and all(_all_fit(child, doc) for _, child in node.children)


def _record_node(obj: pdfdoc.PDFObject, doc: pdfdoc.PDFDocument, done: Callable[[_Node], None]) -> bytes:
    """Format `obj` as reportlab does; `done` gets it as a _Node once every object it
    registered (and they in turn) has been formatted too."""
    first = doc.objectcounter
    data = pdfdoc.format(obj, doc, toplevel=1)
    names = [doc.numberToId[n] for n in range(first + 1, doc.objectcounter + 1)]
    children: list[tuple[str, _Node | None]] = [(name, None) for name in names]
    missing = [len(names)]

    def child_done(index: int, node: _Node) -> None:
        children[index] = (children[index][0], node)
        missing[0] -= 1
        if missing[0] == 0:
            done(_Node(data, children))  # type: ignore[arg-type]

    for index, name in enumerate(names):
        doc.idToObject[name] = _ChildRecorder(doc.idToObject[name], index, child_done)
    if not names:
        done(_Node(data, []))
    return data


class _ChildRecorder(pdfdoc.PDFObject):
    __RefOnly__ = 1

    def __init__(self, obj: pdfdoc.PDFObject, index: int, sink: Callable[[int, _Node], None]) -> None:
        self.obj, self.index, self.sink = obj, index, sink

    def format(self, document: pdfdoc.PDFDocument) -> bytes:
        return _record_node(self.obj, document, lambda node: self.sink(self.index, node))


def remember(doc: pdfdoc.PDFDocument, name: str, key: Hashable, cache: LRU[_Node]) -> None:
    """Let the object registered as `name` be formatted from `cache` (see the module doc);
    `key` must say everything its bytes depend on besides object numbers."""
    if can_reuse(doc) and not isinstance(doc.idToObject[name], _Remembered):
        doc.idToObject[name] = _Remembered(doc.idToObject[name], key, cache)


def node_cache(size: int) -> LRU[_Node]:
    return LRU(size)

