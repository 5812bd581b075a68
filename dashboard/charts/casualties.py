"""Casualty charts: single-event figures summed, claims as series, claimants compared.

Three measures are never mixed: figures of single events (summed per period), cumulative
totals (each claimant's step line of their latest figure) and daily rates (points).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from .. import labels
from ..views import UNATTRIBUTED
from ._common import (
    FIT_WIDTH,
    STEP,
    by_kind,
    by_side,
    category_axis,
    data,
    empty_note,
    people_axis,
    time_axis,
)

# Claimants in order of their number of figures (no one claimant's colour is fixed: the
# claimants shown depend on the filters).
CLAIMANT_COLOURS = ("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7",
                    "#9c755f", "#e15759", "#bab0ac")  # fmt: skip
# Figures run from one person to hundreds of thousands.
LOG = alt.Scale(type="log")
# Casualty charts are full width: faceted charts do not stretch to a column in the app, so
# their plot is sized to fit the main column of a 1400 px window beside the sidebar.
WIDE = 760
PANEL_HEIGHT = 170
# Panel labels above each panel (not beside it), so the chart keeps its width.
HEADER = alt.Header(
    labelAngle=0,
    labelAlign="left",
    labelAnchor="start",
    labelOrient="top",
    labelFontWeight="bold",
    labelFontSize=12,
    labelLimit=0,
)


# Panels in order of their numbers, largest first, so the biggest numbers on screen are on
# top: the kinds by the people they sum, the claim series by their largest total.
MOST_PEOPLE_FIRST = alt.EncodingSortField("value", op="sum", order="descending")
LARGEST_FIRST = alt.EncodingSortField("value", op="max", order="descending")


def casualties_over_time_chart(frame: pd.DataFrame) -> alt.Chart:
    """Bars: people in single-event figures per period, stacked by side, a panel per kind
    (frame from ``views.casualties_over_time``)."""
    frame = data(frame)
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("period:T", axis=time_axis(frame["period"], "Period (start date)")),
            y=alt.Y("value:Q", axis=people_axis("People (summed)")),
            color=by_side(frame),
            tooltip=[
                alt.Tooltip("period:T", title="Period from", format="%-d %b %Y"),
                alt.Tooltip("side:N", title="Side"),
                alt.Tooltip("kind:N", title="Kind"),
                alt.Tooltip("value:Q", title="People", format=","),
                alt.Tooltip("n_figures:Q", title="Figures", format=","),
            ],
        )
        .properties(width=WIDE, height=PANEL_HEIGHT)
        .facet(row=alt.Row("kind:N", title=None, header=HEADER, sort=MOST_PEOPLE_FIRST))
        .resolve_scale(y="independent")
    )
    return empty_note(chart, frame, "Casualties in single events, summed per period")


def casualty_totals_chart(frame: pd.DataFrame) -> alt.Chart:
    """Step lines: each claimant's cumulative totals, held until their next claim, a panel
    per side · kind, on a log scale (totals run from a town's toll to a war's); unattributed
    totals are points only, since they are no one's series (frame from
    ``views.casualty_claims`` with ``per="total"``)."""
    frame = data(frame)
    base = alt.Chart(frame).encode(
        x=alt.X("date:T", axis=time_axis(frame["date"], "Date of the claim")),
        y=alt.Y(
            "value:Q",
            axis=people_axis("People (cumulative total, log scale)", log=True),
            scale=LOG,
        ),
        color=_claimant_color(frame),
        tooltip=_claim_tooltip(),
    )
    lines = base.mark_line(interpolate="step-after").transform_filter(
        alt.datum.claimant != UNATTRIBUTED
    )
    chart = (
        alt.layer(lines, base.mark_point(filled=True, size=40))
        .properties(width=WIDE, height=PANEL_HEIGHT)
        .facet(row=alt.Row("series:N", title=None, header=HEADER, sort=LARGEST_FIRST))
        .resolve_scale(y="independent")
    )
    return empty_note(chart, frame, "Cumulative totals claimed, by claimant")


def claims_reference_chart(frame: pd.DataFrame) -> alt.Chart:
    """Each claimant's cumulative totals (step lines) beside each dataset's running sum of
    single-event counts (dashed, with its low–high band), a panel per side · kind, log scale
    (frame from ``views.claims_with_reference``)."""
    frame = data(frame)
    x = alt.X("date:T", axis=time_axis(frame["date"], "Date of the claim or event"))
    y = alt.Y("value:Q", axis=people_axis("People (cumulative, log scale)", log=True), scale=LOG)
    color = _claimant_color(frame)
    claimed = alt.Chart(frame).transform_filter(alt.datum.measure == "claimed total")
    summed = alt.Chart(frame).transform_filter(alt.datum.measure != "claimed total")
    lines = (
        claimed.mark_line(interpolate="step-after")
        .encode(x=x, y=y, color=color, tooltip=_claim_tooltip())
        .transform_filter(alt.datum.claimant != UNATTRIBUTED)
    )
    points = claimed.mark_point(filled=True, size=40).encode(
        x=x, y=y, color=color, tooltip=_claim_tooltip()
    )
    band = summed.mark_area(opacity=0.15).encode(
        x=x, y=alt.Y("low:Q", scale=LOG), y2="high:Q", color=color
    )
    sums = summed.mark_line(strokeDash=[6, 3]).encode(x=x, y=y, color=color, tooltip=_sum_tooltip())
    chart = (
        # the points first: the legend takes its swatches from the first layer (the faint
        # band made them pale)
        alt.layer(points, band, sums, lines)
        .properties(width=WIDE, height=PANEL_HEIGHT)
        .facet(row=alt.Row("series:N", title=None, header=HEADER, sort=LARGEST_FIRST))
        .resolve_scale(y="independent")
    )
    return empty_note(chart, frame, "Claimed totals and the datasets' sums of events")


def _sum_tooltip() -> list:
    return [
        alt.Tooltip("date:T", title="Up to", format="%-d %b %Y"),
        alt.Tooltip("claimant:N", title="Dataset"),
        alt.Tooltip("value:Q", title="People (best estimates)", format=","),
        alt.Tooltip("low:Q", title="Low", format=","),
        alt.Tooltip("high:Q", title="High", format=","),
        alt.Tooltip("n_figures:Q", title="Events so far", format=","),
    ]


def _claimant_color(frame: pd.DataFrame) -> alt.Color:
    """Claimants in order of their number of figures; unattributed in grey, last."""
    order = frame.groupby("claimant")["n_figures"].sum().sort_values(ascending=False).index
    named = [c for c in order if c != UNATTRIBUTED]
    domain = [*named, UNATTRIBUTED] if UNATTRIBUTED in set(order) else named
    palette = [*CLAIMANT_COLOURS[: len(named)], labels.UNKNOWN_COLOUR]
    return alt.Color(
        "claimant:N",
        title="Claimant",
        scale=alt.Scale(domain=domain, range=palette[: len(domain)]),
        legend=alt.Legend(labelLimit=0, orient="bottom", columns=3),
    )


def casualty_rates_chart(frame: pd.DataFrame) -> alt.Chart:
    """Points: daily rates claimed, coloured by side, shaped by kind (frame from
    ``views.casualty_claims`` with ``per="day"``)."""
    frame = data(frame)
    chart = (
        alt.Chart(frame)
        .mark_point(filled=True, size=60, opacity=0.8)
        .encode(
            x=alt.X("date:T", axis=time_axis(frame["date"], "Date of the claim")),
            y=alt.Y("value:Q", axis=people_axis("People per day (claimed)")),
            color=by_side(frame),
            shape=by_kind(frame),
            tooltip=_claim_tooltip(),
        )
        .properties(width=WIDE, height=PANEL_HEIGHT + 40, autosize=FIT_WIDTH)
    )
    return empty_note(chart, frame, "Daily rates claimed")


def _claim_tooltip() -> list:
    return [
        alt.Tooltip("date:T", title="Date", format="%-d %b %Y"),
        alt.Tooltip("claimant:N", title="Claimant"),
        alt.Tooltip("side:N", title="Side"),
        alt.Tooltip("kind:N", title="Kind"),
        alt.Tooltip("value:Q", title="People", format=","),
        alt.Tooltip("n_figures:Q", title="Figures that day"),
    ]


def claimant_ranges_chart(frame: pd.DataFrame) -> alt.Chart:
    """Ranges (lowest to highest figure) per claimant, one panel per side · kind · per.

    Frame from ``views.claimant_ranges``: compares, e.g., one ministry's totals with
    another's for the same side and kind.
    """
    frame = data(frame)
    base = alt.Chart(frame).encode(
        y=alt.Y("claimant:N", axis=category_axis(None), sort="-x"),
        tooltip=[
            alt.Tooltip("claimant:N", title="Claimant"),
            alt.Tooltip("comparison:N", title="Side · kind · per"),
            alt.Tooltip("low:Q", title="Lowest", format=","),
            alt.Tooltip("high:Q", title="Highest", format=","),
            alt.Tooltip("n_figures:Q", title="Figures"),
        ],
    )
    rule = base.mark_rule(strokeWidth=3, color="#555555").encode(
        x=alt.X("low:Q", axis=people_axis("People (reported, log scale)", log=True), scale=LOG),
        x2="high:Q",
    )
    low = base.mark_point(filled=True, size=60, color="#555555").encode(x="low:Q")
    high = base.mark_point(filled=True, size=70, shape="diamond", color="#111111").encode(
        x="high:Q"
    )
    count = base.mark_text(align="left", dx=8, fontSize=10, color="#555555").encode(
        x="high:Q", text=alt.Text("n_figures:Q", format=",")
    )
    chart = (
        alt.layer(rule, low, high, count)
        .properties(width=WIDE - 300, height=alt.Step(STEP + 4))
        .facet(row=alt.Row("comparison:N", title=None, header=HEADER))
        .resolve_scale(x="independent", y="independent")
    )
    return empty_note(chart, frame, "Claimants compared: lowest to highest figure (and how many)")
