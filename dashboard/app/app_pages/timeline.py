"""Timeline: dated events as a chart, then as a chronological list grouped by month."""

import streamlit as st

from dashboard import labels, views
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
    st.subheader("Events by month", anchor=False)
    events = state.view("timeline_list", filters)
    months = events.groupby("period", sort=True)["n_month"].first()
    st.caption(
        f"Each date written in the filtered items, in date order (year-only dates left out). "
        f"The latest {views.LIST_MONTHS} months with events are listed, at most "
        f"{views.EVENTS_PER_MONTH} events each; narrow the dates to see earlier ones."
    )
    if events.empty:
        st.info("No dated events under these filters.")
    for period, n_month in months.items():
        rows = events[events["period"] == period]
        more = f" (first {len(rows):,} listed)" if n_month > len(rows) else ""
        label = f"{period:%B %Y} · {labels.counted(n_month, 'event')}{more}"
        with st.expander(label, expanded=period == months.index[-1]):  # the latest open
            layout.table(rows[["date", "phrase", "sentence", "title", "source"]])
