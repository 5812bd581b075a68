"""Topic charts: frequency, over time, co-occurrence, discovered topics."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ._common import HEIGHT, WIDTH, count_axis, data, empty_note


def topic_frequency_chart(frame: pd.DataFrame) -> alt.Chart:
    """Bars: items per topic, coloured by origin (frame from ``views.topic_counts``)."""
    chart = (
        alt.Chart(data(frame))
        .mark_bar()
        .encode(
            x=alt.X("n_items:Q", title="Items (count)", axis=count_axis(frame["n_items"])),
            y=alt.Y("topic:N", sort="-x", title="Topic"),
            color=alt.Color(
                "origin:N", title="Origin", scale=alt.Scale(domain=["taxonomy", "discovered"])
            ),
            tooltip=[
                alt.Tooltip("topic:N", title="Topic"),
                alt.Tooltip("origin:N", title="Origin"),
                alt.Tooltip("n_items:Q", title="Items"),
            ],
        )
        .properties(width=WIDTH, height=max(HEIGHT, 18 * len(frame)))
    )
    return empty_note(chart, frame, "Topic frequency")


def topics_over_time_chart(frame: pd.DataFrame) -> alt.Chart:
    """Lines: items per period and topic (frame from ``views.topics_over_time``)."""
    chart = (
        alt.Chart(data(frame))
        .mark_line(point=True)
        .encode(
            x=alt.X("period:T", title="Period (start date)"),
            y=alt.Y("n_items:Q", title="Items (count)", axis=count_axis(frame["n_items"])),
            color=alt.Color("topic:N", title="Topic"),
            tooltip=[
                alt.Tooltip("period:T", title="Period from"),
                alt.Tooltip("topic:N", title="Topic"),
                alt.Tooltip("n_items:Q", title="Items"),
            ],
        )
        .properties(width=WIDTH, height=HEIGHT)
    )
    return empty_note(chart, frame, "Topics over time")


def topic_cooccurrence_chart(frame: pd.DataFrame) -> alt.Chart:
    """Heatmap: items carrying both topics (frame from ``views.topic_cooccurrence``)."""
    base = alt.Chart(data(frame)).encode(
        x=alt.X("topic_a:N", title="Topic", axis=alt.Axis(labelAngle=-40)),
        y=alt.Y("topic_b:N", title="Topic"),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("n_items:Q", title="Items with both", scale=alt.Scale(scheme="blues")),
        tooltip=[
            alt.Tooltip("topic_a:N", title="Topic"),
            alt.Tooltip("topic_b:N", title="and topic"),
            alt.Tooltip("n_items:Q", title="Items with both"),
        ],
    )
    labels = base.mark_text(fontSize=10).encode(text="n_items:Q")
    chart = alt.layer(cells, labels).properties(width=WIDTH - 120, height=WIDTH - 120)
    return empty_note(chart, frame, "Topic co-occurrence (items carrying both)")


def discovered_topics_chart(frame: pd.DataFrame) -> alt.Chart:
    """Bars: items per discovered topic, top terms in the tooltip and the labels."""
    frame = data(frame)
    frame["label"] = [
        f"{t}: {terms}"[:70] for t, terms in zip(frame["topic"], frame["top_terms"], strict=True)
    ]
    chart = (
        alt.Chart(frame)
        .mark_bar(color="#8c6bb1")
        .encode(
            x=alt.X("n_items:Q", title="Items (count)", axis=count_axis(frame["n_items"])),
            y=alt.Y(
                "label:N", sort=alt.EncodingSortField("rank"), title="Discovered topic: top terms"
            ),
            tooltip=[
                alt.Tooltip("topic:N", title="Topic"),
                alt.Tooltip("top_terms:N", title="Top terms"),
                alt.Tooltip("n_items:Q", title="Items (filtered)"),
                alt.Tooltip("n_items_all:Q", title="Items (all)"),
            ],
        )
        .properties(width=WIDTH, height=max(HEIGHT // 2, 22 * len(frame)))
    )
    return empty_note(chart, frame, "Discovered topics")
