"""The values each list filter offers, as SQL over the store's tables.

A facet is SQL giving ``(item_key, value)`` rows: the items each value of a list filter
keeps. The query layer counts them under the other filters (``query.FIELDS`` takes its
filters' facets from here, ``views.facet_counts`` counts them) and the daily counts sum
them under the default filters (``aggregates``, which the store keeps and which therefore
sit below the query layer): both read the one definition here.

Only the claimants facet depends on a filter: the figures' origin (a dataset claims only
its own counts).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .schema import ORIGINS
from .sides import side_countries

# The origin of the figures the pages show unless told otherwise: those read from news text.
DEFAULT_ORIGIN = ORIGINS[0]
# The choice that restricts nothing (figures of every origin).
ALL = "all"


@dataclass(frozen=True)
class Facet:
    """``rows(origin)``: the facet's SQL and its parameters. ``unique``: each (item, value)
    once already (an item's topics, outlets, file), so counting rows counts items:
    count(DISTINCT item_key) cost 50-70 ms a facet at 1M items, count(*) 5-20 ms
    (tests/test_views.py checks it on the four corpora)."""

    rows: Callable[[str], tuple[str, list]]
    unique: bool = False


def _fixed(sql: str) -> Callable[[str], tuple[str, list]]:
    return lambda origin: (sql, [])


def _sides(origin: str) -> tuple[str, list]:
    """A side's items as its filter keeps them: with its figures, or naming its country."""
    pairs = list(side_countries().items())
    rows = ", ".join("(?, ?)" for _ in pairs) or "(NULL, NULL)"
    sql = (
        "SELECT item_key, side AS value FROM casualties UNION ALL "
        f"SELECT e.item_key, m.side FROM entities e JOIN (VALUES {rows}) m(side, country) "
        "ON e.kind = 'country' AND e.name = m.country"
    )
    return sql, [x for pair in pairs for x in pair]


def _claimants(origin: str) -> tuple[str, list]:
    """Claimants of the figures of ``origin``: a dataset claims only its counts, so "UCDP
    GED" is no option while the pages show figures from news text."""
    sql = "SELECT item_key, claimant AS value FROM casualties WHERE claimant IS NOT NULL"
    if origin == ALL:
        return sql, []
    return sql + " AND origin = ?", [origin]


# Each list filter's facet, by the filter's name (``query.FIELDS``).
FACETS: dict[str, Facet] = {
    # one row per item and topic (taxonomy hits summed; one discovered)
    "topics": Facet(_fixed("SELECT item_key, topic AS value FROM topics"), unique=True),
    # an oblast counts the items naming a town inside it, as its filter keeps them
    "places": Facet(
        _fixed(
            "SELECT item_key, name AS value FROM entities WHERE kind = 'place' "
            "UNION ALL SELECT item_key, admin1 FROM entities WHERE kind = 'place'"
        )
    ),
    "sides": Facet(_sides),
    "kinds": Facet(_fixed("SELECT item_key, kind AS value FROM casualties")),
    "groups": Facet(_fixed('SELECT item_key, "group" AS value FROM casualties')),
    "pers": Facet(_fixed("SELECT item_key, per AS value FROM casualties")),
    "claimants": Facet(_claimants),
    # an item's outlets are a set (normalise.canonical_sources)
    "sources": Facet(_fixed("SELECT item_key, unnest(sources) AS value FROM items"), unique=True),
    # one file per item
    "datasets": Facet(_fixed("SELECT item_key, dataset AS value FROM items"), unique=True),
}


def facet_rows(name: str, origin: str = DEFAULT_ORIGIN, keep: str = "") -> tuple[str, list]:
    """SQL of ``(field, item_key, value)`` rows of list filter ``name``'s facet, each item
    and value once, and its parameters; ``keep`` a further condition ("AND item_key IN
    ...")."""
    facet = FACETS[name]
    sql, params = facet.rows(origin)
    distinct = "" if facet.unique else "DISTINCT"
    rows = f"SELECT {distinct} ? AS field, item_key, value FROM ({sql}) WHERE value IS NOT NULL"
    return f"{rows} {keep}".rstrip(), [name, *params]
