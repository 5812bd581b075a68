"""App state: the store, cached connection and view results, and the shared filters.

Filters live in the sidebar of the entry script (so they survive page switches) and in
the URL query string (so a view can be bookmarked): the URL is read once per session to
seed the widgets, and rewritten from the widgets on every run.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from .. import claims, labels, views
from ..query import (
    BY_KEY,
    BY_NAME,
    FIELDS,
    LEGACY,
    LIST_LIMIT,
    MAX_DATE,
    MIN_DATE,
    PAGE_KEYS,
    TEXT_LIMIT,
    Filters,
)
from ..store import Store
from . import dropped_query
from .markup import escape_markdown, plain

STORE_ENV = "DASHBOARD_STORE"
DEFAULT_STORE = "data/store"
# Widget keys of the shared filters, one per field of the declaration: Filters field -> key.
KEYS = {spec.name: f"f_{spec.key}" for spec in FIELDS}
# Query-string keys the filters own, and the legacy ones they replace (others, e.g. a page's
# ``item``, are left alone).
FILTER_PARAMS = (*BY_KEY, *{key for key, _ in LEGACY})


def store() -> Store:
    return Store(Path(os.environ.get(STORE_ENV, DEFAULT_STORE)))


# How often an open page looks for a new store version (``dashboard watch`` adding items):
# views are cached by version, so a rerun shows the new data with the same filters.
REFRESH_ENV = "DASHBOARD_REFRESH_SECONDS"
REFRESH_SECONDS = 30
_SEEN_VERSION = "_store_version_seen"


def refresh_seconds() -> float | None:
    """Seconds between store checks; None (never) when the setting is 0."""
    try:
        seconds = float(os.environ.get(REFRESH_ENV, REFRESH_SECONDS))
    except ValueError:
        seconds = REFRESH_SECONDS
    return seconds if seconds > 0 else None


def store_changed() -> bool:
    """Whether the store has a new version since this session last looked."""
    version = store().version if store().exists() else 0
    seen = st.session_state.get(_SEEN_VERSION)
    st.session_state[_SEEN_VERSION] = version
    return seen is not None and seen != version


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


@st.cache_data(max_entries=64, show_spinner=False)
def _claim_tables(path: str, version: int, query_string: str):
    figures = _cached_view(path, version, "claimed_figures", query_string, ())
    sums = _cached_view(path, version, "reference_sums", query_string, ())
    table = claims.claimant_table(claims.claim_series(figures), sums)
    return table, claims.claim_flags(figures)


def claim_tables(filters: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The Claims page's claimant table and flags (``claims.claimant_table``,
    ``claims.claim_flags``) of the figures ``views.claimed_figures`` reads: one query, and
    the checks (0.2-0.7 s at 1M items) run once per store version and filters, not on
    every rerun."""
    s = store()
    return _claim_tables(str(s.root.resolve()), s.version, filters.to_query_string())


@st.cache_data(max_entries=16, show_spinner=False)
def _store_view(path: str, version: int, name: str):
    """``views.<name>(con)``: facts of the whole store (filter choices, default span)."""
    con, lock = _connection(path, version)
    with lock:
        return getattr(views, name)(con)


def facets(filters: Filters, name: str) -> pd.DataFrame:
    """``views.filter_facets``: the values list filter ``name`` offers, with counts. Every
    list filter's are counted in one query (``views.facet_counts``), cached by the filters
    that change them (``Filters.for_facets``)."""
    found = view("facet_counts", filters.for_facets())
    return found.loc[found["field"] == name, ["value", "n_items"]].reset_index(drop=True)


def span() -> dict:
    """The store's default date range and what it leaves out (``views.default_span``)."""
    s = store()
    if not s.exists():
        return {"date_from": None, "date_to": None, "first": None, "last": None, "n_outside": 0}
    return _store_view(str(s.root.resolve()), s.version, "default_span")


# -- filters <-> widgets <-> URL ------------------------------------------------------------
def _url_params() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in st.query_params.keys()}


def _url_filters() -> tuple[Filters, list[str]]:
    """The URL's filters and their problems; a URL naming no (usable) date gets the
    default range."""
    filters, problems = Filters.parse(_url_params(), extra_keys=PAGE_KEYS)
    if filters.date_from or filters.date_to:
        return filters, problems
    return _default_range(filters), problems


def _default_range(filters: Filters) -> Filters:
    return filters.replace(date_from=span()["date_from"], date_to=span()["date_to"])


def show_all_dates() -> None:
    """Button callback: the date range widened to every dated item."""
    st.session_state[KEYS["date_from"]] = span()["first"]
    st.session_state[KEYS["date_to"]] = span()["last"]


def _as_widget(spec, value):
    return list(value) if spec.kind == "list" else value


def _seed(filters: Filters) -> None:
    """The widgets take the values of ``filters``."""
    for spec in FIELDS:
        st.session_state[KEYS[spec.name]] = _as_widget(spec, getattr(filters, spec.name))


def _url_filter_key(params: dict[str, list[str]]) -> str:
    """The filter parameters of a URL as one canonical string."""
    pairs = sorted((k, v) for k, values in params.items() if k in FILTER_PARAMS for v in values)
    return urlencode(pairs)


def _seed_from_url() -> None:
    """The widgets follow the URL on a session's first run, and whenever the URL carries
    filters other than the ones last written into it: Back/Forward, a pasted link. A URL
    without filters after the first run is a page switch (the browser drops parameters no
    widget binds): the widgets keep their values and are written back."""
    ss = st.session_state
    in_url = _url_filter_key(_url_params())
    if ss.get("_filters_seeded") and in_url in ("", ss.get("_url_written")):
        return
    filters, problems = _url_filters()
    _seed(filters)
    ss["_filters_seeded"] = True
    # the URL's problems are said until the user changes a filter
    ss["_url_problems"] = (filters.to_query_string(), problems)


def reset_filters() -> None:
    """Button callback: every filter back to its default, and out of the URL (one change)."""
    _seed(_default_range(Filters()))
    st.query_params.from_dict({k: v for k, v in _url_params().items() if k not in FILTER_PARAMS})


def _widget_filters() -> tuple[Filters, list[str]]:
    """The filters as the widgets hold them, checked as a URL's would be (From after To, a
    search text too long)."""
    ss = st.session_state
    values = {spec.name: ss.get(KEYS[spec.name], spec.default) for spec in FIELDS}
    params = Filters(
        **{name: tuple(v) if isinstance(v, list) else v for name, v in values.items()}
    ).to_query()
    return Filters.parse(params)


def current_filters() -> Filters:
    """The filters as the widgets hold them (with unusable values left out)."""
    return _widget_filters()[0]


def _sync_url(filters: Filters) -> None:
    """Write the filters into the URL in one change (one browser history entry per filter
    change), leaving the pages' own parameters alone."""
    wanted = filters.to_query()
    params = {k: v for k, v in _url_params().items() if k not in FILTER_PARAMS}
    if {k: v for k, v in _url_params().items() if k in FILTER_PARAMS} != wanted:
        st.query_params.from_dict({**params, **wanted})
    st.session_state["_url_written"] = _url_filter_key(wanted)


def _with_selected(choices: list, selected: list) -> list:
    """Options plus anything already selected (a bookmarked place beyond the top N)."""
    return list(dict.fromkeys([*choices, *selected]))


# The count an option's label carries: "Kyiv (443)".
COUNT_SUFFIX = re.compile(r" \(\d[\d,]*\)$")


def _repair_selection(key: str, by_name: dict[str, str]) -> None:
    """Selected values the browser sent back as an older label ("Kyiv (443)" after the
    counts changed) become their value again ("Kyiv")."""
    held = st.session_state.get(key) or []
    known = set(by_name.values())
    fixed = [
        v if v in known else by_name.get(COUNT_SUFFIX.sub("", v), COUNT_SUFFIX.sub("", v))
        for v in held
    ]
    if fixed != held:
        st.session_state[key] = fixed


def _draw_list(side, spec, filters: Filters) -> None:
    """A multiselect whose options carry their counts under the other filters, most first."""
    found = (
        facets(filters, spec.name)
        if store().exists()
        else pd.DataFrame(columns=["value", "n_items"])
    )
    counts = dict(zip(found["value"], found["n_items"], strict=True))
    coded = spec.key in labels.CODED_FIELDS

    def name(value: str) -> str:
        return labels.label(spec.key, value) if coded else value

    def shown(value: str) -> str:
        return f"{plain(name(value))} ({counts.get(value, 0):,})"

    _repair_selection(KEYS[spec.name], {name(v): v for v in counts})

    side.multiselect(
        spec.label,
        options=_with_selected(list(counts), st.session_state.get(KEYS[spec.name]) or []),
        format_func=shown,
        filter_mode=spec.search,
        max_selections=LIST_LIMIT,
        key=KEYS[spec.name],
        help=(spec.help + " " if spec.help else "") + "In brackets: the items each would keep.",
    )


def _draw_choice(side, spec, filters: Filters) -> None:
    side.radio(
        spec.label,
        list(spec.choices),
        format_func=spec.choices.get,
        key=KEYS[spec.name],
        horizontal=True,
        help=spec.help or None,
    )


def _draw_date(side, spec, filters: Filters) -> None:
    """From and To side by side (drawn with From), then the note on the default range."""
    if spec.name != "date_from":
        return
    for column, name in zip(side.columns(2), ("date_from", "date_to"), strict=True):
        column.date_input(
            BY_NAME[name].label,
            key=KEYS[name],
            min_value=MIN_DATE,
            max_value=MAX_DATE,
            format="YYYY-MM-DD",
        )
    _outside_note(side)


def _draw_text(side, spec, filters: Filters) -> None:
    side.text_input(
        spec.label,
        key=KEYS[spec.name],
        placeholder="e.g. drone",
        max_chars=TEXT_LIMIT,
        help=spec.help or None,
    )


def _draw_flag(side, spec, filters: Filters) -> None:
    side.toggle(spec.label, key=KEYS[spec.name], help=spec.help or None)


# The widget of each kind of filter.
WIDGETS = {
    "choice": _draw_choice,
    "date": _draw_date,
    "text": _draw_text,
    "list": _draw_list,
    "flag": _draw_flag,
}


def sidebar_filters() -> Filters:
    """Draw the shared filters in the sidebar (generated from ``query.FIELDS``); return them,
    mirror them in the URL, and say above the page what could not be used."""
    dropped_query.install()
    dropped = dropped_query.take_note()
    _seed_from_url()
    ss = st.session_state
    filters = current_filters()
    side = st.sidebar
    side.header("Filters")
    for spec in FIELDS:
        WIDGETS[spec.kind](side, spec, filters)
    side.button("Reset filters", on_click=reset_filters, key="f_reset", width="stretch")
    filters, problems = _widget_filters()
    _sync_url(filters)
    seeded, from_url = ss.get("_url_problems", ("", []))
    if seeded != filters.to_query_string():
        from_url = []
    for problem in [*dropped, *from_url, *problems]:
        st.warning(
            f"Filter not applied as given: {escape_markdown(problem)}",
            icon=":material/filter_alt_off:",
        )
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
