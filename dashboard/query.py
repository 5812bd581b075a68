"""Filters: one frozen object shared by the app, the exporter and the notebooks.

A :class:`Filters` goes to and from a URL query string (so a filtered view can be shared)
and to SQL over the store's DuckDB views (so every chart obeys the same filters). Query
string keys::

    from=2024-10-01&to=2024-11-15&date=event|published&topic=A&topic=B&side=russia
    &kind=killed&place=Kyiv&source=reuters.com&dataset=ucdp_ged_ukraine&q=drone

Multi-valued filters repeat their key. Unknown keys are ignored, bad dates are dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import parse_qs, urlencode

from . import search_index
from .sides import side_countries

DATE_FIELDS = ("event", "published")
# What counts: by default only items about the Russia-Ukraine war (``on_topic``) and this
# war's casualty figures (extractors.scope); "all" keeps off-topic items (a general news
# feed's sport and weather) and other wars', historical and disease figures too.
FIGURE_SCOPES = ("this_war", "all")
# query-string key -> Filters field, for the multi-valued filters.
LIST_KEYS = {
    "topic": "topics",
    "side": "sides",
    "kind": "kinds",
    "place": "places",
    "source": "sources",
    "dataset": "datasets",
}


@dataclass(frozen=True)
class Filters:
    date_from: date | None = None
    date_to: date | None = None
    date_field: str = "event"
    topics: tuple[str, ...] = ()
    sides: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    datasets: tuple[str, ...] = ()
    text: str = ""
    figures: str = "this_war"

    # -- query string ------------------------------------------------------------------
    @classmethod
    def from_query(cls, query: str | Mapping) -> Filters:
        """Parse a query string or a mapping of key -> value or list of values."""
        if isinstance(query, str):
            params = parse_qs(query.lstrip("?"), keep_blank_values=False)
        else:
            params = {k: v if isinstance(v, list | tuple) else [v] for k, v in query.items()}
        first = {k: str(v[0]) for k, v in params.items() if v}
        values = {
            "date_from": _parse_date(first.get("from")),
            "date_to": _parse_date(first.get("to")),
            "date_field": first.get("date") if first.get("date") in DATE_FIELDS else "event",
            "text": first.get("q", "").strip()[:200],
            "figures": first.get("figures")
            if first.get("figures") in FIGURE_SCOPES
            else "this_war",
        }
        for key, name in LIST_KEYS.items():
            values[name] = tuple(dict.fromkeys(str(v) for v in params.get(key, []) if str(v)))
        return cls(**values)

    def to_query(self) -> dict[str, list[str]]:
        """Key -> values, only for filters that are set (what goes into the URL)."""
        out: dict[str, list[str]] = {}
        if self.date_from:
            out["from"] = [self.date_from.isoformat()]
        if self.date_to:
            out["to"] = [self.date_to.isoformat()]
        if self.date_field != "event":
            out["date"] = [self.date_field]
        for key, name in LIST_KEYS.items():
            if getattr(self, name):
                out[key] = list(getattr(self, name))
        if self.text:
            out["q"] = [self.text]
        if self.figures != "this_war":
            out["figures"] = [self.figures]
        return out

    def to_query_string(self) -> str:
        return urlencode(self.to_query(), doseq=True)

    @property
    def restricts_items(self) -> bool:
        """Whether any filter leaves items out (the date field alone does not)."""
        return bool(
            self.figures == "this_war"
            or self.date_from
            or self.date_to
            or self.text
            or any(getattr(self, name) for name in LIST_KEYS.values())
        )

    def describe(self) -> str:
        """One line for captions: what the view is filtered on."""
        parts = []
        if self.date_from or self.date_to:
            span = f"{self.date_from or '…'} to {self.date_to or '…'}"
            parts.append(f"{self.date_field} date {span}")
        for key, name in LIST_KEYS.items():
            if getattr(self, name):
                parts.append(f"{key}: {', '.join(getattr(self, name))}")
        if self.text:
            parts.append(f"text contains “{self.text}”")
        if self.figures == "all":
            parts.append("off-topic items and other wars' figures included")
        return "; ".join(parts) if parts else "no filters"

    def replace(self, **changes) -> Filters:
        return replace(self, **changes)

    # -- SQL ---------------------------------------------------------------------------
    def item_where(self, alias: str = "i", con=None) -> tuple[str, list]:
        """A WHERE condition over the ``items`` view (aliased ``alias``) and its parameters.

        Every page builds on it, so every chart obeys the same filters. Pass the
        connection from ``Store.connect()`` as ``con`` and the text search uses the store's
        full-text index (same matches as the ``ILIKE`` scan, without reading every text).
        """
        conds: list[str] = []
        params: list = []
        column = (
            f"{alias}.event_date"
            if self.date_field == "event"
            else f"CAST({alias}.published AS TIMESTAMP)"
        )
        if self.date_from:
            conds.append(f"{column} >= ?")
            params.append(self.date_from)
        if self.date_to:
            conds.append(f"{column} < CAST(? AS DATE) + INTERVAL 1 DAY")
            params.append(self.date_to)
        if self.figures == "this_war":
            conds.append(f"{alias}.on_topic")
        if self.sources:
            conds.append(f"{alias}.source IN ({_marks(self.sources)})")
            params.extend(self.sources)
        if self.datasets:  # the items view's dataset: the file's name (Store.connect)
            conds.append(f"{alias}.dataset IN ({_marks(self.datasets)})")
            params.extend(self.datasets)
        if self.topics:
            conds.append(
                f"{alias}.item_id IN (SELECT item_id FROM topics WHERE topic IN ({_marks(self.topics)}))"
            )
            params.extend(self.topics)
        if self.places:
            conds.append(
                f"{alias}.item_id IN (SELECT item_id FROM entities WHERE kind = 'place' "
                f"AND name IN ({_marks(self.places)}))"
            )
            params.extend(self.places)
        if self.sides:
            # A side filter also matches items naming that side's country.
            country = side_countries()
            countries = [country[s] for s in self.sides if s in country]
            # One semi-join over a union, not an OR of two (which DuckDB cannot hash-join).
            ids = f"SELECT item_id FROM casualties WHERE side IN ({_marks(self.sides)})"
            params.extend(self.sides)
            if countries:
                ids += (
                    " UNION SELECT item_id FROM entities "
                    f"WHERE kind = 'country' AND name IN ({_marks(countries)})"
                )
                params.extend(countries)
            cond = f"{alias}.item_id IN ({ids})"
            conds.append(cond)
        if self.kinds:
            conds.append(
                f"{alias}.item_id IN (SELECT item_id FROM casualties WHERE kind IN ({_marks(self.kinds)}))"
            )
            params.extend(self.kinds)
        index = search_index.for_connection(con) if self.text else None
        hits = index.relation(con, self.text) if index is not None else None
        if hits:
            conds.append(f"{alias}.item_id IN (SELECT item_id FROM {hits})")
        elif self.text:
            conds.append(f"({alias}.title ILIKE ? ESCAPE '\\' OR {alias}.text ILIKE ? ESCAPE '\\')")
            pattern = "%" + _escape_like(self.text) + "%"
            params.extend([pattern, pattern])
        return (" AND ".join(conds) or "TRUE"), params

    def casualty_where(self, alias: str = "c") -> tuple[str, list]:
        """Extra conditions on casualty rows themselves (scope, side and kind)."""
        conds, params = [], []
        if self.figures == "this_war":
            conds.append(
                f"{alias}.scope = 'this_war' AND "
                f"{alias}.item_id IN (SELECT item_id FROM items WHERE on_topic)"
            )
        if self.sides:
            conds.append(f"{alias}.side IN ({_marks(self.sides)})")
            params.extend(self.sides)
        if self.kinds:
            conds.append(f"{alias}.kind IN ({_marks(self.kinds)})")
            params.extend(self.kinds)
        return (" AND ".join(conds) or "TRUE"), params


def _marks(values) -> str:
    return ", ".join("?" for _ in values)


def _escape_like(text: str) -> str:
    """Match the user's text literally: % and _ are wildcards in LIKE."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None
