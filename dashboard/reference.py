"""Reference figures: the casualty counts a record carries in its own columns.

Structured datasets code deaths per event (UCDP GED: ``deaths_a``, ``deaths_b``,
``deaths_civilians``, ``deaths_unknown``, ``best``/``low``/``high`` with ``side_a``/``side_b``;
ACLED: ``fatalities``). Each count becomes one casualty figure with ``origin = "dataset"``:
the dataset as claimant, one event as ``per``, the event's dates as period, and whose people
they are from the actor the count belongs to (``data/reference.toml``). Counts are read per
*record*, before duplicates collapse: UCDP repeats one headline for distinct events, and
each event's deaths count.

A count that is not a whole number from 0 to ``MAX_COUNT`` (text, a negative, a fraction) is
set aside with its reason; the record and its other counts still load.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from .readers.base import Record, Reject
from .sides import UNKNOWN, load_sides, side_phrases, side_places, side_words

REFERENCE_FILE = Path(__file__).resolve().parent / "data" / "reference.toml"
ORIGIN = "dataset"
# More deaths than any single coded event in any war: a bigger count is a column mix-up.
MAX_COUNT = 1_000_000
# The event's country stands for the side (an actor listed with side = "country").
BY_COUNTRY = "country"
# The parts of a total: when a record has any of them, its total is not stored as well.
DEATH_PARTS = ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")
NUMBER = re.compile(r"^\s*(-?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.0+)?\s*$")


@dataclass(frozen=True)
class Count:
    """What a count field counts: ``whose`` is side_a, side_b, country or nobody."""

    kind: str
    whose: str
    group: str


@dataclass(frozen=True)
class ReferenceTable:
    fields: dict[str, tuple[str, ...]]
    counts: dict[str, Count]
    datasets: tuple[tuple[str, frozenset[str]], ...]
    actors: dict[str, tuple[str, str]]


@cache
def load_reference(path: Path = REFERENCE_FILE) -> ReferenceTable:
    """Read ``data/reference.toml``; ``ValueError`` names the file and what is malformed."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        fields = {k: tuple(v) for k, v in data["fields"].items()}
        counts = {k: Count(**v) for k, v in data["counts"].items()}
        datasets = tuple((d["claimant"], frozenset(d["columns"])) for d in data["dataset"])
        actors = {a["name"].casefold(): (a["side"], a["group"]) for a in data["actor"]}
    except (tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
        raise ValueError(f"{path}: not a reference table: {exc!r}") from None
    unknown = [k for k in counts if k not in fields]
    if unknown:
        raise ValueError(f"{path}: counts without a [fields] entry: {', '.join(unknown)}")
    return ReferenceTable(fields, counts, datasets, actors)


def field_names() -> dict[str, tuple[str, ...]]:
    """Count field -> candidate column names (the readers match them like item fields)."""
    return load_reference().fields


def parse_count(raw) -> int | None:
    """A count as written -> int; None when blank; ``ValueError`` saying why when not a count.

    >>> parse_count("1,234"), parse_count(7.0), parse_count("")
    (1234, 7, None)
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValueError(f"{raw!r} is not a count")
    if isinstance(raw, int | float):
        if isinstance(raw, float) and math.isnan(raw):
            return None
        if isinstance(raw, float) and not raw.is_integer():
            raise ValueError(f"{raw!r} is not a whole number")
        value = int(raw)
    else:
        match = NUMBER.match(str(raw))
        if not match:
            raise ValueError(f"{str(raw)[:40]!r} is not a count")
        value = int(match.group(2).replace(",", "")) * (-1 if match.group(1) else 1)
    if value < 0:
        raise ValueError(f"{value} is negative")
    if value > MAX_COUNT:
        raise ValueError(f"{value} is more than {MAX_COUNT:,}, not one event's count")
    return value


def actor_side(name: str | None, country_side: str) -> tuple[str, str | None]:
    """An actor's name -> (side, group or None to keep the count's own group).

    Listed actors first; else the sides table's words and names ("Government of Belarus").
    """
    if not name:
        return UNKNOWN, None
    listed = load_reference().actors.get(name.strip().casefold())
    if listed:
        side, group = listed
        return (country_side if side == BY_COUNTRY else side), group
    low = name.casefold()
    for pattern, side in side_phrases():
        if pattern.search(low):
            return side, None
    words, places = side_words(), side_places()
    for token in re.findall(r"[\w'-]+", low):
        side = words.get(token) or places.get(token)
        if side:
            return side, None
    return UNKNOWN, None


def country_side(country: str | None) -> str:
    """The side whose country the event is in; unknown when no country is given."""
    if not country:
        return UNKNOWN
    wanted = country.strip().casefold()
    return next((s.code for s in load_sides() if s.country.casefold() == wanted), UNKNOWN)


def claimant_for(columns: set[str], dataset: str) -> str:
    """The dataset known by these columns (UCDP GED), else the dataset's own name."""
    table = load_reference()
    return next((name for name, cols in table.datasets if cols <= columns), dataset)


def reference_figures(
    records: list[Record], items: pd.DataFrame, *, dataset: str, war_start
) -> tuple[pd.DataFrame, list[Reject]]:
    """The dataset figures of ``records`` (rows aligned with ``items``, one per record).

    Returns the figure rows (the CASUALTIES columns) and the counts set aside.
    """
    rows: list[dict] = []
    rejects: list[Reject] = []
    seen: dict[str, int] = {}
    dates = _periods(records, items)
    counted = set(load_reference().counts)
    # plain lists: a row lookup in the frame per record costs more than the rest together
    item_ids, texts = items["item_id"].tolist(), items["text"].tolist()
    for i, rec in enumerate(records):
        if counted.isdisjoint(rec.counts):
            continue
        values = _counts(rec, rejects)
        item_id = item_ids[i]
        nth = seen[item_id] = seen.get(item_id, -1) + 1
        key = rec.source_id or f"{item_id}#{nth}"
        claimant = claimant_for(set(rec.counts), dataset)
        figures = _figures(rec, values)
        ranged = _is_total(figures, values) and _range(rec, values, figures[0][1], rejects)
        start, end = dates[i]
        for column, value, side, group, kind in figures:
            rows.append(
                {
                    "item_id": item_id,
                    "value": value,
                    "value_max": ranged[1] if ranged else None,
                    "value_min": ranged[0] if ranged else None,
                    "kind": kind,
                    "side": side,
                    "group": group,
                    "claimant": claimant,
                    "claimant_raw": column,
                    "per": "event",
                    "period_start": start,
                    "period_end": end,
                    "approximate": False,
                    "scope": "other"
                    if end is not pd.NaT and end.date() < war_start
                    else "this_war",
                    "origin": ORIGIN,
                    "quote": f"{column} = {value}",
                    "sentence": texts[i],
                    # the whole record is the figure's "sentence": place filters read all of it
                    "start": 0,
                    "end": 0,
                    "record_ref": f"{claimant}:{key}:{column}",
                }
            )
    return pd.DataFrame(rows), rejects


def _counts(rec: Record, rejects: list[Reject]) -> dict[str, int]:
    """The record's counts that parse; each one that does not becomes a reject."""
    out = {}
    numeric = (*load_reference().counts, "low", "high")
    for field in numeric:
        if field not in rec.counts:
            continue
        try:
            value = parse_count(rec.counts[field])
        except ValueError as exc:
            rejects.append(Reject(rec.record, f"{field}: {exc}; count set aside, record kept", ""))
            continue
        if value is not None:
            out[field] = value
    return out


def _figures(rec: Record, values: dict[str, int]) -> list[tuple[str, int, str, str, str]]:
    """(column, value, side, group, kind) of each non-zero count; a total only without parts."""
    table = load_reference()
    has_parts = any(p in rec.counts for p in DEATH_PARTS)
    where = country_side(_text(rec.counts.get("country")))
    out = []
    for field, count in table.counts.items():
        value = values.get(field)
        if not value or (field == "deaths" and has_parts):
            continue
        side, group = UNKNOWN, count.group
        if count.whose in ("side_a", "side_b"):
            side, actor_group = actor_side(_text(rec.counts.get(count.whose)), where)
            group = actor_group or group
        elif count.whose == BY_COUNTRY:
            side = where
        out.append((field, value, side, group, count.kind))
    return out


def _is_total(figures: list, values: dict[str, int]) -> bool:
    """One figure holds the record's whole toll (its parts add up to the total given), so
    the total's low/high range is that figure's."""
    total = values.get("deaths")
    return len(figures) == 1 and (total is None or total == figures[0][1])


def _range(rec: Record, values: dict[str, int], value: int, rejects: list[Reject]):
    """(low, high) of a record's total held in one figure; None when absent or inconsistent."""
    low, high = values.get("low"), values.get("high")
    if low is None and high is None:
        return None
    low = value if low is None else low
    high = value if high is None else high
    if not low <= value <= high:
        rejects.append(
            Reject(
                rec.record, f"low {low} / high {high} do not hold best {value}; range set aside", ""
            )
        )
        return None
    return (low, high) if (low, high) != (value, value) else None


def _periods(records: list[Record], items: pd.DataFrame) -> list[tuple]:
    """Each record's (first day, last day): its period columns, else its publication day."""
    from .normalise import parse_datetimes  # the normaliser's date rules, one definition

    starts = _parsed([r.counts.get("period_start") for r in records], parse_datetimes)
    ends = _parsed([r.counts.get("period_end") for r in records], parse_datetimes)
    published = items["published"].reset_index(drop=True)
    starts = starts.fillna(published).dt.tz_localize(None).dt.normalize()
    ends = ends.dt.tz_localize(None).dt.normalize()
    ends = ends.where(ends.notna() & (ends >= starts), starts)
    return list(zip(starts, ends, strict=True))


def _parsed(values: list, parse) -> pd.Series:
    """``parse`` over the distinct values only: an event log repeats its dates."""
    keys = [v if isinstance(v, str | int | float) or v is None else repr(v) for v in values]
    first = {}
    for value, key in zip(values, keys, strict=True):
        first.setdefault(key, value)
    by_key = dict(zip(first, parse(list(first.values())), strict=True))
    return pd.Series([by_key[k] for k in keys], dtype="datetime64[us, UTC]")


def _text(value) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None
