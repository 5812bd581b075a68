"""Topic charts: frequency with shares, shares over time, co-occurrence, discovered topics."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..views import parse_period
from ._common import (
    FIT_WIDTH,
    WIDTH,
    bars_height,
    break_gaps,
    category_axis,
    count_axis,
    data,
    empty_note,
    time_axis,
)

# The selection a click on a topic's bar makes (the app turns it into the topic filter).
TOPIC_SELECTION = "topic_pick"
# Bars of the taxonomy and of the discovered topics have different colours everywhere.
TAXONOMY_COLOUR = "#1f5fa8"
DISCOVERED_COLOUR = "#8c6bb1"
# Pixels per cell of the co-occurrence heatmap: four-digit counts fit.
CELL = 46


def topic_frequency_chart(frame: pd.DataFrame) -> alt.Chart:
    """Bars: stories (or items) per taxonomy topic, with their share of the filtered ones
    written at the end of each bar (frame from ``views.topic_counts``)."""
    frame = data(frame)
    unit = frame["unit"].iloc[0] if len(frame) else "items"
    title = "Stories (near copies once)" if unit == "stories" else "Items (count)"
    base = alt.Chart(frame).encode(
        x=alt.X("n:Q", axis=count_axis(frame["n"], title)),
        y=alt.Y("topic:N", sort="-x", axis=category_axis("Topic")),
        tooltip=[
            alt.Tooltip("topic:N", title="Topic"),
            alt.Tooltip("n:Q", title=unit.capitalize(), format=","),
            alt.Tooltip("n_items:Q", title="Items", format=","),
            alt.Tooltip("share:Q", title=f"Share of the {unit}", format=".1%"),
        ],
    )
    bars = base.mark_bar(color=TAXONOMY_COLOUR, cursor="pointer").add_params(
        alt.selection_point(name=TOPIC_SELECTION, fields=["topic"], on="click")
    )
    shares = base.mark_text(align="left", dx=4, fontSize=10, color="#444444").encode(
        text=alt.Text("share:Q", format=".0%")
    )
    chart = alt.layer(bars, shares).properties(
        width=WIDTH, height=bars_height(len(frame)), autosize=FIT_WIDTH
    )
    return empty_note(chart, frame, f"Topic frequency ({unit}, and their share)")


def topics_over_time_chart(frame: pd.DataFrame) -> alt.Chart:
    """Small multiples: per topic, the share of each period's items carrying it (frame
    from ``views.topics_over_time``); a period with few items does not make every topic
    fall, and periods too small for a share, or without rows, break the line."""
    frame = data(break_gaps(frame, "period", "topic", "share"))
    chart = (
        alt.Chart(frame)
        .mark_line(
            point=alt.OverlayMarkDef(size=12),
            color=TAXONOMY_COLOUR,
            invalid="break-paths-show-domains",
        )
        .encode(
            x=alt.X("period:T", axis=time_axis(frame["period"], None)),
            y=alt.Y("share:Q", axis=alt.Axis(format=".0%", title=None, tickCount=3)),
            tooltip=[
                alt.Tooltip("period:T", title="Period from", format="%-d %b %Y"),
                alt.Tooltip("topic:N", title="Topic"),
                alt.Tooltip("n_items:Q", title="Items", format=","),
                alt.Tooltip("share:Q", title="Share of the period's items", format=".1%"),
            ],
        )
        .properties(width=270, height=90)
        .facet(
            facet=alt.Facet("topic:N", title=None, header=alt.Header(labelLimit=0)),
            columns=3,
        )
    )
    return empty_note(
        chart, frame, "Topics over time: share of each period's items carrying the topic"
    )


def topic_cooccurrence_chart(frame: pd.DataFrame) -> alt.Chart:
    """Heatmap: items carrying both topics (frame from ``views.topic_cooccurrence``)."""
    frame = data(frame)
    base = alt.Chart(frame).encode(
        x=alt.X("topic_a:N", axis=category_axis("Topic", labelAngle=-40)),
        y=alt.Y("topic_b:N", axis=category_axis("Topic")),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "n_items:Q",
            title="Items with both",
            scale=alt.Scale(scheme="blues"),
            legend=alt.Legend(format=",d"),
        ),
        tooltip=[
            alt.Tooltip("topic_a:N", title="Topic"),
            alt.Tooltip("topic_b:N", title="and topic"),
            alt.Tooltip("n_items:Q", title="Items with both", format=","),
        ],
    )
    top = frame["n_items"].max() if len(frame) else 0
    labels = base.mark_text(fontSize=9).encode(
        text=alt.Text("n_items:Q", format=",d"),
        color=alt.condition(alt.datum.n_items > top / 2, alt.value("white"), alt.value("#222222")),
    )
    # its own size, cell by cell ("pad"): fitted to a narrower column, the numbers run together
    chart = alt.layer(cells, labels).properties(
        width=alt.Step(CELL), height=alt.Step(CELL // 2), autosize=alt.AutoSizeParams(type="pad")
    )
    return empty_note(chart, frame, "Topic co-occurrence (items carrying both)")


def discovered_topics_chart(frame: pd.DataFrame) -> alt.Chart:
    """Bars: items per discovered topic, labelled with its top terms (in full)."""
    frame = data(frame)
    chart = (
        alt.Chart(frame)
        .mark_bar(color=DISCOVERED_COLOUR)
        .encode(
            x=alt.X("n_items:Q", axis=count_axis(frame["n_items"], "Items (count)")),
            y=alt.Y(
                "topic:N",
                sort=alt.EncodingSortField("rank"),
                axis=category_axis("Discovered topic (its top terms)"),
            ),
            tooltip=[
                alt.Tooltip("topic:N", title="Topic"),
                alt.Tooltip("top_terms:N", title="Top terms"),
                alt.Tooltip("n_items:Q", title="Items (filtered)", format=","),
                alt.Tooltip("n_items_all:Q", title="Items (all)", format=","),
            ],
        )
        .properties(width=WIDTH, height=bars_height(len(frame)), autosize=FIT_WIDTH)
    )
    return empty_note(chart, frame, "Discovered topics (found in the corpus itself)")


# Topics that gained share between the two periods, and those that lost it.
ROSE_COLOUR = TAXONOMY_COLOUR
FELL_COLOUR = "#e08214"


def topic_shift_chart(frame: pd.DataFrame) -> alt.Chart:
    """Diverging bars: the change in each topic's share of the items from period A to
    period B, in percentage points (frame from ``views.topic_shift``)."""
    frame = data(frame).assign(
        direction=lambda f: ["rose" if c > 0 else "fell" for c in f["change"]]
    )
    periods = ""
    if len(frame):
        first = frame.iloc[0]
        periods = (
            f"A = {_period_label(first['period_a'])} ({first['items_a']:,} items), "
            f"B = {_period_label(first['period_b'])} ({first['items_b']:,} items)"
        )
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(
                "change:Q",
                axis=alt.Axis(
                    format=".0%",
                    labelExpr="(datum.value > 0 ? '+' : '') + datum.label",  # 0% unsigned
                    title="Change in share of the items (B − A)",
                ),
            ),
            y=alt.Y(
                "topic:N",
                sort=alt.EncodingSortField("change", order="descending"),
                axis=category_axis("Topic"),
            ),
            color=alt.Color(
                "direction:N",
                scale=alt.Scale(domain=["rose", "fell"], range=[ROSE_COLOUR, FELL_COLOUR]),
                legend=alt.Legend(title="Share"),
            ),
            tooltip=[
                alt.Tooltip("topic:N", title="Topic"),
                alt.Tooltip("share_a:Q", title="Share in A", format=".1%"),
                alt.Tooltip("share_b:Q", title="Share in B", format=".1%"),
                alt.Tooltip("n_a:Q", title="Items in A", format=","),
                alt.Tooltip("n_b:Q", title="Items in B", format=","),
            ],
        )
        .properties(width=WIDTH, height=bars_height(len(frame)), autosize=FIT_WIDTH)
    )
    title = "Topics that rose and fell: share of items, period A vs B"
    if frame.empty:
        return empty_note(bars, frame, title)
    return bars.properties(title=alt.Title(title, subtitle=[periods]))


def _period_label(text: str) -> str:
    """``"2022-03..2022-05"`` -> ``"Mar 2022 – May 2022"``; one month -> ``"Mar 2022"``."""
    start, end = (f"{day:%b %Y}" for day in parse_period(text))
    return start if start == end else f"{start} – {end}"
