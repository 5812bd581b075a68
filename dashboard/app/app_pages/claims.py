"""Claims: for one side and kind, each claimant's totals and rates over time, a table per
claimant, and the claims that do not add up, with their sentences."""

import streamlit as st

from dashboard.app import layout, state

st.title("Claims")
filters = state.current_filters()
if layout.require_data():
    picked = layout.claim_pickers(filters)
    # one query for the table and the flags (views.claimant_table and claim_flags each run it)
    table, flags = state.claim_tables(picked)
    layout.chart("claims_reference", picked)
    st.caption(
        "Lines: each claimant's running totals. Dashed: a dataset's deaths per event "
        "(UCDP GED's own counts) summed from the first day in the filters, its low–high "
        "range shaded; a claim 'since the invasion' compares when From is 2022-02-24."
    )
    layout.chart("casualty_rates", picked)
    st.subheader("Claimants", anchor=False)
    st.caption(
        "Named claimants' totals; the average per day is the change between consecutive "
        "totals (empty with a single claim). A dataset's row sums its counts of events."
    )
    layout.table(table)
    st.subheader("What does not add up", anchor=False)
    st.caption(
        "A total going down, a daily rate against the claimant's own totals, claimants "
        "more than threefold apart in a month, an outlier, a figure many items repeat "
        "(counted once). Rules and tolerances: dashboard/claims.py."
    )
    layout.flags_table(flags)
