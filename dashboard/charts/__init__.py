"""Pure chart functions (``frame -> altair chart``) and the registry of every chart.

Each :class:`ChartSpec` pairs a view function ``(connection, filters) -> frame`` from
:mod:`dashboard.views` with a chart function ``frame -> chart``; the app's pages and the
exporter both go through :data:`CHARTS`, so an exported chart is the one the app shows.

Examples
--------
>>> spec = CHARTS["topic_frequency"]
>>> chart = spec.build(Store("data/store").connect(), Filters())  # doctest: +SKIP
>>> png = chart_bytes(chart, "png")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from .. import views
from .casualties import (
    casualties_over_time_chart,
    casualty_rates_chart,
    casualty_totals_chart,
    claimant_ranges_chart,
    claims_reference_chart,
)
from .overview import SOURCE_SELECTION, source_chart
from .places import PLACE_SELECTION, place_map_chart
from .render import FORMATS, chart_bytes, formats
from .timeline import item_counts_chart, timeline_chart
from .topics import (
    TOPIC_SELECTION,
    discovered_topics_chart,
    topic_cooccurrence_chart,
    topic_frequency_chart,
    topic_shift_chart,
    topics_over_time_chart,
)

__all__ = [
    "CHARTS",
    "FORMATS",
    "PLACE_SELECTION",
    "SOURCE_SELECTION",
    "TOPIC_SELECTION",
    "ChartSpec",
    "casualties_over_time_chart",
    "casualty_rates_chart",
    "casualty_totals_chart",
    "claims_reference_chart",
    "chart_bytes",
    "claimant_ranges_chart",
    "discovered_topics_chart",
    "formats",
    "item_counts_chart",
    "place_map_chart",
    "source_chart",
    "timeline_chart",
    "topic_cooccurrence_chart",
    "topic_frequency_chart",
    "topic_shift_chart",
    "topics_over_time_chart",
]


@dataclass(frozen=True)
class ChartSpec:
    """One chart of the app: where its data comes from and how it is drawn.

    ``view_fn(con, filters, **options) -> frame`` and ``chart_fn(frame) -> chart``;
    ``options`` are the view's extra knobs the page offers (e.g. ``freq``), with defaults;
    ``level`` is what its rows are (item, figure, event): where place and text filters apply;
    ``click`` = (selection, filter field, data column): a click on a mark adds its value to
    that filter (the app listens to the selection).
    """

    name: str
    title: str
    page: str
    view_fn: Callable[..., pd.DataFrame]
    chart_fn: Callable[[pd.DataFrame], object]
    options: dict = field(default_factory=dict)
    level: str = "item"
    click: tuple[str, str, str] | None = None

    def frame(self, con, filters, **options) -> pd.DataFrame:
        return self.view_fn(con, filters, **{**self.options, **options})

    def build(self, con, filters, **options):
        return self.chart_fn(self.frame(con, filters, **options))


def _specs(*specs: ChartSpec) -> dict[str, ChartSpec]:
    return {s.name: s for s in specs}


# Every chart of the app, in page order. Pages: overview, topics, casualties, timeline, map.
CHARTS: dict[str, ChartSpec] = _specs(
    ChartSpec(
        "items_per_source",
        "Items per source",
        "overview",
        views.items_per_source,
        source_chart,
        click=(SOURCE_SELECTION, "sources", "source"),
    ),
    ChartSpec(
        "topic_frequency",
        "Topic frequency",
        "topics",
        views.topic_counts,
        topic_frequency_chart,
        {"count": "stories"},
        click=(TOPIC_SELECTION, "topics", "topic"),
    ),
    ChartSpec(
        "topics_over_time",
        "Topics over time",
        "topics",
        views.topics_over_time,
        topics_over_time_chart,
        {"freq": "month"},
    ),
    ChartSpec(
        "topic_shift",
        "Topics that rose and fell",
        "topics",
        views.topic_shift,
        topic_shift_chart,
        {"a": None, "b": None},
    ),
    ChartSpec(
        "topic_cooccurrence",
        "Topic co-occurrence",
        "topics",
        views.topic_cooccurrence,
        topic_cooccurrence_chart,
    ),
    ChartSpec(
        "discovered_topics",
        "Discovered topics",
        "topics",
        views.discovered_topics,
        discovered_topics_chart,
    ),
    ChartSpec(
        "casualty_totals",
        "Cumulative totals claimed, by claimant",
        "casualties",
        views.casualty_claims,
        casualty_totals_chart,
        {"per": "total"},
        level="figure",
    ),
    ChartSpec(
        "claims_reference",
        "Claimed totals and the datasets' sums of events",
        "claims",
        views.claims_with_reference,
        claims_reference_chart,
        level="figure",
    ),
    ChartSpec(
        "casualty_rates",
        "Daily rates claimed",
        "casualties",
        views.casualty_claims,
        casualty_rates_chart,
        {"per": "day"},
        level="figure",
    ),
    ChartSpec(
        "casualties_over_time",
        "Casualties in single events, summed per period",
        "casualties",
        views.casualties_over_time,
        casualties_over_time_chart,
        {"freq": "week", "count": "stories"},
        level="figure",
    ),
    ChartSpec(
        "claimant_ranges",
        "Claimants compared: lowest to highest figure",
        "casualties",
        views.claimant_ranges,
        claimant_ranges_chart,
        level="figure",
    ),
    ChartSpec(
        "timeline",
        "Events on a time axis",
        "timeline",
        views.timeline_events,
        timeline_chart,
        {"freq": "week"},
        level="event",
    ),
    ChartSpec(
        "item_counts",
        "Items per period",
        "timeline",
        views.item_counts,
        item_counts_chart,
        {"freq": "week"},
    ),
    ChartSpec(
        "place_map",
        "Places",
        "map",
        views.place_counts,
        place_map_chart,
        click=(PLACE_SELECTION, "places", "name"),
    ),
)
