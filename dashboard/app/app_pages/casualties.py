"""Casualty figures: the table with evidence, figures over time by measure, claimants compared."""

import pandas as pd
import streamlit as st

from dashboard.app import layout, markup, state

st.title("Casualty figures")
filters = state.current_filters()
if layout.require_data():
    figures = state.view("casualty_figures", filters)
    st.caption(
        f"{len(figures):,} figures · {markup.escape_markdown(filters.describe())} · the figure is marked »like this« "
        "in its sentence; select a row to see it highlighted."
    )
    table = figures.assign(
        evidence=[
            markup.mark_quote(s, q)
            for s, q in zip(figures["sentence"], figures["quote"], strict=True)
        ]
    )[
        [
            "value",
            "value_max",
            "kind",
            "side",
            "group",
            "per",
            "evidence",
            "claimant",
            "period_start",
            "period_end",
            "date",
            "title",
            "source",
            "item_id",
        ]
    ]
    picked = st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        key="figures_table",
        on_select="rerun",
        selection_mode="single-row",
        column_config={
            "value": st.column_config.NumberColumn("Value", format="%d"),
            "value_max": st.column_config.NumberColumn("Up to", format="%d"),
            "period_start": st.column_config.DateColumn("Period from", format="YYYY-MM-DD"),
            "period_end": st.column_config.DateColumn("Period to", format="YYYY-MM-DD"),
            "date": st.column_config.DateColumn("Item date", format="YYYY-MM-DD"),
            "evidence": st.column_config.TextColumn("Evidence sentence", width="large"),
        },
    )
    rows = picked.selection.rows if picked is not None else []
    if rows:
        row = figures.iloc[rows[0]]
        sentence, quote = row["sentence"] or "", row["quote"] or ""
        at = sentence.find(quote) if quote else -1
        marks = pd.DataFrame(
            {
                "start": [at] if at >= 0 else [],
                "end": [at + len(quote)] if at >= 0 else [],
                "mark": ["figure"] if at >= 0 else [],
            }
        )
        st.markdown(markup.highlight(sentence, marks))
    freq = layout.granularity("casualties_freq")
    layout.chart("casualties_over_time", filters, freq=freq)
    st.caption(
        "Per-event figures are summed per period; daily rates, monthly figures and cumulative "
        "totals are repeated by many items, so each period shows the largest one reported. "
        "Each measure has its own panel: they are never added together."
    )
    layout.chart("claimant_ranges", filters)
