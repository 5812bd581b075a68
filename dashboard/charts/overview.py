"""Overview charts: items per source."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ._common import FIT_WIDTH, WIDTH, bars_height, category_axis, count_axis, data, empty_note

# The selection a click on a source's bar makes (the app turns it into the source filter).
SOURCE_SELECTION = "source_pick"


def source_chart(frame: pd.DataFrame) -> alt.Chart:
    """Horizontal bars: items per source (frame from ``views.items_per_source``)."""
    frame = data(frame)
    chart = (
        alt.Chart(frame)
        .mark_bar(cursor="pointer")
        .encode(
            x=alt.X("n_items:Q", axis=count_axis(frame["n_items"], "Items (count)")),
            y=alt.Y("source:N", sort="-x", axis=category_axis("Source")),
            tooltip=[
                alt.Tooltip("source:N", title="Source"),
                alt.Tooltip("n_items:Q", title="Items", format=","),
            ],
        )
        .add_params(alt.selection_point(name=SOURCE_SELECTION, fields=["source"], on="click"))
        .properties(width=WIDTH, height=bars_height(len(frame)), autosize=FIT_WIDTH)
    )
    return empty_note(chart, frame, "Items per source")
