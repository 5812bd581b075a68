"""Scope, sides and claimants: which figures are this war's, whose people, who says so."""

from __future__ import annotations

import json
from datetime import date

import pytest

from dashboard import extract, read_items, views
from dashboard.export import check_filters
from dashboard.extractors.casualties.vocabulary import SIDE_WORDS
from dashboard.extractors.claimants import canonical_claimant, claimant_entry
from dashboard.extractors.scope import FigureContext, figure_scope
from dashboard.query import Filters
from dashboard.sides import side_codes, side_countries, war_parties


def context(sentence: str, number: str, **kw) -> FigureContext:
    values = {
        "sentence": sentence,
        "offset": sentence.index(number),
        "before": "",
        "period_end": None,
        "sentence_dates_end": (),
        "on_topic": True,
    }
    return FigureContext(**{**values, **kw})


@pytest.mark.parametrize(
    ("sentence", "number", "scope"),
    [
        ("About 4.5 million people died as a result of the post-9/11 wars.", "4.5", "other"),
        ("Europe will have seen 2 million Covid deaths by end of winter.", "2 million", "other"),
        ("In Syria, more than 300,000 people have died in 10 years of war.", "300,000", "other"),
        (
            "25,000 Russians have been killed in Ukraine, says UK Defence secretary.",
            "25,000",
            "this_war",
        ),
        ("Three civilians were killed in Kharkiv.", "Three", "this_war"),
        # demographics are no war's toll
        ("Russia sees record population decline as excess deaths hit 1M.", "1M", "other"),
        # a nationality is a weak cue: another war named in the sentence outweighs it
        ("The Holodomor, as Ukrainians call it, killed five million people.", "five", "other"),
        ("Five Ukrainians were killed in the strike.", "Five", "this_war"),
        # the nearest cue decides: Ukraine's losses, compared with Afghanistan's
        ("Ukraine says 9,000 of its soldiers died, more than in Afghanistan.", "9,000", "this_war"),
    ],
)
def test_nearest_cue(sentence, number, scope):
    assert figure_scope(context(sentence, number)) == scope


def test_a_period_before_the_war_is_historical():
    ctx = context(
        "They killed more than three million people.",
        "three",
        sentence_dates_end=(date(1944, 12, 31),),
    )
    assert figure_scope(ctx) == "other"
    since_2014 = context(
        "Since 2014, 14,000 people have died.", "14,000", sentence_dates_end=(date(2014, 12, 31),)
    )
    assert figure_scope(since_2014) == "this_war"


def test_an_off_topic_item_without_a_war_cue_is_other():
    assert (
        figure_scope(context("Police said 5 people were killed.", "5", on_topic=False)) == "other"
    )
    cue = context("5 people were killed in Kharkiv.", "5", on_topic=False)
    assert figure_scope(cue) == "this_war"


def test_claimants_are_canonical_and_never_a_fragment():
    assert canonical_claimant("the Russian Defence Ministry") == "Ministry of Defence of Russia"
    assert canonical_claimant("Russian Defense Ministry") == "Ministry of Defence of Russia"
    # one DPR claimant, whatever its spelling
    dpr = {
        "DPR headquarters",
        "Basurin",
        "DPR militia",
        "the DPR’s defense ministry",
        "Headquarters of the Terodefense",
    }
    assert {canonical_claimant(c) for c in dpr} == {"DPR headquarters"}
    for bad in ("Thursday", "scale war", "Four", "October"):
        assert canonical_claimant(bad) is None
    assert canonical_claimant("As the Ministry") is None  # which ministry? a fragment
    assert canonical_claimant("Collin Cole") == "Collin Cole"
    # the Kremlin is the president's administration, a pro-Kremlin outlet the media
    assert canonical_claimant("the Kremlin") == "Government of Russia"
    assert canonical_claimant("Pro-Kremlin outlet") == "Russian media"
    assert claimant_entry("General Staff of the Armed Forces of Ukraine").side == "ukraine"


def test_one_sides_table_for_the_extractor_and_the_filter():
    assert {"russia", "ukraine", "north_korea"} <= war_parties()
    assert side_codes()[-1] == "unknown"
    # every side the extractor emits reaches the side filter with its country: the
    # filter's own list once knew 5 of them (Italy and Syria were not among them)
    emitted = set(SIDE_WORDS.values())
    assert emitted <= set(side_countries())
    for side in ("italy", "syria", "north_korea"):
        _, params = Filters(sides=(side,)).item_where()
        assert side_countries()[side] in params


def test_the_export_accepts_the_scope_filters():
    everything = check_filters("this_war=0&on_topic=0")
    assert (everything.this_war, everything.on_topic) == (False, False)
    assert check_filters("figures=all") == everything  # an old URL's spelling
    with pytest.raises(ValueError, match="this war"):
        check_filters("this_war=most")
    with pytest.raises(ValueError, match="unknown filter figures"):
        check_filters("figures=most")
    assert everything.to_query_string() == "on_topic=0&this_war=0"
    assert Filters().to_query_string() == ""


# --- the four shared corpora in one store ------------------------------------------------


@pytest.fixture(scope="module")
def corpus(corpus_store):
    con = corpus_store.connect()
    figures = con.sql(
        "SELECT c.* FROM casualties c JOIN items i USING (item_id) "
        "WHERE c.scope = 'this_war' AND i.on_topic AND c.origin = 'text'"
    ).df()
    return con, figures


def test_corpus_this_war_totals_are_the_wars_own(corpus):
    _, figures = corpus
    totals = figures[figures["per"] == "total"]
    assert totals["value"].max() < 1_500_000
    assert not figures["sentence"].str.contains("post-9/11|Covid|Belarusians", regex=True).any()


def test_corpus_daily_rates_are_plausible(corpus):
    _, figures = corpus
    assert figures.loc[figures["per"] == "day", "value"].max() <= 5_000


def test_corpus_side_is_known_for_most_figures(corpus):
    _, figures = corpus
    assert (figures["side"] == "unknown").mean() < 0.20
    assert set(figures["side"]) <= set(side_codes())


def test_corpus_claimants_are_canonical(corpus):
    _, figures = corpus
    claimants = figures["claimant"].dropna()
    # one DPR claimant, not four spellings of it (a DPR ombudsman is another speaker)
    spelling = r"(?i)(?:the )?(?:dpr|dnr)(?:['’]s)?(?: militia| headquarters| defen[cs]e ministry)?"
    assert set(claimants[claimants.str.fullmatch(spelling)]) == {"DPR headquarters"}
    assert (claimants == "DPR headquarters").sum() > 100
    assert not claimants.str.fullmatch(
        "(?i)monday|tuesday|wednesday|thursday|friday|.*scale war"
    ).any()


def test_views_count_this_war_figures_by_default(corpus):
    con, figures = corpus
    shown = views.casualty_figures(con, Filters(), limit=100_000)
    everything = views.casualty_figures(con, Filters(on_topic=False, this_war=False), limit=100_000)
    assert len(shown) == len(figures) < len(everything)
    stats = views.overview_stats(con, Filters()).iloc[0]
    assert stats.n_figures == len(figures)


def test_combat_news_with_no_place_is_on_topic_and_another_wars_is_not(tmp_path):
    texts = {
        "strike": "Cruise missile strike impacted residential block. At least one child injured.",
        "covid": "Anti-vaccine broadcaster dies after Covid battle",
        "sudan": "Heavy fighting erupted in Sudan: shelling and air strikes on the capital.",
        "plain": "A child was injured at a playground.",
    }
    path = tmp_path / "items.jsonl"
    rows = [{"id": k, "title": k, "text": t, "published": "2023-05-01"} for k, t in texts.items()]
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    frames = extract(read_items([path]), discover=False, workers=1)
    on_topic = dict(zip(frames.items["title"], frames.items["on_topic"], strict=True))
    assert on_topic == {"strike": True, "covid": False, "sudan": False, "plain": False}
    scope = dict(zip(frames.casualties["item_id"], frames.casualties["scope"], strict=True))
    strike_id = frames.items.loc[frames.items["title"] == "strike", "item_id"].item()
    assert scope[strike_id] == "this_war"
