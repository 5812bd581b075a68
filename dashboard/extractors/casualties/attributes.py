"""Attributes of a figure: side, group, per, period and claimant (``CASUALTY_LABELLING.md``).

Side and group are resolved by ordered lists of named rules (``SIDE_RULES``, ``GROUP_RULES``):
each rule looks at one cue of a :class:`Cues` and returns a value or ``None``; the first
value wins. Sentence-level cues (claimant, owner, attacker) are read once per sentence in
:class:`SentenceCues`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from dashboard.extractors.claimants import (
    canonical_claimant,
    claimant_entry,
    claimant_pointed_to,
    ends_with_a_speaker,
    names_a_known_speaker,
    speaks_for_a_side,
)
from dashboard.extractors.gazetteer import load_gazetteer
from dashboard.extractors.numbers import Token, tokenize
from dashboard.sides import war_parties

from .shapes import Figure
from .sides import np_side, opposite, place_sides, side_of_token, side_of_word, words_side
from .vocabulary import (
    AGENT,
    AGENT_BY,
    BACKWARD_KIND,
    BARE_CLAUSE_OPENERS,
    CIVILIAN_NOUNS,
    CIVILIAN_WORDS,
    CLAIM_ACCORDING,
    CLAIM_BAD,
    CLAIM_COLON,
    CLAIM_LEAD,
    CLAIM_SUBJECT,
    CLAIM_TAIL,
    CLAIM_TOLL_SUBJECT,
    CLAIM_TRAIL,
    CLAIM_VERB_AFTER,
    CLAIM_VERB_BEFORE,
    CLAIM_VERB_WORDS,
    CLAIMANT_OPENINGS,
    CLAUSE_END,
    CUMULATIVE_FROM,
    FIGHTING_WORDS,
    FORCE_WORDS,
    FORWARD_KIND,
    HEDGE_WORDS,
    IN_ACTION,
    LIST_FILLERS,
    LOSSES,
    LOST_WORDS,
    MILITARY_NOUNS,
    MILITARY_TITLES,
    MILITARY_WORDS,
    MONTH_START_BEFORE,
    NOT_NOUN_ADJUNCTS,
    NOUN_ADJUNCTS,
    NP_OF_PHRASE_WORDS,
    OCCUPIER_WORDS,
    OWNER,
    OWNER_MILITARY,
    PEOPLE,
    PER_DAY,
    PER_EVENT,
    PER_MONTH,
    PER_REACH,
    PER_TOTAL,
    PRONOUN_CLAIM,
    REFERENTIAL,
    SIDE_ENEMY,
    SIDE_PLACES,
    SIDE_WORDS,
    TARGET,
    possessive_stem,
)


class Resolved(NamedTuple):
    """What the previous figure of the sentence was resolved to."""

    side: str | None
    group: str
    kind: str


@dataclass(slots=True)
class SentenceCues:
    """Cues read once per sentence, shared by its figures."""

    sentence: str
    sentence_low: str
    s0: int  # offset of the sentence in the text
    toks: list[Token]
    lows: list[str]
    claimant_raw: str | None  # who states it, in the text's words
    claimant: str | None  # the canonical claimant (data/claimants.toml)
    claim_side: str | None  # the side the claimant speaks for
    enemy: str  # whose people "the enemy" are in the claimant's mouth
    owner: str | None  # "Russia has suffered ...": whose losses
    owner_group: str
    occupied: bool  # the sentence speaks of occupied land
    fighting: bool  # the sentence speaks of fighting between armed men
    before: str  # the sentence before, for an attacker it names ("A missile hit Kharkiv.")
    earlier: str  # the one before it in the paragraph: where civilians died, told earlier
    _agent: str | None = None
    _agent_done: bool = False
    _places: list[tuple[int, str]] | None = None
    _target: str | None = None
    _target_done: bool = False

    @classmethod
    def read(
        cls,
        sentence: str,
        s0: int,
        toks: list[Token],
        lows: list[str],
        before: str = "",
        earlier: str = "",
    ) -> SentenceCues:
        sentence_low = sentence.lower()
        claimant_raw = claimant_of(sentence)
        if claimant_raw is None and before and PRONOUN_CLAIM.search(sentence):
            claimant_raw = claimant_of(before)  # "Governor X said ... . Three died, he added."
        claimant = claimant_pointed_to(claimant_raw, sentence) or canonical_claimant(claimant_raw)
        enemy = enemy_side(claimant)
        owner, owner_group = (
            owner_side(sentence, enemy) if LOSSES.search(sentence_low) else (None, "unknown")
        )
        return cls(
            sentence=sentence,
            sentence_low=sentence_low,
            s0=s0,
            toks=toks,
            lows=lows,
            claimant_raw=claimant_raw,
            claimant=claimant,
            claim_side=claimant_side(claimant),
            enemy=enemy,
            owner=owner,
            owner_group=owner_group,
            occupied="occupied" in sentence_low,
            fighting=any(w in FIGHTING_WORDS for w in lows),
            before=before,
            earlier=earlier,
        )

    def agent(self) -> str | None:
        """The attacker of the sentence, read on first use."""
        if not self._agent_done:
            agent = agent_side(self.sentence, self.enemy)
            if agent is None and self.before:
                agent = agent_side(self.before, self.enemy)
            self._agent, self._agent_done = agent, True
        return self._agent

    def target(self) -> str | None:
        """The side of the sentence's target ("a strike on a Ukrainian mall"), read on first
        use: it is the same for every figure of the sentence."""
        if not self._target_done:
            found = (side_of_word(m.group("t")) for m in TARGET.finditer(self.sentence))
            self._target = next((side for side in found if side is not None), None)
            self._target_done = True
        return self._target

    def places(self) -> list[tuple[int, str]]:
        """(token index, side) of the places it names, else of the sentence before; on first
        use (gazetteer look-ups only for figures that reach the place rule)."""
        if self._places is None:
            self._places = place_sides(self.toks) or before_places(self.before)
        return self._places


@dataclass(slots=True)
class Cues:
    """What the rules see of one figure: its sentence, itself, and the figure before."""

    sentence: SentenceCues
    fig: Figure
    group: str  # the group its own noun phrase names
    per: str  # event, day, month or total
    prev: Resolved | None

    def names_people(self) -> bool:
        lows = self.sentence.lows
        return any(lows[k] in PEOPLE and lows[k] not in REFERENTIAL for k in self.fig.np)


# "by" inside an attacker phrase: what follows it is the attacker.
BY_WORD = re.compile(r"\bby\s+", re.I)


# --- side ---------------------------------------------------------------------------------


def _side_noun_phrase(c: Cues) -> str | None:
    """ "Russian soldiers", "APU", "DPR militia", "soldiers of the 14th brigade of the Armed
    Forces of Ukraine"; "enemy troops" in the claimant's mouth."""
    s = c.sentence
    np = [*c.fig.np, *_of_phrase_after(s.lows, c.fig.np)]
    side = np_side(s.lows, np, s.sentence_low, s.toks, s.s0)
    if side is not None and any(s.lows[k] in SIDE_ENEMY for k in np):
        return s.enemy
    return side or _side_before_adjuncts(s.lows, c.fig.np)


def _side_before_adjuncts(lows: list[str], np: list[int]) -> str | None:
    """A side word before plain words that say what kind of person it is: "Russian TV
    reporter killed" (the figure's words start at "reporter")."""
    if not np:
        return None
    k = np[0] - 1
    while k >= 0 and np[0] - k <= NOUN_ADJUNCTS and lows[k].isalpha():
        if lows[k] in BACKWARD_KIND or lows[k] in FORWARD_KIND or lows[k] in CLAIM_VERB_WORDS:
            return None  # "Israelis killed Al Jazeera journalist", "militants say teenager"
        if lows[k] in SIDE_WORDS and lows[k] not in SIDE_PLACES:
            return side_of_token(lows, k)
        if lows[k] in NOT_NOUN_ADJUNCTS or lows[k] in PEOPLE:
            return None
        k -= 1
    return None


def _of_phrase_after(lows: list[str], np: list[int]) -> range:
    """The "of" phrase closing a noun phrase, up to the clause's end: "soldiers [of the
    127th and 14th brigades of the Armed Forces of Ukraine]"."""
    if not np or np[-1] + 1 >= len(lows) or lows[np[-1] + 1] != "of":
        return range(0)
    end = np[-1] + 1
    while end + 1 < len(lows) and end - np[-1] < NP_OF_PHRASE_WORDS:
        if lows[end + 1] in CLAUSE_END:
            break
        end += 1
    return range(np[-1] + 1, end + 1)


def _side_government(c: Cues) -> str | None:
    """ "3 government troops killed in eastern Ukraine": the forces of the country the
    sentence places them in (a war party's)."""
    s = c.sentence
    if not any(s.lows[k] == "government" for k in c.fig.np):
        return None
    parties = war_parties()
    return next((side for _, side in s.places() if side in parties), None)


def _side_origin(c: Cues) -> str | None:
    """ "three soldiers from Lviv were killed": people named with the place they come from
    are its side's, soldiers too (where they died says nothing; where they are from does)."""
    s, fig = c.sentence, c.fig
    if "from" not in s.lows[fig.first : fig.last + 1]:
        return None
    return next(
        (
            side
            for i, side in s.places()
            if side is not None and fig.first < i <= fig.last and s.lows[i - 1] == "from"
        ),
        None,
    )


def _side_possessor(c: Cues) -> str | None:
    """ "Russian losses amounted to 1,200": the side owning the aggregate noun."""
    return c.fig.possessor


def _side_agent_subject(c: Cues) -> str | None:
    """ "the Russians killed three civilians": the victims are the other side."""
    return opposite(c.fig.agent_subject) if c.fig.agent_subject else None


def _side_owner(c: Cues) -> str | None:
    """ "Russia has suffered 300 casualties", "APU lost 40" (no people named), "APU ...
    lost more than 300 people killed" (the figure is what was lost)."""
    if c.fig.kind == "killed_or_injured" or c.sentence.owner and not c.fig.np:
        return c.sentence.owner
    return c.sentence.owner if _object_of_lost(c) else None


def _object_of_lost(c: Cues) -> bool:
    """The figure stands right after "lost", but for a hedge ("lost more than 300")."""
    lows, k = c.sentence.lows, c.fig.first - 1
    while k >= 0 and c.fig.first - k <= 3 and lows[k] in HEDGE_WORDS:
        k -= 1
    return k >= 0 and lows[k] in LOST_WORDS


def _lost_after(c: Cues) -> bool:
    """ "More than 135 servicemen lost": "lost" right after the figure's noun (not "lost
    their lives")."""
    lows, k = c.sentence.lows, max(c.fig.np, default=c.fig.first) + 1
    return k < len(lows) and lows[k] in LOST_WORDS and lows[k + 1 : k + 2] != ["their"]


def _side_previous_figure(c: Cues) -> str | None:
    """ "Two Ukrainian soldiers killed, 8 wounded"; "... and they eliminated 5,000 troops"."""
    prev = c.prev
    if prev is None:
        return None
    if not c.names_people() or (c.group == prev.group != "unknown" and c.fig.kind == prev.kind):
        return prev.side
    return None


def _side_attacker(c: Cues) -> str | None:
    """ "Russian shelling killed 3": the victims are the attacker's enemy."""
    return opposite(c.sentence.agent())


def _side_target(c: Cues) -> str | None:
    """ "a missile strike on a Ukrainian mall left 18 dead": the target's side."""
    return c.sentence.target()


def _side_claimant(c: Cues) -> str | None:
    """The claimant's convention: its own people, unless the verb is one only an enemy's
    losses take ("eliminated 1,200 personnel - General Staff") or the figure is what was
    "lost" with no owner named. A claimant that counts its
    own dead also says who holds the place, so this comes before the place rule."""
    side = c.sentence.claim_side
    # a party reports the enemy's losses: "More than 135 servicemen lost ... - Russian Defense
    # Ministry" (its own it names: "we lost", "Ukraine lost", read by the owner rule first)
    lost = _object_of_lost(c) or _lost_after(c)
    enemy_loss = c.fig.enemy_verb or lost and not c.sentence.owner
    return opposite(side) if side and enemy_loss else side


# How far back a bare figure ("12 were killed") looks for the people it counts.
BARE_SUBJECT_BEHIND = 8


def _side_bare_subject(c: Cues) -> str | None:
    """ "the invaders fled from the positions, 12 were killed": a figure naming nobody
    counts the side's people named just before it."""
    s, k = c.sentence, _bare_subject(c)
    if k is None:
        return None
    return s.enemy if s.lows[k] in SIDE_ENEMY else side_of_token(s.lows, k)


def _bare_subject(c: Cues) -> int | None:
    """The people noun before a figure that names nobody and opens its own clause ("...,
    12 were killed"; not "Gunman kills 1", "opened fire, killing 3"), if any; never across
    a ";" (joined headlines)."""
    lows, first = c.sentence.lows, c.fig.first
    if c.fig.np or first == 0 or lows[first - 1] not in BARE_CLAUSE_OPENERS:
        return None
    for k in range(first - 2, max(first - BARE_SUBJECT_BEHIND, 0) - 1, -1):
        if lows[k] == ";":
            return None
        if lows[k] in PEOPLE and lows[k] not in REFERENTIAL:
            return k
    return None


def _side_place(c: Cues) -> str | None:
    """A civilian incident takes the side of its place: killed in Kharkiv, killed in Belgorod.

    In a war party's land, not for soldiers nor for a toll of fighting ("Five killed in
    clashes near Donetsk"), whose place says nothing of whose dead they are; elsewhere, a
    place says whose officers or soldiers they are too ("2 officers killed in Kentucky").
    Never for war-wide totals.
    """
    s = c.sentence
    if c.per == "month" or c.per == "total" and (c.fig.value or 0) >= CUMULATIVE_FROM:
        return None
    places = s.places()
    if not places and c.group == "civilian" and s.earlier:
        places = before_places(s.earlier)  # "A hospital in Kharkiv was hit. ... A woman"
    if not places:
        return None
    side = min(places, key=lambda place: abs(place[0] - c.fig.first))[1]
    toll_of_fighting = c.group == "unknown" and (
        s.fighting or c.prev is not None and c.prev.group == "military"
    )  # "Three soldiers killed, 15 wounded in east Ukraine"
    if (c.group == "military" or toll_of_fighting) and (side is None or side in war_parties()):
        return None
    return side


def _side_occupied_civilians(c: Cues) -> str | None:
    """Civilians of occupied land are Ukraine's."""
    return "ukraine" if c.group == "civilian" and c.sentence.occupied else None


Rule = Callable[[Cues], "str | None"]
SIDE_RULES: tuple[tuple[str, Rule], ...] = (
    ("noun_phrase", _side_noun_phrase),
    ("origin", _side_origin),
    ("government", _side_government),
    ("possessor", _side_possessor),
    ("agent_subject", _side_agent_subject),
    ("owner", _side_owner),
    ("previous_figure", _side_previous_figure),
    ("attacker", _side_attacker),
    ("target", _side_target),
    ("claimant", _side_claimant),
    ("bare_subject", _side_bare_subject),
    ("place", _side_place),
    ("occupied_civilians", _side_occupied_civilians),
)


def resolve_side(c: Cues) -> str | None:
    """The first side a rule of ``SIDE_RULES`` finds, else ``None``."""
    for _, rule in SIDE_RULES:
        side = rule(c)
        if side is not None:
            return side
    return None


def before_places(before: str) -> list[tuple[int, str]]:
    """The places of the sentence before, all standing before the figures (index -1)."""
    return [(-1, side) for _, side in place_sides(tokenize(before))] if before else []


def agent_side(sentence: str, enemy: str = "russia") -> str | None:
    """Side of the attacker: "shelling by Ukrainian troops", "the Russians killed".

    ``enemy`` is the side "the enemy" stands for in this sentence's claimant's mouth.
    """
    for m in AGENT_BY.finditer(sentence):
        side = words_side(next(g for g in m.groups() if g))
        if side:
            return side
    # "DPR shelling by Ukrainian military": "by X" names the attacker, "X shelling" may name
    # the target, so the by/of/from shape is read first, then the subject shapes
    matches = list(AGENT.finditer(sentence))
    for group in ("a", "c", "b"):
        for m in matches:
            words = m.group(group)
            if not words:
                continue
            # "shelling of LPR cities by Ukrainian army": the attacker follows the last "by"
            words = BY_WORD.split(words)[-1]
            if words.lower() in SIDE_ENEMY:
                return enemy
            side = words_side(words)
            if side:
                return side
    return None


def owner_side(sentence: str, enemy: str = "russia") -> tuple[str | None, str]:
    """Side and group of who suffered or lost: "APU lost ...", "losses of the Armed Forces".

    ``enemy`` is whose people "the enemy" are in this sentence's claimant's mouth.
    """
    for m in OWNER.finditer(SAID_ASIDE.sub("", sentence)):
        words = (m.group("o") or m.group("p") or m.group("q") or "").split(",")[-1]
        enemy_named = any(w in SIDE_ENEMY for w in words.lower().split())
        side = enemy if enemy_named else _nearest_side(words, m.group("p") is not None)
        if side:
            return side, "military" if OWNER_MILITARY.search(words) else "unknown"
    return None, "unknown"


def _nearest_side(words: str, after: bool) -> str | None:
    """The side named nearest the verb: the last words before it ("Ukraine's General Staff
    said Russia had lost" -> russia), or the first after "losses of"."""
    tokens = words.split()
    spans = (
        (tokens[: k + 1] for k in range(len(tokens)))
        if after
        else (tokens[k:] for k in range(len(tokens) - 1, -1, -1))
    )
    return next((side for span in spans if (side := words_side(" ".join(span)))), None)


def claimant_side(claimant: str | None) -> str | None:
    """The side a claimant speaks for (None for the UN, foreign governments, the press); a
    raw claimant's own words name it when it is a party ("Ukraine Health Ministry")."""
    entry = claimant_entry(claimant)
    if entry is not None:
        return entry.side
    if claimant and speaks_for_a_side(claimant):
        side = words_side(claimant)
        # a third country's officials speak of this war's dead, rarely of their own
        return side if side in war_parties() else None
    return None


def enemy_side(claimant: str | None) -> str:
    """Whose people "the enemy" are: the claimant's other side; Russia when nobody is named."""
    entry = claimant_entry(claimant)
    return opposite(entry.side) if entry is not None and entry.side else "russia"


# --- group --------------------------------------------------------------------------------


def np_group(lows: list[str], np: list[int]) -> str:
    """Group named by a noun phrase: its last people noun (with a force word just before
    it) decides, then force words."""
    words = [possessive_stem(lows[k]) or lows[k] for k in np]  # "a driver's body"
    if any(w in CIVILIAN_WORDS for w in words):
        return "civilian"
    for i in range(len(words) - 1, -1, -1):
        if words[i] in MILITARY_NOUNS:
            return "military"
        if words[i] in CIVILIAN_NOUNS:
            # "military man", "army medic": a force word before the person makes them military
            return "military" if i and words[i - 1] in FORCE_WORDS else "civilian"
    if any(w in MILITARY_WORDS for w in words):
        return "military"
    if any(w in MILITARY_TITLES for w in words):
        return "military"
    return "unknown"


def _group_previous_figure(c: Cues, side: str | None) -> str | None:
    """ "Two Ukrainian soldiers killed, 8 wounded": the 8 are soldiers too."""
    return c.prev.group if c.prev is not None and not c.names_people() else None


def _group_occupier_words(c: Cues, side: str | None) -> str | None:
    """ "invaders", "occupiers", "militia" with a known side are military."""
    lows = c.sentence.lows
    if side and any(lows[k] in OCCUPIER_WORDS for k in c.fig.np):
        return "military"
    return None


def _group_owner(c: Cues, side: str | None) -> str | None:
    """ "the Ukrainian army lost 40", "Losses of the Armed Forces amounted to 55 people"."""
    if c.fig.kind == "killed_or_injured" and c.sentence.owner_group != "unknown":
        return c.sentence.owner_group
    return None


def _group_in_action(c: Cues, side: str | None) -> str | None:
    """ "Two KIA, nine WIA": killed or wounded in action are soldiers."""
    lows = c.sentence.lows
    return "military" if lows[c.fig.last] in IN_ACTION else None


def _group_nationals_in_fighting(c: Cues, side: str | None) -> str | None:
    """ "13 Ukrainians killed in clash with separatists": a side's people named only by
    their nationality, dead in fighting between armed men, are its soldiers."""
    lows = c.sentence.lows
    named = [lows[k] for k in c.fig.np if lows[k] in PEOPLE]
    if side and c.sentence.fighting and named and all(w in SIDE_WORDS for w in named):
        return "military"
    return None


def _group_enemy_verb(c: Cues, side: str | None) -> str | None:
    """ "46 Russians eliminated", "destroyed up to 80 militants": the verbs of the defence
    ministries' reports count the enemy's fighters."""
    return "military" if c.fig.enemy_verb else None


GroupRule = Callable[[Cues, "str | None"], "str | None"]
GROUP_RULES: tuple[tuple[str, GroupRule], ...] = (
    ("previous_figure", _group_previous_figure),
    ("occupier_words", _group_occupier_words),
    ("owner", _group_owner),
    ("in_action", _group_in_action),
    ("nationals_in_fighting", _group_nationals_in_fighting),
    ("enemy_verb", _group_enemy_verb),
)


def resolve_group(c: Cues, side: str | None) -> str:
    """The noun phrase's group, else the first known group a rule of ``GROUP_RULES`` finds."""
    group = c.group
    for _, rule in GROUP_RULES:
        if group != "unknown":
            break
        group = rule(c, side) or group
    return group


# --- per and period -----------------------------------------------------------------------


# How far a figure's clause reaches, in words, when no clause mark ends it sooner: behind it,
# the subject; ahead, its time and place ("... killed in Donbas since the start of the
# full-scale invasion in February 2022"). Bounded, so a text without punctuation costs each
# figure a fixed amount, not the length of its window.
CLAUSE_BEHIND = 12
CLAUSE_AHEAD = 40


def clause(toks: list[Token], lows: list[str], fig: Figure, s0: int) -> tuple[int, int]:
    """Character span (sentence-relative) of the clause around a figure."""
    a = fig.first
    stop = max(0, fig.first - CLAUSE_BEHIND)
    while a > stop and lows[a - 1] not in CLAUSE_END:
        a -= 1
    b = fig.last
    stop = min(len(lows) - 1, fig.last + CLAUSE_AHEAD)
    while b < stop and lows[b + 1] not in CLAUSE_END:
        b += 1
    return toks[a].start - s0, toks[b].end - s0


def per_cue(span: str) -> str | None:
    """The period a span's wording gives: "daily", "a month", "in total"."""
    if PER_EVENT.search(span):
        return "event"
    if PER_DAY.search(span):
        return "day"
    month = PER_MONTH.search(span)
    if month and not MONTH_START_BEFORE.search(span, 0, month.start()):
        return "month"
    if PER_TOTAL.search(span):
        return "total"
    return None


def shared_in_lists(figs: list[Figure], values: list, lows: list[str], missing=None) -> list:
    """Figures listed together share what the list says once, at its end: the per cue or the
    date of "1 killed, 2 injured in Donbas on July 10 over the past day"."""
    shared = list(values)
    for i in range(len(figs) - 2, -1, -1):
        between = lows[figs[i].last + 1 : figs[i + 1].first]
        if (
            shared[i] == missing
            and shared[i + 1] != missing
            and len(between) <= 4
            and set(between) <= LIST_FILLERS
        ):
            shared[i] = shared[i + 1]
    return shared


def resolve_per(sentence: str, span: tuple[int, int], local: str | None) -> str | None:
    """The clause's own cue, else one just around it ("During the day, ..."), else None."""
    a, b = span
    return local or per_cue(sentence[max(0, a - PER_REACH[0]) : b + PER_REACH[1]])


def unmarked_per(fig: Figure, period: tuple[date | None, date | None]) -> str:
    """The per of a figure whose wording names none: a day's or a month's figure when its
    period is one ("1 soldier killed in Donbas on July 15", "In March, 1,200 civilians were
    killed"), a running total when it is large, else one event."""
    start, end = period
    large = fig.value is not None and fig.value >= CUMULATIVE_FROM
    if start is not None and start == end and not large:
        return "day"
    if start is not None and end is not None and start.day == 1 and (end - start).days >= 27:
        return "month"
    if fig.value is not None and fig.value >= CUMULATIVE_FROM:
        return "total"
    return "event"


def resolve_period(
    dates: list[tuple[int, int, date, date, str]],
    span: tuple[int, int],
    per: str | None,
    alone: bool,
) -> tuple[date | None, date | None]:
    """The clause's day or month, else (for the sentence's only figure, not a daily one) the
    sentence's. ``dates`` are the sentence's dates from :func:`dates.dates_in`, so a figure's
    period is the day the timeline shows for the same words."""
    a, b = span
    inside = [d for d in dates if d[4] in PERIOD_PRECISIONS and a <= d[0] and d[1] <= b]
    if not inside and per != "day" and alone:
        inside = [d for d in dates if d[4] in PERIOD_PRECISIONS]
    return (inside[0][2], inside[0][3]) if inside else (None, None)


# A figure's period is a day or a month; a year or a multi-year range is background.
PERIOD_PRECISIONS = ("day", "month")


# --- claimant -----------------------------------------------------------------------------

# ", Kahl said," between a subject and its verb: "Russia, Kahl said, has had 70,000 casualties".
SAID_ASIDE = re.compile(r",\s*[A-Z][\w.'’ \-]{1,40}?\s+(?:said|says|added|noted|claimed),")
# Left over at the end of a headline by the list it stood in, or by a post.
TRAILING_JOINERS = " ;-–—"
HASHTAGS = re.compile(r"(?:[\s;]*#\w+)+\s*$")
CLAIM_PATTERNS = (
    CLAIM_ACCORDING,
    CLAIM_TAIL,
    CLAIM_VERB_AFTER,
    CLAIM_VERB_BEFORE,
    CLAIM_COLON,
    CLAIM_TOLL_SUBJECT,
)


def clean_claimant(who: str) -> str | None:
    """A claimant without quotes, leading "and", trailing "on Monday"; None when it is no name."""
    who = _without_symbols(who.strip(" .,'\"“”"))
    who = CLAIM_LEAD.sub("", who).strip()
    who = CLAIM_TRAIL.sub("", who).strip()
    if not who or len(who.split()) > 9 or CLAIM_BAD.search(who):
        return None
    return who


def _without_symbols(who: str) -> str:
    """ "WarMonitor🇺🇦" -> "WarMonitor": emoji and flags an account adds to its name."""
    while who and unicodedata.category(who[-1])[0] in "SC":
        who = who[:-1]
    return who.rstrip()


def is_dateline(who: str) -> bool:
    """ "Kyiv: one killed" names a place, not who says so ("Basurin: ..." does)."""
    entry = load_gazetteer().phrases.get(who)
    return entry is not None and entry.kind in ("place", "country")


# A lower-case speaker closing a headline: "..., witnesses say", "..., prosecutor general says".
CLOSING_SPEAKER_WORDS = 4


def _closing_speaker(sentence: str, m: re.Match, who: str) -> bool:
    return (
        m.start() > 0
        and not sentence[m.end() :].strip(" .")
        and (len(who.split()) <= CLOSING_SPEAKER_WORDS)
    )


def claimant_of(sentence: str) -> str | None:
    """Who states the figures of a sentence: "according to X", "X said", "..., X reports".

    The first phrase that names a speaker ("autopsy shows ..., attorney says": the
    attorney); failing that, the first phrase found (kept raw, with no canonical name)."""
    # "... - JFO HQ;-" ends a headline list; "...;#WarinUkraine" a post
    sentence = HASHTAGS.sub("", sentence).rstrip(TRAILING_JOINERS)
    phrases = _claim_phrases(sentence)
    first = next(phrases, None)
    if first is None or canonical_claimant(first) is not None:
        return first
    return next((who for who in phrases if canonical_claimant(who) is not None), first)


def _claim_phrases(sentence: str) -> Iterator[str]:
    """Every phrase the claim patterns find, in the order of :data:`CLAIM_PATTERNS`."""
    for rx in CLAIM_PATTERNS:
        for m in rx.finditer(sentence):
            who = next((g for g in m.groups() if g), None)
            if not who:
                continue
            if rx is CLAIM_VERB_AFTER:
                who = CLAIM_SUBJECT.sub("", who)
            who = clean_claimant(who)
            if who is None:
                continue
            if rx is CLAIM_COLON and (is_dateline(who) or not names_a_known_speaker(who)):
                continue  # "Kyiv: ..." is where; "Escalation in Donbas: ..." a topic
            if rx is CLAIM_VERB_AFTER and not (
                who[0].isupper()
                or who.lower().startswith(CLAIMANT_OPENINGS)
                or ends_with_a_speaker(who)
                or _closing_speaker(sentence, m, who)
            ):
                continue
            yield who
