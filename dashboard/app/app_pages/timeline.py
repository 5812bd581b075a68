"""Timeline: dated events stacked per period (hover for the item and sentence), items per period."""

import streamlit as st

from dashboard.app import layout, state

st.title("Timeline")
filters = state.current_filters()
if layout.require_data():
    freq = layout.granularity("timeline_freq")
    layout.chart("timeline", filters, freq=freq)
    st.caption(
        "One dot per date expression in the items; hover a dot for the item and its sentence."
    )
    layout.chart("item_counts", filters, freq=freq)
