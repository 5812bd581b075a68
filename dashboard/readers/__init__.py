"""Readers: a file of any supported format -> a stream of raw records.

``detect_format`` looks at the content first (the extension only breaks ties), so a JSON
export saved as ``.txt`` or a feed saved without an extension still reads right. A
gzip-compressed file (found by its magic bytes, not its name) is decompressed as it is
read, then read like the file inside it (``events.csv.gz`` breaks ties as ``.csv``).

Files are streamed, never held whole: CSV, JSONL and digests line by line, JSON value by
value (``readers.stream`` decodes incrementally). Limits:

- ``base.MAX_RECORD_CHARS`` (10,000,000 characters): one record; a longer one is rejected
  and read past without being held.
- ``MAX_FEED_BYTES`` (64 MiB): an RSS/Atom feed that is not well-formed XML (or is UTF-16/32),
  which feedparser must read whole (its structures take ten times the file's size); a
  bigger one is refused with a message. Well-formed feeds are streamed in batches of items
  (``feeds.FEED_BATCH_BYTES``), any size.
- ``FEED_PROLOGUE_MAX`` (16 MiB): how far into an XML file (declaration, processing
  instructions, comments, DOCTYPE) the root element is looked for.
- ``MAX_UNCOMPRESSED`` (2 GiB): what a gzip file may expand to.
"""

from __future__ import annotations

import io
import json
import re
import xml.parsers.expat
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from . import stream
from .base import InputError, Record, Reject, log
from .digest import read_digest
from .feeds import read_feed_stream
from .tabular import FIELD_NAMES, read_csv, read_json, read_jsonl, resolve_columns

FORMATS = ("digest", "csv", "json", "jsonl", "feed")
# Aliases users type for --format.
FORMAT_ALIASES = {"txt": "digest", "text": "digest", "rss": "feed", "atom": "feed", "xml": "feed"}
FEED_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(rss|feed|rdf:RDF)\b", re.S)
# Root elements of RSS 2.0, Atom and RSS 1.0 (RDF), without their namespace prefix.
FEED_ROOTS = frozenset({"rss", "feed", "RDF"})
EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
    ".txt": "digest",
    ".md": "digest",
}
GZIP_MAGIC = stream.GZIP_MAGIC
# Most bytes a gzip file may expand to: a few kilobytes of "zip bomb" can inflate to many
# gigabytes, so decompression stops here instead of filling memory.
MAX_UNCOMPRESSED = 2 * 1024**3
# feedparser parses a whole document at once, into structures ten times the file's size: a
# feed it must read whole (not well-formed XML, or UTF-16/32) may be this big at most.
MAX_FEED_BYTES = 64 * 1024**2
# How far into an XML file its root element is looked for.
FEED_PROLOGUE_MAX = 16 * 1024**2

__all__ = [
    "FIELD_NAMES",
    "FORMATS",
    "InputError",
    "Record",
    "Reject",
    "detect_format",
    "iter_records",
    "resolve_columns",
]


def detect_format(path: Path, head: bytes) -> str:
    """Name the format of a file from its first bytes, then its extension."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if FEED_START.match(stripped) or (stripped.startswith(b"<") and b"<item" in head):
        return "feed"
    if stripped.startswith(b"["):
        return "json"
    if stripped.startswith(b"{"):
        first_line = stripped.split(b"\n", 1)[0]
        try:
            json.loads(first_line)
            return "jsonl"
        except ValueError:
            return "json"
    by_extension = EXTENSIONS.get(path.suffix.lower())
    if by_extension in ("csv", "digest"):
        return by_extension
    if _looks_like_csv(stripped):
        return "csv"
    return "digest"


def _looks_like_csv(head: bytes) -> bool:
    """A header line of short delimited names, and a second line with as many fields."""
    lines = head.decode("utf-8", "replace").splitlines()
    if len(lines) < 2:
        return False
    for delimiter in (",", ";", "\t"):
        names = lines[0].split(delimiter)
        if len(names) >= 2 and all(0 < len(n.strip()) <= 40 for n in names):
            return lines[1].count(delimiter) >= len(names) - 1
    return False


def iter_records(
    path: str | Path, *, format: str | None = None, columns: dict | None = None
) -> Iterator[Record | Reject]:
    """Yield the records of one file; raise :class:`InputError` if the file is unreadable."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a file")
    if format is not None:
        format = FORMAT_ALIASES.get(format, format)
        if format not in FORMATS:
            raise InputError(f"{path}: unknown format {format!r}; use one of {', '.join(FORMATS)}")
    opener = partial(stream.open_bytes, path, MAX_UNCOMPRESSED)
    with opener() as fh:
        head = fh.read(stream.HEAD_BYTES)
    survey = stream.survey(path, opener, head, whole=_is_gzip(path))
    if survey.blank:
        raise InputError(f"{path}: file is empty")
    if survey.note:
        log.warning("%s: %s", path, survey.note)
    encoding = survey.encoding
    text_head = head.decode(encoding, "replace").lstrip("\ufeff").encode("utf-8")
    if format is None:
        # The name inside the compression breaks ties: "x.csv.gz" reads as "x.csv".
        inner = path.with_suffix("") if path.suffix.lower() == ".gz" else path
        format = detect_format(inner, text_head)
        if format != "feed" and text_head.lstrip().startswith(b"<"):
            root = _xml_root(stream.open_text(opener, encoding, ""))
            if root in FEED_ROOTS:
                format = "feed"
        elif format in ("json", "jsonl") and text_head.lstrip().startswith(b"{"):
            format = _json_or_jsonl(stream.open_text(opener, encoding, ""))
    if format == "feed":
        if encoding in stream.WIDE_BOMS:  # feedparser knows UTF-16/32 by their BOM
            opener = partial(_with_bom, opener, stream.WIDE_BOMS[encoding])
        wide = encoding.startswith(("utf-16", "utf-32"))
        yield from read_feed_stream(
            opener, path, max_whole=MAX_FEED_BYTES, ascii_compatible=not wide
        )
        return
    if format == "digest":
        yield from read_digest(partial(stream.open_text, opener, encoding, None))
        return
    # newline="": lines end at "\n", "\r\n" or "\r", kept as written (CSV quotes hold them;
    # JSON strings never hold a raw one), and never at U+2028 and the like (JSON allows
    # those inside strings, str.splitlines would break records there).
    with stream.open_text(opener, encoding, "") as text:
        if format == "csv":
            yield from read_csv(text, path, columns)
        elif format == "json":
            yield from read_json(text, path, columns)
        else:
            yield from read_jsonl(text, path, columns)


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == GZIP_MAGIC


def _xml_root(text) -> str | None:
    """The local name of the first element of an XML document, however long its prologue
    (declaration, processing instructions, comments, a DOCTYPE with an internal subset),
    up to ``FEED_PROLOGUE_MAX``; None when it is not XML."""

    class Found(Exception):
        pass

    def start(name, attributes):
        raise Found(name)

    parser = xml.parsers.expat.ParserCreate(encoding="UTF-8")  # fed text, re-encoded
    parser.StartElementHandler = start
    read = 0
    with text:
        try:
            while read < FEED_PROLOGUE_MAX:
                block = text.read(stream.HEAD_BYTES)
                if not block:
                    return None
                read += len(block)
                parser.Parse(block.encode("utf-8", "replace"), False)
        except Found as found:
            return str(found.args[0]).rsplit(":", 1)[-1]
        except Exception:  # not XML (or XML our parser cannot read): not a feed by its root
            return None
    return None


def _json_or_jsonl(text) -> str:
    """JSON Lines when the first line is a whole JSON object and more lines follow; a file
    of one object (on one line or many) is JSON: a record, or a wrapper of a list."""
    with text:
        lines = (line for line in stream.lines(text) if not isinstance(line, str) or line.strip())
        first = next(lines, "")
        if isinstance(first, stream.Overlong):
            return "json"
        try:
            json.loads(first)
        except (ValueError, RecursionError):
            return "json"
        return "jsonl" if next(lines, None) is not None else "json"


def _with_bom(opener, bom: bytes):
    """The file's bytes with ``bom`` in front."""
    return io.BufferedReader(_Prefixed(opener(), bom))


class _Prefixed(io.RawIOBase):
    def __init__(self, inner, prefix: bytes):
        self.inner, self.prefix = inner, prefix

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.prefix:
            n = min(len(buffer), len(self.prefix))
            buffer[:n], self.prefix = self.prefix[:n], self.prefix[n:]
            return n
        data = self.inner.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.inner.close()
        super().close()
