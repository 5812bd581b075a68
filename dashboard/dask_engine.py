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
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from . import item_lists
from .extract import extract_chunk
from .ingest import IngestOptions, IngestRun, IngestSummary, copies_table
from .items import ReadReport, iter_item_chunks
from .schema import CASUALTIES, from_arrow, to_arrow
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
            figures.append((n, _write(root, rel, to_arrow(chunk.figures, "casualties"))))
        if chunk.items.empty:
            continue
        rel = f"{staging}/f{index:05d}-{n:04d}.parquet"
        _write(root, rel, to_arrow(chunk.items, "items"))
        chunks.append(
            {
                "n": n,
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
    root: str,
    batch: int,
    key: str,
    staged: str,
    fresh: list[bool],
    taxonomy,
    figures: pd.DataFrame | None = None,
) -> dict[str, str]:
    """Worker, pass 2: extract the new items of one staged chunk; record the other copies.
    ``figures``: the new items' dataset figures, for their lists (None: the store keeps
    none)."""
    items = from_arrow(pq.read_table(Path(root) / staged), "items")
    written: dict[str, str] = {}
    mask = pa.array(fresh, pa.bool_()).to_numpy(zero_copy_only=False)
    dupes = items[~mask]
    if len(dupes):
        written["copies"] = _write(root, f"copies/{batch:06d}-{key}.parquet", copies_table(dupes))
    new_items = items[mask].reset_index(drop=True)
    if len(new_items):
        frames = extract_chunk(new_items, taxonomy)
        lists = item_lists.of_frames(frames, figures)
        for table in EXTRACTED:
            frame = getattr(frames, table)
            if len(frame):
                rel = f"{table}/{batch:06d}-{key}.parquet"
                derived = lists if table == "items" else None
                # the carried item columns come from the extracted items (event date, on-topic)
                data = to_arrow(frame, TABLES[table], frames.items, derived)
                written[table] = _write(root, rel, data)
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
    options: IngestOptions | None = None,
    scheduler: str | None = None,
    client=None,
    **fields,
) -> IngestSummary:
    """:func:`~dashboard.ingest.ingest` on a Dask cluster; same options, same store.

    Parameters
    ----------
    scheduler : address of a running scheduler (``tcp://host:8786``); default: start a
        ``LocalCluster`` for this ingest and close it afterwards.
    client : an existing ``distributed.Client`` to use instead (tests, notebooks).

    Examples
    --------
    >>> ingest_dask(["../shared/corpus"], store="data/store")  # doctest: +SKIP
    """
    run = IngestRun(store, IngestOptions.of(options, **fields))
    cluster = None
    if client is None:
        client, cluster = _client(scheduler)
    staging = root = None
    try:
        with run:
            staging = STAGING.format(batch=run.batch.number)
            root = str(run.store.root.resolve())
            jobs = _read_and_dedupe(run, client, root, staging, paths)
            for written in client.gather(jobs):  # in chunk order: the parts list is ordered
                for table, rel in written.items():
                    run.batch.parts.setdefault(table, []).append(rel)
            return run.finish(engine="dask")
    finally:
        if staging is not None:
            shutil.rmtree(Path(root) / staging, ignore_errors=True)
        if cluster is not None:
            client.close()
            cluster.close()


def _read_and_dedupe(run: IngestRun, client, root: str, staging: str, paths) -> list:
    """Pass 1 on the workers, then the dedupe on the driver in file order (as the local
    engine does chunk by chunk); returns the pass-2 extraction futures, in chunk order."""
    todo = run.files(paths)
    number = run.batch.number
    reads = client.gather(
        [
            client.submit(read_partition, root, staging, number, i, str(p), run.options.reading)
            for i, (p, _) in enumerate(todo)
        ]
    )
    jobs = []
    for i, ((path, digest), read) in enumerate(zip(todo, reads, strict=True)):
        run.batch.parts.setdefault("rejects", []).extend(read["rejects"])
        figures = dict(read["figures"])  # chunk number -> its figures part
        chunks = {chunk["n"]: chunk for chunk in read["chunks"]}
        for n in sorted({*figures, *chunks}):  # chunk by chunk, as the local engine does
            chunk = chunks.get(n, {"ids": []})
            ids = pd.Series(chunk["ids"], dtype=object)
            fresh = run.fresh(ids)
            mine = run.add_figures(_figures(root, figures.get(n)), ids[fresh])
            if "rel" not in chunk:
                continue
            jobs.append(
                client.submit(
                    extract_partition,
                    root,
                    number,
                    f"f{i:05d}-{n:04d}",
                    chunk["rel"],
                    fresh.tolist(),
                    run.options.taxonomy,
                    mine,
                    pure=False,
                )
            )
        run.file_read(path, digest, read["read"], read["rejected"], read["failed"])
    return jobs


def _figures(root: str, rel: str | None) -> pd.DataFrame:
    """A staged figures part (none: no figures)."""
    if rel is None:
        return CASUALTIES.empty()
    return from_arrow(pq.read_table(Path(root) / rel), "casualties")
