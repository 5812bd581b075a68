"""The map: offline outlines, framing on the filtered data, both point layers, clean labels."""

from __future__ import annotations

import json
from itertools import combinations

import pandas as pd
import pytest

from dashboard import views
from dashboard.charts import places as map_chart
from dashboard.charts.places import (
    DATASET_LAYER,
    TEXT_LAYER,
    frame_extent,
    place_labels,
    place_map_chart,
)
from dashboard.ingest import ingest
from dashboard.query import Filters
from dashboard.store import Store

# A small real store: a digest naming places far apart, and a CSV of records carrying their
# own coordinates (as CIR and UCDP do), one of them in a town no text names.
DIGEST = """\
Heavy shelling hit Avdiivka overnight, local officials said.
Read More
Fighting continues near Avdiivka as troops hold the line.
Read More
Ministers met in Brussels and Berlin to discuss aid.
Read More
Drones struck Kharkiv on Tuesday; two people were wounded.
Read More
"""
RECORDS = pd.DataFrame(
    {
        "title": ["Strike on Avdiivka", "Strike in a village", "Strike in a village"],
        "text": ["A strike near Avdiivka.", "A strike in the east.", "Another strike there."],
        "published": ["2024-02-10", "2024-03-01", "2024-03-02"],
        "source": ["cir_events", "cir_events", "cir_events"],
        "lat": [48.14, 47.55, 47.56],
        "lon": [37.75, 37.48, 37.49],
    }
)


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    root = tmp_path_factory.mktemp("map")
    (root / "digest.txt").write_text(DIGEST, encoding="utf-8")
    RECORDS.to_csv(root / "records.csv", index=False)
    store = Store(root / "store")
    ingest([root / "digest.txt", root / "records.csv"], store=store, as_of="2024-11-15")
    return store.connect()


def _inside(extent, lon, lat) -> bool:
    (lon0, lat0), (lon1, lat1) = extent
    return lon0 <= lon <= lon1 and lat0 <= lat <= lat1


def test_spec_is_offline_and_has_outlines(con):
    chart = place_map_chart(views.place_counts(con, Filters()))
    vl = chart.to_dict()
    assert "http" not in json.dumps(vl).replace(vl["$schema"], "")
    shapes = [
        layer
        for layer in vl["layer"]
        if layer["mark"] == "geoshape" or layer["mark"].get("type") == "geoshape"
    ]

    def values(data: dict) -> list:
        # the outlines are one JSON text (format json) Vega parses, not values Altair walks
        inline = data.get("values")
        return json.loads(inline) if isinstance(inline, str) else inline or []

    rows = [
        row
        for s in shapes
        for row in values(s["data"]) or vl["datasets"].get(s["data"].get("name"), [])
    ]
    names = {row["properties"]["name"] for row in rows if "properties" in row}
    assert {"Ukraine", "Russia"} <= names
    assert vl["projection"]["type"] == "mercator"


def test_dataset_coordinates_are_a_layer_of_their_own(con):
    frame = views.place_counts(con, Filters())
    assert list(frame["layer"].drop_duplicates()) == [TEXT_LAYER, DATASET_LAYER]
    coords = frame[frame["layer"] == DATASET_LAYER]
    # the two village records share a cell; nothing in the text names that place
    assert sorted(coords["n_items"]) == [1, 2]
    village = coords[coords["n_items"] == 2].iloc[0]
    assert village["lat"] == pytest.approx(47.555) and village["lon"] == pytest.approx(37.485)
    assert village["files"] == "records.csv"
    # and they obey the filters: a text search keeps only the matching record
    only = views.place_counts(con, Filters(text="village"))
    assert only.loc[only["layer"] == DATASET_LAYER, "n_items"].tolist() == [2]


def test_a_cell_names_a_few_of_its_files_and_counts_the_rest(tmp_path):
    """A store of many files (daily exports, a watched feed) puts hundreds in one cell: its
    tooltip names the first few and says how many more (at 1M items the map's data had
    grown to 2 MB of file names)."""
    for n in range(views.FILES_NAMED + 2):
        records = RECORDS.iloc[[1]].assign(text=f"A strike in the east, report {n}.")
        records.to_csv(tmp_path / f"day{n}.csv", index=False)
    store = Store(tmp_path / "store")
    ingest(sorted(tmp_path.glob("day*.csv")), store=store, as_of="2024-11-15")
    frame = views.place_counts(store.connect(), Filters(on_topic=False))
    (cell,) = frame.loc[frame["layer"] == DATASET_LAYER, "files"]
    assert cell == "day0.csv, day1.csv, day2.csv and 2 more"


@pytest.mark.parametrize(
    ("query", "lon", "lat"),
    [("q=Avdiivka", 37.75, 48.14), ("place=Kharkiv", 36.25, 49.98)],
)
def test_the_frame_follows_the_filtered_data(con, query, lon, lat):
    filters = Filters.from_query(query)
    extent = frame_extent(views.place_counts(con, filters))
    assert _inside(extent, lon, lat)
    assert not _inside(extent, 4.35, 50.85)  # Brussels
    (lon0, lat0), (lon1, lat1) = extent
    assert lon1 - lon0 >= map_chart.MIN_SPAN[0] and lat1 - lat0 >= map_chart.MIN_SPAN[1]


def test_one_place_is_not_an_infinite_zoom():
    one = pd.DataFrame({"name": ["Kyiv"], "lat": [50.45], "lon": [30.52], "n_items": [3]})
    (lon0, lat0), (lon1, lat1) = frame_extent(one)
    assert lon1 - lon0 == pytest.approx(map_chart.MIN_SPAN[0])
    assert lat1 - lat0 == pytest.approx(map_chart.MIN_SPAN[1])


def test_labels_do_not_overlap():
    # forty places packed into a small box: many candidates for few free spots
    frame = pd.DataFrame(
        {
            "name": [f"Place number {i}" for i in range(40)],
            "lat": [48 + (i % 8) * 0.12 for i in range(40)],
            "lon": [37 + (i // 8) * 0.2 for i in range(40)],
            "n_items": list(range(40, 0, -1)),
        }
    )
    proj = map_chart._mercator(frame_extent(frame), map_chart.MAP_WIDTH, map_chart.MAP_HEIGHT)
    labels = place_labels(frame, proj, map_chart.MAP_WIDTH, map_chart.MAP_HEIGHT)
    assert 0 < (labels["style"] == "normal").sum() <= map_chart.MAX_LABELS
    assert "Place number 0" in set(labels["label"])  # the place with most items first
    boxes = labels[["x0", "y0", "x1", "y1"]].itertuples(index=False)
    for a, b in combinations(list(boxes), 2):
        assert a.x1 <= b.x0 or b.x1 <= a.x0 or a.y1 <= b.y0 or b.y1 <= a.y0, (a, b)
    assert (labels["x0"] >= 0).all() and (labels["x1"] <= map_chart.MAP_WIDTH).all()


def test_outlines_are_shipped_small_with_their_licence():
    from importlib import resources

    data = resources.files("dashboard").joinpath("data")
    for name in map_chart.OUTLINE_FILES:
        assert len(data.joinpath(name).read_bytes()) < 500_000
        features = json.loads(data.joinpath(name).read_text("utf-8"))["features"]
        assert any(f["properties"]["name"] == "Ukraine" for f in features)
    assert "public domain" in data.joinpath("OUTLINES-LICENCE.md").read_text("utf-8")
