"""Entities: the seed's people, units, places and countries (eval file), spelling merges,
geocoding against the corpora's own coordinates, and hostile input."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import SEED, SEED_AS_OF

from dashboard import read_items
from dashboard.extractors.entities import entities_in, extract_entities
from dashboard.schema import ENTITIES

EVAL_KIND = {
    "people": "person",
    "units": "unit",
    "places": "place",
    "countries_or_actors": "country",
}


@pytest.fixture(scope="module")
def seed_entities():
    items = read_items(SEED, as_of=SEED_AS_OF)
    ents = extract_entities(items)
    index = {item_id: i for i, item_id in enumerate(items["item_id"])}
    return ents.assign(item=ents["item_id"].map(index)), items


def _expected(eval_dir):
    spec = json.loads((eval_dir / "seed_entities.json").read_text())
    for group, kind in EVAL_KIND.items():
        for key, value in spec[group].items():
            names = key.split("|")
            item_list = value["items"] if isinstance(value, dict) else value
            yield (
                kind,
                names[0],
                names,
                item_list,
                value.get("is") if isinstance(value, dict) else None,
            )


def test_seed_entities_found_merged_and_geocoded(seed_entities, eval_dir):
    ents, items = seed_entities
    assert ents.columns.tolist() == [*ENTITIES.names, "item"]
    missing = []
    for kind, canonical, spellings, item_list, what in _expected(eval_dir):
        for item in item_list:
            rows = ents[
                (ents["item"] == item) & (ents["kind"] == kind) & (ents["name"] == canonical)
            ]
            if rows.empty:
                missing.append((kind, canonical, item))
                continue
            if kind == "place":
                assert rows["lat"].notna().all() and rows["lon"].notna().all(), canonical
                assert rows["country"].iloc[0] == what.split(", ")[1].split(" (")[0], (
                    canonical,
                    rows["country"].iloc[0],
                )
        # Every spelling listed that the text carries (outside a longer name) maps to the canonical name.
        for spelling in spellings:
            hits = ents[(ents["mention"] == spelling) & ents["item"].isin(item_list)]
            assert (hits["name"] == canonical).all(), (spelling, hits["name"].tolist())
    assert not missing, missing


def test_seed_has_no_people_units_or_countries_a_reader_does_not_list(seed_entities, eval_dir):
    ents, _ = seed_entities
    expected = {
        (kind, name, item) for kind, name, _, items, _ in _expected(eval_dir) for item in items
    }
    for kind in ("person", "unit", "country"):
        found = {
            (kind, n, i)
            for n, i in ents.loc[ents["kind"] == kind, ["name", "item"]].itertuples(index=False)
        }
        assert found <= expected, sorted(found - expected)
    # Places: the eval lists Moscow for item 1 only, though item 3 names it too ("Moscow would
    # defend"), so places are checked by name.
    places = set(ents.loc[ents["kind"] == "place", "name"])
    assert places <= {name for kind, name, *_ in expected if kind == "place"}, places


def test_offsets_point_at_the_mention(seed_entities):
    ents, items = seed_entities
    texts = items.set_index("item_id")["text"]
    for item_id, mention, start, end in ents[["item_id", "mention", "start", "end"]].itertuples(
        index=False
    ):
        assert texts[item_id][start:end] == mention


@pytest.mark.parametrize(
    ("text", "kind", "name"),
    [
        ("President Zelensky spoke.", "person", "Volodymyr Zelensky"),
        ("Zelenskyy spoke.", "person", "Volodymyr Zelensky"),
        ("Volodymyr Zelenskyy spoke.", "person", "Volodymyr Zelensky"),
        ("Missiles hit Kyiv overnight.", "place", "Kyiv"),
        ("Missiles hit Kiev overnight.", "place", "Kyiv"),
        ("Shelling in Kharkiv.", "place", "Kharkiv"),
        ("Shelling in Kharkov.", "place", "Kharkiv"),
        ("Fighting in the Donetsk region.", "place", "Donetsk Oblast"),
        ("Fighting in Donetsk Oblast.", "place", "Donetsk Oblast"),
        ("Fighting in Donetsk oblast.", "place", "Donetsk Oblast"),
        ("A strike on Mykolaiv.", "place", "Mykolaiv"),
        ("A strike on Nikolaev.", "place", "Mykolaiv"),
        ("Russian troops near Nikolaev region.", "place", "Mykolaiv Oblast"),
        ("Strikes on the Kursk region.", "place", "Kursk Oblast"),
        ("Shelling of Zaporizhzhya oblast", "place", "Zaporizhzhia Oblast"),
        ("Soldiers of the 47th Mechanized Brigade", "unit", "47th Mechanized Brigade"),
        ("the 93rd mechanized brigade held", "unit", "93rd Mechanized Brigade"),
        ("Wagner fighters left Bakhmut.", "unit", "Wagner Group"),
        ("U.S. officials said", "country", "United States"),
        ("British officials said", "country", "United Kingdom"),
        ("NATO allies met.", "organisation", "NATO"),
        ("Defence Minister Rustem Umerov said", "person", "Rustem Umerov"),
        ("said General Oleksandr Tarnavskyi, commander", "person", "Oleksandr Tarnavskyi"),
    ],
)
def test_spellings_merge(text, kind, name):
    found = [(k, n) for k, n, *_ in entities_in(text)]
    assert (kind, name) in found, found


def test_ambiguous_names_prefer_ukraine_and_words_are_not_places():
    places = {
        n
        for k, n, *_ in entities_in("Russian troops advance on Pokrovsk and Lyman.")
        if k == "place"
    }
    pokrovsk = extract_entities(pd.DataFrame({"item_id": ["x"], "text": ["Strikes on Pokrovsk."]}))
    assert pokrovsk["country"].tolist() == ["Ukraine"]
    assert 47 < pokrovsk["lat"].iloc[0] < 49
    assert {"Pokrovsk", "Lyman"} <= places
    text = "Western allies met in March. Read More. Mobile units and Victoria Nuland. Bar none."
    kinds = {(k, n) for k, n, *_ in entities_in(text)}
    assert not [n for k, n in kinds if k == "place"], kinds
    assert ("person", "Victoria Nuland") in kinds


def test_empty_missing_and_hostile_input():
    assert (
        extract_entities(pd.DataFrame({"item_id": [], "text": []})).columns.tolist()
        == ENTITIES.names
    )
    frame = pd.DataFrame({"item_id": ["a", "b", "c"], "text": [None, "", np.nan]})
    assert extract_entities(frame).empty
    cyrillic = "Российские войска обстреляли Харьков. Зеленский заявил."
    html = '<p class="x">Strike on <b>Kharkiv</b>&nbsp;and <a href="/kyiv">Kyiv</a></p><script>alert(1)</script>'
    out = extract_entities(pd.DataFrame({"item_id": ["r", "h"], "text": [cyrillic, html]}))
    assert set(out.loc[out["item_id"] == "h", "name"]) == {"Kharkiv", "Kyiv"}


def test_one_megabyte_text():
    text = (SEED.read_text() + "\n") * (1_000_000 // len(SEED.read_text()) + 1)
    frame = pd.DataFrame({"item_id": ["big"], "text": [text]})
    out = extract_entities(frame)  # speed is measured in benchmarks/, not here
    assert len(out) > 1000


def test_corpus_places_match_the_records_own_coordinates(corpus):
    """CIR records name their town; the place found nearest their own lat/lon is close."""
    cir = pd.read_csv(corpus("cir_events.csv"), encoding_errors="replace").iloc[:2000]
    items = pd.DataFrame({"item_id": cir.index.astype(str), "text": cir["title"].fillna("")})
    ents = extract_entities(items)
    places = ents[ents["kind"] == "place"].copy()
    ref = cir[["lat", "lon"]].apply(pd.to_numeric, errors="coerce")
    ref.index = ref.index.astype(str)
    places = places.join(ref.rename(columns={"lat": "rlat", "lon": "rlon"}), on="item_id").dropna()
    lat1, lon1, lat2, lon2 = (np.radians(places[c]) for c in ("lat", "lon", "rlat", "rlon"))
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    places["km"] = 2 * 6371 * np.arcsin(np.sqrt(a))
    nearest = places.groupby("item_id")["km"].min()
    assert len(nearest) > 400  # titles that name a place (522 of the first 2,000)
    assert nearest.median() < 10, nearest.median()
    assert (nearest < 25).mean() > 0.75
    # Towns the record itself names in its title are found there.
    towns = cir["town/city"].fillna("")
    named = [
        (str(i), t.find(w))
        for i, t, w in zip(cir.index, items["text"], towns, strict=True)
        if len(w) > 2 and w in t
    ]
    spans = places.groupby("item_id")[["start", "end"]].apply(
        lambda f: list(zip(f["start"], f["end"], strict=True))
    )
    found = sum(any(s <= pos < e for s, e in spans.get(i, [])) for i, pos in named)
    assert found / len(named) > 0.85, found / len(named)


def test_village_names_shared_by_many_places_follow_the_region_named():
    frame = pd.DataFrame(
        {
            "item_id": ["with", "without"],
            "text": ["Russian presence in Novoselivka, Donetsk", "Russian presence in Novoselivka"],
        }
    )
    out = extract_entities(frame).set_index(["item_id", "mention"])
    assert out.loc[("with", "Novoselivka"), "admin1"] == "Donetsk Oblast"
    # Without a region the largest namesake stays, wherever it is.
    assert out.loc[("without", "Novoselivka"), "name"] == "Novoselivka"


def test_us_states_are_places_of_the_united_states_but_cities_keep_their_names():
    from dashboard.extractors.gazetteer import load_gazetteer

    phrases = load_gazetteer().phrases
    kentucky = phrases["Kentucky"]
    assert kentucky.kind == "place" and kentucky.place.country == "United States"
    assert kentucky.place.is_region and 36 < kentucky.place.lat < 39
    # a town or a country of the same name keeps it
    assert phrases["New York"].place is not None and not phrases["New York"].place.is_region
    assert phrases["Georgia"].kind == "country"
