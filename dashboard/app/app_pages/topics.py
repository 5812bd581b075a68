"""Topics: frequency, over time, co-occurrence, and the topics discovered in the corpus."""

import streamlit as st

from dashboard.app import layout, state

st.title("Topics")
filters = state.current_filters()
if layout.require_data():
    count = layout.count_unit("topics_count")  # above both charts: they start level
    left, right = st.columns(2)
    with left:
        layout.chart("topic_frequency", filters, count=count)
    with right:
        layout.chart("discovered_topics", filters)
        st.caption("Found in the corpus itself (TF-IDF + NMF); labels are their top terms.")
    st.subheader("Compare two periods", anchor=False)
    a, b = layout.period_pickers(filters)
    if a and b:
        layout.chart("topic_shift", filters, a=a, b=b)
    layout.chart("topic_cooccurrence", filters)
    freq = layout.granularity("topics_freq", default="month")
    layout.chart("topics_over_time", filters, freq=freq)
    st.subheader("Discovered topics and their terms")
    found = state.view("discovered_topics", filters)
    layout.table(
        found,
        {
            "rank": "Rank",
            "topic": "Topic",
            "top_terms": st.column_config.TextColumn("Top terms", width="large"),
            "n_items": st.column_config.NumberColumn("Items (filtered)", format="localized"),
            "n_items_all": st.column_config.NumberColumn("Items (all)", format="localized"),
        },
    )
