"""CSV, JSON (a list of objects) and JSONL: one row/object per item, streamed.

Fields are found by common names (see ``FIELD_NAMES``) unless the user maps them
explicitly, e.g. ``columns={"text": "body", "published": "pubDate"}``.

Every row/object is read inside its own boundary: a malformed one, one that is too long
(``base.MAX_RECORD_CHARS``), too deeply nested, not decodable, or whose text fields are not
text (``_record``) becomes a :class:`Reject` and the rest of the file is read.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ..reference import field_names as count_field_names
from . import base
from .base import RAW_PREVIEW, TEXT_FIELDS, InputError, Record, Reject, preview, text_field
from .stream import Overlong, encoding_name, lines, undecodable

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
# Characters read at a time from a JSON file.
BLOCK_CHARS = 1 << 20
# Field mappings remembered per set of JSON keys (objects with ever-new keys are mapped
# afresh each time rather than filling memory).
MAPPINGS_KEPT = 1000
# The csv module refuses fields over 131,072 characters by default; a field may be as long
# as a record. (The limit is process-wide; raising it harms no other reader.)
csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))


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
    """One row/object as a Record; a field that is no text makes it a Reject saying which.

    Text fields (text, title, url, source, id) take strings, and numbers as their decimal
    text (``"id": 77``, ``"title": 1917``); true/false, lists and objects are rejected with
    the field's name — except NewsAPI's ``"source": {"id": ..., "name": "BBC News"}``, whose
    name is the source. Dates, coordinates and counts are kept as written: the normaliser
    and ``reference.py`` turn what they cannot read into missing values or rejects.
    """
    get = {f: row.get(c) for f, c in mapping.items()}
    source = get.get("source")
    if isinstance(source, Mapping):
        source = source.get("name") or source.get("title") or source
    fields = {}
    for name in TEXT_FIELDS:
        try:
            fields[name] = text_field(source if name == "source" else get.get(name))
        except TypeError as exc:
            return Reject(n, f"{name} ({mapping[name]!r}) is {exc}", _preview(row))
    if fields["text"] is None and fields["title"] is None:
        return Reject(n, "record has no text", _preview(row))
    return Record(
        record=n,
        text=fields["text"] or fields["title"],
        title=fields["title"],
        published=get.get("published"),
        url=fields["url"],
        source=fields["source"],
        source_id=fields["source_id"],
        lat=get.get("lat"),
        lon=get.get("lon"),
        counts={f: get[f] for f in COUNT_FIELDS if f in get},
    )


def _safe_record(n: int, row: Mapping, mapping: dict) -> Record | Reject:
    """``_record`` inside its own boundary: whatever goes wrong costs this record only."""
    try:
        return _record(n, row, mapping)
    except Exception as exc:  # noqa: BLE001 - any failure becomes this record's reject
        return Reject(n, f"cannot read record: {type(exc).__name__}: {exc}", _preview(row))


def _preview(row) -> str:
    try:
        text = json.dumps(row, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        try:
            text = str(row)
        except Exception:  # noqa: BLE001 - a preview is a courtesy, never a failure
            text = ""
    return preview(text)


# -- CSV -------------------------------------------------------------------------------------


class _TooLong(Exception):
    """A CSV record runs past ``MAX_RECORD_CHARS`` (one long line, or a quote left open)."""


class _LineFeed:
    """Lines for ``csv.reader``, remembering those of the record being parsed, so that a
    malformed record is rejected on its own and parsing resumes at the line after its
    first (``push_back``)."""

    def __init__(self, source: Iterator[str | Overlong]):
        self.source = source
        self.number = 0  # physical lines read from the source
        self.pending: deque[tuple[int, str | Overlong]] = deque()
        self.current: list[tuple[int, str | Overlong]] = []
        self.size = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.pending:
            number, line = self.pending.popleft()
        else:
            line = next(self.source)  # StopIteration ends the csv reader
            self.number += 1
            number = self.number
        self.current.append((number, line))
        if isinstance(line, Overlong):
            raise _TooLong(line.reason(number))
        self.size += len(line)
        if self.size > base.MAX_RECORD_CHARS:
            raise _TooLong(
                f"record from line {self.current[0][0]} runs past line {number}: more than the "
                f"{base.MAX_RECORD_CHARS:,} characters a record may have (a quote left open?)"
            )
        return line

    def take(self) -> list[tuple[int, str | Overlong]]:
        lines, self.current, self.size = self.current, [], 0
        return lines

    def push_back(self, lines: list[tuple[int, str | Overlong]]) -> None:
        self.pending.extendleft(reversed(lines))


def _text_of(lines: list[tuple[int, str | Overlong]]) -> str:
    return "".join(line if isinstance(line, str) else line.head for _, line in lines)


def read_csv(text: TextIO | str, path: Path, columns=None) -> Iterator[Record | Reject]:
    """Rows of a CSV file, streamed line by line.

    A malformed row (a quote left open, a stray quote) is rejected and reading resumes at
    the line after the one it started on; a row with the wrong number of fields, or with
    bytes the file's encoding cannot read, is rejected alone. Fields may be as long as a
    record (``MAX_RECORD_CHARS``; the csv module's own limit is raised to it).
    """
    text = io.StringIO(text, newline="") if isinstance(text, str) else text
    source = lines(text)
    first = next(source, None)
    if not isinstance(first, str):
        raise InputError(f"{path}: no CSV header row ({'empty' if first is None else 'too long'})")
    # The delimiter is the one the header line uses most; quoting follows RFC 4180 (csv's
    # Sniffer guesses quote rules from one line and gets UCDP's quoted lists wrong).
    delimiter = max(",;\t|", key=first.count)
    feed = _LineFeed(itertools.chain([first], source))
    reader = csv.reader(feed, delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except (StopIteration, csv.Error, _TooLong) as exc:
        raise InputError(f"{path}: no CSV header row ({exc or 'empty'})") from None
    feed.take()
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
        except (csv.Error, _TooLong) as exc:
            lines_ = feed.take()
            where = lines_[0][0]
            reason = (
                str(exc)
                if isinstance(exc, _TooLong)
                else f"malformed CSV in the row from line {where}: {exc}; reading resumes "
                f"at line {where + 1}"
            )
            yield Reject(n, reason, preview(_text_of(lines_)))
            feed.push_back(lines_[1:])
            n += 1
            continue
        lines_ = feed.take()
        if not any(cell.strip() for cell in row):
            continue
        if any(undecodable(line) for _, line in lines_):
            yield Reject(
                n,
                f"line {lines_[0][0]} is not valid {encoding_name(text)} text; record set aside",
                preview(_text_of(lines_)),
            )
        elif len(row) != len(header):
            yield Reject(n, f"has {len(row)} fields, header has {len(header)}", _preview(row))
        else:
            yield _safe_record(n, dict(zip(header, row, strict=True)), mapping)
        n += 1


# -- JSON Lines ------------------------------------------------------------------------------


def _loads(text: str) -> tuple[object, str | None]:
    """(value, None), or (None, why ``text`` is not a JSON value we can read)."""
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
    except RecursionError:
        return None, "invalid JSON: nested too deeply (more levels than the JSON parser allows)"
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        return None, f"invalid JSON: {exc}"


def read_jsonl(text: TextIO | str, path: Path, columns=None) -> Iterator[Record | Reject]:
    """One JSON object per line, streamed; each line is read (or rejected) on its own."""
    text = io.StringIO(text, newline="") if isinstance(text, str) else text
    mapping = _Mappings(path, columns)
    n = 0
    for number, line in enumerate(lines(text), 1):
        if isinstance(line, Overlong):
            yield Reject(n, line.reason(number), preview(line.head))
            n += 1
            continue
        if not line.strip():
            continue
        if undecodable(line):
            reason = f"line {number} is not valid {encoding_name(text)} text; record set aside"
            yield Reject(n, reason, preview(line))
            n += 1
            continue
        obj, problem = _loads(line)
        if problem:
            yield Reject(n, problem, preview(line))
        elif not isinstance(obj, dict):
            yield Reject(n, f"expected a JSON object, got {type(obj).__name__}", preview(line))
        else:
            yield _safe_record(n, obj, mapping(obj))
        n += 1


# -- JSON ------------------------------------------------------------------------------------

# Characters that matter to the shape of a JSON text outside strings, and inside them.
_STRUCTURE = re.compile(r'[\[\]{}",]')
_IN_STRING = re.compile(r'["\\]')
_NOT_SPACE = re.compile(r"[^ \t\r\n]")
_DECODER = json.JSONDecoder()


class _Window:
    """The unread part of a text stream, read in blocks as a JSON value needs them."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.text = ""
        self.eof = False

    def more(self) -> bool:
        if self.eof:
            return False
        block = self.stream.read(BLOCK_CHARS)
        if not block:
            self.eof = True
            return False
        self.text += block
        return True

    def skip_space(self, pos: int) -> int:
        """The position of the next non-blank character (``len(text)`` at the end)."""
        while True:
            found = _NOT_SPACE.search(self.text, pos)
            if found:
                return found.start()
            pos = len(self.text)
            if not self.more():
                return pos

    def char(self, pos: int) -> str:
        """The character at ``pos`` ("" at the end of the file)."""
        while pos >= len(self.text):
            if not self.more():
                return ""
        return self.text[pos]

    def drop(self, pos: int) -> int:
        """Forget the text before ``pos`` (read and done with); return the new position."""
        if pos:
            self.text = self.text[pos:]
        return 0


@dataclass
class _Value:
    """One JSON value of a list or object: parsed, or why not (``problem``), and where the
    text after it starts. ``last`` says the file ended inside it."""

    value: object = None
    end: int = 0
    problem: str | None = None
    last: bool = False


def _value(window: _Window, pos: int, closer: str) -> _Value:
    """The JSON value starting at ``pos``, which ends at a ``,`` or ``closer`` outside any
    string and bracket. Well-formed values parse at C speed (``raw_decode``); any other
    value is delimited by its brackets and quotes, parsed on its own and, if it is still
    not JSON, rejected, so reading goes on after it."""
    try:
        value, end = _DECODER.raw_decode(window.text, pos)
        after = window.skip_space(end)  # may read on; positions before it stay valid
        if after == len(window.text) or window.text[after] in ("," + closer):
            # (a whole value at the end of a truncated file is read; the cut is the list's)
            if end - pos > base.MAX_RECORD_CHARS:
                return _Value(end=end, problem=_too_long())
            return _Value(value, end)
    except (ValueError, RecursionError):
        pass
    end, status = _extent(window, pos, closer)
    if status == "long":
        return _Value(end=end, problem=_too_long())
    if status == "eof":
        return _Value(
            end=end, last=True, problem="invalid JSON: the file ends inside this value (truncated?)"
        )
    value, problem = _loads(window.text[pos:end])
    return _Value(value, end, problem)


def _too_long() -> str:
    return f"longer than the {base.MAX_RECORD_CHARS:,} characters a record may have; set aside"


def _extent(window: _Window, pos: int, closer: str) -> tuple[int, str]:
    """Where the value starting at ``pos`` ends: (end, "ok"), or (end, "eof") when the file
    ends first, or (end, "long") when it is longer than a record may be — its text is then
    dropped as it is read, so ``end`` is a position in what is left of the window."""
    depth, in_string, start = 0, False, pos
    i = pos
    while True:
        text = window.text
        if in_string:
            found = _IN_STRING.search(text, i)
            if found and found.group() == '"':
                in_string, i = False, found.end()
                continue
            if found and found.end() < len(text):  # a backslash escapes the next character
                i = found.end() + 1
                continue
            i = found.start() if found else len(text)
        else:
            found = _STRUCTURE.search(text, i)
            if found:
                char, i = found.group(), found.end()
                if char == '"':
                    in_string = True
                elif char in "[{":
                    depth += 1
                elif char in "]}":
                    if depth == 0 and char == closer:
                        return found.start(), ("long" if start < 0 else "ok")
                    depth = max(depth - 1, 0)  # a stray closer belongs to this broken value
                elif depth == 0:  # a comma between values
                    return found.start(), ("long" if start < 0 else "ok")
                continue
            i = len(text)
        # The value goes on past what has been read.
        if start < 0 or i - start > base.MAX_RECORD_CHARS:
            window.drop(i)  # too long to keep: read on without holding it
            i, start = 0, -1
        if not window.more():
            return len(window.text), ("long" if start < 0 else "eof")


def read_json(text: TextIO | str, path: Path, columns=None) -> Iterator[Record | Reject]:
    """A JSON list of objects, or an object holding one (under items/articles/data/...),
    or a single object; streamed value by value.

    Each value of the list is parsed on its own: a malformed one, one nested deeper than
    the parser allows, or one longer than ``MAX_RECORD_CHARS`` is rejected and reading goes
    on after it; a file truncated mid-way yields every complete object before the cut, and
    the cut itself becomes a reject.
    """
    window = _Window(io.StringIO(text) if isinstance(text, str) else text)
    pos = window.skip_space(0)
    first = window.char(pos)
    if first == "{":
        yield from _json_object(window, pos + 1, path, columns)
    elif first == "[":
        yield from _json_list(window, pos + 1, path, columns)
    else:
        raise InputError(f"{path}: JSON must be a list of objects")


def _json_list(window: _Window, pos: int, path: Path, columns) -> Iterator[Record | Reject]:
    mapping = _Mappings(path, columns)
    n = 0
    while True:
        pos = window.skip_space(pos)
        if pos > BLOCK_CHARS:
            pos = window.drop(pos)
        char = window.char(pos)
        if char == "":
            yield Reject(n, "file ends before the JSON list is closed (truncated?)")
            return
        if char == "]":
            return
        if char == ",":  # an empty slot ("[a,,b]", "[,a]"): nothing to read
            pos += 1
            continue
        shown = preview(window.text[pos : pos + RAW_PREVIEW])
        got = _value(window, pos, "]")
        pos = got.end
        if got.problem:
            yield Reject(n, got.problem, shown)
            if got.last:
                return
        elif isinstance(got.value, dict):
            yield _safe_record(n, got.value, mapping(got.value))
        else:
            yield Reject(n, f"expected a JSON object, got {type(got.value).__name__}", shown)
        n += 1
        pos = window.skip_space(pos)
        if window.char(pos) == ",":
            pos += 1


def _json_object(window: _Window, pos: int, path: Path, columns) -> Iterator[Record | Reject]:
    """The members of a top-level object, in order; the first list of objects among them is
    streamed as the records, and an object without one is itself the one record."""
    whole: dict = {}
    size = 0
    while True:
        pos = window.skip_space(pos)
        char = window.char(pos)
        if char == "}":
            break
        if char == ",":
            pos += 1
            continue
        if char != '"':
            problem = "the file ends" if char == "" else f"{char!r} found"
            raise InputError(f"{path}: invalid JSON: a member name expected, {problem}")
        key = _value(window, pos, ":")
        if key.problem or not isinstance(key.value, str):
            raise InputError(f"{path}: invalid JSON: a member name expected ({key.problem})")
        pos = window.skip_space(key.end)
        if window.char(pos) != ":":
            raise InputError(f"{path}: invalid JSON: ':' expected after {key.value!r}")
        pos = window.skip_space(pos + 1)
        if window.char(pos) == "[" and window.char(window.skip_space(pos + 1)) == "{":
            yield from _json_list(window, pos + 1, path, columns)
            return
        got = _value(window, pos, "}")
        if got.problem:
            raise InputError(f"{path}: invalid JSON in {key.value!r}: {got.problem}")
        size += got.end - pos
        if size > base.MAX_RECORD_CHARS:
            raise InputError(f"{path}: a JSON object {_too_long()}")
        whole[key.value] = got.value
        pos = got.end
    mapping = resolve_columns(list(whole), columns)
    if "text" in mapping or "title" in mapping:
        yield from _objects([whole], path, columns)
        return
    # No text of its own: a wrapper whose list is empty or holds no objects.
    records = next((v for v in whole.values() if isinstance(v, list)), [whole])
    yield from _objects(records, path, columns)


def _objects(records: list, path: Path, columns) -> Iterator[Record | Reject]:
    mapping = _Mappings(path, columns)
    for n, obj in enumerate(records):
        if not isinstance(obj, dict):
            yield Reject(n, f"expected a JSON object, got {type(obj).__name__}", _preview(obj))
            continue
        yield _safe_record(n, obj, mapping(obj))


class _Mappings:
    """Each JSON object's own field mapping (objects of one file need not share their keys:
    a date only some records carry is still read), cached per set of keys. The first object
    decides whether the file has text at all (``InputError`` when it has none)."""

    def __init__(self, path: Path, columns):
        self.path = path
        self.columns = dict(columns or {})
        self.known: dict[tuple, dict] = {}

    def __call__(self, obj: dict) -> dict:
        keys = tuple(obj)
        mapping = self.known.get(keys)
        if mapping is not None:
            return mapping
        if not self.known:
            mapping = _mapping_for(obj, self.path, self.columns)
        else:
            # A column the user named that this object lacks is just missing here.
            mapped = {f: c for f, c in self.columns.items() if c in obj}
            mapping = resolve_columns(list(obj), mapped)
        if len(self.known) < MAPPINGS_KEPT:
            self.known[keys] = mapping
        return mapping


def _mapping_for(obj: dict, path: Path, columns) -> dict:
    mapping = resolve_columns(list(obj), columns)
    if "text" not in mapping and "title" not in mapping:
        raise InputError(
            f"{path}: no text field found among {list(obj)[:12]}; map one with "
            "columns={'text': NAME} (or --text-column NAME)"
        )
    return mapping
