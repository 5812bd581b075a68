"""Timeline charts: events as stacked dots per period, and items per period."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ._common import FIT_WIDTH, HEIGHT, WIDTH, count_axis, data, empty_note, time_axis

# Date precisions in a fixed order, so each keeps its colour under every filter.
PRECISIONS = ["day", "range", "month"]


def timeline_chart(frame: pd.DataFrame) -> alt.Chart:
    """Dots: one per dated event, stacked within its period (frame from ``views.timeline_events``).

    Hovering shows the item's title and the sentence with the date expression.
    """
    frame = data(frame)
    chart = (
        alt.Chart(frame)
        .mark_circle(size=40, opacity=0.75)
        .encode(
            x=alt.X("period:T", axis=time_axis(frame["period"], "Period (start date)")),
            y=alt.Y("slot:Q", axis=count_axis(frame["slot"], "Events in the period (stacked)")),
            color=alt.Color(
                "precision:N",
                title="Date precision",
                scale=alt.Scale(domain=PRECISIONS),
            ),
            tooltip=[
                alt.Tooltip("date:T", title="Date", format="%-d %b %Y"),
                alt.Tooltip("phrase:N", title="Written as"),
                alt.Tooltip("title:N", title="Item"),
                alt.Tooltip("sentence:N", title="Sentence"),
                alt.Tooltip("source:N", title="Source"),
            ],
        )
        .properties(width=WIDTH, height=HEIGHT, autosize=FIT_WIDTH)
    )
    return empty_note(chart, frame, "Events on a time axis")


def item_counts_chart(frame: pd.DataFrame) -> alt.Chart:
    """Bars: items per period (frame from ``views.item_counts``)."""
    frame = data(frame)
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("period:T", axis=time_axis(frame["period"], "Period (start date)")),
            y=alt.Y("n_items:Q", axis=count_axis(frame["n_items"], "Items (count)")),
            tooltip=[
                alt.Tooltip("period:T", title="Period from", format="%-d %b %Y"),
                alt.Tooltip("n_items:Q", title="Items", format=","),
            ],
        )
        .properties(width=WIDTH, height=HEIGHT * 2 // 3, autosize=FIT_WIDTH)
    )
    return empty_note(chart, frame, "Items per period")
