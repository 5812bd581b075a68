"""The full-text index answers text searches exactly as the ILIKE scan does, per store version."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from dashboard import search_index
from dashboard.ingest import ingest
from dashboard.query import Filters
from dashboard.store import Store


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """Two real corpus slices: long GDELT articles and short CIR event descriptions."""
    from conftest import shared_path

    root = tmp_path_factory.mktemp("search")
    gdelt = shared_path("corpus", "gdelt_articles.jsonl").read_text("utf-8").splitlines()
    (root / "gdelt.jsonl").write_text("\n".join(gdelt[:300]) + "\n", encoding="utf-8")
    cir = shared_path("corpus", "cir_events.csv").read_text("utf-8").splitlines()
    (root / "cir.csv").write_text("\n".join(cir[:400]) + "\n", encoding="utf-8")
    store = Store(root / "store")
    ingest([root / "gdelt.jsonl", root / "cir.csv"], store=store, discover=False)
    return store


def _ids(con, filters: Filters, *, indexed: bool) -> tuple[set[str], str]:
    where, params = filters.item_where("i", con=con if indexed else None)
    rows = con.execute(f"SELECT item_id FROM items i WHERE {where}", params).fetchall()
    return {r[0] for r in rows}, where


@pytest.mark.parametrize(
    "text",
    [
        "drone",  # a word, also inside "drones"
        "KHARKIV",  # case
        "ne stri",  # across a word boundary: a substring, not a token
        "Zaporizhzhia nuclear",
        "u.s.",  # punctuation is matched literally
        '"',  # a quote is a literal, not FTS syntax
        "50%",  # LIKE wildcards are literals too
        "Kyiv's",
        "zzqqxx",  # matches nothing
    ],
)
def test_index_matches_ilike(sample, text):
    con = sample.connect()
    filters = Filters(text=text)
    indexed, where = _ids(con, filters, indexed=True)
    scanned, where_scan = _ids(con, filters, indexed=False)
    assert "ILIKE" in where_scan
    if len(text) >= search_index.MIN_CHARS:
        assert "ILIKE" not in where  # the index answered
    assert indexed == scanned
    assert bool(indexed) == (text != "zzqqxx")  # each real query finds something here


def test_index_combines_with_other_filters(sample):
    con = sample.connect()
    filters = Filters.from_query("q=russian&from=2022-02-24&date=published")
    indexed, _ = _ids(con, filters, indexed=True)
    scanned, _ = _ids(con, filters, indexed=False)
    assert indexed == scanned and 0 < len(indexed) < len(_ids(con, Filters(), indexed=False)[0])


def test_short_text_falls_back_to_ilike(sample):
    con = sample.connect()
    indexed, where = _ids(con, Filters(text="Ky"), indexed=True)
    assert "ILIKE" in where
    assert indexed == _ids(con, Filters(text="Ky"), indexed=False)[0]


def test_index_follows_store_versions(sample, tmp_path):
    store = Store(tmp_path / "store")
    for name in ("parts", "search"):
        assert not (store.root / name).exists()
    first = tmp_path / "a.jsonl"
    first.write_text(json.dumps({"text": "Shelling of Kherson overnight."}) + "\n")
    ingest([first], store=store, discover=False)
    old = search_index.index_path(store)
    assert old is not None and old.name == "000001.sqlite"
    second = tmp_path / "b.jsonl"
    second.write_text(json.dumps({"text": "Drone strike on Odesa port."}) + "\n")
    ingest([second], store=store, discover=False)
    new = search_index.index_path(store)
    # the old index stays for readers of version 1 until KEEP_VERSIONS newer ones exist
    assert new.name == "000002.sqlite" and old.exists()
    index = search_index.SearchIndex(new)
    assert len(index) == 2
    assert set(index.item_ids("odesa").to_pylist()) == set(
        store.frame("items").query("text.str.contains('Odesa')")["item_id"]
    )
    # A failed ingest leaves the published index as it was and removes its own copy.
    third = tmp_path / "c.jsonl"
    third.write_text(json.dumps({"text": "Missile attack on Lviv."}) + "\n")
    with pytest.MonkeyPatch.context() as mp:

        def fail(*args, **kwargs):
            raise RuntimeError("simulated crash")

        mp.setattr(search_index, "add_parts", fail)
        with pytest.raises(RuntimeError):
            ingest([third], store=store, discover=False)
    assert search_index.index_path(store) == new
    assert sorted(p.name for p in (store.root / "search").iterdir()) == [old.name, new.name]


def test_compact_keeps_rows_and_search(sample, tmp_path):
    """Compaction (one file per table, for faster scans) changes no row and no search hit."""
    import shutil

    store = Store(tmp_path / "store")
    shutil.copytree(sample.root, store.root)
    extra = tmp_path / "more.jsonl"
    extra.write_text(json.dumps({"text": "Drone debris fell on Kharkiv, two injured."}) + "\n")
    ingest([extra], store=store, discover=False)
    tables = ("items", "casualties", "entities", "topics", "events")
    before = {t: store.frame(t).sort_values(["item_id"]).reset_index(drop=True) for t in tables}
    hits = set(
        search_index.SearchIndex(search_index.index_path(store)).item_ids("kharkiv").to_pylist()
    )
    old_parts = [p for t in tables if len(store.parts(t)) > 1 for p in store.parts(t)]
    assert len(store.parts("items")) > 1
    version = store.compact()
    assert version == 3 and all(len(store.parts(t)) == 1 for t in tables)
    # replaced parts stay for connections opened before the compact (store.KEEP_VERSIONS)
    assert all(p.exists() for p in old_parts)
    for table in tables:
        after = store.frame(table).sort_values(["item_id"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(before[table], after, check_like=False, obj=table)
    con = store.connect()
    where, params = Filters(text="kharkiv").item_where("i", con=con)
    found = {
        r[0] for r in con.execute(f"SELECT item_id FROM items i WHERE {where}", params).fetchall()
    }
    assert found == hits and len(found) > 1
