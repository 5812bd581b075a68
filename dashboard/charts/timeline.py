"""Timeline charts: events as stacked dots per period, and items per period."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ._common import HEIGHT, WIDTH, count_axis, data, empty_note


def timeline_chart(frame: pd.DataFrame) -> alt.Chart:
    """Dots: one per dated event, stacked within its period (frame from ``views.timeline_events``).

    Hovering shows the item's title and the sentence with the date expression.
    """
    chart = (
        alt.Chart(data(frame))
        .mark_circle(size=40, opacity=0.75)
        .encode(
            x=alt.X("period:T", title="Period (start date)"),
            y=alt.Y(
                "slot:Q", title="Events in the period (stacked)", axis=count_axis(frame["slot"])
            ),
            color=alt.Color("precision:N", title="Date precision"),
            tooltip=[
                alt.Tooltip("date:T", title="Date"),
                alt.Tooltip("phrase:N", title="Written as"),
                alt.Tooltip("title:N", title="Item"),
                alt.Tooltip("sentence:N", title="Sentence"),
                alt.Tooltip("source:N", title="Source"),
            ],
        )
        .properties(width=WIDTH, height=HEIGHT)
    )
    return empty_note(chart, frame, "Events on a time axis")


def item_counts_chart(frame: pd.DataFrame) -> alt.Chart:
    """Bars: items per period (frame from ``views.item_counts``)."""
    chart = (
        alt.Chart(data(frame))
        .mark_bar()
        .encode(
            x=alt.X("period:T", title="Period (start date)"),
            y=alt.Y("n_items:Q", title="Items (count)", axis=count_axis(frame["n_items"])),
            tooltip=[
                alt.Tooltip("period:T", title="Period from"),
                alt.Tooltip("n_items:Q", title="Items"),
            ],
        )
        .properties(width=WIDTH, height=HEIGHT * 2 // 3)
    )
    return empty_note(chart, frame, "Items per period")
