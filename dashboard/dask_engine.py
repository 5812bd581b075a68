"""Ingest on a Dask cluster: reading, extraction and Parquet writing partition by partition.

``ingest_dask`` writes exactly the store the local :func:`~dashboard.ingest.ingest` writes
(same tables, same rows, same manifest and search index), in two passes over partitions
(one partition = one input file, read in the same chunks as locally):

1. **read** (workers): each file -> typed item chunks, staged as Parquet, plus the rejects
   part; only the item ids and copy counts come back to the driver;
2. **dedupe** (driver): in file order, exactly as the local engine does, decide which items
   are new (not stored before, not seen in an earlier chunk) and which are extra copies;
3. **extract** (workers): each staged chunk -> its new items' frames, written as the batch's
   Parquet parts, and its extra copies as ``copies`` rows.

Then, on the driver: corpus topic discovery (fitted on a sample), the search index, and the
one atomic manifest write. Workers write the parts themselves, so on a real cluster the
store directory must be on storage every worker and the driver see at the same path (NFS,
a shared volume); item text never travels through the scheduler.

Run it with ``dashboard ingest FILES --engine dask [--scheduler tcp://HOST:8786]``; without
an address a :class:`~distributed.LocalCluster` of one single-threaded worker per core
runs here. Needs ``pip install '.[dask]'``.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .extract import extract_chunk
from .extractors.topics import load_taxonomy
from .ingest import Deduper, IngestSummary, copies_table, files_to_read, finish
from .items import CHUNK_SIZE, ReadReport, iter_item_chunks
from .normalise import to_reference_date
from .schema import from_arrow, to_arrow
from .store import DEFAULT_STORE, TABLES, Store

# Tables an extracted chunk writes (discovered topics are fitted on the driver afterwards).
EXTRACTED = ("items", "casualties", "events", "entities", "topics")
STAGING = ".staging-{batch:06d}"


def _write(root: str, rel: str, table: pa.Table) -> str:
    return Store(root).write_part(rel, table)


def read_partition(
    root: str, staging: str, batch: int, index: int, path: str, options: dict
) -> dict:
    """Worker, pass 1: read one file; stage its item chunks; write its rejects."""
    report = ReadReport()
    chunks, rejects, figures = [], [], []
    for n, chunk in enumerate(iter_item_chunks([path], report=report, **options)):
        if len(chunk.rejects):
            rel = f"rejects/{batch:06d}-f{index:05d}-{n:04d}.parquet"
            rejects.append(_write(root, rel, to_arrow(chunk.rejects, "rejects")))
        if len(chunk.figures):  # deduped on the driver, which knows every stored record
            rel = f"{staging}/figures-f{index:05d}-{n:04d}.parquet"
            figures.append(_write(root, rel, to_arrow(chunk.figures, "casualties")))
        if chunk.items.empty:
            continue
        rel = f"{staging}/f{index:05d}-{n:04d}.parquet"
        _write(root, rel, to_arrow(chunk.items, "items"))
        chunks.append(
            {
                "rel": rel,
                "ids": chunk.items["item_id"].tolist(),
                "copies": chunk.items["n_copies"].astype("int64").tolist(),
            }
        )
    return {
        "chunks": chunks,
        "rejects": rejects,
        "figures": figures,
        "read": report.read,
        "rejected": report.rejected,
        "failed": report.failed_files,
    }


def extract_partition(
    root: str, batch: int, key: str, staged: str, fresh: list[bool], taxonomy
) -> dict[str, str]:
    """Worker, pass 2: extract the new items of one staged chunk; record the other copies."""
    items = from_arrow(pq.read_table(Path(root) / staged), "items")
    written: dict[str, str] = {}
    mask = pa.array(fresh, pa.bool_()).to_numpy(zero_copy_only=False)
    dupes = items[~mask]
    if len(dupes):
        written["copies"] = _write(root, f"copies/{batch:06d}-{key}.parquet", copies_table(dupes))
    new_items = items[mask].reset_index(drop=True)
    if len(new_items):
        frames = extract_chunk(new_items, taxonomy).as_dict()
        for table in EXTRACTED:
            frame = frames[table]
            if len(frame):
                rel = f"{table}/{batch:06d}-{key}.parquet"
                written[table] = _write(root, rel, to_arrow(frame, TABLES[table]))
    return written


def _client(scheduler: str | None):
    from distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler), None
    cluster = LocalCluster(
        n_workers=os.cpu_count() or 1,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
    )
    return Client(cluster), cluster


def ingest_dask(
    paths,
    *,
    store: Store | str | Path = DEFAULT_STORE,
    as_of=None,
    format: str | None = None,
    columns: dict | None = None,
    taxonomy=None,
    discover: bool = True,
    progress: bool = False,
    chunk_size: int = CHUNK_SIZE,
    scheduler: str | None = None,
    client=None,
) -> IngestSummary:
    """:func:`~dashboard.ingest.ingest` on a Dask cluster; same arguments, same store.

    Parameters
    ----------
    scheduler : address of a running scheduler (``tcp://host:8786``); default: start a
        ``LocalCluster`` for this ingest and close it afterwards.
    client : an existing ``distributed.Client`` to use instead (tests, notebooks).

    Examples
    --------
    >>> ingest_dask(["../shared/corpus"], store="data/store")  # doctest: +SKIP
    """
    started = time.perf_counter()
    as_of = to_reference_date(as_of)
    store = store if isinstance(store, Store) else Store(store)
    taxonomy = taxonomy if taxonomy is not None else load_taxonomy()
    options = {"as_of": as_of, "format": format, "columns": columns, "chunk_size": chunk_size}
    summary = IngestSummary()
    batch = store.begin()  # the writer lock: what is stored is read after waiting for it
    staging = STAGING.format(batch=batch.number)
    root = str(store.root.resolve())
    cluster = None
    if client is None:
        client, cluster = _client(scheduler)
    try:
        store.check_columns()
        deduper = Deduper(store)
        todo = files_to_read(paths, store, summary)
        reads = client.gather(
            [
                client.submit(read_partition, root, staging, batch.number, i, str(p), options)
                for i, (p, _) in enumerate(todo)
            ]
        )
        # Dedupe on the driver, in file order, as the local engine does chunk by chunk.
        jobs = []
        for i, ((path, digest), read) in enumerate(zip(todo, reads, strict=True)):
            batch.parts.setdefault("rejects", []).extend(read["rejects"])
            for rel in read["figures"]:
                staged = from_arrow(pq.read_table(Path(root) / rel), "casualties")
                store.append(batch, "casualties", deduper.fresh_figures(staged))
            for n, chunk in enumerate(read["chunks"]):
                fresh = deduper.fresh(pd.Series(chunk["ids"], dtype=object))
                summary.new += int(fresh.sum())
                jobs.append(
                    client.submit(
                        extract_partition,
                        root,
                        batch.number,
                        f"f{i:05d}-{n:04d}",
                        chunk["rel"],
                        fresh.tolist(),
                        taxonomy,
                        pure=False,
                    )
                )
            summary.read += read["read"]
            summary.rejected += read["rejected"]
            summary.failed_files.extend(read["failed"])
            if digest and not read["failed"]:
                batch.files[digest] = {
                    "path": str(path),
                    "records": read["read"],
                    "rejected": read["rejected"],
                }
        for written in client.gather(jobs):  # in chunk order: the parts list is ordered
            for table, rel in written.items():
                batch.parts.setdefault(table, []).append(rel)
        finish(store, batch, summary, discover=discover, as_of=as_of, engine="dask")
    except BaseException:
        store.abort(batch)
        raise
    finally:
        shutil.rmtree(Path(root) / staging, ignore_errors=True)
        if cluster is not None:
            client.close()
            cluster.close()
    summary.version = store.version
    summary.seconds = time.perf_counter() - started
    return summary
