"""Full-text index of item titles and texts, so a text search does not scan every text.

A text filter means "title or text contains these characters, ignoring case" (SQL
``ILIKE '%q%'``). At a million items that scan reads every text (~125 ms with DuckDB); this
index answers it in milliseconds for selective words.

It is an SQLite FTS5 table (FTS5 ships with Python's ``sqlite3``; DuckDB's ``fts``
extension needs the network to install) with the *trigram* tokenizer, which indexes every
three-character substring, so a phrase query matches exactly the substrings ``ILIKE``
matches, case-insensitively, across word boundaries and punctuation. Queries shorter than
three characters cannot use trigrams and fall back to ``ILIKE`` (the caller sees ``None``).
Case folding is SQLite's (Unicode simple folding) where DuckDB lowercases: the same for
every script the corpora hold.

The index lives in the store as ``search/<version>.sqlite``, one file per store version,
named in the manifest like a replaced table: an ingest copies the current file, adds its
new items and is made visible by the same atomic manifest write as the Parquet parts (an
aborted ingest removes its copy). The FTS table is contentless (the texts stay in Parquet);
``ids`` maps its rowids to item ids.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import threading
import weakref
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .schema import id_keys

# Key of the index in the store manifest's tables (its single "part" is the file).
TABLE = "search"
# Trigrams need three characters; shorter searches use ILIKE.
MIN_CHARS = 3
# Recent searches kept per index: every page of the app re-runs the same text filter.
CACHE_SIZE = 32
# Rows per insert batch while building (bounded memory on long articles).
BUILD_BATCH = 5_000
SCHEMA_SQL = (
    "CREATE TABLE IF NOT EXISTS ids(rowid INTEGER PRIMARY KEY, item_id TEXT NOT NULL)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5("
    "title, text, tokenize='trigram', content='', detail=full)",
)


def index_path(store) -> Path | None:
    """The current index file of ``store`` (a :class:`~dashboard.store.Store`), if any."""
    rels = store.manifest()["tables"].get(TABLE) or []
    path = store.root / rels[0] if rels else None
    return path if path is not None and path.exists() else None


def update_index(store, batch) -> Path:
    """Index the items parts of ``batch`` in a new index file that ``store.commit`` publishes.

    The new file starts as a copy of the current one; a store without an index (made
    before the index existed) gets every stored item indexed too.
    """
    rel = f"{TABLE}/{batch.number:06d}.sqlite"
    path = store.root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    batch.replaced[TABLE] = [rel]  # abort() removes it, commit() drops the previous file
    current = index_path(store)
    parts = [store.root / p for p in batch.parts.get("items", [])]
    path.unlink(missing_ok=True)
    if current is not None:
        shutil.copyfile(current, path)
    else:
        parts = [*store.parts("items"), *parts]
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA journal_mode=OFF")  # a failed build is discarded whole
        con.execute("PRAGMA synchronous=OFF")
        for sql in SCHEMA_SQL:
            con.execute(sql)
        add_parts(con, parts)
        con.commit()
    finally:
        con.close()
    return path


def add_parts(con: sqlite3.Connection, parts: list[Path]) -> int:
    """Insert the items of Parquet ``parts`` (item_id, title, text); return how many."""
    (start,) = con.execute("SELECT coalesce(max(rowid), 0) FROM ids").fetchone()
    n = 0
    for part in parts:
        reader = pq.ParquetFile(part)
        for rb in reader.iter_batches(columns=["item_id", "title", "text"], batch_size=BUILD_BATCH):
            rowids = range(start + n + 1, start + n + 1 + rb.num_rows)
            ids = rb.column("item_id").to_pylist()
            titles = rb.column("title").to_pylist()
            texts = rb.column("text").to_pylist()
            con.executemany(
                "INSERT INTO ids(rowid, item_id) VALUES (?, ?)", zip(rowids, ids, strict=True)
            )
            con.executemany(
                "INSERT INTO fts(rowid, title, text) VALUES (?, ?, ?)",
                zip(rowids, (t or "" for t in titles), (t or "" for t in texts), strict=True),
            )
            n += rb.num_rows
    return n


class SearchIndex:
    """Read side: ``item_ids("drone")`` -> the ids of items whose title or text contains it."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        # Quoted: a "?" or "#" in the store path would end the URI's path part.
        uri = f"file:{quote(str(self.path))}?mode=ro"
        self._con = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self._ids: pa.Array | None = None
        self._keys: np.ndarray | None = None
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()

    def __len__(self) -> int:
        return len(self._item_ids())

    def _item_ids(self) -> pa.Array:
        """rowid - 1 -> item_id (rowids are dense from 1), loaded once."""
        if self._ids is None:
            rows = self._con.execute("SELECT item_id FROM ids ORDER BY rowid").fetchall()
            ids = [r[0] for r in rows]
            # their integer keys with them: ~0.2 s at 1M, paid once like the ids
            self._keys = id_keys(pd.Series(ids, dtype=object))
            self._ids = pa.array(ids, pa.string())
        return self._ids

    def _item_keys(self) -> np.ndarray:
        """rowid - 1 -> item_key (the store's integer key of each id), loaded with the ids."""
        self._item_ids()
        return self._keys

    def _rows(self, text: str) -> np.ndarray | None:
        """Positions (rowid - 1) of the items whose title or text contains ``text``."""
        if len(text) < MIN_CHARS:
            return None
        with self._lock:
            if text in self._cache:
                self._cache.move_to_end(text)
                return self._cache[text]
            phrase = '"' + text.replace('"', '""') + '"'
            rows = self._con.execute("SELECT rowid FROM fts WHERE fts MATCH ?", [phrase])
            found = np.fromiter((r[0] for r in rows), dtype=np.int64) - 1
            self._cache[text] = found
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
            return found

    def item_ids(self, text: str) -> pa.Array | None:
        """Ids of items whose title or text contains ``text`` (case-insensitive).

        ``None`` when the index cannot answer (fewer than ``MIN_CHARS`` characters): the
        caller then scans with ``ILIKE``.
        """
        found = self._rows(text)
        return None if found is None else self._item_ids().take(pa.array(found))

    def clear_cache(self) -> None:
        with self._lock:
            self._cache.clear()

    def relation(self, con, text: str) -> str | None:
        """Register the keys of the hits of ``text`` on DuckDB ``con`` (a relation with one
        column, ``item_key``); return the relation's name."""
        found = self._rows(text)
        if found is None:
            return None
        name = "text_hits_" + hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
        # the item filter joins on the keys alone (``query._text_items``)
        con.register(name, pa.table({"item_key": self._item_keys()[found]}))
        return name


@lru_cache(maxsize=4)
def open_index(path: str) -> SearchIndex:
    """One reader per index file and process (the file never changes once published)."""
    return SearchIndex(path)


# DuckDB connection -> the index of the store it views (set by ``Store.connect``).
_ATTACHED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def attach(con, store) -> SearchIndex | None:
    """Let ``Filters.item_where(con=con)`` answer text searches from ``store``'s index."""
    path = index_path(store)
    if path is None:
        return None
    index = open_index(str(path))
    _ATTACHED[con] = index
    return index


def for_connection(con) -> SearchIndex | None:
    return _ATTACHED.get(con) if con is not None else None
