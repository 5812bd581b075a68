"""The store: Parquet parts per table, a manifest that names them, DuckDB views over them.

Layout of a store directory::

    manifest.json          version, the parts of every table, the files ingested, garbage
    .writer.lock           held by the one writer (ingest, compact) at work
    items/000001-<token>-0000.parquet
    casualties/000001-<token>-0000.parquet  ... one folder per table in ``schema.SCHEMAS``
    daily_counts/000007-<token>-full.parquet  daily counts (``aggregates``), replaced whole
    daily_pairs/000007-<token>-full.parquet   by every ingest that adds items
    daily_facets/000007-<token>-full.parquet
    search/000007.sqlite   the full-text index (``search_index``)

Writes are atomic: new parts are written under temporary names and renamed, flushed to
disk, then the manifest is replaced in one ``os.replace``. Parts the manifest does not name
are invisible, so a crash mid-ingest leaves the previous store exactly as it was. Tables
are appended to in chunks (``append``), or replaced whole (``replace``, for corpus-level
tables such as the discovered topics and the daily counts).

The manifest's ``aggregates`` entry says which parts of the counted tables
(``aggregates.COVERED``) the daily counts cover, and under which version they were made;
``Store.connect`` shows the counts only when they match the store (``aggregates.fresh``),
and the next ingest or ``compact`` counts again when they do not.

One writer at a time: ``begin`` takes the store's writer lock (an OS file lock, which the
kernel drops when its process ends, however it ends) and ``commit``/``abort`` release it.
A second writer says it is waiting and waits up to ``LOCK_TIMEOUT`` seconds, then fails
with a StoreError. A batch's file names carry its own random token, so aborting a batch
can only delete its own files. Files a commit stops naming (replaced and compacted tables,
older search indexes) are not deleted at once: the manifest lists them as ``garbage`` with
the version that dropped them, and they are deleted once ``KEEP_VERSIONS`` newer versions
exist, so a connection opened on a recent version keeps reading.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
from filelock import FileLock, Timeout

from . import aggregates, item_lists, search_index
from .normalise import DATASET_EXTENSIONS
from .schema import AGGREGATES, SCHEMAS, TOPICS, from_arrow, to_arrow

DEFAULT_STORE = Path(os.environ.get("DASHBOARD_STORE", "data/store"))
MANIFEST = "manifest.json"
LOCK_FILE = ".writer.lock"
# Seconds a second writer waits for the writer lock before failing; a negative value waits
# for ever. Ten minutes outlasts an ordinary ingest (the bundled data takes seconds, a
# 100k-item corpus a few minutes) yet turns a stuck writer into an error; set
# DASHBOARD_LOCK_TIMEOUT (or ``Store(lock_timeout=...)``) for longer jobs, 0 to never wait.
LOCK_TIMEOUT = 600.0
LOCK_TIMEOUT_ENV = "DASHBOARD_LOCK_TIMEOUT"
# Files a commit stops naming stay on disk until this many newer versions exist: the
# current version and the two before it stay readable. The app reads the manifest for every
# query, so a query needs its version's files for seconds; two versions cover an ingest
# followed at once by a compact while a page is loading.
KEEP_VERSIONS = 2
# An ingest compacts the store when a table has more parts than this: DuckDB pays per file
# (a million items ingested in 20k-item chunks make 50 parts per table), and compacting
# 64 parts costs seconds, not a rewrite of the store after every ingest.
COMPACT_PARTS = 64
# DuckDB reads ``*``, ``?`` and ``[`` in a file name as a glob pattern. Written as a
# one-character class (``[[]``) each matches only itself.
GLOB_CHARS = re.compile(r"[*?\[]")
# Stored tables and their schemas. Taxonomy topics are appended per batch; discovered
# topics are re-fitted over the whole corpus and replaced, so they live apart and the
# ``topics`` view unions both. The daily counts are replaced whole too, and shown only
# when fresh (``aggregates.attach``).
TABLES = {**SCHEMAS, "discovered_item_topics": TOPICS, **AGGREGATES}
# The ``items`` view's ``dataset``: the name of the file an item came from, without folder
# and extensions ("ucdp_ged_ukraine" for data/datasets/ucdp_ged_ukraine.csv.gz). Derived in
# the view, not stored, so stores written before it need no re-ingest.
DATASET_SQL = f"regexp_replace(regexp_extract(file, '[^/\\\\]+$'), '{DATASET_EXTENSIONS}', '')"
# The views that derive ``dataset`` from ``file``: items, and the tables carrying its file.
DATASET_TABLES = ("items", *(name for name, schema in TABLES.items() if schema.carried))
# Extra sightings of items already stored (same text from another file or source).
COPIES = pa.schema(
    [
        ("item_id", pa.string()),
        ("source", pa.string()),
        ("file", pa.string()),
        ("record", pa.int64()),
    ]
)


# Row groups of a compacted file. DuckDB reads a file one row group per thread and pays per
# group: the parts' own groups (one per ingest chunk, some of 50 rows) made page queries at
# 1M items 1.5-1.8x slower than groups of 100k rows (measured on one table set rewritten both
# ways: casualties over time 235 -> 134 ms, topic counts 379 -> 249 ms, timeline 209 -> 129).
ROW_GROUP_ROWS = 100_000
ROW_GROUP_BYTES = 128 * 2**20


class StoreError(RuntimeError):
    pass


@dataclass
class Batch:
    """Parts written during one ingest, made visible only by ``Store.commit``.

    It holds the store's writer lock from ``Store.begin`` until ``commit`` or ``abort``;
    ``token`` makes its file names its own.
    """

    number: int
    parts: dict[str, list[str]]
    replaced: dict[str, list[str]]
    files: dict[str, dict]
    # parts still without their items' columns (``Store.carry_staged``), never committed
    staged: list[str] = field(default_factory=list)
    # the manifest's new ``aggregates`` entry, when the batch writes or carries the counts
    aggregates: dict | None = None
    token: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    lock: FileLock | None = field(default=None, repr=False)
    committed: bool = False

    def name(self, table: str, suffix: str) -> str:
        """The relative path of one of this batch's Parquet files in ``table``."""
        return f"{table}/{self.number:06d}-{self.token}-{suffix}.parquet"

    def files_written(self) -> list[str]:
        """Every file of this batch, appended parts and replacing tables alike."""
        tables = (*self.parts.values(), *self.replaced.values(), self.staged)
        return [rel for rels in tables for rel in rels]


class Store:
    """One store directory. A writer waits ``lock_timeout`` seconds for another to finish
    (default: ``$DASHBOARD_LOCK_TIMEOUT``, else ``LOCK_TIMEOUT``; negative: for ever)."""

    def __init__(self, root: str | Path = DEFAULT_STORE, *, lock_timeout: float | None = None):
        self.root = Path(root)
        self.lock_timeout = lock_timeout

    # -- manifest -----------------------------------------------------------------------
    def manifest(self) -> dict:
        path = self.root / MANIFEST
        if not path.exists():
            return {"version": 0, "tables": {}, "files": {}, "batches": []}
        try:
            return json.loads(path.read_text("utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise StoreError(f"{path}: unreadable store manifest: {exc}") from None

    @property
    def version(self) -> int:
        return int(self.manifest()["version"])

    def exists(self) -> bool:
        return (self.root / MANIFEST).exists()

    def ingested_files(self) -> dict[str, dict]:
        """Content hash -> what was read from that file."""
        return self.manifest()["files"]

    def parts(self, table: str) -> list[Path]:
        return [self.root / p for p in self.manifest()["tables"].get(table, [])]

    # -- writing ------------------------------------------------------------------------
    def begin(self) -> Batch:
        """Take the writer lock and start the batch that will make the next version."""
        lock = self._acquire_lock()
        try:
            return Batch(self.manifest()["version"] + 1, {}, {}, {}, lock=lock)
        except BaseException:
            lock.release()
            raise

    def _acquire_lock(self) -> FileLock:
        """The store's writer lock, once free: waits up to the lock timeout, saying so."""
        timeout = self.lock_timeout
        if timeout is None:
            timeout = float(os.environ.get(LOCK_TIMEOUT_ENV, LOCK_TIMEOUT))
        self.root.mkdir(parents=True, exist_ok=True)
        lock = FileLock(self.root / LOCK_FILE)
        try:
            lock.acquire(timeout=0)
            return lock
        except Timeout:
            limit = "no time limit" if timeout < 0 else f"up to {timeout:g} s"
            print(
                f"{self.root}: waiting for another ingest or compact to finish ({limit})",
                file=sys.stderr,
                flush=True,
            )
        try:
            lock.acquire(timeout=timeout)
        except Timeout:
            raise StoreError(
                f"{self.root}: another ingest or compact holds the store (lock {LOCK_FILE}) "
                f"and did not finish within {timeout:g} s; run this again when it has"
            ) from None
        return lock

    def append(
        self,
        batch: Batch,
        table: str,
        frame: pd.DataFrame | pa.Table,
        items: pd.DataFrame | None = None,
        derived: dict | None = None,
    ) -> None:
        """Write ``frame`` as a part of ``table``; ``items`` (the rows' items, of the same
        chunk) give the item columns a table carries (``FrameSchema.carried``), ``derived``
        its derived columns (``FrameSchema.derived``; none in a store without them)."""
        if isinstance(frame, pd.DataFrame):
            if frame.empty:
                return
            if TABLES[table].carried and items is None:
                raise ValueError(f"{table} rows carry their items' columns: pass items=")
            data = to_arrow(frame, TABLES[table], items, derived)
        else:
            if frame.num_rows == 0:
                return
            data = frame
        rel = batch.name(table, f"{len(batch.parts.get(table, [])):04d}")
        self.write_part(rel, data)
        batch.parts.setdefault(table, []).append(rel)

    def carry_staged(self, batch: Batch, table: str) -> None:
        """Give the batch's staged parts of ``table`` the columns it carries of each row's
        item, read from the stored items and those the batch wrote, as one part in the
        staged order (the same store from the same input, whichever engine ran); remove the
        staged files. A row whose item is missing keeps them empty."""
        if not batch.staged:
            return
        schema = TABLES[table]
        names = [f'"{c.name}"' for c in schema.carried]
        staged = pa.concat_tables(
            [pq.read_table(self.root / rel, schema=schema.frame_arrow) for rel in batch.staged]
        )
        staged = staged.append_column("_row", pa.array(np.arange(staged.num_rows)))
        con = duckdb.connect()
        try:
            con.register("_staged", staged)
            items = self.scan(con, "items", batch)
            sql = (
                f"SELECT s.* EXCLUDE (_row), {', '.join('i.' + n for n in names)} "
                f"FROM _staged s LEFT JOIN (SELECT item_id, {', '.join(names)} FROM {items}) i "
                "ON i.item_id = s.item_id ORDER BY s._row"
            )
            data = con.sql(sql).to_arrow_table().cast(schema.arrow)
        finally:
            con.close()
        self.append(batch, table, data)
        for rel in batch.staged:
            (self.root / rel).unlink(missing_ok=True)
        batch.staged = []

    def replace(self, batch: Batch, table: str, frame: pd.DataFrame | pa.Table) -> None:
        """Write ``frame`` as the whole of ``table`` (an Arrow table: in its stored schema)."""
        schema = TABLES[table]
        if schema.carried:
            raise ValueError(f"{table} rows carry their items' columns: append them by chunk")
        rel = batch.name(table, "full")
        if isinstance(frame, pa.Table):
            data = frame.select(schema.stored_names).cast(schema.arrow)
        else:
            data = to_arrow(frame, schema)
        self.write_part(rel, data)
        batch.replaced[table] = [rel]

    def write_part(self, rel: str, data: pa.Table) -> str:
        """Write one Parquet part under a temporary name, then rename it; invisible until a
        commit names it. Returns ``rel`` (Dask workers call this with the batch's names)."""
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".parquet.tmp")
        pq.write_table(data, tmp, compression="zstd")
        os.replace(tmp, path)
        return rel

    def commit(self, batch: Batch, summary: dict | None = None) -> int:
        """Make the batch visible in one atomic manifest replace; return the new version.

        A batch that adds nothing (no parts, no replaced table, no file newly ingested)
        writes no version and returns the current one. Either way the writer lock is
        released; a commit that fails removes the batch's files.
        """
        try:
            manifest = self.manifest()
            if manifest["version"] + 1 != batch.number:
                raise StoreError(f"{self.root}: the store changed during this ingest; run it again")
            if not (batch.parts or batch.replaced or batch.files):
                return manifest["version"]
            expired = _add_batch(manifest, batch, summary)
            self._sync(batch)  # the data on disk before a manifest names it
            for rel in expired:  # garbage old enough that no reader needs it
                (self.root / rel).unlink(missing_ok=True)
            self._replace_manifest(manifest)
            batch.committed = True
            _fsync(self.root)  # the new manifest's name on disk too
            return batch.number
        except BaseException:
            self.abort(batch)
            raise
        finally:
            _release(batch)

    def _sync(self, batch: Batch) -> None:
        """Flush the batch's files, and the folders naming them, to disk."""
        paths = [self.root / rel for rel in batch.files_written()]
        for path in paths:
            _fsync(path)
        for folder in {path.parent for path in paths} | {self.root}:  # new table folders too
            _fsync(folder)

    def _replace_manifest(self, manifest: dict) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".manifest-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(manifest, fh, indent=1)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.root / MANIFEST)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def needs_compaction(self, parts: int | None = None) -> bool:
        """Whether some table is held in more than ``parts`` (``COMPACT_PARTS``) files."""
        limit = COMPACT_PARTS if parts is None else parts
        return any(len(rels) > limit for rels in self.manifest()["tables"].values())

    def compact(self, batch_rows: int = 65_536) -> int:
        """Rewrite every table held in several parts as one file; return the new version.

        An ingest writes one part per input chunk (hundreds at a million items); DuckDB
        pays per file, so one file per table makes the page queries faster (measured at 1M
        items: a date scan 20 -> 2 ms, a topic join 197 -> 124 ms). Streams row groups, so
        memory stays bounded; atomic like an ingest, under the writer lock. Also deletes
        the files of writers killed mid-ingest; the replaced parts become garbage. Items
        without their lists, or with figures stored after them, are rewritten with every
        item's lists made from the stored figures and entities (``item_lists``).
        """
        batch = self.begin()
        try:
            manifest = self.manifest()
            self._sweep(manifest)
            lists = None
            if manifest["tables"].get("items") and not item_lists.complete(self, manifest):
                lists = item_lists.Adder(self)
                batch.replaced[item_lists.TABLE] = []  # folded into the lists
            for table, rels in manifest["tables"].items():
                add = lists if table == "items" else None
                if rels and (len(rels) >= 2 or add) and rels[0].endswith(".parquet"):
                    merged = self._merge_parts(batch, table, rels, batch_rows, add)
                    batch.replaced[table] = [merged]
            summary = {"compacted": sorted(batch.replaced)}
            aggregates.carry(self, batch)  # a store without (fresh) daily counts gets them
        except BaseException:
            self.abort(batch)
            raise
        finally:
            if lists is not None:
                lists.close()
        return self.commit(batch, summary)

    def _merge_parts(
        self, batch: Batch, table: str, rels: list[str], batch_rows: int, add=None
    ) -> str:
        """Stream the parts ``rels`` of ``table`` into one new file of ``batch``; ``add``
        (an ``item_lists.Adder``) gives items their lists on the way."""
        rel = batch.name(table, "compact")
        path = self.root / rel
        tmp = path.with_suffix(".parquet.tmp")
        schema = TABLES[table].arrow if add else pq.read_schema(self.root / rels[0])
        with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
            group: list[pa.RecordBatch] = []
            for part in rels:
                for rb in pq.ParquetFile(self.root / part).iter_batches(batch_rows):
                    group.extend(add(rb).to_batches() if add else [rb])
                    if _full(group):
                        _write_group(writer, group)
            _write_group(writer, group)
        os.replace(tmp, path)
        return rel

    def _sweep(self, manifest: dict) -> None:
        """Delete the files no manifest names in the tables' folders: those of writers that
        were killed mid-ingest. Only under the writer lock (no batch is being written)."""
        named = {rel for rels in manifest["tables"].values() for rel in rels}
        named.update(entry["path"] for entry in manifest.get("garbage", []))
        for folder in (*TABLES, "copies", search_index.TABLE):
            for path in (self.root / folder).glob("*"):
                if path.is_file() and f"{folder}/{path.name}" not in named:
                    path.unlink(missing_ok=True)
        for path in self.root.glob(".manifest-*.json"):
            path.unlink(missing_ok=True)

    def abort(self, batch: Batch) -> None:
        """Remove the files of a batch that will not be committed; release the writer lock.

        Only the batch's own files (their names carry its token), and never one the
        manifest names (a commit that failed after replacing it).
        """
        try:
            if batch.committed:
                return
            try:
                named = {rel for rels in self.manifest()["tables"].values() for rel in rels}
            except StoreError:
                named = set()
            for rel in batch.files_written():
                if rel not in named:
                    (self.root / rel).unlink(missing_ok=True)
        finally:
            _release(batch)

    # -- reading ------------------------------------------------------------------------
    def item_ids(self) -> pa.Array:
        """Every stored item_id (one small column, for de-duplicating new items)."""
        parts = self.parts("items")
        if not parts:
            return pa.array([], pa.string())
        return (
            pq.ParquetDataset([str(p) for p in parts])
            .read(columns=["item_id"])["item_id"]
            .combine_chunks()
        )

    def read_table(self, table: str, columns: list[str] | None = None) -> pa.Table:
        schema = TABLES[table].arrow if table in TABLES else COPIES
        parts = self.parts(table)
        if not parts:
            empty = schema.empty_table()
            return empty.select(columns) if columns else empty
        return pq.ParquetDataset([str(p) for p in parts], schema=schema).read(columns=columns)

    def frame(self, table: str) -> pd.DataFrame:
        """A whole table as a typed pandas frame (fine for notebooks on modest stores).

        ``topics`` holds both taxonomy and discovered topics; ``items`` counts every copy
        ingested so far in ``n_copies``/``sources``. Raises StoreError for a store written
        by an older version (its missing columns would read as empty).
        """
        self.check_columns()
        data = self.read_table(table)
        if table == "items":
            data = _with_copies(data, self.read_table("copies"))
        if table == "topics":
            data = pa.concat_tables([data, self.read_table("discovered_item_topics")])
        return from_arrow(data, TABLES[table])

    def check_columns(self) -> None:
        """Raise StoreError when a table lacks columns this code writes (an older store)."""
        manifest = self.manifest()
        for name, schema in TABLES.items():
            if name in AGGREGATES:  # stale counts are counted again, never refused
                continue
            parts = manifest["tables"].get(name, [])
            if not parts:
                continue
            have = set(pq.read_schema(self.root / parts[0]).names)
            missing = [n for n in schema.stored_names if n not in have]
            if missing:
                raise StoreError(
                    f"{self.root}: the {name} table was written by an older version of the "
                    f"extractors (no {', '.join(missing)}); ingest the files again into a new "
                    "store (or delete this one)"
                )

    def scan(
        self,
        con: duckdb.DuckDBPyConnection,
        table: str,
        batch: Batch | None = None,
        *,
        stored: bool = True,
        derived: bool = False,
    ):
        """A FROM clause over ``table``'s stored parts (unless not ``stored``) and those
        ``batch`` wrote so far (None when there are none): what an ingest reads of its own
        uncommitted rows. With ``derived``, the rows of a table whose views derive a
        ``dataset`` column from the file (``DATASET_TABLES``) carry it too, as the views do."""
        rels = [
            *(self.manifest()["tables"].get(table, []) if stored else []),
            *(batch.parts.get(table, []) if batch else []),
        ]
        source = self.scan_files(con, table, rels)
        if source and derived and table in DATASET_TABLES:
            return f"(SELECT *, {DATASET_SQL} AS dataset FROM {source})"
        return source

    def scan_files(self, con: duckdb.DuckDBPyConnection, table: str, rels: list[str]):
        """A FROM clause over the store's files ``rels`` of ``table`` (None for none)."""
        return _parquet_scan(con, table, [self.root / r for r in rels]) if rels else None

    def connect(self) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB connection with one view per table over its Parquet parts.

        When the store has a full-text index, ``Filters.item_where(con=con)`` uses it;
        when its daily counts are fresh, views ``daily_counts`` and ``daily_pairs`` show
        them (``aggregates``). Raises StoreError for a store written by an older version
        (missing columns).
        """
        self.check_columns()
        con = duckdb.connect()
        # A publication time's day is its UTC day everywhere: the date filter's bounds are
        # UTC (query._date_bound), as are the daily counts; the machine's zone must not
        # move an item to the day before in one place and not in another.
        con.execute(f"SET TimeZone = '{aggregates.TIME_ZONE}'")
        manifest = self.manifest()
        views = {n: s.arrow for n, s in TABLES.items() if n not in AGGREGATES}
        views["copies"] = COPIES
        for name, schema in views.items():
            parts = [self.root / p for p in manifest["tables"].get(name, [])]
            view = "taxonomy_topics" if name == "topics" else name
            # the dataset filter reads it from the file, on items and the rows carrying it
            derived = f", {DATASET_SQL} AS dataset" if name in DATASET_TABLES else ""
            if name == "items":  # a store written before the items' lists: empty ones
                derived += item_lists.view_columns(parts)
            if parts:
                source = _parquet_scan(con, name, parts)
                con.execute(f"CREATE VIEW {view} AS SELECT *{derived} FROM {source}")
            else:
                con.register(f"_empty_{name}", schema.empty_table())
                con.execute(f"CREATE VIEW {view} AS SELECT *{derived} FROM _empty_{name}")
        con.execute(
            "CREATE VIEW topics AS SELECT * FROM taxonomy_topics "
            "UNION ALL SELECT * FROM discovered_item_topics"
        )
        # Items stored before stories were kept have no row: their own story.
        con.execute(
            "CREATE VIEW item_story AS SELECT item_id, story_id, item_key, story_key FROM stories"
        )
        # Text searches through ``Filters.item_where(con=con)`` use the store's index.
        search_index.attach(con, self)
        # The daily counts, when they match the items (``views`` sums them then).
        aggregates.attach(con, self, manifest)
        # Whether the item-level side and kind filters test the items' lists.
        item_lists.attach(con, self, manifest)
        return con


def _full(group: list[pa.RecordBatch]) -> bool:
    """Whether buffered batches make a row group: ``ROW_GROUP_ROWS`` rows, or fewer when
    their text passes ``ROW_GROUP_BYTES`` (memory stays bounded)."""
    rows = sum(b.num_rows for b in group)
    return rows >= ROW_GROUP_ROWS or sum(b.nbytes for b in group) >= ROW_GROUP_BYTES


def _write_group(writer: pq.ParquetWriter, group: list[pa.RecordBatch]) -> None:
    """Write the buffered batches as one row group, and empty the buffer."""
    if group:
        table = pa.Table.from_batches(group)
        writer.write_table(table, row_group_size=table.num_rows)
        group.clear()


def _with_copies(items: pa.Table, copies: pa.Table) -> pa.Table:
    """Fold later sightings (other files/sources with the same text) into n_copies/sources."""
    if copies.num_rows == 0 or items.num_rows == 0:
        return items
    extra = copies.group_by("item_id").aggregate([("source", "count"), ("source", "list")])
    frame = items.to_pandas()
    lookup = extra.to_pandas().set_index("item_id")
    more = frame["item_id"].map(lookup["source_count"]).fillna(0).astype("int64")
    frame["n_copies"] = frame["n_copies"] + more
    new_sources = frame["item_id"].map(lookup["source_list"])
    frame["sources"] = [
        sorted(set(old) | set(new)) if isinstance(new, list | tuple | np.ndarray) else list(old)
        for old, new in zip(frame["sources"], new_sources, strict=True)
    ]
    return pa.Table.from_pandas(frame, schema=items.schema, preserve_index=False)


def _parquet_scan(con: duckdb.DuckDBPyConnection, name: str, paths: list[Path]) -> str:
    """A FROM clause reading exactly ``paths``: a store path is never a glob pattern."""
    texts = [str(p) for p in paths]
    if any(GLOB_CHARS.search(t) for t in texts):
        if any("\\" in t for t in texts):
            # DuckDB's glob splits at backslashes too, so no escaped form exists: scan
            # the files through Arrow instead (slower, so only for such paths).
            con.register(f"_parts_{name}", ds.dataset(texts, format="parquet"))
            return f"_parts_{name}"
        texts = [GLOB_CHARS.sub(r"[\g<0>]", t) for t in texts]
    files = ", ".join("'" + t.replace("'", "''") + "'" for t in texts)
    return f"read_parquet([{files}])"


def _add_batch(manifest: dict, batch: Batch, summary: dict | None) -> list[str]:
    """Fold ``batch`` into ``manifest`` in place; return the garbage files now expired.

    Files the batch stops naming become garbage dropped at its version; garbage dropped
    ``KEEP_VERSIONS`` or more versions before it has expired.
    """
    tables = manifest["tables"]
    garbage = manifest.get("garbage", [])
    for table, rels in batch.parts.items():
        tables.setdefault(table, []).extend(rels)
    for table, rels in batch.replaced.items():
        dropped = [rel for rel in tables.get(table, []) if rel not in rels]
        garbage.extend({"path": rel, "dropped": batch.number} for rel in dropped)
        tables[table] = rels
    manifest["files"].update(batch.files)
    if batch.aggregates is not None:
        manifest[aggregates.ENTRY] = batch.aggregates
    manifest["version"] = batch.number
    manifest["batches"].append(
        {"version": batch.number, "time": datetime.now(UTC).isoformat(), **(summary or {})}
    )
    oldest_kept = batch.number - KEEP_VERSIONS + 1
    manifest["garbage"] = [entry for entry in garbage if entry["dropped"] >= oldest_kept]
    return [entry["path"] for entry in garbage if entry["dropped"] < oldest_kept]


def _release(batch: Batch) -> None:
    if batch.lock is not None:
        batch.lock.release()
        batch.lock = None


def _fsync(path: Path) -> None:
    """Flush a file, or a folder's entries, to disk (folders only where the OS allows)."""
    if path.is_dir() and os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
