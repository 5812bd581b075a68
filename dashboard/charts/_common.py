"""Shared chart conventions: sizes, axes, fixed colours, human labels, the data guard.

Every chart draws every category label in full (no ``labelOverlap`` dropping, no ``…``
cuts: ``labelLimit=0``) and sizes itself to its number of categories; time axes carry
years; counts have whole-number ticks and thousands separators; each side has one colour
and each kind one mark shape on every chart and under every filter (:mod:`dashboard.labels`).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from .. import labels

# A readable default size; the app stretches charts to the column width anyway.
WIDTH = 640
HEIGHT = 320
# Pixels per bar or row of a category axis.
STEP = 20
# A single or layered view stretched to the app's column keeps its height for the plot:
# Streamlit's default ("fit") squeezes axes, title and plot into the given height, and a
# bar chart of a few categories collapsed to one line. ``width`` is then the whole chart's.
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")
# At most this many ticks on a count axis.
MAX_COUNT_TICKS = 8


def data(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy altair serialises to valid JSON, codes shown by their labels.

    Missing values become null, never NaN: altair 6 turns missing values of pandas 3's
    default ``str`` and of ``object`` columns into NaN (invalid JSON that vl-convert
    rejects), but handles the nullable ``string`` dtype; so text columns are cast to
    ``string``. Numbers and datetimes are left alone. Side, kind, group, per and scope
    codes become their labels ("Killed or injured", "United States").
    """
    out = labels.labelled(frame)
    for col in out.columns:
        dtype = out[col].dtype
        if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
            continue
        if pd.api.types.is_bool_dtype(dtype):
            continue
        out[col] = out[col].astype("string")
    return out


def empty_note(chart: alt.Chart, frame: pd.DataFrame, title: str) -> alt.Chart:
    """An empty frame still gives a chart with its title and axes (no error, no blank)."""
    if frame.empty:
        return chart.properties(
            title=alt.TitleParams(title, subtitle=["no data under these filters"])
        )
    return chart.properties(title=title)


def count_axis(values: pd.Series, title: str | None = None) -> alt.Axis:
    """An axis for whole counts: "1,200", and no 0.5 ticks when the counts are small.

    (Vega's ``tickMinStep`` is ignored by the renderer vl-convert ships, so the tick count
    is capped at the largest count instead.)
    """
    top = pd.to_numeric(values, errors="coerce").max()
    ticks = int(min(max(top, 1), MAX_COUNT_TICKS)) if pd.notna(top) else MAX_COUNT_TICKS
    return alt.Axis(format=",d", tickCount=ticks, title=title)


# Labels of whole numbers only: a panel of small counts would otherwise read "0 0.5 1".
WHOLE_LABELS = "datum.value % 1 ? '' : format(datum.value, ',d')"


def people_axis(title: str = "People (reported)", log: bool = False) -> alt.Axis:
    """People counts: whole numbers with thousands separators; on a log scale, few ticks
    (Vega would label every minor tick, "3040 50 70 90")."""
    if log:
        return alt.Axis(format=",d", tickCount=6, labelOverlap="greedy", title=title)
    return alt.Axis(format=",d", tickMinStep=1, labelExpr=WHOLE_LABELS, title=title)


def time_axis(dates: pd.Series, title: str | None = None) -> alt.Axis:
    """A time axis whose labels carry the year: "2023" over several years, "Mar 2023" over
    months, "5 Mar 2023" over weeks."""
    dates = pd.to_datetime(dates, errors="coerce").dropna()
    days = (dates.max() - dates.min()).days if len(dates) else 0
    if days > 3 * 365:
        fmt, unit = "%Y", "year"
    elif days > 90:
        fmt, unit = "%b %Y", "month"
    else:
        fmt, unit = "%-d %b %Y", None
    axis = {"format": fmt, "labelOverlap": True, "labelAngle": 0, "title": title}
    if unit:
        axis["tickCount"] = {"interval": unit, "step": 1 if unit == "year" or days < 800 else 3}
    return alt.Axis(**axis)


def bars_height(n: int) -> int:
    """Height of a bar chart of ``n`` categories: a row each, never a sliver."""
    return max(HEIGHT // 2, STEP * n)


def category_axis(title: str | None, **extra) -> alt.Axis:
    """Every label drawn, in full."""
    return alt.Axis(title=title, labelLimit=0, labelOverlap=False, **extra)


def _present(frame: pd.DataFrame, field: str):
    """The labels of ``field`` in ``frame``, in the fixed order (a legend lists only these);
    with none, the scale's own legend."""
    have = set(frame[field]) if field in frame else set()
    return [v for v in labels.domain(field) if v in have] or alt.Undefined


def by_side(frame: pd.DataFrame, title: str = "Side") -> alt.Color:
    """Colour by side: fixed colours, a legend of the sides present."""
    colours = labels.side_colours()
    return alt.Color(
        "side:N",
        title=title,
        scale=alt.Scale(domain=list(colours), range=list(colours.values())),
        legend=alt.Legend(values=_present(frame, "side"), symbolType="circle"),
    )


def by_kind(frame: pd.DataFrame, title: str = "Kind") -> alt.Shape:
    """Mark shape by kind: fixed shapes, a legend of the kinds present."""
    shapes = labels.kind_shapes()
    return alt.Shape(
        "kind:N",
        title=title,
        scale=alt.Scale(domain=list(shapes), range=list(shapes.values())),
        legend=alt.Legend(values=_present(frame, "kind")),
    )


def break_gaps(frame: pd.DataFrame, x: str, series: str, y: str) -> pd.DataFrame:
    """``frame`` (``x`` as datetimes) plus a row with a missing ``y`` inside every gap of a
    series longer than the data's own step, so a line (``invalid="break-paths-show-domains"``)
    stops there instead of joining periods months apart as a steady trend."""
    if frame.empty:
        return frame
    ordered = frame.assign(**{x: pd.to_datetime(frame[x])}).sort_values([series, x])
    steps = ordered[x].drop_duplicates().sort_values().diff().dropna()
    if steps.empty:
        return ordered
    step = steps.min()
    gap = ordered.groupby(series)[x].diff() > step * 1.5
    breaks = ordered[gap].assign(**{x: ordered.loc[gap, x] - step, y: None})
    return pd.concat([ordered, breaks]).sort_values([series, x]).reset_index(drop=True)
