"""The Dask engine writes the same store as the local engine, on a 2-worker LocalCluster."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from dashboard import item_lists, search_index
from dashboard.dask_engine import ingest_dask
from dashboard.ingest import IngestOptions, ingest
from dashboard.store import TABLES, Store

distributed = pytest.importorskip("distributed")

SAMPLE = 300  # records from each corpus
# Sort keys that make row order irrelevant (the engines may write parts in other orders).
KEYS = {
    "items": ["item_id"],
    "rejects": ["file", "record", "reason"],
    "casualties": ["item_id", "start", "kind"],
    "events": ["item_id", "start", "end"],
    "entities": ["item_id", "start", "kind", "name"],
    "topics": ["item_id", "topic", "origin"],
    "discovered_item_topics": ["item_id", "topic"],
    "discovered_topics": ["rank"],
    "copies": ["item_id", "file", "record"],
    # the local engine gives stories chunk by chunk as it writes; Dask at the end
    "stories": ["item_id"],
    "story_keys": ["story_id", "band", "key"],
    # the daily counts, each batch's added to the stored ones
    "daily_counts": ["date_field", "day", "on_topic", "topic"],
    "daily_pairs": ["date_field", "day", "on_topic", "topic_a", "topic_b"],
    # figures stored after their items (item_lists)
    "late_figures": ["item_id", "kind", "side"],
}


@pytest.fixture(scope="module")
def sample_files(tmp_path_factory):
    from conftest import shared_path

    root = tmp_path_factory.mktemp("dask-sample")
    corpus = shared_path("corpus")
    for name in ("ucdp_ukraine_events.csv", "cir_events.csv"):
        lines = (corpus / name).read_bytes().split(b"\n")
        # UCDP rows hold quoted newlines rarely; a cut row is a reject in both engines alike.
        (root / name).write_bytes(b"\n".join(lines[: SAMPLE + 1]) + b"\n")
    lines = (corpus / "gdelt_articles.jsonl").read_text("utf-8").splitlines()[:SAMPLE]
    (root / "gdelt_articles.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    news = json.loads((corpus / "news_headlines_2022.json").read_text("utf-8"))[:SAMPLE]
    (root / "news_headlines_2022.json").write_text(json.dumps(news), "utf-8")
    # A second file repeating some GDELT texts: copies across files and partitions.
    (root / "z_repeats.jsonl").write_text("\n".join(lines[::7]) + "\n", "utf-8")
    return sorted(root.iterdir())


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, processes=True, dashboard_address=None)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def _frame(store: Store, table: str) -> pd.DataFrame:
    frame = store.frame(table) if table in TABLES else store.read_table(table).to_pandas()
    return frame.sort_values(KEYS[table]).reset_index(drop=True)


def _lists(store: Store) -> pd.DataFrame:
    """The items' lists (``item_lists``), as tuples, by item."""
    table = store.read_table("items", ["item_id", *item_lists.COLUMNS]).to_pandas()
    lists = table.set_index("item_id").map(tuple)
    return lists.sort_index()


def test_dask_engine_writes_the_local_store(sample_files, client, tmp_path):
    local, dask = Store(tmp_path / "local"), Store(tmp_path / "dask")
    # Small chunks: several partitions per file, duplicates across chunks and files.
    options = IngestOptions(as_of="2024-11-15", chunk_size=120)  # one options object, both
    a = ingest(sample_files, store=local, options=options)
    b = ingest_dask(sample_files, store=dask, options=options, client=client)
    assert (b.read, b.new, b.duplicate, b.rejected) == (a.read, a.new, a.duplicate, a.rejected)
    assert a.new > 1000 and a.duplicate > 0
    assert local.manifest()["files"].keys() == dask.manifest()["files"].keys()
    for table in KEYS:
        left, right = _frame(local, table), _frame(dask, table)
        assert len(left) == len(right), table
        pd.testing.assert_frame_equal(left, right, obj=table)
    assert len(_frame(dask, "casualties")) > 0 and len(_frame(dask, "copies")) > 0
    # the items' lists, which frames leave out
    left, right = (_lists(s) for s in (local, dask))
    pd.testing.assert_frame_equal(left, right)
    assert left["figure_sides"].map(len).sum() > 0
    # the item columns figures and events carry, which frames leave out too
    for table in ("casualties", "events"):
        carried = [c.name for c in TABLES[table].carried if c.name != "sources"]
        left, right = (
            s.read_table(table, ["item_id", "start", *carried])
            .to_pandas()
            .sort_values(["item_id", "start"])
            .reset_index(drop=True)
            for s in (local, dask)
        )
        pd.testing.assert_frame_equal(left, right, obj=f"{table} carried columns")
        assert left["on_topic"].notna().all(), table
    # The search index covers the same items, and no staging files are left behind.
    for text in ("Kharkiv", "drone strike"):
        ids = [
            search_index.SearchIndex(search_index.index_path(s)).item_ids(text)
            for s in (local, dask)
        ]
        assert sorted(ids[0].to_pylist()) == sorted(ids[1].to_pylist()) and len(ids[0])
    assert not any(p.name.startswith(".staging") for p in dask.root.iterdir())


def test_dask_reingest_adds_nothing(sample_files, client, tmp_path):
    store = Store(tmp_path / "store")
    ingest_dask(sample_files[:2], store=store, as_of="2024-11-15", client=client)
    again = ingest_dask(sample_files, store=store, as_of="2024-11-15", client=client)
    assert again.skipped_files == [str(p) for p in sample_files[:2]]
    n = len(store.frame("items"))
    assert store.connect().execute("select count(distinct item_id) from items").fetchone()[0] == n
