"""Page building blocks: a chart with its download buttons, the empty-store notice."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from .. import labels
from ..charts import CHARTS, FORMATS, formats
from ..export import frame_csv, report_chart_bytes
from ..query import Filters
from . import markup, state

GRANULARITIES = ("day", "week", "month")
# Charts drawn at their own size: the map's projection has a fixed scale, the heatmap's
# cells a fixed size (squeezed to a column, its numbers run together).
FIXED_SIZE = {"place_map", "topic_cooccurrence"}
EMPTY_STORE = """\
**The store is empty.** Add news items to start:

- on the **Data** page, upload files (plain-text digests, CSV, JSON/JSONL, RSS/Atom) and
  press *Ingest*; or
- on the command line: `python -m dashboard ingest FILE... --as-of 2024-11-15 --store {store}`
  (or `make run`, which ingests the bundled sample).
"""


def require_data() -> bool:
    """Show how to start when the store is empty; True when there is data to show."""
    s = state.store()
    if s.exists():
        return True
    st.info(EMPTY_STORE.format(store=s.root))
    st.page_link("app_pages/data.py", label="Go to the Data page", icon=":material/upload:")
    return False


def granularity(key: str, default: str = "week") -> str:
    return st.radio(
        "Granularity", GRANULARITIES, index=GRANULARITIES.index(default), key=key, horizontal=True
    )


def chart_key(name: str) -> str:
    """The widget key of registry chart ``name``: its selection events live under it."""
    return f"chart_{name}"


def chart(
    name: str, filters: Filters, *, selection: str | None = None, on_select="rerun", **options
):
    """Draw registry chart ``name`` under ``filters`` with PNG/SVG/HTML/CSV downloads.

    With ``selection`` (a chart selection's name) the chart listens to it: ``on_select`` is
    "rerun" (the returned state holds the selection) or a callback run before the rerun
    (which reads the event from ``st.session_state[chart_key(name)]``).
    """
    spec = CHARTS[name]
    width = "content" if name in FIXED_SIZE else "stretch"
    frame = state.view(spec.view_fn.__name__, filters, **{**spec.options, **options})
    figure = spec.chart_fn(frame)
    listen = {"on_select": on_select, "selection_mode": selection} if selection else {}
    result = st.altair_chart(figure, width=width, key=chart_key(name), **listen)
    downloads(name, figure, frame, filters)
    return result


# Columns shown as calendar dates.
DATE_COLUMNS = ("date", "period_start", "period_end")


def table(frame: pd.DataFrame, special: dict | None = None, **kwargs):
    """``st.dataframe`` of ``frame`` as people read it: human headers, dates as YYYY-MM-DD,
    "—" for missing text; ``special`` adds or overrides column configs."""
    config = {c: labels.column_label(c) for c in frame.columns}
    config |= {
        c: st.column_config.DateColumn(labels.column_label(c), format="YYYY-MM-DD")
        for c in DATE_COLUMNS
        if c in frame.columns
    }
    text = [c for c in frame.columns if frame[c].dtype == object or frame[c].dtype == "string"]
    shown = frame.assign(**{c: frame[c].astype("string").fillna(labels.MISSING) for c in text})
    return st.dataframe(
        shown, hide_index=True, width="stretch", column_config=config | (special or {}), **kwargs
    )


# The casualty table's columns, in order.
FIGURE_COLUMNS = [
    "value", "value_max", "kind", "side", "group", "per", "evidence", "claimant",
    "period_start", "period_end", "date", "title", "source", "url",
]  # fmt: skip


def figures_table(figures: pd.DataFrame):
    """The casualty figures as a table (labels, evidence, the item and a link to the
    original); returns the selected figure's row, or None."""
    shown = labels.labelled(figures).assign(
        evidence=[
            markup.mark_quote(s, q)
            for s, q in zip(figures["sentence"], figures["quote"], strict=True)
        ],
        # "up to" is mostly empty: text, so an empty one reads "—"
        value_max=[f"{v:,.0f}" if pd.notna(v) else None for v in figures["value_max"]],
        url=markup.web_links(figures["url"]),
    )[FIGURE_COLUMNS]
    picked = table(
        shown,
        {
            "value": st.column_config.NumberColumn(
                labels.column_label("value"), format="localized"
            ),
            "date": st.column_config.DateColumn("Item date", format="YYYY-MM-DD"),
            "evidence": st.column_config.TextColumn("Evidence sentence", width="large"),
            "url": st.column_config.LinkColumn(labels.column_label("url"), display_text="open"),
        },
        key="figures_table",
        on_select="rerun",
        selection_mode="single-row",
    )
    rows = picked.selection.rows if picked is not None else []
    return figures.iloc[rows[0]] if rows else None


def downloads(name: str, figure, frame: pd.DataFrame, filters: Filters) -> None:
    """A "Download" popover; the files are made only when clicked (deferred data).

    Charts come from the exporter (same title and caption as ``dashboard export``), CSVs
    are guarded against formula injection.
    """
    title = CHARTS[name].title
    with st.popover("Download", width="content"):
        for fmt in formats(figure):
            st.download_button(
                f"Chart as {fmt.upper()}",
                data=partial(report_chart_bytes, figure, title, filters, state.store(), fmt),
                file_name=f"{name}.{fmt}",
                mime=FORMATS[fmt],
                key=f"dl_{name}_{fmt}",
                on_click="ignore",
            )
        st.download_button(
            "Data as CSV",
            data=partial(frame_csv, frame),
            file_name=f"{name}.csv",
            mime="text/csv",
            key=f"dl_{name}_csv",
            on_click="ignore",
        )
