"""Entry script for ``streamlit run``: the items in the store (placeholder until the pages land)."""

import os

import streamlit as st

from dashboard.store import Store

st.set_page_config(page_title="Conflict news dashboard", layout="wide")
store = Store(os.environ.get("DASHBOARD_STORE", "data/store"))
st.title("Conflict news dashboard")
if not store.exists():
    st.info(
        "The store is empty. Load items with `python -m dashboard ingest FILE... --as-of DATE`."
    )
else:
    items = store.frame("items")
    st.caption(f"{len(items)} items · store version {store.version}")
    st.dataframe(items[["title", "source", "published", "n_words"]], width="stretch")
