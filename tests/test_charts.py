"""Chart functions (pure: frame -> altair chart), the registry, and offline export bytes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from dashboard import charts, views
from dashboard.charts import CHARTS, chart_bytes
from dashboard.charts.places import frame_extent
from dashboard.query import Filters

APP_PAGES = Path(__file__).resolve().parents[1] / "dashboard" / "app" / "app_pages"


@pytest.fixture(scope="module")
def seed(seed_store):
    return seed_store.connect()


def _fields(spec) -> set[str]:
    """Every encoded field name anywhere in a Vega-Lite spec."""
    found = set()

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("field"), str):
                found.add(node["field"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return found


def _titles(spec) -> list[str]:
    out = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "title" and isinstance(value, str):
                    out.append(value)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return out


@pytest.mark.parametrize("name", list(CHARTS))
def test_every_registered_chart_draws_its_view(seed, name):
    spec = CHARTS[name]
    frame = spec.frame(seed, Filters())
    chart = spec.chart_fn(frame)
    assert isinstance(chart, alt.TopLevelMixin)
    vl = chart.to_dict()
    title = vl["title"] if isinstance(vl["title"], str) else vl["title"]["text"]
    assert title
    # Every encoded field exists in the view's frame (or is derived by the chart itself).
    derived = {"label", "country_group", "direction"}
    assert _fields(vl) - derived <= set(frame.columns), name
    # Axes say what they count: some title carries a unit or a named quantity.
    assert any(
        re.search(r"\((count|reported|start date|stacked)\)|Items|People", t) for t in _titles(vl)
    )
    # The data is embedded (nothing fetched at view time) and is valid JSON (no NaN).
    json.loads(chart.to_json())


@pytest.mark.parametrize("name", list(CHARTS))
def test_empty_frames_give_a_titled_chart(seed, name):
    spec = CHARTS[name]
    empty = spec.frame(seed, Filters(text="no item says this 8c1f0e"))
    if name == "discovered_topics":  # every discovered topic is listed, with 0 items
        assert len(empty) and (empty["n_items"] == 0).all()
        empty = empty.iloc[0:0]
    assert empty.empty
    vl = spec.chart_fn(empty).to_dict()
    assert "no data under these filters" in json.dumps(vl["title"])


def test_every_chart_is_on_a_page_and_every_page_chart_is_registered():
    used = set()
    for page in APP_PAGES.glob("*.py"):
        used |= set(re.findall(r'layout\.chart\(\s*"(\w+)"', page.read_text("utf-8")))
    assert used == set(CHARTS)
    assert {s.page for s in CHARTS.values()} <= {p.stem for p in APP_PAGES.glob("*.py")}


def test_casualty_measures_are_separate_charts(seed):
    # single-event figures: summed, a panel per kind; totals and rates: their own charts
    frame = CHARTS["casualties_over_time"].frame(seed, Filters())
    vl = charts.casualties_over_time_chart(frame).to_dict()
    assert vl["facet"]["row"]["field"] == "kind"
    assert vl["resolve"]["scale"]["y"] == "independent"
    totals = CHARTS["casualty_totals"].frame(seed, Filters())
    rates = CHARTS["casualty_rates"].frame(seed, Filters())
    figures = views.casualty_figures(seed, Filters())
    assert frame["value"].sum() == figures.loc[figures["per"] == "event", "value"].sum()
    assert set(totals["value"]) <= set(figures.loc[figures["per"] == "total", "value"])
    assert set(rates["value"]) <= set(figures.loc[figures["per"] == "day", "value"])


def test_map_needs_no_tiles_and_frames_the_bulk_of_the_places():
    frame = pd.DataFrame(
        {
            "name": ["Kyiv", "Kharkiv", "Washington"],
            "country": ["Ukraine", "Ukraine", "United States"],
            "admin1": ["Kyiv", "Kharkiv Oblast", None],
            "lat": [50.45, 49.99, 38.9],
            "lon": [30.52, 36.23, -77.04],
            "n_items": [400, 300, 5],
        }
    )
    vl = charts.place_map_chart(frame).to_dict()
    text = json.dumps(vl)
    assert "http" not in text.replace(vl["$schema"], "")
    assert vl["projection"]["type"] == "mercator"
    (lon0, _), (lon1, _) = frame_extent(frame)
    assert lon0 > 0 and lon1 < 45  # one far-away place does not zoom the map out


def test_chart_bytes_formats(seed):
    chart = CHARTS["topic_frequency"].build(seed, Filters())
    png = chart_bytes(chart, "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    svg = chart_bytes(chart, "svg").decode()
    assert svg.lstrip().startswith("<svg") and "Topic frequency" in svg
    html = chart_bytes(chart, "html").decode()
    assert "<script" in html and not re.search(r'<script[^>]+src="https?:', html)
    with pytest.raises(ValueError, match="format"):
        chart_bytes(chart, "gif")


def test_html_export_cannot_be_broken_out_of_by_item_text():
    evil = "</script><img src=x onerror=alert(1)>"
    chart = charts.source_chart(pd.DataFrame({"source": [evil], "n_items": [1]}))
    html = chart_bytes(chart, "html").decode()
    assert evil not in html
    assert "\\u003c/script\\u003e\\u003cimg src=x onerror=alert(1)\\u003e" in html


def test_count_axes_have_whole_number_ticks(seed):
    """Small counts (the seed has ten items) must not get 0.2, 0.4, ... ticks."""
    for name in ("topic_frequency", "item_counts", "items_per_source"):
        spec = CHARTS[name]
        vl = spec.chart_fn(spec.frame(seed, Filters())).to_dict()
        encodings = [
            vl.get("encoding") or {},
            *(la.get("encoding") or {} for la in vl.get("layer", [])),
        ]
        axes = [
            enc["axis"]
            for encoding in encodings
            for enc in encoding.values()
            if isinstance(enc, dict) and enc.get("field") in ("n", "n_items") and "axis" in enc
        ]
        frame = spec.frame(seed, Filters())
        top = int(frame["n" if "n" in frame else "n_items"].max())
        assert axes and all(a["format"] == ",d" and a["tickCount"] <= max(top, 1) for a in axes)


def test_casualty_panels_put_the_biggest_numbers_first(seed):
    """The cumulative claims panels are ordered by their largest total, the single-event
    panels by the people they sum: the panel read first holds the largest numbers."""
    for name, op in (("casualty_totals", "max"), ("casualties_over_time", "sum")):
        spec = CHARTS[name]
        vl = spec.build(seed, Filters(on_topic=False, this_war=False)).to_dict()
        assert vl["facet"]["row"]["sort"] == {"field": "value", "op": op, "order": "descending"}
