"""Which side a word, a run of words or a place names: "Ukrainian", "the APU", "Kharkiv".

The words and phrases come from the shared sides table (``dashboard/data/sides.toml``, through
:mod:`.vocabulary`); places from the gazetteer, mapped to the side whose country holds them.
"""

from __future__ import annotations

import re
from functools import cache

from dashboard.extractors.gazetteer import (
    REGION_WORDS,
    load_gazetteer,
    place_variants,
    spelling_key,
)
from dashboard.extractors.numbers import Token
from dashboard.sides import held_places, side_countries, war_parties

from .vocabulary import (
    ALLEGIANCE_SUFFIXES,
    LOCATIVES,
    NOT_NOUN_ADJUNCTS,
    PEOPLE,
    PLACE_ADJUNCT_NOUNS,
    PLACE_ADJUNCT_WORDS,
    SIDE_COUNTRIES,
    SIDE_KOREAN,
    SIDE_OPPOSITE,
    SIDE_PHRASES,
    SIDE_PLACE_AFTER,
    SIDE_PLACES,
    SIDE_WORDS,
    VARIANT_PLACE_BEFORE,
    WATER_NAMES,
)

WORD = re.compile(r"[\w'’\-]+")


def side_of_token(lows: list[str], k: int) -> str | None:
    """Side named by the token at ``k`` ("Russia's", "north korean"), not by a place name."""
    w = lows[k]
    if w in SIDE_WORDS:
        if w in SIDE_COUNTRIES and k + 1 < len(lows) and lows[k + 1] in SIDE_PLACE_AFTER:
            return None  # "Ukraine region"
        return SIDE_WORDS[w]
    if w.endswith(("'s", "’s")) and w[:-2] in SIDE_WORDS:
        return SIDE_WORDS[w[:-2]]
    if w in SIDE_KOREAN and k >= 1 and lows[k - 1] == "north":
        return "north_korea"
    if w.endswith(ALLEGIANCE_SUFFIXES):  # "russia-installed", "moscow-backed"
        return SIDE_WORDS.get(w[: w.rindex("-")])
    return None


def side_of_word(word: str) -> str | None:
    """Side named by one adjective or force word ("Ukrainian", "DPR"); not a country name."""
    low = word.lower().replace("’", "'")
    if low in SIDE_PLACES:
        return None
    return SIDE_WORDS.get(low) or SIDE_WORDS.get(low.removesuffix("'s"))


def np_side(
    lows: list[str], np: list[int], sentence_low: str, toks: list[Token], s0: int
) -> str | None:
    """Side named in a figure's noun phrase: a side phrase first, then its first side word."""
    if not np:
        return None
    a, b = toks[np[0]].start - s0, toks[np[-1]].end - s0
    span = sentence_low[a:b]
    for rx, side in SIDE_PHRASES:
        if rx.search(span):
            return side
    for k in np:
        side = side_of_token(lows, k)
        if side:
            return side
    return None


def opposite(side: str | None) -> str | None:
    """The other side of a two-sided war ("russia" -> "ukraine"); None for any other side."""
    return SIDE_OPPOSITE.get(side or "")


def words_side(words: str) -> str | None:
    """Side named in free text: phrases, then side words, then the bare country names."""
    low = words.lower()
    for rx, side in SIDE_PHRASES:
        if rx.search(low):
            return side
    for w in WORD.findall(low):
        w = w.replace("’", "'")
        if w in SIDE_WORDS and w not in SIDE_PLACES:
            return SIDE_WORDS[w]
        if w.endswith("'s") and w[:-2] in SIDE_WORDS:
            return SIDE_WORDS[w[:-2]]
    for w in WORD.findall(low):
        if w in SIDE_PLACES:
            return SIDE_WORDS[w]
    return None


# How many capitalised words a place name may span ("Novo Vodolaha", "Kryvyi Rih").
PLACE_WORDS = 3


def place_sides(toks: list[Token]) -> list[tuple[int, str | None]]:
    """(token index, side) of each place of a war party that a sentence names.

    A town or a region of a war party counts wherever it stands ("Kharkiv", "Belgorod
    region"), as do a region abroad and a country abroad by its name ("Florida boy",
    "Afghanistan quake"; not "Iranian man"); a town abroad after a locative or before the
    noun of an incident or of people ("in Gary", "Phoenix shooting", "Chicago gunman"); a
    country's other spellings and a war party's country only after a locative ("in the US",
    "in east Ukraine"). A town or region held by Russia's side since 2014 (``sides.toml
    [held]``) is named with no side: its dead may be either's people.
    """
    gazetteer, countries, parties = load_gazetteer(), _country_sides(), war_parties()
    out = []
    for i, tok in enumerate(toks):
        if not tok.text[:1].isupper() or _names_a_water(toks, i):
            continue
        entry, size = _place_at(gazetteer, toks, i)
        if entry is None:
            continue
        held = entry.kind == "place" and entry.place is not None and _held(toks, i, entry.place)
        if held:
            side = None
        elif entry.kind == "place" and entry.place is not None:
            side = countries.get(entry.place.country)
            if (
                side not in parties
                and not entry.place.is_region
                and not _after_locative(toks, i)
                and not _before_incident(toks, i + size)
            ):
                side = None  # "a restaurant called Paradise": a town abroad only "in Paradise"
        elif entry.kind == "country":
            side = countries.get(entry.name)
            by_name = _bare_name(toks[i].text) == entry.name.split()[0]  # not "Iranian", "US"
            if not _after_locative(toks, i) and (side in parties or not by_name):
                side = None  # "Ukraine says ...": who speaks; "in east Ukraine": where
            elif _possessive_of_place(gazetteer, toks, i):
                continue  # "in east Ukraine's Donetsk": the town is the place
        else:
            side = None
        if side is not None or held:
            out.append((i, _named_side(toks, i) or side))
    return out


def _possessive_of_place(gazetteer, toks: list[Token], i: int) -> bool:
    """ "Ukraine's Donetsk": a country's possessive before one of its places."""
    if i + 1 >= len(toks) or not toks[i].text.endswith(("'s", "’s")):
        return False
    entry, _ = _place_at(gazetteer, toks, i + 1)
    return entry is not None and entry.kind == "place"


def _after_locative(toks: list[Token], i: int) -> bool:
    return any(t.low in LOCATIVES for t in toks[max(0, i - 2) : i])


def _names_a_water(toks: list[Token], i: int) -> bool:
    """ "Gulf of Guinea": the name at ``i`` is a water's, not its land's."""
    return i >= 2 and toks[i - 1].low == "of" and toks[i - 2].low in WATER_NAMES


def _before_incident(toks: list[Token], k: int) -> bool:
    """The word at ``k``, right after a place name, is an incident's or people's noun, or
    plain words before one ("Phoenix strip mall", "Las Vegas college student")."""
    for j in range(k, min(k + PLACE_ADJUNCT_WORDS, len(toks))):
        low = toks[j].low
        if low in PLACE_ADJUNCT_NOUNS or low in PEOPLE:
            return True
        if not (low.isalpha() and toks[j].text.islower()) or low in NOT_NOUN_ADJUNCTS:
            return False
    return False


def _held(toks: list[Token], i: int, place) -> bool:
    """A held region, or a held town named as a town ("Donetsk", not "Donetsk region")."""
    regions, towns = held_places()
    if place.admin1 in regions:
        return True
    nxt = toks[i + 1].text if i + 1 < len(toks) else ""
    return not place.is_region and place.name in towns and nxt not in REGION_WORDS


def _named_side(toks: list[Token], i: int) -> str | None:
    """A place that starts a side's name: "Donetsk People's Republic" is Russia's side."""
    words = " ".join(t.low for t in toks[i : i + 3])
    return next((side for rx, side in SIDE_PHRASES if rx.match(words)), None)


def _place_at(gazetteer, toks: list[Token], i: int):
    """The gazetteer entry of the name starting at token ``i`` and how many tokens it spans."""
    dotted = _dotted_acronym(toks, i)
    if dotted:  # "U.S.", tokenised as "U", ".", "S", "."
        entry = gazetteer.phrases.get("".join(t.text for t in toks[i : i + dotted]))
        if entry is not None:
            return entry, dotted
    for size in range(PLACE_WORDS, 0, -1):
        words = toks[i : i + size]
        if len(words) == size:
            entry = gazetteer.phrases.get(" ".join(t.text for t in words))
            if entry is not None:
                return entry, size
    entry = gazetteer.phrases.get(_bare_name(toks[i].text))
    if entry is not None:
        return entry, 1
    nxt = toks[i + 1].text if i + 1 < len(toks) else ""
    if nxt in REGION_WORDS:
        return gazetteer.stems.get(toks[i].text), 1
    if i > 0 and toks[i - 1].low in VARIANT_PLACE_BEFORE:  # "attack on Sergiyivka"
        return place_variants().get(spelling_key(_bare_name(toks[i].text))), 1
    return None, 0


def _dotted_acronym(toks: list[Token], i: int) -> int:
    """How many tokens an acronym written with dots spans from ``i`` ("U . S ." -> 4), else 0."""
    k = i
    while k + 1 < len(toks) and len(toks[k].text) == 1 and toks[k].text.isupper():
        if toks[k + 1].text != ".":
            break
        k += 2
    return k - i if k - i >= 4 else 0


def _bare_name(word: str) -> str:
    """A one-word name without its possessive and the apostrophes of a transliterated soft
    sign: "Sievierodonetsk's" -> "Sievierodonetsk", "Novhorod-Sivers'kyi" -> "...Siverskyi"."""
    for tail in ("'s", "’s"):
        word = word.removesuffix(tail)
    return word.replace("'", "").replace("’", "")


@cache
def _country_sides() -> dict[str, str]:
    """Country name -> side, for every side of the sides table (a shooting in Gary is the
    United States'; a missile in Przewodów kills Poland's people)."""
    return {country: code for code, country in side_countries().items()}
