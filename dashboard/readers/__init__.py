"""Readers: a file of any supported format -> a stream of raw records.

``detect_format`` looks at the content first (the extension only breaks ties), so a JSON
export saved as ``.txt`` or a feed saved without an extension still reads right. A
gzip-compressed file (found by its magic bytes, not its name) is decompressed first, then
read like the file inside it (``events.csv.gz`` breaks ties as ``.csv``).
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Iterator
from pathlib import Path

from .base import InputError, Record, Reject, decode
from .digest import read_digest
from .feeds import read_feed
from .tabular import FIELD_NAMES, read_csv, read_json, read_jsonl, resolve_columns

FORMATS = ("digest", "csv", "json", "jsonl", "feed")
# Aliases users type for --format.
FORMAT_ALIASES = {"txt": "digest", "text": "digest", "rss": "feed", "atom": "feed", "xml": "feed"}
FEED_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(rss|feed|rdf:RDF)\b", re.S)
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
GZIP_MAGIC = b"\x1f\x8b"
# Most bytes a gzip file may expand to: a few kilobytes of "zip bomb" can inflate to many
# gigabytes, so decompression stops here instead of filling memory.
MAX_UNCOMPRESSED = 2 * 1024**3

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
    data = path.read_bytes()
    if data.startswith(GZIP_MAGIC):
        data = _gunzip(path, data)
    if not data.strip():
        raise InputError(f"{path}: file is empty")
    if format is not None:
        format = FORMAT_ALIASES.get(format, format)
        if format not in FORMATS:
            raise InputError(f"{path}: unknown format {format!r}; use one of {', '.join(FORMATS)}")
    else:
        # The name inside the compression breaks ties: "x.csv.gz" reads as "x.csv".
        inner = path.with_suffix("") if path.suffix.lower() == ".gz" else path
        format = detect_format(inner, data[:4096])
    if format == "feed":
        yield from read_feed(data, path)
        return
    text = decode(path, data)
    del data  # keep one copy of the file's text in memory, not two
    if format == "digest":
        yield from read_digest(text)
    elif format == "csv":
        yield from read_csv(text, path, columns)
    elif format == "json":
        yield from read_json(text, path, columns)
    else:
        yield from read_jsonl(text, path, columns)


def _gunzip(path: Path, data: bytes) -> bytes:
    """Decompress every gzip member of ``data`` (``cat a.gz b.gz`` and bgzip files have
    several), refusing corrupt data and output beyond ``MAX_UNCOMPRESSED``."""
    parts: list[bytes] = []
    size = 0
    while data:
        member = zlib.decompressobj(wbits=31)  # 31: gzip header and trailer, CRC checked
        try:
            # max_length stops inflating one byte past the cap, so a bomb never gets bigger.
            part = member.decompress(data, MAX_UNCOMPRESSED - size + 1)
        except zlib.error as exc:
            raise InputError(f"{path}: corrupt gzip data ({exc})") from None
        size += len(part)
        if size > MAX_UNCOMPRESSED:
            raise InputError(
                f"{path}: gzip file expands to more than {MAX_UNCOMPRESSED} bytes uncompressed"
            )
        if not member.eof:
            raise InputError(f"{path}: gzip data ends early (truncated file?)")
        parts.append(part)
        data = member.unused_data.lstrip(b"\0")  # some writers pad members with zeros
    return b"".join(parts)  # one member: the same bytes object, no copy
