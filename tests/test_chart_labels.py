"""Every chart readable: each category label of its data drawn in full in the exported SVG,
no label cut with "…", and years on every time axis (corpus store, the app's first view)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from dashboard import labels, views
from dashboard.charts import CHARTS
from dashboard.export import export_charts

# Columns of the frames that a chart draws as category labels (axis or panel header).
CATEGORY_COLUMNS = {
    "items_per_source": ["source"],
    "topic_frequency": ["topic"],
    "topic_cooccurrence": ["topic_a", "topic_b"],
    "discovered_topics": ["topic"],
    "topics_over_time": ["topic"],
    "claimant_ranges": ["claimant", "comparison"],
    "casualties_over_time": ["kind"],
}
# Charts with a time axis.
TIME_CHARTS = (
    "item_counts",
    "timeline",
    "topics_over_time",
    "casualties_over_time",
    "casualty_totals",
    "casualty_rates",
)
YEAR = re.compile(r"\b(19|20)\d\d\b")


@pytest.fixture(scope="module")
def exported(corpus_store, tmp_path_factory):
    out = tmp_path_factory.mktemp("labels")
    result = export_charts(corpus_store, out, None, ("svg",))
    con = corpus_store.connect()
    first_view = views.default_filters(con)
    frames = {name: spec.frame(con, first_view) for name, spec in CHARTS.items()}
    texts = {
        name: [t.strip() for t in ET.parse(out / f"{name}.svg").getroot().itertext() if t.strip()]
        for name in CHARTS
    }
    return result, frames, texts


@pytest.mark.parametrize("name", sorted(CATEGORY_COLUMNS))
def test_every_category_label_is_drawn_in_full(exported, name):
    _, frames, texts = exported
    frame = labels.labelled(frames[name])
    assert len(frame), f"{name} has no data on the corpus store"
    drawn = set(texts[name])
    for column in CATEGORY_COLUMNS[name]:
        missing = sorted(set(frame[column].dropna().astype(str)) - drawn)
        assert not missing, (name, column, missing[:5])


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_no_label_is_cut(exported, name):
    _, _, texts = exported
    # the caption lines may be shortened; labels never are
    cut = [t for t in texts[name] if t.endswith("…") and not t.startswith(("Filters:", "Sources:"))]
    assert not cut, (name, cut[:3])


@pytest.mark.parametrize("name", TIME_CHARTS)
def test_time_axes_carry_years(exported, name):
    _, frames, texts = exported
    assert len(frames[name]), name
    caption = ("Filters:", "Sources:")
    ticks = [t for t in texts[name] if not t.startswith(caption)]
    assert sum(bool(YEAR.search(t)) for t in ticks) >= 2, (name, ticks[:10])
    months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
    assert not [t for t in ticks if t in months], name  # a month never stands without its year


def test_counts_have_thousands_separators_and_whole_ticks(exported):
    _, frames, texts = exported
    assert frames["topic_frequency"]["n_items"].max() >= 1000
    assert any(re.fullmatch(r"\d{1,3}(,\d{3})+", t) for t in texts["topic_frequency"])
    for name in CHARTS:
        assert not [t for t in texts[name] if re.fullmatch(r"\d+\.5", t)], name


def test_first_view_export_is_marked(exported):
    result, _, _ = exported
    assert result.manifest["filters"]["first_view"] is True
    assert "from=" in result.manifest["filters"]["query"]  # the first view's date range
