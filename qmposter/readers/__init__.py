"""Turn any notice source people have (a .txt in any encoding, .docx, .pdf, a saved web page,
an old .doc/.wps, an http(s) address) into plain text plus where it came from.

`read_source` is the one entry point: `slogans parse|import`, `init --from` and the studio call
it, then hand `SourceText.text` to the notice parser. One module per format; this package
never imports the catalogue (it sits below it).
"""

from qmposter.readers.fetch import is_url
from qmposter.readers.source import MAX_SOURCE_BYTES, SourceText, read_source, source_from_bytes

__all__ = ["MAX_SOURCE_BYTES", "SourceText", "is_url", "read_source", "source_from_bytes"]
