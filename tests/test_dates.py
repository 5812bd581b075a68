"""Date expressions and the date each item is about, on the seed, hand cases and corpora."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import SEED, SEED_AS_OF

import dashboard
from dashboard.extractors.dates import extract_events, item_event_dates
from dashboard.schema import EVENTS, validate


def _items(texts, published=None, as_of=SEED_AS_OF):
    published = published or [None] * len(texts)
    return pd.DataFrame(
        {
            "item_id": [f"i{n}" for n in range(len(texts))],
            "text": pd.Series(texts, dtype="string"),
            "published": pd.to_datetime(published, utc=True),
            "as_of": pd.to_datetime([as_of] * len(texts), utc=True),
        }
    )


def _found(text, published=None, as_of=SEED_AS_OF):
    ev = extract_events(_items([text], [published], as_of))
    return [
        (r.phrase, r.date.date().isoformat(), r.date_end.date().isoformat(), r.precision)
        for r in ev.itertuples()
    ]


@pytest.fixture(scope="module")
def seed_items():
    return dashboard.read_items(SEED, as_of=SEED_AS_OF)


# --- the seed digest, against the reader's dates in ../shared/eval -------------------------


def test_seed_dates_match_the_readers(seed_items, eval_dir):
    expected = json.loads((eval_dir / "seed_entities.json").read_text())["dates"]
    expected = {k: v for k, v in expected.items() if not k.startswith("_")}
    events = extract_events(seed_items)
    item_of = {item_id: n for n, item_id in enumerate(seed_items["item_id"])}
    got = [
        (item_of[r.item_id], r.phrase, r.date, r.precision, r.relative) for r in events.itertuples()
    ]
    # Exactly the reader's dates: "1,500", "5th", "46th", "15-year-old", "five years" and
    # "24 days" are not dates.
    assert len(got) == len(expected)
    for phrase, want in expected.items():
        match = [g for g in got if g[0] == want["item"] and g[1] in phrase]
        assert match, f"{phrase!r} not found in item {want['item']}: {got}"
        _, _, day, precision, relative = match[0]
        assert precision == want["precision"]
        assert day.isoformat()[: len(want["resolves_to"])] == want["resolves_to"]
        assert relative == (want["precision"] != "year")  # October, November 7th need as_of


def test_seed_events_carry_sentence_and_offsets(seed_items):
    events = extract_events(seed_items)
    texts = dict(zip(seed_items["item_id"], seed_items["text"], strict=True))
    for r in events.itertuples():
        assert texts[r.item_id][r.start : r.end] == r.phrase
        assert r.phrase in r.sentence and r.sentence in texts[r.item_id]
        assert r.sentence.count(". ") == 0  # one sentence, not the paragraph
    assert validate(events, EVENTS).dtypes.equals(EVENTS.empty().dtypes)


def test_seed_item_event_dates(seed_items):
    events = extract_events(seed_items)
    dates = item_event_dates(seed_items, events)
    assert list(dates.columns) == ["item_id", "event_date", "event_precision"]
    assert str(dates["event_date"].dtype) == "datetime64[us]"
    by_item = [
        (None if pd.isna(d) else d.date().isoformat(), p if pd.notna(p) else None)
        for d, p in zip(dates["event_date"], dates["event_precision"], strict=True)
    ]
    assert by_item[0] == ("2024-10-01", "month")
    assert by_item[4] == ("2024-11-07", "day")
    # "since 2014" is background, never the item's date, with or without a publication date;
    # the seed has no publication dates, so items naming no near date take the digest's date.
    for n in (1, 2, 3, 5, 6, 7, 8, 9):
        assert by_item[n] == ("2024-11-15", "reference")


# --- hand cases: (text, published, expected [(phrase, date, date_end, precision)]) ---------
# Reference date: published when given, else as_of 2024-11-15 (a Friday).

CASES = [
    # the examples
    ("died on November 7th.", None, [("November 7th", "2024-11-07", "2024-11-07", "day")]),
    ("losses in October", None, [("October", "2024-10-01", "2024-10-31", "month")]),
    ("talks in December failed", None, [("December", "2023-12-01", "2023-12-31", "month")]),
    ("as in 2014, when", None, [("2014", "2014-01-01", "2014-12-31", "year")]),
    ("since 2014", None, [("2014", "2014-01-01", "2014-12-31", "year")]),
    # explicit formats met in the corpora
    ("on 2022-03-05 at dawn", None, [("2022-03-05", "2022-03-05", "2022-03-05", "day")]),
    ("seen 2022-01-25T09:00:00Z", None, [("2022-01-25", "2022-01-25", "2022-01-25", "day")]),
    ("on 5 March 2022", None, [("5 March 2022", "2022-03-05", "2022-03-05", "day")]),
    ("on March 5, 2022", None, [("March 5, 2022", "2022-03-05", "2022-03-05", "day")]),
    ("on 15th of March", None, [("15th of March", "2024-03-15", "2024-03-15", "day")]),
    ("Sept. 12, 2022", None, [("Sept. 12, 2022", "2022-09-12", "2022-09-12", "day")]),
    ("killed on Sept 11, 2021.", None, [("Sept 11, 2021", "2021-09-11", "2021-09-11", "day")]),
    ("Ukraine NOVEMBER 2018", None, [("NOVEMBER 2018", "2018-11-01", "2018-11-30", "month")]),
    ("9/30/2022 12:00:00 AM", None, [("9/30/2022", "2022-09-30", "2022-09-30", "day")]),
    (
        "impact from 27/04/2022 in Kherson",
        None,
        [("27/04/2022", "2022-04-27", "2022-04-27", "day")],
    ),
    ("on 01.03.2022", None, [("01.03.2022", "2022-03-01", "2022-03-01", "day")]),
    # ambiguous d/m: only the reading within a week before the item's date is taken
    (
        "knocked out on 03/04/2022.",
        "2022-04-04",
        [("03/04/2022", "2022-04-03", "2022-04-03", "day")],
    ),
    ("knocked out on 03/04/2022.", "2022-06-01", []),
    ("05/03/2022", None, []),
    # ranges
    ("between May 3 and May 5", None, [("May 3 and May 5", "2024-05-03", "2024-05-05", "range")]),
    ("from 2014 to 2022", None, [("2014 to 2022", "2014-01-01", "2022-12-31", "range")]),
    ("between 2014 and 2022", None, [("2014 and 2022", "2014-01-01", "2022-12-31", "range")]),
    ("on May 18-20", "2022-06-14", [("May 18-20", "2022-05-18", "2022-05-20", "range")]),
    ("3 to 5 March 2022", None, [("3 to 5 March 2022", "2022-03-03", "2022-03-05", "range")]),
    (
        "Report 16 August to 15 November 2018",
        None,
        [("16 August to 15 November 2018", "2018-08-16", "2018-11-15", "range")],
    ),
    ("from March to May", None, [("March to May", "2024-03-01", "2024-05-31", "range")]),
    # "and" without "between" lists two days
    (
        "on March 5 and March 7",
        None,
        [
            ("March 5", "2024-03-05", "2024-03-05", "day"),
            ("March 7", "2024-03-07", "2024-03-07", "day"),
        ],
    ),
    ("in summer 2022", None, [("summer 2022", "2022-06-01", "2022-08-31", "year")]),
    # relative phrases resolve against the item's own date (2022-06-22 is a Wednesday)
    ("struck yesterday", "2022-06-22", [("yesterday", "2022-06-21", "2022-06-21", "day")]),
    ("Today the city", "2022-06-22", [("Today", "2022-06-22", "2022-06-22", "day")]),
    ("attacked on Tuesday", "2022-06-22", [("Tuesday", "2022-06-21", "2022-06-21", "day")]),
    # an abbreviated weekday only after "on": "Sat" and "Wed" are words too
    ("seven WIA on Thurs - JFO HQ", "2021-11-30", [("Thurs", "2021-11-25", "2021-11-25", "day")]),
    ("Sat in the car, Wed in June", "2021-11-30", [("June", "2021-06-01", "2021-06-30", "month")]),
    ("attacked on Wednesday", "2022-06-22", [("Wednesday", "2022-06-22", "2022-06-22", "day")]),
    ("last Wednesday", "2022-06-22", [("last Wednesday", "2022-06-15", "2022-06-15", "day")]),
    ("will meet on Friday", "2022-06-22", [("Friday", "2022-06-24", "2022-06-24", "day")]),
    ("shelled last week", "2022-06-22", [("last week", "2022-06-13", "2022-06-19", "range")]),
    ("over the past week", "2022-06-22", [("past week", "2022-06-15", "2022-06-22", "range")]),
    ("three days ago", "2022-06-22", [("three days ago", "2022-06-19", "2022-06-19", "day")]),
    ("2 days ago", "2022-06-22", [("2 days ago", "2022-06-20", "2022-06-20", "day")]),
    ("last month", "2022-06-22", [("last month", "2022-05-01", "2022-05-31", "month")]),
    ("last year", "2022-06-22", [("last year", "2021-01-01", "2021-12-31", "year")]),
    ("in the last year", "2022-06-22", [("last year", "2021-06-22", "2022-06-22", "range")]),
    ("80 years ago", "2024-05-09", [("80 years ago", "1944-01-01", "1944-12-31", "year")]),
    (
        "earlier this year",
        "2022-06-22",
        [("earlier this year", "2022-01-01", "2022-12-31", "year")],
    ),
    # a headline dated the day before the day it names (UCDP)
    ("Tuesday, September 13", "2022-09-12", [("September 13", "2022-09-13", "2022-09-13", "day")]),
    # future clause: the nearest occurrence (here yesterday's), not one a year away
    (
        "Putin will not congratulate Biden on July 4",
        "2022-07-05",
        [("July 4", "2022-07-04", "2022-07-04", "day")],
    ),
    # not dates
    ("Theresa May said", None, []),
    ("May be true", None, []),
    ("it may rain", None, []),
    ("troops march on Kyiv", None, []),
    ("They March on Kyiv", None, []),
    ("a 2022-style raid", None, []),
    ("2,014 men and 12,2014 and 2014.5", None, []),
    ("more than 2000 troops", None, []),
    ("at 2000 GMT", None, []),
    ("5th and 46th brigades, a 15-year-old, five years, 24 days", None, []),
    ("in 1850 and 2150", None, []),
    ("Jan Egeland said", None, []),
    ("in May", None, [("May", "2024-05-01", "2024-05-31", "month")]),
    ("since March", None, [("March", "2024-03-01", "2024-03-31", "month")]),
]


@pytest.mark.parametrize(("text", "published", "expected"), CASES)
def test_cases(text, published, expected):
    assert _found(text, published) == expected


def test_relative_resolves_against_the_item_not_as_of():
    items = _items(
        ["hit yesterday", "hit yesterday", "hit yesterday"],
        ["2022-03-01T23:00Z", "2023-07-10T00:00Z", None],
        as_of="2024-11-15",
    )
    events = extract_events(items)
    assert [d.date().isoformat() for d in events["date"]] == [
        "2022-02-28",  # published 23:00 UTC on 1 March: the calendar date in UTC
        "2023-07-09",
        "2024-11-14",  # no publication date: as_of
    ]
    assert events["relative"].all()


def test_without_any_reference_date_only_absolute_dates_are_kept():
    items = _items(["on 5 March 2022 and yesterday and in October"], [None], as_of=None)
    events = extract_events(items)
    assert events["phrase"].tolist() == ["5 March 2022"]
    assert not events["relative"].any()


def test_weekday_before_an_explicit_date_adds_no_event():
    assert _found("On Monday, 7 March 2022, shelling") == [
        ("7 March 2022", "2022-03-07", "2022-03-07", "day")
    ]


def test_empty_and_missing_text():
    assert extract_events(_items([])).equals(EVENTS.empty())
    events = extract_events(_items(["", None, "no dates here"]))
    assert len(events) == 0 and list(events.columns) == EVENTS.names


# --- item_event_dates rules ---------------------------------------------------------------


def _event_date(text, published=None):
    items = _items([text], [published])
    row = item_event_dates(items, extract_events(items)).iloc[0]
    if pd.isna(row["event_date"]):
        return None
    return row["event_date"].date().isoformat(), row["event_precision"]


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        # the most specific date wins: day over month over year
        ("In 2022, in October, on November 7th", None, ("2024-11-07", "day")),
        ("In 2022 and in October", None, ("2024-10-01", "month")),
        # among days, the latest not after the reference date
        ("on 1 March 2022 and on 9 March 2022", "2022-03-10", ("2022-03-09", "day")),
        ("on 9 March 2022 and on 1 April 2022", "2022-03-10", ("2022-03-09", "day")),
        # only future days: the earliest of them
        ("on 1 May 2022 or 9 April 2022", "2022-03-10", ("2022-04-09", "day")),
        # a short range beats a month; a year-only date is background when published is known
        ("in May, between May 3 and May 5", None, ("2024-05-03", "range")),
        ("as in 2014", "2022-06-22", ("2022-06-22", "day")),
        ("as in 2014", None, ("2024-11-15", "reference")),
        ("territories seized since 2014", None, ("2024-11-15", "reference")),
        # a day long before or after the item's own date is history or a plan
        ("On 24 February 2022 Russia invaded.", "2024-03-01", ("2024-03-01", "day")),
        ("In the Second World War, on 22 June 1941", None, ("2024-11-15", "reference")),
        # a dateline opening an undated item dates it, however old
        ("17/02/2022 Shelling audible", None, ("2022-02-17", "day")),
        # ... but not one of a dated item, nor a date further in
        ("17/02/2022 Shelling audible", "2024-11-10", ("2024-11-10", "day")),
        ("Shelling audible on 17/02/2022", None, ("2024-11-15", "reference")),
        ("The vote is set for 5 May 2027.", None, ("2024-11-15", "reference")),
        ("On 24 February 2024, a year before", "2024-11-01", ("2024-02-24", "day")),
        # no date named: the publication date, else the reference date (as_of)
        ("no date here", "2022-06-22T10:00Z", ("2022-06-22", "day")),
        ("no date here", None, ("2024-11-15", "reference")),
    ],
)
def test_item_event_date_rule(text, published, expected):
    assert _event_date(text, published) == expected


def test_item_event_dates_keep_item_order_and_dtypes():
    items = _items(["nothing", "on 5 November 2024", "yesterday"], [None, None, "2022-06-22"])
    out = item_event_dates(items, extract_events(items))
    assert out["item_id"].tolist() == items["item_id"].tolist()
    assert str(out["event_date"].dtype) == "datetime64[us]"
    assert str(out["event_precision"].dtype) == "string"
    assert out["event_precision"].tolist() == ["reference", "day", "day"]


# --- real corpora -------------------------------------------------------------------------


def _read(corpus, name):
    return dashboard.read_items(corpus(name), as_of=SEED_AS_OF)


@pytest.mark.parametrize(
    "name",
    [
        "gdelt_articles.jsonl",
        "cir_events.csv",
        "ucdp_ukraine_events.csv",
        "news_headlines_2022.json",
    ],
)
def test_corpus_events_are_consistent(corpus, name):
    items = _read(corpus, name)
    events = extract_events(items)
    assert len(events) > 20
    texts = dict(zip(items["item_id"], items["text"], strict=True))
    assert all(texts[r.item_id][r.start : r.end] == r.phrase for r in events.itertuples())
    assert (events["date"] <= events["date_end"]).all()
    assert events["date"].dt.year.between(1900, 2100).all()
    assert set(events["precision"]) <= {"day", "month", "year", "range"}
    # Relative dates lie near the item's own date: at most ~a year before (last year,
    # a month named without year) and a little after (next week, a future clause).
    ref = items.set_index("item_id")["published"].dt.tz_convert(None).dt.normalize()
    rel = events[events["relative"] & ~events["phrase"].str.lower().str.endswith(" ago")]
    lag = (ref.reindex(rel["item_id"]).to_numpy() - rel["date"].to_numpy()).astype("timedelta64[D]")
    assert (lag.astype(int) >= -400).all() and (lag.astype(int) <= 731).all()


def test_ucdp_headline_days_fall_near_the_event(corpus):
    """UCDP's date_start is the event's day: days named in its headlines are close to it."""
    items = _read(corpus, "ucdp_ukraine_events.csv")
    events = extract_events(items)
    days = events[events["precision"] == "day"]
    ref = items.set_index("item_id")["published"].dt.tz_convert(None).dt.normalize()
    gap = (days["date"].to_numpy() - ref.reindex(days["item_id"]).to_numpy()).astype(
        "timedelta64[D]"
    )
    near = (abs(gap.astype(int)) <= 31).mean()
    assert len(days) > 100 and near > 0.85, near


def test_cir_dates_in_descriptions_match_the_event_date(corpus):
    """CIR descriptions name the event's day ("03/03/2022", "March 21", "yesterday")."""
    items = _read(corpus, "cir_events.csv")
    events = extract_events(items)
    days = events[events["precision"] == "day"]
    ref = items.set_index("item_id")["published"].dt.tz_convert(None).dt.normalize()
    gap = (ref.reindex(days["item_id"]).to_numpy() - days["date"].to_numpy()).astype(
        "timedelta64[D]"
    )
    assert len(days) >= 30
    assert ((gap.astype(int) >= 0) & (gap.astype(int) <= 60)).mean() > 0.9


def test_far_future_dates_do_not_place_items_on_the_timeline():
    items = pd.DataFrame(
        {
            "item_id": ["plan", "film"],
            "text": [
                "Russia plans to rebuild its army by January 2031.",
                "Blade Runner 2099 premieres tonight.",
            ],
            "published": pd.to_datetime(["2024-11-05", "2024-11-05"], utc=True),
            "as_of": pd.to_datetime(["2024-11-15", "2024-11-15"], utc=True),
        }
    )
    events = extract_events(items)
    assert "January 2031" in set(events["phrase"])  # still an event of the item
    dated = item_event_dates(items, events).set_index("item_id")
    assert (dated["event_date"] == pd.Timestamp("2024-11-05")).all()
