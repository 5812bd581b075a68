"""Casualty charts: figures over time (one panel per measure) and claimant ranges."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ._common import HEIGHT, WIDTH, data, empty_note

# Panel labels above each panel (not beside it), so the chart keeps its width.
HEADER = alt.Header(
    labelAngle=0,
    labelAlign="left",
    labelAnchor="start",
    labelOrient="top",
    labelFontWeight="bold",
    labelFontSize=12,
)


def casualties_over_time_chart(frame: pd.DataFrame) -> alt.Chart:
    """Lines per side (colour) and kind (dash), one row per measure with its own y scale.

    Per-event figures, daily rates, monthly figures and cumulative totals are different
    quantities: they get separate panels and are never summed into one line (frame from
    ``views.casualties_over_time``).
    """
    chart = (
        alt.Chart(data(frame))
        .mark_line(point=True)
        .encode(
            x=alt.X("period:T", title="Period (start date)"),
            y=alt.Y("value:Q", title="People (reported)"),
            color=alt.Color("side:N", title="Side"),
            strokeDash=alt.StrokeDash(
                "kind:N", title="Kind", legend=alt.Legend(symbolType="stroke")
            ),
            detail="kind:N",
            tooltip=[
                alt.Tooltip("period:T", title="Period from"),
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("side:N", title="Side"),
                alt.Tooltip("kind:N", title="Kind"),
                alt.Tooltip("value:Q", title="People", format=","),
                alt.Tooltip("n_figures:Q", title="Figures"),
            ],
        )
        .properties(width=WIDTH, height=HEIGHT // 2)
        .facet(row=alt.Row("measure:N", title=None, header=HEADER))
        .resolve_scale(y="independent")
    )
    return empty_note(chart, frame, "Casualty figures over time, by measure")


def claimant_ranges_chart(frame: pd.DataFrame) -> alt.Chart:
    """Ranges (lowest to highest figure) per claimant, one panel per side · kind · per.

    Frame from ``views.claimant_ranges``: compares, e.g., one ministry's totals with
    another's for the same side and kind.
    """
    base = alt.Chart(data(frame)).encode(
        y=alt.Y("claimant:N", title="Claimant"),
        tooltip=[
            alt.Tooltip("claimant:N", title="Claimant"),
            alt.Tooltip("comparison:N", title="Side · kind · per"),
            alt.Tooltip("low:Q", title="Lowest", format=","),
            alt.Tooltip("high:Q", title="Highest", format=","),
            alt.Tooltip("n_figures:Q", title="Figures"),
        ],
    )
    rule = base.mark_rule(strokeWidth=3).encode(
        x=alt.X("low:Q", title="People (reported)"),
        x2="high:Q",
        color=alt.Color("claimant:N", legend=None),
    )
    low = base.mark_point(filled=True, size=60).encode(
        x="low:Q", color=alt.Color("claimant:N", legend=None)
    )
    high = base.mark_point(filled=True, size=60, shape="diamond").encode(
        x="high:Q", color=alt.Color("claimant:N", legend=None)
    )
    chart = (
        alt.layer(rule, low, high)
        .properties(width=WIDTH - 160, height=alt.Step(24))
        .facet(row=alt.Row("comparison:N", title=None, header=HEADER))
        .resolve_scale(x="independent", y="independent")
    )
    return empty_note(chart, frame, "Claimants compared: range of figures given")
