"""Overview: counts, date span, sources, the latest items, and a small version of each page's charts."""

import streamlit as st

from dashboard.app import layout, state
from dashboard.app.markup import escape_markdown

st.title("Overview")
filters = state.current_filters()
if layout.require_data():
    stats = state.view("overview_stats", filters).iloc[0]
    c1, c2, c3, c4, c5 = st.columns([1, 2, 1, 1, 1])
    c1.metric("Items", f"{int(stats.n_items):,}")
    span = (
        f"{stats.first_date:%Y-%m-%d} – {stats.last_date:%Y-%m-%d}"
        if stats.n_items and stats.first_date == stats.first_date
        else "—"
    )
    c2.metric(f"Span ({filters.date_field} date)", span)
    c3.metric("Sources", f"{int(stats.n_sources):,}")
    c4.metric("Casualty figures", f"{int(stats.n_figures):,}")
    c5.metric("Places", f"{int(stats.n_places):,}")
    st.caption(f"Filters: {escape_markdown(filters.describe())}")

    left, right = st.columns(2)
    with left:
        layout.chart("item_counts", filters)
        layout.chart("place_map", filters)
    with right:
        layout.chart("topic_frequency", filters)
    # Faceted charts do not shrink to a column: full width.
    layout.chart("casualties_over_time", filters)
    left, right = st.columns(2)
    with left:
        st.subheader("Latest items")
        st.dataframe(
            state.view("latest_items", filters).drop(columns=["item_id"]),
            hide_index=True,
            width="stretch",
            column_config={"date": st.column_config.DateColumn("Date", format="YYYY-MM-DD")},
        )
    with right:
        layout.chart("items_per_source", filters)
