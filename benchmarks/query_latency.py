"""Benchmark 3: the queries behind every page at 1M items, p50 and p95, against plain pandas.

Runs the ``dashboard.views`` functions each page calls, on one DuckDB connection from
``Store.connect()`` (as the app does), for a set of filter combinations with and without a
text search. Every text-search run starts with the index's result cache cleared, so the
figures include the full-text lookup (the app reuses it across pages and reruns).

Baselines measured in the same run, on one representative query (date + topic + text
contains, counted per week): plain pandas on the loaded frame, and DuckDB scanning every
text with ``ILIKE`` (what the text search cost before the index).

The store comes from the ingest benchmark (the shared corpora repeated with shifted dates
and ids, not distinct real items):

    .venv/bin/python benchmarks/ingest_scale.py 1000000 --keep /tmp/bench/store-1m
    .venv/bin/python benchmarks/query_latency.py --store /tmp/bench/store-1m
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote_plus

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from ingest_scale import machine  # noqa: E402

from dashboard import search_index, views  # noqa: E402
from dashboard.query import Filters  # noqa: E402
from dashboard.store import Store  # noqa: E402

TARGET_P95_MS = 100
# The view functions each page of the app calls (dashboard/app_pages).
PAGES = {
    "overview": ("overview_stats", "item_counts", "items_per_source", "latest_items"),
    "topics": ("topic_counts", "topics_over_time", "topic_cooccurrence", "discovered_topics"),
    "casualties": ("casualty_figures", "casualties_over_time", "claimant_ranges"),
    "timeline": ("timeline_events",),
    "map": ("place_counts",),
    "items": ("search_items",),
}
RUNS = int(os.environ.get("RUNS", 12))


def combos(con) -> dict[str, str]:
    """Filter combinations (query strings) built from values present in the store."""
    topic = con.execute(
        "SELECT topic FROM topics WHERE origin = 'taxonomy' GROUP BY 1 ORDER BY count(*) DESC"
    ).fetchone()[0]
    place = con.execute(
        "SELECT name FROM entities WHERE kind = 'place' GROUP BY 1 ORDER BY count(*) DESC"
    ).fetchone()[0]
    dates = "from=2022-03-01&to=2022-12-31&date=published"
    topic, place = quote_plus(topic), quote_plus(place)
    return {
        "none": "",
        "dates": dates,
        "topic": f"topic={topic}",
        "dates+topic": f"{dates}&topic={topic}",
        "side+kind": "side=russia&kind=killed",
        "place": f"place={place}",
        "q=drone": "q=drone",
        "dates+topic+q=drone": f"{dates}&topic={topic}&q=drone",
        "q=Kherson": "q=Kherson",
        "side+q=shelling": "side=ukraine&q=shelling",
        "q=Ukraine (common)": "q=Ukraine",
    }


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def time_view(con, fn, filters: Filters, index) -> list[float]:
    out = []
    for _ in range(RUNS):
        if index is not None:
            index.clear_cache()
        t0 = time.perf_counter()
        fn(con, filters)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def baselines(store: Store, con, topic: str) -> None:
    """The representative query three ways: pandas, DuckDB ILIKE scan, DuckDB + index."""
    filters = Filters.from_query("from=2022-03-01&to=2022-12-31&date=published&q=drone")
    filters = filters.replace(topics=(topic,))
    t0 = time.perf_counter()
    items = store.read_table("items", ["item_id", "title", "text", "published"]).to_pandas()
    topics = store.read_table("topics", ["item_id", "topic"]).to_pandas()
    load = time.perf_counter() - t0
    print(f"\nbaseline frame: {len(items):,} items loaded into pandas in {load:.1f}s")

    def pandas_query(text: bool) -> pd.DataFrame:
        lo, hi = pd.Timestamp("2022-03-01", tz="UTC"), pd.Timestamp("2023-01-01", tz="UTC")
        mask = (items["published"] >= lo) & (items["published"] < hi)
        ids = topics.loc[topics["topic"] == topic, "item_id"]
        mask &= items["item_id"].isin(ids)
        if text:
            hit = items["title"].str.contains("drone", case=False, regex=False, na=False)
            hit |= items["text"].str.contains("drone", case=False, regex=False, na=False)
            mask &= hit
        week = items.loc[mask, "published"].dt.floor("D").dt.tz_localize(None).dt.to_period("W")
        return int(week.value_counts().sort_index().sum())

    def duck_query(text: bool, indexed: bool) -> pd.DataFrame:
        f = filters if text else filters.replace(text="")
        where, params = f.item_where("i", con=con if indexed else None)
        sql = (
            "SELECT date_trunc('week', CAST(i.published AS DATE)) AS w, count(*) AS n "
            f"FROM items i WHERE {where} GROUP BY 1 ORDER BY 1"
        )
        return int(con.execute(sql, params).df()["n"].sum())

    index = search_index.for_connection(con)
    rows = []
    for label, fn in (
        ("pandas, text contains", lambda: pandas_query(True)),
        ("pandas, no text", lambda: pandas_query(False)),
        ("DuckDB ILIKE scan", lambda: duck_query(True, False)),
        ("DuckDB + FTS index", lambda: duck_query(True, True)),
        ("DuckDB, no text", lambda: duck_query(False, True)),
    ):
        times = []
        for _ in range(RUNS if "pandas" not in label else 5):
            if index is not None:
                index.clear_cache()
            t0 = time.perf_counter()
            result = fn()
            times.append((time.perf_counter() - t0) * 1000)
        rows.append((label, percentile(times, 50), percentile(times, 95), result))
    print("date + topic + text-contains 'drone', weekly counts (same query, same run):")
    for label, p50, p95, n in rows:
        print(f"  {label:<24} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  ({n:,} items)")
    gc.collect()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=Path("/tmp/bench/store-1m"))
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    store = Store(args.store)
    if not store.exists():
        sys.exit(f"{args.store}: no store; make it with benchmarks/ingest_scale.py --keep")
    print(machine())
    t0 = time.perf_counter()
    con = store.connect()
    index = search_index.for_connection(con)
    n = con.execute("SELECT count(*) FROM items").fetchone()[0]
    if index is not None:
        len(index)  # load the rowid -> item_id map once, as the app's first search does
    print(
        f"store: {n:,} items (the shared corpora repeated with shifted dates and ids); "
        f"connect + index load {time.perf_counter() - t0:.2f}s; "
        f"full-text index: {'yes' if index is not None else 'NO (ILIKE scans)'}"
    )
    cases = combos(con)
    print(f"{RUNS} runs per (view, filters); text-search runs start with a cold search cache\n")
    worst: dict[str, tuple[float, str, str]] = {}
    table = []
    for page, names in PAGES.items():
        for name in names:
            fn = getattr(views, name, None)
            if fn is None:
                print(f"  (views.{name} is missing: skipped)")
                continue
            fn(con, Filters())  # warm: Parquet metadata, DuckDB caches
            for label, query in cases.items():
                times = time_view(con, fn, Filters.from_query(query), index)
                p50, p95 = percentile(times, 50), percentile(times, 95)
                table.append((page, name, label, p50, p95))
                if p95 > worst.get(page, (0.0, "", ""))[0]:
                    worst[page] = (p95, name, label)
    print(f"{'page':<11}{'view':<22}{'filters':<22}{'p50 ms':>8}{'p95 ms':>8}")
    for page, name, label, p50, p95 in table:
        flag = "" if p95 < TARGET_P95_MS else "  > target"
        print(f"{page:<11}{name:<22}{label:<22}{p50:8.1f}{p95:8.1f}{flag}")
    print(f"\nworst p95 per page (target < {TARGET_P95_MS} ms):")
    for page, (p95, name, label) in worst.items():
        status = "OK" if p95 < TARGET_P95_MS else "MISSED"
        print(f"  {page:<11} {p95:7.1f} ms  {status}  ({name}, {label})")
    over = [t for t in table if t[4] >= TARGET_P95_MS]
    print(f"{len(over)} of {len(table)} (view, filters) pairs over {TARGET_P95_MS} ms at p95")
    all_p95 = [t[4] for t in table]
    print(f"median of p95s {statistics.median(all_p95):.1f} ms")
    if not args.no_baseline:
        topic = Filters.from_query(cases["topic"]).topics[0]
        baselines(store, con, topic)


if __name__ == "__main__":
    main()
