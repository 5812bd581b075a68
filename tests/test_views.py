"""Views: every chart's data obeys the filters, on the seed and on the shared corpora."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import ROOT

from dashboard import views
from dashboard.query import Filters
from dashboard.schema import SCHEMAS
from dashboard.sides import side_countries


@pytest.fixture(scope="module")
def seed(seed_store):
    return seed_store.connect()


@pytest.fixture(scope="module")
def big(corpus_store):
    return corpus_store.connect()


def test_overview_counts_match_the_store(seed, seed_store):
    stats = views.overview_stats(seed, Filters()).iloc[0]
    items = seed_store.frame("items")
    assert stats.n_items == len(items)
    assert stats.n_sources == items["source"].nunique()
    assert stats.n_figures == len(seed_store.frame("casualties"))
    assert stats.first_date <= stats.last_date


def test_topic_filter_restricts_every_view(seed):
    everything = views.topic_counts(seed, Filters())
    topic = everything.loc[everything["origin"] == "taxonomy", "topic"].iloc[-1]
    only = Filters(topics=(topic,))
    n = int(everything.loc[everything["topic"] == topic, "n_items"].iloc[0])
    assert views.overview_stats(seed, only).iloc[0].n_items == n
    assert len(views.search_items(seed, only)) == n
    restricted = views.topic_counts(seed, only).set_index("topic")["n_items"]
    assert restricted[topic] == n
    assert (restricted <= everything.set_index("topic")["n_items"].reindex(restricted.index)).all()


def test_casualty_views_obey_side_and_kind(seed):
    figures = views.casualty_figures(seed, Filters())
    assert set(figures["side"]) >= {"russia", "ukraine"}
    russia = views.casualty_figures(seed, Filters(sides=("russia",)))
    assert len(russia) and set(russia["side"]) == {"russia"}
    killed = views.casualties_over_time(seed, Filters(kinds=("killed",)))
    assert set(killed["kind"]) == {"killed"}


def test_figure_total_counts_what_the_table_leaves_out(big):
    everything = views.casualty_figures(big, Filters(), limit=1_000_000)
    assert views.figure_total(big, Filters()) == len(everything) > 10
    latest = views.casualty_figures(big, Filters(), limit=10)
    assert len(latest) == 10 and latest["date"].min() >= everything["date"].quantile(0.5)
    russia = Filters(sides=("russia",))
    assert views.figure_total(big, russia) == len(views.casualty_figures(big, russia))


def test_over_time_keeps_measures_apart(big):
    # Single-event figures are summed; nothing else is in that sum.
    frame = views.casualties_over_time(big, Filters(), freq="month")
    raw = views.casualty_figures(big, Filters(), limit=1_000_000)
    events = raw[(raw["per"] == "event") & raw["value"].notna() & raw["date"].notna()]
    assert frame["value"].sum() == events["value"].sum()
    assert not frame.duplicated(["period", "side", "kind"]).any()
    # Totals and rates are series per claimant: the largest figure a claimant gave that day,
    # never a sum of repeated totals.
    totals = views.casualty_claims(big, Filters(), per="total")
    assert len(totals) and not totals.duplicated(["date", "side", "kind", "claimant"]).any()
    assert totals["value"].max() <= raw.loc[raw["per"] == "total", "value"].max()
    rates = views.casualty_claims(big, Filters(), per="day")
    day_values = set(raw.loc[raw["per"] == "day", "value"])
    assert len(rates) and set(rates["value"]) <= day_values
    assert totals["claimant"].nunique() <= views.CLAIMANTS_SHOWN


def test_claimant_ranges_compare_at_least_two_claimants(big):
    frame = views.claimant_ranges(big, Filters())
    assert len(frame)
    assert (frame.groupby("comparison")["claimant"].nunique() >= 2).all()
    assert (frame["low"] <= frame["high"]).all()
    assert "event" not in set(frame["per"])


@pytest.mark.parametrize("freq", ["day", "week", "month"])
def test_timeline_granularity(big, freq):
    events = views.timeline_events(big, Filters(), freq=freq)
    assert 0 < len(events) <= views.TIMELINE_MAX_POINTS
    assert events["slot"].max() <= views.TIMELINE_PER_PERIOD
    counts = views.item_counts(big, Filters(), freq=freq)
    periods = pd.to_datetime(counts["period"])
    if freq == "week":
        assert (periods.dt.day_of_week == 0).all()
    if freq == "month":
        assert (periods.dt.day == 1).all()
    assert counts["n_items"].sum() == views.overview_stats(big, Filters()).iloc[0].n_items - int(
        big.execute("SELECT count(*) FROM items WHERE event_date IS NULL").fetchall()[0][0]
    )


def test_text_search_matches_title_or_text(big):
    found = views.search_items(big, Filters(text="Bakhmut"), limit=10_000)
    assert 0 < len(found) < 10_000
    ids = found["item_id"].tolist()
    rows = big.execute(
        "SELECT title, text FROM items WHERE item_id IN (SELECT unnest(?))", [ids]
    ).fetchall()
    assert all("bakhmut" in f"{t} {x}".lower() for t, x in rows)


def test_places_and_their_items(big):
    places = views.place_counts(big, Filters())
    places = places[places["layer"] == "text place"]  # then the records' own coordinates
    assert places["n_items"].is_monotonic_decreasing
    assert places["lat"].between(-90, 90).all() and places["lon"].between(-180, 180).all()
    top = places.iloc[0]
    items = views.place_items(big, Filters(), top["name"], limit=100_000)
    assert len(items) == top["n_items"]


def test_item_marks_point_into_the_text(seed, seed_store):
    items = seed_store.frame("items").set_index("item_id")
    figures = views.casualty_figures(seed, Filters())
    marked = {i: views.item_marks(seed, i) for i in figures["item_id"].unique()}
    both = [i for i, m in marked.items() if {"figure", "date"} <= set(m["mark"])]
    assert both  # the seed has items with both a figure and a date
    item_id = both[0]
    marks = marked[item_id]
    text = items.loc[item_id, "text"]
    fig = marks[marks["mark"] == "figure"]
    quotes = set(figures.loc[figures["item_id"] == item_id, "quote"])
    assert {text[s:e] for s, e in zip(fig["start"], fig["end"], strict=True)} == quotes


@pytest.mark.parametrize("table", views.DOWNLOAD_TABLES)
def test_filtered_tables_belong_to_filtered_items(seed, table):
    f = Filters(sides=("russia",))
    ids = set(views.search_items(seed, f)["item_id"])
    frame = views.filtered_table(seed, f, table)
    assert len(frame) and set(frame["item_id"]) <= ids
    # a download holds the table's documented columns, not the item columns figures carry
    # (items add the dataset the store derives from the file)
    assert list(frame.columns) == SCHEMAS[table].names + ["dataset"] * (table == "items")
    if table == "casualties":
        assert set(frame["side"]) == {"russia"}


def test_filter_facets_list_what_is_stored_with_counts(seed, seed_store):
    everything = Filters(on_topic=False)
    sources = views.filter_facets(seed, everything, "sources")
    items = seed_store.frame("items")
    assert set(sources["value"]) == set(items["source"])
    assert (
        dict(zip(sources["value"], sources["n_items"], strict=True))
        == items["source"].value_counts().to_dict()
    )
    # sides: those of the figures, and those whose country the items name (as the filter)
    sides = set(views.filter_facets(seed, everything, "sides")["value"])
    assert set(seed_store.frame("casualties")["side"]) <= sides
    countries = set(seed_store.frame("entities").query("kind == 'country'")["name"])
    named = {side for side, country in side_countries().items() if country in countries}
    assert sides == set(seed_store.frame("casualties")["side"]) | named
    topics = views.filter_facets(seed, everything, "topics")
    assert set(topics["value"]) == set(seed_store.frame("topics")["topic"])
    assert list(topics["n_items"]) == sorted(topics["n_items"], reverse=True)


def test_facet_counts_obey_the_other_filters_not_their_own(seed):
    topics = views.filter_facets(seed, Filters(), "topics")
    top = topics["value"].iloc[0]
    # choosing a topic does not change the topic counts (its own filter is left out) ...
    assert views.filter_facets(seed, Filters(topics=(top,)), "topics").equals(topics)
    # ... but narrows the others to the items that topic keeps
    kinds_all = views.filter_facets(seed, Filters(), "kinds").set_index("value")["n_items"]
    kinds_top = views.filter_facets(seed, Filters(topics=(top,)), "kinds")
    kept = views.item_total(seed, Filters(topics=(top,)))
    for kind, n in zip(kinds_top["value"], kinds_top["n_items"], strict=True):
        assert n <= min(kinds_all[kind], kept)


def test_a_facet_counted_under_its_own_filters_counts_the_same(seed):
    """``Filters.for_facet`` drops what cannot change a facet (its own values, "only this
    war"), so the app's cache may key a facet on it; it keeps what the facet reads."""
    from dashboard import query

    f = Filters(sides=("russia",), kinds=("killed",), this_war=False, origin="all", on_topic=False)
    for spec in query.FIELDS:
        if spec.facet is None:
            continue
        reduced = f.for_facet(spec.name)
        assert getattr(reduced, spec.name) == spec.default
        assert reduced.this_war == query.BY_NAME["this_war"].default
        assert reduced.on_topic is False  # an item-level filter stays
        assert reduced.origin == ("all" if spec.name == "claimants" else "text")
        assert views.filter_facets(seed, reduced, spec.name).equals(
            views.filter_facets(seed, f, spec.name)
        ), spec.name
    # all of them at once: under the filters the app caches them by
    together = f.for_facets()
    assert together.this_war and together.origin == "all" and together.sides == ("russia",)
    counted = views.facet_counts(seed, together)
    assert counted.equals(views.facet_counts(seed, f))
    for spec in query.LIST_FIELDS:  # (an empty field's dtypes may differ: values compared)
        alone = views.filter_facets(seed, f, spec.name)
        got = counted.loc[counted["field"] == spec.name, ["value", "n_items"]]
        assert got.values.tolist() == alone.values.tolist(), spec.name


def test_facets_said_to_give_each_item_and_value_once_do(big):
    """A facet marked ``facet_unique`` is counted by rows, not distinct items: on the four
    corpora each (item, value) pair of those facets occurs once, and the counts equal the
    distinct items'."""
    from dashboard import query

    unique = [spec for spec in query.FIELDS if spec.facet_unique]
    assert {spec.name for spec in unique} == {"topics", "sources", "datasets"}
    everything = Filters(on_topic=False)
    for spec in unique:
        facet, params = spec.facet(everything) if callable(spec.facet) else (spec.facet, [])
        rows, pairs = big.execute(
            f"SELECT count(*), count(DISTINCT (item_key, value)) FROM ({facet})", params
        ).fetchall()[0]
        assert rows == pairs > 0, spec.name
        distinct = big.execute(
            f"SELECT value, count(DISTINCT item_key) AS n FROM ({facet}) WHERE value IS NOT NULL "
            "GROUP BY value",
            params,
        ).df()
        counted = views.filter_facets(big, everything, spec.name, limit=10_000)
        assert dict(zip(counted["value"], counted["n_items"], strict=True)) == dict(
            zip(distinct["value"], distinct["n"], strict=True)
        )


def test_bad_granularity_is_refused(seed):
    with pytest.raises(ValueError, match="granularity"):
        views.item_counts(seed, Filters(), freq="year")


def test_timeline_events_lie_in_the_filtered_range(big):
    everything = views.timeline_events(big, Filters(), freq="month")
    assert pd.to_datetime(everything["date"]).dt.year.min() < 2020  # history is mentioned
    window = Filters.from_query("from=2022-03-01&to=2022-06-30")
    events = views.timeline_events(big, window, freq="week")
    assert len(events)
    assert (pd.to_datetime(events["date"]) >= "2022-03-01").all()
    assert (pd.to_datetime(events["date"]) <= "2022-06-30").all()


# -- the default date range ------------------------------------------------------------------
def _dated_store(tmp_path, dates: list[str], *more: list[str]):
    """A store of on-topic items with these dates, one file (dataset) per list."""
    import json

    from dashboard.ingest import ingest
    from dashboard.store import Store

    paths = []
    for k, file_dates in enumerate([dates, *more]):
        path = tmp_path / f"items{k}.jsonl"
        rows = [
            {
                "title": f"Russian strike on Kharkiv, Ukraine, item {k}.{n}",
                "text": f"Russian forces shelled Kharkiv in Ukraine; item {k}.{n} of the war.",
                "published": d,
            }
            for n, d in enumerate(file_dates)
        ]
        path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
        paths.append(path)
    store = Store(tmp_path / "store")
    ingest(paths, store=store, as_of="2024-11-15")
    return store


def test_default_span_leaves_outliers_out_and_counts_them(tmp_path):
    dates = [f"2022-{m:02d}-{d:02d}" for m in (3, 4, 5, 6) for d in range(3, 28)]
    store = _dated_store(tmp_path, ["1939-12-01", *dates, "2099-01-05"])
    span = views.default_span(store.connect())
    # whole months around the bulk, the 1939 and 2099 items outside and counted
    assert (span["date_from"].isoformat(), span["date_to"].isoformat()) == (
        "2022-03-01",
        "2022-06-30",
    )
    assert (span["first"].isoformat(), span["last"].isoformat()) == ("1939-12-01", "2099-01-05")
    assert span["n_outside"] == 2
    first_view = views.default_filters(store.connect())
    assert views.overview_stats(store.connect(), first_view).iloc[0].n_items == len(dates)


def test_default_span_keeps_a_small_dataset_beside_a_large_one(tmp_path):
    """Four digest items of November 2024 beside 600 dataset rows of 2021-2022 (under 1% of
    all) are not outliers: the span is taken per dataset, then joined."""
    big = [f"{y}-{m:02d}-{d:02d}" for y in (2021, 2022) for m in range(1, 13) for d in range(1, 26)]
    small = [f"2024-11-{d:02d}" for d in range(1, 5)]
    span = views.default_span(_dated_store(tmp_path, big, small).connect())
    assert (span["date_from"].isoformat(), span["date_to"].isoformat()) == (
        "2021-01-01",
        "2024-11-30",
    )
    assert span["n_outside"] == 0


def test_default_span_of_an_empty_range_is_open(tmp_path):
    store = _dated_store(tmp_path, [None, None])  # undated, no reference date but as_of
    span = views.default_span(store.connect())
    assert span["date_from"].isoformat() == "2024-11-01"  # dated by the reference date
    assert span["n_outside"] == 0


def test_days_are_utc_days_whatever_the_machines_time_zone(seed_store):
    """A publication time's day is its UTC day on every connection, as the date filter's
    bounds and the daily counts are: a store opened on a New York machine gives the same
    item counts per day as one opened on a UTC machine."""
    import os
    import subprocess
    import sys

    script = (
        "import sys; from dashboard.store import Store; from dashboard import views; "
        "from dashboard.query import Filters; con = Store(sys.argv[1]).connect(); "
        "print(con.execute(\"SELECT current_setting('TimeZone')\").fetchall()[0][0]); "
        "f = Filters(date_field='published', on_topic=False); "
        "print(views.item_counts(con, f, freq='day').to_json())"
    )
    out = {}
    for zone in ("UTC", "America/New_York"):
        env = {**os.environ, "TZ": zone}
        done = subprocess.run(
            [sys.executable, "-c", script, str(seed_store.root)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        out[zone] = done.stdout.splitlines()
    assert out["America/New_York"][0] == "UTC"
    assert out["America/New_York"][1] == out["UTC"][1]


def test_every_list_filter_has_its_facet_and_only_they():
    """``facets.FACETS`` (which the daily counts read, below the query layer) and the list
    filters of ``query.FIELDS`` name the same filters."""
    from dashboard import facets, query

    assert set(facets.FACETS) == {spec.name for spec in query.LIST_FIELDS}
    assert all(spec.facet is not None for spec in query.LIST_FIELDS)
