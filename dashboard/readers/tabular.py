"""CSV, JSON (a list of objects) and JSONL: one row/object per item.

Fields are found by common names (see ``FIELD_NAMES``) unless the user maps them
explicitly, e.g. ``columns={"text": "body", "published": "pubDate"}``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from ..reference import field_names as count_field_names
from .base import RAW_PREVIEW, InputError, Record, Reject, clean_str

# Candidate source-field names per item field, most specific first; matched after
# lower-casing and turning spaces/dashes into underscores. Drawn from the exports users
# bring: GDELT (seendate), UCDP GED (source_headline, source_office, date_start), CIR
# (brief description), ACLED (notes), news-API dumps (domain, link, timestamp), generic CMS exports.
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "text": (
        "text",
        "body",
        "content",
        "full_text",
        "article",
        "article_text",
        "brief_description",
        "description",
        "summary",
        "message",
        "source_headline",
        "headline_text",
        "notes",  # ACLED's event description
    ),
    "title": ("title", "headline", "subject", "name"),
    # An epoch "timestamp" is unambiguous about the time zone, so it beats a local-time string.
    "published": (
        "timestamp",
        "published",
        "published_at",
        "publish_date",
        "pubdate",
        "date_published",
        "date",
        "datetime",
        "seendate",
        "time",
        "created_at",
        "date_start",
        "source_date",
    ),
    "url": ("url", "link", "source_url", "href", "permalink", "article_url"),
    "source": ("source", "domain", "outlet", "publisher", "source_office", "site", "feed"),
    "source_id": ("id", "guid", "uid", "uuid", "entry", "event_id", "article_id", "item_id"),
    "lat": ("lat", "latitude", "y"),
    "lon": ("lon", "lng", "long", "longitude", "x"),
}
ITEM_FIELDS = tuple(FIELD_NAMES)
# Casualty counts a record may carry (UCDP's deaths_a, ACLED's fatalities, ...), read like
# the item fields and turned into reference figures by dashboard/reference.py.
COUNT_FIELDS = tuple(count_field_names())
_KEY = re.compile(r"[\s\-/]+")


def _canon(name: str) -> str:
    return _KEY.sub("_", str(name).strip().lower())


def resolve_columns(available: list[str], columns: Mapping[str, str] | None = None) -> dict:
    """Map item fields to the file's own column names.

    Explicit ``columns`` win; a mapped column that is not in the file is an error, since the
    user asked for it by name.
    """
    columns = dict(columns or {})
    unknown = [f for f in columns if f not in ITEM_FIELDS and f not in COUNT_FIELDS]
    if unknown:
        raise InputError(f"unknown item field(s) in column mapping: {', '.join(unknown)}")
    by_canon = {_canon(c): c for c in available}
    mapping: dict[str, str] = {}
    for item_field, column in columns.items():
        if column not in available:
            raise InputError(f"mapped column {column!r} for {item_field} is not in the file")
        mapping[item_field] = column
    taken = set(mapping.values())
    for item_field, names in FIELD_NAMES.items():
        if item_field in mapping:
            continue
        for name in names:
            column = by_canon.get(name)
            if column is not None and column not in taken:
                mapping[item_field] = column
                taken.add(column)
                break
    # Counts may share a column with an item field (UCDP's date_start is both the
    # publication date and the period's first day), so they are matched apart.
    for count_field, names in count_field_names().items():
        column = next((by_canon[n] for n in names if n in by_canon), None)
        if count_field not in mapping and column is not None:
            mapping[count_field] = column
    return mapping


def _record(n: int, row: Mapping, mapping: dict) -> Record | Reject:
    get = {f: row.get(c) for f, c in mapping.items()}
    text = clean_str(get.get("text"))
    title = clean_str(get.get("title"))
    if text is None and title is None:
        return Reject(n, "record has no text", _preview(row))
    return Record(
        record=n,
        text=text or title,
        title=title,
        published=get.get("published"),
        url=clean_str(get.get("url")),
        source=clean_str(get.get("source")),
        source_id=clean_str(get.get("source_id")),
        lat=get.get("lat"),
        lon=get.get("lon"),
        counts={f: get[f] for f in COUNT_FIELDS if f in get},
    )


def _preview(row) -> str:
    try:
        return json.dumps(row, ensure_ascii=False, default=str)[:RAW_PREVIEW]
    except (TypeError, ValueError):
        return str(row)[:RAW_PREVIEW]


def read_csv(text: str, path: Path, columns=None) -> Iterator[Record | Reject]:
    # The delimiter is the one the header line uses most; quoting follows RFC 4180 (csv's
    # Sniffer guesses quote rules from one line and gets UCDP's quoted lists wrong).
    header_line = text[:20_000].split("\n", 1)[0]
    delimiter = max(",;\t|", key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise InputError(f"{path}: no CSV header row ({exc or 'empty'})") from None
    mapping = resolve_columns(header, columns)
    if "text" not in mapping and "title" not in mapping:
        raise InputError(
            f"{path}: no text column found among {header[:12]}; map one with "
            "columns={'text': NAME} (or --text-column NAME)"
        )
    n = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # A broken quote swallows the rest of the file: set the tail aside, keep the rest.
            yield Reject(n, f"malformed CSV near line {reader.line_num}: {exc}")
            return
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield Reject(n, f"has {len(row)} fields, header has {len(header)}", _preview(row))
        else:
            yield _record(n, dict(zip(header, row, strict=True)), mapping)
        n += 1


def read_jsonl(text: str, path: Path, columns=None) -> Iterator[Record | Reject]:
    mapping: dict | None = None
    n = 0
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Reject(n, f"invalid JSON: {exc.msg} at column {exc.colno}", line[:RAW_PREVIEW])
            n += 1
            continue
        if not isinstance(obj, dict):
            yield Reject(n, f"expected a JSON object, got {type(obj).__name__}", line[:RAW_PREVIEW])
        else:
            if mapping is None:
                mapping = _mapping_for(obj, path, columns)
            yield _record(n, obj, mapping)
        n += 1


def read_json(text: str, path: Path, columns=None) -> Iterator[Record | Reject]:
    """A JSON list of objects (or an object holding one under items/articles/data/...).

    Objects are decoded one by one, so a file truncated mid-way still yields every complete
    object before the cut, and the cut itself becomes a reject.
    """
    decoder = json.JSONDecoder()
    pos = _skip_ws(text, 0)
    if text[pos : pos + 1] == "{":
        try:
            whole = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}: invalid JSON: {exc.msg} (line {exc.lineno})") from None
        records = next((v for v in whole.values() if isinstance(v, list)), None)
        if records is None:
            records = [whole]
        yield from _objects(records, path, columns)
        return
    if text[pos : pos + 1] != "[":
        raise InputError(f"{path}: JSON must be a list of objects")
    pos += 1
    mapping = None
    n = 0
    while True:
        pos = _skip_ws(text, pos)
        if pos >= len(text):
            yield Reject(n, "file ends before the JSON list is closed (truncated?)")
            return
        if text[pos] == "]":
            return
        try:
            obj, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield Reject(
                n,
                f"invalid JSON at line {exc.lineno}: {exc.msg} (rest of file skipped)",
                text[pos : pos + RAW_PREVIEW],
            )
            return
        if isinstance(obj, dict):
            if mapping is None:
                mapping = _mapping_for(obj, path, columns)
            yield _record(n, obj, mapping)
        else:
            yield Reject(n, f"expected a JSON object, got {type(obj).__name__}", str(obj)[:80])
        n += 1
        pos = _skip_ws(text, end)
        if text[pos : pos + 1] == ",":
            pos += 1


def _objects(records: list, path: Path, columns) -> Iterator[Record | Reject]:
    mapping = None
    for n, obj in enumerate(records):
        if not isinstance(obj, dict):
            yield Reject(n, f"expected a JSON object, got {type(obj).__name__}", str(obj)[:80])
            continue
        if mapping is None:
            mapping = _mapping_for(obj, path, columns)
        yield _record(n, obj, mapping)


def _mapping_for(obj: dict, path: Path, columns) -> dict:
    mapping = resolve_columns(list(obj), columns)
    if "text" not in mapping and "title" not in mapping:
        raise InputError(
            f"{path}: no text field found among {list(obj)[:12]}; map one with "
            "columns={'text': NAME} (or --text-column NAME)"
        )
    return mapping


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos
