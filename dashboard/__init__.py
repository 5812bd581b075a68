"""Conflict-news analytics: read news items, extract figures, dates, places and topics.

The public API, for notebooks and scripts::

    items = read_items("digest.txt", as_of="2024-11-15")  # files -> items frame
    frames = extract(items)                               # -> casualties, events, ...
    ingest(["feed.xml"], store="data/store")              # -> the Parquet store
    store = open_store("data/store")                      # the frames the app shows
    store.frame("casualties"); store.connect()            # pandas, or DuckDB views
    claim_flags(figures)                                  # claims that do not add up
    reference_table(views.reference_sums(con, filters))   # a dataset's sum of its events
"""

import logging

from .claims import claim_flags, claim_series, claimant_table, reference_table
from .extract import EXTRACTION_VERSION, Frames, extract
from .ingest import IngestOptions, IngestSummary, ingest
from .items import read_items
from .query import Filters
from .readers import InputError
from .schema import SCHEMAS, SchemaError, validate
from .store import DEFAULT_STORE, Store, StoreError

__all__ = [
    "EXTRACTION_VERSION",
    "SCHEMAS",
    "Filters",
    "Frames",
    "IngestOptions",
    "IngestSummary",
    "InputError",
    "SchemaError",
    "Store",
    "StoreError",
    "claim_flags",
    "claim_series",
    "claimant_table",
    "extract",
    "ingest",
    "open_store",
    "read_items",
    "reference_table",
    "validate",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())


def open_store(path=DEFAULT_STORE) -> Store:
    """Open a store directory (it need not exist yet: an empty store has empty frames)."""
    return Store(path)
