"""Fuzzing every reader (issue 14): random bytes, truncation at any offset, random nesting,
random encodings and mixed dates never raise from ``iter_item_chunks`` (``read_items`` may
raise ``InputError`` for a wholly unreadable file), and every well-formed record of a
generated input is read."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
import tempfile
from contextlib import contextmanager
from datetime import UTC, datetime
from html import escape
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dashboard import InputError, read_items
from dashboard.items import ReadReport, iter_item_chunks
from dashboard.readers import FORMATS, iter_records

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
    deadline=None,
    database=None,  # no .hypothesis folder in the working tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Words of news text in several scripts, with the punctuation CSV and JSON must escape.
LETTERS = "abcxyzABCXYZабвгґєіїжщЬЮЯçéñøßęł中文字ـعربي"
PUNCTUATION = ",;\"'|\t{}[]\\:/.…!?-–—“”«»<>&#"
WORD = st.text(alphabet=LETTERS + PUNCTUATION + "0123456789", min_size=1, max_size=12)
TEXT = st.lists(WORD, min_size=1, max_size=12).map(" ".join).filter(lambda t: t.strip())
# Anything a date field may hold in a JSON export.
DATES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.datetimes(
        min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31), timezones=st.just(UTC)
    ).map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.strftime("%m/%d/%Y")),
    st.sampled_from(["2024-11-15", "1700000000", "1700000000000", "yesterday", "0000-00-00"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=20,
)


@contextmanager
def _file(name: str, data: bytes):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        yield path


def _read(path: Path, **options):
    """Every chunk of ``path``: never an exception."""
    report = ReadReport()
    chunks = list(iter_item_chunks(path, report=report, **options))
    items = [c.items for c in chunks if len(c.items)]
    items = pd.concat(items, ignore_index=True) if items else None
    rejects = pd.concat([c.rejects for c in chunks], ignore_index=True) if chunks else None
    return items, rejects, report


def _texts(items) -> list[str]:
    """The item texts read, each as often as the input had it."""
    if items is None:
        return []
    return sorted(
        t for t, n in zip(items["text"], items["n_copies"], strict=True) for _ in range(n)
    )


def _csv(texts: list[str], dates: list | None = None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # "\r" in a field is then quoted too
    writer.writerow(["id", "text", "date"])
    for i, text in enumerate(texts):
        writer.writerow([i, text, "" if dates is None else dates[i]])
    return out.getvalue()


def _jsonl(objects: list) -> str:
    return "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects)


def _feed(texts: list[str], dates: list[str]) -> str:
    items = "".join(
        f"<item><title>{escape(t)}</title><pubDate>{escape(d)}</pubDate></item>"
        for t, d in zip(texts, dates, strict=True)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>{items}</channel></rss>'
    )


def _digest(texts: list[str]) -> str:
    return "".join(f"{t}\nRead More\n" for t in texts)


def _well_formed(kind: str, texts: list[str]) -> tuple[str, bytes]:
    if kind == "csv":
        return "x.csv", _csv(texts).encode()
    if kind == "json":
        return "x.json", json.dumps([{"text": t} for t in texts], ensure_ascii=False).encode()
    if kind == "jsonl":
        return "x.jsonl", _jsonl([{"text": t} for t in texts]).encode()
    if kind == "feed":
        return "x.xml", _feed(texts, ["Tue, 12 Nov 2024 08:00:00 +0200"] * len(texts)).encode()
    return "x.txt", _digest(texts).encode()


KINDS = st.sampled_from(["csv", "json", "jsonl", "feed", "digest"])
SAFE_TEXT = TEXT.map(lambda t: t.replace("Read More", "Read Mor").replace("...", ".."))
# Texts that survive every format unchanged: no markup or markers, single spaces.
PLAIN_TEXT = st.lists(
    st.text(alphabet=LETTERS + "0123456789,.;:!?'", min_size=1, max_size=10), min_size=1, max_size=8
).map(" ".join)


# -- random bytes and truncation -------------------------------------------------------------


@FUZZ
@given(
    data=st.binary(max_size=3000),
    name=st.sampled_from(["x.csv", "x.json", "x.jsonl", "x.xml", "x.txt", "x", "x.csv.gz"]),
    format=st.sampled_from([None, *FORMATS]),
)
def test_random_bytes_never_raise(data, name, format):
    with _file(name, data) as path:
        _read(path, format=format)
        try:
            read_items(path, format=format)
        except InputError:
            pass  # a wholly unreadable file


@FUZZ
@given(
    data=st.binary(min_size=1, max_size=2000),
    prefix=st.sampled_from([b"[", b"{", b"<rss>", b"id,text\n", b"\x1f\x8b"]),
)
def test_random_bytes_after_a_telling_start(data, prefix):
    with _file("x", prefix + data) as path:
        _read(path)


def _pieces(kind: str, texts: list[str]) -> tuple[str, bytes, list[int]]:
    """A well-formed file of ``texts``, and the offset at which each record is complete."""
    if kind == "csv":
        head, rows = (
            "id,text,date\n",
            [_csv([t]).split("\n", 1)[1].replace("0,", f"{i},", 1) for i, t in enumerate(texts)],
        )
        sep, tail, cut_end = "", "", 2  # complete once its last field is (before "\r\n")
    elif kind == "jsonl":
        head, rows = "", [json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts]
        sep, tail, cut_end = "", "", 1
    else:
        head, rows = "[", [json.dumps({"text": t}, ensure_ascii=False) for t in texts]
        sep, tail, cut_end = ", ", "]", 0
    data, ends = head.encode(), []
    for i, row in enumerate(rows):
        data += (sep if i else "").encode() + row.encode()
        ends.append(len(data) - cut_end)
    return f"x.{kind}", data + tail.encode(), ends


@FUZZ
@given(
    kind=KINDS,
    texts=st.lists(PLAIN_TEXT, min_size=1, max_size=8),
    cut=st.floats(0, 1),
    gz=st.booleans(),
)
def test_truncation_at_any_offset(kind, texts, cut, gz):
    if kind in ("csv", "jsonl", "json"):
        name, data, ends = _pieces(kind, texts)
    else:
        (name, data), ends = _well_formed(kind, texts), []
    at = int(len(data) * cut)
    data = data[:at]
    if gz:
        name, data = name + ".gz", gzip.compress(data)
    with _file(name, data) as path:
        items, _, _ = _read(path, format=kind)
    # Every record complete before the cut is read.
    complete = [t.strip() for t, end in zip(texts, ends, strict=False) if end <= at]
    read = _texts(items)
    for text in complete:
        assert text in read


@FUZZ
@given(kind=KINDS, texts=st.lists(PLAIN_TEXT, min_size=1, max_size=10), gz=st.booleans())
def test_every_well_formed_record_is_read(kind, texts, gz):
    name, data = _well_formed(kind, texts)
    if gz:
        name, data = name + ".gz", gzip.compress(data)
    with _file(name, data) as path:
        items, rejects, report = _read(path)
    assert rejects.empty, rejects
    assert report.read == len(texts)
    assert _texts(items) == sorted(t.strip() for t in texts)


# -- nesting ---------------------------------------------------------------------------------


@FUZZ
@given(
    texts=st.lists(PLAIN_TEXT, min_size=1, max_size=5),
    extras=st.lists(JSON_VALUES, min_size=1, max_size=5),
    depth=st.integers(0, 3000),
    lines=st.booleans(),
)
def test_random_nesting(texts, extras, depth, lines):
    deep = "[" * depth + "]" * depth
    good = [
        json.dumps({"text": t, "extra": e}, ensure_ascii=False)
        for t, e in zip(texts, extras, strict=False)
    ]
    noise = (
        [json.dumps(e) for e in extras]
        + ([deep] if depth else [])
        + [f'{{"text": "deep", "x": {deep or 1}}}']
    )
    values = good + noise
    data = "\n".join(values) + "\n" if lines else "[" + ", ".join(values) + "]"
    with _file("x.jsonl" if lines else "x.json", data.encode()) as path:
        items, rejects, report = _read(path)
    read = _texts(items)
    for text in {t for t, _ in zip(texts, extras, strict=False)}:
        assert text in read
    assert report.read + report.rejected == len(values)


# -- encodings -------------------------------------------------------------------------------

# Words of Ukrainian news (a legacy code page is guessed from real text, not letter soup).
UKRAINIAN = (
    "обстріл Харкова загинули двоє людей ще п'ятеро поранені ворог атакував Запоріжжя вночі "
    "сили оборони збили безпілотників ракетний удар по Одесі пошкоджено енергетичну "
    "інфраструктуру"
).split()
WIDE = [
    "utf-8",
    "utf-8-sig",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "utf-32-le",
    "utf-32-be",
]


@FUZZ
@given(
    texts=st.lists(PLAIN_TEXT, min_size=1, max_size=8),
    encoding=st.sampled_from(WIDE),
    kind=st.sampled_from(["csv", "jsonl"]),
)
def test_unicode_encodings_with_and_without_bom(texts, encoding, kind):
    body = _csv(texts) if kind == "csv" else _jsonl([{"text": t} for t in texts])
    with _file(f"x.{kind}", body.encode(encoding)) as path:
        items, rejects, _ = _read(path)
    assert rejects.empty
    assert _texts(items) == sorted(t.strip() for t in texts)


@FUZZ
@given(
    texts=st.lists(
        st.lists(st.sampled_from(UKRAINIAN), min_size=2, max_size=8).map(" ".join),
        min_size=2,
        max_size=8,
    ),
    encoding=st.sampled_from(["cp1251", "koi8_u", "cp1252", "latin_1"]),
    bad=st.integers(0, 7),
)
def test_legacy_code_pages_and_one_bad_line(texts, encoding, bad):
    # A legacy file: every record is read (a short sample may be read in a sibling code page).
    try:
        body = _csv(texts).encode(encoding)
    except UnicodeEncodeError:
        body = _csv([t.encode("ascii", "replace").decode() for t in texts]).encode(encoding)
    with _file("x.csv", body) as path:
        items, _, report = _read(path)
    assert report.read == len(texts)
    # A UTF-8 file with one line in cp1251: that line is rejected (or, when its bytes happen
    # to be valid UTF-8, read as such); every other line is read.
    lines = _csv(texts).split("\n")
    row = 1 + bad % len(texts)
    raw = b"\n".join(
        line.encode("cp1251") if i == row else line.encode() for i, line in enumerate(lines)
    )
    with _file("y.csv", raw) as path:
        items, rejects, report = _read(path)
    assert report.read + report.rejected == len(texts)
    others = [t.strip() for i, t in enumerate(texts) if i != row - 1]
    read = _texts(items)
    for text in others:
        assert text in read


# -- mixed dates -----------------------------------------------------------------------------


@FUZZ
@given(
    dates=st.lists(DATES, min_size=1, max_size=12),
    kind=st.sampled_from(["json", "jsonl", "csv", "feed"]),
)
def test_mixed_dates_never_cost_a_record(dates, kind):
    texts = [f"item number {i}" for i in range(len(dates))]
    if kind == "json":
        name, data = (
            "x.json",
            json.dumps([{"text": t, "published": d} for t, d in zip(texts, dates, strict=True)]),
        )
    elif kind == "jsonl":
        name, data = (
            "x.jsonl",
            _jsonl([{"text": t, "published": d} for t, d in zip(texts, dates, strict=True)]),
        )
    elif kind == "csv":
        name, data = "x.csv", _csv(texts, [str(d) for d in dates])
    else:
        name, data = (
            "x.xml",
            _feed(texts, ["".join(c for c in str(d) if c.isprintable()) for d in dates]),
        )
    with _file(name, data.encode("utf-8")) as path:
        items, rejects, report = _read(path)
    assert report.rejected == 0, rejects
    assert report.read == len(dates)
    published = items["published"].dropna()
    assert published.dt.year.between(1900, 2100).all()


# -- the digest splitter, line by line, against the whole-text rules -------------------------

READ_MORE = re.compile(r"(?im)(?:^|(?<=[.!?”\"’)]))[ \t]*read more[ \t]*[.…:>»]*[ \t]*$")
CONTINUE_READING = re.compile(r"(?:…|\.\.\.)\s*Continue reading\b[^\n]*", re.I)


def _whole_text_split(text: str) -> list[str]:
    """The digest rules applied to the whole text at once (as before streaming)."""
    if not (READ_MORE.search(text) or CONTINUE_READING.search(text)):
        chunks = re.split(r"\n\s*\n", text)
    else:
        markers = sorted(
            [(m.start(), m.end()) for m in READ_MORE.finditer(text)]
            + [(m.start(), m.end()) for m in CONTINUE_READING.finditer(text)]
        )
        chunks, pos = [], 0
        for start, end in markers:
            if start < pos:
                continue
            chunks.append(text[pos:start])
            pos = end
        chunks.append(text[pos:])
    return [c.strip() for c in chunks if c.strip()]


DIGEST_PIECES = st.sampled_from(
    ["Read More", "read more.", "…", "...", "....", " Continue reading", "Continue reading »",
     "\n", "\n\n", " \n", "\t", " ", ".", "!", "”", "Kyiv", "two killed", "Odesa: strike"]
)  # fmt: skip


@settings(FUZZ, max_examples=4 * FUZZ.max_examples)
@given(pieces=st.lists(DIGEST_PIECES, min_size=1, max_size=40))
def test_digest_lines_split_like_the_whole_text(pieces):
    text = "".join(pieces)
    assume(text.strip())
    with _file("x.txt", text.encode()) as path:
        read = [r.text for r in iter_records(path, format="digest")]
    assert read == _whole_text_split(text)
