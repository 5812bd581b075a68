"""Every frame's columns and dtypes, defined once.

Each frame is a :class:`FrameSchema`: an ordered list of columns with an Arrow type (what
Parquet stores) and the pandas dtype the rest of the code sees. ``validate`` coerces a frame
to its schema at a boundary (store writes, extractor outputs) and fails with a message
naming the frame and the column, never silently.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

# Enumerations shared by the extractors, the filters and the charts.
CASUALTY_KINDS = ("killed", "injured", "killed_or_injured", "captured", "missing")
GROUPS = ("military", "civilian", "unknown")
PERS = ("event", "day", "month", "total")
SCOPES = ("this_war", "other")
ORIGINS = ("text", "dataset")
PRECISIONS = ("day", "month", "year", "range")
ENTITY_KINDS = ("person", "unit", "place", "country", "organisation")
TOPIC_ORIGINS = ("taxonomy", "discovered")

_UTC = pa.timestamp("us", tz="UTC")
_DAY = pa.timestamp("us")  # a calendar date, naive, at midnight

# Arrow type -> pandas dtype the frames use in memory.
_PANDAS_DTYPES = {
    pa.string(): "string",
    pa.int64(): "Int64",
    pa.int32(): "Int32",
    pa.float64(): "float64",
    pa.bool_(): "boolean",
    _UTC: "datetime64[us, UTC]",
    _DAY: "datetime64[us]",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    doc: str

    @property
    def dtype(self):
        if pa.types.is_list(self.type):
            return "object"
        return _PANDAS_DTYPES[self.type]


@dataclass(frozen=True)
class FrameSchema:
    """A frame's columns; ``keys`` are integer columns the store adds to its Parquet files,
    derived from an id column (``item_key`` from ``item_id``): the page queries join on
    them. ``carried`` are columns of each row's item the store copies into its Parquet
    files (a figure's item date, title, file), so the page queries filter and show them
    without joining the items. ``derived`` are the reverse: columns the store derives for
    each item from its rows in other tables (the sides and kinds of its figures, the
    countries it names: ``dashboard.item_lists``), so the item-level filters on those test
    the items alone; stores written before them lack them (``stored_names`` leaves them
    out). Frames carry none of these."""

    name: str
    columns: tuple[Column, ...]
    keys: tuple[tuple[str, str], ...] = ()
    carried: tuple[Column, ...] = ()
    derived: tuple[Column, ...] = ()

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def stored_names(self) -> list[str]:
        return [*self.names, *(key for key, _ in self.keys), *(c.name for c in self.carried)]

    @property
    def frame_arrow(self) -> pa.Schema:
        """The frame's own columns, then the keys (a staged part, before its items join)."""
        fields = [pa.field(c.name, c.type) for c in self.columns]
        return pa.schema([*fields, *(pa.field(key, pa.uint64()) for key, _ in self.keys)])

    @property
    def arrow(self) -> pa.Schema:
        """The stored schema: the columns, the keys, the item columns carried, the derived."""
        more = [pa.field(c.name, c.type) for c in (*self.carried, *self.derived)]
        return pa.schema([*self.frame_arrow, *more])

    def empty(self) -> pd.DataFrame:
        return validate(pd.DataFrame({c.name: [] for c in self.columns}), self)


def _cols(*specs: tuple[str, pa.DataType, str]) -> tuple[Column, ...]:
    return tuple(Column(*s) for s in specs)


ITEMS = FrameSchema(
    "items",
    _cols(
        ("item_id", pa.string(), "stable id: hash of the normalised text"),
        ("source_id", pa.string(), "the record's own id, when it has one"),
        (
            "source",
            pa.string(),
            "outlet that carried the item: canonical name (data/outlets.toml), else the bare "
            "domain or the name as given; the URL's domain when the record names none, the "
            "file's name when it has neither",
        ),
        ("source_raw", pa.string(), "the source as the record gave it, or missing"),
        ("url", pa.string(), "link to the original"),
        ("title", pa.string(), "headline; derived from the text when absent"),
        ("text", pa.string(), "the item's text (untrusted)"),
        ("published", _UTC, "publication time, UTC, or missing"),
        ("as_of", _UTC, "reference date for relative dates when published is missing"),
        ("lat", pa.float64(), "latitude given by the source"),
        ("lon", pa.float64(), "longitude given by the source"),
        ("n_words", pa.int64(), "number of words in text"),
        ("n_copies", pa.int64(), "how many records carried this exact text"),
        (
            "sources",
            pa.list_(pa.string()),
            "distinct canonical sources that carried it (every outlet its records list)",
        ),
        ("file", pa.string(), "provenance: the file of the first copy"),
        ("record", pa.int64(), "provenance: record number (0-based) in that file"),
        (
            "event_date",
            _DAY,
            "the date the item is about (most specific event date, else published)",
        ),
        ("event_precision", pa.string(), "precision of event_date: day, month, year, range"),
        ("war_score", pa.float64(), "relevance to the Russia–Ukraine war, 0–1 (extractors.scope)"),
        ("on_topic", pa.bool_(), "the item is about the Russia–Ukraine war (war_score >= 0.5)"),
    ),
    keys=(("item_key", "item_id"),),
    # sorted, each value once, empty for none; what the item-level side and kind filters test
    derived=_cols(
        ("figure_sides", pa.list_(pa.string()), "the sides of its casualty figures (any origin)"),
        ("figure_kinds", pa.list_(pa.string()), "the kinds of its casualty figures (any origin)"),
        ("countries", pa.list_(pa.string()), "the countries it names (its country entities)"),
    ),
)

REJECTS = FrameSchema(
    "rejects",
    _cols(
        ("file", pa.string(), "file the record came from"),
        ("record", pa.int64(), "record number (0-based), missing when the whole file failed"),
        ("reason", pa.string(), "what is wrong with it"),
        ("raw", pa.string(), "the start of the record, for inspection"),
    ),
)


def _item_columns(*names: str) -> tuple[Column, ...]:
    by_name = {c.name: c for c in ITEMS.columns}
    return tuple(by_name[n] for n in names)


# The item columns a figure or a dated event carries: those the date, on-topic, source and
# dataset filters read, and those the figure table and the timeline show.
CARRIED_ITEM_COLUMNS = _item_columns(
    "published", "event_date", "on_topic", "file", "sources", "source", "title", "url"
)

CASUALTIES = FrameSchema(
    "casualties",
    _cols(
        ("item_id", pa.string(), "the item it came from"),
        ("value", pa.int64(), "the number of people; missing for a mention without a number"),
        ("value_max", pa.int64(), "upper end of a range (a dataset's high estimate), else missing"),
        (
            "value_min",
            pa.int64(),
            "a dataset's low estimate when value is its best one (UCDP low), else missing",
        ),
        ("kind", pa.string(), "one of CASUALTY_KINDS"),
        ("side", pa.string(), "whose people: russia, ukraine, north_korea, ... or unknown"),
        ("group", pa.string(), "military, civilian or unknown"),
        ("claimant", pa.string(), "who states it: canonical name (data/claimants.toml)"),
        ("claimant_raw", pa.string(), "who states it, in the words of the text"),
        ("per", pa.string(), "event, day, month or total"),
        ("period_start", _DAY, "first day the figure covers"),
        ("period_end", _DAY, "last day the figure covers"),
        ("approximate", pa.bool_(), "the text hedges the number"),
        ("scope", pa.string(), "this_war, or other (other wars, history, disease, disasters)"),
        (
            "origin",
            pa.string(),
            "text (extracted from the item's words) or dataset (a count in the record's own "
            "columns, e.g. UCDP GED's deaths_a; dashboard/reference.py)",
        ),
        ("quote", pa.string(), "the words that carry the figure"),
        ("sentence", pa.string(), "the sentence it stands in"),
        ("start", pa.int64(), "character offset of quote in text"),
        ("end", pa.int64(), "character offset just past quote in text"),
        (
            "record_ref",
            pa.string(),
            "a dataset figure's record and column (claimant:record id:column), the key that "
            "stores it once however often its record is ingested; missing for text figures",
        ),
    ),
    keys=(("item_key", "item_id"),),
    carried=CARRIED_ITEM_COLUMNS,
)

EVENTS = FrameSchema(
    "events",
    _cols(
        ("item_id", pa.string(), "the item it came from"),
        ("date", _DAY, "first day of what the phrase names"),
        ("date_end", _DAY, "last day of what the phrase names"),
        ("precision", pa.string(), "day, month, year or range"),
        ("phrase", pa.string(), "the date expression as written"),
        ("sentence", pa.string(), "the sentence it stands in"),
        ("start", pa.int64(), "character offset in text"),
        ("end", pa.int64(), "character offset just past the phrase"),
        ("relative", pa.bool_(), "resolved against the item's published/as_of date"),
    ),
    keys=(("item_key", "item_id"),),
    carried=CARRIED_ITEM_COLUMNS,
)

ENTITIES = FrameSchema(
    "entities",
    _cols(
        ("item_id", pa.string(), "the item it came from"),
        ("kind", pa.string(), "one of ENTITY_KINDS"),
        ("name", pa.string(), "canonical name; spellings merged"),
        ("mention", pa.string(), "the words in the text"),
        ("start", pa.int64(), "character offset in text"),
        ("end", pa.int64(), "character offset just past the mention"),
        ("lat", pa.float64(), "latitude, for places"),
        ("lon", pa.float64(), "longitude, for places"),
        ("country", pa.string(), "country of a place"),
        ("admin1", pa.string(), "region (oblast) of a place"),
    ),
    keys=(("item_key", "item_id"),),
)

TOPICS = FrameSchema(
    "topics",
    _cols(
        ("item_id", pa.string(), "the item"),
        ("topic", pa.string(), "topic name (taxonomy) or label (discovered)"),
        ("score", pa.float64(), "strength of the assignment, 0..1"),
        ("origin", pa.string(), "taxonomy or discovered"),
    ),
    keys=(("item_key", "item_id"),),
)

DISCOVERED_TOPICS = FrameSchema(
    "discovered_topics",
    _cols(
        ("topic", pa.string(), "readable label"),
        ("rank", pa.int64(), "0-based index of the component"),
        ("top_terms", pa.list_(pa.string()), "highest-weighted terms"),
        ("n_items", pa.int64(), "items assigned to it"),
    ),
)

STORIES = FrameSchema(
    "stories",
    _cols(
        ("item_id", pa.string(), "the item"),
        (
            "story_id",
            pa.string(),
            "its story: the first item of its near copies (extractors.stories), else itself",
        ),
    ),
    keys=(("item_key", "item_id"), ("story_key", "story_id")),
)

# Dataset figures stored after their item (a new record repeating the text of an item an
# earlier chunk or ingest stored): its ``figure_sides`` and ``figure_kinds`` lack them, so the
# filters read these rows too until ``dashboard compact`` folds them in (``item_lists``).
LATE_FIGURES = FrameSchema(
    "late_figures",
    _cols(
        ("item_id", pa.string(), "the item, stored before the figure"),
        ("kind", pa.string(), "the figure's kind"),
        ("side", pa.string(), "the figure's side"),
    ),
    keys=(("item_key", "item_id"),),
)

STORY_KEYS = FrameSchema(
    "story_keys",
    _cols(
        ("story_id", pa.string(), "a story"),
        ("band", pa.int64(), "band of a MinHash signature of one of its items"),
        ("key", pa.int64(), "hash of that band: items sharing keys are near copies"),
    ),
)

SCHEMAS = {
    s.name: s
    for s in (
        ITEMS, REJECTS, CASUALTIES, EVENTS, ENTITIES, TOPICS, DISCOVERED_TOPICS, STORIES,
        STORY_KEYS, LATE_FIGURES,
    )
}  # fmt: skip

# Daily counts the store derives from items and their taxonomy topics (``dashboard.aggregates``),
# so the unfiltered item and topic charts sum a few thousand rows instead of joining a
# million items. Not frames of the data layer, so not in SCHEMAS.
_DAILY_KEY = _cols(
    ("date_field", pa.string(), "which date buckets the item: event or published"),
    ("day", _DAY, "the item's day by that date (the views' d), missing for an undated item"),
    ("on_topic", pa.bool_(), "the items' on_topic"),
)

DAILY_COUNTS = FrameSchema(
    "daily_counts",
    (
        *_DAILY_KEY,
        Column("topic", pa.string(), "a taxonomy topic, or missing: every item"),
        Column("n_items", pa.int64(), "items of that day (carrying that topic)"),
    ),
)

DAILY_PAIRS = FrameSchema(
    "daily_pairs",
    (
        *_DAILY_KEY,
        Column("topic_a", pa.string(), "a taxonomy topic"),
        Column("topic_b", pa.string(), "a taxonomy topic (both orders; a = b: the topic alone)"),
        Column("n_items", pa.int64(), "items of that day carrying both topics"),
    ),
)

DAILY_FACETS = FrameSchema(
    "daily_facets",
    (
        *_DAILY_KEY,
        Column("field", pa.string(), "a list filter (query.LIST_FIELDS) whose values it counts"),
        Column("value", pa.string(), "one value the filter offers"),
        Column("n_items", pa.int64(), "items of that day the value would keep"),
    ),
)

AGGREGATES = {s.name: s for s in (DAILY_COUNTS, DAILY_PAIRS, DAILY_FACETS)}


class SchemaError(ValueError):
    """A frame does not match its schema."""


def validate(frame: pd.DataFrame, schema: FrameSchema | str) -> pd.DataFrame:
    """Return ``frame`` with exactly the schema's columns, in order, in its dtypes.

    Missing optional values are fine; a missing *column* or a value that cannot be coerced
    raises :class:`SchemaError` naming the frame and the column.
    """
    if isinstance(schema, str):
        schema = SCHEMAS[schema]
    missing = [n for n in schema.names if n not in frame.columns]
    if missing:
        raise SchemaError(f"{schema.name}: missing column(s) {', '.join(missing)}")
    out = {}
    for col in schema.columns:
        values = frame[col.name]
        try:
            out[col.name] = _coerce(values, col)
        except (TypeError, ValueError) as exc:
            raise SchemaError(f"{schema.name}.{col.name}: {exc}") from None
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


def _coerce(values: pd.Series, col: Column) -> pd.Series:
    values = values.reset_index(drop=True)
    if pa.types.is_list(col.type):
        lists = [_as_list(v) for v in values]
        return pd.Series(lists, dtype="object")  # an empty column stays object, not float
    dtype = col.dtype
    if dtype.startswith("datetime64"):
        if str(values.dtype) == dtype:
            return values
        utc = "UTC" in dtype
        converted = pd.to_datetime(values, utc=True, errors="raise", format="mixed")
        if not utc:
            converted = converted.dt.tz_localize(None)
        return converted.astype(dtype)
    if dtype == "string" and str(values.dtype) != "string":
        return values.astype("object").where(values.notna(), None).astype("string")
    return values.astype(dtype)


def _as_list(v) -> list:
    """A list cell as a list: the common cases first (``pd.isna`` per cell was a third of
    a chunk's validation)."""
    if isinstance(v, list):
        return v
    if v is None:
        return []
    if isinstance(v, tuple | np.ndarray):
        return list(v)
    return [] if _isna(v) else list(v)


def _isna(v) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def to_arrow(
    frame: pd.DataFrame,
    schema: FrameSchema | str,
    items: pd.DataFrame | None = None,
    derived: dict | None = None,
) -> pa.Table:
    """Validate and convert to an Arrow table with the schema's exact types, keys added,
    the columns it carries of each row's item taken from ``items`` (rows of the same
    chunk, by ``item_id``) and its ``derived`` columns (name -> values aligned with the
    rows). Without them a schema that carries or derives columns gives its frame columns
    only (``frame_arrow``: a staged part, an item of a store without derived columns)."""
    if isinstance(schema, str):
        schema = SCHEMAS[schema]
    frame = validate(frame, schema)
    if schema.keys:
        frame = frame.assign(**{key: id_keys(frame[source]) for key, source in schema.keys})
    fields = list(schema.frame_arrow)
    if schema.carried and items is not None:
        frame = frame.assign(**item_columns(frame["item_id"], items, schema.carried))
        fields += [pa.field(c.name, c.type) for c in schema.carried]
    if schema.derived and derived is not None:
        frame = frame.assign(**{c.name: derived[c.name] for c in schema.derived})
        fields += [pa.field(c.name, c.type) for c in schema.derived]
    return pa.Table.from_pandas(frame, schema=pa.schema(fields), preserve_index=False)


def item_columns(ids: pd.Series, items: pd.DataFrame, columns: tuple[Column, ...]) -> dict:
    """Each of ``columns`` of the items ``ids`` name, aligned with ``ids``; an id that
    ``items`` lacks is an error (a row would carry empty values)."""
    names = [c.name for c in columns]
    by_id = items[["item_id", *names]].drop_duplicates("item_id").set_index("item_id")
    missing = ~ids.isin(by_id.index)
    if missing.any():
        raise SchemaError(f"no item {ids[missing].iloc[0]!r} for its row in this chunk")
    rows = by_id.loc[ids.to_numpy()].reset_index(drop=True)
    return {name: rows[name] for name in names}


def id_keys(ids: pd.Series) -> np.ndarray:
    """Ids -> 64-bit integer keys. An item id is an 8-byte hash written as 16 hex digits,
    so its key is those 64 bits; any other id (a test's "a1") gets 8 bytes of its own
    blake2b hash. Joining on these costs a fraction of joining on the id strings."""
    values = ids.tolist()
    if values and all(isinstance(v, str) and len(v) == 16 for v in values):
        try:  # the usual case, at once: 1M ids in ~0.1 s instead of ~1 s
            return np.frombuffer(bytes.fromhex("".join(values)), dtype=">u8").astype(np.uint64)
        except ValueError:
            pass  # not all hex: one by one
    out = np.zeros(len(values), dtype=np.uint64)
    for n, value in enumerate(values):
        if not isinstance(value, str):
            continue
        if len(value) <= 16:
            try:
                out[n] = int(value, 16)
                continue
            except ValueError:
                pass
        out[n] = int.from_bytes(hashlib.blake2b(value.encode(), digest_size=8).digest(), "big")
    return out


def from_arrow(table: pa.Table, schema: FrameSchema | str) -> pd.DataFrame:
    """Arrow table (e.g. read from Parquet or DuckDB) -> frame in the schema's dtypes."""
    if isinstance(schema, str):
        schema = SCHEMAS[schema]
    return validate(table.to_pandas(), schema)
