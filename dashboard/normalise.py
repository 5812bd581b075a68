"""Raw records -> the typed items frame: ids, dates, coordinates, duplicates collapsed.

``item_id`` is a hash of the *normalised* text (Unicode NFKC, case-folded, whitespace
collapsed), so the same item read twice, from any file or format, gets the same id, and
exact duplicates collapse into one item that remembers how many copies and which sources
carried it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from .readers.base import Record
from .schema import ITEMS, validate

WHITESPACE = re.compile(r"\s+")
WORD = re.compile(r"\w+")
# Epochs between 1990 and 2100, in seconds or milliseconds.
EPOCH_SECONDS = (631_152_000, 4_102_444_800)
# Numeric-only date strings: 9-10 digits (epoch seconds) or 12-13 (milliseconds).
EPOCH_STRING = re.compile(r"^\d{9,10}(\.\d+)?$|^\d{12,13}$")
SLASH_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\b")
TITLE_MAX = 120


def normalised_text(text: str) -> str:
    return WHITESPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


def item_id(text: str) -> str:
    return hashlib.blake2b(normalised_text(text).encode("utf-8"), digest_size=8).hexdigest()


def record_id(title: str | None, text: str) -> str:
    """An item's id: its text, plus its title when the source gives one that says more.

    Event logs such as CIR's repeat one description ("Russian military equipment moving in
    Belarus") under many dated titles; those are different items, so the title counts.
    """
    if title and normalised_text(title) not in normalised_text(text):
        return item_id(title + "\n" + text)
    return item_id(text)


def derive_title(text: str) -> str:
    """First sentence or line of the text, cut at a word boundary."""
    first = re.split(r"(?<=[.!?])\s+|\n", text.strip(), maxsplit=1)[0]
    if len(first) <= TITLE_MAX:
        return first
    cut = first[:TITLE_MAX].rsplit(" ", 1)[0]
    return cut + "…"


def to_reference_date(value) -> pd.Timestamp:
    """A user's --as-of (date string, date or None for today) as a UTC midnight timestamp."""
    if value is None:
        return pd.Timestamp(datetime.now(UTC).date(), tz="UTC")
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"as_of: not a date: {value!r} ({exc})") from None
    if stamp is pd.NaT:
        raise ValueError(f"as_of: not a date: {value!r}")
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return stamp.normalize()


def parse_datetimes(values: Iterable) -> pd.Series:
    """Parse mixed publication dates to UTC; what cannot be parsed becomes NaT.

    Handles epoch seconds/milliseconds (numbers or digit strings), ISO 8601, US
    ``9/30/2022 12:00:00 AM``, ``01/01/2015 00:00`` (day-first when any value of that shape
    has a first part over 12), ``July 11, 2022 12:18 AM`` and whatever pandas' parser knows.
    Strings without a zone are taken as UTC.
    """
    raw = pd.Series(list(values), dtype="object")
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us, UTC]")
    if raw.empty:
        return out
    is_dt = raw.map(lambda v: isinstance(v, datetime | pd.Timestamp))
    if is_dt.any():
        out[is_dt] = pd.to_datetime(raw[is_dt], utc=True)
    is_num = raw.map(lambda v: isinstance(v, int | float | np.number) and not isinstance(v, bool))
    strings = raw.map(lambda v: v.strip() if isinstance(v, str) else None)
    is_epoch_str = strings.map(lambda v: bool(v and EPOCH_STRING.match(v)))
    numeric = pd.to_numeric(raw.where(is_num | is_epoch_str), errors="coerce")
    if numeric.notna().any():
        seconds = numeric.where(numeric < EPOCH_SECONDS[1], numeric / 1000)
        ok = seconds.between(*EPOCH_SECONDS)
        out[ok] = pd.to_datetime(seconds[ok], unit="s", utc=True)
    todo = strings.notna() & ~is_epoch_str & out.isna()
    if todo.any():
        out[todo] = _parse_strings(strings[todo])
    # Dates outside any plausible news range are errors, not news.
    out[(out.dt.year < 1900) | (out.dt.year > 2100)] = pd.NaT
    return out


def _parse_strings(strings: pd.Series) -> pd.Series:
    result = pd.Series(pd.NaT, index=strings.index, dtype="datetime64[us, UTC]")
    slash = strings.str.match(SLASH_DATE)
    if slash.any():
        parts = strings[slash].str.extract(SLASH_DATE).astype(int)
        dayfirst = bool((parts[0] > 12).any())
        result[slash] = pd.to_datetime(
            strings[slash], utc=True, errors="coerce", dayfirst=dayfirst, format="mixed"
        )
    rest = ~slash
    if rest.any():
        iso = pd.to_datetime(strings[rest], utc=True, errors="coerce", format="ISO8601")
        result[rest] = iso
        left = rest & result.isna()
        if left.any():
            result[left] = pd.to_datetime(strings[left], utc=True, errors="coerce", format="mixed")
    return result


def to_coordinates(values: Iterable, lo: float, hi: float) -> pd.Series:
    numbers = pd.to_numeric(pd.Series(list(values), dtype="object"), errors="coerce")
    return numbers.where(numbers.between(lo, hi)).astype("float64")


def records_to_frame(
    records: list[Record], *, file: str, as_of: pd.Timestamp, default_source: str
) -> pd.DataFrame:
    """Typed items, one row per record (duplicates not yet collapsed)."""
    texts = [r.text.strip() for r in records]
    frame = pd.DataFrame(
        {
            "item_id": [record_id(r.title, t) for r, t in zip(records, texts, strict=True)],
            "source_id": [r.source_id for r in records],
            "source": [r.source or default_source for r in records],
            "url": [r.url for r in records],
            "title": [r.title or derive_title(t) for r, t in zip(records, texts, strict=True)],
            "text": texts,
            "published": parse_datetimes(r.published for r in records),
            "as_of": as_of,
            "lat": to_coordinates((r.lat for r in records), -90, 90),
            "lon": to_coordinates((r.lon for r in records), -180, 180),
            "n_words": [len(WORD.findall(t)) for t in texts],
            "n_copies": 1,
            "sources": [[r.source or default_source] for r in records],
            "file": file,
            "record": [r.record for r in records],
            "event_date": pd.NaT,
            "event_precision": None,
            "war_score": float("nan"),  # set by extractors.scope
            "on_topic": None,
        }
    )
    return validate(frame, ITEMS)


def collapse_duplicates(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per item_id: the first copy, with ``n_copies`` and the distinct ``sources``."""
    if frame.empty or not frame["item_id"].duplicated().any():
        return frame
    grouped = frame.groupby("item_id", sort=False)
    first = grouped.head(1).set_index("item_id")
    first["n_copies"] = grouped["n_copies"].sum()
    first["sources"] = grouped["sources"].agg(
        lambda lists: sorted({s for sub in lists for s in sub})
    )
    return validate(first.reset_index(), ITEMS)
