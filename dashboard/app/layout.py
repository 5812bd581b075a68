"""Page building blocks: a chart with its download buttons, the empty-store notice."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from ..charts import CHARTS, FORMATS, formats
from ..export import frame_csv, report_chart_bytes
from ..query import Filters
from . import state

GRANULARITIES = ("day", "week", "month")
FIXED_SIZE = {"place_map"}
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


def chart(name: str, filters: Filters, *, selection: str | None = None, **options):
    """Draw registry chart ``name`` under ``filters`` with PNG/SVG/HTML/CSV downloads.

    Returns the selection state when ``selection`` names a chart selection to listen to.
    """
    spec = CHARTS[name]
    # A map's projection has a fixed scale: it keeps its own size; other charts stretch.
    width = "content" if name in FIXED_SIZE else "stretch"
    frame = state.view(spec.view_fn.__name__, filters, **{**spec.options, **options})
    figure = spec.chart_fn(frame)
    if selection:
        result = st.altair_chart(
            figure,
            width="stretch",
            key=f"chart_{name}",
            on_select="rerun",
            selection_mode=selection,
        )
    else:
        result = st.altair_chart(figure, width=width, key=f"chart_{name}")
    downloads(name, figure, frame, filters)
    return result


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
