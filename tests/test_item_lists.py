"""The items' figure sides, figure kinds and countries (``dashboard.item_lists``): every
view under the item-level side and kind filters gives what the semi-joins give, whether the
lists were written by an ingest (with figures stored after their items), or added to an
older store by ``dashboard compact``."""

from __future__ import annotations

import csv
import inspect
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import SEED_AS_OF, shared_path, ucdp_with_late_figures

from dashboard import item_lists, views
from dashboard.ingest import IngestOptions, ingest
from dashboard.query import Filters
from dashboard.store import Store

# The side and kind filters alone, together, with the others and with a text search.
QUERIES = (
    "side=russia",
    "side=ukraine&side=russia",
    "side=unknown",  # no country stands for it
    "side=united_states&kind=injured",
    "kind=killed",
    "kind=killed&kind=captured",
    "side=russia&kind=killed",
    "side=ukraine&q=shelling",
    "side=russia&kind=killed&group=civilian&from=2022-03-01&to=2023-12-31&date=published",
    "side=ukraine&on_topic=0&this_war=0",
)
# Views that need more than the connection and the filters.
SKIPPED = {"story_items", "item_record", "item_marks", "place_items"}


def _views():
    """Every view of ``(con, filters)`` (the pages' views and the exporter's)."""
    for name, fn in inspect.getmembers(views, inspect.isfunction):
        params = list(inspect.signature(fn).parameters.values())
        if (
            fn.__module__ == views.__name__
            and not name.startswith("_")
            and [p.name for p in params[:2]] == ["con", "filters"]
            and all(p.default is not p.empty for p in params[2:])
            and name not in SKIPPED
        ):
            yield name, fn


def _results(con, filters: Filters) -> dict:
    out = {name: fn(con, filters) for name, fn in _views()}
    for field in ("sides", "kinds", "topics"):
        out[f"facet {field}"] = views.filter_facets(con, filters, field)
    out["place_items"] = views.place_items(con, filters, "Kyiv")
    for table in views.DOWNLOAD_TABLES:
        out[f"table {table}"] = views.filtered_table(con, filters, table)
    return out


def _joined(con) -> None:
    """Make ``con`` filter through the semi-joins, as on a store without the lists."""
    item_lists._LISTED.discard(con)
    item_lists._LATE.discard(con)


def _unordered(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows sorted by their cells as text (list cells cannot be sorted as they are),
    floats kept as numbers and sorted at 6 places. A timeline dot's ``slot`` numbers the
    dates of a period in an order with ties, so it is left out."""
    frame = frame.drop(columns=["slot"], errors="ignore")
    floats = frame.select_dtypes("float").columns
    key = frame.round(dict.fromkeys(floats, 6)).astype(str)
    order = key.sort_values(list(key.columns)).index
    other = [c for c in frame.columns if c not in floats]
    out = frame.loc[order].reset_index(drop=True)
    return out.assign(**{c: out[c].astype(str) for c in other})


def assert_lists_give_the_joins(store: Store) -> None:
    """Every view, under every query, the same through the lists as through the joins."""
    listed, joined = store.connect(), store.connect()
    assert item_lists.listed(listed)
    _joined(joined)
    kept = 0
    for query in QUERIES:
        filters = Filters.from_query(query)
        got, want = _results(listed, filters), _results(joined, filters)
        for name in want:
            result, expected = got[name], want[name]
            if isinstance(expected, pd.DataFrame):  # ties of a view's order in any order
                assert list(result.dtypes) == list(expected.dtypes), f"{name} {query}"
                result, expected = _unordered(result), _unordered(expected)
                # a parallel mean sums in any order: floats equal to 1e-9
                pd.testing.assert_frame_equal(
                    result, expected, check_exact=False, rtol=1e-9, obj=f"{name} {query}"
                )
            else:
                assert result == expected, f"{name} {query}"
        kept += views.item_total(listed, filters)
    assert 0 < kept


def _lists(store: Store) -> pd.DataFrame:
    """item_id -> its stored lists, as sets."""
    table = store.read_table("items", ["item_id", *item_lists.COLUMNS]).to_pandas()
    return table.set_index("item_id").map(lambda v: frozenset(v) if v is not None else None)


@pytest.fixture(scope="module")
def ucdp_sample(tmp_path_factory):
    """A slice of UCDP events, then its first records again, chunks later, under new ids
    and with Russia's deaths: new figures of items written before (``late_figures``), of
    a side their lists lack."""
    path = tmp_path_factory.mktemp("ucdp") / "ucdp.csv"
    header, rows, again = ucdp_with_late_figures(350)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *rows, *again])
    return path


def _ingest_twice(store: Store, ucdp: Path) -> None:
    """The UCDP slice in small chunks (few: a store of many parts is compacted at once),
    then a news corpus (other sides, countries named)."""
    ingest([ucdp], store=store, options=IngestOptions(as_of=SEED_AS_OF, chunk_size=150))
    ingest([shared_path("corpus", "news_headlines_2022.json")], store=store, as_of=SEED_AS_OF)


@pytest.fixture(scope="module")
def late_store(ucdp_sample, tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("late") / "store")
    _ingest_twice(store, ucdp_sample)
    return store


def test_views_through_the_lists_give_the_joins_corpus(corpus_store):
    assert_lists_give_the_joins(corpus_store)


def test_late_figures_are_filtered_on_then_folded_in_by_compact(late_store, tmp_path):
    late = late_store.read_table(item_lists.TABLE).to_pandas()
    assert len(late) > 0  # the sample has them: a test of the late semi-join
    assert item_lists.late(late_store.connect())
    assert_lists_give_the_joins(late_store)
    before = _lists(late_store)
    # The items' lists lack the late figures; compacting folds them in.
    lacking = late.groupby("item_id")["side"].agg(frozenset)
    assert any(not sides <= before.loc[i, "figure_sides"] for i, sides in lacking.items())
    late_store.compact()
    assert not late_store.manifest()["tables"][item_lists.TABLE]
    assert not item_lists.late(late_store.connect())
    after = _lists(late_store)
    for item_id, sides in lacking.items():
        assert after.loc[item_id, "figure_sides"] == before.loc[item_id, "figure_sides"] | sides
    assert_lists_give_the_joins(late_store)


def test_compact_gives_an_older_store_the_lists(ucdp_sample, tmp_path, monkeypatch):
    old, new = Store(tmp_path / "old"), Store(tmp_path / "new")
    with monkeypatch.context() as m:  # written as before the lists
        m.setattr(item_lists, "stored", lambda store, manifest=None: False)
        _ingest_twice(old, ucdp_sample)
    # another ingest into it writes no lists either (every part alike)
    ingest([shared_path("corpus", "cir_events.csv")], store=old, as_of=SEED_AS_OF)
    assert not set(item_lists.COLUMNS) & set(pq.read_schema(old.parts("items")[0]).names)
    con = old.connect()
    assert not item_lists.listed(con)  # the semi-joins, and views as before
    filters = Filters.from_query("side=russia&kind=killed")
    joined = views.search_items(con, filters)
    assert len(joined) and views.latest_items(con, filters).shape[0]
    item_id = joined["item_id"].iloc[0]
    record = views.item_record(con, item_id)
    assert not set(item_lists.COLUMNS) & set(record.columns)
    assert not item_lists.stored(old)
    old.compact()
    assert item_lists.stored(old) and item_lists.listed(old.connect())
    pd.testing.assert_frame_equal(views.search_items(old.connect(), filters), joined)
    pd.testing.assert_frame_equal(views.item_record(old.connect(), item_id), record)
    assert_lists_give_the_joins(old)
    # the lists compact made are those an ingest makes, once its late figures are folded in
    _ingest_twice(new, ucdp_sample)
    ingest([shared_path("corpus", "cir_events.csv")], store=new, as_of=SEED_AS_OF)
    assert new.manifest()["tables"][item_lists.TABLE]  # late figures, folded in by compact
    new.compact()
    pd.testing.assert_frame_equal(_lists(old).sort_index(), _lists(new).sort_index())
