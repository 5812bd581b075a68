"""Scope: which items are about the Russia–Ukraine war, and which figures are this war's.

Items get ``war_score`` (0–1) and ``on_topic`` from the signals they carry (weights in
``dashboard/data/scope.toml``): Ukraine named as a country or through a place in Ukraine, or
the record's own coordinates inside the war's theatre (0.6); Russia named (0.3); a unit of the
war (0.3); a taxonomy topic (0.2), and one of the combat topics (0.3 more); another war, a
disease or a disaster named (-0.3). An item is on topic from 0.5.

Each casualty figure gets ``scope`` ``this_war`` or ``other`` from the first of these rules
that applies (they are named in :data:`SCOPE_RULES`):

1. ``historical_period``: the figure's period, or a date written in its sentence, ends before
   the war began (2014-02-20): "three million Belarusians" killed in 1941–44.
2. ``nearest_cue``: the cue nearest to the figure in its sentence (else in the sentence
   before) names another war, a disease, a disaster or a crime elsewhere ("post-9/11 wars",
   "Covid deaths", "a mass shooting") rather than this war ("Ukraine", "Donetsk", "DPR"); a
   nationality ("Ukrainians") is a weak cue of this war, which any other cue of the
   sentence outweighs ("the Holodomor ... by Ukrainians - killed five million").
3. ``off_topic_item``: the item is not on topic and the sentence names nothing of this war.
4. otherwise ``this_war``.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.schema import SCOPES

SCOPE_FILE = Path(__file__).resolve().parents[1] / "data" / "scope.toml"
THIS_WAR, OTHER = SCOPES
# The cue groups of this war in scope.toml [cues]: its names, and nationalities (weak).
THIS_WAR_CUES = ("this_war", "this_war_weak")
# How far back (characters) the sentence before a figure's sentence is read for a cue.
CONTEXT_BEFORE = 300
# Sentences whose cue matches are kept: the figures of one sentence come one after another.
CUE_CACHE_SIZE = 64


@dataclass(frozen=True)
class ScopeRules:
    war_start: date
    on_topic_from: float
    weights: dict[str, float]
    theatre_lat: tuple[float, float]
    theatre_lon: tuple[float, float]
    cues: re.Pattern  # named groups: this_war, this_war_weak, other_war, other_event
    combat_topics: frozenset[str]


@cache
def load_scope_rules(path: Path = SCOPE_FILE) -> ScopeRules:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    groups = "|".join(
        rf"(?P<{name}>\b(?:{'|'.join(words)})\b)" for name, words in data["cues"].items()
    )
    return ScopeRules(
        war_start=data["war_start"],
        on_topic_from=float(data["on_topic_from"]),
        weights={k: float(v) for k, v in data["weights"].items()},
        theatre_lat=tuple(data["theatre"]["lat"]),
        theatre_lon=tuple(data["theatre"]["lon"]),
        cues=re.compile(groups, re.IGNORECASE),
        combat_topics=frozenset(data["combat"]["topics"]),
    )


# --- items ----------------------------------------------------------------------------------


def war_relevance(
    items: pd.DataFrame, entities: pd.DataFrame, topics: pd.DataFrame
) -> pd.DataFrame:
    """``items`` with ``war_score`` and ``on_topic`` set from their entities and topics."""
    rules = load_scope_rules()
    ids = items["item_id"].tolist()
    taxonomy = topics.loc[topics["origin"] == "taxonomy"]
    combat = taxonomy["topic"].isin(rules.combat_topics)
    signals = {
        "ukraine": _among(ids, _naming(entities, "Ukraine")) | _in_theatre(items, rules),
        "russia": _among(ids, _naming(entities, "Russia")),
        "unit": _among(ids, entities.loc[entities["kind"] == "unit", "item_id"]),
        "topic": _among(ids, taxonomy["item_id"]),
        "combat": _among(ids, taxonomy.loc[combat, "item_id"]),
    }
    score = sum(mask.astype(float) * rules.weights[name] for name, mask in signals.items())
    score = score + _naming_other(items["text"], score, rules) * rules.weights["other"]
    score = np.clip(np.round(score, 2), 0.0, 1.0)
    return items.assign(war_score=score, on_topic=score >= rules.on_topic_from)


def _among(ids: list, values: pd.Series) -> np.ndarray:
    """Which ``ids`` are among ``values``: a set lookup (``isin`` on Arrow strings walks the
    values in Python, a fifth of this function's time)."""
    found = set(values.tolist())
    return np.fromiter((i in found for i in ids), dtype=bool, count=len(ids))


def _naming_other(texts: pd.Series, score: np.ndarray, rules: ScopeRules) -> np.ndarray:
    """1.0 where an item names another war, a disease or a disaster. Read only where it can
    change whether the item is on topic: a regex over every text is the cost of a pass."""
    out = np.zeros(len(texts))
    weight = rules.weights["other"]
    borderline = (score >= rules.on_topic_from) & (score + weight < rules.on_topic_from)
    for i in np.flatnonzero(borderline):
        text = texts.iloc[i]
        if isinstance(text, str) and any(
            m.lastgroup not in THIS_WAR_CUES for m in rules.cues.finditer(text)
        ):
            out[i] = 1.0
    return out


def _naming(entities: pd.DataFrame, country: str) -> pd.Series:
    """Items naming a country, or a place inside it."""
    named = ((entities["kind"] == "country") & (entities["name"] == country)) | (
        (entities["kind"] == "place") & (entities["country"] == country)
    )
    return entities.loc[named, "item_id"]


def _in_theatre(items: pd.DataFrame, rules: ScopeRules) -> np.ndarray:
    lat, lon = items["lat"].astype(float), items["lon"].astype(float)
    return (lat.between(*rules.theatre_lat) & lon.between(*rules.theatre_lon)).to_numpy(bool)


# --- figures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureContext:
    """What the scope rules read about one figure."""

    sentence: str
    offset: int  # where the figure starts in the sentence
    before: str  # the text just before the sentence
    period_end: date | None
    sentence_dates_end: tuple[date, ...]  # ends of the dates written in the sentence
    on_topic: bool


def _historical_period(ctx: FigureContext, rules: ScopeRules) -> str | None:
    ends = [d for d in (ctx.period_end, *ctx.sentence_dates_end) if d is not None]
    return OTHER if ends and max(ends) < rules.war_start else None


def _nearest_cue(ctx: FigureContext, rules: ScopeRules) -> str | None:
    cue = _nearest(rules.cues, ctx.sentence, ctx.offset)
    if cue is None and ctx.before:
        cue = _nearest(rules.cues, ctx.before, len(ctx.before))
    if cue is None:
        return None
    if cue == "this_war_weak":
        groups = _cue_matches(rules.cues, ctx.sentence)[2]
        return OTHER if any(g not in THIS_WAR_CUES for g in groups) else THIS_WAR
    return THIS_WAR if cue == "this_war" else OTHER


def _off_topic_item(ctx: FigureContext, rules: ScopeRules) -> str | None:
    return OTHER if not ctx.on_topic else None


SCOPE_RULES: tuple[tuple[str, Callable[[FigureContext, ScopeRules], str | None]], ...] = (
    ("historical_period", _historical_period),
    ("nearest_cue", _nearest_cue),
    ("off_topic_item", _off_topic_item),
)


def figure_scope(ctx: FigureContext) -> str:
    """The scope of one figure: the first rule that decides, else this war."""
    rules = load_scope_rules()
    for _name, rule in SCOPE_RULES:
        scope = rule(ctx, rules)
        if scope is not None:
            return scope
    return THIS_WAR


def _nearest(cues: re.Pattern, text: str, offset: int) -> str | None:
    """The group name of the cue nearest to ``offset`` in ``text`` (the first on a tie)."""
    starts, ends, groups = _cue_matches(cues, text)
    # Matches do not overlap, so their ends are sorted too: before ``offset`` the nearest is
    # the last one ending by it, after it the first one starting after it, and one match at
    # most holds it. Those three candidates are enough, whatever the number of cues.
    k = bisect_right(starts, offset)
    best, best_distance = None, None
    for i in range(max(0, k - 2), min(len(starts), k + 1)):
        distance = min(abs(starts[i] - offset), abs(ends[i] - offset))
        if best_distance is None or distance < best_distance:
            best, best_distance = groups[i], distance
    return best


@lru_cache(maxsize=CUE_CACHE_SIZE)
def _cue_matches(cues: re.Pattern, text: str) -> tuple[list[int], list[int], list[str]]:
    """Starts, ends and group names of the cues in ``text``: found once per sentence, not
    once per figure (a sentence may hold hundreds of figures)."""
    found = [(m.start(), m.end(), m.lastgroup) for m in cues.finditer(text)]
    return [f[0] for f in found], [f[1] for f in found], [f[2] for f in found]


def casualty_scope(
    casualties: pd.DataFrame, items: pd.DataFrame, events: pd.DataFrame
) -> pd.DataFrame:
    """``casualties`` with ``scope`` set for every figure (items need ``on_topic``)."""
    if casualties.empty:
        return casualties.assign(scope=pd.Series([], dtype="string"))
    # Read once per chunk: looking an item's text up per figure copied the whole text each time.
    texts = dict(zip(items["item_id"].tolist(), items["text"].tolist(), strict=True))
    on_topic = dict(zip(items["item_id"].tolist(), items["on_topic"].tolist(), strict=True))
    dates = _sentence_date_ends(events)
    scopes = []
    for row in casualties.itertuples(index=False):
        text = texts[row.item_id]
        s0 = _sentence_start(text, row.sentence, row.start, row.end)
        ctx = FigureContext(
            sentence=row.sentence or "",
            offset=max(0, row.start - s0) if s0 >= 0 else 0,
            before=text[max(0, s0 - CONTEXT_BEFORE) : s0] if s0 > 0 else "",
            period_end=None if pd.isna(row.period_end) else row.period_end.date(),
            sentence_dates_end=dates.get((row.item_id, row.sentence), ()),
            on_topic=bool(on_topic[row.item_id]),
        )
        scopes.append(figure_scope(ctx))
    return casualties.assign(scope=scopes)


def _sentence_start(text: str, sentence, start: int, end: int) -> int:
    """Where the figure's ``sentence`` (holding ``text[start:end]``) starts in ``text``, -1
    when it is not there (HTML remnants blanked in the sentence).

    Looked for only where it can lie, around the figure: a search of the whole text per
    figure took figures x text length, and found the first copy of a repeated sentence.
    """
    if not isinstance(sentence, str):
        return -1
    return text.find(sentence, max(0, end - len(sentence)), start + len(sentence))


def _sentence_date_ends(events: pd.DataFrame) -> dict[tuple[str, str], tuple[date, ...]]:
    """(item, sentence) -> the last days of the dates written in that sentence."""
    out: dict[tuple[str, str], tuple[date, ...]] = {}
    ends = events["date_end"].fillna(events["date"])
    for item_id, sentence, end in zip(events["item_id"], events["sentence"], ends, strict=True):
        if pd.notna(end):
            key = (item_id, sentence)
            out[key] = (*out.get(key, ()), end.date())
    return out
