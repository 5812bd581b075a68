"""RSS and Atom feeds, through feedparser (which also copes with malformed XML).

feedparser parses a document whole, into structures several times its size. So a
well-formed feed is streamed: one pass of expat finds where each item/entry is, then the
items go to feedparser in batches of about ``FEED_BATCH_BYTES``, each wrapped in the feed's
own header (everything before the first item) and closing tags. An item of more than
``base.MAX_RECORD_CHARS`` bytes is rejected without being read. A feed that is not
well-formed XML (an HTML entity, a stray "&": common) is read whole by feedparser's lenient
parser, up to ``max_whole`` bytes (``readers.MAX_FEED_BYTES``); a bigger one is refused.
"""

from __future__ import annotations

import calendar
import re
import xml.parsers.expat
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape
from pathlib import Path
from typing import BinaryIO

import feedparser

from . import base
from .base import InputError, Record, Reject, preview

# Bytes of items given to feedparser at a time.
FEED_BATCH_BYTES = 4 * 1024**2
# Bytes read at a time.
BLOCK = 1 << 20
# Item elements: RSS 0.9x/2.0 and RSS 1.0 (RDF) "item", Atom "entry".
ITEM_NAMES = frozenset({"item", "entry"})

# Entries carry HTML; we keep text only (item text is never rendered as HTML anyway).
TAGS = re.compile(r"<[^>]*>")
SCRIPT_STYLE = re.compile(r"(?is)<(script|style)\b.*?</\1\s*>")
WHITESPACE = re.compile(r"[ \t\r\f\v]+")


def html_to_text(html: str) -> str:
    text = SCRIPT_STYLE.sub(" ", html)
    text = re.sub(r"(?i)<br\s*/?>|</p\s*>", "\n", text)
    text = unescape(TAGS.sub(" ", text))
    return "\n".join(WHITESPACE.sub(" ", line).strip() for line in text.splitlines()).strip()


def read_feed_stream(
    opener: Callable[[], BinaryIO], path: Path, *, max_whole: int, ascii_compatible: bool = True
) -> Iterator[Record | Reject]:
    """The entries of the feed ``opener`` opens, in batches (module docstring)."""
    layout = _layout(opener) if ascii_compatible else None
    if layout is None:
        with opener() as fh:
            data = fh.read(max_whole + 1)
        if len(data) > max_whole:
            raise InputError(
                f"{path}: feed is not well-formed XML and larger than {max_whole // 1024**2} "
                "MB, which is as much as is read whole; fix or split it, or export it as "
                "JSONL or CSV"
            )
        yield from read_feed(data, path)
        return
    n = 0
    for batch in _batches(opener, layout):
        if isinstance(batch, Reject):
            batch.record = n
            yield batch
            n += 1
            continue
        parsed = feedparser.parse(batch)
        feed_title = parsed.feed.get("title")
        for entry in parsed.entries:
            yield _safe_entry(n, entry, feed_title)
            n += 1
    if not n:
        raise InputError(f"{path}: no feed entries found")


@dataclass
class _Layout:
    """Where a well-formed feed's items are: the header before the first, the tags that
    close the elements around them, and per item its start and the start of its end tag."""

    header_end: int
    closers: bytes
    spans: array


def _layout(opener: Callable[[], BinaryIO]) -> _Layout | None:
    """One pass of expat over the feed; None when it is not well-formed or has no items."""
    parser = xml.parsers.expat.ParserCreate()
    stack: list[str] = []
    spans = array("q")
    found: dict = {"level": None, "start": None, "header": None, "closers": b""}

    def start(name, attributes):
        if found["start"] is None and name.rsplit(":", 1)[-1] in ITEM_NAMES:
            if found["level"] is None:
                found["level"] = len(stack)
                found["header"] = parser.CurrentByteIndex
                found["closers"] = "".join(f"</{n}>" for n in reversed(stack)).encode()
            if len(stack) == found["level"]:
                found["start"] = parser.CurrentByteIndex
        stack.append(name)

    def end(name):
        stack.pop()
        if found["start"] is not None and len(stack) == found["level"]:
            spans.extend((found["start"], parser.CurrentByteIndex))
            found["start"] = None

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        with opener() as fh:
            while block := fh.read(BLOCK):
                parser.Parse(block, False)
            parser.Parse(b"", True)
    except (xml.parsers.expat.ExpatError, ValueError, LookupError):
        return None
    if found["header"] is None:
        return None
    return _Layout(found["header"], found["closers"], spans)


def _batches(opener: Callable[[], BinaryIO], layout: _Layout) -> Iterator[bytes | Reject]:
    """Documents of the feed's header, a batch of its items and its closing tags; a Reject
    for an item too long to read (skipped unread)."""
    with opener() as fh:
        header = fh.read(layout.header_end)
        buf = bytearray()
        offset = layout.header_end  # the file position of buf[0]
        batch: list[bytes] = []
        size = 0
        spans = layout.spans
        for k in range(0, len(spans), 2):
            start, end_tag = spans[k], spans[k + 1]
            buf, offset = _skip(fh, buf, offset, start)
            if end_tag - start > base.MAX_RECORD_CHARS:
                if batch:  # the items before it first, in file order
                    yield header + b"".join(batch) + layout.closers
                    batch, size = [], 0
                yield Reject(
                    None,
                    f"feed item of {end_tag - start:,} bytes, more than the "
                    f"{base.MAX_RECORD_CHARS:,} a record may have; set aside unread",
                    preview(bytes(buf[:RAW_PREVIEW_BYTES]).decode("utf-8", "replace")),
                )
                buf, offset = _skip(fh, buf, offset, end_tag)
                continue
            while (close := buf.find(b">", end_tag - offset)) < 0:
                more = fh.read(BLOCK)
                if not more:
                    close = len(buf) - 1
                    break
                buf += more
            batch.append(bytes(buf[: close + 1]))
            size += close + 1
            del buf[: close + 1]
            offset = start + close + 1
            if size >= FEED_BATCH_BYTES:
                yield header + b"".join(batch) + layout.closers
                batch, size = [], 0
        if batch:
            yield header + b"".join(batch) + layout.closers


RAW_PREVIEW_BYTES = 4 * base.RAW_PREVIEW


def _skip(fh: BinaryIO, buf: bytearray, offset: int, to: int) -> tuple[bytearray, int]:
    """Drop the bytes before file position ``to`` (read and discarded if not yet read)."""
    if to <= offset:
        return buf, offset
    if to - offset <= len(buf):
        del buf[: to - offset]
        return buf, to
    left = to - offset - len(buf)
    while left > 0:
        got = fh.read(min(left, BLOCK))
        if not got:
            break
        left -= len(got)
    return bytearray(), to


def read_feed(data: bytes, path: Path) -> Iterator[Record | Reject]:
    """The entries of an RSS/Atom document, each read inside its own boundary: an entry
    that cannot be read becomes a reject; a date that cannot be read is left missing."""
    parsed = feedparser.parse(data)
    if not parsed.entries:
        problem = parsed.get("bozo_exception")
        raise InputError(f"{path}: no feed entries found" + (f" ({problem})" if problem else ""))
    feed_title = parsed.feed.get("title")
    for n, entry in enumerate(parsed.entries):
        yield _safe_entry(n, entry, feed_title)


def _safe_entry(n: int, entry, feed_title) -> Record | Reject:
    try:
        return _entry(n, entry, feed_title)
    except Exception as exc:  # noqa: BLE001 - any failure costs this entry only
        return Reject(n, f"cannot read feed entry: {type(exc).__name__}: {exc}", _shown(entry))


def _entry(n: int, entry, feed_title) -> Record:
    body = ""
    if entry.get("content"):
        body = " ".join(c.get("value", "") for c in entry.content)
    body = body or entry.get("summary", "") or entry.get("description", "")
    title = html_to_text(entry.get("title", "")) or None
    text = html_to_text(body) or title
    lat = lon = None
    point = entry.get("georss_point") or entry.get("where", {}).get("coordinates")
    if isinstance(point, str) and len(point.split()) == 2:
        lat, lon = point.split()
    return Record(
        record=n,
        text=text,
        title=title,
        published=_published(entry),
        url=entry.get("link"),
        source=(entry.get("source") or {}).get("title") or feed_title,
        source_id=entry.get("id"),
        lat=lat,
        lon=lon,
    )


def _published(entry) -> object:
    """The entry's date as feedparser read it (UTC), else its text for the normaliser; a
    struct_time out of range (year 99999) is no date."""
    # ("updated" only when present: feedparser warns when asked for a missing one.)
    when = entry.get("published_parsed") or ("updated" in entry and entry.get("updated_parsed"))
    if when:
        try:
            return datetime.fromtimestamp(calendar.timegm(when), tz=UTC)
        except (OverflowError, OSError, ValueError, TypeError):
            return None
    return entry.get("published")


def _shown(entry) -> str:
    try:
        return preview(str(entry.get("title") or entry.get("link") or ""))
    except Exception:  # noqa: BLE001 - a preview is a courtesy, never a failure
        return ""
