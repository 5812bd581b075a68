"""People, military units, places, countries and organisations named in each item.

Rule-based and fast (no statistical model in the hot path): one regex pass finds runs of
capitalised words ("Admiral Sir Tony Radakin", "Freedom of Russia Legion", "Kurakhove-Pokrovsk");
each run is matched greedily, longest phrase first, against the offline gazetteer and alias
tables of :mod:`dashboard.extractors.gazetteer`. Spellings merge into one canonical name
(Zelensky / Zelenskyy / Volodymyr Zelenskyy; Kyiv / Kiev; Mykolaiv / Nikolaev; Donetsk region /
Donetsk Oblast). People outside the alias table are found after a title ("General Pavel
Klimenko") or as a given name from a shipped list followed by a capitalised word ("Kirill
Dmitriev"); a later bare surname ("Klimenko") merges into the full name within the item.
Numbered units ("5th Donetsk Motorized Rifle Brigade") come from their own pattern.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter

import pandas as pd

from dashboard.extractors.gazetteer import Entry, Gazetteer, load_gazetteer
from dashboard.schema import ENTITIES, validate

# A capitalised word: "U.S." style initials, or a word starting with a capital letter (Latin-1
# capitals included), keeping inner apostrophes ("Mar'yinka") but not a possessive "'s".
_WORD = r"(?:[A-Z](?:\.[A-Z])+\.?|[A-ZÀ-ÖØ-Þ][\w]*(?:['’](?!s\b)\w+)*)"
# What may join two capitalised words of one name: spaces or a hyphen, an optional period
# ("Mr. Putin"), and lowercase particles ("Freedom of Russia Legion", "Rostov-on-Don",
# "Ursula von der Leyen", "President-elect Trump"). Never a newline.
_JOIN = (
    r"\.?(?:[ \t]+|-)(?:(?:of|the|and|on|upon|de|la|du|der|von|van|al|el|na|elect)(?:[ \t]+|-))*"
)
WORD = re.compile(r"(?<![\w’'])" + _WORD)
RUN = re.compile(r"(?<![\w’'])" + _WORD + r"(?:" + _JOIN + _WORD + r")*")
SPACES = re.compile(r"\s+")

# Numbered formations: "5th Donetsk Motorized Rifle Brigade", "46th Air Mobile Brigade",
# "the 93rd mechanized brigade", "1st Guards Tank Army". Between the ordinal and the formation
# word: capitalised words or the usual lowercase unit adjectives (hand list).
_UNIT_ADJ = (
    "separate|mechani[sz]ed|motori[sz]ed|motor|rifle|tank|guards?|assault|airborne|air|mobile|"
    "airmobile|marine|naval|infantry|artillery|mountain|jaeger|special|forces?|operations?|"
    "territorial|defen[cs]e|presidential|national|landing|border|coastal|combined|arms|"
    "reconnaissance|operational|tactical|missile|rocket|brigade"
)
UNIT = re.compile(
    r"(?<![\w])(\d{1,3}(?:st|nd|rd|th))[ \t]+((?:(?:[A-Z][\w'’\-]*|(?i:"
    + _UNIT_ADJ
    + r"))[ \t]+){0,6}?)"
    r"(?i:(brigade|regiment|division|battalion|corps|army|fleet|squadron|detachment|flotilla))\b"
)

# Titles and roles that put a person's name next ("President", "Admiral Sir", "Foreign
# Minister"): TITLES start the rule, TITLE_WORDS may stand between the title and the name.
TITLES = frozenset(
    "President Premier Minister Chancellor Secretary General Gen Lieutenant Lt Colonel Col Major "
    "Maj Admiral Adm Marshal Commander Captain Capt Sergeant Sgt Sir Dame Lord Mr Mrs Ms Dr "
    "Senator Sen Rep Representative Governor Gov Mayor Ambassador Spokesman Spokeswoman "
    "Spokesperson Pope King Queen Prince Princess Patriarch Judge Justice Chairman Chairwoman "
    "Director Commissioner Envoy Corporal Brigadier Ombudsman Prosecutor Speaker Chief Head "
    "Private Colonel-General".split()
)
TITLE_WORDS = TITLES | frozenset(
    "Prime Deputy Vice Foreign Defence Defense Interior Staff Armed Forces Ground Navy Naval Air "
    "Force National Security Council Affairs Intelligence Joint Chiefs State Acting First "
    "Former Late Grand Military General-elect Supreme Commander-in-Chief Secretary-General "
    "Human Rights Special Presidential Regional Press Army".split()
)
# Capitalised words that are not surnames even after a given name or a title (hand list).
NON_NAMES = frozenset(
    "The This That These Those A An And But Or In On At Of For From By With To As It He She They "
    "We His Her Their Its Monday Tuesday Wednesday Thursday Friday Saturday Sunday January "
    "February March April May June July August September October November December Ministry "
    "Office Administration Forces Army Party Council Committee Court Government University "
    "Institute Street Square Bridge Day News Times Post Group Company Bank Airport Station Plant "
    "Oblast Region Province District City Republic Federation Union Agency Service Church Said "
    "Says Told Also Read More Continue According However While After Before During".split()
)
# "occupied Donetsk" names the region (seed eval); "Donetsk and Luhansk regions" both.
OCCUPIED_BEFORE = re.compile(r"(?:occupied|Occupied|annexed|Annexed)[ \t]+$")
REGION_AFTER = re.compile(r"[ \t]+(?i:oblast|region|province|krai)(?![\w])")
REGION_PAIR_AFTER = re.compile(
    r"[ \t]*(?:,|and|&)[ \t]+(?:[A-Z][\w'’\-]*[ \t]+){1,2}(?i:oblasts|regions|provinces)\b"
)
_LOOKBEHIND = 12


def extract_entities(items: pd.DataFrame) -> pd.DataFrame:
    """Entities named in each item, one row per mention, validated against ``schema.ENTITIES``.

    Parameters
    ----------
    items : pandas.DataFrame
        An items frame; reads ``item_id`` and ``text``.

    Returns
    -------
    pandas.DataFrame
        ``item_id, kind, name, mention, start, end, lat, lon, country, admin1``; ``name`` is
        canonical (spellings merged), ``start``/``end`` are character offsets of ``mention``
        in the text; places carry coordinates, country and region.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = extract_entities(pd.DataFrame({"item_id": ["a"], "text": ["Shelling in Kiev."]}))
    >>> frame[["kind", "name", "mention"]].values.tolist()
    [['place', 'Kyiv', 'Kiev']]
    """
    if items is None or len(items) == 0:
        return ENTITIES.empty()
    gaz = load_gazetteer()
    rows: list[tuple] = []
    for item_id, text in zip(items["item_id"].tolist(), items["text"].tolist(), strict=True):
        if not isinstance(text, str) or not text:
            continue
        rows.extend(_item_entities(item_id, text, gaz))
    if not rows:
        return ENTITIES.empty()
    frame = pd.DataFrame(rows, columns=ENTITIES.names)
    return validate(frame, ENTITIES)


def entities_in(text: str) -> list[tuple[str, str, str, int, int]]:
    """``(kind, name, mention, start, end)`` of each entity in one text (for quick checks)."""
    return [r[1:6] for r in _item_entities("", text, load_gazetteer())]


def _row(item_id, entry: Entry, text: str, start: int, end: int, name: str | None = None):
    place = entry.place
    if place is None:
        return (
            item_id,
            entry.kind,
            name or entry.name,
            text[start:end],
            start,
            end,
            None,
            None,
            None,
            None,
        )
    return (
        item_id, "place", place.name, text[start:end], start, end,
        place.lat, place.lon, place.country, place.admin1,
    )  # fmt: skip


def _item_entities(item_id, text: str, gaz: Gazetteer) -> list[tuple]:
    rows: list[tuple] = []
    claimed_until = -1  # end of the last unit mention; runs inside it are skipped
    unit_spans = []
    for m in UNIT.finditer(text):
        words = " ".join(w[:1].upper() + w[1:] for w in SPACES.split(m.group(2).strip()) if w)
        name = " ".join(filter(None, (m.group(1), words, m.group(3).capitalize())))
        rows.append((item_id, "unit", name, m.group(0), m.start(), m.end(), None, None, None, None))
        unit_spans.append((m.start(), m.end()))
    people: dict[str, int] = {}  # canonical multi-word names of people found, for surnames
    loose: list[tuple[int, int]] = []  # capitalised words left unmatched, maybe a surname
    phrases, stems = gaz.phrases, gaz.stems
    unit_starts = [s for s, _ in unit_spans]
    for run in RUN.finditer(text):
        rs, re_ = run.span()
        # Unit mentions do not overlap, so the last one starting before the run ends is the
        # only one that can reach furthest into it: a bisection, not a scan of every unit
        # per run (which was quadratic in text full of numbered units).
        k = bisect_left(unit_starts, re_) - 1
        claimed_until = unit_spans[k][1] if k >= 0 and unit_spans[k][1] > rs else -1
        if re_ - rs < 1:
            continue
        if run.group(0).find(" ") < 0 and "-" not in run.group(0) and "." not in run.group(0):
            toks = [(rs, re_)]
        else:
            toks = [(rs + w.start(), rs + w.end()) for w in WORD.finditer(run.group(0))]
        _match_run(item_id, text, toks, gaz, phrases, stems, claimed_until, rows, people, loose)
    if loose and people:
        _merge_surnames(item_id, text, rows, people, loose)
    if gaz.homonyms:
        _prefer_named_region(rows, gaz)
    rows.sort(key=lambda r: r[4])
    return rows


def _lookup(phrases: dict[str, Entry], key: str) -> Entry | None:
    entry = phrases.get(key)
    if entry is None and len(key) > 3 and key.isupper():
        entry = phrases.get(key.title())  # "UKRAINE" in shouted headlines
    return entry


def _match_run(item_id, text, toks, gaz, phrases, stems, claimed_until, rows, people, loose):
    n = len(toks)
    i = 0
    while i < n:
        s = toks[i][0]
        if s < claimed_until:
            i += 1
            continue
        # Longest phrase starting at token i.
        hit = None
        for j in range(min(n, i + gaz.max_tokens) - 1, i - 1, -1):
            key = text[s : toks[j][1]]
            if "\n" in key:
                continue
            key = SPACES.sub(" ", key) if j > i else key
            region = stems.get(key)
            if region is not None:
                after = REGION_AFTER.match(text, toks[j][1])
                if after is not None:
                    hit = (j, region, after.end())
                    break
                if OCCUPIED_BEFORE.search(
                    text, max(0, s - _LOOKBEHIND), s
                ) or REGION_PAIR_AFTER.match(text, toks[j][1]):
                    hit = (j, region, toks[j][1])
                    break
            entry = _lookup(phrases, key)
            if entry is not None:
                hit = (j, entry, toks[j][1])
                break
        word = text[s : toks[i][1]]
        if hit is not None and not (
            hit[0] == i and _is_given_name_pair(text, toks, i, gaz, phrases)
        ):
            j, entry, end = hit
            rows.append(_row(item_id, entry, text, s, end))
            if entry.kind == "person":
                people.setdefault(entry.name, s)
            i = j + 1
            continue
        if _is_given_name_pair(text, toks, i, gaz, phrases):
            k = i + 1
            name = SPACES.sub(" ", text[s : toks[k][1]])
            rows.append(_row(item_id, Entry("person", name), text, s, toks[k][1], name))
            people.setdefault(name, s)
            i = k + 1
            continue
        if word in TITLES or (word.rstrip(".") in TITLES):
            j = i + 1
            while j < n and text[toks[j][0] : toks[j][1]] in TITLE_WORDS:
                j += 1
            if j < n and j > i:
                i = j
                if (
                    _lookup(phrases, text[toks[j][0] : toks[j][1]]) is None
                    and text[toks[j][0] : toks[j][1]] not in gaz.first_names
                ):
                    # A bare surname (or two) after the title: "General Klimenko".
                    k = j
                    while (
                        k + 1 < n
                        and k - j < 1
                        and _plain_gap(text, toks[k][1], toks[k + 1][0])
                        and _is_name_word(text[toks[k + 1][0] : toks[k + 1][1]], phrases)
                    ):
                        k += 1
                    if _is_name_word(text[toks[j][0] : toks[j][1]], phrases) and _plain_gap(
                        text, toks[j - 1][1], toks[j][0]
                    ):
                        name = SPACES.sub(" ", text[toks[j][0] : toks[k][1]])
                        rows.append(
                            _row(item_id, Entry("person", name), text, toks[j][0], toks[k][1], name)
                        )
                        i = k + 1
                continue
        loose.append(toks[i])
        i += 1


def _prefer_named_region(rows: list[tuple], gaz: Gazetteer) -> None:
    """A village name many places share goes to the one in a region the item names too
    ("Novoselivka, Donetsk Oblast"); otherwise the largest stays."""
    regions = Counter(r[9] for r in rows if r[1] == "place" and r[9] is not None)
    if not regions:
        return
    for idx, row in enumerate(rows):
        if row[1] != "place":
            continue
        namesakes = gaz.homonyms.get(SPACES.sub(" ", row[3]))
        if not namesakes:
            continue
        own = row[9]
        if own is not None and regions[own] > 1:
            continue  # another mention is in the same region already
        others = [e for e in namesakes if e.place.admin1 != own and regions[e.place.admin1] > 0]
        if others:
            best = max(others, key=lambda e: e.place.population)
            p = best.place
            rows[idx] = (
                row[0],
                "place",
                p.name,
                row[3],
                row[4],
                row[5],
                p.lat,
                p.lon,
                p.country,
                p.admin1,
            )


def _plain_gap(text: str, end: int, start: int) -> bool:
    gap = text[end:start]
    return bool(gap) and gap.strip(" .") == "" and "\n" not in gap


def _is_name_word(word: str, phrases) -> bool:
    if word in NON_NAMES or word in TITLE_WORDS or len(word) < 2 or word.isupper():
        return False
    entry = phrases.get(word)
    return entry is None or entry.kind == "place" and not entry.place.is_region


def _is_given_name_pair(text, toks, i, gaz, phrases) -> bool:
    """Token i is a given name and token i+1, right after it, reads as a surname."""
    if i + 1 >= len(toks):
        return False
    first = text[toks[i][0] : toks[i][1]]
    if first not in gaz.first_names:
        return False
    gap = text[toks[i][1] : toks[i + 1][0]]
    if gap != " ":
        return False
    second = text[toks[i + 1][0] : toks[i + 1][1]]
    if not _is_name_word(second, phrases):
        return False
    # An alias-table phrase starting here ("Vladimir Putin") is found by the phrase lookup.
    return phrases.get(f"{first} {second}") is None


def _merge_surnames(item_id, text, rows, people, loose):
    """A bare surname or given name ("Klimenko", "Arseny") after the full name, in one item."""
    by_part: dict[str, set[str]] = {}
    for name in people:
        parts = name.split()
        if len(parts) < 2:
            continue
        for part in (parts[0], parts[-1]):
            by_part.setdefault(part, set()).add(name)
    for s, e in loose:
        names = by_part.get(text[s:e])
        if names and len(names) == 1:
            rows.append(
                (item_id, "person", next(iter(names)), text[s:e], s, e, None, None, None, None)
            )
    # Single-word names found after a title take the full name too ("General Klimenko").
    for idx, row in enumerate(rows):
        if row[1] == "person" and " " not in row[2]:
            names = by_part.get(row[2])
            if names and len(names) == 1:
                rows[idx] = row[:2] + (next(iter(names)),) + row[3:]
