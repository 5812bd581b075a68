"""Taxonomy tagging (editable TOML) and discovered topics (TF-IDF + NMF)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, SEED, SEED_AS_OF

import dashboard
from dashboard.extractors.topics import (
    DEFAULT_TAXONOMY,
    NEWS_BOILERPLATE,
    TAXONOMY_ENV,
    discover_topics,
    load_taxonomy,
    tag_topics,
)
from dashboard.schema import DISCOVERED_TOPICS, TOPICS

SEED_TOPICS = Path(__file__).parent / "data" / "seed_topics.json"


def _items(texts):
    return pd.DataFrame(
        {
            "item_id": [f"i{n}" for n in range(len(texts))],
            "text": pd.Series(texts, dtype="string"),
            "published": pd.to_datetime([None] * len(texts), utc=True),
            "as_of": pd.to_datetime([SEED_AS_OF] * len(texts), utc=True),
        }
    )


def _write(tmp_path, body: str) -> Path:
    path = tmp_path / "taxonomy.toml"
    path.write_text(body, encoding="utf-8")
    return path


def _tags(items, taxonomy):
    out = tag_topics(items, taxonomy)
    return {i: sorted(out.loc[out["item_id"] == i, "topic"]) for i in items["item_id"]}


@pytest.fixture(scope="module")
def seed_items():
    return dashboard.read_items(SEED, as_of=SEED_AS_OF)


# --- the shipped taxonomy on the seed -----------------------------------------------------


def test_default_taxonomy_is_the_data_file():
    assert DEFAULT_TAXONOMY == ROOT / "data" / "taxonomy.toml"
    taxonomy = load_taxonomy()
    assert len(taxonomy.topics) >= 12
    assert len(set(taxonomy.names)) == len(taxonomy.names)
    for topic in taxonomy.topics:
        assert topic.description and (topic.terms or topic.patterns), topic.name


def test_seed_is_tagged_as_a_reader_would(seed_items):
    """tests/data/seed_topics.json: topics a reader gives each item (required), and ones
    that are defensible (allowed). Every required topic must be found, nothing else."""
    labels = json.loads(SEED_TOPICS.read_text())["items"]
    assert len(labels) == len(seed_items) == 10
    taxonomy = load_taxonomy()
    for label in labels:
        assert set(label["required"]) | set(label["allowed"]) <= set(taxonomy.names)
    tags = _tags(seed_items, taxonomy)
    problems = []
    for label in labels:
        got = set(tags[seed_items["item_id"].iloc[label["item"]]])
        missing = set(label["required"]) - got
        extra = got - set(label["required"]) - set(label["allowed"])
        if missing or extra:
            problems.append((label["item"], sorted(missing), sorted(extra)))
    assert not problems, problems


def test_output_schema_and_scores(seed_items):
    out = tag_topics(seed_items, load_taxonomy())
    assert list(out.columns) == TOPICS.names
    assert out.dtypes.equals(TOPICS.empty().dtypes)
    assert (out["origin"] == "taxonomy").all()
    assert out["score"].between(0, 1, inclusive="right").all()
    assert not out.duplicated(["item_id", "topic"]).any()


# --- editing the file changes the result --------------------------------------------------

TOML_V1 = """
[[topic]]
name = "grain"
description = "grain exports"
terms = ["grain", "wheat"]
"""


def test_editing_the_taxonomy_changes_tags_without_code(tmp_path, monkeypatch):
    items = _items(["Wheat exports resumed from Odesa.", "Barley and maize ships left port."])
    path = _write(tmp_path, TOML_V1)
    assert _tags(items, load_taxonomy(path)) == {"i0": ["grain"], "i1": []}

    path.write_text(TOML_V1.replace('"wheat"]', '"wheat", "barley", "maize"]'))
    assert _tags(items, load_taxonomy(path)) == {"i0": ["grain"], "i1": ["grain"]}

    path.write_text(TOML_V1 + '\n[[topic]]\nname = "ports"\ndescription = "d"\nterms = ["port"]\n')
    monkeypatch.setenv(TAXONOMY_ENV, str(path))  # the env var overrides the default file
    assert _tags(items, load_taxonomy()) == {"i0": ["grain"], "i1": ["ports"]}
    assert _tags(items, None) == {"i0": ["grain"], "i1": ["ports"]}  # tag_topics' default
    # an explicit path beats the env var
    other = tmp_path / "other.toml"
    other.write_text('[[topic]]\nname = "odesa"\ndescription = "d"\nterms = ["odesa"]\n')
    assert _tags(items, load_taxonomy(other)) == {"i0": ["odesa"], "i1": []}


@pytest.mark.parametrize(
    ("terms", "text", "hits"),
    [
        (["air defence"], "AIR DEFENCE units; air-defence; air  defence", 3),  # case, hyphen
        (["pow"], "power and powers", 0),  # word boundaries
        (["pow"], "a POW camp", 1),
        (["drone*"], "drone, drones, Drone-maker", 3),  # trailing * = any word ending
        (["drone"], "drones", 0),
        (["missile", "missile strike"], "a missile strike", 1),  # longest match counts once
        (["kyiv", "kyiv region"], "Kyiv region and Kyiv", 2),
    ],
)
def test_term_matching(tmp_path, terms, text, hits):
    path = _write(
        tmp_path, f'[[topic]]\nname = "t"\ndescription = "d"\nterms = {json.dumps(terms)}\n'
    )
    out = tag_topics(_items([text]), load_taxonomy(path))
    expected = [] if hits == 0 else [pytest.approx(1 - math.exp(-hits / 2))]
    assert out["score"].tolist() == expected


def test_patterns_are_regexes_as_written(tmp_path):
    path = _write(
        tmp_path,
        """
[[topic]]
name = "alliance"
description = "d"
patterns = ['\\bNATO\\b']
""",
    )
    assert _tags(_items(["NATO summit", "nato is lowercase here"]), load_taxonomy(path)) == {
        "i0": ["alliance"],
        "i1": [],
    }


def test_a_term_in_two_topics_counts_for_both(tmp_path):
    path = _write(
        tmp_path,
        '[[topic]]\nname = "a"\ndescription = "d"\nterms = ["shelling"]\n'
        '[[topic]]\nname = "b"\ndescription = "d"\nterms = ["shell*"]\n',
    )
    assert _tags(_items(["heavy shelling"]), load_taxonomy(path)) == {"i0": ["a", "b"]}


def test_long_texts_need_more_hits_and_min_hits_is_editable(tmp_path):
    path = _write(tmp_path, TOML_V1)
    short = "Wheat left Odesa."
    long = short + " " + "The ship sailed on through calm water. " * 100  # ~700 words
    assert _tags(_items([short, long]), load_taxonomy(path)) == {"i0": ["grain"], "i1": []}
    path.write_text(TOML_V1 + "min_hits = 2\n")
    assert _tags(_items([short, "Wheat and grain left."]), load_taxonomy(path)) == {
        "i0": [],
        "i1": ["grain"],
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("not toml [", "not valid TOML"),
        ("x = 1\n", r"no \[\[topic\]\]"),
        ('[[topic]]\ndescription = "d"\nterms = ["a"]\n', "has no name"),
        ('[[topic]]\nname = "a"\n', "neither terms nor patterns"),
        ('[[topic]]\nname = "a"\npatterns = ["(unclosed"]\n', "bad pattern"),
        ('[[topic]]\nname = "a"\nterms=["x"]\n[[topic]]\nname = "a"\nterms=["y"]\n', "duplicate"),
    ],
)
def test_malformed_taxonomy_is_reported(tmp_path, body, message):
    with pytest.raises(ValueError, match=message):
        load_taxonomy(_write(tmp_path, body))


def test_empty_and_missing_text():
    taxonomy = load_taxonomy()
    assert tag_topics(_items([]), taxonomy).equals(TOPICS.empty())
    out = tag_topics(_items(["", None, "nothing relevant at all"]), taxonomy)
    assert len(out) == 0 and list(out.columns) == TOPICS.names


def test_tag_topics_on_corpora(corpus):
    """Every corpus gets tagged; war corpora mostly, the general headline feed much less."""
    taxonomy = load_taxonomy()
    shares = {}
    for name in ["gdelt_articles.jsonl", "ucdp_ukraine_events.csv", "news_headlines_2022.json"]:
        items = dashboard.read_items(corpus(name), as_of=SEED_AS_OF)
        out = tag_topics(items, taxonomy)
        shares[name] = out["item_id"].nunique() / len(items)
    assert shares["gdelt_articles.jsonl"] > 0.8
    assert shares["ucdp_ukraine_events.csv"] > 0.5
    assert shares["news_headlines_2022.json"] < 0.4  # mostly off-topic news


# --- discovered topics --------------------------------------------------------------------


@pytest.fixture(scope="module")
def gdelt(request):
    from conftest import shared_path

    return dashboard.read_items(shared_path("corpus", "gdelt_articles.jsonl"), as_of=SEED_AS_OF)


@pytest.fixture(scope="module")
def gdelt_topics(gdelt):
    return discover_topics(gdelt, n_topics=8, seed=0)


def test_discovered_topics_are_readable(gdelt, gdelt_topics):
    topics, discovered = gdelt_topics
    assert list(topics.columns) == TOPICS.names and topics.dtypes.equals(TOPICS.empty().dtypes)
    assert list(discovered.columns) == DISCOVERED_TOPICS.names
    assert len(discovered) == 8 and discovered["rank"].tolist() == list(range(8))
    assert discovered["topic"].is_unique
    for row in discovered.itertuples():
        assert 5 <= len(row.top_terms) <= 10
        assert row.topic.count(" · ") == 2  # three terms
        assert all(t.isascii() for t in row.top_terms)  # Cyrillic texts make no topic
        assert not {w for t in row.top_terms for w in t.split()} & NEWS_BOILERPLATE
        assert "ukraine" not in row.top_terms  # in most articles: not a topic
    # the assignments agree with the n_items column and the threshold
    assert (topics["origin"] == "discovered").all()
    assert topics["score"].between(0.25, 1).all()
    counts = topics["topic"].value_counts()
    assert discovered.set_index("topic")["n_items"].to_dict() == {
        t: counts.get(t, 0) for t in discovered["topic"]
    }
    assert topics["item_id"].isin(gdelt["item_id"]).all()
    assert topics["item_id"].nunique() > 0.8 * len(gdelt)
    # a reader recognises themes of the corpus: Belarus (BelTA), China, sanctions
    terms = {t for row in discovered["top_terms"] for t in row}
    assert {"lukashenko", "belarus"} & terms and {"china", "chinese"} & terms
    assert "sanctions" in terms


def test_discovery_is_reproducible_and_order_independent(gdelt, gdelt_topics):
    topics, discovered = gdelt_topics
    again_topics, again_discovered = discover_topics(gdelt, n_topics=8, seed=0)
    assert again_topics.equals(topics) and again_discovered.equals(discovered)
    # a subsample fit: deterministic, independent of row order, applied to every item
    shuffled = gdelt.sample(frac=1, random_state=7).reset_index(drop=True)
    a = discover_topics(gdelt, n_topics=5, max_items=200)
    b = discover_topics(shuffled, n_topics=5, max_items=200)
    assert a[1]["topic"].tolist() == b[1]["topic"].tolist()
    key = ["item_id", "topic"]
    assert (
        a[0]
        .sort_values(key)
        .reset_index(drop=True)[key]
        .equals(b[0].sort_values(key).reset_index(drop=True)[key])
    )
    assert a[0]["item_id"].nunique() > 200  # fitted on 200, applied to all


def test_discovery_copes_with_tiny_corpora(seed_items):
    topics, discovered = discover_topics(seed_items, n_topics=8)
    assert 1 <= len(discovered) <= 3  # ten items: a few topics only
    assert set(topics["topic"]) <= set(discovered["topic"])
    for n in (0, 1, 2):
        topics, discovered = discover_topics(seed_items.head(n))
        assert topics.equals(TOPICS.empty()) and discovered.equals(DISCOVERED_TOPICS.empty())
    stop_words_only = _items(["the and of", "it is what it is", "said the reporter", ""])
    topics, discovered = discover_topics(stop_words_only)
    assert len(topics) == 0 and len(discovered) == 0
