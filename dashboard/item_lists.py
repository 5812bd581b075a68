"""Each item's figure sides, figure kinds and countries, stored with the item.

The item-level side and kind filters keep the items with a figure of the side (kind), or,
for a side, naming its country (``query._side_items``). As semi-joins of the items to the
figures and entities they cost the 1M-item pages 60-90 ms: item keys are hashes, so no
row group is skipped, and the union of ~450k keys is built on every query. As list columns
of the items (``schema.ITEMS.derived``) they are a test on the items scan
(``list_contains``: 10-20 ms at 1M items).

An item's lists are made with it, from the rows of its chunk: its text figures and entities
come from its own text, and its dataset figures from its own record. A dataset figure can
come later, though: a new record repeating the text of an item stored by an earlier chunk
or ingest (UCDP's generic event texts) adds its figure to that item, whose lists are
written. An ingest keeps those figures in ``late_figures``, which the filters then read
too (a semi-join on a few rows); ``dashboard compact`` makes every item's lists from the
stored tables, folding those in, and empties ``late_figures``. Compacting is also how a
store written before the lists gets them: until then its items lack the columns, an ingest
into it writes none, and its connections keep the semi-joins (:func:`attach`).
"""

from __future__ import annotations

import weakref

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .schema import ITEMS, LATE_FIGURES

COLUMNS = tuple(c.name for c in ITEMS.derived)
# Each list column: the table and column it gathers, as the filters mean them.
SOURCES = {
    "figure_sides": ("casualties", "side", "TRUE"),
    "figure_kinds": ("casualties", "kind", "TRUE"),
    "countries": ("entities", "name", "kind = 'country'"),
}
# A figure's columns the lists read.
FIGURE_COLUMNS = ["item_id", "kind", "side"]
TABLE = LATE_FIGURES.name


def stored(store, manifest: dict | None = None) -> bool:
    """Whether the store's items have the lists (or it has none yet): an ingest writes
    them only then, so every items part has them or none does."""
    rels = (manifest or store.manifest())["tables"].get("items")
    return not rels or set(COLUMNS) <= set(pq.read_schema(store.root / rels[0]).names)


def of_chunk(
    items: pd.DataFrame, casualties: pd.DataFrame, entities: pd.DataFrame, figures: pd.DataFrame
) -> dict[str, list]:
    """The lists of a chunk's new ``items``, aligned with them, from their extracted
    ``casualties`` and ``entities`` and their dataset ``figures`` (``split_late``)."""
    both = pd.concat([casualties[FIGURE_COLUMNS], figures[FIGURE_COLUMNS]], ignore_index=True)
    rows, ids = {"casualties": both, "entities": entities}, items["item_id"]
    out = {}
    for name, (table, column, _) in SOURCES.items():
        frame = rows[table]
        if table == "entities":
            frame = frame[frame["kind"] == "country"]
        values = frame[["item_id", column]].dropna().drop_duplicates()
        lists = values.groupby("item_id")[column].agg(lambda v: sorted(v.astype(str)))
        out[name] = [lists.get(i, []) for i in ids]
    return out


def of_frames(frames, figures: pd.DataFrame | None) -> dict[str, list] | None:
    """:func:`of_chunk` of an extracted chunk (``extract.Frames``); None without ``figures``
    (a store that keeps no lists)."""
    if figures is None:
        return None
    return of_chunk(frames.items, frames.casualties, frames.entities, figures)


def split_late(figures: pd.DataFrame, new_ids) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A chunk's new dataset figures: those of its new items (``new_ids``: their lists
    hold them) and the late ones, of items stored before (``late_figures``)."""
    mine = figures["item_id"].isin(set(new_ids))
    return figures[mine], figures.loc[~mine, FIGURE_COLUMNS]


# -- compaction ---------------------------------------------------------------------------------
# A table without parts reads this instead.
_NO_ROWS = (
    "(SELECT NULL::UBIGINT AS item_key, NULL::VARCHAR AS kind, NULL::VARCHAR AS side, "
    "NULL::VARCHAR AS name WHERE false)"
)


def complete(store, manifest: dict) -> bool:
    """Whether every item's lists hold all its figures: the items have the columns and no
    figure came late."""
    return stored(store, manifest) and not manifest["tables"].get(TABLE)


def lists_sql(store, con: duckdb.DuckDBPyConnection) -> str:
    """SQL of (item_key, the lists) of every stored item with any, from the stored tables
    (``late_figures`` are casualties rows too)."""
    parts = []
    for name, (table, column, where) in SOURCES.items():
        source = store.scan(con, table) or _NO_ROWS
        gathered = f"list_sort(list(DISTINCT {column}) FILTER (WHERE {column} IS NOT NULL))"
        parts.append(
            f"SELECT item_key, '{name}' AS list, {gathered} AS v FROM {source} "
            f"WHERE {where} GROUP BY item_key"
        )
    lists = ", ".join(f"any_value(v) FILTER (WHERE list = '{n}') AS {n}" for n in COLUMNS)
    return f"SELECT item_key, {lists} FROM ({' UNION ALL '.join(parts)}) GROUP BY item_key"


class Adder:
    """Gives record batches of stored items their lists, made from the whole store (for
    ``Store.compact``: the lists of ~500k items at 1M items fit in memory)."""

    def __init__(self, store):
        self.con = duckdb.connect()
        self.con.execute(f"CREATE TABLE lists AS {lists_sql(store, self.con)}")

    def __call__(self, rb: pa.RecordBatch) -> pa.Table:
        """``rb`` (items, with or without lists) with the lists, rows in their order."""
        own = [n for n in rb.schema.names if n not in COLUMNS]
        table = pa.Table.from_batches([rb]).select(own)
        table = table.append_column("_row", pa.array(range(rb.num_rows), pa.int64()))
        self.con.register("_rows", table)
        lists = ", ".join(f"coalesce(l.{n}, []) AS {n}" for n in COLUMNS)
        sql = (
            f"SELECT r.* EXCLUDE (_row), {lists} FROM _rows r "
            "LEFT JOIN lists l ON l.item_key = r.item_key ORDER BY r._row"
        )
        out = self.con.sql(sql).to_arrow_table()
        self.con.unregister("_rows")
        return out.cast(ITEMS.arrow)

    def close(self) -> None:
        self.con.close()


# -- connections ---------------------------------------------------------------------------------
# Connections whose items have the lists (``attach``), and those with late figures too.
_LISTED: weakref.WeakSet = weakref.WeakSet()
_LATE: weakref.WeakSet = weakref.WeakSet()


def view_columns(parts: list) -> str:
    """What the ``items`` view adds to ``parts`` without the lists (a store written before
    them): empty columns, so every store's view has the same columns."""
    if not parts or set(COLUMNS) <= set(pq.read_schema(parts[0]).names):
        return ""
    return "".join(f", CAST(NULL AS VARCHAR[]) AS {n}" for n in COLUMNS)


def attach(con: duckdb.DuckDBPyConnection, store, manifest: dict) -> None:
    """Say on ``con`` whether the store's items have the lists, and whether figures came
    late (``listed``, ``late``); decided once per connection, like the search index."""
    if stored(store, manifest):
        _LISTED.add(con)
        if manifest["tables"].get(TABLE):
            _LATE.add(con)


def listed(con) -> bool:
    """Whether ``con`` (from ``Store.connect``; None: no) can filter on the lists."""
    return con is not None and con in _LISTED


def late(con) -> bool:
    """Whether ``con``'s store has figures its items' lists lack (``late_figures``)."""
    return con is not None and con in _LATE
