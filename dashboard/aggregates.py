"""Daily item and topic counts, kept by every ingest, for the unfiltered item and topic charts.

At a million items the items-per-period, topics-over-time and topic co-occurrence charts
join every item to its topics on each page view. Under the filters they are usually drawn
with (a date range, which date, on-topic or not) the same numbers come from two small
tables (``schema.DAILY_COUNTS``, ``schema.DAILY_PAIRS``; a few hundred thousand rows at
1M items), which ``views`` sums instead:

- ``daily_counts``: per date field (event, published), day, ``on_topic`` and taxonomy
  topic (missing: every item), the items;
- ``daily_pairs``: the same per pair of taxonomy topics an item carries together, both
  orders and a topic with itself (what ``views.topic_cooccurrence`` counts);
- ``daily_facets``: the same per list filter and value it offers (``facets.FACETS``, under
  the default filters): the items the value would keep, what the sidebar's counts
  (``views.facet_counts``), the items per source and the datasets sum. The discovered topics are counted under field :data:`DISCOVERED`.

A day is the views' ``d`` (``views._date_expr``): the day of the event date, or of the
publication time in UTC. Undated items count under a missing day (the co-occurrence counts
them when no date range is set). Days serve any date range exactly, and weeks and months
are sums of days. Discovered topics are re-fitted and replaced whole by every ingest that
discovers: their facet rows are counted again whole then, the rest added.

Kept incrementally: an ingest counts only its own items and adds those counts to the
stored ones, then replaces the tables whole (``Store.replace``). That is exact because a
batch holds only items never stored before (``ingest.Deduper``; a second sighting of a
stored item goes to ``copies``, which no count reads); a batch with dataset figures of
stored items (``item_lists``' late figures) counts every item again instead. The manifest's ``aggregates``
entry records the ``key()`` the counts were made under and the items and topics parts they
cover; when either differs from the store (a store written before this module, an
ingest by an older version, anything that rewrote those tables), the next ingest or
``dashboard compact`` counts every item again instead of adding. Compaction merges parts
without changing rows, so it carries a fresh entry over to the merged parts.

``Store.connect`` shows the views ``daily_counts``, ``daily_pairs`` and ``daily_facets``
only when the counts are fresh (:func:`ready`), with ``day`` as a DATE.
"""

from __future__ import annotations

import functools
import hashlib
import weakref

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from . import facets, item_lists
from .extract import EXTRACTION_VERSION
from .schema import AGGREGATES

# Bump when what the tables count changes: stores then count every item again.
AGGREGATE_VERSION = "2"


@functools.cache
def key() -> str:
    """What the counts depend on: the extraction version, this module's version, and the
    facets' SQL with its parameters (the sides table's countries among them), so an edit of
    ``sides.toml`` or a facet makes stored counts stale."""
    values, params = _facet_values()
    digest = hashlib.blake2b(repr((values, params)).encode(), digest_size=4).hexdigest()
    return f"{EXTRACTION_VERSION}.{AGGREGATE_VERSION}.{digest}"


# The date fields counted (``query.DATE_FIELDS``), each with its day below.
DATE_FIELDS = ("event", "published")
# The manifest entry describing the stored counts.
ENTRY = "aggregates"
# The tables the counts are made from: a change to their parts that no ingest added
# invalidates the counts.
COVERED = ("items", "topics", "casualties", "entities", "discovered_item_topics")
# The ``field`` of the discovered topics' facet rows (the topics facet's other part).
DISCOVERED = "topics:discovered"
# The time zone of every day derived from a publication time: the counts' and, on every
# ``Store.connect`` connection, the views' ``d`` (``views`` checks the connection's).
TIME_ZONE = "UTC"

# Each item twice, once per date field, with its day as the views' ``d`` computes it.
_DAYS = """SELECT item_key, on_topic, 'event' AS date_field, CAST(event_date AS DATE) AS day
FROM {items}
UNION ALL
SELECT item_key, on_topic, 'published', CAST(CAST(published AS TIMESTAMP) AS DATE) FROM {items}"""
# One row per item (topic missing), and one per item and taxonomy topic row: the topics
# over time count topic rows, as the live view does.
_COUNTS = """WITH d AS ({days}),
t AS (SELECT item_key, topic FROM {topics} WHERE origin = 'taxonomy')
SELECT date_field, day, on_topic, CAST(NULL AS VARCHAR) AS topic, count(*) AS n_items
FROM d GROUP BY ALL
UNION ALL
SELECT d.date_field, d.day, d.on_topic, t.topic, count(*) FROM d
JOIN t ON t.item_key = d.item_key GROUP BY ALL"""
# Pairs of an item's distinct taxonomy topics, as the co-occurrence view pairs them.
_PAIRS = """WITH d AS ({days}),
l AS (SELECT item_key, list(DISTINCT topic) AS ts FROM {topics}
      WHERE origin = 'taxonomy' GROUP BY item_key),
p AS (SELECT l.item_key, a.topic AS topic_a, b.topic AS topic_b
      FROM l, unnest(l.ts) AS a(topic), unnest(l.ts) AS b(topic))
SELECT d.date_field, d.day, d.on_topic, p.topic_a, p.topic_b, count(*) AS n_items
FROM d JOIN p ON p.item_key = d.item_key GROUP BY ALL"""
# Each list filter's (field, item, value) rows, an item once per value, joined to its days.
_FACETS = """WITH d AS ({days}),
v AS ({values})
SELECT d.date_field, d.day, d.on_topic, v.field, v.value, count(*) AS n_items
FROM d JOIN v ON v.item_key = d.item_key GROUP BY ALL"""
_SQL = {"daily_counts": _COUNTS, "daily_pairs": _PAIRS, "daily_facets": _FACETS}
# A batch without items or topics parts reads these instead.
_NO_ITEMS = (
    "(SELECT CAST(NULL AS UBIGINT) AS item_key, CAST(NULL AS BOOLEAN) AS on_topic, "
    "CAST(NULL AS TIMESTAMP) AS event_date, CAST(NULL AS TIMESTAMPTZ) AS published, "
    "CAST(NULL AS VARCHAR[]) AS sources, '' AS dataset WHERE false)"
)
_NO_TOPICS = "(SELECT CAST(NULL AS UBIGINT) AS item_key, '' AS topic, '' AS origin WHERE false)"
# The columns the facets read of a table without parts.
_NO_ROWS = {
    "casualties": "(SELECT CAST(NULL AS UBIGINT) AS item_key, '' AS side, '' AS kind, "
    "'' AS \"group\", '' AS per, '' AS claimant, '' AS origin WHERE false)",
    "entities": "(SELECT CAST(NULL AS UBIGINT) AS item_key, '' AS kind, '' AS name, "
    "'' AS admin1 WHERE false)",
}


def fresh(manifest: dict) -> bool:
    """Whether the stored counts are those of the stored items and topics, under ``key()``."""
    entry = manifest.get(ENTRY) or {}
    tables = manifest["tables"]
    return (
        entry.get("key") == key()
        and entry.get("covers") == _covers(tables)
        and all(name in tables for name in AGGREGATES)
    )


def update(store, batch) -> None:
    """Give ``batch`` (an ingest's, its items and topics written) the counts of the store
    it makes: its own items' counts added to fresh stored ones, else every item counted."""
    manifest = store.manifest()
    adds = any(batch.parts.get(table) or batch.replaced.get(table) for table in COVERED)
    late = bool(batch.parts.get(item_lists.TABLE))  # figures of stored items: not additive
    if fresh(manifest) and not late:
        if adds:
            _write(store, batch, manifest, _counted(store, batch, added=True), "added")
    elif adds or manifest["tables"].get("items"):
        _write(store, batch, manifest, _counted(store, batch, added=False), "counted")


def carry(store, batch) -> None:
    """For a compaction ``batch``: fresh counts stay and now cover the merged parts (the
    same rows); missing or stale ones are counted from every stored item."""
    manifest = store.manifest()
    if fresh(manifest):
        entry = manifest[ENTRY]
        batch.aggregates = {**entry, "covers": _covers(manifest["tables"], batch)}
        batch.aggregates["built"] = "carried"
    elif manifest["tables"].get("items"):
        _write(store, batch, manifest, count(store), "counted")


def count(store) -> dict[str, pa.Table]:
    """Both tables counted from every stored item (what a stale store is given)."""
    return _counted(store, None, added=False)


def _counted(store, batch, *, added: bool) -> dict[str, pa.Table]:
    """Every table: every item's counts (``batch``'s included), or with ``added`` the
    stored counts plus those of ``batch``'s own items (and the discovered topics' counted
    again whole when ``batch`` re-fitted them)."""
    con = duckdb.connect()
    try:
        con.execute(f"SET TimeZone = '{TIME_ZONE}'")  # the published day is the UTC day
        stored = not added
        items = store.scan(con, "items", batch, stored=stored, derived=True) or _NO_ITEMS
        topics = store.scan(con, "topics", batch, stored=stored) or _NO_TOPICS
        # the facets' SQL (facets.FACETS) reads these views: the rows being counted
        con.execute(f"CREATE VIEW items AS SELECT * FROM {items}")
        con.execute(f"CREATE VIEW topics AS SELECT * FROM {topics}")
        for table, empty in _NO_ROWS.items():
            source = store.scan(con, table, batch, stored=stored) or empty
            con.execute(f"CREATE VIEW {table} AS SELECT * FROM {source}")
        days = _DAYS.format(items=items)
        out = {}
        for name, sql in _SQL.items():
            if name != "daily_facets":
                parts = [(sql.format(days=days, topics=topics), [])]
            else:
                values, params = _facet_values()
                parts = [(_FACETS.format(days=days, values=values), params)]
            if added:
                parts.append(_stored_rows(con, store, batch, name))
            if name == "daily_facets" and (stored or _refits(batch)):
                parts += _discovered(con, store, batch)
            out[name] = _summed(con, name, parts)
        return out
    finally:
        con.close()


def _facet_values() -> tuple[str, list]:
    """SQL of (field, item_key, value) rows, an item once per value, of every list filter's
    facet (``facets.FACETS``) under the default filters, and its parameters."""
    parts, params = [], []
    for name in facets.FACETS:
        sql, more = facets.facet_rows(name)
        parts.append(sql)
        params += more
    return " UNION ALL ".join(parts), params


def _refits(batch) -> bool:
    """Whether ``batch`` re-fitted the discovered topics (replacing them whole)."""
    return batch is not None and "discovered_item_topics" in batch.replaced


def _discovered(con, store, batch) -> list[tuple[str, list]]:
    """The facet rows of the discovered topics as ``batch`` leaves them, over every item
    (stored and ``batch``'s): counted whole, since a re-fit changes old items' topics."""
    table = "discovered_item_topics"
    if _refits(batch):
        found = store.scan_files(con, table, batch.replaced[table])
    else:
        found = store.scan(con, table, batch)
    if not found:
        return []
    items = store.scan(con, "items", batch) or _NO_ITEMS
    values = f"SELECT ? AS field, item_key, topic AS value FROM {found}"
    return [(_FACETS.format(days=_DAYS.format(items=items), values=values), [DISCOVERED])]


def _stored_rows(con, store, batch, name: str) -> tuple[str, list]:
    """The stored counts of table ``name`` an added batch sums with its own: all, less the
    discovered topics' when ``batch`` re-fitted them (counted again whole)."""
    sql = f"SELECT * FROM {store.scan(con, name)}"
    if name == "daily_facets" and _refits(batch):
        return f"{sql} WHERE field <> ?", [DISCOVERED]
    return sql, []


def _summed(con: duckdb.DuckDBPyConnection, name: str, parts: list[tuple[str, list]]) -> pa.Table:
    """The rows of ``parts`` (queries of one table's columns, with their parameters)
    summed per key, in key order (the same input gives the same file, whichever engine
    ingested)."""
    schema = AGGREGATES[name]
    keys = [c.name for c in schema.columns if c.name != "n_items"]
    union = " UNION ALL BY NAME ".join(f"({sql})" for sql, _ in parts)
    select = ", ".join("CAST(day AS TIMESTAMP) AS day" if k == "day" else k for k in keys)
    sql = (
        f"SELECT {select}, CAST(sum(n_items) AS BIGINT) AS n_items FROM ({union}) "
        f"GROUP BY ALL ORDER BY {', '.join(keys)}"
    )
    params = [p for _, ps in parts for p in ps]
    return con.sql(sql, params=params).to_arrow_table().cast(schema.arrow)


def _write(store, batch, manifest: dict, tables: dict[str, pa.Table], built: str) -> None:
    """Replace both tables with ``tables`` in ``batch`` and record what they cover."""
    for name, table in tables.items():
        store.replace(batch, name, table)
    counts = tables["daily_counts"]
    every_item = pc.and_(pc.equal(counts["date_field"], "event"), pc.is_null(counts["topic"]))
    batch.aggregates = {
        "key": key(),
        "items": int(pc.sum(counts.filter(every_item)["n_items"]).as_py() or 0),
        "covers": _covers(manifest["tables"], batch),
        "built": built,
        "time_zone": TIME_ZONE,
    }


def _covers(tables: dict, batch=None) -> dict[str, list[str]]:
    """The parts of the covered tables, once ``batch`` (if any) is committed: its appended
    parts after the stored ones, or the parts replacing them (as ``store._add_batch``)."""
    out = {}
    for table in COVERED:
        rels = [*tables.get(table, []), *(batch.parts.get(table, []) if batch else [])]
        out[table] = list(batch.replaced.get(table, rels)) if batch else rels
    return out


# Connections on which the views daily_counts and daily_pairs are fresh (``attach``).
_READY: weakref.WeakSet = weakref.WeakSet()


def attach(con: duckdb.DuckDBPyConnection, store, manifest: dict) -> bool:
    """Create the views ``daily_counts`` and ``daily_pairs`` on ``con`` when the manifest's
    counts are fresh; say whether they are."""
    if not fresh(manifest):
        return False
    for name in AGGREGATES:
        source = store.scan_files(con, name, manifest["tables"][name])
        con.execute(
            f"CREATE VIEW {name} AS SELECT * REPLACE (CAST(day AS DATE) AS day) FROM {source}"
        )
    _READY.add(con)
    return True


def ready(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``con`` (from ``Store.connect``) shows fresh daily counts."""
    return con in _READY
