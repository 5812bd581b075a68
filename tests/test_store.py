"""The store: atomic appends, re-ingest adds nothing, rejects kept, DuckDB views, the CLI."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import duckdb
import pandas as pd
import pytest
from conftest import SEED, SEED_AS_OF

from dashboard.ingest import IngestOptions, ingest
from dashboard.schema import ITEMS, SchemaError
from dashboard.store import Store

ingest_module = importlib.import_module("dashboard.ingest")  # the module, not the function


@pytest.fixture
def seed_store(tmp_path):
    store = Store(tmp_path / "store")
    summary = ingest([SEED], store=store, as_of=SEED_AS_OF)
    return store, summary


def test_ingest_seed_summary_and_frames(seed_store):
    store, summary = seed_store
    assert (summary.read, summary.new, summary.duplicate, summary.rejected) == (10, 10, 0, 0)
    items = store.frame("items")
    assert len(items) == 10 and items["item_id"].is_unique
    assert list(items.columns) == ITEMS.names
    # Parquet written by the store is plain Parquet: DuckDB reads it without our code.
    parts = [str(p) for p in store.parts("items")]
    n = duckdb.execute(f"select count(*) from read_parquet({parts!r})").fetchone()[0]
    assert n == 10
    con = store.connect()
    assert con.execute("select count(*) from items").fetchone()[0] == 10
    for view in ("casualties", "events", "entities", "topics", "rejects", "discovered_topics"):
        con.execute(f"select * from {view} limit 1").fetchall()


def test_ingest_options_as_an_object_or_keywords(tmp_path):
    store = Store(tmp_path / "store")
    with pytest.raises(TypeError, match="chunksize"):  # a misspelt option, before any read
        ingest([SEED], store=store, chunksize=10)
    assert store.version == 0
    # a keyword overrides the options object's field
    options = IngestOptions(as_of="2020-01-01", discover=False)
    summary = ingest([SEED], store=store, options=options, as_of=SEED_AS_OF)
    assert summary.new == 10
    assert store.manifest()["batches"][-1]["as_of"] == SEED_AS_OF


def test_reingest_adds_nothing(seed_store, tmp_path):
    store, _ = seed_store
    version = store.version
    again = ingest([SEED], store=store, as_of=SEED_AS_OF)
    assert (again.read, again.new, again.duplicate) == (10, 0, 10)
    assert again.skipped_files == [str(SEED)]
    # A different file carrying one of the same texts: counted as a copy, not a new item.
    items = store.frame("items")
    copy = tmp_path / "copy.jsonl"
    copy.write_text(json.dumps({"text": items["text"].iloc[3], "source": "Wire"}) + "\n")
    third = ingest([copy], store=store)
    assert (third.read, third.new, third.duplicate) == (1, 0, 1)
    assert store.version == version + 1  # the re-ingest added nothing: no new version
    after = store.frame("items").set_index("item_id").loc[items["item_id"].iloc[3]]
    assert after["n_copies"] == 2 and "Wire" in after["sources"]
    assert len(store.frame("items")) == 10


def test_crash_mid_ingest_leaves_store_intact(seed_store, tmp_path, monkeypatch):
    store, _ = seed_store
    before = store.manifest()
    files = sorted(p.relative_to(store.root) for p in store.root.rglob("*.parquet"))
    more = tmp_path / "more.jsonl"
    more.write_text(
        "\n".join(json.dumps({"text": f"Item number {i} about Kyiv."}) for i in range(30))
    )

    calls = {"n": 0}
    real = ingest_module.extract_chunk

    def crash_on_second_chunk(items, taxonomy=None):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("simulated crash")
        return real(items, taxonomy)

    monkeypatch.setattr(ingest_module, "extract_chunk", crash_on_second_chunk)
    with pytest.raises(RuntimeError, match="simulated crash"):
        ingest([more], store=store, chunk_size=10, workers=1)
    assert store.manifest() == before
    assert sorted(p.relative_to(store.root) for p in store.root.rglob("*.parquet")) == files
    assert len(store.frame("items")) == 10


def test_bad_records_set_aside_good_ones_load(seed_store, tmp_path):
    store, _ = seed_store
    bad = tmp_path / "mixed.jsonl"
    bad.write_text('{"text": "Shelling of Kherson."}\n{"text": ""}\n{broken\n')
    summary = ingest([bad, tmp_path / "missing.csv"], store=store)
    assert (summary.new, summary.rejected) == (1, 3)
    rejects = store.frame("rejects")
    reasons = rejects["reason"].tolist()
    assert "record has no text" in reasons
    assert any("invalid JSON" in r for r in reasons)
    assert any("missing.csv: no such file" in r for r in reasons)
    assert len(store.frame("items")) == 11  # the seed is still all there


def test_schema_is_enforced_at_the_store_boundary(tmp_path):
    store = Store(tmp_path / "s")
    batch = store.begin()
    with pytest.raises(SchemaError, match="items: missing column"):
        store.append(batch, "items", pd.DataFrame({"item_id": ["x"]}))
    bad = ITEMS.empty().reindex(range(1))
    bad["item_id"], bad["text"], bad["published"] = "x", "t", "not a date"
    with pytest.raises(SchemaError, match=r"items\.published"):
        store.append(batch, "items", bad)


def _cli(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_cli_ingest_and_bad_input(tmp_path):
    store = tmp_path / "store"
    ok = _cli("ingest", SEED, "--as-of", SEED_AS_OF, "--store", store, "--quiet")
    assert ok.returncode == 0, ok.stderr
    assert "read 10, new 10, duplicate 0, rejected 0" in ok.stdout
    missing = _cli("ingest", tmp_path / "nope.json", "--store", store, "--quiet")
    assert missing.returncode == 2
    assert "nope.json: no such file" in missing.stderr and "Traceback" not in missing.stderr
    bad_date = _cli("ingest", SEED, "--as-of", "soon", "--store", store, "--quiet")
    assert bad_date.returncode == 2 and "as_of" in bad_date.stderr
    assert "Traceback" not in bad_date.stderr
    assert len(Store(store).frame("items")) == 10


def test_tiny_corpus_ingests_with_topic_discovery(tmp_path):
    path = tmp_path / "two.jsonl"
    path.write_text('{"text": "Drone strike on Kyiv kills two."}\n{"text": "Talks stall."}\n')
    store = Store(tmp_path / "s")
    summary = ingest([path], store=store)
    assert summary.new == 2
    assert list(store.frame("discovered_topics").columns) == [
        "topic",
        "rank",
        "top_terms",
        "n_items",
    ]


def test_parallel_extraction_writes_the_same_store(tmp_path, corpus):
    """Chunks extracted on a process pool give the same frames, in the same order."""
    path = corpus("gdelt_articles.jsonl")
    frames = {}
    for workers in (1, 2):
        store = Store(tmp_path / f"w{workers}")
        summary = ingest([path], store=store, chunk_size=100, workers=workers, discover=False)
        assert (summary.read, summary.new) == (558, 487)
        frames[workers] = {t: store.frame(t) for t in ("items", "casualties", "entities", "topics")}
    for table, serial in frames[1].items():
        pd.testing.assert_frame_equal(serial, frames[2][table], obj=table)


def test_a_store_of_an_older_extraction_version_is_refused_clearly(tmp_path):
    """Parts without this version's columns are never mixed with new ones, nor half read."""
    import pyarrow.parquet as pq

    from dashboard.ingest import ingest
    from dashboard.store import Store, StoreError

    store = Store(tmp_path / "store")
    ingest([SEED], store=store, as_of=SEED_AS_OF)
    part = store.root / store.manifest()["tables"]["casualties"][0]
    table = pq.read_table(part)
    pq.write_table(table.drop_columns(["scope", "claimant_raw"]), part)
    with pytest.raises(StoreError, match="older version.*claimant_raw, scope"):
        store.connect()
    with pytest.raises(StoreError, match="older version"):
        store.frame("items")  # the notebooks' way in: no silently empty columns either
    with pytest.raises(StoreError, match="older version"):
        ingest([SEED], store=store, as_of=SEED_AS_OF)


def test_an_ingest_compacts_a_store_of_many_parts(tmp_path, monkeypatch):
    """Many small ingests (a watched feed) would leave hundreds of parts; past
    COMPACT_PARTS an ingest compacts, and nothing is lost."""
    import dashboard.store as store_module

    monkeypatch.setattr(store_module, "COMPACT_PARTS", 2)
    store = Store(tmp_path / "store")
    for n in range(4):
        path = tmp_path / f"feed{n}.jsonl"
        path.write_text(json.dumps({"text": f"Shelling of Kherson, {n + 2} injured."}) + "\n")
        ingest([path], store=store, as_of="2024-11-15", discover=False)
        assert all(len(parts) <= 2 for parts in store.manifest()["tables"].values())
    assert any(b.get("compacted") for b in store.manifest()["batches"])
    assert len(store.frame("items")) == 4 and len(store.frame("casualties")) == 4


def test_compaction_writes_large_row_groups(tmp_path, monkeypatch, corpus):
    """A compacted table is read one row group per thread: the parts' tiny groups (one per
    ingest chunk) are merged into groups of ROW_GROUP_ROWS, and every row is kept."""
    import pyarrow.parquet as pq

    import dashboard.store as store_module

    monkeypatch.setattr(store_module, "ROW_GROUP_ROWS", 200)
    store = Store(tmp_path / "store")
    ingest([corpus("gdelt_articles.jsonl")], store=store, chunk_size=50, discover=False)
    before = {t: store.frame(t) for t in ("items", "casualties")}
    assert len(store.manifest()["tables"]["items"]) > 5
    store.compact()
    for table, frame in before.items():
        (rel,) = store.manifest()["tables"][table]
        groups = pq.ParquetFile(store.root / rel).metadata
        assert groups.num_row_groups <= len(frame) // 200 + 1  # not one per ingest chunk
        assert all(groups.row_group(g).num_rows >= 200 for g in range(groups.num_row_groups - 1))
        pd.testing.assert_frame_equal(store.frame(table), frame)


def test_stored_tables_carry_integer_item_keys_that_frames_never_show(tmp_path, corpus):
    """Every item table stores ``item_key``, the id's own 64 bits (an id that is no hex: a hash of
    it), the same for one item in every table; frames read back are without it."""
    import pyarrow.parquet as pq

    from dashboard.schema import CASUALTIES, id_keys

    ids = pd.Series(["00000000000000ff", "ffffffffffffffff", "x1", None])
    keys = id_keys(ids)
    assert keys[:2].tolist() == [255, 2**64 - 1] and keys[3] == 0
    assert keys[2] == id_keys(pd.Series(["x1"]))[0] != 0  # not hex: hashed, the same each time
    store = Store(tmp_path / "store")
    ingest([corpus("gdelt_articles.jsonl")], store=store, discover=False)
    read = {
        t: pq.ParquetDataset([str(p) for p in store.parts(t)]).read().to_pandas()
        for t in ("items", "casualties", "stories")
    }
    for table in read.values():
        assert (table["item_key"].to_numpy() == id_keys(table["item_id"])).all()
    assert (read["stories"]["story_key"].to_numpy() == id_keys(read["stories"]["story_id"])).all()
    assert list(store.frame("casualties").columns) == CASUALTIES.names


CARRIED_MATCH = " AND ".join(
    f"c.{n} IS NOT DISTINCT FROM i.{n}"
    for n in ("published", "event_date", "on_topic", "file", "sources", "source", "title", "url")
)


def test_figures_and_events_carry_their_items_columns(tmp_path):
    """Figures (and dated events) store their item's date, flag, file, sources and title, the same as the item,
    also a dataset figure whose record's text repeats an item stored before (the bundled UCDP
    extract holds such records) and figures of a later ingest; frames never show them."""
    from conftest import ROOT

    from dashboard.schema import CASUALTIES

    store = Store(tmp_path / "store")
    ingest([ROOT / "data" / "datasets" / "ucdp_ged_ukraine.csv.gz"], store=store, discover=False)
    summary = ingest([SEED], store=store, as_of=SEED_AS_OF, discover=False)
    assert summary.new == 10
    con = store.connect()
    n, same, text = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE " + CARRIED_MATCH + "),"
        " count(*) FILTER (WHERE c.origin = 'text') "
        "FROM casualties c JOIN items i ON i.item_key = c.item_key"
    ).fetchone()
    assert n == con.execute("SELECT count(*) FROM casualties").fetchone()[0] > 3000
    assert same == n and text > 0
    n, same = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE " + CARRIED_MATCH + ") "
        "FROM events c JOIN items i ON i.item_key = c.item_key"
    ).fetchone()
    assert same == n > 0  # dated events carry them too
    on_copies = con.execute(
        "SELECT count(*) FROM casualties c WHERE c.origin = 'dataset' AND c.item_id IN "
        "(SELECT item_id FROM casualties GROUP BY item_id"
        " HAVING count(DISTINCT split_part(record_ref, ':', 2)) > 1)"
    ).fetchone()[0]
    assert on_copies > 0  # the duplicate-record path was taken
    assert list(store.frame("casualties").columns) == CASUALTIES.names
