"""Phrase shapes: where a number (or one person) is tied to a casualty word in a sentence.

Each matcher works on the tokens of one sentence (``toks``, their lower-cased ``lows``) and
returns :class:`Figure` objects whose positions are token indices; attributes (side, group,
per, claimant) are added later by :mod:`.attributes`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dashboard.extractors.dates import MONTH_NUMBER
from dashboard.extractors.gazetteer import load_gazetteer
from dashboard.extractors.numbers import Number, Token, read_number

from .sides import PLACE_WORDS, side_of_token
from .vocabulary import (
    ACTIVE_MANNER_TAIL,
    ACTIVE_MANNER_VERBS,
    ACTIVE_MANNER_WORDS,
    ACTIVE_OBJECTS,
    ADJECTIVE_AFTER,
    AGE_AFTER,
    AGE_SUFFIXES,
    AGE_WORDS,
    AGENT_VERBS,
    ANIMALS,
    APPOSITION_STOP,
    ARTICLES,
    AUX,
    BACKWARD_KIND,
    BACKWARD_PEOPLE,
    BODIES_AS_ORGANISATIONS,
    BODY_NOT_AFTER,
    BODY_NOUNS,
    CLAIM_VERB_WORDS,
    CLAUSE_END,
    CLAUSE_END_STRONG,
    CONJUNCTIONS,
    DEAD_COMPOUNDS_FORWARD,
    DEAD_COMPOUNDS_SINGULAR,
    DEAD_WORDS,
    DEADLY_WOUND_NOUNS,
    DEADLY_WOUND_TAILS,
    DEATH_COMPOUNDS,
    DEATH_OF,
    DEATH_VERBS,
    DEATH_WISHES,
    DIE_WORDS,
    ENEMY_VERBS,
    EXCHANGE_AFTER,
    FAMILY_KILLING,
    FATAL_ADVERBS,
    FATAL_VERBS,
    FATAL_WOUND_ADJECTIVES,
    FILLER,
    FORWARD_KIND,
    HEDGE_ONE,
    HEDGE_THREE_FIRST,
    HEDGE_THREE_LAST,
    HEDGE_TWO,
    HYPOTHETICAL,
    INCLUDING,
    INCLUDING_WORDS,
    KIND_JOINERS,
    KIND_NOUNS,
    LIST_JOINERS,
    LIVES,
    LOCATIVES,
    LOOSE_END,
    LOST_NOT_END,
    LOST_WORDS,
    MANNER_TAILS,
    MANNER_VERBS,
    MAX_AGE,
    MEMBER_JOINERS,
    MILITARY_TITLES,
    MODIFIERS,
    NAMED_DEATH_OF,
    NAMED_OBJECT_VERBS,
    NEEDS_PEOPLE,
    NEGATIONS,
    NOISE_AFTER,
    NOISE_BEFORE,
    NOT_ATTACKER_AFTER,
    NOT_NOUN_ADJUNCTS,
    NOT_ONE,
    NOT_PEOPLE_AFTER,
    NOT_YET,
    NOUN_ADJUNCTS,
    NUMBER_STARTS,
    NUMBER_WORDS,
    NUMBERS_ABOVE_ONE,
    OBJECT_DETERMINERS,
    OBJECT_OF_END,
    OBJECT_OF_PRONOUNS,
    OF_DEATH,
    OF_DEATH_DETERMINERS,
    OF_KIND,
    OF_PRONOUNS,
    ONE_MORE,
    ONE_MORE_AFTER,
    ORDINAL_SUFFIXES,
    ORDINALS,
    ORIGIN_PREPOSITIONS,
    PARTICIPLE_JOINERS,
    PARTITIVE_DETERMINERS,
    PASSIVE_AUX,
    PEOPLE,
    PEOPLE_JOINERS,
    PERSON_JOINERS,
    PERSON_LIST_END,
    PLACE_NOUNS,
    POSSESSIVE_TAILS,
    PRISONER_WORDS,
    READ_AS_ONE,
    RELATIVE_PRONOUNS,
    RELATIVE_WORDS,
    SENTENCE_END,
    SIDE_COUNTRIES,
    SIDE_PLACES,
    SIDE_WORDS,
    SINGULAR,
    SINGULAR_BE,
    SINGULAR_DETERMINERS,
    SINGULAR_KIND,
    SINGULAR_NOUNS,
    SINGULAR_PRONOUNS,
    SUBJECT_OPENERS,
    TAKE_VERBS,
    TAKEN,
    TAKEN_INTO,
    TAKEN_PEOPLE_WORDS,
    TARGET_PREPOSITIONS,
    TIME_WORDS,
    TITLES,
    TOLL_KILLED_BEFORE,
    TOLL_KIND,
    TOLL_NUMBER,
    TOLL_VERB,
    VERB_JOINERS,
    WOUND_ADJECTIVES,
    WOUND_VERBS,
    YEAR_BEFORE,
    possessive_stem,
)


@dataclass(slots=True)
class Figure:
    """A figure while it is being built (positions are token indices)."""

    value: int | None
    value_max: int | None
    kind: str
    first: int  # first token of the figure
    last: int  # last token of the figure
    np: list[int] = field(default_factory=list)  # token indices naming the people
    approx: bool = False  # hedged: "about", "at least", "as many as"
    inherit: bool = False  # "another wounded": takes its people from the figure before
    singular: bool = False  # one person, from the "a woman died" shape
    agent_subject: str | None = None  # side of the subject of an active verb ("Russians killed")
    possessor: str | None = None  # side owning an aggregate noun ("Russian losses amounted to")
    enemy_verb: bool = False  # a verb only an enemy's losses take ("eliminated", "destroyed")
    noun: int | None = None  # the aggregate noun of a toll ("daily number", "losses")


def reworded(lows: list[str]) -> list[str]:
    """The words as the shapes read them: a wound said to be deadly is a death ("fatally
    shot", "injuries incompatible with life", "shot to death" read as "killed"), an active
    manner verb with its victim before "to death" kills ("stabs a clerk to death": "kills a
    clerk"), and a phrase of several words is one (``READ_AS_ONE``: "prisoners of war",
    "death count" as a toll, "took his own life" as "died"). The quote keeps the text's own
    words."""
    out = list(lows)
    for i in range(len(out)):
        for words, word in READ_AS_ONE.get(out[i], ()):
            if out[i : i + len(words)] == words:
                out[i : i + len(words)] = [word] + [FILLER] * (len(words) - 1)
                break
    for i in range(len(out) - 1):
        if out[i] in FATAL_ADVERBS and out[i + 1] in FATAL_VERBS:
            out[i + 1] = "killed"
        elif out[i] in MANNER_VERBS and any(out[i + 1 : i + 1 + len(t)] == t for t in MANNER_TAILS):
            out[i] = "killed"
        elif out[i] in DEADLY_WOUND_NOUNS and any(
            out[i + 1 : i + 1 + len(t)] == t for t in DEADLY_WOUND_TAILS
        ):
            out[i] = "killed"
        elif out[i] in WOUND_VERBS and (noun := _wounds_taken(out, i)) is not None:
            fatal = any(w in FATAL_WOUND_ADJECTIVES for w in out[i + 1 : noun])
            out[i : noun + 1] = ["killed" if fatal else "injured"] + [FILLER] * (noun - i)
        elif out[i] in TAKE_VERBS and (into := _taken_into(out, i)) is not None:
            out[i], out[into] = "captured", FILLER  # "took 20 soldiers prisoner"
        elif out[i] in ACTIVE_MANNER_VERBS:
            tail = _active_manner_tail(out, i)
            if tail is not None:  # "stabs a clerk to death": "kills a clerk"
                out[i] = "kills"
                out[tail : tail + len(ACTIVE_MANNER_TAIL)] = [FILLER] * len(ACTIVE_MANNER_TAIL)
    return out


def _taken_into(lows: list[str], i: int) -> int | None:
    """Where "prisoner" stands after the people of a number the verb at ``i`` takes ("took
    20 Russian soldiers prisoner"), within the clause; None when it does not (one person
    taken prisoner is read as such: "take their commander prisoner")."""
    for k in range(i + 2, min(i + 2 + TAKEN_PEOPLE_WORDS, len(lows))):
        if lows[k] in CLAUSE_END or lows[k] in SENTENCE_END:
            return None
        if lows[k] in TAKEN_INTO and lows[k - 1] in PEOPLE:
            counted = any(w[0].isdigit() or w in NUMBER_STARTS for w in lows[i + 1 : k])
            return k if counted else None
    return None


def _wounds_taken(lows: list[str], i: int) -> int | None:
    """Where the wounds the verb at ``i`` takes stand ("suffered shrapnel wounds"); None
    when there are none, or they are deadly ("wounds incompatible with life")."""
    for k in range(i + 1, min(i + 2 + WOUND_ADJECTIVES, len(lows))):
        if lows[k] in DEADLY_WOUND_NOUNS:
            deadly = any(lows[k + 1 : k + 1 + len(t)] == t for t in DEADLY_WOUND_TAILS)
            return None if deadly else k
        if not lows[k].isalpha() or lows[k] in NOT_NOUN_ADJUNCTS:
            return None
    return None


def _active_manner_tail(lows: list[str], i: int) -> int | None:
    """Where "to death" closes the victim of the manner verb at ``i`` in the same clause."""
    size = len(ACTIVE_MANNER_TAIL)
    for t in range(i + 2, min(len(lows) - size + 1, i + 2 + ACTIVE_MANNER_WORDS)):
        if lows[t] in CLAUSE_END:
            return None
        if lows[t : t + size] == ACTIVE_MANNER_TAIL:
            return t
    return None


def number_figure(lows: list[str], num: Number, kind: str, last: int, np: list[int]) -> Figure:
    """A figure of the number ``num``, hedged when a hedge stands before it."""
    return Figure(
        value=num.value,
        value_max=num.value_max,
        kind=kind,
        first=num.first,
        last=last,
        np=np,
        approx=hedged(lows, num.first) or lows[num.stop - 1] == "+",  # "30k+"
    )


# --- numbers that are not figures ---------------------------------------------------------


def is_noise(toks: list[Token], lows: list[str], num: Number) -> bool:
    """Numbers that are never figures: years, percentages, money, clock times, "no one"."""
    i, j = num.first, num.stop
    nxt = lows[j] if j < len(lows) else ""
    prev = lows[i - 1] if i > 0 else ""
    if nxt in NOISE_AFTER or prev in NOISE_BEFORE:
        return True
    if after_age_word(lows, i):
        return True
    month = i - 2 if i >= 2 and lows[i - 1] == "." else i - 1  # "Sept. 2"
    if month >= 0 and _day_of_month(toks[month].text, lows[i], num):
        return True  # "March 19 shows bodies": a date
    if lows[i] in ARTICLES and num.value == 1:
        return True
    if _a_ratio(lows, j) or i >= 2 and _a_ratio(lows, i - 1) and _is_number(lows[i - 2]):
        return True  # "1 in 8 US deaths": a share, not a count
    if lows[i].isdigit() and len(lows[i]) == 4 and 1800 <= num.value <= 2100 and num.stop == i + 1:
        # a year unless people follow ("2014 soldiers" is rare but real, "the deaths of 1900
        # civilians"); a casualty word after it only after a preposition ("killed by a drunk
        # driver in 2015 dies by suicide")
        return nxt not in PEOPLE and (prev in YEAR_BEFORE or nxt not in FORWARD_KIND)
    return False


def _day_of_month(month: str, word: str, num: Number) -> bool:
    """A day after a capitalised month name: "March 19", "Sept. 2" (the month's word)."""
    return (
        month[:1].isupper()
        and month.lower() in MONTH_NUMBER
        and word.isdigit()
        and 1 <= (num.value or 0) <= 31
    )


def _a_ratio(lows: list[str], j: int) -> bool:
    """ "in" and a number after a number (at ``j``), then whom it shares out: "1 in 8 US
    deaths", "one in five soldiers" (not "killed 3 in 2 villages")."""
    if j + 2 >= len(lows) or lows[j] != "in" or not _is_number(lows[j + 1]):
        return False
    return any(w in PEOPLE or w in TOLL_KIND for w in lows[j + 2 : j + 4])


def _is_number(word: str) -> bool:
    return word[:1].isdigit() or word in NUMBER_WORDS


def after_age_word(lows: list[str], i: int) -> bool:
    """True when the number at ``i`` ends a list of numbers that follows "aged"."""
    k = i - 1
    while (
        k >= 1
        and lows[k] in LIST_JOINERS
        and (lows[k - 1].isdigit() or lows[k - 1] in NUMBER_STARTS)
    ):
        k -= 2
    return k >= 0 and lows[k] in AGE_WORDS


def skip_ages(lows: list[str], k: int, numbers: dict[int, Number]) -> int:
    """Step over ", aged 50 and 48," after the people of a figure."""
    n = len(lows)
    j = k + 1 if k < n and lows[k] == "," else k
    if j >= n or lows[j] not in AGE_WORDS or not numbers.get(j + 1):
        return k
    j = numbers[j + 1].stop
    while j + 1 < n and lows[j] in LIST_JOINERS and numbers.get(j + 1):
        j = numbers[j + 1].stop
    return j + 1 if j < n and lows[j] == "," else j


def before_ages(lows: list[str], j: int) -> int:
    """Step back over "[,] aged 67 [,]" or ", 24," that ends at ``j`` ("a woman aged 67 was
    injured", "driver, 24, dies")."""
    k = j - 1 if j >= 0 and lows[j] == "," else j

    def is_number(x: int) -> bool:
        return x >= 0 and (lows[x].isdigit() or lows[x] in NUMBER_WORDS)

    if not is_number(k):
        return j
    while k >= 2 and lows[k - 1] in LIST_JOINERS and is_number(k - 2):
        k -= 2
    if k >= 1 and lows[k - 1] in AGE_WORDS:
        k -= 2
        return k - 1 if k >= 0 and lows[k] == "," else k
    if k >= 2 and k < j and lows[k - 1] == "," and lows[k].isdigit() and int(lows[k]) <= MAX_AGE:
        return k - 2  # "UPS driver, 24, collapses and dies": an age between commas
    return j


def hedged(lows: list[str], i: int) -> bool:
    """A hedge ends just before token ``i``: "about", "at least", "as many as"."""
    if i >= 1 and lows[i - 1] in HEDGE_ONE:
        return True
    if i >= 2 and (lows[i - 2], lows[i - 1]) in HEDGE_TWO:
        return True
    if i >= 3 and lows[i - 3] in HEDGE_THREE_FIRST and lows[i - 1] in HEDGE_THREE_LAST:
        return True
    return False


def hedge_start(lows: list[str], i: int) -> int:
    """First token of the hedge before a hedged number at ``i``."""
    return i - (2 if (i >= 2 and (lows[i - 2], lows[i - 1]) in HEDGE_TWO) else 1)


# --- kinds --------------------------------------------------------------------------------


def kind_run(lows: list[str], k: int, table: dict[str, str]) -> tuple[str, int] | None:
    """A casualty word at ``k``, with "killed or injured"-style runs merged; (kind, last index)."""
    if k >= len(lows) or lows[k] not in table:
        return None
    kinds = {table[lows[k]]}
    last = k
    j = k + 1
    while j + 1 < len(lows) and lows[j] in KIND_JOINERS:
        step = j + 1
        if lows[step] in CONJUNCTIONS:
            step += 1
        while step < len(lows) and lows[step] in AUX and lows[step] not in FORWARD_KIND:
            step += 1  # "died or been wounded"
        if step < len(lows) and lows[step] in FORWARD_KIND:
            nxt = lows[step + 1] if step + 1 < len(lows) else ""
            if nxt[:1].isdigit() or nxt in NUMBER_STARTS:
                break  # "left two dead and injured three more": a verb with its own count
            kinds.add(FORWARD_KIND[lows[step]])
            last = step
            j = step + 1
        else:
            break
    return merge_kinds(kinds), last


def merge_kinds(kinds: set[str]) -> str:
    if len(kinds) == 1:
        return next(iter(kinds))
    if kinds & {"killed", "injured", "killed_or_injured"}:
        return "killed_or_injured"
    return sorted(kinds)[0]


def backward_run(lows: list[str], j: int, kind: str) -> str:
    """ "killed, injured or captured N": merge the verbs before the one next to N."""
    kinds = {kind}
    k = j - 1
    while k >= 1 and lows[k] in VERB_JOINERS:
        k -= 1
        if lows[k] == ",":
            k -= 1
        word = lows[k]
        before = lows[k - 1] if k >= 1 else ""
        if before in PEOPLE or before[:1].isdigit() or before in NUMBER_WORDS:
            break  # "left two people dead and injured three more": "dead" ends a figure
        if word in BACKWARD_KIND:
            kinds.add(BACKWARD_KIND[word])
        elif word in FORWARD_KIND:
            kinds.add(FORWARD_KIND[word])
        else:
            break
        k -= 1
    return merge_kinds(kinds)


# --- forward: N [people] [aux] KIND -------------------------------------------------------


def forward(
    toks: list[Token], lows: list[str], num: Number, numbers: dict[int, Number], pending: list
) -> Figure | None:
    """``N [of them] [modifiers] [people] [aux] KIND``."""
    n = len(lows)
    k = num.stop
    np: list[int] = []
    if k + 1 < n and lows[k] == "of" and lows[k + 1] in OF_PRONOUNS:
        np.append(k + 1)
        k += 2
    elif k + 1 < n and lows[k] == "of" and toks[k + 1].text[:1].isupper():
        k += 1  # "Twelve of Putin's officers are killed": a partitive of named people
    elif k + 2 < n and lows[k] == "of" and lows[k + 1] in PARTITIVE_DETERMINERS:
        if lows[k + 2] in FORWARD_KIND:
            return None  # "one of the wounded later died", "one of the dead was a child"
        k += 2  # "One of the medics was killed", "two of our soldiers died"
    k = _forward_modifiers(toks, lows, k, np)
    k, has_people = _forward_people(lows, k, np, numbers)
    if has_people:
        k = _after_aside(lows, _skip_place(toks, lows, skip_ages(lows, k, numbers)))
    k = _after_including(lows, k)
    aux, fatal = 0, False
    while k < n and aux < 4 and _aux(lows, k):
        if lows[k] in NEGATIONS:
            return None
        fatal = fatal or lows[k] in FATAL_ADVERBS
        k += 1
        aux += 1
    if k < n and lows[k] in NEGATIONS:
        return None
    if has_people and aux and k + 2 < n and lows[k] == "among" and lows[k + 1] in ("the", "those"):
        k += 2  # "Two policemen were among the dead"
    run = kind_run(lows, k, FORWARD_KIND)
    if run is None:
        # A list member waiting for the kind of what follows: "Two Ukrainian officers, two rebels killed"
        if has_people and k + 1 < n and lows[k] in MEMBER_JOINERS:
            pending.append((num, np, k + 1))
        return None
    kind, last = run
    if _not_forward(lows, k, num, has_people, aux):
        return None
    enemy_verb = lows[k] in ENEMY_VERBS
    if fatal and kind == "injured":  # "fatally wounded"
        kind = "killed"
    if lows[k] == "lost" and lows[k + 1 : k + 3] in LIVES:
        kind, last = "killed", k + (2 if lows[k + 1] == "their" else 1)
    while last + 1 < n and lows[last + 1] in PEOPLE and not np:
        last += 1  # "2 dead civilians": the people after the casualty adjective
        np.append(last)
    fig = number_figure(lows, num, kind, last, np)
    fig.enemy_verb = enemy_verb
    return fig


def _after_including(lows: list[str], k: int) -> int:
    """Step over ", including two children," between a number and its casualty word ("13
    including two children, killed"); the part is a figure of its own (:func:`including`)."""
    if k >= len(lows) or lows[k] not in INCLUDING:
        return k
    for j in range(k + 1, min(len(lows), k + 1 + INCLUDING_WORDS)):
        if lows[j] == ",":
            return j + 1
    return k


def _skip_place(toks: list[Token], lows: list[str], k: int) -> int:
    """Step over "in Donetsk republic", "from Lviv" between the people and their casualty
    word."""
    if (
        k + 1 >= len(lows)
        or lows[k] not in ORIGIN_PREPOSITIONS
        or not toks[k + 1].text[:1].isupper()
    ):
        return k
    j = k + 1
    while j < len(lows) and j - k <= 3 and (toks[j].text[:1].isupper() or lows[j] in PLACE_NOUNS):
        j += 1
    return j if j < len(lows) and (lows[j] in FORWARD_KIND or lows[j] in AUX) else k


def _forward_modifiers(toks: list[Token], lows: list[str], k: int, np: list[int]) -> int:
    """Step over up to four modifiers or capitalised words before the people noun."""
    n = len(lows)
    skipped = 0
    while (
        k < n
        and skipped < 4
        and (lows[k] not in PEOPLE or _nationality_before_noun(lows, k))
        and (lows[k] not in FORWARD_KIND or _adjective(lows, k))
        and (
            lows[k] in MODIFIERS
            or (toks[k].text[:1].isupper() and lows[k] not in AUX)
            or _adjunct_before_noun(lows, k)
        )
    ):
        np.append(k)
        k += 1
        skipped += 1
    return k


def _adjunct_before_noun(lows: list[str], k: int) -> bool:
    """A plain word among up to NOUN_ADJUNCTS before a people or casualty noun: "46 trans
    people", "40 transgender Americans", "28 assisted deaths", "15 overdose deaths"."""
    for j in range(k, min(k + NOUN_ADJUNCTS, len(lows))):
        w = lows[j]
        if w in PEOPLE or w in KIND_NOUNS:
            return j > k
        if not w.isalpha() or w in NOT_NOUN_ADJUNCTS or w in AUX or w in TIME_WORDS:
            return False
        if w in FORWARD_KIND or w in NOISE_AFTER or w in ANIMALS:
            return False
    return False


def _nationality_before_noun(lows: list[str], k: int) -> bool:
    """ "Ukrainian" in "two Ukrainian security service colonels": an adjective, not the people."""
    nxt = lows[k + 1] if k + 1 < len(lows) else ""
    return lows[k] in SIDE_WORDS and nxt in MODIFIERS and nxt not in PEOPLE


def _adjective(lows: list[str], k: int) -> bool:
    """A casualty word before people who get another one: "Two wounded soldiers die"."""
    j = k + 1
    while j < len(lows) and j - k <= 3 and lows[j] in MODIFIERS and lows[j] not in PEOPLE:
        j += 1
    if j >= len(lows) or lows[j] not in PEOPLE:
        return False
    while j < len(lows) and (lows[j] in PEOPLE or lows[j] in AUX):
        j += 1
    return j < len(lows) and lows[j] in FORWARD_KIND


def _forward_people(
    lows: list[str], k: int, np: list[int], numbers: dict[int, Number]
) -> tuple[int, bool]:
    """Step over the people nouns (and what they govern); (next index, any people)."""
    n = len(lows)
    has_people = False
    while k < n and lows[k] in PEOPLE:
        has_people = True
        np.append(k)
        k += 1
        # "athletes and coaches", "soldiers of the Armed Forces of Ukraine"
        if (
            k + 1 < n
            and lows[k] in PEOPLE_JOINERS
            and lows[k + 1] in PEOPLE
            and (lows[k] != "," or lows[k + 1] not in SINGULAR)  # "militants, civilian killed"
            and (k + 2 >= n or lows[k + 2] not in PEOPLE_JOINERS)
        ):
            k += 1
            continue
        if k + 1 < n and lows[k] == "," and lows[k + 1] == "including":
            k += 1  # "198 civilians, including three children, had been killed"
        if k < n and lows[k] == "including":  # "Five civilians including two children die"
            e = k + 1
            while e < n and e - k <= 5 and lows[e] not in FORWARD_KIND and lows[e] not in AUX:
                e += 1
            if e < n and lows[e] == ",":
                e += 1
            if e < n and (lows[e] in FORWARD_KIND or lows[e] in AUX) and e - k > 1:
                k = e
            break
        if k < n and lows[k] == "of" and not (k + 1 < n and numbers.get(k + 1)):
            j = k + 1
            while (
                j < n and j - k <= 6 and lows[j] not in FORWARD_KIND and lows[j] not in CLAUSE_END
            ):
                j += 1
            if j < n and lows[j] in FORWARD_KIND:
                np.extend(range(k + 1, j))
                k = j
            break
    return k, has_people


def _aux(lows: list[str], k: int) -> bool:
    """A word between the people and their casualty word: "were", "reported", or a comma
    right before it ("Five troops, 19 civilians, killed")."""
    if lows[k] in FORWARD_KIND:
        return False
    return lows[k] in AUX or lows[k] == "," and _comma_before_kind(lows, k)


def _comma_before_kind(lows: list[str], k: int) -> bool:
    """ "Five troops, 19 civilians, killed": the comma closes a list of people before its
    verb; not "14,000 people, injured at least 30,000", where the verb has its own object."""
    nxt = lows[k + 2] if k + 2 < len(lows) else ""
    return (
        k + 1 < len(lows)
        and lows[k + 1] in FORWARD_KIND
        and lows[k - 1] in PEOPLE
        and not (nxt[:1].isdigit() or nxt in HEDGE_ONE or nxt in NUMBER_STARTS)
        and (lows[k + 2 : k + 4] == [] or tuple(lows[k + 2 : k + 4]) not in HEDGE_TWO)
    )


def _lost_alone(lows: list[str], k: int) -> bool:
    """ "120 servicemen lost in a day", "300 soldiers lost their lives": nothing else lost."""
    after = lows[k + 1 : k + 3]
    return after[0] in LOOSE_END and after[0] not in LOST_NOT_END or after in LIVES


def _with_object(lows: list[str], k: int) -> bool:
    """The casualty verb at ``k`` takes people as its object: "killed (three) civilians"."""
    j = k + 1
    if j < len(lows) and (lows[j][0].isdigit() or lows[j] in NUMBER_STARTS):
        j += 1
    after = lows[j + 1] if j + 1 < len(lows) else ""
    # not "two soldiers wounded three civilians killed", a list without commas
    return j < len(lows) and lows[j] in PEOPLE and after not in FORWARD_KIND


def _not_forward(lows: list[str], k: int, num: Number, has_people: bool, aux: int) -> bool:
    """Casualty words at ``k`` that do not make a figure in this context."""
    n = len(lows)
    word = lows[k]
    nxt = lows[k + 1] if k + 1 < n else None
    if word in NEEDS_PEOPLE and not has_people and not _listed_after_people(lows, num):
        return True
    if word in LOST_WORDS and nxt is not None and not _lost_alone(lows, k):
        return True  # "46,000 people have lost $1 billion", "20 soldiers lost their way"
    if word in DEAD_WORDS and nxt in DEAD_COMPOUNDS_FORWARD:
        return True
    if word == "bodies" and nxt in BODIES_AS_ORGANISATIONS:
        return True  # "three Russian bodies linked to the programme": organisations
    if aux == 0 and has_people and _with_object(lows, k):
        return True  # "Two Russian soldiers killed three civilians": they killed
    if word in DIE_WORDS and aux == 0 and not has_people:
        return True  # "one die", "the two die" are rare; "a dice" ...
    if word in SINGULAR_NOUNS and num.value > 1 and lows[k - 1] not in TAKEN:
        # singular nouns after a plural number are compounds: "5 death camps", "3 injury cases"
        return True
    return word in PRISONER_WORDS and nxt in EXCHANGE_AFTER


def _listed_after_people(lows: list[str], num: Number) -> bool:
    """The number follows a figure of named people in a list: "15 Armenians killed, 12
    captured" (the 12 are Armenians too)."""
    j = num.first - 1
    if j < 1 or lows[j] not in MEMBER_JOINERS or lows[j - 1] not in FORWARD_KIND:
        return False
    return any(w in PEOPLE for w in lows[max(0, j - 5) : j - 1])


# The dashes that close a headline before its source ("... kills three civilians - army").
HEADLINE_DASHES = frozenset("-–—")


# --- backward: VERB N [people], tolls, "the lives of N" -----------------------------------

# How many words back from a toll verb its aggregate noun may stand: "Russian losses in
# manpower since the start of the full-scale invasion have amounted to".
TOLL_REACH = 30


def backward(toks: list[Token], lows: list[str], num: Number) -> Figure | None:
    """``VERB [hedge] N [people]``, ``the lives of N``, ``death toll rose to N``."""
    j = skip_hedge(lows, num.first - 1)
    if j < 0:
        return None
    np, k = object_np(lows, num.stop)
    if lows[j] in MEMBER_JOINERS and any(lows[x] in PEOPLE for x in np):
        j = _list_verb(lows, j)  # "destroyed 70 vehicles, 240 troops and 80 tanks"
    verb = lows[j]
    shared = [] if np else _shared_people(lows, k)
    kind = _backward_kind(lows, j, np or shared, k)
    if kind is None:
        return None
    if j >= 1 and (lows[j - 1] in NEGATIONS or lows[j - 1] in HYPOTHETICAL):
        return None
    last = np[-1] if np else num.stop - 1
    fig = number_figure(lows, num, kind, last, np or shared)
    fig.enemy_verb = verb in ENEMY_VERBS
    if verb in BACKWARD_KIND or verb in AGENT_VERBS:
        fig.agent_subject = _subject_side(lows, j)
    noun = toll_noun(lows, j) if verb in TOLL_VERB else None
    if noun is not None:
        fig.noun = noun
        fig.np = fig.np or _toll_people(lows, noun, j)
        fig.possessor = _possessor(lows, noun) if lows[noun] in TOLL_KIND else None
    return fig


# How many words may stand between the second verb and its number ("and wounded more than 50").
SHARED_NUMBER_REACH = 4


def _shared_people(lows: list[str], k: int) -> list[int]:
    """The people named after a second verb's number, which a bare first number shares:
    "destroyed up to 20 and wounded more than 50 Ukrainian soldiers" (``k``: after the 20)."""
    n = len(lows)
    if k + 2 >= n or lows[k] not in CONJUNCTIONS:
        return []
    if lows[k + 1] not in BACKWARD_KIND and lows[k + 1] not in BACKWARD_PEOPLE:
        return []
    for j in range(k + 2, min(k + 2 + SHARED_NUMBER_REACH, n)):
        if _is_number(lows[j]):
            return object_np(lows, j + 1)[0]
    return []


def _subject_side(lows: list[str], j: int) -> str | None:
    """The subject before an active verb is the attacker: "the Russians killed three civilians"."""
    for back in range(j - 1, max(-1, j - 5), -1):
        side = side_of_token(lows, back)
        if side and lows[back] in SIDE_COUNTRIES and LOCATIVES.intersection(lows[back - 2 : back]):
            continue  # "Rebel shelling in east Ukraine kills three": where, not who
        if side:
            # "Shelling of Russian positions killed 12": the side is the target, not the subject;
            # "Ukraine fighting kills 45": a place of fighting, not an attacker
            if back >= 1 and lows[back - 1] in TARGET_PREPOSITIONS:
                return None
            return None if back + 1 < len(lows) and lows[back + 1] in NOT_ATTACKER_AFTER else side
        if lows[back] in CLAUSE_END:
            break
    return None


def _list_verb(lows: list[str], j: int) -> int:
    """The object verb a list member at ``j`` (a joiner) belongs to, else ``j``.

    Walks back over earlier members ("more than 70 vehicles ,") up to a verb that counts
    people; anything else (another verb, a clause end) means the number is not in its list.
    """
    k = j - 1
    while k >= 0 and j - k <= 16:
        word = lows[k]
        if word in BACKWARD_PEOPLE or word in BACKWARD_KIND:
            return k
        if word in CLAUSE_END_STRONG or word in FORWARD_KIND or word in AUX:
            break
        k -= 1
    return j


def skip_hedge(lows: list[str], j: int) -> int:
    """Index of the word before the hedge that ends at ``j`` (``j`` itself when none)."""
    if j >= 1 and (lows[j - 1], lows[j]) in HEDGE_TWO:
        return j - 2
    if j >= 0 and lows[j] in HEDGE_ONE:
        return j - 1
    if j >= 2 and lows[j] in HEDGE_THREE_LAST and lows[j - 2] in HEDGE_THREE_FIRST:
        return j - 3
    return j


def _backward_kind(lows: list[str], j: int, np: list[int], k: int) -> str | None:
    """Kind of the word at ``j`` before a number whose object phrase ``np`` ends at ``k``."""
    n = len(lows)
    verb = lows[j]
    if verb in BACKWARD_KIND:
        if not np and k < n and lows[k] not in LOOSE_END and lows[k] not in PEOPLE:
            return None  # "killed 50 times", "wounded 3 horses"
        if verb == "shot" and not (k < n and lows[k] == "dead"):
            return None
        return backward_run(lows, j, BACKWARD_KIND[verb])
    if verb in BACKWARD_PEOPLE:
        if not any(lows[x] in PEOPLE for x in np):
            return None
        if lows[np[-1]] in SIDE_WORDS and k < n and lows[k] not in LOOSE_END:
            return None  # "destroyed six Russian tanks": the nationality is the tanks'
        return backward_run(lows, j, BACKWARD_PEOPLE[verb])
    if verb == "of" and j >= 1 and lows[j - 1] in OF_KIND:
        if lows[j - 1] in OF_DEATH and j >= 2 and lows[j - 2] in OF_DEATH_DETERMINERS and not np:
            return None
        return OF_KIND[lows[j - 1]]
    if verb in TOLL_VERB:
        if verb == "at" and j >= 1 and lows[j - 1] in AGE_AFTER:
            return None  # "dead at 99" is an age
        noun = toll_noun(lows, j)
        if noun is None or np and not any(lows[x] in PEOPLE for x in np):
            return None
        if not np and k < n and lows[k] not in LOOSE_END and lows[k] not in AUX:
            return None  # "losses include ... the destruction of 579 tanks": things counted
        if lows[noun] in TOLL_NUMBER:
            return _counted_kind(lows, noun, j)
        return TOLL_KIND[lows[noun]]
    return None


def toll_noun(lows: list[str], j: int) -> int | None:
    """Index of the aggregate noun before the toll verb at ``j``: "death toll rose to"."""
    for back in range(j - 1, max(-1, j - TOLL_REACH), -1):
        if lows[back] in CLAUSE_END_STRONG:
            break
        if lows[back] in TOLL_KIND and (
            lows[back] != "killed" or back >= 1 and lows[back - 1] in TOLL_KILLED_BEFORE
        ):
            return back
        if lows[back] in TOLL_NUMBER and lows[back + 1] == "of" and _counted_kind(lows, back, j):
            return back
    return None


def _toll_people(lows: list[str], noun: int, j: int) -> list[int]:
    """The people words of an aggregate noun: "civilian death toll", "military deaths",
    "the number of residents killed ... rose to"."""
    if lows[noun] in TOLL_NUMBER:  # the people counted: up to their casualty word
        end = next((k for k in range(noun + 2, j) if lows[k] in FORWARD_KIND), noun + 2)
        span = range(noun + 2, end)
    else:
        span = range(max(0, noun - 3), noun)
    return [k for k in span if lows[k] in PEOPLE]


def _counted_kind(lows: list[str], noun: int, j: int) -> str | None:
    """ "the number of residents who died ... rose to": the casualty word after "number of"."""
    return next((FORWARD_KIND[w] for w in lows[noun + 2 : j] if w in FORWARD_KIND), None)


# How many words before an aggregate noun its owner may stand ("Russia's Covid death toll").
POSSESSOR_REACH = 3


def _possessor(lows: list[str], noun: int) -> str | None:
    """The side just before an aggregate noun: "Russian losses", "Ukraine's casualties",
    "Russia's Covid death toll"."""
    for back in range(noun - 1, noun - 1 - POSSESSOR_REACH, -1):
        if back >= 0 and lows[back] in CLAUSE_END:
            break
        if back >= 0:
            side = side_of_token(lows, back)
            if side:
                return side
    return None


def object_np(lows: list[str], k: int) -> tuple[list[int], int]:
    """Tokens naming the people after a number: "more Ukrainian soldiers of the APU"."""
    n = len(lows)
    np: list[int] = []
    if k + 1 < n and lows[k] == "of" and lows[k + 1] in OBJECT_OF_PRONOUNS:
        return [k + 1], k + 2
    j = k
    while j < n and j - k < 4 and (lows[j] in MODIFIERS or lows[j] in PEOPLE):
        np.append(j)
        j += 1
        if lows[j - 1] in PEOPLE and not (j < n and lows[j] in PEOPLE):
            break
    if not any(lows[x] in PEOPLE for x in np) or j < n and lows[j] in NOT_PEOPLE_AFTER:
        return [], k  # "destroyed 150 military units": formations or equipment, not people
    while j < n and j - k < 6 and lows[j] in SIDE_WORDS and lows[j] not in SIDE_PLACES:
        np.append(j)  # "240 military APU": a force named after the people
        j += 1
    # "of the Armed Forces of Ukraine"
    if j < n and lows[j] == "of":
        e = j + 1
        while e < n and e - j <= 6 and lows[e] not in CLAUSE_END and lows[e] not in OBJECT_OF_END:
            e += 1
        np.extend(range(j + 1, e))
        j = e
    return np, j


# --- parts and lists ----------------------------------------------------------------------


def including(lows: list[str], num: Number, figs: list[Figure]) -> Figure | None:
    """ "including two children": a part of the figure just before, with its kind."""
    i = num.first
    if i == 0 or lows[i - 1] not in INCLUDING or not figs:
        return None
    np, _ = object_np(lows, num.stop)
    if not np:
        return None
    head = figs[-1]
    if head.value is not None and num.value > head.value:
        return None
    return number_figure(lows, num, head.kind, np[-1], np)


def ends_before(num: Number, np: list[int], start: int, lows: list[str]) -> bool:
    """A waiting list member ends one or two joiners before token ``start``."""
    last = np[-1] if np else num.stop - 1
    return 0 < start - last <= 2 and all(lows[x] in MEMBER_JOINERS for x in range(last + 1, start))


def list_tail(
    toks: list[Token], lows: list[str], fig: Figure, numbers: dict[int, Number], used: set[int]
) -> list[Figure]:
    """ ", 58 colonels and 176 lieutenant colonels" after a figure: same kind."""
    out = []
    n = len(lows)
    k = fig.last + 1
    while k + 1 < n and lows[k] in MEMBER_JOINERS:
        k += 1
        if lows[k] == "and":
            k += 1
        num = numbers.get(k)
        if num is None:
            break
        np, _ = object_np(lows, num.stop)
        if not np or num.first in used or any(lows[x] in FORWARD_KIND for x in np):
            break  # "2 killed, 5 wounded civilians": the second has its own kind word
        # "killed 3 soldiers and 2 civilians were wounded" -> the second has its own verb
        after = np[-1] + 1
        while after < n and lows[after] in AUX:
            after += 1
        if after < n and lows[after] in FORWARD_KIND:
            break
        tail = number_figure(lows, num, fig.kind, np[-1], np)
        tail.agent_subject = fig.agent_subject
        out.append(tail)
        used.update(range(tail.first, tail.last + 1))
        k = tail.last + 1
    return out


# --- one person ---------------------------------------------------------------------------


def skip_age_compound(lows: list[str], k: int) -> int:
    """Step over "70-year-old" (three tokens) or "eight-year-old" (one) at ``k``."""
    if k < len(lows) and lows[k].endswith(AGE_SUFFIXES):
        return k + 1
    if (
        k + 2 < len(lows)
        and lows[k].isdigit()
        and lows[k + 1] == "-"
        and lows[k + 2].endswith(AGE_SUFFIXES)
    ):
        return k + 3
    return k


def one_among(toks: list[Token], lows: list[str], used: set[int]) -> list[Figure]:
    """ "X was one of the journalists injured", "X was among the dead": one person."""
    out = []
    n = len(lows)
    for k in range(1, n - 2):
        if lows[k - 1] not in SINGULAR_BE or k in used:
            continue
        if lows[k] == "among" and lows[k + 1] in ("the", "those"):
            j = k + 2
        elif lows[k : k + 2] == ["one", "of"] and k + 2 < n and lows[k + 2] in ("the", "those"):
            j = k + 3
        else:
            continue
        while j < n and j - k <= 6 and (lows[j] in MODIFIERS or lows[j] in PEOPLE):
            j += 1
        if j < n and lows[j] in FORWARD_KIND and lows[j] not in NEEDS_PEOPLE:
            out.append(
                Figure(
                    value=1,
                    value_max=None,
                    kind=FORWARD_KIND[lows[j]],
                    first=k,
                    last=j,
                    np=list(range(k + 1, j)),
                    singular=True,
                )
            )
            used.update(range(k, j + 1))
    return out


def _ordinal(lows: list[str], k: int) -> bool:
    """ "eighth", "8th" (one token, or "8" and "th")."""
    w = lows[k]
    if w in ORDINALS or w[:1].isdigit() and w.lstrip("0123456789") in ORDINAL_SUFFIXES:
        return True
    return w in ORDINAL_SUFFIXES and k >= 1 and lows[k - 1].isdigit()


def death_of_one(toks: list[Token], lows: list[str], used: set[int]) -> list[Figure]:
    """ "the death of an Asian woman", "mourns the death of a volunteer medic", "the killing
    of a Palestinian journalist": one killed."""
    out = []
    n = len(lows)
    for j in range(n - 3):
        if lows[j] not in DEATH_OF or lows[j + 1] != "of":
            continue
        if any(_ordinal(lows, k) for k in range(max(0, j - 3), j)):
            continue  # "the eighth confirmed death of a general": a count of deaths told before
        k = j + 3 if lows[j + 2] in ARTICLES else j + 2  # a headline drops the article
        aged = skip_age_compound(lows, k)  # "the death of a 5-year-old boy"
        k = _past_noun_adjuncts(lows, aged) if aged > k else aged  # "... pregnant woman"
        while (
            k < n
            and k - j <= 8
            and lows[k] not in SINGULAR
            and (lows[k] in MODIFIERS or lows[k] in SIDE_WORDS or toks[k].text[:1].isupper())
        ):
            k += 1
        if aged > j + 2 and k > aged and lows[k - 1] not in SINGULAR and _a_name(toks, aged, k):
            k -= 1  # "the murder of 12-year-old Ava White": an age before a name
        elif k >= n or lows[k] not in SINGULAR:
            continue
        while k + 1 < n and _role_noun(lows[k + 1]):
            k += 1  # "a volunteer medic": the last noun is the person
        if any(x in used for x in range(j, k + 1)):
            continue
        out.append(Figure(1, None, "killed", j, k, list(range(j + 2, k + 1)), singular=True))
        used.update(range(j, k + 1))
    return out


def _a_name(toks: list[Token], a: int, b: int) -> bool:
    """Tokens ``a`` to ``b`` (excluded) are two or three capitalised words: a person's name."""
    return 2 <= b - a <= 3 and all(t.text[:1].isupper() and t.text.isalpha() for t in toks[a:b])


def possessive_death(toks: list[Token], lows: list[str], used: set[int]) -> list[Figure]:
    """One person's death named by its possessor: "man's death", "her husband's execution",
    or a named person's killing: "Floyd's killing", "Ahmaud Arbery killing" (not "Russia's
    killing of ...", "the journalist's death toll", "after Peter's death")."""
    out = []
    n = len(lows)
    for j in range(1, n):
        if lows[j] not in DEATH_OF or {j - 1, j} & used:
            continue
        if j + 1 < n and (lows[j + 1] == "of" or lows[j + 1] in DEATH_COMPOUNDS):
            continue
        if (
            lows[j] in NAMED_DEATH_OF
            and _names_one_person(toks, lows, j - 1)
            and not _a_wish(lows, j - 1)
        ):
            # "Floyd's killing"; not "support for Nancy Pelosi's execution", nor a named
            # person's "death" ("even after Peter's death": rarely a casualty of the story)
            out.append(Figure(1, None, "killed", j - 1, j, [j - 1], singular=True))
            used.update((j - 1, j))
            continue
        # a person noun's, with an adjective between: "a woman's brutal killing"
        o = j - 2 if j >= 2 and _plain_adjective(lows[j - 1]) else j - 1
        owner = possessive_stem(lows[o])
        if owner and _noun_of_one(owner) and o not in used:
            k = o  # with the words naming the person: "Russian journalist's death"
            while (
                k >= 1
                and k - 1 not in used
                and (lows[k - 1] in MODIFIERS or lows[k - 1] in SIDE_WORDS)
            ):
                k -= 1
            out.append(Figure(1, None, "killed", k, j, list(range(k, j)), singular=True))
            used.update(range(k, j + 1))
    return out


def _a_wish(lows: list[str], k: int) -> bool:
    """A wish, a threat or a plot before the name at ``k``: "call for Khamenei's death"."""
    return any(w in DEATH_WISHES for w in lows[max(0, k - 3) : k])


def _plain_adjective(word: str) -> bool:
    """A plain word that may be an adjective between a possessive and its noun: "brutal"."""
    return word.isalpha() and word not in NOT_NOUN_ADJUNCTS and word not in DEATH_OF


def _names_one_person(toks: list[Token], lows: list[str], k: int) -> bool:
    """The token at ``k`` ends a person's name: a capitalised possessive that the gazetteer
    knows as no place, country or body ("Floyd's"; not "Russia's", nor an acronym's), or a
    surname after a known first name ("Ahmaud Arbery")."""
    text = toks[k].text
    if not text[:1].isupper() or lows[k] in SIDE_WORDS:
        return False
    gazetteer = load_gazetteer()
    stem = text[:-2] if text.endswith(("'s", "’s")) else None
    if stem:
        entry = gazetteer.phrases.get(stem)
        return stem.isalpha() and not stem.isupper() and (entry is None or entry.kind == "person")
    return k >= 1 and toks[k - 1].text in gazetteer.first_names and text.isalpha()


def body_of_one(toks: list[Token], lows: list[str], used: set[int]) -> list[Figure]:
    """One person's dead body: "a driver's body inside", "the body of a woman"."""
    out = []
    n = len(lows)
    for j in range(n):
        if lows[j] not in BODY_NOUNS or j in used:
            continue
        if j + 1 < n and lows[j + 1] in BODY_NOT_AFTER:
            continue
        owner = lows[j - 1] if j else ""
        stem = possessive_stem(owner)
        if stem in SINGULAR and j - 1 not in used:
            first, np = j - 1, [j - 1]
        elif lows[j + 1 : j + 3] in (["of", "a"], ["of", "an"]) and j + 3 < n:
            k = j + 3
            while k < n - 1 and k - j <= 5 and lows[k] not in SINGULAR and lows[k] in MODIFIERS:
                k += 1
            if lows[k] not in SINGULAR or any(x in used for x in range(j, k + 1)):
                continue
            first, np = j, list(range(j + 3, k + 1))
        else:
            continue
        out.append(Figure(1, None, "killed", first, max(j, np[-1]), np, singular=True))
        used.update(range(first, max(j, np[-1]) + 1))
    return out


def object_one(toks: list[Token], lows: list[str], used: set[int]) -> list[Figure]:
    """One person as the object of a casualty verb: "killed a civilian", "wounding an officer"."""
    out = []
    n = len(lows)
    for j in range(n - 1):
        if lows[j] not in BACKWARD_KIND or j + 1 in used:
            continue
        if lows[j + 1] == "another" and _closes_clause(lows, j + 1):
            # "kills Subway worker, injures another": one more, of the people before
            kind = BACKWARD_KIND[lows[j]]
            out.append(Figure(1, None, kind, j, j + 1, [], inherit=True, singular=True))
            used.add(j + 1)
            continue
        start = _object_start(lows, j)
        if start is None:
            continue
        k = _person_noun_after(lows, start, j + OBJECT_MODIFIERS + 1)
        named = False
        if (k >= n or lows[k] not in SINGULAR) and _names_an_object(toks, lows, j):
            k, named = _named_object(toks, lows, j + 1), True  # "accused of killing Arbery"
        if k >= n or not named and lows[k] not in SINGULAR:
            continue
        if lows[k] in SIDE_WORDS and k + 1 < n and lows[k + 1] not in LOOSE_END:
            continue  # "kills Ukrainian soldier": an adjective; "kills militiaman -": a person
        if k + 1 < n and lows[k + 1] in PEOPLE:
            continue  # "killed civilian protesters": a modifier of a plural noun
        fig = Figure(
            value=1,
            value_max=None,
            kind=backward_run(lows, j, BACKWARD_KIND[lows[j]]),
            first=j + 1,
            last=k,
            np=list(range(start, k + 1)),
            singular=True,
            agent_subject=_subject_side(lows, j),
        )
        out.append(fig)
        used.update(range(j + 1, k + 1))
    return out


def _names_an_object(toks: list[Token], lows: list[str], j: int) -> bool:
    """The verb at ``j`` may take a name, in running text (in a title's capitals every noun
    looks like one: "Killing Kittens")."""
    return lows[j] in NAMED_OBJECT_VERBS and toks[j].text.islower()


def _named_object(toks: list[Token], lows: list[str], k: int) -> int:
    """The last word of a person's name at ``k`` ("killing Arbery", "killing Malcolm X"):
    one to three capitalised words that name no side, place, country or body; else past the
    end (no name)."""
    if k >= len(lows) or not _a_name_word(toks[k].text):
        return len(lows)
    e = k
    while e + 1 < len(toks) and e - k < 2 and _a_name_word(toks[e + 1].text, initial=True):
        e += 1
    if e == k and lows[k].endswith("s"):
        return len(lows)  # a people's name, plural: "murdered Jews", "killed Kurds"
    return e


def _a_name_word(text: str, initial: bool = False) -> bool:
    """A capitalised word that may be part of a person's name: not a side's, a place's, a
    country's or a body's, nor a weekday, a month or a function word; with ``initial``, a
    single capital too ("Malcolm X")."""
    low = text.lower()
    if initial and len(text) == 1 and text.isupper():
        return True
    if not (text[:1].isupper() and text.isalpha() and not text.isupper()):
        return False
    if low in SIDE_WORDS or low in LOOSE_END or low in NOT_NOUN_ADJUNCTS or low in MONTH_NUMBER:
        return False
    if low in PEOPLE or low in FORWARD_KIND:
        return False  # "killing Civilians", "shot Dead"
    entry = load_gazetteer().phrases.get(text)
    return entry is None or entry.kind == "person"


# How far past its verb an object's modifiers may reach: "killed a young local volunteer medic".
OBJECT_MODIFIERS = 6


def _person_noun_after(lows: list[str], k: int, stop: int | None = None) -> int:
    """Where the person noun of words starting at ``k`` stands, past their modifiers (before
    ``stop``) and plain words ("a young [convenience store] clerk"); not checked to be one."""
    stop = len(lows) if stop is None else min(stop, len(lows))
    while k < stop and lows[k] in MODIFIERS and lows[k] not in SINGULAR:
        k += 1
    return _past_noun_adjuncts(lows, k)


def _past_noun_adjuncts(lows: list[str], k: int) -> int:
    """The one-person noun after up to NOUN_ADJUNCTS plain words that say what kind of person
    it is ("convenience store clerk", "Sri Lankan factory worker"); ``k`` when there is none."""
    for head in range(k + 1, min(k + NOUN_ADJUNCTS, len(lows) - 1) + 1):
        if not lows[head - 1].isalpha() or lows[head - 1] in NOT_NOUN_ADJUNCTS:
            return k
        if lows[head] in SINGULAR and lows[head] not in SIDE_WORDS:
            return head
    return k


def _object_start(lows: list[str], j: int) -> int | None:
    """Where the words of the one person after the verb at ``j`` start, past its article."""
    if lows[j + 1] in OBJECT_DETERMINERS:
        return skip_age_compound(lows, j + 2)
    if skip_age_compound(lows, j + 1) > j + 1:  # "kills 6-year-old son"
        return skip_age_compound(lows, j + 1)
    if j > 0 and (lows[j - 1] not in CLAUSE_END or not lows[j].endswith("ed")):
        # a headline drops the article: "kills baby", "..., kills woman with hammer",
        # "officers hit, kill pedestrian" (only a past participle may be an adjective)
        return j + 1
    return None  # "Wounded man removed ...": an adjective, read by the singular shapes


def singulars(toks: list[Token], lows: list[str], used: set[int]) -> list[Figure]:
    """One person: "a woman died", "Soldier killed", "Gen. X, commander of ..., died", "another wounded"."""
    out = []
    for m in range(len(lows)):
        if lows[m] not in SINGULAR_KIND or m in used:
            continue
        head = _adjective_of_one(toks, lows, m)
        if head is not None and not used.intersection(range(m - 1, head + 1)):
            first = m - 1 if m > 0 and lows[m - 1] in ARTICLES else m  # the article, if any
            np = list(range(m + 1, head + 1))
            out.append(Figure(1, None, SINGULAR_KIND[lows[m]], first, head, np, singular=True))
            used.update(range(first, head + 1))
            continue
        if _active_or_compound(toks, lows, m) or any(lows[m - len(p) : m] == p for p in NOT_YET):
            continue  # "soldier killed three"; "is to be executed": not yet
        if lows[m] in PRISONER_WORDS and m + 1 < len(lows) and lows[m + 1] in EXCHANGE_AFTER:
            continue  # "released in prisoner exchange": a swap, no one captured
        j = _before_participles(lows, m - 1)
        if _active_in_relative(lows, j, m):
            # "woman who killed a trafficker": the clause's own verb; its object, a person
            # or a name, died ("senator who killed the bill": no one)
            if m + 1 not in used and _a_person_object(toks, lows, m + 1):
                out.append(
                    Figure(1, None, SINGULAR_KIND[lows[m]], m, m + 1, [m + 1], singular=True)
                )
                used.update((m, m + 1))
            continue
        j = _before_of_phrase(
            lows,
            _before_origin(
                toks, lows, before_ages(lows, _before_aside(lows, _before_relative(lows, j)))
            ),
        )
        if j < 0:
            continue
        if lows[j] in ONE_MORE and (j == 0 or lows[j - 1] not in NEGATIONS):
            fig = _one_more(lows, j, m)
            if fig is not None:
                out.append(fig)
                used.update(range(j, m + 1))
            continue
        fig = _one_person(toks, lows, j, m, used)
        if fig is not None:
            death = _later_death(lows, fig.last) if fig.kind == "injured" else None
            if death is not None:  # "A rescuer injured in a night attack ... died"
                fig.kind, fig.last = "killed", death
            other = _coordinated_person(lows, fig, used)
            out.extend([other, fig] if other is not None else [fig])
            used.update(range(fig.first if other is None else other.first, fig.last + 1))
    return out


# How far (tokens) after "wounded" a death verb of the same person may stand.
LATER_DEATH_TOKENS = 16


def _later_death(lows: list[str], k: int) -> int | None:
    """Where the person wounded at ``k`` dies later in the clause ("Female civilian
    wounded in Ukrainian shelling attack dies"), before any other person or clause end."""
    for j in range(k + 1, min(len(lows), k + LATER_DEATH_TOKENS)):
        if lows[j] in CLAUSE_END or lows[j] == "and":
            return None
        if lows[j] in PEOPLE and lows[j] not in SIDE_WORDS:  # another person (not "Russian")
            return None
        if SINGULAR_KIND.get(lows[j]) == "killed" and lows[j] in DEATH_VERBS:
            return j
    return None


# Brackets an aside stands in, and how many tokens one may span.
ASIDES = {")": "(", "]": "["}
ASIDE_CLOSERS = {opener: closer for closer, opener in ASIDES.items()}
ASIDE_TOKENS = 12


def _before_aside(lows: list[str], j: int) -> int:
    """Skip back over a bracketed aside: "Lt Col Roman Igolkin [Cargo ID #285] was killed"."""
    if j < 0 or lows[j] not in ASIDES:
        return j
    opener = ASIDES[lows[j]]
    for k in range(j - 1, max(-1, j - ASIDE_TOKENS), -1):
        if lows[k] == opener:
            return k - 1
    return j


def _after_aside(lows: list[str], k: int) -> int:
    """Step over a bracketed aside: "Two soldiers (both from Lviv) were killed"."""
    closer = ASIDE_CLOSERS.get(lows[k]) if k < len(lows) else None
    if closer is None:
        return k
    for j in range(k + 1, min(len(lows), k + ASIDE_TOKENS)):
        if lows[j] == closer:
            return j + 1
    return k


def _before_origin(toks: list[Token], lows: list[str], j: int) -> int:
    """Skip back over a place the person is from or in: "a medic from Kharkiv died",
    "a soldier in Bakhmut was killed" (one to three capitalised words after the
    preposition, a person noun before it)."""
    k = j
    while k >= 0 and j - k < PLACE_WORDS and toks[k].text[:1].isupper():
        k -= 1
    if k == j or k < 1 or lows[k] not in ORIGIN_PREPOSITIONS or lows[k - 1] not in SINGULAR:
        return j
    return k - 1


# How many words an "of" phrase after one person may hold: "the commander of the 3rd battalion",
# "Member of emergencies service's bomb disposal squad killed".
OF_PHRASE_WORDS = 6


def _before_of_phrase(lows: list[str], j: int) -> int:
    """Skip back over what a person is "of": "the driver of the administration died", "the
    commander of the battalion was killed" (the person noun right before "of"; no casualty
    word, clause mark or auxiliary inside the phrase)."""
    for k in range(j, max(j - OF_PHRASE_WORDS, 0) - 1, -1):
        if lows[k] == "of":
            return k - 1 if k >= 1 and lows[k - 1] in SINGULAR else j
        if lows[k] in CLAUSE_END or lows[k] in SINGULAR_KIND or lows[k] in AUX:
            return j
    return j


def _a_person_object(toks: list[Token], lows: list[str], k: int) -> bool:
    """The object starting at ``k`` names a person: a person noun past its article and
    modifiers ("a sex trafficker"), or a capitalised name ("Ahmaud Arbery")."""
    if lows[k] in ARTICLES or lows[k] in OBJECT_DETERMINERS:
        k += 1
    if k < len(lows) and toks[k].text[:1].isupper():
        return True
    k = _person_noun_after(lows, k)
    return k < len(lows) and (lows[k] in SINGULAR or lows[k] in PEOPLE)


def _active_in_relative(lows: list[str], j: int, m: int) -> bool:
    """The casualty verb at ``m`` is a relative clause's active verb with its object: "who
    allegedly killed a judge" (not "who was killed", "who died in Bakhmut")."""
    between = lows[j + 1 : m]
    if not RELATIVE_PRONOUNS.intersection(between) or PASSIVE_AUX.intersection(between):
        return False
    if lows[m] in DIE_WORDS or lows[m] in DEATH_VERBS:
        return False  # "officer who died was beaten": no object
    if any(lows[m + 1 : m + 1 + len(tail)] == tail for tail in MANNER_TAILS):
        return False  # "teen who fell to his death"
    return m + 1 < len(lows) and lows[m + 1] not in LOOSE_END


def _before_relative(lows: list[str], j: int) -> int:
    """Skip back over a relative clause between a person and the verb: "Michigan election
    official who refused to certify result for Biden dies", "Morocco boy trapped in well for
    four days dies" (the person noun right before "who" or the participle; no casualty word,
    number or clause mark inside the clause)."""
    for k in range(j, max(j - RELATIVE_WORDS, 0) - 1, -1):
        if lows[k] in RELATIVE_PRONOUNS:
            return k - 1 if k >= 1 and lows[k - 1] in SINGULAR else j
        if _participle(lows[k]) and k >= 1 and _noun_of_one(lows[k - 1]):
            return k - 1
        if (
            lows[k] in CLAUSE_END
            or lows[k] in SINGULAR_KIND
            or lows[k] in SUBJECT_OPENERS  # "Man rescued while ... family who died"
            or lows[k][0].isdigit()
        ):
            return j
    return j


def _before_participles(lows: list[str], j: int) -> int:
    """Step back from ``j`` over the auxiliaries and the participles listed before a
    casualty word: "doctor [kidnapped,] killed", "a man [was tortured and] killed"."""
    m = j + 1
    while True:
        while j >= 0 and lows[j] in AUX and j > m - 4:
            j -= 1
        if j >= 1 and lows[j] in PARTICIPLE_JOINERS and _participle(lows[j - 1]):
            j, m = j - 2, j - 1
        elif j >= 1 and lows[j] == "and" and _present_verb(lows[j - 1]) and _present_verb(lows[m]):
            j, m = j - 2, j - 1  # "collapses and dies"
        else:
            return j


def _present_verb(word: str) -> bool:
    """A present verb of one person: "collapses", "dies" (a plural noun looks the same, so
    only between a person and a casualty verb of the same form)."""
    return len(word) > 3 and word.isalpha() and word.endswith("s") and word not in PEOPLE


def _participle(word: str) -> bool:
    """A past participle opening a reduced relative clause: "boy [trapped in a well] dies",
    "man [arrested for theft] killed himself"; not an adjective ("Russian Armed Forces")."""
    return len(word) > 4 and word.isalpha() and word.endswith("ed") and word not in MODIFIERS


def _noun_of_one(word: str) -> bool:
    """A person noun a participle can follow: not "he", "she" (whose next word is a verb:
    "he blamed Biden")."""
    return word in SINGULAR and word not in SINGULAR_PRONOUNS


def _a_place_word(toks: list[Token], k: int) -> bool:
    """A capitalised word the gazetteer knows as a place: "Slain Colorado teen"."""
    entry = load_gazetteer().phrases.get(toks[k].text) if toks[k].text[:1].isupper() else None
    return entry is not None and entry.kind == "place"


def _adjective_of_one(toks: list[Token], lows: list[str], m: int) -> int | None:
    """ "there is a dead person", "a wounded soldier was evacuated", a headline's "Wounded
    Russian soldier brought to hospital": one person; returns the person noun's index.
    Not "Captured Russian soldiers": the noun after the side words and modifiers decides."""
    n = len(lows)
    if not (
        0 <= m < n - 1 and (m == 0 or lows[m - 1] in ARTICLES or lows[m - 1] in ADJECTIVE_AFTER)
    ):
        return None  # a headline drops the article: "... to missing Chinese athlete"
    k = m + 1
    # over side words and modifiers ("Russian", "senior") to the person noun they modify
    while (
        k < n - 1
        and k - m <= 3
        and (lows[k] in SIDE_WORDS or lows[k] in MODIFIERS or _a_place_word(toks, k))
        and (
            lows[k + 1] in PEOPLE
            or lows[k + 1] in SIDE_WORDS
            or lows[k + 1] in MODIFIERS
            or _a_place_word(toks, k + 1)
        )
    ):
        k += 1
    if lows[k] not in SINGULAR or (k + 1 < n and lows[k + 1] in POSSESSIVE_TAILS):
        return None
    if lows[k] in SIDE_WORDS and k + 1 < n and _plural_noun(lows[k + 1]):
        return None  # "Captured Russian tanks": the side word is the tanks' adjective
    after_preposition = m > 0 and lows[m - 1] in ADJECTIVE_AFTER and lows[m - 1].isalpha()
    if after_preposition and k + 1 < n and toks[k + 1].text.isalpha():
        if toks[k + 1].text.islower() and lows[k + 1] not in LOOSE_END:
            return None  # "reports of missing person cases": the person noun is an adjective
    if k + 1 < n and lows[k + 1] in PEOPLE and lows[k + 1] not in SINGULAR:
        return None  # "a dead Russian soldiers' ...": the plural noun after it is the head
    return k


def _plural_noun(word: str) -> bool:
    """A word that reads as a plural noun after an adjective ("tanks", "positions")."""
    return (
        len(word) > 3
        and word.isalpha()
        and word.endswith("s")
        and word not in AUX
        and word not in CLAIM_VERB_WORDS  # "Captured Russian says ..."
    )


def one_listed_after(lows: list[str], figs: list[Figure], used: set[int]) -> list[Figure]:
    """One person listed after a figure's people, of its kind: "kills three civilians,
    soldier", "killed two diners and a restaurant worker and wounded nine", "wounded a boy
    and his mother". The person closes the clause, or another casualty verb follows it."""
    out = []
    n = len(lows)
    for fig in figs:
        e = fig.np[-1] if fig.np else None
        if e is None or lows[e] not in PEOPLE or e + 2 >= n or lows[e + 1] not in PERSON_JOINERS:
            continue
        determiner = lows[e + 2] in ARTICLES or lows[e + 2] in OBJECT_DETERMINERS
        k = _past_noun_adjuncts(lows, e + 3 if determiner else e + 2)
        if k >= n or lows[k] not in SINGULAR or k in used or not _closes_clause(lows, k):
            continue  # "killed 3 civilians, official says": the speaker
        out.append(Figure(1, None, fig.kind, e + 2, k, list(range(e + 2, k + 1)), singular=True))
        used.update(range(e + 2, k + 1))
    return out


def one_listed_before(lows: list[str], figs: list[Figure], used: set[int]) -> list[Figure]:
    """One person listed before a figure's number, of its kind: "A woman and three children
    were killed", "Grandfather, 4 grandchildren killed", "kills a man and two boys"."""
    out = []
    for fig in figs:
        a = fig.first - 1
        if fig.singular or not fig.np or fig.np[0] <= fig.first:
            continue  # a figure of its own people, read from its number
        found = _person_joined_before(lows, a, used)
        if found is None or any(f.first <= a - 1 <= max((f.last, *f.np)) for f in figs):
            continue  # "One civilian, one militiaman killed": read by the number rules
        b, determined = found
        if not determined and b >= 1 and lows[b - 1] not in BACKWARD_KIND:
            continue  # "the governor, 3 people": a speaker, not one of them
        out.append(Figure(1, None, fig.kind, b, a - 1, list(range(b, a)), singular=True))
        used.update(range(b, a))
    return out


def _person_joined_before(lows: list[str], a: int, used: set[int]) -> tuple[int, bool] | None:
    """Where the one person before the joiner at ``a`` starts ("a Ukrainian soldier and
    ..."), and whether a determiner opens it; None when no single person stands there."""
    if a < 1 or lows[a] not in PERSON_JOINERS or lows[a - 1] not in SINGULAR or a - 1 in used:
        return None
    b = a - 1
    while b >= 1 and (lows[b - 1] in MODIFIERS or lows[b - 1] in SIDE_WORDS):
        b -= 1
    if b >= 1 and (lows[b - 1] in SINGULAR_DETERMINERS or lows[b - 1] in OBJECT_DETERMINERS):
        return b - 1, True
    return b, False


def _closes_clause(lows: list[str], k: int) -> bool:
    """Nothing of the clause follows ``k`` but another casualty verb ("... and wounded nine")."""
    if k + 1 >= len(lows) or lows[k + 1] in CLAUSE_END or lows[k + 1] in HEADLINE_DASHES:
        return True
    if lows[k + 1] in SENTENCE_END or lows[k + 1] in PERSON_LIST_END:
        return True
    return lows[k + 1] in CONJUNCTIONS and k + 2 < len(lows) and lows[k + 2] in BACKWARD_KIND


def _coordinated_person(lows: list[str], fig: Figure, used: set[int]) -> Figure | None:
    """ "Soldier and civilian killed", "Child, man killed": the person joined before one is
    one more."""
    a = fig.first - 1
    found = _person_joined_before(lows, a, used)
    if found is None:
        return None
    b, determined = found
    if not determined and b >= 1 and (lows[b - 1][0].isdigit() or lows[b - 1] in NUMBERS_ABOVE_ONE):
        return None  # "two soldiers and a civilian": the number rules read it
    return Figure(
        value=1,
        value_max=None,
        kind=fig.kind,
        first=b,
        last=a - 1,
        np=list(range(b, a)),
        singular=True,
    )


def _active_or_compound(toks: list[Token], lows: list[str], m: int) -> bool:
    """The casualty word at ``m`` is an active verb ("soldier killed three", "he killed
    Ivan", "he murdered Jews": a name after a pronoun's verb) or "dead end"."""
    n = len(lows)
    if m + 1 < n and (
        lows[m + 1] in PEOPLE
        or lows[m + 1] in ACTIVE_OBJECTS
        or (lows[m + 1][0].isdigit() or lows[m + 1] in NUMBER_STARTS)
        and not (m + 2 < n and lows[m + 2] in TIME_WORDS)
    ):
        return True
    if m >= 1 and lows[m - 1] in SINGULAR_PRONOUNS and m + 1 < n:
        return _a_name_word(toks[m + 1].text)  # "he killed Ivan": the pronoun's verb
    return lows[m] == "dead" and m + 1 < n and lows[m + 1] in DEAD_COMPOUNDS_SINGULAR


def _one_more(lows: list[str], j: int, m: int) -> Figure | None:
    """ "another wounded", "and one killed": one more, of the people of the figure before."""
    if lows[j] == "another" and not (j > 0 and lows[j - 1] in ONE_MORE_AFTER or j == 0):
        return None
    if lows[j] == "one" and j + 1 == m:
        return None  # "one killed" is read by the number rules
    return Figure(
        value=1,
        value_max=None,
        kind=SINGULAR_KIND[lows[m]],
        first=j,
        last=m,
        np=[],
        approx=False,
        inherit=True,
        singular=True,
    )


def _one_person(
    toks: list[Token], lows: list[str], j: int, m: int, used: set[int]
) -> Figure | None:
    """ "a Ukrainian soldier [aux] KIND", "Gen. X, commander of ..., KIND" ending at ``j``."""
    head = None
    if lows[j] in SINGULAR or lows[j].endswith(AGE_SUFFIXES):  # "1-year-old injured"
        head = j
    elif toks[j].text[:1].isupper() or lows[j] == ",":
        head = named_person(toks, lows, j)
    if head is None:
        return None
    # walk back over the modifiers to the determiner
    b = head
    if lows[j] == "," and head == j - 1:  # "Shinzo Abe, former Japanese prime minister,"
        b = _name_before_apposition(toks, lows, head)
    elif toks[head].text[:1].isupper() and _role_before_name(toks, lows, head):
        b -= 1  # "the Ukrainian weightlifter Oleksandr Pielieshenko"
    while b - 1 >= 0 and (
        lows[b - 1] in MODIFIERS
        or lows[b - 1] in SIDE_WORDS
        or lows[b - 1] in MILITARY_TITLES  # "Russian Major General X"
        or lows[b - 1] in SINGULAR_DETERMINERS
        or lows[b - 1] in OBJECT_DETERMINERS
    ):
        b -= 1
        if lows[b] in SINGULAR_DETERMINERS or lows[b] in OBJECT_DETERMINERS:
            break
    if b - 1 >= 0 and (
        lows[b - 1] in NEGATIONS or lows[b - 1] in NUMBERS_ABOVE_ONE or lows[b - 1][0].isdigit()
    ):
        return None
    if b - 1 >= 0 and lows[b - 1] in NOT_ONE:
        return None
    if any(x in used for x in range(b, m + 1)):
        return None
    kind = SINGULAR_KIND[lows[m]]
    if kind == "injured" and any(lows[x] in FATAL_ADVERBS for x in range(head + 1, m)):
        kind = "killed"  # "a soldier fatally wounded"
    return Figure(
        value=1,
        value_max=None,
        kind=kind,
        first=b,
        last=m,
        np=list(range(b, head + 1)),
        approx=False,
        singular=True,
    )


def _name_before_apposition(toks: list[Token], lows: list[str], role: int) -> int:
    """The first word of the name before the apposition that ends with ``role``."""
    k = role
    while k > 0 and lows[k] != ",":
        k -= 1
    b = k
    while b - 1 >= 0 and toks[b - 1].text[:1].isupper() and k - b < 3:
        b -= 1
    return b


def _role_before_name(toks: list[Token], lows: list[str], head: int) -> bool:
    """A lower-case role noun between a side word and a name: "Ukrainian weightlifter X"."""
    b = head - 1
    return (
        b >= 1
        and toks[b].text.isalpha()
        and toks[b].text.islower()
        and (lows[b - 1] in SIDE_WORDS or lows[b - 1] in MODIFIERS)
    )


def named_person(toks: list[Token], lows: list[str], j: int) -> int | None:
    """Index of the title or noun that makes ``... Name [, apposition,]`` one person."""
    if lows[j] == ",":  # skip an apposition back to its opening comma
        k = j - 1
        while k >= 0 and j - k < 25 and lows[k] != ",":
            if lows[k] in APPOSITION_STOP:
                return None
            k -= 1
        if k <= 0 or lows[k] != ",":
            return None
        role = j - 1  # "Shinzo Abe, former Japanese prime minister, dies"
        if (_role_noun(lows[role]) or lows[role] in TITLES) and toks[k - 1].text[:1].isupper():
            return role
        j = k - 1
    if lows[j] in SINGULAR:
        return j
    names = 0
    while (
        j >= 0
        and toks[j].text[:1].isupper()
        and lows[j] not in TITLES
        and not _role_noun(lows[j])
        and names < 3
    ):
        j -= 1
        names += 1
    if j >= 1 and lows[j] == "." and lows[j - 1] in TITLES:
        j -= 1
    if j >= 0 and names and lows[j] in TITLES:
        return j  # "Gen. X"
    if j >= 0 and _role_noun(lows[j]) and (names >= 2 or names and toks[j].text.islower()):
        return j  # "Rapper Young Dolph", "son Zen"; not a headline's "Baby Elephant"
    if j >= 0 and lows[j] in SINGULAR and names == 0:
        return j
    if names >= 2 and toks[j + 1].text in load_gazetteer().first_names:
        return j + 1  # "Valeriy Herovkin killed by a sniper": a first name and a surname
    return None


def _role_noun(word: str) -> bool:
    """A person noun before a name ("Rapper", "Actress"), not a side's ("Russian")."""
    return word in SINGULAR and word not in SIDE_WORDS


def families(
    text: str, sentence: str, toks: list[Token], lows: list[str], used: set[int]
) -> list[Figure]:
    """ "the murder of a family of nine": nine killed, when the sentence speaks of killing."""
    out: list[Figure] = []
    if "family" not in sentence.lower() or not any(w in FAMILY_KILLING for w in lows):
        return out
    for k in range(len(lows) - 2):
        if lows[k] == "family" and lows[k + 1] == "of" and k + 2 not in used:
            num = read_number(toks, k + 2, text)
            if num is None:
                continue
            fig = Figure(
                value=num.value,
                value_max=None,
                kind="killed",
                first=k,
                last=num.stop - 1,
                np=[k],
                approx=False,
            )
            out.append(fig)
            used.update(range(k, num.stop))
    return out
