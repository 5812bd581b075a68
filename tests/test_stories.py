"""Story clusters (issue 15): near copies of one story get one story_id, across ingests."""

from __future__ import annotations

import json

import pandas as pd

from dashboard import views
from dashboard.extractors.stories import assign_stories, band_keys
from dashboard.ingest import ingest
from dashboard.query import Filters
from dashboard.store import Store

LEDE = (
    "Russian forces launched a massive drone and missile attack on Kyiv overnight, "
    "damaging power plants and residential buildings in several districts of the capital, "
    "the city's military administration said on Sunday morning, adding that air defence "
    "shot down most of the incoming targets while emergency crews worked through the night"
)
OTHER = (
    "Grain exports through the Black Sea corridor rose for a third month in a row as "
    "shipping insurers cut their premiums and more vessels called at Odesa's ports, the "
    "agriculture ministry reported, while farmers warned that storage capacity remained short"
)


def frame(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["item_id", "title", "text"])


def stories_of(rows) -> dict[str, str]:
    items = frame(rows)
    empty = pd.DataFrame({"item_id": [], "story_id": [], "shared": []})
    return assign_stories(band_keys(items), list(items["item_id"]), empty).to_dict()


def test_a_rewrite_joins_the_first_items_story_and_another_story_does_not():
    got = stories_of(
        [
            ("a", "Massive attack on Kyiv", LEDE),
            ("b", "Massive attack on Kyiv overnight", LEDE.replace("Sunday", "Sunday,") + " More."),
            ("c", "Black Sea grain", OTHER),
        ]
    )
    assert got == {"a": "a", "b": "a", "c": "c"}


def test_a_short_repeated_log_line_is_not_a_story():
    # CIR's event log repeats "Damage to building" for different days: different events
    got = stories_of(
        [("a", "28/04/2022", "Damage to building"), ("b", "29/04", "Damage to building")]
    )
    assert got == {"a": "a", "b": "b"}


def test_a_new_item_joins_a_stored_story_in_a_later_ingest(tmp_path):
    def write(name, records):
        path = tmp_path / name
        path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
        return path

    store = Store(tmp_path / "store")
    first = write(
        "wire1.jsonl", [{"title": "Attack on Kyiv", "text": LEDE, "published": "2024-11-10"}]
    )
    second = write(
        "wire2.jsonl",
        [
            {"title": "Attack on Kyiv, update", "text": LEDE + " Several people were injured.",
             "published": "2024-11-10"},
            {"title": "Grain", "text": OTHER, "published": "2024-11-11"},
        ],
    )  # fmt: skip
    ingest([first], store=store, as_of="2024-11-15", discover=False)
    ingest([second], store=store, as_of="2024-11-15", discover=False)
    con = store.connect()
    rows = con.execute(
        "SELECT i.title, s.story_id = (SELECT item_id FROM items WHERE title = 'Attack on Kyiv') "
        "FROM items i JOIN item_story s USING (item_id) ORDER BY i.title"
    ).fetchall()
    assert rows == [("Attack on Kyiv", True), ("Attack on Kyiv, update", True), ("Grain", False)]
    first_id = con.execute("SELECT item_id FROM items WHERE title = 'Attack on Kyiv'").fetchall()
    others = views.story_items(con, first_id[0][0])
    assert others["title"].tolist() == ["Attack on Kyiv, update"]
    counts = views.topic_counts(con, Filters(on_topic=False))
    by_items = views.topic_counts(con, Filters(on_topic=False), count="items")
    strikes = counts.set_index("topic")["n"]
    assert (counts["unit"] == "stories").all() and (by_items["unit"] == "items").all()
    # the two Kyiv items are one story: a topic both carry counts 1 story, 2 items
    both = by_items.set_index("topic")["n"]
    assert any(both[t] == 2 and strikes[t] == 1 for t in strikes.index)


def test_different_stories_about_one_town_on_one_day_stay_apart():
    strike = (
        "A Russian missile struck a school in Kharkiv on Tuesday morning, injuring four "
        "people and damaging nearby homes, the regional governor said on Telegram."
    )
    metro = (
        "Kharkiv's mayor reopened the city's metro on Tuesday morning after repairs, saying "
        "trains would run every ten minutes and shelters stay open at night, the city said."
    )
    daily = (
        "Russian shelling of Kharkiv region killed two civilians over the past day, the "
        "regional governor said on Telegram on Tuesday morning."
    )
    next_day = daily.replace("two civilians", "three civilians")
    got = stories_of(
        [("s", "Missile hits Kharkiv school", strike), ("m", "Kharkiv metro reopens", metro),
         ("d", "Shelling in Kharkiv region", daily), ("n", "Shelling in Kharkiv region", next_day)]
    )  # fmt: skip
    assert got == {"s": "s", "m": "m", "d": "d", "n": "n"}


def test_a_figure_near_copies_repeat_is_summed_once_per_story(tmp_path):
    text = LEDE + ". Two people were killed in the attack."
    rows = [
        {"title": "Attack on Kyiv", "text": text, "published": "2024-11-10"},
        {"title": "Attack on Kyiv overnight", "text": text.replace("Sunday", "Sunday,"),
         "published": "2024-11-10"},
    ]  # fmt: skip
    path = tmp_path / "wire.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    store = Store(tmp_path / "store")
    ingest([path], store=store, as_of="2024-11-15", discover=False)
    con = store.connect()
    wide = Filters(on_topic=False, date_from=None, date_to=None)
    items = views.casualties_over_time(con, wide, count="items")
    stories = views.casualties_over_time(con, wide, count="stories")
    assert (items["value"].sum(), stories["value"].sum()) == (4, 2)


def test_near_copies_in_different_chunks_of_one_ingest_share_a_story(tmp_path):
    rows = [
        {"title": "Attack on Kyiv", "text": LEDE, "published": "2024-11-10"},
        {"title": "Grain", "text": OTHER, "published": "2024-11-11"},
        {"title": "Attack on Kyiv overnight", "text": LEDE + " More soon.",
         "published": "2024-11-10"},
    ]  # fmt: skip
    path = tmp_path / "wire.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    store = Store(tmp_path / "store")
    ingest([path], store=store, as_of="2024-11-15", discover=False, chunk_size=1, workers=1)
    assert len(store.parts("items")) == 3  # one chunk each
    stories = store.frame("stories").set_index("item_id")["story_id"]
    items = store.frame("items").set_index("title")["item_id"]
    kyiv = items["Attack on Kyiv"]
    assert stories[items["Attack on Kyiv overnight"]] == kyiv == stories[kyiv]
    assert stories[items["Grain"]] == items["Grain"]
