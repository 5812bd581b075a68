"""Overview charts: items per source."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ._common import HEIGHT, WIDTH, count_axis, data, empty_note


def source_chart(frame: pd.DataFrame) -> alt.Chart:
    """Horizontal bars: items per source (frame from ``views.items_per_source``)."""
    chart = (
        alt.Chart(data(frame))
        .mark_bar()
        .encode(
            x=alt.X("n_items:Q", title="Items (count)", axis=count_axis(frame["n_items"])),
            y=alt.Y("source:N", sort="-x", title="Source"),
            tooltip=[
                alt.Tooltip("source:N", title="Source"),
                alt.Tooltip("n_items:Q", title="Items"),
            ],
        )
        .properties(width=WIDTH, height=HEIGHT)
    )
    return empty_note(chart, frame, "Items per source")
