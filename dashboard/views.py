"""Views: ``(connection, filters) -> frame``, the data behind every chart and table.

Each function takes a DuckDB connection from :meth:`Store.connect` (views ``items``,
``casualties``, ``events``, ``entities``, ``topics``, ``discovered_topics``) and a
:class:`~dashboard.query.Filters`, and returns a small pandas frame ready for a chart
function. Every view starts from the filtered items (``Filters.item_where``), so every
chart and table obeys the same filters. Results are bounded (top-N, limits) so the charts
stay light in the browser.

Under a date range, date field and on-topic flag alone (the first view's filters), the
item counts, topics over time, topic co-occurrence, the list filters' value counts, items
per source and datasets sum the store's daily counts (``dashboard.aggregates``) instead of
joining every item to its topics or values: the same frame, from a few thousand rows
(:func:`from_daily_counts` says when; tests compare both ways).

Examples
--------
>>> con = Store("data/store").connect()  # doctest: +SKIP
>>> topic_counts(con, Filters.from_query("side=russia"))  # doctest: +SKIP
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from . import aggregates, claims, facets, labels, query
from .query import Filters
from .schema import ITEMS, SCHEMAS

FREQS = ("day", "week", "month")
# Cap on the points drawn in the timeline's dot plot: one dot per event, stacked per period.
TIMELINE_PER_PERIOD = 40
TIMELINE_MAX_POINTS = 4000
# How many topics the over-time and co-occurrence charts show (the most frequent ones).
TOP_TOPICS = 12
# A period's topic shares are shown only when it has at least this many items.
MIN_PERIOD_ITEMS = 10
# Claimants shown per comparison in the claimant chart (those with the most figures), and
# how many comparisons (side · kind · per) it draws.
CLAIMANTS_PER_COMPARISON = 6
COMPARISONS_SHOWN = 6
# The claims charts: how many claimants and (side, kind) series they draw.
CLAIMANTS_SHOWN = 8
SERIES_SHOWN = 4
# The claimant of figures nobody is named for.
UNATTRIBUTED = claims.UNATTRIBUTED
# Tables the Data page offers for download, filtered by the items they belong to.
DOWNLOAD_TABLES = ("items", "casualties", "events", "entities", "topics")
# The items' columns an item's record and the downloads leave out: its key and the lists
# the filters test (``item_lists``; every store's view has them, empty when not stored).
ITEM_HIDDEN = ", ".join(["item_key", *(c.name for c in ITEMS.derived)])


# The item columns the views read. Not ``i.*``: DuckDB materialises a CTE used more than
# once, and carrying every item's full text through it costs seconds at a million items.
# Views join on ``item_key`` (a 64-bit integer the store derives from ``item_id``): joins of
# integers cost a fraction of joins of 16-character strings.
F_COLUMNS = "i.item_key, i.item_id, i.title, i.source, i.url, i.published, i.event_date, i.n_words, i.n_copies"


# Whether views sum the store's daily counts when the filters allow it (tests turn it off to
# compare with the counts from the items).
USE_AGGREGATES = True
# The filters the daily counts are broken down by: a view of items under these alone (the
# others at their defaults, ``Filters.only_among``) can sum them.
DAILY_FILTERS = ("date_field", "date_from", "date_to", "on_topic")


def from_daily_counts(con: duckdb.DuckDBPyConnection, filters: Filters) -> bool:
    """Whether the views that can sum the store's daily counts do so under ``filters``:
    the counts are fresh on ``con`` (``aggregates.ready``), no filter beyond
    :data:`DAILY_FILTERS` changes the items, and the connection's day is theirs."""
    if not (USE_AGGREGATES and aggregates.ready(con) and filters.only_among(DAILY_FILTERS)):
        return False
    if filters.date_field not in aggregates.DATE_FIELDS:
        return False
    if filters.date_field == "event":
        return True  # event dates are days without a time zone
    (zone,) = con.execute("SELECT current_setting('TimeZone')").fetchall()[0]
    return zone == aggregates.TIME_ZONE  # Store.connect sets it; a caller may change it


def _daily_where(filters: Filters, alias: str = "a") -> tuple[str, list]:
    """The rows of the daily counts (aliased ``alias``) that ``filters`` keep: their date
    field's, inside the date range (whole days, as the filters' bounds), on topic."""
    conds, params = [f"{alias}.date_field = ?"], [filters.date_field]
    if filters.date_from:
        conds.append(f"{alias}.day >= ?")
        params.append(filters.date_from)
    if filters.date_to:
        conds.append(f"{alias}.day <= ?")
        params.append(filters.date_to)
    if filters.on_topic:
        conds.append(f"{alias}.on_topic")
    return " AND ".join(conds), params


def _date_expr(filters: Filters, alias: str = "i") -> str:
    """The date the filters work on (``query.date_column``), as a DATE."""
    return f"CAST({query.date_column(filters, alias)} AS DATE)"


def _freq(freq: str) -> str:
    if freq not in FREQS:
        raise ValueError(f"granularity must be one of {FREQS}, not {freq!r}")
    return freq


def _filtered(
    con: duckdb.DuckDBPyConnection, filters: Filters, item_where: tuple[str, list] | None = None
) -> tuple[str, list]:
    """A CTE ``f`` of the filtered items with their chart date ``d`` (``item_where``: the
    filters' item conditions when the caller has them already).

    Views of figures or dated events add the filters of their own level
    (``filters.where("figure", "c")``) on top: those imply the item-level ones (a figure
    whose sentence names Kyiv stands in an item naming Kyiv), so pre-filtering the items by
    every filter changes no result and leaves fewer rows to test. The connection goes to
    ``item_where`` so a text search uses the store's full-text index.
    """
    where, params = item_where or filters.item_where("i", con=con)
    sql = f"f AS (SELECT {F_COLUMNS}, {_date_expr(filters)} AS d FROM items i WHERE {where})"
    return sql, list(params)


def _in_filtered(filters: Filters, alias: str) -> str:
    """``alias`` rows of the filtered items; no semi-join at all when nothing is filtered
    (joining a million item keys costs more than the whole aggregate)."""
    if not filters.restricts_items:
        return "TRUE"
    return f"{alias}.item_key IN (SELECT item_key FROM f)"


def _rows_where(
    con: duckdb.DuckDBPyConnection, filters: Filters, level: str = "figure", alias: str = "c"
) -> tuple[str, list]:
    """The condition on the rows of ``level`` (figures: ``casualties``, events: ``events``)
    aliased ``alias`` that the filters keep, and its parameters.

    Those rows carry their item's dates, on-topic flag, file, sources and title
    (``schema.CARRIED_ITEM_COLUMNS``), so those filters test the row itself; only the
    filters with no SQL of that level (topics) select the rows' items, by a semi-join.
    Joining a million filtered items to the figures cost most of a figure view's time.
    """
    where, params = filters.where(level, alias)
    if filters.restricts(level):
        iwhere, iparams = filters.item_where("i", con=con, level=level)
        where += f" AND {alias}.item_key IN (SELECT item_key FROM items i WHERE {iwhere})"
        params = [*params, *iparams]
    return where, params


def _df(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> pd.DataFrame:
    return con.execute(sql, params).df()


# -- filter choices -------------------------------------------------------------------------
# How many values a list filter offers at most (the places: the most named).
MAX_OPTIONS = 300


def filter_facets(
    con: duckdb.DuckDBPyConnection, filters: Filters, field: str, limit: int = MAX_OPTIONS
) -> pd.DataFrame:
    """The values list filter ``field`` offers (its ``Field.facet``), each with ``n_items``:
    the items it would keep under the other filters (datasette's facet counts), most first.

    Counting under the *other* filters says what choosing a value would give; the filter's
    own values are left out of that, or every other value would count 0.
    """
    found = facet_counts(con, filters, (field,), limit)
    return found.drop(columns="field").reset_index(drop=True)


def facet_counts(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    fields: tuple[str, ...] | None = None,
    limit: int = MAX_OPTIONS,
) -> pd.DataFrame:
    """:func:`filter_facets` of every list filter in ``fields`` (default: all of them) in
    one query: rows ``field, value, n_items``, per field most first.

    Each field is counted under ``filters.for_facet(field)``. Under a date range, date
    field and on-topic flag alone (the first view, and "only about this war" switched
    either way) a field's counts are sums of the store's daily facet counts
    (``aggregates``): at 1M items ~20 ms for all nine, where counting them from the items
    took 0.3-0.45 s in one query and 0.4-0.85 s in nine. Other fields are counted from the
    items, those counted under the same filters sharing one set of filtered items.
    """
    fields = tuple(fields or (spec.name for spec in query.LIST_FIELDS))
    ctes, cte_params, kept = [], [], {}
    live, live_params, served = [], [], {}
    for field in fields:
        spec = query.BY_NAME[field]
        if spec.facet is None:
            raise ValueError(f"filter {field!r} offers no values")
        others = filters.for_facet(field)
        if _facet_from_daily_counts(con, others, spec):
            served.setdefault(others.to_query_string(), (others, []))[1].append(field)
            continue
        keep = ""
        if others.restricts_items:
            signature = others.to_query_string()
            if signature not in kept:
                where, params = others.item_where("i", con=con)
                kept[signature] = f"k{len(kept)}"
                ctes.append(f"{kept[signature]} AS (SELECT item_key FROM items i WHERE {where})")
                cte_params += params
            keep = f"AND item_key IN (SELECT item_key FROM {kept[signature]})"
        rows, fparams = facets.facet_rows(field, others.origin, keep)  # each item and value once
        live.append(rows)
        live_params += fparams
    counted, params = [], []
    if live:
        counted.append(
            f"SELECT field, value, count(*) AS n FROM ({' UNION ALL '.join(live)}) "
            "GROUP BY field, value"
        )
        params += live_params
    for others, names in served.values():
        sql, more = _daily_facets(others, names)
        counted.append(sql)
        params += more
    with_ctes = f"WITH {', '.join(ctes)} " if ctes else ""
    sql = f"""{with_ctes}SELECT field, value, CAST(sum(n) AS BIGINT) AS n_items
    FROM ({" UNION ALL ".join(counted)}) GROUP BY field, value
    QUALIFY row_number() OVER (PARTITION BY field ORDER BY n_items DESC, value) <= ?
    ORDER BY field, n_items DESC, value"""
    return _df(con, sql, [*cte_params, *params, int(limit)])


def _facet_from_daily_counts(con, others: Filters, spec: query.Field) -> bool:
    """Whether the daily facet counts serve field ``spec`` counted under ``others``: the
    views may sum the daily counts, and the filters its facet reads are at their defaults
    (the counts are of the facets under the default filters)."""
    return from_daily_counts(con, others) and all(
        getattr(others, name) == query.BY_NAME[name].default for name in spec.facet_reads
    )


def _daily_facets(filters: Filters, fields: list[str]) -> tuple[str, list]:
    """SQL of (field, value, n) rows: the daily facet counts of ``fields`` under
    ``filters`` summed (the discovered topics' rows join their field, ``topics``)."""
    where, params = _daily_where(filters)
    field = "CASE WHEN a.field = ? THEN ? ELSE a.field END"
    sql = (
        f"SELECT {field} AS field, a.value, sum(a.n_items) AS n FROM daily_facets a "
        f"WHERE {where} AND a.field IN ({', '.join('?' for _ in fields)}, ?) GROUP BY 1, 2"
    )
    discovered = aggregates.DISCOVERED if "topics" in fields else None  # with the topics
    return sql, [aggregates.DISCOVERED, "topics", *params, *fields, discovered]


# The default date range: where the middle 98% of each dataset's on-topic items are dated,
# widened to whole months, so one 1939 documentary or a "Blade Runner 2099" item does not stretch
# every time axis across decades.
SPAN_QUANTILES = (0.01, 0.99)


def default_span(con: duckdb.DuckDBPyConnection) -> dict:
    """The date range a first view shows, and what it leaves out.

    Keys: ``date_from``, ``date_to`` (whole months around the 1st-99th percentile of the
    on-topic items' event dates, taken per dataset and joined, so ten digest items of 2024
    beside 2,500 UCDP events of 2014-2023 are not cut as outliers; all items' when none is
    on topic), ``first`` and ``last``
    (the earliest and latest item dates in the store) and ``n_outside`` (items dated outside
    the range). The range bounds event dates, the column the date filter applies to by
    default; event dates already lie within a year of an item's publication date.
    """
    lo, hi = SPAN_QUANTILES
    row = con.execute(
        f"""WITH d AS (SELECT CAST(event_date AS DATE) AS d, on_topic, dataset FROM items
                       WHERE event_date IS NOT NULL),
        s AS (SELECT quantile_disc(d, {lo}) AS lo, quantile_disc(d, {hi}) AS hi FROM d
              WHERE on_topic OR NOT EXISTS (SELECT 1 FROM d WHERE on_topic)
              GROUP BY dataset),
        m AS (SELECT CAST(date_trunc('month', min(lo)) AS DATE) AS date_from,
                     CAST(last_day(max(hi)) AS DATE) AS date_to FROM s)
        SELECT m.date_from, m.date_to, (SELECT min(d) FROM d), (SELECT max(d) FROM d),
               (SELECT count(*) FROM d WHERE d < m.date_from OR d > m.date_to)
        FROM m"""
    ).fetchall()[0]  # fetchall: fetchone leaves the result open and a later register fails
    keys = ("date_from", "date_to", "first", "last", "n_outside")
    return dict(zip(keys, row, strict=True))


def default_filters(con: duckdb.DuckDBPyConnection) -> Filters:
    """The filters of a first view (the app's opening page, ``dashboard export`` without
    ``--filters``): the default date range, this war's figures from on-topic items."""
    span = default_span(con)
    return Filters(date_from=span["date_from"], date_to=span["date_to"])


# -- overview -------------------------------------------------------------------------------
def overview_stats(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row: items, first and last date, sources, casualty figures, places."""
    cte, params = _filtered(con, filters)
    # the figure count is the casualty page's (figure_total)
    cwhere, cparams = _rows_where(con, filters)
    # the item figures in one pass over ``f`` (four subqueries each ran its filters again)
    sql = f"""WITH {cte},
    s AS (SELECT count(*) AS n_items, min(d) AS first_date, max(d) AS last_date,
                 count(DISTINCT source) AS n_sources FROM f)
    SELECT s.n_items, s.first_date, s.last_date, s.n_sources,
           (SELECT count(*) FROM casualties c WHERE {cwhere}) AS n_figures,
           (SELECT count(DISTINCT name) FROM entities e
             WHERE e.kind = 'place' AND e.item_key IN (SELECT item_key FROM f)) AS n_places
    FROM s"""
    return _df(con, sql, params + cparams)


def latest_items(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int = 15):
    """The most recent items (by the filter's date), newest first."""
    cte, params = _filtered(con, filters)
    sql = f"""WITH {cte}
    SELECT d AS date, title, source, item_id FROM f
    ORDER BY {_newest_first(filters)} LIMIT {int(limit)}"""
    return _df(con, sql, params)


def _newest_first(filters: Filters, alias: str = "f") -> str:
    """ORDER BY the filters' date column itself, newest first: DuckDB then skips the rows
    (and their titles) that cannot make the top, which a sort on the derived day ``d``
    stops it doing (a 1M-item page: ~80 -> ~55 ms)."""
    if filters.date_field == "event":
        return f"{alias}.event_date DESC NULLS LAST, {alias}.published DESC NULLS LAST, {alias}.item_id"
    return f"{alias}.published DESC NULLS LAST, {alias}.item_id"


def items_per_source(con: duckdb.DuckDBPyConnection, filters: Filters, top: int = 15):
    """Items per source (outlet), the ``top`` largest. An item carried by several outlets
    ("Reuters;AFP") counts for each, as the source filter keeps it for each."""
    if from_daily_counts(con, filters):  # the sources facet's daily counts
        return _facet_sums(con, filters, "sources", "source", top)
    where, params = filters.item_where("i", con=con)  # the items themselves: no join
    sql = f"""WITH s AS (SELECT i.item_key, unnest(i.sources) AS source FROM items i
                         WHERE {where})
    SELECT source, count(DISTINCT item_key) AS n_items FROM s GROUP BY source
    ORDER BY n_items DESC, source LIMIT {int(top)}"""
    return _df(con, sql, params)


def _facet_sums(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    field: str,
    column: str,
    top: int | None = None,
) -> pd.DataFrame:
    """The daily facet counts of list filter ``field`` under ``filters``, summed: rows
    ``column, n_items``, most first (the ``top`` first)."""
    where, params = _daily_where(filters)
    limit = f"LIMIT {int(top)}" if top is not None else ""
    sql = f"""SELECT a.value AS "{column}", CAST(sum(a.n_items) AS BIGINT) AS n_items
    FROM daily_facets a WHERE {where} AND a.field = ? GROUP BY a.value
    ORDER BY n_items DESC, "{column}" {limit}"""
    return _df(con, sql, [*params, field])


# -- topics ---------------------------------------------------------------------------------
# What a count counts: items, or stories (near copies of one story counted once).
COUNT_UNITS = ("stories", "items")


def topic_counts(
    con: duckdb.DuckDBPyConnection, filters: Filters, count: str = "stories"
) -> pd.DataFrame:
    """Stories (or items) per taxonomy topic, most first: ``n`` counts the ``unit`` asked
    for, ``n_items`` the items, ``share`` the fraction of the filtered stories (or items)
    that carry the topic (discovered topics: :func:`discovered_topics`). A story syndicated
    by twenty outlets counts once (``extractors.stories``)."""
    if count not in COUNT_UNITS:
        raise ValueError(f"count must be one of {COUNT_UNITS}, not {count!r}")
    cte, params = _filtered(con, filters)
    unit = "coalesce(s.story_key, f.item_key)" if count == "stories" else "f.item_key"
    # each filtered item's unit once (one read of the stories), then the topics' rows on it
    sql = f"""WITH {cte},
    u AS MATERIALIZED (SELECT f.item_key, {unit} AS unit FROM f
                       LEFT JOIN item_story s ON s.item_key = f.item_key),
    t AS (SELECT t.topic, t.origin, u.unit FROM topics t JOIN u ON u.item_key = t.item_key
          WHERE t.origin = 'taxonomy')
    SELECT topic, origin, count(DISTINCT unit) AS n, ? AS unit,
           count(*) AS n_items,  -- one row per item and topic
           count(DISTINCT unit) / greatest((SELECT count(DISTINCT unit) FROM u), 1) AS share
    FROM t GROUP BY topic, origin ORDER BY n DESC, topic"""
    return _df(con, sql, [*params, count])


def topics_over_time(
    con: duckdb.DuckDBPyConnection, filters: Filters, freq: str = "week", top: int = TOP_TOPICS
) -> pd.DataFrame:
    """Items per period and topic, for the ``top`` most frequent taxonomy topics, with
    ``share``: the fraction of the period's items carrying the topic (so a month with few
    items does not make every topic "fall"); missing for periods with fewer than
    ``MIN_PERIOD_ITEMS`` items, where a share is noise (the busiest period always has one). A period without the topic counts 0
    next to one with it, so lines never join periods across a gap."""
    counts, params = _period_topic_counts(con, filters, _freq(freq))
    sql = f"""WITH {counts},
    top AS (SELECT topic FROM n_all GROUP BY topic
            ORDER BY sum(n_items) DESC, topic LIMIT {int(top)}),
    n AS (SELECT period, topic, n_items FROM n_all WHERE topic IN (SELECT topic FROM top)),
    g AS (SELECT per.period, top.topic, coalesce(n.n_items, 0) AS n_items,
                 CASE WHEN per.n_period >= least({int(MIN_PERIOD_ITEMS)},
                                                 (SELECT max(n_period) FROM per))
                      THEN coalesce(n.n_items, 0) / per.n_period END AS share
          FROM per CROSS JOIN top LEFT JOIN n ON n.period = per.period AND n.topic = top.topic),
    -- a zero is kept only next to a non-zero period: the line drops to 0 and comes back,
    -- and long empty stretches cost no rows
    z AS (SELECT *, lag(n_items) OVER w AS before, lead(n_items) OVER w AS after FROM g
          WINDOW w AS (PARTITION BY topic ORDER BY period))
    SELECT period, topic, n_items, share FROM z
    WHERE n_items > 0 OR coalesce(before, 0) > 0 OR coalesce(after, 0) > 0
    ORDER BY period, topic"""
    return _df(con, sql, params)


def _period_topic_counts(con: duckdb.DuckDBPyConnection, filters: Filters, unit: str):
    """CTEs ``per`` (period, n_period: the dated filtered items) and ``n_all`` (period,
    topic, n_items: their taxonomy topic rows), from the daily counts when they serve."""
    period = f"CAST(date_trunc('{unit}', {{day}}) AS DATE) AS period"
    if from_daily_counts(con, filters):
        where, params = _daily_where(filters)
        sql = f"""a AS (SELECT {period.format(day="a.day")}, a.topic, a.n_items
          FROM daily_counts a WHERE {where} AND a.day IS NOT NULL),
    per AS (SELECT period, CAST(sum(n_items) AS BIGINT) AS n_period FROM a
            WHERE topic IS NULL GROUP BY period),
    n_all AS (SELECT period, topic, CAST(sum(n_items) AS BIGINT) AS n_items FROM a
              WHERE topic IS NOT NULL GROUP BY ALL)"""
        return sql, params
    cte, params = _filtered(con, filters)
    sql = f"""{cte},
    fp AS (SELECT item_key, {period.format(day="d")} FROM f WHERE d IS NOT NULL),
    per AS (SELECT period, count(*) AS n_period FROM fp GROUP BY period),
    n_all AS (SELECT fp.period, t.topic, count(*) AS n_items FROM topics t
              JOIN fp ON fp.item_key = t.item_key WHERE t.origin = 'taxonomy' GROUP BY ALL)"""
    return sql, params


# Topics listed in the A-vs-B comparison: those whose share changed most.
SHIFT_TOPICS = 15


def parse_period(text: str) -> tuple[date, date]:
    """``"2022-03..2022-05"`` (or one month, ``"2022-03"``) -> first and last day."""
    first, _, last = str(text).partition("..")
    try:
        start = date.fromisoformat(f"{first.strip()}-01")
        end_month = date.fromisoformat(f"{(last or first).strip()}-01")
    except ValueError:
        raise ValueError(f"period {text!r} is not YYYY-MM or YYYY-MM..YYYY-MM") from None
    if end_month < start:
        raise ValueError(f"period {text!r} ends before it starts")
    return start, (pd.Timestamp(end_month) + pd.offsets.MonthEnd(0)).date()


def format_period(start: date, end: date) -> str:
    """The inverse of :func:`parse_period`: ``"2022-03..2022-05"``."""
    return f"{start:%Y-%m}..{end:%Y-%m}"


def split_periods(start: date, end: date) -> tuple[str, str]:
    """The default comparison: the months from ``start`` to ``end`` cut in two halves."""
    months = pd.period_range(start, end, freq="M")
    if len(months) < 2:
        return format_period(start, end), format_period(start, end)
    half = len(months) // 2
    return (
        format_period(months[0].start_time, months[half - 1].start_time),
        format_period(months[half].start_time, months[-1].start_time),
    )


def topic_shift(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    a: str | None = None,
    b: str | None = None,
    top: int = SHIFT_TOPICS,
) -> pd.DataFrame:
    """Which taxonomy topics rose and fell between period ``a`` and period ``b`` (see
    :func:`parse_period`; by default the filtered dates cut in two halves).

    Shares, not counts: March 2022 has 1,644 items and March 2023 26, so every count falls.
    Per topic: ``n_a``/``n_b`` items, ``share_a``/``share_b`` of each period's filtered
    items, ``change`` (share_b - share_a); the ``top`` largest changes, rises first. The
    periods replace the filters' dates; ``period_a``/``period_b`` and ``items_a``/``items_b``
    say what was compared.
    """
    if a is None or b is None:
        a, b = split_periods(*_dated_span(con, filters))
    (a0, a1), (b0, b1) = parse_period(a), parse_period(b)
    cte, params = _filtered(con, filters.replace(date_from=min(a0, b0), date_to=max(a1, b1)))
    sql = f"""WITH {cte},
    fp AS (SELECT item_key, d BETWEEN ? AND ? AS in_a, d BETWEEN ? AND ? AS in_b FROM f),
    tot AS (SELECT count(*) FILTER (WHERE in_a) AS items_a,
                   count(*) FILTER (WHERE in_b) AS items_b FROM fp),
    tt AS (SELECT t.topic, count(*) FILTER (WHERE fp.in_a) AS n_a,
                  count(*) FILTER (WHERE fp.in_b) AS n_b
           FROM topics t JOIN fp ON fp.item_key = t.item_key
           WHERE t.origin = 'taxonomy' GROUP BY t.topic),
    s AS (SELECT tt.*, tot.*, n_a / greatest(items_a, 1) AS share_a,
                 n_b / greatest(items_b, 1) AS share_b FROM tt, tot)
    SELECT topic, n_a, n_b, share_a, share_b, share_b - share_a AS change, items_a, items_b,
           ? AS period_a, ? AS period_b
    FROM s ORDER BY abs(change) DESC, topic LIMIT {int(top)}"""
    frame = _df(con, sql, params + [a0, a1, b0, b1, a, b])
    return frame.sort_values(["change", "topic"], ascending=[False, True], ignore_index=True)


def _dated_span(con: duckdb.DuckDBPyConnection, filters: Filters) -> tuple[date, date]:
    """The first and last date of the filtered items (the filters' own dates when set)."""
    cte, params = _filtered(con, filters)
    first, last = con.execute(f"WITH {cte} SELECT min(d), max(d) FROM f", params).fetchall()[0]
    today = date.today()
    return filters.date_from or first or today, filters.date_to or last or today


def topic_cooccurrence(
    con: duckdb.DuckDBPyConnection, filters: Filters, top: int = TOP_TOPICS
) -> pd.DataFrame:
    """Items carrying both topics, for every pair of the ``top`` taxonomy topics.

    The diagonal holds each topic's own item count; both orders of a pair are present so
    the heatmap is symmetric.
    """
    if from_daily_counts(con, filters):
        return _daily_cooccurrence(con, filters, top)
    cte, params = _filtered(con, filters)
    sql = f"""WITH {cte},
    tt AS (SELECT DISTINCT t.item_key, t.topic FROM topics t
           WHERE t.origin = 'taxonomy' AND {_in_filtered(filters, "t")}),
    top AS (SELECT topic FROM tt GROUP BY topic ORDER BY count(*) DESC, topic LIMIT {int(top)}),
    -- each item's top topics as one list, paired within it (no self-join of every row)
    per AS (SELECT list(topic) AS ts FROM tt WHERE topic IN (SELECT topic FROM top)
            GROUP BY item_key)
    SELECT a.topic AS topic_a, b.topic AS topic_b, count(*) AS n_items
    FROM per, unnest(per.ts) AS a(topic), unnest(per.ts) AS b(topic)
    GROUP BY ALL ORDER BY topic_a, topic_b"""
    return _df(con, sql, params)


def _daily_cooccurrence(con: duckdb.DuckDBPyConnection, filters: Filters, top: int):
    """:func:`topic_cooccurrence` summed from the daily pairs: a topic with itself counts
    its items, so the top topics are those of the largest diagonal."""
    where, params = _daily_where(filters)
    sql = f"""WITH
    p AS (SELECT a.topic_a, a.topic_b, sum(a.n_items) AS n FROM daily_pairs a WHERE {where}
          GROUP BY ALL),
    top AS (SELECT topic_a AS topic FROM p WHERE topic_a = topic_b
            ORDER BY n DESC, topic LIMIT {int(top)})
    SELECT topic_a, topic_b, CAST(n AS BIGINT) AS n_items FROM p
    WHERE topic_a IN (SELECT topic FROM top) AND topic_b IN (SELECT topic FROM top)
    ORDER BY topic_a, topic_b"""
    return _df(con, sql, params)


def discovered_topics(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """The topics found in the corpus, their top terms, and their items under the filters."""
    cte, params = _filtered(con, filters)
    sql = f"""WITH {cte},
    hits AS (SELECT t.topic, count(*) AS n FROM topics t
             WHERE t.origin = 'discovered' AND {_in_filtered(filters, "t")} GROUP BY t.topic)
    SELECT d.rank, d.topic, array_to_string(d.top_terms, ', ') AS top_terms,
           coalesce(h.n, 0) AS n_items, d.n_items AS n_items_all
    FROM discovered_topics d LEFT JOIN hits h ON h.topic = d.topic ORDER BY d.rank"""
    return _df(con, sql, params)


# How many figures the casualty table shows at most (the latest).
FIGURES_SHOWN = 5000


# -- casualties -----------------------------------------------------------------------------
def casualty_figures(
    con: duckdb.DuckDBPyConnection, filters: Filters, limit: int | None = None
) -> pd.DataFrame:
    """The latest ``limit`` (default :data:`FIGURES_SHOWN`) casualty figures of the filtered
    items, with their item's title and date (:func:`figure_total` counts them all)."""
    limit = FIGURES_SHOWN if limit is None else limit
    where, params = _rows_where(con, filters)
    sql = f"""SELECT c.value, c.value_max, c.value_min, c.kind, c.side, c."group", c.per,
           c.claimant, CAST(c.period_start AS DATE) AS period_start,
           CAST(c.period_end AS DATE) AS period_end, c.approximate, c.origin, c.quote,
           c.sentence, {_date_expr(filters, "c")} AS date, c.title, c.source, c.url, c.item_id
    FROM casualties c WHERE {where}
    ORDER BY date DESC NULLS LAST, c.item_id, c.start LIMIT {int(limit)}"""
    return _df(con, sql, params)


def figure_total(con: duckdb.DuckDBPyConnection, filters: Filters) -> int:
    """How many figures the filters keep: :func:`casualty_figures` returns the latest of
    them only, so a page says how many it leaves out."""
    where, params = _rows_where(con, filters)
    return con.execute(f"SELECT count(*) FROM casualties c WHERE {where}", params).fetchall()[0][0]


def casualties_over_time(
    con: duckdb.DuckDBPyConnection, filters: Filters, freq: str = "week", count: str = "items"
) -> pd.DataFrame:
    """Figures of single events, summed per period, side and kind.

    Only ``per = 'event'`` figures are summed: they count different events. Daily rates,
    monthly figures and cumulative totals are claims about a span of time, repeated by many
    items; adding them up would be meaningless (see :func:`casualty_claims`). With
    ``count="stories"``, a figure the near copies of one story repeat (same side, kind,
    group and number) is summed once.
    """
    if count not in COUNT_UNITS:
        raise ValueError(f"count must be one of {COUNT_UNITS}, not {count!r}")
    cwhere, params = _rows_where(con, filters)
    d = _date_expr(filters, "c")
    # per story: one row per (story, side, kind, group, value), the first item's date; per
    # item every figure counts (a figure is one per item, offset and kind: nothing to rank)
    if count == "stories":
        copy = f"""row_number() OVER (PARTITION BY coalesce(s.story_key, c.item_key), c.side,
                      c.kind, c."group", c.value, c.origin, c.record_ref ORDER BY {d}, c.item_id)"""
        stories = "LEFT JOIN item_story s ON s.item_key = c.item_key"
    else:
        copy, stories = "1", ""
    sql = f"""WITH
    c AS (SELECT c.side, c.kind, c.value, coalesce(CAST(c.period_end AS DATE), {d}) AS cd,
                 {copy} AS copy
          FROM casualties c {stories}
          WHERE {cwhere} AND c.value IS NOT NULL AND c.per = 'event')
    SELECT CAST(date_trunc('{_freq(freq)}', cd) AS DATE) AS period, side, kind,
           sum(value) AS value, count(*) AS n_figures
    FROM c WHERE cd IS NOT NULL AND copy = 1 GROUP BY ALL ORDER BY side, kind, period"""
    return _df(con, sql, params)


def casualty_claims(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    per: str = "total",
    top_claimants: int = CLAIMANTS_SHOWN,
    top_series: int = SERIES_SHOWN,
) -> pd.DataFrame:
    """Claims of one measure (``per``: total, day or month) as series: one row per date,
    side, kind and claimant with the largest figure that claimant gave that day.

    Only the ``top_series`` (side, kind) pairs and, across them, the ``top_claimants``
    claimants with the most figures are kept, so the chart stays readable; unattributed
    figures count as the claimant "unattributed". ``series`` names the pair ("Russia ·
    Killed").
    """
    if per not in ("total", "day", "month"):
        raise ValueError(f"per must be total, day or month, not {per!r}")
    cwhere, cparams = _rows_where(con, filters)
    sql = f"""WITH
    c AS (SELECT c.side, c.kind, coalesce(nullif(trim(c.claimant), ''), ?) AS claimant,
                 c.value, coalesce(CAST(c.period_end AS DATE), {_date_expr(filters, "c")}) AS date
          FROM casualties c
          WHERE {cwhere} AND c.value IS NOT NULL AND c.per = ?),
    s AS (SELECT side, kind FROM c GROUP BY ALL ORDER BY count(*) DESC, side, kind
          LIMIT {int(top_series)}),
    k AS (SELECT claimant FROM c WHERE (side, kind) IN (SELECT (side, kind) FROM s)
          GROUP BY claimant ORDER BY count(*) DESC, claimant LIMIT {int(top_claimants)})
    SELECT date, side, kind, claimant, max(value) AS value, count(*) AS n_figures
    FROM c WHERE date IS NOT NULL AND (side, kind) IN (SELECT (side, kind) FROM s)
         AND claimant IN (SELECT claimant FROM k)
    GROUP BY ALL ORDER BY side, kind, claimant, date"""
    out = _df(con, sql, [UNATTRIBUTED, *cparams, per])
    out["series"] = labels.joined(out, ("side", "kind"))
    return out


def claimant_ranges(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    top: int = CLAIMANTS_PER_COMPARISON,
    comparisons: int = COMPARISONS_SHOWN,
) -> pd.DataFrame:
    """For each side, kind and per: the range of figures each claimant gave.

    Only totals, monthly figures and daily rates (figures of single events are about
    different events and do not compare), and only (side, kind, per) groups with at least
    two claimants: the ``comparisons`` groups with the most figures, each keeping its
    ``top`` claimants with the most figures.
    """
    cwhere, params = _rows_where(con, filters)
    sql = f"""WITH
    c AS (SELECT c.side, c.kind, c.per, trim(c.claimant) AS claimant,
                 coalesce(c.value_max, c.value) AS hi, c.value AS lo
          FROM casualties c
          WHERE {cwhere} AND c.value IS NOT NULL
                AND c.per <> 'event'
                AND c.claimant IS NOT NULL AND trim(c.claimant) <> ''),
    g AS (SELECT side, kind, per, claimant, min(lo) AS low, max(hi) AS high,
                 count(*) AS n_figures FROM c GROUP BY ALL),
    r AS (SELECT *, row_number() OVER (PARTITION BY side, kind, per
                                       ORDER BY n_figures DESC, claimant) AS k,
                 count(*) OVER (PARTITION BY side, kind, per) AS n_claimants,
                 sum(n_figures) OVER (PARTITION BY side, kind, per) AS n_group FROM g),
    top AS (SELECT side, kind, per FROM r WHERE n_claimants >= 2 GROUP BY ALL
            ORDER BY max(n_group) DESC, side, kind, per LIMIT {int(comparisons)})
    SELECT side, kind, per, claimant, low, high, n_figures
    FROM r WHERE k <= {int(top)} AND (side, kind, per) IN (SELECT (side, kind, per) FROM top)
    ORDER BY side, kind, per, high DESC, claimant"""
    out = _df(con, sql, params)
    out["comparison"] = labels.joined(out, ("side", "kind", "per"))
    return out


# -- claims ---------------------------------------------------------------------------------
def claimed_figures(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Every figure the claims checks read (:mod:`dashboard.claims`): the totals, daily
    rates and monthly figures under the filters, with their date and sentence, latest first.

    Checked on all of them, not a table's first page. Figures of single events claim no
    span and stay out: at a million items they are most of a side's figures, and fetching
    them with their sentences made the Claims page take seconds.
    """
    where, params = _rows_where(con, filters)
    sql = f"""SELECT c.value, c.value_max, c.value_min, c.kind, c.side, c."group", c.per,
           c.claimant, CAST(c.period_start AS DATE) AS period_start,
           CAST(c.period_end AS DATE) AS period_end, c.origin, c.quote, c.sentence,
           {_date_expr(filters, "c")} AS date, c.item_id
    FROM casualties c WHERE {where} AND c.per <> 'event'
    ORDER BY date DESC NULLS LAST, c.item_id, c.start"""
    return _df(con, sql, params)


# What the Claims page compares: one of each (the filters' own, else the commonest).
CLAIM_FOCUS = ("sides", "kinds")


def claim_focus(con: duckdb.DuckDBPyConnection, filters: Filters) -> Filters:
    """``filters`` narrowed to one side and one kind, as the Claims page opens: the
    filters' own when they name exactly one, else the one with the most items."""
    picked = {}
    for name in CLAIM_FOCUS:
        if len(getattr(filters, name)) != 1:
            found = filter_facets(con, filters, name, limit=1)
            picked[name] = tuple(found["value"])
    return filters.replace(**picked)


def claimant_table(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Per claimant of the filtered figures' totals: first and latest claim, latest value,
    claims, average per day between totals (:func:`dashboard.claims.claimant_table`), then
    a row per dataset for the running sum of its counts (:func:`reference_sums`)."""
    figures = claimed_figures(con, filters)
    return claims.claimant_table(claims.claim_series(figures), reference_sums(con, filters))


def reference_sums(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Each dataset's counts of single events under the filters (whatever their ``origin``
    and claimant filters say), summed per day and run up from the first day: ``value``
    from the best estimates, ``low``/``high`` from the ranges, ``n_events`` the events so
    far. ``claimant`` is the dataset; ``series`` names the side · kind, as the claims do."""
    filters = filters.replace(origin="dataset", claimants=())
    cwhere, params = _rows_where(con, filters)
    sql = f"""WITH
    r AS (SELECT c.claimant, c.side, c.kind, CAST(c.period_end AS DATE) AS date,
                 sum(c.value) AS value, sum(coalesce(c.value_min, c.value)) AS low,
                 sum(coalesce(c.value_max, c.value)) AS high, count(*) AS n
          FROM casualties c
          WHERE {cwhere} AND c.per = 'event' AND c.value IS NOT NULL
                AND c.period_end IS NOT NULL
          GROUP BY ALL)
    SELECT date, side, kind, claimant,
           sum(value) OVER w AS value, sum(low) OVER w AS low, sum(high) OVER w AS high,
           sum(n) OVER w AS n_events
    FROM r WINDOW w AS (PARTITION BY claimant, side, kind ORDER BY date)
    ORDER BY claimant, side, kind, date"""
    out = _df(con, sql, params)
    out["series"] = labels.joined(out, ("side", "kind"))
    return out


def claims_with_reference(
    con: duckdb.DuckDBPyConnection, filters: Filters, top_claimants: int = CLAIMANTS_SHOWN
) -> pd.DataFrame:
    """Claimed cumulative totals (:func:`casualty_claims`) beside each dataset's running sum
    of single-event counts (:func:`reference_sums`) for the same filters; ``measure`` says
    which a row is. Meant for one side and kind (the Claims page picks them)."""
    claimed = casualty_claims(con, filters, "total", top_claimants).assign(measure="claimed total")
    sums = reference_sums(con, filters).rename(columns={"n_events": "n_figures"})
    sums["claimant"] = sums["claimant"] + claims.REFERENCE_SUFFIX
    return pd.concat([claimed, sums.assign(measure="dataset running sum")], ignore_index=True)


def claim_flags(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """What does not add up in the filtered figures (:func:`dashboard.claims.claim_flags`);
    meant for one side and kind."""
    return claims.claim_flags(claimed_figures(con, filters))


def story_items(con: duckdb.DuckDBPyConnection, item_id: str) -> pd.DataFrame:
    """The other items of an item's story (its near copies), earliest first."""
    sql = """SELECT i.item_id, i.title, i.source, CAST(i.published AS DATE) AS published, i.url
    FROM item_story s JOIN items i USING (item_id)
    WHERE s.story_id = (SELECT story_id FROM item_story WHERE item_id = ?) AND i.item_id <> ?
    ORDER BY i.published NULLS LAST, i.item_id"""
    return _df(con, sql, [item_id, item_id])


# -- timeline -------------------------------------------------------------------------------
def timeline_events(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    freq: str = "week",
    per_period: int = TIMELINE_PER_PERIOD,
    max_points: int = TIMELINE_MAX_POINTS,
) -> pd.DataFrame:
    """Dated events of the filtered items, stacked per period (``slot`` = height in the stack).

    At most ``per_period`` events per period and ``max_points`` in all (the most recent).
    Year-only dates ("in 2019") are left out: drawn at 1 January they stack up as if
    something happened that day.
    """
    cte, params = _dated_events(con, filters, freq)
    sql = f"""WITH {cte},
    -- the sentence last: an item naming "Friday" twice has two events of one phrase, and
    -- which of them made the page changed from run to run
    s AS (SELECT *, row_number() OVER (PARTITION BY period
                                       ORDER BY date, item_id, phrase, sentence) AS slot
          FROM e)
    SELECT * FROM s WHERE slot <= {int(per_period)}
    ORDER BY period DESC, slot LIMIT {int(max_points)}"""
    return _df(con, sql, params)


def _dated_events(con: duckdb.DuckDBPyConnection, filters: Filters, freq: str):
    """A CTE ``e``: the filtered items' dated events inside the date filter, with the
    ``period`` of ``freq`` they fall in; year-only dates left out."""
    where, params = _rows_where(con, filters, "event", "e")
    # The items' dates are filtered; their events must lie in the range too, or an item of
    # 2023 mentioning 1941 would draw the axis back to 1941.
    if filters.date_from:
        where += " AND CAST(e.date AS DATE) >= ?"  # drawn at its start: the start counts
        params.append(filters.date_from)
    if filters.date_to:
        where += " AND CAST(e.date AS DATE) <= ?"
        params.append(filters.date_to)
    sql = f"""e AS (SELECT CAST(e.date AS DATE) AS date, CAST(e.date_end AS DATE) AS date_end,
                 e.precision, e.phrase, e.sentence, e.title, e.source, e.item_id,
                 CAST(date_trunc('{_freq(freq)}', e.date) AS DATE) AS period
          FROM events e
          WHERE e.date IS NOT NULL AND e.precision <> 'year' AND {where})"""
    return sql, params


# The chronological list: the latest months with dated events, and how many of each
# month's events it lists (the count says how many there are).
LIST_MONTHS = 36
EVENTS_PER_MONTH = 100


def timeline_list(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    months: int = LIST_MONTHS,
    per_month: int = EVENTS_PER_MONTH,
) -> pd.DataFrame:
    """Dated events in date order, grouped by month (``period``, with ``n_month`` events in
    all): the latest ``months`` months, at most ``per_month`` events of each, earliest first."""
    cte, params = _dated_events(con, filters, "month")
    sql = f"""WITH {cte},
    m AS (SELECT period, count(*) AS n_month FROM e GROUP BY period
          ORDER BY period DESC LIMIT {int(months)}),
    s AS (SELECT e.*, m.n_month,
                 row_number() OVER (PARTITION BY e.period ORDER BY e.date, e.item_id, e.phrase)
                 AS rank
          FROM e JOIN m USING (period))
    SELECT period, n_month, date, date_end, precision, phrase, sentence, title, source, item_id
    FROM s WHERE rank <= {int(per_month)} ORDER BY period, date, item_id, phrase"""
    return _df(con, sql, params)


def item_counts(con: duckdb.DuckDBPyConnection, filters: Filters, freq: str = "week"):
    """Items per period (by the filter's date), from the daily counts when they serve."""
    if from_daily_counts(con, filters):
        where, params = _daily_where(filters)
        sql = f"""SELECT CAST(date_trunc('{_freq(freq)}', a.day) AS DATE) AS period,
               CAST(sum(a.n_items) AS BIGINT) AS n_items
        FROM daily_counts a WHERE {where} AND a.topic IS NULL AND a.day IS NOT NULL
        GROUP BY period ORDER BY period"""
        return _df(con, sql, params)
    cte, params = _filtered(con, filters)
    sql = f"""WITH {cte}
    SELECT CAST(date_trunc('{_freq(freq)}', d) AS DATE) AS period, count(*) AS n_items
    FROM f WHERE d IS NOT NULL GROUP BY period ORDER BY period"""
    return _df(con, sql, params)


# -- places ---------------------------------------------------------------------------------
# The map's layers: places named in the text (gazetteer coordinates), and the coordinates
# dataset records carry themselves (CIR, UCDP), pooled in cells of COORDINATE_CELL degrees.
PLACE_LAYERS = ("text place", "dataset coordinates")
COORDINATE_CELL = 0.1
MAX_COORDINATE_CELLS = 2000
# How many files a cell's tooltip names.
FILES_NAMED = 3


def place_counts(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    top: int = 400,
    max_cells: int = MAX_COORDINATE_CELLS,
):
    """What the map draws: both layers in one frame, each with most items first.

    Columns: ``layer`` (:data:`PLACE_LAYERS`), ``name``, ``country``, ``admin1``, ``lat``,
    ``lon``, ``n_items``, ``files``. ``text place`` rows come first: the places named by the
    filtered items (at most ``top``). Then ``dataset coordinates``: the filtered items' own
    ``lat``/``lon`` pooled per cell of :data:`COORDINATE_CELL` degrees, at the cell's mean
    position, with the files the records came from (no name; at most ``max_cells``).
    """
    # the cells read the items' own coordinates under the same conditions as ``f`` (not a
    # semi-join of the items against themselves); a name two places share shows one region
    # and country, the same on every run (any_value gave either)
    where, wparams = filters.item_where("i", con=con)
    cte, params = _filtered(con, filters, (where, wparams))
    k = 1 / COORDINATE_CELL
    sql = f"""WITH {cte},
    named AS (
        SELECT 'text place' AS layer, e.name, min(e.country) AS country,
               min(e.admin1) AS admin1, avg(e.lat) AS lat, avg(e.lon) AS lon,
               count(DISTINCT e.item_key) AS n_items, CAST(NULL AS VARCHAR) AS files
        FROM entities e
        WHERE e.kind = 'place' AND e.lat IS NOT NULL AND e.lon IS NOT NULL
              AND {_in_filtered(filters, "e")}
        GROUP BY e.name ORDER BY n_items DESC, e.name LIMIT {int(top)}),
    cells AS (
        SELECT 'dataset coordinates' AS layer, CAST(NULL AS VARCHAR) AS name,
               CAST(NULL AS VARCHAR) AS country, CAST(NULL AS VARCHAR) AS admin1,
               avg(i.lat) AS lat, avg(i.lon) AS lon, count(*) AS n_items,
               list_sort(list(DISTINCT regexp_extract(i.file, '[^/\\\\]+$'))) AS files
        FROM items i
        WHERE {where} AND i.lat BETWEEN -90 AND 90 AND i.lon BETWEEN -180 AND 180
        GROUP BY round(i.lat * {k}), round(i.lon * {k})
        ORDER BY n_items DESC, lat, lon LIMIT {int(max_cells)})
    -- a cell names at most FILES_NAMED files (a store of many files: hundreds per cell)
    SELECT * FROM named UNION ALL
    SELECT * REPLACE (
        array_to_string(list_slice(files, 1, {FILES_NAMED}), ', ')
        || CASE WHEN len(files) > {FILES_NAMED}
                THEN ' and ' || (len(files) - {FILES_NAMED}) || ' more' ELSE '' END AS files)
    FROM cells
    ORDER BY layer DESC, n_items DESC, name, lat, lon"""
    return _df(con, sql, params + wparams)


def place_items(
    con: duckdb.DuckDBPyConnection, filters: Filters, place: str, limit: int = 200
) -> pd.DataFrame:
    """The filtered items that name ``place``, newest first."""
    cte, params = _filtered(con, filters)
    sql = f"""WITH {cte}
    SELECT f.d AS date, f.title, f.source, f.item_id FROM f
    WHERE f.item_key IN (SELECT item_key FROM entities WHERE kind = 'place' AND name = ?)
    ORDER BY f.d DESC NULLS LAST, f.item_id LIMIT {int(limit)}"""
    return _df(con, sql, params + [place])


# -- provenance -----------------------------------------------------------------------------
def datasets(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """The datasets (files) the filtered items come from, with their item counts, most first."""
    if from_daily_counts(con, filters):  # the datasets facet's daily counts
        return _facet_sums(con, filters, "datasets", "dataset")
    where, params = filters.item_where("i", con=con)
    sql = f"""SELECT i.dataset, count(*) AS n_items FROM items i WHERE {where}
    GROUP BY i.dataset ORDER BY n_items DESC, i.dataset"""
    return _df(con, sql, params)


# -- items ----------------------------------------------------------------------------------
def search_items(
    con: duckdb.DuckDBPyConnection, filters: Filters, limit: int = 100, offset: int = 0
):
    """One page of the filtered items (the sidebar's text search included), newest first:
    ``limit`` rows from row ``offset`` (0-based)."""
    cte, params = _filtered(con, filters)
    cwhere, cparams = filters.where("figure", "c")
    # The page first, then its figure counts (not a count for every filtered item); the
    # figures counted are those the casualty page would show.
    sql = f"""WITH {cte},
    top AS MATERIALIZED (
        SELECT item_key, item_id, d, event_date, published, title, source, n_words,
               n_copies, url FROM f
        ORDER BY {_newest_first(filters)} LIMIT {int(limit)} OFFSET {int(offset)}),
    -- counted on the page's items only: a correlated count tested every figure's sentence
    n AS (SELECT c.item_key, count(*) AS n_figures FROM casualties c
          WHERE c.item_key IN (SELECT item_key FROM top) AND {cwhere} GROUP BY c.item_key)
    SELECT top.d AS date, top.title, top.source, top.n_words, top.n_copies,
           coalesce(n.n_figures, 0) AS n_figures, top.url, top.item_id
    FROM top LEFT JOIN n ON n.item_key = top.item_key
    ORDER BY {_newest_first(filters, "top")}"""
    return _df(con, sql, params + cparams)


def item_total(con: duckdb.DuckDBPyConnection, filters: Filters) -> int:
    """How many items the filters keep."""
    where, params = filters.item_where("i", con=con)
    return con.execute(f"SELECT count(*) FROM items i WHERE {where}", params).fetchall()[0][0]


def item_record(con: duckdb.DuckDBPyConnection, item_id: str) -> pd.DataFrame:
    """One item's stored row (empty frame when unknown)."""
    return _df(con, f"SELECT * EXCLUDE ({ITEM_HIDDEN}) FROM items WHERE item_id = ?", [item_id])


def item_marks(con: duckdb.DuckDBPyConnection, item_id: str) -> pd.DataFrame:
    """What was extracted from one item, as character spans: figures, dates, entities.

    Columns ``start``, ``end``, ``mark`` (figure, date, place, person, ...), ``label``
    (what the span means), sorted by position.
    """
    sql = """
    SELECT start, "end", 'figure' AS mark,
           kind || ' · ' || side || ' · ' || per || coalesce(' · ' || claimant, '') AS label
      FROM casualties WHERE item_id = ? AND start IS NOT NULL
    UNION ALL
    SELECT start, "end", 'date' AS mark,
           CAST(CAST(date AS DATE) AS VARCHAR) || ' (' || precision || ')' AS label
      FROM events WHERE item_id = ? AND start IS NOT NULL
    UNION ALL
    SELECT start, "end", kind AS mark, name AS label
      FROM entities WHERE item_id = ? AND start IS NOT NULL
    ORDER BY start, "end" DESC"""
    return _df(con, sql, [item_id, item_id, item_id])


# -- downloads ------------------------------------------------------------------------------
def filtered_table(con: duckdb.DuckDBPyConnection, filters: Filters, table: str):
    """A whole stored table restricted to the filtered items (for CSV/Parquet downloads)."""
    if table not in DOWNLOAD_TABLES:
        raise ValueError(f"table must be one of {DOWNLOAD_TABLES}, not {table!r}")
    level = {"casualties": "figure", "events": "event"}.get(table, "item")
    where, params = filters.item_where("i", con=con, level=level)
    if table == "items":
        return _df(con, f"SELECT * EXCLUDE ({ITEM_HIDDEN}) FROM items i WHERE {where}", params)
    rows, rparams = filters.where(level, "t") if level != "item" else ("TRUE", [])
    # the table's own columns: not the keys, nor the item columns figures carry
    columns = ", ".join(f't."{name}"' for name in SCHEMAS[table].names)
    sql = (
        f"SELECT {columns} FROM {table} t "
        f"WHERE t.item_key IN (SELECT item_key FROM items i WHERE {where}) AND {rows}"
    )
    return _df(con, sql, params + rparams)
