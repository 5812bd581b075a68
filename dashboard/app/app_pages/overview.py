"""Overview: counts, date span, sources, the latest items, and a small version of each page's charts."""

import pandas as pd
import streamlit as st

from dashboard.app import layout, state
from dashboard.app.markup import escape_markdown

st.title("Overview")
filters = state.current_filters()
if layout.require_data():
    stats = state.view("overview_stats", filters).iloc[0]
    c1, c2, c3, c4, c5, c6 = st.columns([1, 1.5, 1.5, 1, 1.2, 1])
    c1.metric("Items", f"{int(stats.n_items):,}")
    dated = bool(stats.n_items) and pd.notna(stats.first_date)
    c2.metric(f"First {filters.date_field} date", f"{stats.first_date:%Y-%m-%d}" if dated else "—")
    c3.metric(f"Last {filters.date_field} date", f"{stats.last_date:%Y-%m-%d}" if dated else "—")
    c4.metric("Sources", f"{int(stats.n_sources):,}")
    c5.metric("Casualty figures", f"{int(stats.n_figures):,}")
    c6.metric("Places", f"{int(stats.n_places):,}")
    st.caption(f"Filters: {escape_markdown(filters.describe())}")

    left, right = st.columns(2)
    with left:
        layout.chart("item_counts", filters)
    with right:
        layout.chart("topic_frequency", filters)
    left, right = st.columns([3, 2])
    with left:
        layout.chart("place_map", filters)
    with right:
        st.subheader("Latest items", anchor=False)
        layout.table(state.view("latest_items", filters).drop(columns=["item_id"]))
    # Faceted charts do not shrink to a column: full width.
    layout.chart("casualties_over_time", filters)
    layout.chart("items_per_source", filters)
