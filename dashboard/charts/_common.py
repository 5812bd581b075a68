"""Shared chart settings: sizes, labels and the frame -> altair data guard."""

from __future__ import annotations

import altair as alt
import pandas as pd

# A readable default size; the app stretches charts to the column width anyway.
WIDTH = 640
HEIGHT = 320
# At most this many ticks on a count axis.
MAX_COUNT_TICKS = 8


def data(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy altair serialises to valid JSON: missing values become null, never NaN.

    Altair 6 turns missing values of pandas 3's default ``str`` and of ``object`` columns
    into NaN (invalid JSON that vl-convert rejects), but handles the nullable ``string``
    dtype; so text columns are cast to ``string``. Numbers and datetimes are left alone.
    """
    out = frame.copy()
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


def count_axis(values: pd.Series) -> alt.Axis:
    """An axis for whole counts: no 0.5 ticks when the counts are small.

    (Vega's ``tickMinStep`` is ignored by the renderer vl-convert ships, so the tick count
    is capped at the largest count instead.)
    """
    top = pd.to_numeric(values, errors="coerce").max()
    ticks = int(min(max(top, 1), MAX_COUNT_TICKS)) if pd.notna(top) else MAX_COUNT_TICKS
    return alt.Axis(format="d", tickCount=ticks)
