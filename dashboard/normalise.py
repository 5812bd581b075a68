"""Raw records -> the typed items frame: ids, dates, coordinates, duplicates collapsed.

``item_id`` is a hash of the *normalised* text (Unicode NFKC, case-folded, whitespace
collapsed), so the same item read twice, from any file or format, gets the same id, and
exact duplicates collapse into one item that remembers how many copies and which sources
carried it. Sources are named once per outlet (``canonical_sources``, from
``data/outlets.toml``); the value the record gave stays in ``source_raw``.
"""

from __future__ import annotations

import hashlib
import math
import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache, lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
from pandas.errors import OutOfBoundsDatetime

from .readers.base import Record
from .schema import ITEMS, validate

WHITESPACE = re.compile(r"\s+")
WORD = re.compile(r"\w+")
# Epochs between 1990 and 2100, in seconds or milliseconds.
EPOCH_SECONDS = (631_152_000, 4_102_444_800)
# Numeric-only date strings: 9-10 digits (epoch seconds) or 12-13 (milliseconds).
EPOCH_STRING = re.compile(r"^\d{9,10}(\.\d+)?$|^\d{12,13}$")
SLASH_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\b")
# A date (or coordinate) written in more characters than this is no date: longer strings
# are not given to the parsers at all.
DATE_MAX_CHARS = 100
TITLE_MAX = 120
OUTLETS_FILE = Path(__file__).resolve().parent / "data" / "outlets.toml"
# A source field may list several outlets: UCDP's source_office joins them with ";". Nothing
# else separates outlets in the data we know: " / " joins two spellings of *one* name
# ("<Ukrainian name> / Joint Forces Operation") and "&", ",", ":" stand inside names
# ("BBC Monitoring Ukraine & Baltics", "Interfax: Ukrainian General Newswire").
SOURCE_SEPARATOR = ";"
# A URL ("https://www.bbc.co.uk/news/...") or a bare host, optionally with a path
# ("ukrinform.net", "t.me/channel/12"): labels of letters, digits and dashes, no spaces.
# A bare value in mixed case is a host only when its top-level label is a country code or
# a generic one news sites use, so that a name with a dot in it ("Sibir.Realii",
# "St.Petersburg") stays a name while "MilitaryLand.net" and "nation.africa" are hosts.
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)
HOST = re.compile(
    r"^((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+([a-z]{2,63}))\.?(?::\d+)?(?:[/?#]|$)", re.I
)
KNOWN_TLDS = frozenset(
    "com net org info biz edu gov mil int media news online today live press world site app "
    "dev blog tech agency asia".split()
)
# Leading labels that name the same site: www (also "www3", a mistyped "wwww"), and the
# mobile and AMP renderings (m.dw.com, mobile.twitter.com, amp.cnn.com).
SAME_SITE = re.compile(r"^(?:w{3,}\d*|m|mobile|amp)\.(?=[^.]+\.)")
NOT_A_KEY = re.compile(r"[\W_]+")
# A dataset is named by its file, less its extensions ("ucdp_ged_ukraine.csv.gz"); the store
# derives the same name in SQL from this pattern (store.DATASET_SQL).
DATASET_EXTENSIONS = r"(\.[A-Za-z0-9]{1,8})+$"


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


def dataset_name(file: str) -> str:
    """``data/ucdp_ged_ukraine.csv.gz`` -> ``ucdp_ged_ukraine``."""
    return re.sub(DATASET_EXTENSIONS, "", re.split(r"[/\\]", file)[-1])


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

    Any value may be anything: missing, a number too big for a float (``10**400``),
    infinite, a list or an object, a string of thousands of characters, a mix of all of
    them. What is no date — or a date outside 1900–2100 — is NaT, never an error.
    """
    raw = list(values)
    out = pd.Series(pd.NaT, index=range(len(raw)), dtype="datetime64[us, UTC]")
    if not raw:
        return out
    stamps: dict[int, object] = {}
    numbers: dict[int, float] = {}
    strings: dict[int, str] = {}
    for i, value in enumerate(raw):
        if isinstance(value, datetime):  # pd.Timestamp too; NaT is skipped below
            stamps[i] = value
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int | float | np.number):
            numbers[i] = _finite(value)
        elif isinstance(value, str):
            text = value.strip()
            if not text or len(text) > DATE_MAX_CHARS:
                continue
            if EPOCH_STRING.match(text):
                numbers[i] = _finite(text)
            else:
                strings[i] = text
    if stamps:
        converted = pd.Series({i: _to_utc(v) for i, v in stamps.items()}, dtype="object")
        out[converted.index] = pd.to_datetime(converted, utc=True)
    if numbers:
        seconds = pd.Series(numbers, dtype="float64")
        seconds = seconds.where(seconds < EPOCH_SECONDS[1], seconds / 1000)
        ok = seconds[seconds.between(*EPOCH_SECONDS)]
        if len(ok):
            out[ok.index] = pd.to_datetime(ok, unit="s", utc=True)
    if strings:
        texts = pd.Series(strings, dtype="object")
        try:
            parsed = _parse_strings(texts)
        except Exception:  # noqa: BLE001 - a value pandas chokes on: parse one by one
            parsed = pd.Series(
                [_parse_one(texts.loc[[i]]) for i in texts.index],
                index=texts.index,
                dtype="datetime64[us, UTC]",
            )
        out[parsed.index] = parsed
    # Dates outside any plausible news range are errors, not news.
    out[(out.dt.year < 1900) | (out.dt.year > 2100)] = pd.NaT
    return out


def _finite(value) -> float:
    """A number (or digit string) as a float; NaN when it is too big for one or infinite."""
    try:
        number = float(value)
    except (OverflowError, ValueError, TypeError):
        return float("nan")
    return number if math.isfinite(number) else float("nan")


def _to_utc(value) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(value)
        if stamp is pd.NaT:
            return pd.NaT
        return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    except (ValueError, TypeError, OverflowError, OutOfBoundsDatetime):
        return pd.NaT


def _parse_one(text: pd.Series) -> pd.Timestamp:
    try:
        return _parse_strings(text).iloc[0]
    except Exception:  # noqa: BLE001 - no date
        return pd.NaT


def _parse_strings(strings: pd.Series) -> pd.Series:
    result = pd.Series(pd.NaT, index=strings.index, dtype="datetime64[us, UTC]")
    slash = strings.str.match(SLASH_DATE).astype(bool)
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
    """Numbers (or number strings) between ``lo`` and ``hi``; anything else is NaN."""
    numbers = [_coordinate(v) for v in values]
    series = pd.Series(numbers, dtype="float64")
    return series.where(series.between(lo, hi)).astype("float64")


def _coordinate(value) -> float:
    if isinstance(value, bool) or value is None:
        return float("nan")
    if isinstance(value, str):
        value = value.strip()
        if not value or len(value) > DATE_MAX_CHARS:
            return float("nan")
    elif not isinstance(value, int | float | np.number):
        return float("nan")
    return _finite(value)


# -- sources ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outlets:
    """The outlet vocabulary: spelling key -> canonical name, domain -> canonical name."""

    by_name: dict[str, str]
    by_domain: dict[str, str]


def source_key(name: str) -> str:
    """A name as the vocabulary matches it: case-folded, accents dropped, letters and digits
    only ("NOËL Reports", "Noel-Reports" and "noelreports" are one key)."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return NOT_A_KEY.sub("", "".join(c for c in decomposed if not unicodedata.combining(c)))


@cache
def load_outlets(path: Path = OUTLETS_FILE) -> Outlets:
    """Read ``data/outlets.toml``; ``ValueError`` names the file and the entry when malformed,
    and when two outlets claim one spelling or domain."""
    try:
        entries = tomllib.loads(path.read_text(encoding="utf-8"))["outlet"]
    except (tomllib.TOMLDecodeError, KeyError) as exc:
        raise ValueError(f"{path}: not an outlet table: {exc!r}") from None
    by_name: dict[str, str] = {}
    by_domain: dict[str, str] = {}
    if not isinstance(entries, list):
        raise ValueError(f"{path}: not an outlet table: [[outlet]] entries expected")
    for n, entry in enumerate(entries):
        name = entry.get("name")
        if not name or not isinstance(name, str):
            raise ValueError(f"{path}: outlet #{n + 1}: needs a name")
        for table, values in (
            (by_name, [source_key(v) for v in [name, *entry.get("names", [])]]),
            (by_domain, [d.strip().lower() for d in entry.get("domains", [])]),
        ):
            for value in values:
                if not value:
                    raise ValueError(f"{path}: outlet {name!r}: an empty name or domain")
                if table.get(value, name) != name:
                    raise ValueError(
                        f"{path}: {value!r} is claimed by both {table[value]!r} and {name!r}"
                    )
                table[value] = name
    return Outlets(by_name, by_domain)


def source_domain(value: str | None) -> str | None:
    """The host a URL or bare domain names, lower case, without "www."/"m."/"amp."; else None.

    "https://www.Reuters.com/world/x" -> "reuters.com"; "t.me/channel/1" -> "t.me";
    "Access can be requested" -> None.
    """
    if not value:
        return None
    value = value.strip()
    if SCHEME.match(value):
        try:
            match = HOST.match(urlsplit(value).hostname or "")
        except ValueError:  # e.g. a malformed IPv6 literal
            return None
    else:
        match = HOST.match(value)
        if match and match.group(1) != match.group(1).lower():
            tld = match.group(2).lower()
            if len(tld) != 2 and tld not in KNOWN_TLDS:
                return None
    if not match:
        return None
    host = match.group(1).lower()
    while SAME_SITE.match(host):
        host = SAME_SITE.sub("", host, count=1)
    return host


def _outlet_of_domain(host: str, outlets: Outlets) -> str:
    """The outlet of a host or of its nearest listed parent domain; else the host itself."""
    labels = host.split(".")
    for i in range(len(labels) - 1):
        outlet = outlets.by_domain.get(".".join(labels[i:]))
        if outlet:
            return outlet
    return host


@lru_cache(maxsize=100_000)
def canonical_source(part: str) -> str | None:
    """One outlet as the record names it -> its canonical name (None when blank).

    A known spelling (case, spaces and punctuation ignored) -> the outlet's name; a URL or
    domain -> the outlet of that domain, or the bare lower-case domain when unknown; any
    other name -> itself, whitespace collapsed.
    """
    name = WHITESPACE.sub(" ", part).strip()
    if not name:
        return None
    outlets = load_outlets()
    key = source_key(name)
    if key and key in outlets.by_name:
        return outlets.by_name[key]
    host = source_domain(name)
    if host:
        return _outlet_of_domain(host, outlets)
    return name


def canonical_sources(raw: str | None, url: str | None = None) -> list[str]:
    """The outlets a record names, canonical, in order, each once.

    ``raw`` may list several outlets joined by ";" (UCDP's source_office). When it names
    none, the outlet of the URL's domain stands in ("https://t.me/x/1" -> Telegram). An
    empty list means neither says anything: the caller decides (``records_to_frame`` names
    the file).

    >>> canonical_sources("Ukrinform;ukrinform.net;Agence France Presse")
    ['Ukrinform', 'AFP']
    >>> canonical_sources(None, "https://www.theguardian.com/world/2022/feb/24/x")
    ['The Guardian']
    """
    found: list[str] = []
    seen: set[str] = set()
    for part in (raw or "").split(SOURCE_SEPARATOR):
        outlet = canonical_source(part)
        if outlet is None:
            continue
        # Unknown names fold for de-duplication too ("ICRC;icrc" is one outlet, spelt as
        # first given); a name with no letters or digits ("???") only when identical.
        key = source_key(outlet) or outlet
        if key not in seen:
            seen.add(key)
            found.append(outlet)
    if not found:
        host = source_domain(url)
        if host:
            found.append(_outlet_of_domain(host, load_outlets()))
    return found


def records_to_frame(
    records: list[Record], *, file: str, as_of: pd.Timestamp, default_source: str
) -> pd.DataFrame:
    """Typed items, one row per record (duplicates not yet collapsed).

    ``source`` is the record's first canonical outlet, ``sources`` all of them; a record
    whose source field and URL are both empty (GDELT's article dump, a digest) keeps the
    behaviour from before outlets were named: the file's name (``default_source``) stands in.
    """
    texts = [r.text.strip() for r in records]
    sources = [canonical_sources(r.source, r.url) or [default_source] for r in records]
    frame = pd.DataFrame(
        {
            "item_id": [record_id(r.title, t) for r, t in zip(records, texts, strict=True)],
            "source_id": [r.source_id for r in records],
            "source": [s[0] for s in sources],
            "source_raw": [r.source for r in records],
            "url": [r.url for r in records],
            "title": [r.title or derive_title(t) for r, t in zip(records, texts, strict=True)],
            "text": texts,
            "published": parse_datetimes(r.published for r in records),
            "as_of": as_of,
            "lat": to_coordinates((r.lat for r in records), -90, 90),
            "lon": to_coordinates((r.lon for r in records), -180, 180),
            "n_words": [len(WORD.findall(t)) for t in texts],
            "n_copies": 1,
            "sources": sources,
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
