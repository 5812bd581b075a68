"""The daily counts (``dashboard.aggregates``): kept incrementally by every ingest (local and
Dask, repeats, after a compact), equal to a fresh count of every item, and summed by the
views into the very frames the live queries give; any other filter falls back to them."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pyarrow as pa
import pytest
from conftest import SEED, SEED_AS_OF, shared_path, ucdp_with_late_figures

from dashboard import aggregates, item_lists, query, views
from dashboard.ingest import IngestOptions, ingest
from dashboard.query import Filters
from dashboard.store import Store

SAMPLE = 250  # records of each corpus per ingest
OPTIONS = IngestOptions(as_of=SEED_AS_OF, chunk_size=80, discover=False)

UNDATED = (
    "A Russian drone strike on Kyiv killed two civilians; air defence shot down 12 missiles.",
    "Ukrainian forces shelled Russian positions near Bakhmut, the General Staff said.",
    "Sanctions on Russian oil tighten as talks on a ceasefire stall in Istanbul.",
)
# Filters the daily counts serve: none, whole or partial ranges not on week bounds, each
# date field, all items, and filters that apply to figures only.
SERVED = {
    "none": "",
    "all items": "on_topic=0",
    "dates off weeks": "from=2022-02-03&to=2022-05-17",
    "published": "date=published",
    "published dates": "date=published&from=2022-02-24&to=2022-04-09",
    "published, all items": "date=published&on_topic=0&from=2022-01-05",
    "from only": "from=2022-03-02",
    "to only, all items": "to=2022-04-20&on_topic=0",
    "figure filters": "origin=all&this_war=0&from=2022-03-01",
}
# (view, keyword arguments): every way the pages call the views the counts serve.
CALLS = [
    *(("item_counts", {"freq": f}) for f in views.FREQS),
    *(("topics_over_time", {"freq": f}) for f in views.FREQS),
    ("topics_over_time", {"freq": "month", "top": 3}),
    ("topic_cooccurrence", {}),
    ("topic_cooccurrence", {"top": 3}),
    ("items_per_source", {}),
    ("items_per_source", {"top": 3}),
    ("datasets", {}),
]
# The sidebar's counts: each list filter's values, counted under the other filters.
FACET_CALLS = [("facet_counts", {}), ("facet_counts", {"limit": 3})]


def _slices(root, corpus) -> dict[str, object]:
    """Input files: slices of the shared corpora, and one repeating items already stored."""
    gdelt = (corpus / "gdelt_articles.jsonl").read_text("utf-8").splitlines()
    news = json.loads((corpus / "news_headlines_2022.json").read_text("utf-8"))
    files = {
        "gdelt_a.jsonl": "\n".join(gdelt[:SAMPLE]),
        "gdelt_b.jsonl": "\n".join(gdelt[SAMPLE : 2 * SAMPLE]),
        # every 4th item of the first file again, then new ones
        "gdelt_repeats.jsonl": "\n".join(gdelt[:SAMPLE:4] + gdelt[2 * SAMPLE : 2 * SAMPLE + 60]),
        "news.json": json.dumps(news[:SAMPLE]),
        # no publication date: counted under a missing published day
        "undated.jsonl": "\n".join(json.dumps({"text": text}) for text in UNDATED),
    }
    paths = {}
    for name, text in files.items():
        paths[name] = root / name
        paths[name].write_text(text + "\n", "utf-8")
    for name in ("cir_events.csv", "ucdp_ukraine_events.csv"):  # as they are (not all UTF-8)
        lines = (corpus / name).read_bytes().split(b"\n")
        paths[name] = root / name
        paths[name].write_bytes(b"\n".join(lines[: SAMPLE + 1]) + b"\n")
    return paths


def _dask_ingest(path, store: Store):
    """The Dask engine on a small LocalCluster; the local engine when Dask is absent."""
    try:
        import distributed

        from dashboard.dask_engine import ingest_dask
    except ImportError:
        return ingest([path], store=store, options=OPTIONS), "local"
    cluster = distributed.LocalCluster(n_workers=2, processes=True, dashboard_address=None)
    with distributed.Client(cluster) as client:
        summary = ingest_dask([path], store=store, options=OPTIONS, client=client)
    cluster.close()
    return summary, "dask"


@pytest.fixture(scope="module")
def steps(tmp_path_factory):
    """A store built by several ingests, and after each step (name, manifest entry, the
    stored counts, a fresh count of every item)."""
    root = tmp_path_factory.mktemp("aggregates")
    paths = _slices(root, shared_path("corpus"))
    store = Store(root / "store")
    seen = []

    def step(name: str) -> None:
        stored = {t: store.read_table(t) for t in aggregates.AGGREGATES}
        seen.append((name, store.manifest()[aggregates.ENTRY], stored, aggregates.count(store)))

    for name in ("gdelt_a.jsonl", "gdelt_b.jsonl", "gdelt_repeats.jsonl"):
        summary = ingest([paths[name]], store=store, options=OPTIONS)
        assert summary.new > 0
        step(name)
    assert summary.duplicate > 0  # the repeats: stored items seen again
    store.compact()
    step("compact")
    ingest([paths["news.json"], paths["undated.jsonl"]], store=store, options=OPTIONS)
    step("news.json, undated.jsonl")
    summary, engine = _dask_ingest(paths["cir_events.csv"], store)
    assert summary.new > 0
    step(f"cir_events.csv ({engine})")
    ingest(
        [paths["ucdp_ukraine_events.csv"]], store=store, options=OPTIONS.of(OPTIONS, discover=True)
    )
    step("ucdp, with discovery")
    return store, seen


def _sorted(table: pa.Table) -> pd.DataFrame:
    frame = table.to_pandas()
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def test_incremental_counts_equal_a_fresh_count_after_every_ingest(steps):
    store, seen = steps
    built = [entry["built"] for _, entry, _, _ in seen]
    assert built == ["counted", "added", "added", "carried", "added", "added", "added"]
    for name, entry, stored, fresh in seen:
        for table in aggregates.AGGREGATES:
            assert stored[table].num_rows > 0, (name, table)
            pd.testing.assert_frame_equal(_sorted(stored[table]), _sorted(fresh[table]), obj=name)
        counts = stored["daily_counts"].to_pandas()
        every = counts[counts["topic"].isna()]
        for field in aggregates.DATE_FIELDS:  # every item once per date field
            assert every.loc[every["date_field"] == field, "n_items"].sum() == entry["items"]
    assert seen[-1][1]["items"] == len(store.frame("items"))
    tables = store.manifest()["tables"]
    assert seen[-1][1]["covers"] == {t: tables.get(t, []) for t in aggregates.COVERED}


def test_counts_match_the_items_and_topics_counted_in_pandas(steps):
    """An independent count: the items' UTC and event days, and their taxonomy topics."""
    store, _ = steps
    items = store.frame("items")
    topics = store.frame("topics").query("origin == 'taxonomy'")
    days = {
        "event": items["event_date"].dt.normalize(),
        "published": items["published"].dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize(),
    }
    counts = store.frame("daily_counts")
    for field, day in days.items():
        frame = items.assign(day=day)[["item_id", "day", "on_topic"]]
        rows = counts[(counts["date_field"] == field)]
        expected = frame.groupby(["day", "on_topic"], dropna=False).size()
        got = rows[rows["topic"].isna()].set_index(["day", "on_topic"])["n_items"]
        assert got.sort_index().to_dict() == expected.sort_index().to_dict()
        per_topic = frame.merge(topics[["item_id", "topic"]], on="item_id")
        expected = per_topic.groupby(["day", "topic"], dropna=False).size()
        got = rows[rows["topic"].notna()].groupby(["day", "topic"], dropna=False)["n_items"].sum()
        assert got.sort_index().to_dict() == expected.sort_index().to_dict()
    assert counts["day"].isna().any()  # items without a publication date: counted undated


@pytest.fixture(scope="module")
def con(steps):
    return steps[0].connect()


def _live(monkeypatch, view: str, *args, **kwargs) -> pd.DataFrame:
    """``views.<view>(*args, **kwargs)`` counting from the items."""
    with monkeypatch.context() as m:
        m.setattr(views, "USE_AGGREGATES", False)
        return getattr(views, view)(*args, **kwargs)


@pytest.mark.parametrize("combo", SERVED)
@pytest.mark.parametrize("view, kwargs", CALLS, ids=lambda c: str(c))
def test_views_sum_the_daily_counts_to_the_live_frames(con, monkeypatch, combo, view, kwargs):
    filters = Filters.from_query(SERVED[combo])
    assert views.from_daily_counts(con, filters)
    served = getattr(views, view)(con, filters, **kwargs)
    live = _live(monkeypatch, view, con, filters, **kwargs)
    pd.testing.assert_frame_equal(served, live)
    assert len(served) or combo == "published dates"  # most combinations draw something


@pytest.mark.parametrize("combo", SERVED)
@pytest.mark.parametrize("view, kwargs", FACET_CALLS, ids=lambda c: str(c))
def test_facet_counts_sum_the_daily_counts_to_the_live_counts(
    con, monkeypatch, combo, view, kwargs
):
    filters = Filters.from_query(SERVED[combo])
    served = getattr(views, view)(con, filters, **kwargs)
    live = _live(monkeypatch, view, con, filters, **kwargs)
    pd.testing.assert_frame_equal(served, live)
    # every list filter offers values (the discovered topics among the topics')
    assert set(served["field"]) == {spec.name for spec in query.LIST_FIELDS} or combo == (
        "published dates"
    )


def test_the_discovered_topics_are_counted_with_the_topics(con):
    discovered = set(con.sql("SELECT DISTINCT topic FROM discovered_item_topics").df()["topic"])
    assert discovered  # the last ingest discovered topics
    topics = views.facet_counts(con, Filters(on_topic=False), limit=10_000)
    assert discovered <= set(topics.loc[topics["field"] == "topics", "value"])


def test_the_sample_covers_what_the_comparison_needs(con):
    """Undated items, off-topic items, both date fields in range: the equalities above are
    tested on data where each could go wrong."""
    rows = con.sql(
        "SELECT date_field, count(*) FILTER (WHERE day IS NULL) AS undated, "
        "count(*) FILTER (WHERE NOT on_topic) AS off_topic, "
        "count(*) FILTER (WHERE day BETWEEN DATE '2022-02-24' AND DATE '2022-04-09') AS spring "
        "FROM daily_counts GROUP BY ALL"
    ).df()
    assert (rows["off_topic"] > 0).all() and (rows["spring"] > 0).all()
    assert rows["undated"].sum() > 0
    pairs = views.topic_cooccurrence(con, Filters())
    assert (pairs["topic_a"] != pairs["topic_b"]).any()


@pytest.fixture
def poisoned(steps):
    """A connection whose daily counts are all one too many: served frames differ."""
    store, _ = steps
    con = store.connect()
    for table in aggregates.AGGREGATES:
        source = store.scan(con, table)
        con.execute(
            f"CREATE OR REPLACE VIEW {table} AS SELECT * REPLACE "
            f"(CAST(day AS DATE) AS day, n_items + 1 AS n_items) FROM {source}"
        )
    return con


def _other_filters(con) -> dict[str, str]:
    """A value present in the store for each filter the daily counts do not break down by."""

    def commonest(sql: str) -> str:
        return con.execute(f"{sql} GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1").fetchall()[0][0]

    return {
        "source": f"source={commonest('SELECT source FROM items')}",
        "q": "q=Russia",
        "side": "side=russia",
        "kind": "kind=killed",
        "topic": f"topic={commonest('SELECT topic FROM taxonomy_topics')}",
        "place": "place=" + commonest("SELECT name FROM entities WHERE kind = 'place'"),
        "dataset": f"dataset={commonest('SELECT dataset FROM items')}",
        "side+dates": "side=ukraine&from=2022-03-01",
    }


def test_any_other_filter_falls_back_to_the_live_counts(poisoned, monkeypatch):
    everything = Filters()
    assert views.from_daily_counts(poisoned, everything)
    for view, kwargs in CALLS:  # the poison shows where the counts are summed ...
        served = getattr(views, view)(poisoned, everything, **kwargs)
        live = _live(monkeypatch, view, poisoned, everything, **kwargs)
        assert not served.equals(live), view
    for name, text in _other_filters(poisoned).items():  # ... and these do not sum them
        filters = Filters.from_query(text)
        assert not views.from_daily_counts(poisoned, filters), name
        for view, kwargs in CALLS:
            served = getattr(views, view)(poisoned, filters, **kwargs)
            live = _live(monkeypatch, view, poisoned, filters, **kwargs)
            pd.testing.assert_frame_equal(served, live, obj=f"{view} under {name}")


def test_a_facet_is_summed_only_under_default_other_filters(con, poisoned, monkeypatch):
    """Under a list filter, its own values are still counted under the default filters
    (summed), the other fields' under that filter (counted); a facet reading a filter of
    figures (the claimants: origin) is summed only at its default. Served or not, the
    counts are the live ones."""
    other = {**_other_filters(poisoned), "origin": "origin=all", "this_war": "this_war=0"}
    for name, text in other.items():
        filters = Filters.from_query(text)
        on_poison = views.facet_counts(poisoned, filters)
        live = _live(monkeypatch, "facet_counts", con, filters)
        pd.testing.assert_frame_equal(views.facet_counts(con, filters), live, obj=name)
        for spec in query.LIST_FIELDS:
            others = filters.for_facet(spec.name)
            summed = others.only_among(views.DAILY_FILTERS) and all(
                getattr(others, r) == query.BY_NAME[r].default for r in spec.facet_reads
            )
            a, b = (f[f["field"] == spec.name].reset_index(drop=True) for f in (on_poison, live))
            assert len(b) or not summed, (name, spec.name)  # values the poison would change
            assert a.equals(b) is not summed, (name, spec.name)


def _unset_value(spec: query.Field):
    """A value other than the default for a filter field."""
    if spec.kind == "list":
        return ("x",)
    if spec.kind == "text":
        return "x"
    if spec.kind == "flag":
        return not spec.default
    return next(c for c in spec.choices if c != spec.default)


@pytest.mark.parametrize(
    "spec", [s for s in query.FIELDS if s.name not in views.DAILY_FILTERS], ids=lambda s: s.name
)
def test_every_filter_that_changes_items_stops_the_counts_serving(spec):
    """Derived from the filter table: a new filter there is not silently ignored."""
    changes_items = not spec.sql or "item" in spec.sql
    filters = Filters().replace(**{spec.name: _unset_value(spec)})
    assert filters.only_among(views.DAILY_FILTERS) is not changes_items


def test_published_days_are_served_only_on_a_utc_connection(steps):
    store, _ = steps
    con = store.connect()
    assert views.from_daily_counts(con, Filters(date_field="published"))
    con.execute("SET TimeZone = 'America/New_York'")  # the views' d: a New York day
    assert not views.from_daily_counts(con, Filters(date_field="published"))
    assert views.from_daily_counts(con, Filters(date_field="event"))


def _seed_store(tmp_path) -> Store:
    store = Store(tmp_path / "store")
    ingest([SEED], store=store, as_of=SEED_AS_OF, discover=False)
    return store


def _drop_counts(store: Store) -> None:
    """Make the store one written before the daily counts existed."""
    manifest = store.manifest()
    del manifest[aggregates.ENTRY]
    for table in aggregates.AGGREGATES:
        del manifest["tables"][table]
    store._replace_manifest(manifest)


def test_a_store_without_counts_gets_them_from_compact_or_the_next_ingest(tmp_path, corpus):
    store = _seed_store(tmp_path)
    _drop_counts(store)
    con = store.connect()
    assert not aggregates.ready(con) and not views.from_daily_counts(con, Filters())
    assert len(views.item_counts(con, Filters())) > 0  # the live counts
    store.compact()
    assert store.manifest()[aggregates.ENTRY]["built"] == "counted"
    assert aggregates.ready(store.connect())
    _drop_counts(store)
    ingest([corpus("gdelt_articles.jsonl")], store=store, options=OPTIONS)
    entry = store.manifest()[aggregates.ENTRY]
    assert entry["built"] == "counted" and entry["items"] == len(store.frame("items"))
    assert aggregates.ready(store.connect())


def test_counts_of_other_items_or_another_version_are_stale(tmp_path, monkeypatch):
    store = _seed_store(tmp_path)
    manifest = store.manifest()
    assert aggregates.fresh(manifest)
    # items parts the counts do not cover (an older version's ingest, a rewrite)
    manifest["tables"]["items"] = [*manifest["tables"]["items"], "items/other.parquet"]
    assert not aggregates.fresh(manifest)
    monkeypatch.setattr(aggregates, "key", lambda: "another")
    assert not aggregates.fresh(store.manifest())
    assert not aggregates.ready(store.connect())
    ingest([SEED.parent], store=store, as_of=SEED_AS_OF, discover=False)  # adds no item
    assert store.manifest()[aggregates.ENTRY]["built"] == "counted"  # counted again
    assert aggregates.ready(store.connect())


def test_figures_of_stored_items_make_the_next_ingest_count_again(tmp_path):
    """UCDP records repeating stored records' texts under new ids add dataset figures to
    stored items (``item_lists``' late figures): adding only the new items' counts would
    miss them, so every item is counted again, and the counts equal a fresh count."""
    header, rows, again = ucdp_with_late_figures(120)
    store = Store(tmp_path / "store")
    for name, records in (("first.csv", rows), ("again.csv", again)):
        path = tmp_path / name
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([header, *records])
        ingest([path], store=store, options=OPTIONS)
    assert store.manifest()["tables"].get(item_lists.TABLE)  # the second ingest's figures
    assert store.manifest()[aggregates.ENTRY]["built"] == "counted"
    fresh = aggregates.count(store)
    for table in aggregates.AGGREGATES:
        pd.testing.assert_frame_equal(
            _sorted(store.read_table(table)), _sorted(fresh[table]), obj=table
        )


def test_an_ingest_that_adds_nothing_keeps_the_version(tmp_path):
    store = _seed_store(tmp_path)
    version = store.version
    summary = ingest([SEED], store=store, as_of=SEED_AS_OF, discover=False)
    assert summary.new == 0 and store.version == version


@pytest.mark.parametrize("combo", ["", "date=published&from=2022-03-01&to=2022-12-31"])
def test_corpus_store_views_equal_live(corpus_store, monkeypatch, combo):
    """The four shared corpora, as the app shows them."""
    con = corpus_store.connect()
    filters = Filters.from_query(combo)
    assert views.from_daily_counts(con, filters)
    for view, kwargs in CALLS:
        served = getattr(views, view)(con, filters, **kwargs)
        live = _live(monkeypatch, view, con, filters, **kwargs)
        pd.testing.assert_frame_equal(served, live, obj=view)
    default = views.default_filters(con)
    assert views.from_daily_counts(con, default)
    served = views.topics_over_time(con, default, "week")
    live = _live(monkeypatch, "topics_over_time", con, default, "week")
    pd.testing.assert_frame_equal(served, live)


def test_the_counts_key_follows_the_facets_and_the_sides_table(monkeypatch):
    """An edit of a facet or of the sides table (whose countries the sides facet binds)
    makes stored counts stale: the key they were made under changes."""
    from dashboard import facets

    before = aggregates.key()
    sql, params = facets.FACETS["sides"].rows(facets.DEFAULT_ORIGIN)
    edited = facets.Facet(lambda origin: (sql, [*params[:-1], "Atlantis"]))
    monkeypatch.setitem(facets.FACETS, "sides", edited)
    aggregates.key.cache_clear()
    try:
        assert aggregates.key() != before
    finally:
        monkeypatch.undo()
        aggregates.key.cache_clear()
    assert aggregates.key() == before
