"""Casualty figures: the table with evidence and links, claims over time, claimants compared."""

import streamlit as st

from dashboard.app import layout, markup, state

st.title("Casualty figures")
filters = state.current_filters()
if layout.require_data():
    figures = state.view("casualty_figures", filters)
    total = state.view("figure_total", filters)
    shown = "" if total == len(figures) else f", the latest {len(figures):,} in the table"
    st.caption(
        f"{total:,} figures{shown} · {markup.escape_markdown(filters.describe('figure'))} · the "
        "figure is marked »like this« in its sentence; select a row to see it highlighted."
    )
    picked = layout.figures_table(figures)
    if picked is not None:
        st.markdown(markup.highlight_quote(picked["sentence"], picked["quote"]))
    layout.chart("casualty_totals", filters)
    layout.chart("casualty_rates", filters)
    freq, count = layout.granularity("casualties_freq"), layout.count_unit("casualties_count")
    layout.chart("casualties_over_time", filters, freq=freq, count=count)
    st.caption(
        "Three measures, never added together: each claimant's cumulative totals (a step "
        "line holds their latest figure until the next), daily rates as claimed, and figures "
        "of single events, summed per period (a figure near copies of one story repeat "
        "counts once, unless Count is items)."
    )
    layout.chart("claimant_ranges", filters)
