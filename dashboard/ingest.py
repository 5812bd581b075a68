"""Ingest: files -> items -> extracted frames -> the store, chunk by chunk, atomically.

Memory stays bounded by the chunk size: each chunk of new items is extracted and
appended as Parquet parts before the next is read; only item ids are kept across chunks.
A file whose exact bytes were ingested before is skipped, and items whose text is already
stored are counted as duplicates (their extra sightings recorded in ``copies``).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm.auto import tqdm

from . import search_index
from .extract import EXTRACTION_VERSION, extract_chunk
from .extractors.topics import discover_topics, load_taxonomy
from .items import CHUNK_SIZE, ReadReport, _as_paths, iter_item_chunks
from .normalise import to_reference_date
from .schema import TOPICS
from .store import COPIES, DEFAULT_STORE, Store, is_new

# Corpus-level topic discovery is fitted on at most this many items (sampled with a seed).
DISCOVERY_SAMPLE = 50_000


@dataclass
class IngestSummary:
    read: int = 0
    new: int = 0
    duplicate: int = 0
    rejected: int = 0
    files: int = 0
    skipped_files: list[str] = field(default_factory=list)
    failed_files: list[str] = field(default_factory=list)
    version: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        text = (
            f"read {self.read}, new {self.new}, duplicate {self.duplicate}, "
            f"rejected {self.rejected} from {self.files} file(s) in {self.seconds:.1f}s"
        )
        if self.skipped_files:
            text += f"; {len(self.skipped_files)} already ingested"
        return text + f" (store version {self.version})"


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def ingest(
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
) -> IngestSummary:
    """Read ``paths`` into ``store``; return counts of what was read, new, duplicate, rejected.

    Nothing becomes visible until the whole ingest succeeded (one atomic manifest write).
    """
    started = time.perf_counter()
    as_of = to_reference_date(as_of)  # a bad --as-of fails before anything is read
    store = store if isinstance(store, Store) else Store(store)
    taxonomy = taxonomy if taxonomy is not None else load_taxonomy()
    summary = IngestSummary()
    known = store.item_ids()
    seen_files = store.ingested_files()
    batch = store.begin()
    batch_ids: set[str] = set()
    bar = tqdm(unit=" items", disable=not progress, desc="ingest")
    try:
        for path in _as_paths(paths):
            summary.files += 1
            digest = file_digest(path) if path.is_file() else None
            if digest and digest in seen_files:
                previous = seen_files[digest]
                summary.skipped_files.append(str(path))
                summary.read += previous.get("records", 0)
                summary.duplicate += previous.get("records", 0)
                continue
            report = ReadReport()
            for chunk in iter_item_chunks(
                [path],
                as_of=as_of,
                format=format,
                columns=columns,
                chunk_size=chunk_size,
                report=report,
            ):
                store.append(batch, "rejects", chunk.rejects)
                items = chunk.items
                fresh = is_new(items["item_id"], known) & ~items["item_id"].isin(batch_ids)
                _record_copies(store, batch, items[~fresh])
                new_items = items[fresh]
                batch_ids.update(new_items["item_id"])
                summary.new += len(new_items)
                if not new_items.empty:
                    frames = extract_chunk(new_items, taxonomy)
                    for table, frame in frames.as_dict().items():
                        if table != "discovered_topics":
                            store.append(batch, table, frame)
                bar.update(int(items["n_copies"].sum()))
            summary.read += report.read
            summary.rejected += report.rejected
            summary.failed_files.extend(report.failed_files)
            if digest and not report.failed_files:
                batch.files[digest] = {
                    "path": str(path),
                    "records": report.read,
                    "rejected": report.rejected,
                }
        summary.duplicate = summary.read - summary.new
        if discover and summary.new:
            _discover(store, batch)
        if summary.new or search_index.index_path(store) is None:
            search_index.update_index(store, batch)
        summary.version = store.commit(
            batch,
            {
                **asdict(summary),
                "extraction_version": EXTRACTION_VERSION,
                "as_of": as_of.date().isoformat(),
            },
        )
    except BaseException:
        store.abort(batch)
        raise
    finally:
        bar.close()
    summary.version = store.version
    summary.seconds = time.perf_counter() - started
    return summary


def _record_copies(store: Store, batch, duplicates: pd.DataFrame) -> None:
    if duplicates.empty:
        return
    rows = duplicates.loc[duplicates.index.repeat(duplicates["n_copies"])]
    table = pa.table(
        {
            "item_id": rows["item_id"].astype(object),
            "source": rows["source"].astype(object),
            "file": rows["file"].astype(object),
            "record": rows["record"].astype("int64"),
        },
        schema=COPIES,
    )
    store.append(batch, "copies", table)


def _discover(store: Store, batch) -> None:
    """Re-fit the corpus topics over every stored item plus this batch's new ones."""
    parts = [*store.parts("items"), *(store.root / p for p in batch.parts.get("items", []))]
    table = pq.ParquetDataset([str(p) for p in parts]).read(columns=["item_id", "title", "text"])
    items = table.to_pandas()
    assigned, discovered = discover_topics(items, seed=0, max_items=DISCOVERY_SAMPLE)
    store.replace(
        batch, "discovered_item_topics", assigned if not assigned.empty else TOPICS.empty()
    )
    store.replace(batch, "discovered_topics", discovered)
