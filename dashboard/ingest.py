"""Ingest: files -> items -> extracted frames -> the store, chunk by chunk, atomically.

Memory stays bounded by the chunk size: each chunk of new items is extracted (on a pool of
processes when there is more than one chunk) and appended as Parquet parts; only item ids
are kept across chunks.
A file whose exact bytes were ingested before is skipped, and items whose text is already
stored are counted as duplicates (their extra sightings recorded in ``copies``).
Before the commit, the run adds its new items to the store's daily counts
(``aggregates.update``), or counts every item again when those are stale.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm.auto import tqdm

from . import aggregates, item_lists, search_index
from .extract import EXTRACTION_VERSION, Frames, end_with_parent, extract_chunk
from .extractors.stories import MIN_SHARED_BANDS, assign_stories, band_keys
from .extractors.topics import discover_topics, load_taxonomy
from .items import CHUNK_SIZE, ReadReport, input_paths, iter_item_chunks
from .normalise import to_reference_date
from .schema import TOPICS, to_arrow
from .store import COPIES, DEFAULT_STORE, Store

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


class Deduper:
    """Decides, in input order, which items are new: not stored before, not seen earlier.

    One Python set of every id (stored and of this ingest): a lookup per item costs the
    same whether the store holds ten items or a million.
    """

    def __init__(self, store: Store):
        self.seen: set[str] = set(store.item_ids().to_pylist())
        refs = store.read_table("casualties", ["record_ref"])["record_ref"]
        self.refs: set[str] = set(refs.drop_null().to_pylist())

    def fresh(self, ids: pd.Series) -> np.ndarray:
        mask = np.fromiter((i not in self.seen for i in ids), dtype=bool, count=len(ids))
        self.seen.update(ids[mask])
        return mask

    def fresh_figures(self, figures: pd.DataFrame) -> pd.DataFrame:
        """The dataset figures not stored before: a record ingested again from another file
        (the bundled UCDP extract, then the full UCDP file) counts its deaths once."""
        refs = figures["record_ref"]
        mask = np.fromiter((r not in self.refs for r in refs), dtype=bool, count=len(refs))
        self.refs.update(refs[mask])
        return figures[mask]


def copies_table(duplicates: pd.DataFrame) -> pa.Table:
    """One ``copies`` row per extra sighting of an item already stored or seen."""
    rows = duplicates.loc[duplicates.index.repeat(duplicates["n_copies"])]
    return pa.table(
        {
            "item_id": rows["item_id"].astype(object),
            "source": rows["source"].astype(object),
            "file": rows["file"].astype(object),
            "record": rows["record"].astype("int64"),
        },
        schema=COPIES,
    )


@dataclass(frozen=True)
class IngestOptions:
    """What an ingest does, whichever engine runs it: the CLI's flags, the app's upload, a
    watched source and a notebook each build one (``ingest(paths, as_of=...)`` is a
    shorthand for ``ingest(paths, options=IngestOptions(as_of=...))``).

    ``format``/``columns``: how to read the files (``dashboard.items``); ``taxonomy``: the
    topic taxonomy (default: the bundled one); ``discover``: re-fit the corpus topics;
    ``workers``: extraction processes of the local engine (default: one per core).
    """

    as_of: object = None
    format: str | None = None
    columns: dict | None = None
    taxonomy: object = None
    discover: bool = True
    progress: bool = False
    chunk_size: int = CHUNK_SIZE
    workers: int | None = None

    @classmethod
    def of(cls, options: IngestOptions | None = None, **changes) -> IngestOptions:
        return replace(options or cls(), **changes)

    @property
    def reading(self) -> dict:
        """The keywords of :func:`dashboard.items.iter_item_chunks`."""
        return {
            "as_of": self.as_of,
            "format": self.format,
            "columns": self.columns,
            "chunk_size": self.chunk_size,
        }


class IngestRun:
    """One ingest of files into a store; the engines differ only in how chunks are read
    and extracted (here in a pool, or on Dask workers).

    The run holds what they share: the writer batch (begun on entering ``with``, committed
    by :meth:`finish`, aborted when anything raises), the summary, which items and dataset
    figures are new, and which files were read.
    """

    def __init__(self, store: Store | str | Path, options: IngestOptions):
        self.started = time.perf_counter()
        as_of = to_reference_date(options.as_of)  # a bad --as-of fails before anything is read
        taxonomy = options.taxonomy if options.taxonomy is not None else load_taxonomy()
        self.options = replace(options, as_of=as_of, taxonomy=taxonomy)
        self.store = store if isinstance(store, Store) else Store(store)
        self.summary = IngestSummary()
        self.batch = None

    def __enter__(self) -> IngestRun:
        self.batch = self.store.begin()  # the writer lock: what is stored is read after it
        try:
            self.store.check_columns()  # never mix parts of two extraction versions
            self.deduper = Deduper(self.store)
            # the items' figure sides, kinds and countries, unless the store has none yet
            self.lists = item_lists.stored(self.store)
            self.late: list[pd.DataFrame] = []  # figures of items stored before theirs
        except BaseException:
            self.store.abort(self.batch)
            raise
        return self

    def __exit__(self, kind, exc, tb) -> None:
        if kind is not None:
            self.store.abort(self.batch)

    def append(
        self, table: str, frame, items: pd.DataFrame | None = None, derived: dict | None = None
    ) -> None:
        self.store.append(self.batch, table, frame, items, derived)

    def files(self, paths) -> list[tuple[Path, str | None]]:
        """The input files with their content hash; files ingested before count as
        duplicates and are not read again."""
        seen_files = self.store.ingested_files()
        todo = []
        for path in input_paths(paths):
            self.summary.files += 1
            digest = file_digest(path) if path.is_file() else None
            if digest and digest in seen_files:
                records = seen_files[digest].get("records", 0)
                self.summary.skipped_files.append(str(path))
                self.summary.read += records
                self.summary.duplicate += records
                continue
            todo.append((path, digest))
        return todo

    def add_figures(self, figures: pd.DataFrame, new_ids: pd.Series) -> pd.DataFrame | None:
        """A chunk's dataset figures, those of records not stored before; staged until
        :meth:`finish` gives them their items' columns (their item may be a copy of one
        stored before, or of one this run has yet to extract). Returns those of the
        chunk's new items (``new_ids``), for their lists (None: the store keeps none)."""
        fresh = self.deduper.fresh_figures(figures)
        if len(fresh):
            rel = self.batch.name("casualties", f"staged-{len(self.batch.staged):04d}")
            self.batch.staged.append(self.store.write_part(rel, to_arrow(fresh, "casualties")))
        if not self.lists:
            return None
        mine, late = item_lists.split_late(fresh, new_ids)
        if len(late):
            self.late.append(late)
        return mine[item_lists.FIGURE_COLUMNS]

    def fresh(self, ids: pd.Series) -> np.ndarray:
        """Which of a chunk's items are new (counted), in input order."""
        mask = self.deduper.fresh(ids)
        self.summary.new += int(mask.sum())
        return mask

    def file_read(self, path: Path, digest: str | None, read: int, rejected: int, failed):
        """Count a file's records; remember a fully read file so it is not read again."""
        self.summary.read += read
        self.summary.rejected += rejected
        self.summary.failed_files.extend(failed)
        if digest and not failed:
            self.batch.files[digest] = {"path": str(path), "records": read, "rejected": rejected}

    def finish(self, *, stories_assigned: bool = False, **extra) -> IngestSummary:
        """Corpus-level steps, then the one atomic commit that makes the ingest visible.
        ``stories_assigned``: the new items got their stories chunk by chunk as they were
        written (the local engine); else they get them here, from the stored texts."""
        store, batch, summary = self.store, self.batch, self.summary
        summary.duplicate = summary.read - summary.new
        store.carry_staged(batch, "casualties")  # every item is written by now
        if self.late:
            self.append(item_lists.TABLE, pd.concat(self.late, ignore_index=True))
        if self.options.discover and summary.new:
            _discover(store, batch)
        if summary.new and not stories_assigned:
            _cluster_stories(store, batch)
        if summary.new or search_index.index_path(store) is None:
            search_index.update_index(store, batch)
        aggregates.update(store, batch)  # the daily counts, with this batch's items
        store.commit(
            batch,
            {
                **asdict(summary),
                **extra,
                "extraction_version": EXTRACTION_VERSION,
                "as_of": self.options.as_of.date().isoformat(),
            },
        )
        if store.needs_compaction():  # many small ingests (a watched feed) make many parts
            store.compact()
        summary.version = store.version
        summary.seconds = time.perf_counter() - self.started
        return summary


def extract_with_bands(
    items: pd.DataFrame, taxonomy, figures: pd.DataFrame | None = None
) -> tuple[Frames, pd.DataFrame, dict | None]:
    """A chunk's frames, its items' story band keys and, given their dataset ``figures``,
    their lists (``item_lists``), all computed where the texts are (a pool worker):
    hashing the texts in the ingest's own process took a core for minutes at 1M items."""
    frames = extract_chunk(items, taxonomy)
    return frames, band_keys(items), item_lists.of_frames(frames, figures)


class _Extractor:
    """Runs :func:`extract_with_bands` inline, or on a process pool once there is a second
    chunk.

    Results come back in submission order (so the parts are written in input order), and
    at most two chunks per worker are in flight, which bounds memory. The workers end with
    the ingest process however it ends, and once drained (they are not needed for the
    corpus-level steps that follow).
    """

    def __init__(self, workers: int):
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None
        self.pending: deque[Future] = deque()
        self.submitted = 0

    def submit(self, items: pd.DataFrame, taxonomy, figures=None) -> Iterator:
        self.submitted += 1
        if self.workers <= 1 or (self.pool is None and self.submitted == 1):
            # The first chunk runs here: a one-chunk ingest never pays for a pool.
            yield extract_with_bands(items, taxonomy, figures)
            return
        if self.pool is None:
            self.pool = ProcessPoolExecutor(
                self.workers,
                mp_context=get_context("spawn"),
                initializer=end_with_parent,
                initargs=(os.getpid(),),
            )
        self.pending.append(self.pool.submit(extract_with_bands, items, taxonomy, figures))
        while len(self.pending) > 2 * self.workers or (self.pending and self.pending[0].done()):
            yield self.pending.popleft().result()

    def drain(self) -> Iterator:
        while self.pending:
            yield self.pending.popleft().result()
        self.close()

    def close(self) -> None:
        if self.pool is not None:
            for future in self.pending:
                future.cancel()
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def ingest(
    paths,
    *,
    store: Store | str | Path = DEFAULT_STORE,
    options: IngestOptions | None = None,
    **fields,
) -> IngestSummary:
    """Read ``paths`` into ``store``; return counts of what was read, new, duplicate, rejected.

    ``options`` (or its fields as keywords: ``as_of=``, ``discover=``, ...) say how; see
    :class:`IngestOptions`. Nothing becomes visible until the whole ingest succeeded (one
    atomic manifest write). ``workers`` processes extract chunks in parallel (default: one
    per core); reading, de-duplication and writing stay in this process, in input order.
    """
    run = IngestRun(store, IngestOptions.of(options, **fields))
    opts = run.options
    extractor = _Extractor(opts.workers if opts.workers is not None else os.cpu_count() or 1)
    bar = tqdm(unit=" items", disable=not opts.progress, desc="ingest")

    def write(result: tuple[Frames, pd.DataFrame, dict | None]) -> None:
        frames, bands, lists = result
        for table, frame in frames.as_dict().items():
            if table != "discovered_topics":
                run.append(table, frame, frames.items, lists if table == "items" else None)
        _assign_stories(run.store, run.batch, list(frames.items["item_id"]), bands)

    try:
        with run:
            for path, digest in run.files(paths):
                report = ReadReport()
                for chunk in iter_item_chunks([path], report=report, **opts.reading):
                    run.append("rejects", chunk.rejects)
                    fresh = run.fresh(chunk.items["item_id"])
                    figures = run.add_figures(chunk.figures, chunk.items["item_id"][fresh])
                    if not fresh.all():
                        run.append("copies", copies_table(chunk.items[~fresh]))
                    if fresh.any():
                        new = chunk.items[fresh]
                        for result in extractor.submit(new, opts.taxonomy, figures):
                            write(result)
                    bar.update(int(chunk.items["n_copies"].sum()))
                run.file_read(path, digest, report.read, report.rejected, report.failed_files)
            for result in extractor.drain():
                write(result)
            return run.finish(stories_assigned=True)
    finally:
        extractor.close()
        bar.close()


def _cluster_stories(store: Store, batch) -> None:
    """Stories for this batch's new items, part by part from their stored texts (engines
    that did not assign them as chunks were written); memory stays bounded by a part."""
    for rel in list(batch.parts.get("items", [])):
        table = pq.read_table(store.root / rel, columns=["item_id", "title", "text"])
        new = table.to_pandas()
        _assign_stories(store, batch, list(new["item_id"]), band_keys(new))


def _assign_stories(store: Store, batch, ids: list[str], keys: pd.DataFrame) -> None:
    """Give new items (``ids``, with their band ``keys``) their story: a stored one they are
    near copies of (or one of an earlier chunk of this batch), one of their own, or
    themselves (``extractors.stories``)."""
    if not ids:
        return
    story = assign_stories(keys, ids, _known_stories(store, batch, keys))
    store.append(batch, "stories", pd.DataFrame({"item_id": story.index, "story_id": story}))
    # a story's keys once each: a near copy adds only the keys its story lacked
    keys = keys.assign(story_id=keys["item_id"].map(story))[["story_id", "band", "key"]]
    store.append(batch, "story_keys", keys.drop_duplicates())


def _known_stories(store: Store, batch, keys: pd.DataFrame) -> pd.DataFrame:
    """(item_id, story_id, shared) of new items sharing enough band keys with a story
    stored or written earlier in this batch."""
    con = duckdb.connect()
    try:
        stored = store.scan(con, "story_keys", batch)
        if stored is None:
            return pd.DataFrame({"item_id": [], "story_id": [], "shared": []})
        con.register("new_keys", keys)
        return con.execute(
            "SELECT n.item_id, s.story_id, count(DISTINCT s.band) AS shared FROM new_keys n "
            f"JOIN {stored} s ON s.band = n.band AND s.key = n.key "
            "GROUP BY ALL HAVING count(DISTINCT s.band) >= ?",
            [MIN_SHARED_BANDS],
        ).df()
    finally:
        con.close()


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
