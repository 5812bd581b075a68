"""App state: the store, cached connection and view results, and the shared filters.

Filters live in the sidebar of the entry script (so they survive page switches) and in
the URL query string (so a view can be bookmarked): the URL is read once per session to
seed the widgets, and rewritten from the widgets on every run.
"""

from __future__ import annotations

import os
import threading
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from .. import views
from ..query import LIST_KEYS, Filters
from ..store import Store
from .markup import escape_markdown

STORE_ENV = "DASHBOARD_STORE"
DEFAULT_STORE = "data/store"
# Widget keys of the shared filters: Filters field -> session-state key.
KEYS = {
    "date_from": "f_from",
    "date_to": "f_to",
    "date_field": "f_date",
    "topics": "f_topic",
    "sides": "f_side",
    "kinds": "f_kind",
    "places": "f_place",
    "sources": "f_source",
    "datasets": "f_dataset",
    "text": "f_q",
    "figures": "f_figures",
}
# Query-string keys the filters own (others, e.g. a page's ``item``, are left alone).
FILTER_PARAMS = ("from", "to", "date", "q", "figures", *LIST_KEYS)
# The date inputs accept anything the stored dates can be (Streamlit's default is 10 years).
MIN_DATE, MAX_DATE = date(1900, 1, 1), date(2100, 12, 31)


def store() -> Store:
    return Store(Path(os.environ.get(STORE_ENV, DEFAULT_STORE)))


@st.cache_resource(max_entries=4, show_spinner=False)
def _connection(path: str, version: int):
    """One DuckDB connection per store version, with a lock: sessions run in threads."""
    return Store(path).connect(), threading.Lock()


def query(fn, *args, **kwargs):
    """Run ``fn(con, *args, **kwargs)`` on the current store version's connection."""
    s = store()
    con, lock = _connection(str(s.root.resolve()), s.version)
    with lock:
        return fn(con, *args, **kwargs)


@st.cache_data(max_entries=512, show_spinner=False)
def _cached_view(path: str, version: int, name: str, query_string: str, options: tuple):
    con, lock = _connection(path, version)
    with lock:
        return getattr(views, name)(con, Filters.from_query(query_string), **dict(options))


def view(name: str, filters: Filters, **options) -> pd.DataFrame:
    """``views.<name>(con, filters, **options)``, cached on (store, version, filters, options)."""
    s = store()
    return _cached_view(
        str(s.root.resolve()),
        s.version,
        name,
        filters.to_query_string(),
        tuple(sorted(options.items())),
    )


@st.cache_data(max_entries=16, show_spinner=False)
def _store_view(path: str, version: int, name: str):
    """``views.<name>(con)``: facts of the whole store (filter choices, default span)."""
    con, lock = _connection(path, version)
    with lock:
        return getattr(views, name)(con)


def options() -> dict:
    s = store()
    return _store_view(str(s.root.resolve()), s.version, "filter_options")


def span() -> dict:
    """The store's default date range and what it leaves out (``views.default_span``)."""
    s = store()
    if not s.exists():
        return {"date_from": None, "date_to": None, "first": None, "last": None, "n_outside": 0}
    return _store_view(str(s.root.resolve()), s.version, "default_span")


# -- filters <-> widgets <-> URL ------------------------------------------------------------
def _url_filters() -> Filters:
    """The URL's filters; a URL naming no date gets the default date range."""
    params = st.query_params
    filters = Filters.from_query({k: params.get_all(k) for k in params.keys()})
    if "from" in params or "to" in params:
        return filters
    return _default_range(filters)


def _default_range(filters: Filters) -> Filters:
    return filters.replace(date_from=span()["date_from"], date_to=span()["date_to"])


def _defaults() -> dict:
    return {KEYS[name]: value for name, value in _as_widgets(_default_range(Filters())).items()}


def show_all_dates() -> None:
    """Button callback: the date range widened to every dated item."""
    st.session_state[KEYS["date_from"]] = span()["first"]
    st.session_state[KEYS["date_to"]] = span()["last"]


def _as_widgets(filters: Filters) -> dict:
    return {
        "date_from": filters.date_from,
        "date_to": filters.date_to,
        "date_field": filters.date_field,
        "topics": list(filters.topics),
        "sides": list(filters.sides),
        "kinds": list(filters.kinds),
        "places": list(filters.places),
        "sources": list(filters.sources),
        "datasets": list(filters.datasets),
        "text": filters.text,
        "figures": filters.figures == "all",
    }


def _seed_from_url() -> None:
    """First run of a session: the URL's filters become the widgets' values."""
    if st.session_state.get("_filters_seeded"):
        return
    for name, value in _as_widgets(_url_filters()).items():
        st.session_state[KEYS[name]] = value
    st.session_state["_filters_seeded"] = True


def reset_filters() -> None:
    """Button callback: every filter back to its default, and out of the URL."""
    for key, value in _defaults().items():
        st.session_state[key] = value
    for key in FILTER_PARAMS:
        if key in st.query_params:
            del st.query_params[key]


def current_filters() -> Filters:
    """The filters as the widgets hold them."""
    ss = st.session_state
    return Filters(
        date_from=ss.get(KEYS["date_from"]),
        date_to=ss.get(KEYS["date_to"]),
        date_field=ss.get(KEYS["date_field"]) or "event",
        topics=tuple(ss.get(KEYS["topics"]) or ()),
        sides=tuple(ss.get(KEYS["sides"]) or ()),
        kinds=tuple(ss.get(KEYS["kinds"]) or ()),
        places=tuple(ss.get(KEYS["places"]) or ()),
        sources=tuple(ss.get(KEYS["sources"]) or ()),
        datasets=tuple(ss.get(KEYS["datasets"]) or ()),
        text=(ss.get(KEYS["text"]) or "").strip()[:200],
        figures="all" if ss.get(KEYS["figures"]) else "this_war",
    )


def _sync_url(filters: Filters) -> None:
    """Write the filters into the URL, leaving the pages' own parameters alone."""
    wanted = filters.to_query()
    for key in FILTER_PARAMS:
        have = st.query_params.get_all(key) if key in st.query_params else []
        if key in wanted and have != wanted[key]:
            st.query_params[key] = wanted[key]
        elif key not in wanted and have:
            del st.query_params[key]


def _with_selected(choices: list, selected: list) -> list:
    """Options plus anything already selected (a bookmarked place beyond the top N)."""
    return list(dict.fromkeys([*choices, *selected]))


def sidebar_filters() -> Filters:
    """Draw the shared filters in the sidebar; return them (and mirror them in the URL)."""
    _seed_from_url()
    ss = st.session_state
    opts = (
        options()
        if store().exists()
        else {k: [] for k in ("topics", "sides", "kinds", "places", "sources", "datasets")}
    )
    side = st.sidebar
    side.header("Filters")
    side.radio(
        "Date",
        options=["event", "published"],
        format_func={"event": "event date", "published": "publication date"}.get,
        key=KEYS["date_field"],
        horizontal=True,
    )
    col1, col2 = side.columns(2)
    col1.date_input(
        "From", key=KEYS["date_from"], min_value=MIN_DATE, max_value=MAX_DATE, format="YYYY-MM-DD"
    )
    col2.date_input(
        "To", key=KEYS["date_to"], min_value=MIN_DATE, max_value=MAX_DATE, format="YYYY-MM-DD"
    )
    _outside_note(side)
    side.text_input("Text contains", key=KEYS["text"], placeholder="e.g. drone")
    for name, label in (
        ("topics", "Topics"),
        ("sides", "Sides"),
        ("kinds", "Casualty kinds"),
        ("places", "Places"),
        ("sources", "Sources"),
        ("datasets", "Datasets (files)"),
    ):
        side.multiselect(
            label,
            options=_with_selected(opts.get(name, []), ss.get(KEYS[name]) or []),
            key=KEYS[name],
        )
    side.toggle(
        "Off-topic items and other wars' figures too",
        key=KEYS["figures"],
        help="By default only items about the Russia–Ukraine war count, and only this war's "
        "casualty figures.",
    )
    side.button("Reset filters", on_click=reset_filters, key="f_reset", width="stretch")
    filters = current_filters()
    _sync_url(filters)
    side.caption(f"Showing: {escape_markdown(filters.describe())}")
    return filters


def _outside_note(side) -> None:
    """Under the default dates: how many items they leave out, and a way to show them."""
    whole = span()
    ss = st.session_state
    at_default = (ss.get(KEYS["date_from"]), ss.get(KEYS["date_to"])) == (
        whole["date_from"],
        whole["date_to"],
    )
    if at_default and whole["n_outside"]:
        lo, hi = views.SPAN_QUANTILES
        side.caption(
            f"Default range: where {hi - lo:.0%} of each dataset's on-topic items are dated. "
            f"{whole['n_outside']:,} items are dated outside it "
            f"({whole['first']} to {whole['last']} in all)."
        )
        side.button("Show all dates", on_click=show_all_dates, key="f_all_dates")
