"""Filters <-> query string <-> SQL, as one parametrised table (datasette style)."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.query import Filters

CASES = [
    ("", Filters()),
    (
        "from=2024-10-01&to=2024-11-15",
        Filters(date_from=date(2024, 10, 1), date_to=date(2024, 11, 15)),
    ),
    ("date=published", Filters(date_field="published")),
    ("date=bogus", Filters()),
    ("from=not-a-date", Filters()),
    ("topic=Drone+strikes&topic=Diplomacy", Filters(topics=("Drone strikes", "Diplomacy"))),
    ("topic=A&topic=A", Filters(topics=("A",))),
    (
        "side=russia&kind=killed&kind=injured",
        Filters(sides=("russia",), kinds=("killed", "injured")),
    ),
    ("place=Kyiv&source=reuters.com", Filters(places=("Kyiv",), sources=("reuters.com",))),
    ("q=+drone+", Filters(text="drone")),
    ("unknown=1&q=x", Filters(text="x")),
]


@pytest.mark.parametrize(("query", "expected"), CASES)
def test_from_query(query, expected):
    assert Filters.from_query(query) == expected


@pytest.mark.parametrize(("query", "expected"), CASES)
def test_round_trip(query, expected):
    assert Filters.from_query(expected.to_query_string()) == expected
    assert Filters.from_query(expected.to_query()) == expected


def test_mapping_with_scalars_and_lists():
    f = Filters.from_query({"topic": ["a", "b"], "q": "kyiv", "from": "2024-01-02"})
    assert f == Filters(topics=("a", "b"), text="kyiv", date_from=date(2024, 1, 2))


def test_describe_names_every_filter():
    f = Filters(topics=("A",), sides=("ukraine",), text="drone", date_from=date(2024, 1, 1))
    text = f.describe()
    for part in ("topic: A", "side: ukraine", "drone", "2024-01-01"):
        assert part in text
    assert Filters().describe() == "no filters"


@pytest.fixture
def con():
    import duckdb

    con = duckdb.connect()
    con.execute(
        "create table items as select * from (values "
        "('a', 'Drone hits Kyiv', 'text 50% off', date '2024-10-05', timestamptz '2024-11-01 10:00+00', 'x.com', true, 'f1', ['x.com']),"
        "('b', 'Talks in Geneva', 'peace', date '2024-11-10', timestamptz '2024-11-11 10:00+00', 'y.com', true, 'f2', ['y.com', 'z.org']),"
        "('c', 'Undated', 'nothing', null, null, 'x.com', true, 'f1', ['x.com']),"
        "('d', 'Cup final in Kyiv', 'goal', date '2024-11-12', timestamptz '2024-11-12 10:00+00', 'y.com', false, 'f2', ['y.com'])"
        ") t(item_id, title, text, event_date, published, source, on_topic, dataset, sources)"
    )
    con.execute(
        "create table topics as select * from (values ('a', 'Drones'), ('b', 'Diplomacy')) t(item_id, topic)"
    )
    con.execute(
        "create table entities as select * from (values ('a', 'place', 'Kyiv', 'Kyiv'), ('b', 'country', 'Russia', null), ('d', 'place', 'Kyiv', 'Kyiv')) t(item_id, kind, name, admin1)"
    )
    con.execute(
        "create table casualties as select * from (values ('a', 'ukraine', 'killed')) t(item_id, side, kind)"
    )
    for table in ("items", "topics", "entities", "casualties"):  # the store's integer key
        con.execute(f"alter table {table} add column item_key ubigint")
        con.execute(f"update {table} set item_key = hash(item_id)")
    return con


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ("", ["a", "b", "c"]),
        ("from=2024-11-01", ["b"]),
        ("to=2024-10-05", ["a"]),
        ("from=2024-11-01&date=published", ["a", "b"]),
        ("topic=Drones", ["a"]),
        ("place=Kyiv", ["a"]),
        ("side=ukraine", ["a"]),
        ("side=russia", ["b"]),  # no Russian figures, but the item names Russia
        ("kind=killed", ["a"]),
        ("source=x.com", ["a", "c"]),
        ("source=z.org", ["b"]),  # an outlet a record names second
        ("q=KYIV", ["a"]),
        ("q=50%25", ["a"]),
        ("q=5_%25", []),  # LIKE wildcards in the search text are literal
        ("topic=Drones&source=y.com", []),
        # off-topic items (a football final in Kyiv) only with on_topic=0 (or figures=all)
        ("on_topic=0", ["a", "b", "c", "d"]),
        ("figures=all", ["a", "b", "c", "d"]),
        ("place=Kyiv&on_topic=0", ["a", "d"]),
        ("dataset=f2", ["b"]),
        ("dataset=f2&dataset=f1&figures=all", ["a", "b", "c", "d"]),
    ],
)
def test_item_where_selects(con, query, ids):
    where, params = Filters.from_query(query).item_where()
    got = con.execute(f"select item_id from items i where {where} order by 1", params).fetchall()
    assert [r[0] for r in got] == ids


@pytest.mark.parametrize(("query", "expected"), [(q, not f == Filters()) for q, f in CASES])
def test_restricts_items_unless_only_the_date_field_is_set(query, expected):
    # by default off-topic items are left out: that restricts too
    assert Filters.from_query(query).restricts_items
    everything = Filters.from_query(query).replace(on_topic=False)
    assert everything.restricts_items == (expected and query != "date=published")
