"""The store: Parquet parts per table, a manifest that names them, DuckDB views over them.

Layout of a store directory::

    manifest.json          version, the parts of every table, the files ingested
    items/000001-0000.parquet
    casualties/000001-0000.parquet  ... one folder per table in ``schema.SCHEMAS``

Writes are atomic: new parts are written under temporary names and renamed, then the
manifest is replaced in one ``os.replace``. Parts the manifest does not name are invisible,
so a crash mid-ingest leaves the previous store exactly as it was. Tables are appended to
in chunks (``append``), or replaced whole (``replace``, for corpus-level tables such as the
discovered topics).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from . import search_index
from .schema import SCHEMAS, TOPICS, from_arrow, to_arrow

DEFAULT_STORE = Path(os.environ.get("DASHBOARD_STORE", "data/store"))
MANIFEST = "manifest.json"
# Stored tables and their schemas. Taxonomy topics are appended per batch; discovered
# topics are re-fitted over the whole corpus and replaced, so they live apart and the
# ``topics`` view unions both.
TABLES = {**SCHEMAS, "discovered_item_topics": TOPICS}
# The ``items`` view's ``dataset``: the name of the file an item came from, without folder
# and extensions ("ucdp_ged_ukraine" for data/datasets/ucdp_ged_ukraine.csv.gz). Derived in
# the view, not stored, so stores written before it need no re-ingest.
DATASET_SQL = "regexp_replace(regexp_extract(file, '[^/\\\\]+$'), '(\\.[A-Za-z0-9]{1,8})+$', '')"
# Extra sightings of items already stored (same text from another file or source).
COPIES = pa.schema(
    [
        ("item_id", pa.string()),
        ("source", pa.string()),
        ("file", pa.string()),
        ("record", pa.int64()),
    ]
)


class StoreError(RuntimeError):
    pass


@dataclass
class Batch:
    """Parts written during one ingest, made visible only by ``Store.commit``."""

    number: int
    parts: dict[str, list[str]]
    replaced: dict[str, list[str]]
    files: dict[str, dict]


class Store:
    def __init__(self, root: str | Path = DEFAULT_STORE):
        self.root = Path(root)

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
        manifest = self.manifest()
        return Batch(manifest["version"] + 1, {}, {}, {})

    def append(self, batch: Batch, table: str, frame: pd.DataFrame | pa.Table) -> None:
        if isinstance(frame, pd.DataFrame):
            if frame.empty:
                return
            data = to_arrow(frame, TABLES[table])
        else:
            if frame.num_rows == 0:
                return
            data = frame
        n = len(batch.parts.get(table, []))
        rel = f"{table}/{batch.number:06d}-{n:04d}.parquet"
        self.write_part(rel, data)
        batch.parts.setdefault(table, []).append(rel)

    def replace(self, batch: Batch, table: str, frame: pd.DataFrame) -> None:
        rel = f"{table}/{batch.number:06d}-full.parquet"
        self.write_part(rel, to_arrow(frame, TABLES[table]))
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
        """Make the batch visible in one atomic manifest replace; return the new version."""
        manifest = self.manifest()
        if manifest["version"] + 1 != batch.number:
            raise StoreError(f"{self.root}: the store changed during this ingest; run it again")
        tables = manifest["tables"]
        old_parts = []
        for table, rels in batch.parts.items():
            tables.setdefault(table, []).extend(rels)
        for table, rels in batch.replaced.items():
            old_parts.extend(tables.get(table, []))
            tables[table] = rels
        manifest["files"].update(batch.files)
        manifest["version"] = batch.number
        manifest["batches"].append(
            {"version": batch.number, "time": datetime.now(UTC).isoformat(), **(summary or {})}
        )
        self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".manifest-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(manifest, fh, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.root / MANIFEST)
        for rel in old_parts:  # replaced parts are no longer named: safe to drop
            (self.root / rel).unlink(missing_ok=True)
        return batch.number

    def compact(self, batch_rows: int = 65_536) -> int:
        """Rewrite every table held in several parts as one file; return the new version.

        An ingest writes one part per input chunk (hundreds at a million items); DuckDB
        pays per file, so one file per table makes the page queries faster (measured at 1M
        items: a date scan 20 -> 2 ms, a topic join 197 -> 124 ms). Streams row groups, so
        memory stays bounded; atomic like an ingest.
        """
        manifest = self.manifest()
        batch = self.begin()
        try:
            for table, rels in manifest["tables"].items():
                if len(rels) < 2 or not rels[0].endswith(".parquet"):
                    continue
                rel = f"{table}/{batch.number:06d}-compact.parquet"
                path = self.root / rel
                tmp = path.with_suffix(".parquet.tmp")
                batch.replaced[table] = [rel]
                schema = pq.read_schema(self.root / rels[0])
                with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
                    for part in rels:
                        for rb in pq.ParquetFile(self.root / part).iter_batches(batch_rows):
                            writer.write_batch(rb)
                os.replace(tmp, path)
        except BaseException:
            self.abort(batch)
            raise
        if not batch.replaced:
            return manifest["version"]
        return self.commit(batch, {"compacted": sorted(batch.replaced)})

    def abort(self, batch: Batch) -> None:
        """Remove the parts of a batch that will not be committed."""
        for rels in (*batch.parts.values(), *batch.replaced.values()):
            for rel in rels:
                (self.root / rel).unlink(missing_ok=True)

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
            parts = manifest["tables"].get(name, [])
            if not parts:
                continue
            have = set(pq.read_schema(self.root / parts[0]).names)
            missing = [n for n in schema.names if n not in have]
            if missing:
                raise StoreError(
                    f"{self.root}: the {name} table was written by an older version of the "
                    f"extractors (no {', '.join(missing)}); ingest the files again into a new "
                    "store (or delete this one)"
                )

    def connect(self) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB connection with one view per table over its Parquet parts.

        When the store has a full-text index, ``Filters.item_where(con=con)`` uses it.
        Raises StoreError for a store written by an older version (missing columns).
        """
        self.check_columns()
        con = duckdb.connect()
        manifest = self.manifest()
        views = {**{n: s.arrow for n, s in TABLES.items()}, "copies": COPIES}
        for name, schema in views.items():
            parts = [self.root / p for p in manifest["tables"].get(name, [])]
            view = "taxonomy_topics" if name == "topics" else name
            derived = f", {DATASET_SQL} AS dataset" if name == "items" else ""
            if parts:
                files = ", ".join("'" + str(p).replace("'", "''") + "'" for p in parts)
                con.execute(f"CREATE VIEW {view} AS SELECT *{derived} FROM read_parquet([{files}])")
            else:
                con.register(f"_empty_{name}", schema.empty_table())
                con.execute(f"CREATE VIEW {view} AS SELECT *{derived} FROM _empty_{name}")
        con.execute(
            "CREATE VIEW topics AS SELECT * FROM taxonomy_topics "
            "UNION ALL SELECT * FROM discovered_item_topics"
        )
        # Text searches through ``Filters.item_where(con=con)`` use the store's index.
        search_index.attach(con, self)
        return con


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
