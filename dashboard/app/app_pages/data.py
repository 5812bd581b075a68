"""Data: upload and ingest files, see what was rejected, download the filtered frames."""

import io
from datetime import date

import streamlit as st

from dashboard import views, watch
from dashboard.app import layout, state, uploads
from dashboard.app.markup import escape_markdown
from dashboard.export import frame_csv

st.title("Data")
store = state.store()
filters = state.current_filters()

st.subheader("Add items")
if not store.exists():
    st.info(layout.EMPTY_STORE.format(store=store.root))
if not uploads.enabled():  # anyone who can open the app could add data: off by default
    st.info(uploads.off_notice())
else:
    files = uploads.picker()
    as_of = st.date_input(
        "Reference date for relative dates ('yesterday', 'in October') in items without a "
        "publication date",
        value=date.today(),
        key="as_of",
        min_value=state.MIN_DATE,
        max_value=state.MAX_DATE,
        format="YYYY-MM-DD",
    )
    if st.button("Ingest", type="primary", disabled=not files, key="ingest"):
        uploads.ingest_uploads(files, store, as_of.isoformat())

if store.exists():
    st.caption(escape_markdown(f"Store {store.root} · version {store.version}"))
    sources = watch.status_table(store)
    if len(sources):  # `dashboard watch` has polled into this store
        st.subheader("Watched sources", anchor=False)
        st.caption("Polled by `dashboard watch`; this page follows the store as it grows.")
        layout.table(sources)
    with st.expander("All rejected records in the store"):
        layout.table(
            uploads.shown_rejects(state.query(lambda con: con.sql("SELECT * FROM rejects").df()))
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
