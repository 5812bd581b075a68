"""Readers: a file of any supported format -> a stream of raw records.

``detect_format`` looks at the content first (the extension only breaks ties), so a JSON
export saved as ``.txt`` or a feed saved without an extension still reads right.
"""

from __future__ import annotations

import json
import re
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
    if not data.strip():
        raise InputError(f"{path}: file is empty")
    if format is not None:
        format = FORMAT_ALIASES.get(format, format)
        if format not in FORMATS:
            raise InputError(f"{path}: unknown format {format!r}; use one of {', '.join(FORMATS)}")
    else:
        format = detect_format(path, data[:4096])
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
