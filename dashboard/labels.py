"""Human labels for every code the store holds, one colour per side and one mark per kind.

Charts, tables and captions show "Killed or injured", "United States", "Words", never
``killed_or_injured``, ``united_states``, ``n_words``. Everything is generated from the
schema's enumerations and the sides table, so a new kind or side gets a label (and a
colour or mark) without an edit here.
"""

from __future__ import annotations

import itertools
from functools import cache

import pandas as pd

from .schema import CASUALTY_KINDS, GROUPS, PERS, SCOPES
from .sides import UNKNOWN, load_sides

MISSING = "—"
# Fields whose values are codes with labels ("killed_or_injured" -> "Killed or injured").
CODED_FIELDS = ("side", "kind", "group", "per", "scope")
# Wording that the generic "snake_case -> Sentence case" rule would get wrong.
SPECIAL = {
    "per:event": "Single event",
    "per:day": "Daily rate",
    "per:month": "Monthly figure",
    "per:total": "Cumulative total",
    "scope:this_war": "This war",
    "scope:other": "Other wars and events",
}
# Table headers of the columns the views return.
COLUMNS = {
    "n_items": "Items",
    "n_words": "Words",
    "n_copies": "Copies",
    "n_figures": "Figures",
    "n_claims": "Claims",
    "value": "People",
    "value_max": "Up to",
    "period_start": "Period from",
    "period_end": "Period to",
    "date": "Date",
    "title": "Item",
    "source": "Source",
    "url": "Original",
    "claimant": "Claimant",
    "side": "Side",
    "kind": "Kind",
    "group": "Group",
    "per": "Per",
    "approximate": "Approximate",
    "admin1": "Region",
    "name": "Place",
    "country": "Country",
    "phrase": "Written as",
    "sentence": "Sentence",
    "top_terms": "Top terms",
    "per_day": "Average per day",
}
# Credit lines owed by datasets whose licence asks for attribution under every chart that
# shows them: a word in the dataset's (file) name -> the attribution.
CREDITS = {
    "ucdp": "Uppsala Conflict Data Program (UCDP), Georeferenced Event Dataset (CC BY 4.0)",
}
# Fixed colours: Russia red, Ukraine blue, unknown grey, other sides from a palette in the
# sides table's order. Same colour on every chart and under every filter.
UNKNOWN_COLOUR = "#9e9e9e"
PARTY_COLOURS = {"russia": "#c62828", "ukraine": "#1565c0", UNKNOWN: UNKNOWN_COLOUR}
OTHER_COLOURS = (
    "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#ad1457", "#5d4037",
    "#9e9d24", "#283593", "#00695c", "#4e342e", "#f9a825", "#37474f",
)  # fmt: skip
# Kinds are told apart by the shape of their marks (colour is the side's), in kind order.
KIND_SHAPES = ("cross", "circle", "triangle-up", "square", "diamond")


def words(code: str) -> str:
    """``killed_or_injured`` -> ``Killed or injured``."""
    return str(code).replace("_", " ").strip().capitalize()


@cache
def side_labels() -> dict[str, str]:
    return {**{s.code: s.label for s in load_sides()}, UNKNOWN: "Unknown"}


def label(field: str, code) -> str:
    """The label of one value of ``field`` (side, kind, group, per, scope...)."""
    if code is None or (not isinstance(code, str) and pd.isna(code)):
        return MISSING
    if field == "side":
        return side_labels().get(code, words(code))
    return SPECIAL.get(f"{field}:{code}", words(code))


def labelled(frame: pd.DataFrame, fields=CODED_FIELDS):
    """A copy of ``frame`` with the codes of ``fields`` replaced by their labels."""
    out = frame.copy()
    for field in fields:
        if field in out.columns:
            out[field] = [label(field, v) for v in out[field]]
    return out


def joined(frame: pd.DataFrame, fields: tuple[str, ...]) -> list[str]:
    """Per row, the labels of ``fields`` joined: "Russia · Killed · Cumulative total"."""
    columns = [frame[f] for f in fields]
    return [
        " · ".join(label(f, v) for f, v in zip(fields, row, strict=True))
        for row in zip(*columns, strict=True)
    ]


def domain(field: str) -> list[str]:
    """Every label ``field`` can take, in a fixed order (colour scales use it)."""
    codes = {
        "side": list(side_labels()),
        "kind": list(CASUALTY_KINDS),
        "group": list(GROUPS),
        "per": list(PERS),
        "scope": list(SCOPES),
    }[field]
    return [label(field, c) for c in codes]


@cache
def side_colours() -> dict[str, str]:
    """Side label -> colour."""
    others = itertools.cycle(OTHER_COLOURS)
    return {label("side", code): PARTY_COLOURS.get(code) or next(others) for code in side_labels()}


def kind_shapes() -> dict[str, str]:
    """Kind label -> mark shape."""
    return dict(zip(domain("kind"), KIND_SHAPES, strict=True))


def column_label(name: str) -> str:
    return COLUMNS.get(name, words(name))


def credits(datasets) -> list[str]:
    """The attributions owed for ``datasets`` (names as in the items' ``dataset`` column)."""
    names = [str(d).lower() for d in datasets if d]
    return [text for word, text in CREDITS.items() if any(word in n for n in names)]


def counted(n: int, noun: str) -> str:
    """``counted(1, "event")`` -> "1 event", ``counted(1200, "event")`` -> "1,200 events"."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"
