"""Filters, declared once: a table of fields from which everything else is generated.

Each :class:`Field` of :data:`FIELDS` names its URL key, its human label, how its value is
parsed and checked, its widget, the SQL it adds at each level it applies to, and where its
options come from. The :class:`Filters` dataclass, the URL query string both ways, the
"Showing: …" caption, the SQL of every view, the sidebar (``app/state.py``), its option
lists with counts (``views.filter_facets``) and the exporter's ``--filters`` check are all
generated from it: a new filter is one entry here (plus its tests).

Levels: a view shows items, casualty figures or dated events. A filter with SQL for the
view's level applies there (``place=Bakhmut`` on the casualty page keeps the figures whose
sentence names Bakhmut or a place inside it, not every figure of an item naming it);
otherwise it selects the items the rows belong to (topics stay item-level everywhere).

Query string keys::

    from=2024-10-01&to=2024-11-15&date=event|published&topic=A&topic=B&side=russia
    &kind=killed&group=civilian&per=event&claimant=Ukrainian+General+Staff&place=Kyiv
    &source=Reuters&dataset=ucdp_ged_ukraine&q=drone&on_topic=0&this_war=0

Multi-valued filters repeat their key. ``Filters.parse`` returns the filters and a list of
problems (a bad date, From after To, an unknown key, a 10 kB search text, more than
``LIST_LIMIT`` values, a NUL byte), each naming the filter; the app shows them and applies
the rest, the exporter refuses them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, make_dataclass, replace
from dataclasses import field as dataclass_field
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import parse_qs, urlencode

from . import facets, item_lists, search_index
from .schema import CASUALTY_KINDS, GROUPS, PERS
from .sides import side_countries

LEVELS = ("item", "figure", "event")
DATE_FIELDS = ("event", "published")
# The pages' own query-string keys (not filters, not problems): an item, the Topics periods.
PAGE_KEYS = ("item", "a", "b")
# The dates a filter accepts (the app's date inputs offer the same).
MIN_DATE, MAX_DATE = date(1900, 1, 1), date(2100, 12, 31)
# Longest search text and list value accepted (longer ones are cut, and said so).
TEXT_LIMIT = 200
# Most values one list filter takes (a URL naming more is refused, and said so; Streamlit
# itself ignores a whole query string of more than 1,000 parameters or 512 KiB).
LIST_LIMIT = 100
# Characters no filter value may hold: control characters (NUL, ...; tabs and newlines
# are whitespace) and lone surrogates. A value holding one is refused, and said so.
UNUSABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# Values or keys a problem names, at most.
NAMED_SHOWN = 5
# The choice that restricts nothing (figures of every origin).
ALL = facets.ALL
FLAG_VALUES = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}
# Old URLs said figures=all for what on_topic=0&this_war=0 says now.
LEGACY = {("figures", "all"): {"on_topic": ["0"], "this_war": ["0"]}}


@dataclass(frozen=True)
class Field:
    """One filter. ``kind`` is date, choice, text, list or flag. ``sql`` maps a level
    (item, figure, event) to ``(filters, alias, con) -> (condition, params)``, called
    only when the filter is set; ``facet`` is SQL giving ``(item_key, value)`` rows, the
    values a list filter offers (counted under the other filters), or a function of the
    filters returning that SQL and its parameters. Item sets are joined on ``item_key``
    (the store's integer form of ``item_id``)."""

    name: str
    key: str
    label: str
    kind: str
    default: object = None
    choices: Mapping[str, str] = dataclass_field(default_factory=dict)
    sql: Mapping[str, Callable] = dataclass_field(default_factory=dict)
    facet: str | Callable[[], tuple[str, list]] | None = None
    help: str = ""
    # How the option list narrows as the user types: "contains", or "prefix" (names typed
    # from their start: "Kyiv" offers Kyiv and Kyiv Oblast, never Kadiyivka).
    search: str = "contains"
    # Its figure- and event-level SQL reads the row's sentence (captions say so).
    in_sentence: bool = False
    # Its facet gives each (item, value) once (``facets.Facet.unique``).
    facet_unique: bool = False
    # Filters of no item level its facet still reads (the claimants facet reads the origin).
    facet_reads: tuple[str, ...] = ()


# -- SQL builders -----------------------------------------------------------------------------
def _marks(values) -> str:
    return ", ".join("?" for _ in values)


def _escape_like(text: str) -> str:
    """Match the user's text literally: % and _ are wildcards in LIKE."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def date_column(f: Filters, a: str = "i") -> str:
    """The items' column the date filters apply to (``f.date_field``), as a timestamp."""
    if f.date_field == "event":
        return f"{a}.event_date"
    return f"CAST({a}.published AS TIMESTAMP)"


def _date_bound(f: Filters, a: str, op: str, day: date) -> tuple[str, list]:
    """The filters' date column compared with the start of ``day`` (UTC for the published
    timestamp), the column bare: a condition on a cast column is not pushed into the Parquet
    scan, and cost a 1M-item date filter 23 ms where this costs 7."""
    start = datetime.combine(day, time())
    if f.date_field == "event":
        return f"{a}.event_date {op} ?", [start]
    return f"{a}.published {op} ?", [start.replace(tzinfo=UTC)]


def _column_in(column: str, name: str):
    """The row's own ``column`` is one of the values of filter ``name``."""

    def build(f, a, con):
        values = getattr(f, name)
        return f'{a}."{column}" IN ({_marks(values)})', list(values)

    return build


def _items_in(sub: str, name: str):
    """The row's item is one of those ``sub`` selects (``{marks}``: the filter's values)."""

    def build(f, a, con):
        values = getattr(f, name)
        return f"{a}.item_key IN ({sub.format(marks=_marks(values))})", list(values)

    return build


def _has_figure(column: str, name: str, listed: str | None = None):
    """Item level of a figure attribute: the item has a figure with one of the values;
    ``listed`` names the items' list of them (``item_lists``), tested when ``con`` has it."""
    joined = _items_in(f'SELECT item_key FROM casualties WHERE "{column}" IN ({{marks}})', name)

    def build(f, a, con):
        values = getattr(f, name)
        if listed is None or not item_lists.listed(con):
            return joined(f, a, con)
        return _any_listed(a, con, column, {listed: values})

    return build


def _any_listed(a: str, con, column: str, lists: dict[str, tuple]) -> tuple[str, list]:
    """One of the values in one of the item's ``lists`` (list column -> values), or, when
    the store has figures its items' lists lack, in its ``late_figures``' ``column`` (the
    values of the first list). A ``list_contains`` per value: ``list_has_any`` cost twice
    as much at 1M items (23 ms a list, 10 for one value)."""
    conds, params = [], []
    for listed, values in lists.items():
        conds += [f"list_contains({a}.{listed}, ?)" for _ in values]
        params += values
    if item_lists.late(con):
        values = next(iter(lists.values()))
        conds.append(
            f"{a}.item_key IN (SELECT item_key FROM {item_lists.TABLE} "
            f'WHERE "{column}" IN ({_marks(values)}))'
        )
        params += values
    return f"({' OR '.join(conds)})", params


def _side_items(f, a, con):
    """Items with a figure of the side, or naming its country (a side filter on item pages
    keeps "Russia says …" items without figures too)."""
    country = side_countries()
    countries = [country[s] for s in f.sides if s in country]
    if item_lists.listed(con):  # no join: the items' own lists
        return _any_listed(a, con, "side", {"figure_sides": f.sides, "countries": countries})
    # one semi-join over a union: DuckDB cannot hash-join an OR of two
    sub = f"SELECT item_key FROM casualties WHERE side IN ({_marks(f.sides)})"
    if countries:
        sub += (
            " UNION SELECT item_key FROM entities "
            f"WHERE kind = 'country' AND name IN ({_marks(countries)})"
        )
    return f"{a}.item_key IN ({sub})", [*f.sides, *countries]


def _facet(name: str) -> dict:
    """A list filter's ``facet`` and ``facet_unique``, from its facet in ``facets.FACETS``:
    the facet SQL under the filters (only the figures' origin changes one)."""
    facet = facets.FACETS[name]
    return {"facet": lambda filters: facet.rows(filters.origin), "facet_unique": facet.unique}


# A place and every place inside it (a town inside an oblast: its admin1).
PLACE_MATCH = "(p.name IN ({marks}) OR p.admin1 IN ({marks}))"


def _place_items(f, a, con):
    cond = PLACE_MATCH.format(marks=_marks(f.places))
    sub = f"SELECT p.item_key FROM entities p WHERE p.kind = 'place' AND {cond}"
    return f"{a}.item_key IN ({sub})", [*f.places, *f.places]


def _place_in_sentence(anchor: str, table: str, keys: tuple[str, ...] = ("item_key", "start")):
    """Rows (figures: their quote, events: their phrase) whose sentence names the place:
    a place mention inside the sentence's span of the item's text. The span is found from
    the row's own offset and where its words stand in the sentence. Written as a semi-join
    on ``keys`` (item, offset; for figures also their origin, since a dataset's figure
    spans its whole record from offset 0) from the few mentions of the place, not a
    subquery per row."""

    def build(f, a, con):
        first = f"(r.start - greatest(strpos(r.sentence, r.{anchor}), 1) + 1)"
        cond = PLACE_MATCH.format(marks=_marks(f.places))
        sub = (
            f"SELECT {', '.join('r.' + k for k in keys)} FROM {table} r "
            f"JOIN entities p ON p.item_key = r.item_key WHERE p.kind = 'place' AND {cond} "
            f'AND p.start >= {first} AND p."end" <= {first} + length(r.sentence)'
        )
        row = ", ".join(f"{a}.{k}" for k in keys)
        return f"({row}) IN ({sub})", [*f.places, *f.places]

    return build


def _text_items(f, a, con):
    """Title or text contains the search text; through the store's full-text index when the
    connection has one."""
    index = search_index.for_connection(con) if con is not None else None
    hits = index.relation(con, f.text) if index is not None else None
    if hits:
        return f"{a}.item_key IN (SELECT item_key FROM {hits})", []
    pattern = "%" + _escape_like(f.text) + "%"
    return f"({a}.title ILIKE ? ESCAPE '\\' OR {a}.text ILIKE ? ESCAPE '\\')", [pattern, pattern]


def _text_in_sentence(f, a, con):
    return f"{a}.sentence ILIKE ? ESCAPE '\\'", ["%" + _escape_like(f.text) + "%"]


def _condition(sql: str):
    """A fixed condition on the row (a flag's): ``{a}`` is the row's alias."""
    return lambda f, a, con: (sql.format(a=a), [])


def _on_every_row(build) -> dict:
    """The SQL of a filter on an item column that figures and dated events carry too
    (``schema.CARRIED_ITEM_COLUMNS``): the same condition on any of those rows, so a view of
    figures or events needs no join to the items for it."""
    return {"item": build, "figure": build, "event": build}


# -- the declaration ----------------------------------------------------------------------------
FIELDS: tuple[Field, ...] = (
    Field(
        "date_field", "date", "Date", "choice", "event",
        choices={"event": "event date", "published": "publication date"},
        help="Which date the From/To range applies to.",
    ),
    Field(
        "date_from", "from", "From", "date",
        sql=_on_every_row(lambda f, a, con: _date_bound(f, a, ">=", f.date_from)),
    ),
    Field(
        "date_to", "to", "To", "date",
        # the whole To day counts
        sql=_on_every_row(lambda f, a, con: (
            _date_bound(f, a, "<", f.date_to + timedelta(days=1)))),
    ),
    Field(
        "text", "q", "Text contains", "text", "",
        sql={"item": _text_items, "figure": _text_in_sentence, "event": _text_in_sentence},
        help="Items whose title or text contains it; on the casualty and timeline pages, "
        "figures and dates whose sentence contains it.",
        in_sentence=True,
    ),
    Field(
        "topics", "topic", "Topics", "list", (),
        sql={"item": _items_in("SELECT item_key FROM topics WHERE topic IN ({marks})", "topics")},
        **_facet("topics"),
    ),
    Field(
        "places", "place", "Places", "list", (),
        sql={"item": _place_items, "figure": _place_in_sentence("quote", "casualties", ("item_key", "start", "origin")),
             "event": _place_in_sentence("phrase", "events")},
        **_facet("places"),
        search="prefix",
        in_sentence=True,
        help="Items naming the place or a place inside it; on the casualty and timeline "
        "pages, figures and dates whose sentence names it.",
    ),
    Field(
        "sides", "side", "Sides", "list", (),
        sql={"item": _side_items, "figure": _column_in("side", "sides")},
        **_facet("sides"),
        help="Whose people the figures are.",
    ),
    Field(
        "kinds", "kind", "Casualty kinds", "list", (),
        choices={k: k for k in CASUALTY_KINDS},
        sql={"item": _has_figure("kind", "kinds", "figure_kinds"),
             "figure": _column_in("kind", "kinds")},
        **_facet("kinds"),
    ),
    Field(
        "groups", "group", "Civilian or military", "list", (),
        choices={g: g for g in GROUPS},
        sql={"item": _has_figure("group", "groups"), "figure": _column_in("group", "groups")},
        **_facet("groups"),
    ),
    Field(
        "pers", "per", "Figure covers", "list", (),
        choices={p: p for p in PERS},
        sql={"item": _has_figure("per", "pers"), "figure": _column_in("per", "pers")},
        **_facet("pers"),
        help="One event, a day, a month, or a running total.",
    ),
    Field(
        "claimants", "claimant", "Claimants", "list", (),
        sql={"item": _has_figure("claimant", "claimants"),
             "figure": _column_in("claimant", "claimants")},
        **_facet("claimants"),
        facet_reads=("origin",),
        help="Who states the figure (canonical names, data/claimants.toml).",
    ),
    Field(
        "sources", "source", "Sources", "list", (),
        # every outlet a record names ("Reuters;AFP"), not only the first (normalise.py)
        sql=_on_every_row(lambda f, a, con: (
            f"list_has_any({a}.sources, [{_marks(f.sources)}])", list(f.sources))),
        **_facet("sources"),
        help="Outlets, one name each (dashboard/data/outlets.toml).",
    ),
    Field(
        "datasets", "dataset", "Datasets (files)", "list", (),
        sql=_on_every_row(_column_in("dataset", "datasets")),
        **_facet("datasets"),
        help="The file or feed the items came from.",
    ),
    Field(
        "on_topic", "on_topic", "Only items about this war", "flag", True,
        sql=_on_every_row(_condition("{a}.on_topic")),
        help="Leaves out off-topic items (a general news feed's sport and weather).",
    ),
    Field(
        "origin", "origin", "Figures from", "choice", facets.DEFAULT_ORIGIN,
        choices={"text": "news text", "dataset": "dataset counts", ALL: "both"},
        sql={"figure": lambda f, a, con: (f"{a}.origin = ?", [f.origin])},
        help="Figures extracted from the items' text, or counts a dataset gives per record "
        "(UCDP GED's deaths per event). Both together count an event twice when its "
        "headline states the toll too.",
    ),
    Field(
        "this_war", "this_war", "Only this war's casualty figures", "flag", True,
        sql={"figure": _condition("{a}.scope = 'this_war'")},
        help="Leaves out figures of other wars, history, disease and disasters.",
    ),
)  # fmt: skip
BY_NAME = {f.name: f for f in FIELDS}
BY_KEY = {f.key: f for f in FIELDS}
LIST_FIELDS = tuple(f for f in FIELDS if f.kind == "list")
# query-string key -> Filters field, for the multi-valued filters.
LIST_KEYS = {f.key: f.name for f in LIST_FIELDS}


# -- parsing ------------------------------------------------------------------------------------
def _parse_value(spec: Field, values: list[str], problems: list[str]):
    """One field's URL values -> its value; a problem (naming the filter) when unusable."""
    first = values[0] if values else ""
    if spec.kind == "list":
        given = [v for v in values if v]
        if len(given) > LIST_LIMIT:
            problems.append(
                f"{spec.label}: {len(given):,} values, more than the {LIST_LIMIT} a filter "
                "takes; ignored"
            )
            return ()
        unusable = [v for v in given if UNUSABLE.search(v)]
        if unusable:
            problems.append(f"{spec.label}: a value with a control character ignored")
        kept = [v for v in given if len(v) <= TEXT_LIMIT and v not in unusable]
        if any(len(v) > TEXT_LIMIT for v in given):
            problems.append(f"{spec.label}: a value longer than {TEXT_LIMIT} characters ignored")
        wrong = [v for v in kept if spec.choices and v not in spec.choices]
        if wrong:
            problems.append(
                f"{spec.label}: {_few(wrong)} not one of {', '.join(spec.choices)}; ignored"
            )
        return tuple(dict.fromkeys(v for v in kept if v not in wrong))
    if spec.kind == "text":
        if UNUSABLE.search(first):
            problems.append(f"{spec.label}: the text holds a control character; ignored")
            return spec.default
        text = " ".join(first.split())
        if len(text) > TEXT_LIMIT:
            problems.append(f"{spec.label}: cut to its first {TEXT_LIMIT} characters")
        return text[:TEXT_LIMIT]
    if spec.kind == "date":
        try:
            day = date.fromisoformat(first[:10])
        except ValueError:
            problems.append(f"{spec.label}: {first[:40]!r} is not a date (YYYY-MM-DD); ignored")
            return None
        if not MIN_DATE <= day <= MAX_DATE:
            problems.append(f"{spec.label}: {day} is not between {MIN_DATE} and {MAX_DATE}")
            return None
        return day
    if spec.kind == "flag":
        if first.lower() in FLAG_VALUES:
            return FLAG_VALUES[first.lower()]
        problems.append(f"{spec.label}: {first[:40]!r} is not 1 or 0; ignored")
        return spec.default
    if first in spec.choices:
        return first
    problems.append(
        f"{spec.label}: {first[:40]!r} is not one of {', '.join(spec.choices)}; ignored"
    )
    return spec.default


def _few(values: list[str], quoted: bool = True) -> str:
    """Values for a problem: the first few, cut and shown with their control characters
    escaped (``repr``), and how many in all."""
    shown = [repr(v[:40]) if quoted else repr(v[:40])[1:-1] for v in values[:NAMED_SHOWN]]
    more = f" … ({len(values):,} in all)" if len(values) > NAMED_SHOWN else ""
    return ", ".join(shown) + more


def _as_lists(query: str | Mapping) -> dict[str, list[str]]:
    if isinstance(query, str):
        params = parse_qs(query.lstrip("?"), keep_blank_values=False)
    else:
        params = {
            str(k): [str(x) for x in (v if isinstance(v, list | tuple) else [v])]
            for k, v in query.items()
        }
    for (key, value), replacement in LEGACY.items():
        if value in params.get(key, []):
            del params[key]
            for new_key, new_values in replacement.items():
                params.setdefault(new_key, new_values)
    return params


# -- the filters ----------------------------------------------------------------------------------
class _FilterMethods:
    """What every :class:`Filters` can do; the fields come from :data:`FIELDS`."""

    @classmethod
    def parse(cls, query: str | Mapping, extra_keys=()) -> tuple[Filters, list[str]]:
        """A query string (or key -> value(s) mapping) -> the filters and the problems
        found: unusable values are dropped (the rest still applies), each problem names its
        filter. Keys in ``extra_keys`` (a page's own parameters) are not problems."""
        params, problems, values = _as_lists(query), [], {}
        unknown = sorted(set(params) - set(BY_KEY) - set(extra_keys))
        if unknown:
            problems.append(
                f"unknown filter {_few(unknown, quoted=False)}; filters are {', '.join(BY_KEY)}"
            )
        for spec in FIELDS:
            if params.get(spec.key):
                values[spec.name] = _parse_value(spec, params[spec.key], problems)
        filters = cls(**values)
        if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
            problems.append(
                f"From {filters.date_from} is after To {filters.date_to}: "
                "that date range is not applied"
            )
            filters = filters.replace(date_from=None, date_to=None)
        return filters, problems

    @classmethod
    def from_query(cls, query: str | Mapping) -> Filters:
        """Parse forgivingly: a shared URL still opens (see :meth:`parse` for the problems)."""
        return cls.parse(query)[0]

    def to_query(self) -> dict[str, list[str]]:
        """Key -> values, only for filters that differ from their default (the URL's)."""
        out = {}
        for spec in FIELDS:
            value = getattr(self, spec.name)
            if value == spec.default or (spec.kind != "flag" and value in (None, "", ())):
                continue
            if spec.kind == "list":
                out[spec.key] = list(value)
            elif spec.kind == "date":
                out[spec.key] = [value.isoformat()]
            elif spec.kind == "flag":
                out[spec.key] = ["1" if value else "0"]
            else:
                out[spec.key] = [str(value)]
        return out

    def to_query_string(self) -> str:
        return urlencode(self.to_query(), doseq=True)

    def replace(self, **changes) -> Filters:
        return replace(self, **changes)

    def is_set(self, spec: Field) -> bool:
        """Whether the field restricts anything (a flag restricts when it is on)."""
        value = getattr(self, spec.name)
        if spec.kind == "choice":  # a choice with SQL restricts unless it is "all"
            return bool(spec.sql) and value != ALL
        return bool(value)

    def only_among(self, names) -> bool:
        """Whether every filter that can change a view of items, other than those
        ``names``, is at its default. Filters of figures or dated events alone (``origin``,
        ``this_war``) change no such view; any other filter, this table's future ones
        included, counts unless its value is its default."""
        return all(
            spec.name in names
            or getattr(self, spec.name) == spec.default
            or (spec.sql and "item" not in spec.sql)
            for spec in FIELDS
        )

    def for_facet(self, name: str) -> Filters:
        """The filters the values of list filter ``name`` are counted under: the others,
        less those of no item level its facet does not read ("only this war"), so a facet
        counted once serves every change of those (the app caches it by its filters)."""
        spec = BY_NAME[name]
        return self.replace(
            **{
                s.name: s.default
                for s in FIELDS
                if s is spec or s.sql and "item" not in s.sql and s.name not in spec.facet_reads
            }
        )

    def for_facets(self) -> Filters:
        """The filters every facet together is counted under (``views.facet_counts``):
        less those of no item level that no facet reads, so the counts, cached by these
        filters, serve every change of those ("only this war")."""
        read = {name for s in FIELDS for name in s.facet_reads}
        return self.replace(
            **{
                s.name: s.default
                for s in FIELDS
                if s.sql and "item" not in s.sql and s.name not in read
            }
        )

    def restricts(self, level: str = "item") -> bool:
        """Whether the item-level conditions of a view at ``level`` leave items out."""
        return any(self.is_set(s) and _item_sql(s, level) for s in FIELDS)

    @property
    def restricts_items(self) -> bool:
        return self.restricts("item")

    def where(self, level: str = "item", alias: str = "i", con=None) -> tuple[str, list]:
        """The WHERE condition of the filters applied at ``level`` to rows of that level
        (``items`` for item, ``casualties`` for figure, ``events`` for event) aliased
        ``alias``, and its parameters. Every value is bound, never spliced into the SQL."""
        if level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
        return self._joined([spec.sql.get(level) for spec in FIELDS], alias, con)

    def item_where(self, alias: str = "i", con=None, level: str = "item") -> tuple[str, list]:
        """The conditions on the ``items`` rows of a view at ``level``: the filters that
        have no SQL of that level select the items its rows belong to. Pass the connection
        from ``Store.connect()`` as ``con`` and a text search uses the store's index."""
        return self._joined([_item_sql(spec, level) for spec in FIELDS], alias, con)

    def _joined(self, builders: list, alias: str, con) -> tuple[str, list]:
        """The conditions of the set filters (one builder per field of ``FIELDS``, or None)
        joined with AND, and their parameters in order."""
        conds, params = [], []
        for spec, build in zip(FIELDS, builders, strict=True):
            if build and self.is_set(spec):
                cond, more = build(self, alias, con)
                conds.append(cond)
                params.extend(more)
        return (" AND ".join(conds) or "TRUE"), params

    def casualty_where(self, alias: str = "c") -> tuple[str, list]:
        """The figure-level conditions (``where("figure", alias)``)."""
        return self.where("figure", alias)

    def describe(self, level: str = "item") -> str:
        """One line for captions: what the view is filtered on, and at which level."""
        parts = []
        if self.date_from or self.date_to:
            span = f"{self.date_from or '…'} to {self.date_to or '…'}"
            parts.append(f"{BY_NAME['date_field'].choices[self.date_field]} {span}")
        for spec in FIELDS:
            value = getattr(self, spec.name)
            if spec.kind == "list" and value:
                where = _where_applied(spec, level)
                parts.append(f"{spec.key}: {', '.join(value)}{where}")
            elif spec.kind == "text" and value:
                parts.append(f"text contains “{value}”{_where_applied(spec, level)}")
            elif spec.kind == "flag" and value != spec.default and _applies(spec, level):
                parts.append(f"{spec.label.lower()}: {'yes' if value else 'no'}")
            elif (
                spec.kind == "choice"
                and spec.sql
                and value != spec.default
                and _applies(spec, level)
            ):
                parts.append(f"{spec.label.lower()} {spec.choices[value]}")
        return "; ".join(parts) if parts else "no filters"


def _item_sql(spec: Field, level: str):
    """The item-level SQL of ``spec`` in a view at ``level`` (None when it applies at that
    level itself, or has no item level)."""
    if level != "item" and level in spec.sql:
        return None
    return spec.sql.get("item")


def _applies(spec: Field, level: str) -> bool:
    """Whether ``spec`` has any effect on a view at ``level`` (``this_war`` none on items)."""
    return level in spec.sql or "item" in spec.sql


def _where_applied(spec: Field, level: str) -> str:
    if level == "item" or level not in spec.sql:
        return ""
    return f" (in the {level}'s sentence)" if spec.in_sentence else ""


_TYPES = {"date": "date | None", "choice": str, "text": str, "list": tuple, "flag": bool}
Filters = make_dataclass(
    "Filters",
    [(s.name, _TYPES[s.kind], dataclass_field(default=s.default)) for s in FIELDS],
    bases=(_FilterMethods,),
    frozen=True,
)
Filters.__module__ = __name__  # pickles and prints as dashboard.query.Filters
Filters.__doc__ = "The filters of a view: one field per entry of :data:`FIELDS`."
