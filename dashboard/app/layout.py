"""Page building blocks: a chart with its download buttons, the empty-store notice."""

from __future__ import annotations

import math
from functools import partial

import pandas as pd
import streamlit as st

from .. import labels, views
from ..charts import CHARTS, FORMATS, formats
from ..export import caption_parts, frame_csv, report_chart_bytes
from ..query import BY_NAME, Filters
from . import markup, state

GRANULARITIES = ("day", "week", "month")
# Charts drawn at their own size: the map's projection has a fixed scale, the heatmap's
# cells a fixed size (squeezed to a column, its numbers run together).
FIXED_SIZE = {"place_map", "topic_cooccurrence"}
EMPTY_STORE = """\
**The store is empty.** Add news items to start:

- on the command line: `python -m dashboard ingest FILE... --as-of 2024-11-15 --store {store}`
  (or `make run`, which ingests the bundled sample); or
- on the **Data** page, when uploads are on (`DASHBOARD_UPLOADS=1`): upload files
  (plain-text digests, CSV, JSON/JSONL, RSS/Atom) and press *Ingest*.
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


def count_unit(key: str, default: str = "stories") -> str:
    """Count stories (near copies once) or items."""
    return st.radio(
        "Count", views.COUNT_UNITS, index=views.COUNT_UNITS.index(default), key=key,
        horizontal=True,
        help="A story carried by many outlets, or rewritten, counts once as a story.",
    )  # fmt: skip


def chart_key(name: str) -> str:
    """The widget key of registry chart ``name``: its selection events live under it."""
    return f"chart_{name}"


def chart(name: str, filters: Filters, **options):
    """Draw registry chart ``name`` under ``filters`` with its caption and downloads; a
    chart with ``click`` in its spec adds the clicked value to that filter."""
    spec = CHARTS[name]
    width = "content" if name in FIXED_SIZE else "stretch"
    frame = state.view(spec.view_fn.__name__, filters, **{**spec.options, **options})
    figure = spec.chart_fn(frame)
    listen = {}
    if spec.click:
        selection, field, column = spec.click
        on_click = _click_filter(name, selection, field, column)
        listen = {"on_select": on_click, "selection_mode": selection}
    st.altair_chart(figure, width=width, key=chart_key(name), **listen)
    parts = caption(filters, spec.level)
    downloads(name, figure, frame, filters, parts)


def caption(filters: Filters, level: str = "item") -> list[str]:
    """Under a chart, as in its exported file: the filters (and the level each applied
    at), the data, the credits owed. Returns the caption's parts (for the downloads)."""
    datasets = state.view("datasets", filters)
    parts = caption_parts(filters, datasets, state.store().manifest(), level)
    st.caption(markup.escape_markdown("\n".join(parts)))
    return parts


def _click_filter(name: str, selection: str, field: str, column: str):
    """A callback for chart ``name``: the value of ``column`` in the clicked mark (selection
    ``selection``) joins filter ``field`` (its sidebar widget, hence the URL); run before
    the rerun, so the page redraws filtered."""

    def add_clicked() -> None:
        event = st.session_state.get(chart_key(name)) or {}
        points = (event.get("selection") or {}).get(selection) or []
        clicked = [p[column] for p in points if p.get(column)]
        key = state.KEYS[field]
        if clicked:
            st.session_state[key] = list(
                dict.fromkeys([*(st.session_state.get(key) or []), *clicked])
            )

    return add_clicked


# Columns holding links.
LINK_COLUMNS = ("url",)
# Columns shown as calendar dates besides datetime columns (the views return some as text).
DATE_COLUMNS = ("date", "period_start", "period_end")


def table(frame: pd.DataFrame, special: dict | None = None, **kwargs):
    """``st.dataframe`` of ``frame`` as people read it: human headers, dates as YYYY-MM-DD,
    "—" for missing text, text shown as it reads (no bidirectional controls); ``special``
    adds or overrides column configs. Streamlit's own CSV download of a table is off
    (``client.disableDataExport``): the guarded downloads are the app's own."""
    config = {c: labels.column_label(c) for c in frame.columns}
    config |= {  # counts with thousands separators ("1,567")
        c: st.column_config.NumberColumn(labels.column_label(c), format="localized")
        for c in frame.columns
        if pd.api.types.is_integer_dtype(frame[c].dtype)
    }
    config |= {  # floats (averages) to one decimal
        c: st.column_config.NumberColumn(labels.column_label(c), format="%.1f")
        for c in frame.columns
        if pd.api.types.is_float_dtype(frame[c].dtype)
    }
    config |= {
        c: st.column_config.DateColumn(labels.column_label(c), format="YYYY-MM-DD")
        for c in frame.columns
        if c in DATE_COLUMNS or pd.api.types.is_datetime64_any_dtype(frame[c].dtype)
    }
    # Text columns show "—" when missing; links stay empty (a "—" link would lead nowhere).
    text = [
        c
        for c in frame.columns
        if (frame[c].dtype == object or frame[c].dtype == "string") and c not in LINK_COLUMNS
    ]
    # bidirectional controls in a cell would reverse its text: removed (markup.plain)
    shown = frame.assign(
        **{c: markup.plain_cells(frame[c]).fillna(labels.MISSING) for c in text},
        **{c: frame[c].astype("string").fillna("") for c in LINK_COLUMNS if c in frame},
    )
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


def downloads(name: str, figure, frame: pd.DataFrame, filters: Filters, parts: list) -> None:
    """A "Download" popover; the files are made only when clicked (deferred data).

    Charts come from the exporter (same title and caption as ``dashboard export``), CSVs
    are guarded against formula injection.
    """
    title = CHARTS[name].title
    with st.popover("Download", width="content"):
        for fmt in formats(figure):
            st.download_button(
                f"Chart as {fmt.upper()}",
                data=partial(
                    report_chart_bytes, figure, title, filters, state.store(), fmt, parts=parts
                ),
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


# -- the Items page ---------------------------------------------------------------------------
PAGE_ROWS = 100
# Session keys: the open item (the picker's widget key) and the last ``?item=`` seen.
ITEM_KEY = "item_pick"
_URL_ITEM = "_item_from_url"


def pager(total: int, key: str, filters: Filters) -> int:
    """A page number input (when there is more than one page); returns the first row's
    offset. A change of filters goes back to page 1."""
    pages = max(1, math.ceil(total / PAGE_ROWS))
    ss = st.session_state
    signature = filters.to_query_string()
    if ss.get(f"_{key}_filters") != signature or ss.get(key, 1) > pages:
        ss[key], ss[f"_{key}_filters"] = 1, signature
    if pages == 1:
        return 0
    number = st.number_input(f"Page (of {pages:,})", 1, pages, step=1, key=key, width=160)
    return (int(number) - 1) * PAGE_ROWS


def _open_item(item_id: str | None) -> None:
    st.session_state[ITEM_KEY] = st.session_state[_URL_ITEM] = item_id
    if item_id:
        st.query_params["item"] = item_id
    elif "item" in st.query_params:
        del st.query_params["item"]


def _open_row(key: str, ids: list[str]) -> None:
    """Row selection callback: the selected row's item opens."""
    rows = st.session_state[key].selection.rows
    if rows:
        _open_item(ids[rows[0]])


def items_table(found: pd.DataFrame, key: str):
    """A page of items; selecting a row opens that item below; a link to each original."""
    shown = found.drop(columns=["item_id"]).assign(url=markup.web_links(found["url"]))
    link = st.column_config.LinkColumn(labels.column_label("url"), display_text="open")
    return table(
        shown,
        {"url": link},
        key=key,
        on_select=partial(_open_row, key, found["item_id"].tolist()),
        selection_mode="single-row",
    )


def item_picker(found: pd.DataFrame) -> str | None:
    """The open item: picked by title, by a row, or named in the URL (``?item=ID``) — a
    link opens its item even when the filters leave it out."""
    ss = st.session_state
    in_url = st.query_params.get("item")
    if in_url and (in_url != ss.get(_URL_ITEM) or ITEM_KEY not in ss):
        ss[ITEM_KEY] = ss[_URL_ITEM] = in_url
    ss.setdefault(ITEM_KEY, None)  # nothing open until asked (a selectbox opens its first)
    titles = dict(zip(found["item_id"], found["title"], strict=True))
    current = ss.get(ITEM_KEY)
    if current and current not in titles:
        record = state.query(views.item_record, current)
        if record.empty:  # an unknown id in a link
            ss[ITEM_KEY] = None
        else:
            titles = {current: record.iloc[0]["title"], **titles}
    return st.selectbox(
        "Item",
        list(titles),
        format_func=lambda i: markup.plain(str(titles.get(i) or i))[:120],
        placeholder="choose an item to read",
        key=ITEM_KEY,
        on_change=lambda: _open_item(ss.get(ITEM_KEY)),
    )


def item_line(item: pd.Series) -> str:
    """Under an item's title: source, dates, length."""

    def day(value) -> str:
        return pd.Timestamp(value).strftime("%Y-%m-%d") if pd.notna(value) else labels.MISSING

    return (
        f"{item['source'] or labels.MISSING} · published {day(item['published'])} · "
        f"event date {day(item['event_date'])} ({item['event_precision']}) · "
        f"{int(item['n_words']):,} words"
    )


# -- the Topics page's comparison -------------------------------------------------------------
def period_pickers(filters: Filters) -> tuple[str | None, str | None]:
    """Two month-range sliders, period A and period B (``?a=2022-03..2022-05&b=…`` in the
    URL); by default the filtered dates cut in two halves. None, None when the dates span
    less than two months."""
    whole = state.span()
    start, end = filters.date_from or whole["first"], filters.date_to or whole["last"]
    if start is None or end is None:
        return None, None
    months = [p.start_time.date() for p in pd.period_range(start, end, freq="M")]
    if len(months) < 2:
        st.info("Widen the dates to at least two months to compare periods.")
        return None, None
    defaults = views.split_periods(start, end)
    written = st.session_state.get("_periods_written") or {}
    picked = {}
    for column, name, default in zip(st.columns(2), ("a", "b"), defaults, strict=True):
        key = f"topics_{name}"
        in_url = st.query_params.get(name)
        navigated = in_url is not None and in_url != written.get(name)  # Back/Forward, a link
        _seed_period(key, in_url, default, months, follow_url=navigated)
        column.select_slider(
            f"Period {name.upper()}",
            months,
            value=(months[0], months[-1]),  # a range slider (the value comes from the key)
            key=key,
            format_func=lambda m: f"{m:%b %Y}",
        )
        first, last = st.session_state[key]
        picked[name] = views.format_period(first, last)
    if {k: st.query_params.get(k) for k in picked} != picked:
        st.query_params.update(picked)  # one change, one browser history entry
    st.session_state["_periods_written"] = picked
    return picked["a"], picked["b"]


def _seed_period(
    key: str, in_url: str | None, default: str, months: list, follow_url: bool = False
) -> None:
    """The slider's months: kept while they are on offer (unless the URL is to be followed);
    else the URL's, else the default."""
    held = st.session_state.get(key)
    valid = isinstance(held, tuple | list) and len(held) == 2 and set(held) <= set(months)
    if valid and not follow_url:
        return
    for text in (in_url, default):
        try:
            first, last = views.parse_period(text)
        except (TypeError, ValueError):
            continue
        first, last = first.replace(day=1), last.replace(day=1)
        if first in months and last in months:
            st.session_state[key] = (first, last)
            return
    st.session_state[key] = (months[0], months[-1])


# -- the Claims page ----------------------------------------------------------------------------
# The Claims page's pickers: filter field -> label.
CLAIM_PICKERS = {"sides": "Side", "kinds": "Casualty kind", "groups": "Civilian or military"}
# Pickers that may stay open: "all" groups compares civilian and military totals together.
CLAIM_OPTIONAL = ("groups",)
ANY = "all"


def claim_pickers(filters: Filters) -> Filters:
    """One side and one kind, and a group or all (the sidebar's when it names exactly one,
    else the one with most items): claims compare like with like."""
    picked = {}
    columns = st.columns(len(CLAIM_PICKERS))
    for column, (name, label) in zip(columns, CLAIM_PICKERS.items(), strict=True):
        spec = BY_NAME[name]
        values = list(state.facets(filters, name)["value"])
        values = [ANY, *values] if name in CLAIM_OPTIONAL else values or [None]
        chosen = getattr(filters, name)
        default = chosen[0] if len(chosen) == 1 and chosen[0] in values else values[0]
        picked[name] = column.selectbox(
            label,
            values,
            index=values.index(default),
            format_func=lambda v, key=spec.key: (
                labels.label(key, v) if v not in (None, ANY) else (v or labels.MISSING)
            ),
            key=f"claims_{name}",
        )
    return filters.replace(**{k: (v,) if v and v != ANY else () for k, v in picked.items()})


def flags_table(flags: pd.DataFrame):
    """The flags, each with its evidence sentences (joined by " | ")."""
    shown = flags.assign(
        flag=[labels.words(f) for f in flags["flag"]],
        evidence=[" | ".join(map(str, e)) for e in flags["evidence"]],
    )[["flag", "claimant", "date", "message", "evidence"]]
    return table(
        shown,
        {
            "flag": "Flag",
            "message": st.column_config.TextColumn("What", width="large"),
            "evidence": st.column_config.TextColumn("Evidence sentences", width="large"),
        },
    )
