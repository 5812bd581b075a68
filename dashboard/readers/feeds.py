"""RSS and Atom feeds, through feedparser (which also copes with malformed XML)."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

import feedparser

from .base import InputError, Record, Reject

# Entries carry HTML; we keep text only (item text is never rendered as HTML anyway).
TAGS = re.compile(r"<[^>]*>")
SCRIPT_STYLE = re.compile(r"(?is)<(script|style)\b.*?</\1\s*>")
WHITESPACE = re.compile(r"[ \t\r\f\v]+")


def html_to_text(html: str) -> str:
    text = SCRIPT_STYLE.sub(" ", html)
    text = re.sub(r"(?i)<br\s*/?>|</p\s*>", "\n", text)
    text = unescape(TAGS.sub(" ", text))
    return "\n".join(WHITESPACE.sub(" ", line).strip() for line in text.splitlines()).strip()


def read_feed(data: bytes, path: Path) -> Iterator[Record | Reject]:
    parsed = feedparser.parse(data)
    if not parsed.entries:
        problem = parsed.get("bozo_exception")
        raise InputError(f"{path}: no feed entries found" + (f" ({problem})" if problem else ""))
    feed_title = parsed.feed.get("title")
    for n, entry in enumerate(parsed.entries):
        body = ""
        if entry.get("content"):
            body = " ".join(c.get("value", "") for c in entry.content)
        body = body or entry.get("summary", "") or entry.get("description", "")
        title = html_to_text(entry.get("title", "")) or None
        text = html_to_text(body) or title
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        published = (
            datetime.fromtimestamp(calendar.timegm(when), tz=UTC)
            if when
            else entry.get("published")
        )
        lat = lon = None
        point = entry.get("georss_point") or entry.get("where", {}).get("coordinates")
        if isinstance(point, str) and len(point.split()) == 2:
            lat, lon = point.split()
        yield Record(
            record=n,
            text=text,
            title=title,
            published=published,
            url=entry.get("link"),
            source=(entry.get("source") or {}).get("title") or feed_title,
            source_id=entry.get("id"),
            lat=lat,
            lon=lon,
        )
