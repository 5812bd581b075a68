"""The filter declaration (``query.FIELDS``): every field round-trips through the URL, runs
as SQL at each of its levels on a real store, offers its values; any query string parses or
says what is wrong; and place and text filters apply to what a page shows (figures, dates),
not to whole items."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import views
from dashboard.export import check_filters
from dashboard.query import BY_KEY, FIELDS, LEVELS, TEXT_LIMIT, Filters

# One value per field that differs from its default (what a user would pick).
SAMPLE = {
    "date_field": "published",
    "date_from": date(2024, 10, 1),
    "date_to": date(2024, 11, 15),
    "text": "drone",
    "topics": ("casualties",),
    "places": ("Kyiv",),
    "sides": ("ukraine",),
    "kinds": ("killed",),
    "groups": ("civilian",),
    "pers": ("event",),
    "claimants": ("Ukrainian General Staff",),
    "sources": ("Reuters",),
    "datasets": ("seed_digest_2024-11-15",),
    "on_topic": False,
    "origin": "dataset",
    "this_war": False,
}
TABLES = {"item": "items", "figure": "casualties", "event": "events"}


@pytest.fixture(scope="module")
def seed(seed_store):
    return seed_store.connect()


def test_every_field_has_a_sample_and_a_distinct_key():
    assert set(SAMPLE) == {f.name for f in FIELDS}
    assert len(BY_KEY) == len(FIELDS)


@pytest.mark.parametrize("spec", FIELDS, ids=lambda f: f.name)
def test_a_field_round_trips_through_the_url(spec):
    filters = Filters(**{spec.name: SAMPLE[spec.name]})
    query = filters.to_query_string()
    assert query.startswith(f"{spec.key}=")
    parsed, problems = Filters.parse(query)
    assert parsed == filters and not problems
    assert check_filters(query) == filters
    # the default is never written into the URL
    assert Filters().to_query() == {}


@pytest.mark.parametrize(
    ("spec", "level"),
    [(f, level) for f in FIELDS for level in f.sql],
    ids=lambda x: getattr(x, "name", x),
)
def test_a_field_runs_as_sql_at_each_of_its_levels(seed, spec, level):
    # a flag restricts when on (its default); other fields when set
    value = True if spec.kind == "flag" else SAMPLE[spec.name]
    filters = Filters(**{f.name: False for f in FIELDS if f.kind == "flag"}).replace(
        **{spec.name: value}
    )
    alias = {"item": "i", "figure": "c", "event": "e"}[level]
    where, params = filters.where(level, alias, con=seed)
    assert where != "TRUE"
    # every value is bound as a parameter, never written into the SQL
    for value in params:
        assert str(value) not in where
    rows = seed.execute(f"SELECT count(*) FROM {TABLES[level]} {alias} WHERE {where}", params)
    assert rows.fetchall()[0][0] >= 0


@pytest.mark.parametrize("spec", [f for f in FIELDS if f.kind == "list"], ids=lambda f: f.name)
def test_a_list_field_offers_its_values_with_counts(seed, spec):
    facets = views.filter_facets(seed, Filters(on_topic=False), spec.name)
    assert list(facets.columns) == ["value", "n_items"]
    assert (facets["n_items"] > 0).all()
    assert list(facets["n_items"]) == sorted(facets["n_items"], reverse=True)


def test_a_filter_applies_at_its_own_level_and_the_rest_select_items():
    f = Filters(places=("Kyiv",), topics=("drone & missile strikes",), text="drone")
    item_sql, _ = f.item_where("i", level="figure")
    assert "topics" in item_sql and "entities" not in item_sql and "ILIKE" not in item_sql
    figure_sql, _ = f.where("figure", "c")
    assert "c.sentence ILIKE" in figure_sql and "p.start >=" in figure_sql
    assert "(in the figure's sentence)" in f.describe("figure")
    assert "(in the" not in f.describe("item")


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("from=2024-05-01&to=2024-01-01", "From 2024-05-01 is after To 2024-01-01"),
        ("from=2024-13-45", "From: '2024-13-45' is not a date"),
        ("kind=eaten", "Casualty kinds: 'eaten' not one of"),
        ("date=tomorrow", "Date: 'tomorrow' is not one of event, published"),
        ("this_war=maybe", "Only this war's casualty figures: 'maybe' is not 1 or 0"),
        ("colour=red", "unknown filter colour"),
        ("q=" + "x" * 10_000, f"Text contains: cut to its first {TEXT_LIMIT} characters"),
        ("place=" + "y" * 5_000, f"Places: a value longer than {TEXT_LIMIT} characters"),
    ],
)
def test_bad_input_names_the_filter_and_the_rest_still_applies(query, says):
    filters, problems = Filters.parse(query + "&side=russia")
    assert any(says in p for p in problems), problems
    assert filters.sides == ("russia",)
    with pytest.raises(ValueError, match=says.split(":")[0]):
        check_filters(query)


def test_sql_like_values_stay_values(seed):
    evil = "x'; DROP TABLE items; --"
    filters = Filters.from_query({"q": evil, "place": evil, "source": evil, "claimant": evil})
    for level in LEVELS:
        where, params = filters.where(level, "t", con=None)
        assert evil not in where
    assert views.item_total(seed, filters) == 0
    assert views.item_total(seed, Filters(on_topic=False)) == 10  # the table is still there


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([*BY_KEY, "figures", "zz", "from ", ""]),
            st.text(max_size=30) | st.sampled_from(["2024-01-01", "0", "1", "all", "event"]),
        ),
        max_size=8,
    )
)
def test_any_query_string_parses_or_says_why(pairs):
    params: dict[str, list[str]] = {}
    for key, value in pairs:
        params.setdefault(key, []).append(value)
    filters, problems = Filters.parse(params)
    assert isinstance(filters, Filters)
    assert all(isinstance(p, str) and p for p in problems)
    # what parses, writes a URL that parses back to itself without problems
    again, more = Filters.parse(filters.to_query_string())
    assert again == filters and not more
    if not problems:
        assert check_filters(filters.to_query_string()) == filters


# --- the four shared corpora in one store: filters mean what they say -------------------------
@pytest.fixture(scope="module")
def corpus(corpus_store):
    return corpus_store.connect()


def test_place_on_the_timeline_keeps_that_place_s_events(corpus):
    """place=Bakhmut: the timeline shows dates whose sentence names Bakhmut, not Hostomel on
    24 February or Mariupol in April from the same long articles."""
    whole = Filters(places=("Bakhmut",), date_from=date(2022, 1, 1), date_to=date(2022, 12, 31))
    events = views.timeline_events(corpus, whole, freq="week", max_points=100_000)
    assert len(events) > 0
    sentences = events["sentence"].str.lower()
    assert sentences.str.contains("bakhmut|artemivsk|artemovsk").all(), events.loc[
        ~sentences.str.contains("bakhmut|artemivsk|artemovsk"), "sentence"
    ].head()
    # the items themselves name many other places: item-level filtering would show them
    ids = tuple(events["item_id"].unique())
    marks = [views.item_marks(corpus, i) for i in ids[:20]]
    assert any((m["mark"] == "place").sum() > 1 for m in marks)


def test_place_and_text_on_the_casualty_page_keep_matching_figures(corpus):
    """place=Kyiv, q=drone: figures whose sentence names Kyiv (or a place in its oblast),
    whose sentence says drone, and with both, those in both; not every figure of the items
    (Chernihiv's, Mariupol's "20,000 killed", "200 athletes")."""
    wide = Filters(on_topic=False, this_war=False)
    kyiv = views.casualty_figures(corpus, wide.replace(places=("Kyiv",)), limit=100_000)
    drone = views.casualty_figures(corpus, wide.replace(text="drone"), limit=100_000)
    both = views.casualty_figures(
        corpus, wide.replace(places=("Kyiv",), text="drone"), limit=100_000
    )
    assert len(kyiv) > 0 and len(drone) > 0
    mentions = corpus.execute(
        "SELECT DISTINCT mention FROM entities WHERE kind = 'place' "
        "AND (name = 'Kyiv' OR admin1 = 'Kyiv')"
    ).fetchall()
    named = "|".join(sorted({m[0] for m in mentions}, key=len, reverse=True))
    assert kyiv["sentence"].str.contains(named, regex=True).all()
    assert drone["sentence"].str.lower().str.contains("drone").all()
    key = ["item_id", "quote", "value"]
    inter = kyiv.merge(drone[key], on=key)
    assert sorted(map(tuple, both[key].values)) == sorted(map(tuple, inter[key].values))
    for filters in (wide.replace(places=("Kyiv",)), wide.replace(text="drone")):
        # the items selected at item level hold many more figures
        where, params = filters.item_where("i", con=corpus)
        in_items = corpus.execute(
            f"SELECT count(*) FROM casualties c WHERE c.item_id IN "
            f"(SELECT item_id FROM items i WHERE {where})",
            params,
        ).fetchall()[0][0]
        shown = views.casualty_figures(corpus, filters, limit=100_000)
        assert in_items > len(shown)
        # the download and the Overview's count obey the same figure-level filters
        assert len(views.filtered_table(corpus, filters, "casualties")) == len(shown)
        assert views.overview_stats(corpus, filters).iloc[0].n_figures == len(shown)


def test_an_oblast_keeps_the_towns_inside_it(corpus):
    oblast = views.item_total(corpus, Filters(places=("Donetsk Oblast",)))
    towns = views.item_total(corpus, Filters(places=("Bakhmut",)))
    assert oblast > towns > 0
    both = views.item_total(corpus, Filters(places=("Donetsk Oblast", "Bakhmut")))
    assert both == oblast  # Bakhmut lies in Donetsk Oblast: nothing added


def test_new_figure_filters_select_figures(corpus):
    civilians = views.casualty_figures(corpus, Filters(groups=("civilian",)), limit=100_000)
    assert len(civilians) > 0 and set(civilians["group"]) == {"civilian"}
    rates = views.casualty_figures(corpus, Filters(pers=("day",)), limit=100_000)
    assert len(rates) > 0 and set(rates["per"]) == {"day"}
    top = views.filter_facets(corpus, Filters(), "claimants")["value"].iloc[0]
    claimed = views.casualty_figures(corpus, Filters(claimants=(top,)), limit=100_000)
    assert len(claimed) > 0 and set(claimed["claimant"]) == {top}


@pytest.mark.parametrize(
    ("field", "value"), [("sides", "russia"), ("places", "Donetsk Oblast"), ("topics", None)]
)
def test_an_option_s_count_is_what_its_filter_keeps(corpus, field, value):
    facets = views.filter_facets(corpus, Filters(), field).set_index("value")["n_items"]
    value = value or facets.index[0]
    assert facets[value] == views.item_total(corpus, Filters(**{field: (value,)}))


def test_a_source_bar_counts_what_clicking_it_keeps(corpus):
    bars = views.items_per_source(corpus, Filters())
    for source, n in zip(bars["source"][:3], bars["n_items"][:3], strict=True):
        assert n == views.item_total(corpus, Filters(sources=(source,)))
