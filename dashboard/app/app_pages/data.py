"""Data: upload and ingest files, see what was rejected, download the filtered frames."""

import io
import tempfile
from datetime import date
from pathlib import Path

import streamlit as st

from dashboard import views
from dashboard.app import layout, state
from dashboard.app.markup import escape_markdown
from dashboard.export import frame_csv
from dashboard.ingest import ingest

st.title("Data")
store = state.store()
filters = state.current_filters()

st.subheader("Add items")
if not store.exists():
    st.info(layout.EMPTY_STORE.format(store=store.root))
uploads = st.file_uploader(
    "Files: plain-text digests, CSV, JSON/JSONL, RSS/Atom (the format is detected)",
    accept_multiple_files=True,
    key="uploads",
)
as_of = st.date_input(
    "Reference date for relative dates ('yesterday', 'in October') in items without a publication date",
    value=date.today(),
    key="as_of",
    min_value=state.MIN_DATE,
    max_value=state.MAX_DATE,
    format="YYYY-MM-DD",
)
if st.button("Ingest", type="primary", disabled=not uploads, key="ingest"):
    bar = st.progress(0.0, text="starting")
    results = []
    with tempfile.TemporaryDirectory(prefix="upload-") as tmp:
        for n, upload in enumerate(uploads):
            bar.progress(n / len(uploads), text=f"ingesting {upload.name} ({n + 1}/{len(uploads)})")
            path = Path(tmp) / Path(upload.name).name
            path.write_bytes(upload.getvalue())
            summary = ingest([path], store=store, as_of=as_of.isoformat())
            results.append((upload.name, str(path), summary))
    bar.progress(1.0, text="done")
    for name, _, summary in results:
        st.success(escape_markdown(f"{name}: {summary.line()}"))
    paths = [p for _, p, _ in results]
    rejects = store.frame("rejects")
    rejects = rejects[rejects["file"].isin(paths)]
    if not rejects.empty:
        st.warning(f"{len(rejects)} record(s) rejected")
        st.dataframe(rejects, hide_index=True, width="stretch")

if store.exists():
    st.caption(escape_markdown(f"Store {store.root} · version {store.version}"))
    with st.expander("All rejected records in the store"):
        st.dataframe(
            state.query(lambda con: con.sql("SELECT * FROM rejects").df()), hide_index=True
        )

    st.subheader("Download the filtered frames")
    st.caption(f"Filters: {escape_markdown(filters.describe())}")
    table = st.selectbox("Table", views.DOWNLOAD_TABLES, key="download_table")

    def _frame():
        return state.view("filtered_table", filters, table=table)

    def _parquet() -> bytes:
        buf = io.BytesIO()
        _frame().to_parquet(buf, index=False)
        return buf.getvalue()

    c1, c2, _ = st.columns([1, 1, 6])
    c1.download_button(
        "CSV",
        data=lambda: frame_csv(_frame()),  # formula-injection safe, as the exporter
        file_name=f"{table}.csv",
        mime="text/csv",
        key="dl_table_csv",
        on_click="ignore",
    )
    c2.download_button(
        "Parquet",
        data=_parquet,
        file_name=f"{table}.parquet",
        mime="application/vnd.apache.parquet",
        key="dl_table_parquet",
        on_click="ignore",
    )
