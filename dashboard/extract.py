"""Items -> every derived frame, in one call: ``extract(items) -> Frames``.

Per-item extractors (casualties, dates, entities, taxonomy topics) run on any chunk of
items independently, which is what lets ingest work chunk by chunk (and on Dask).
Discovered topics are a property of the whole corpus and are computed separately by
``discover`` over the store.
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, fields
from multiprocessing import get_context

import pandas as pd
from threadpoolctl import threadpool_limits

from .extractors.casualties import extract_casualties
from .extractors.dates import extract_events, item_event_dates
from .extractors.entities import extract_entities
from .extractors.scope import casualty_scope, war_relevance
from .extractors.topics import discover_topics, load_taxonomy, tag_topics
from .schema import CASUALTIES, DISCOVERED_TOPICS, ITEMS, TOPICS, validate

# Bump when an extractor's output changes, so stores and exports can tell what made them.
EXTRACTION_VERSION = "22"


@dataclass(frozen=True)
class Frames:
    """The frames of the data layer, each validated against its schema."""

    items: pd.DataFrame
    casualties: pd.DataFrame
    events: pd.DataFrame
    entities: pd.DataFrame
    topics: pd.DataFrame
    discovered_topics: pd.DataFrame

    def as_dict(self) -> dict[str, pd.DataFrame]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def extract_chunk(items: pd.DataFrame, taxonomy=None) -> Frames:
    """Run the per-item extractors; ``discovered_topics`` is left empty."""
    items = validate(items, ITEMS)
    events = extract_events(items)
    dated = item_event_dates(items, events).set_index("item_id")
    items = items.assign(
        event_date=items["item_id"].map(dated["event_date"]),
        event_precision=items["item_id"].map(dated["event_precision"]),
    )
    entities = extract_entities(items)
    topics = tag_topics(items, taxonomy if taxonomy is not None else load_taxonomy())
    items = war_relevance(items, entities, topics)
    casualties = casualty_scope(extract_casualties(items), items, events)
    return Frames(
        items=validate(items, ITEMS),
        casualties=validate(casualties, CASUALTIES),
        events=events,
        entities=entities,
        topics=topics,
        discovered_topics=DISCOVERED_TOPICS.empty(),
    )


def end_with_parent(parent: int) -> None:
    """Pool worker initializer: end this worker when the process that started it ends, however it
    ends (kill -9 included); an orphaned worker would otherwise wait for tasks for ever."""
    import ctypes
    import signal
    import sys

    if sys.platform.startswith("linux"):
        # prctl(PR_SET_PDEATHSIG=1, SIGKILL): the kernel kills this process when the thread
        # that started it ends; that thread (the ingest's, or the executor's manager
        # thread) lives until the pool is shut down.
        ctypes.CDLL(None, use_errno=True).prctl(1, ctypes.c_ulong(signal.SIGKILL))
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
    # Elsewhere, and as a fallback: notice the parent's death within a second.
    threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()


def _exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


# ``extract`` runs frames of more items than this on a pool of processes, one per core, in
# chunks of about ``len(items) / (4 * workers)`` items (at least half this many): below it,
# starting the workers (about a second each) costs more than it saves. Measured on 2 cores
# over the four corpora (19k items): 4.5 s in one process, 4.1 s on the pool (the workers'
# start-up is most of it; the gain grows with the frame).
POOL_MIN_ITEMS = 10_000


def extract_chunks(
    items: pd.DataFrame, taxonomy, workers: int | None = None, meanwhile=None
) -> tuple[Frames, object]:
    """``extract_chunk`` over ``items``, on a process pool when the frame is large; and
    ``meanwhile()`` (if given) in this process while the pool works. Returns the frames and
    what ``meanwhile`` returned."""
    workers = workers if workers is not None else os.cpu_count() or 1
    if workers <= 1 or len(items) <= POOL_MIN_ITEMS:
        return extract_chunk(items, taxonomy), meanwhile() if meanwhile else None
    size = max(POOL_MIN_ITEMS // 2, -(-len(items) // (4 * workers)))
    chunks = [items.iloc[i : i + size] for i in range(0, len(items), size)]
    context = get_context("spawn")  # a forked pandas/DuckDB process can deadlock
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=end_with_parent, initargs=(os.getpid(),)
    ) as pool:
        futures = [pool.submit(extract_chunk, chunk, taxonomy) for chunk in chunks]
        # The workers have the cores: the numeric libraries' thread pools (BLAS in topic
        # discovery) would only contend with them (measured 1.3 s alone, 3.2 s beside them).
        with threadpool_limits(limits=1):
            extra = meanwhile() if meanwhile else None
        parts = [f.result() for f in futures]
    frames = Frames(
        **{
            f.name: validate(
                pd.concat([getattr(p, f.name) for p in parts], ignore_index=True), f.name
            )
            for f in fields(Frames)
        }
    )
    return frames, extra


def extract(
    items: pd.DataFrame,
    *,
    taxonomy=None,
    discover: bool = True,
    seed: int = 0,
    workers: int | None = None,
) -> Frames:
    """Derive every frame from an items frame.

    Parameters
    ----------
    items : an items frame, e.g. from :func:`dashboard.read_items`.
    taxonomy : a taxonomy from :func:`load_taxonomy` (default: ``data/taxonomy.toml``).
    discover : also discover topics from the corpus itself (TF-IDF + NMF, seeded).
    workers : processes for a large frame (default one per core; 1 keeps it in this process).

    Examples
    --------
    >>> frames = extract(read_items("data/samples", as_of="2024-11-15"))  # doctest: +SKIP
    >>> frames.casualties[["value", "kind", "side", "quote"]]  # doctest: +SKIP
    """
    taxonomy = taxonomy if taxonomy is not None else load_taxonomy()
    # discovery reads only the texts: it runs here while the pool extracts
    frames, discovery = extract_chunks(
        items,
        taxonomy,
        workers,
        meanwhile=(lambda: discover_topics(items, seed=seed)) if discover else None,
    )
    if not discover:
        return frames
    found, discovered = discovery
    topics = pd.concat([frames.topics, found], ignore_index=True)
    return Frames(
        items=frames.items,
        casualties=frames.casualties,
        events=frames.events,
        entities=frames.entities,
        topics=validate(topics, TOPICS),
        discovered_topics=validate(discovered, DISCOVERED_TOPICS),
    )
