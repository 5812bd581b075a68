"""Entry script for ``streamlit run dashboard/app/main.py``: shared filters + page router.

The store is ``$DASHBOARD_STORE`` (default ``data/store``). The filters live here, in the
sidebar, so they keep their values across pages and mirror the URL query string.
"""

from pathlib import Path

import streamlit as st

from dashboard.app import state
from dashboard.app.markup import escape_markdown
from dashboard.store import StoreError

# The favicon is a file served by the app itself: a Material or emoji page icon would be
# fetched from fonts.gstatic.com / a CDN, and the app must work offline.
FAVICON = str(Path(__file__).with_name("favicon.png"))
st.set_page_config(page_title="Conflict news dashboard", page_icon=FAVICON, layout="wide")

PAGES = [
    st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("app_pages/topics.py", title="Topics", icon=":material/sell:"),
    st.Page("app_pages/casualties.py", title="Casualty figures", icon=":material/monitoring:"),
    st.Page("app_pages/claims.py", title="Claims", icon=":material/fact_check:"),
    st.Page("app_pages/timeline.py", title="Timeline", icon=":material/timeline:"),
    st.Page("app_pages/map.py", title="Map", icon=":material/map:"),
    st.Page("app_pages/items.py", title="Items", icon=":material/article:"),
    st.Page("app_pages/data.py", title="Data", icon=":material/database:"),
]

page = st.navigation(PAGES)


@st.fragment(run_every=state.refresh_seconds())
def follow_store() -> None:
    """Rerun the page when the store gets a new version: the filters stay as they are."""
    if state.store_changed():
        st.rerun(scope="app")


try:
    state.sidebar_filters()
except StoreError as exc:  # an unreadable or outdated store: say so, no traceback
    st.error(escape_markdown(str(exc)))
    st.stop()
follow_store()
page.run()
