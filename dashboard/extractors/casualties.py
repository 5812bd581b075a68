"""Casualty figures: how many people were killed, injured, captured or went missing.

``extract_casualties(items)`` returns one row per figure (:data:`dashboard.schema.CASUALTIES`);
``find_casualties(text, ref_date)`` does the same for one text and returns dicts.

The rules are hand-written over word tokens (no statistical model: it must run at 100,000+
words per second). A sentence is looked at only when one cheap regex finds a casualty word in
it. Within it a figure is a number tied to a casualty word in one of these shapes:

* forward:  ``N [modifiers] [people noun] [were/have been ...] KIND``  ("3 soldiers killed")
* backward: ``VERB [hedge] N [people noun]``  ("killed 20 invaders", "lost 140 servicemen")
* tolls:    ``death toll rises to N``, ``losses amounted to N``, ``the lives of N``
* one:      a singular person with a casualty verb ("a woman died", "Gen. X ... died")
* lists:    ``N1 X, N2 Y and N3 Z`` after one of the above; ``including N children``

Conventions (side, group, per, claimant) are those of ``tests/data/CASUALTY_LABELLING.md``.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

import pandas as pd

from dashboard.extractors.gazetteer import load_gazetteer
from dashboard.extractors.numbers import MAX_VALUE, Number, Token, read_number, tokenize
from dashboard.extractors.sentences import reference_dates, sentence_spans
from dashboard.schema import CASUALTIES, validate

# --- vocabulary (written from the seed digest, the labelling notes and corpus reading) -----

# Prefilter: a sentence without one of these stems cannot carry a figure. Kept as one
# compiled regex because it runs over every character of every item.
KEYWORDS = re.compile(
    r"kill|dead|die[ds]?\b|death|wound|injur|casualt|loss|lost|toll|captur|prisoner|missing"
    r"|eliminat|destroy|liquidat|fatal|victim|KIA|WIA|hurt|execut|murder|slain|perish"
    r"|lives|bodies|famil",
    re.IGNORECASE,
)

# Casualty words that follow the people they count ("3 killed", "two soldiers wounded").
FORWARD_KIND = {
    **dict.fromkeys(
        "killed dead died die dies deaths death fatalities fatality kia slain perished executed"
        " murdered liquidated eliminated lifeless".split(),
        "killed",
    ),
    **dict.fromkeys(
        "wounded injured injuries injury wia hurt hospitalized hospitalised".split(), "injured"
    ),
    **dict.fromkeys("casualties casualty losses".split(), "killed_or_injured"),
    **dict.fromkeys("captured prisoners prisoner pows captives captive".split(), "captured"),
    **dict.fromkeys("missing mia".split(), "missing"),
}
# Forward kinds that need a people noun before them ("3 tanks destroyed" is not a figure; "4
# captured" alone is too vague to keep).
NEEDS_PEOPLE = {"eliminated", "liquidated", "captured", "missing", "prisoner", "captive"}

# Verbs that take the counted people as their object ("killed 20", "wounds four").
BACKWARD_KIND = {
    **dict.fromkeys(
        "killed kills kill killing executed executing murdered murdering shot slaughtered".split(),
        "killed",
    ),
    **dict.fromkeys("wounded wounds wounding injured injures injuring".split(), "injured"),
}
# Object verbs that count people only with a people noun after the number ("destroyed more
# than 90 soldiers" yes, "destroyed 3 tanks" no) -- the defence ministries' phrasing.
BACKWARD_PEOPLE = {
    **dict.fromkeys(
        "destroyed destroying eliminated eliminating liquidated neutralized neutralised".split(),
        "killed",
    ),
    **dict.fromkeys("lost lose loses losing".split(), "killed_or_injured"),
    **dict.fromkeys("captured capturing".split(), "captured"),
}
# "the lives of N", "the deaths of N", "bodies of N".
OF_KIND = {"lives": "killed", "deaths": "killed", "death": "killed", "bodies": "killed"}
# Aggregate nouns whose value follows a verb: "death toll rose to 35", "losses amounted to 40".
TOLL_KIND = {
    "toll": "killed",
    "losses": "killed_or_injured",
    "casualties": "killed_or_injured",
    "victims": "killed_or_injured",
    "dead": "killed",
    "deaths": "killed",
    "killed": "killed",
    "injured": "injured",
    "wounded": "injured",
}
TOLL_VERB = {
    "to",
    "at",
    "reached",
    "is",
    "was",
    "are",
    "were",
    "totalled",
    "totaled",
    "exceeded",
    "of",
    "hit",
    "stands",
    "amounted",
    "amount",
    "totals",
}

# People nouns: plural for numbers, singular for the "a woman died" shape.
MILITARY_NOUNS = set(
    """soldiers soldier servicemen serviceman servicewomen servicewoman servicemembers troops
    fighters fighter militants militant militiamen militiaman rebels rebel separatists
    separatist officers officer generals general colonels colonel commanders commander pilots
    pilot sailors sailor marines marine paratroopers paratrooper conscripts conscript recruits
    mercenaries mercenary invaders invader occupiers occupier occupants defenders defender
    sappers sapper gunners gunner artillerymen snipers sniper personnel military militaries
    servicemembers guardsmen guards guard infantrymen tankers scouts saboteurs commandos
    gunmen gunman combatants combatant pows legionnaires volunteers""".split()
)
CIVILIAN_NOUNS = set(
    """civilians civilian residents resident children child kids kid teenagers teenager
    women woman men man boys boy girls girl babies baby infants infant workers worker
    employees employee miners miner journalists journalist reporters reporter medics medic
    doctors doctor nurses nurse rescuers rescuer firefighters firefighter passengers passenger
    pensioners pensioner students student athletes athlete coaches coach villagers villager
    inhabitants inhabitant citizens citizen locals family families teachers teacher priest
    elderly driver drivers farmers farmer deputy official officials""".split()
)
OTHER_PEOPLE = set(
    """people persons person individuals adults others victims ukrainians ukrainian russians
    russian belarusians koreans them those whom""".split()
)
PEOPLE = MILITARY_NOUNS | CIVILIAN_NOUNS | OTHER_PEOPLE
SINGULAR = set(
    """soldier serviceman servicewoman fighter militant militiaman rebel separatist officer
    general colonel commander pilot sailor marine paratrooper conscript mercenary civilian
    resident child kid teenager woman man boy girl baby infant worker employee miner
    journalist reporter medic doctor nurse rescuer firefighter passenger pensioner student
    volunteer villager driver farmer priest policeman policewoman person ukrainian russian
    deputy official guard gunman sapper sniper""".split()
)
# Ranks and titles before a name: "General Pavel Klimenko ... died", "Mr Prigozhin was killed".
TITLES = set(
    """general gen colonel col commander lieutenant lt major captain sergeant admiral mr mrs
    ms deputy mayor governor""".split()
)
MILITARY_TITLES = {
    "general",
    "gen",
    "colonel",
    "col",
    "commander",
    "lieutenant",
    "lt",
    "major",
    "captain",
    "sergeant",
    "admiral",
}

# Words that may stand between a number and its people noun ("three more Ukrainian ...").
MODIFIERS = set(
    """more other another additional reported confirmed ukrainian russian ukraine kiev kyiv
    kiev's ukraine's russia's russian-backed pro-russian separatist rebel enemy civilian
    military foreign local elderly young innocent unarmed wounded armed peaceful new
    north south korean belarusian chechen american british polish italian georgian dpr lpr
    dnr lnr afu apu uaf rf more than ukrainian-born further army police border air
    servicemen's lieutenant civil""".split()
)
# Between the people noun and the casualty word: "were", "have been", "reportedly", ...
AUX = set(
    """were was are is have has had been being got get reportedly allegedly also all later
    found confirmed officially seriously serious severely critically fatally lightly badly
    mortally slightly now already who that as being either both remain remained remains still " “ ” ' ‘ ’ «
    »""".split()
)
# Hedges before a number; "up to" and "more than" are two tokens.
HEDGE_ONE = {
    "about",
    "around",
    "approximately",
    "nearly",
    "almost",
    "over",
    "roughly",
    "some",
    "estimated",
    "approx",
    "reportedly",
    "~",
    "circa",
}
HEDGE_TWO = {
    ("at", "least"),
    ("more", "than"),
    ("up", "to"),
    ("close", "to"),
    ("as", "many"),
    ("no", "fewer"),
    ("upwards", "of"),
    ("in", "excess"),
    ("less", "than"),
    ("fewer", "than"),
}
# Tokens after a number that end a noun phrase but still allow "killed 3 in Kharkiv".
LOOSE_END = {
    ",",
    ".",
    ";",
    ":",
    ")",
    "(",
    "-",
    "–",
    "—",
    "in",
    "on",
    "at",
    "and",
    "near",
    "after",
    "during",
    "when",
    "while",
    "as",
    "by",
    "with",
    "from",
    "since",
    "over",
    "across",
    "amid",
    "including",
    "this",
    "last",
    "overnight",
    "yesterday",
    "today",
    "people",
    "more",
    '"',
    "“",
    "”",
    "'",
    "’",
    "of",
    "so",
    "were",
    "are",
    "had",
    "have",
}
NEGATIONS = {"no", "not", "never", "nobody", "none", "n't", "without", "zero"}
# Prisoner counts in these contexts are exchanges or court cases, not casualties.
EXCHANGE = re.compile(
    r"swap|exchang|releas|freed|returned|repatriat|sentenc|convict|arrest|detain", re.I
)

# Whose people. Order matters only for overlapping keys (longest phrases first).
SIDE_WORDS = {
    **dict.fromkeys(
        """russian russians russia russia's rf invaders invader occupiers occupier occupants
        enemy dpr lpr dnr lnr lrp militia militiamen militiaman rebels rebel separatists
        separatist militants militant wagner kadyrov kadyrovites rosgvardia chechen
        pro-russian russian-backed moscow moscow's putin's""".split(),
        "russia",
    ),
    **dict.fromkeys(
        """ukrainian ukrainians ukraine ukraine's kiev kyiv kiev's kyiv's apu afu uaf vsu zsu
        jfo ato ova""".split(),
        "ukraine",
    ),
    **dict.fromkeys("north-korean".split(), "north_korea"),
    "belarusian": "belarus", "belarusians": "belarus", "italian": "italy", "british": "united_kingdom",
    "american": "united_states", "americans": "united_states", "georgian": "georgia",
    "polish": "poland", "french": "france", "german": "germany", "israeli": "israel",
    "palestinian": "palestine", "syrian": "syria",
}  # fmt: skip
# Multi-word side names, matched on the lowered sentence.
SIDE_PHRASES = [
    (re.compile(r"north korean?s?\b"), "north_korea"),
    (
        re.compile(
            r"armed forces of ukraine|ukrainian armed forces|ukrainian forces|kiev forces|kyiv forces|defen[cs]e forces"
        ),
        "ukraine",
    ),
    (
        re.compile(
            r"donetsk (?:people'?s )?republic|luhansk (?:people'?s )?republic|lugansk (?:people'?s )?republic|people'?s militia|russian federation|russian armed forces"
        ),
        "russia",
    ),
]
# Attackers: "shelling by Ukrainian troops", "Russian rocket strikes", "the Russians killed".
AGENT = re.compile(
    r"\b(?:by|of|from)\s+(?:the\s+)?(?P<a>[\w'’\-]+(?:\s+[\w'’\-]+){0,3}?)\s+"
    r"(?:troops|forces|army|military|artillery|shelling|strikes?|attacks?|missiles?|drones?|invaders|occupiers|gunners)\b"
    r"|\b(?P<b>[\w'’\-]+)\s+(?:(?:forces|troops|army|military|militants|rebels)(?:['’]s?)?\s+)?(?:shelling|shells|strikes?|attacks?|bombardment|bombing|rockets?|missiles?|drones?|artillery|shelled|troops\s+killed|forces\s+killed)\b"
    r"|\b(?P<c>russians|ukrainians|russia|ukraine|moscow|kyiv|kiev|invaders|occupiers|enemy|rebels|separatists)\s+(?:has\s+|have\s+)?(?:killed|shelled|shells|fired|attacked|attacks|hit|hits|struck|strikes|bombed|pounded)\b",
    re.IGNORECASE,
)
AGENT_BY = re.compile(
    r"\b(?:by|of|from)\s+(?:the\s+)?(armed forces of ukraine|ukrainian armed forces|russian federation|russian armed forces)"
    r"|\b(?:waged|launched|caused|carried out|committed|unleashed)\s+by\s+(?:the\s+)?(russia|ukraine|russians|ukrainians|moscow|kyiv|kiev)\b",
    re.I,
)
# "Russia has suffered ...": the subject that owns the losses.
OWNER = re.compile(
    r"\b(?P<o>[\w'’\-]+(?:\s+[\w'’\-]+){0,4}?)\s+(?:has|have|had)?\s*(?:suffered|sustained|lost|suffers|loses)\b"
    r"|\blosses\s+of\s+(?:the\s+)?(?P<p>[\w'’\-]+(?:\s+[\w'’\-]+){0,3})",
    re.IGNORECASE,
)

# Who states it.
CLAIM_TAIL = re.compile(r"\s[-–—]\s*(?P<c>[^-–—:;]{2,80}?)\s*$|:\s+(?P<d>[a-z][^:;]{2,50})$")
CLAIM_ACCORDING = re.compile(
    r"\baccording to (?P<c>(?:[^,.;:()“”\"]|\.(?=\S)|(?<=\b[A-Z])\.){2,80})", re.I
)
CLAIM_VERB_AFTER = re.compile(
    r"(?:^|[,“”\"—–-]\s*|\b[Aa]s\s+)(?P<c>[A-Za-z][^,;:“”\"—–]{1,80}?)\s+"
    r"(?:said|says|reported|reports|stated|states|announced|announces|confirmed|confirms|claimed|claims|notes|noted|told|informed|estimates|estimated|added|writes|wrote|suggests|shows|found)\b"
)
CLAIM_VERB_BEFORE = re.compile(
    r"(?:[-–—,]\s*|\b)(?:said|says|reported|reports|estimates|announced|stated)\s+(?P<c>the\s+[A-Z][^,.;:“”\"]{2,60}|[A-Z][^,.;:“”\"]{2,60})"
)
CLAIM_COLON = re.compile(r"^(?P<c>[A-Z][\w.'’ -]{1,40}):\s")
CLAIM_BAD = re.compile(
    r"\d|kill|dead|died|wound|injur|casualt|toll|\b(?:it|he|she|they|we|i|this|that|there|which|who|and|or)\b",
    re.I,
)
# Claimants whose own side is the victims' side when the text gives no other cue: local and
# regional authorities and their offices. Defence ministries and general staffs are not
# here: they report the enemy's losses as often as their own.
CLAIMANT_SIDE = [
    (
        re.compile(
            r"\b(?:dpr|lpr|lnr|dnr|lrp|donetsk republic|luhansk republic|lugansk republic|militia|basurin|operational command|operations command)\b",
            re.I,
        ),
        "russia",
    ),
    (re.compile(r"\b(?:ova|jfo|ato|ukraine|ukrainian|kiev|kyiv|ukrinform)\b", re.I), "ukraine"),
]
CLAIMANT_NEUTRAL = re.compile(
    r"defen[cs]e ministry|ministry of defen[cs]e|general staff|gen\. staff|mod\b", re.I
)

# How long the figure covers: "daily", "in a day", "a total of", "since 2014".
PER_DAY = re.compile(
    r"\b(?:daily|per day|a day|each day|every day|in a day|past day|last day|the day|"
    r"24 hours|today|single day|overnight|day before)\b",
    re.I,
)
PER_MONTH = re.compile(r"\b(?:per month|a month|monthly|each month|every month|month of)\b", re.I)
PER_TOTAL = re.compile(
    r"\b(?:total|in all|so far|to date|since|toll|rises to|rose to|risen to|increased to|"
    r"climbed to|overall|cumulative|in the war|of the war|during the war|throughout|this year|"
    r"last year|past week|one week|a week|this week|last week|past \w+ (?:days|weeks|months|years)|"
    r"over the years|in \d{4}|full-scale invasion|began|started)\b",
    re.I,
)
MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
DATE_DAY = re.compile(
    rf"\b(?:on\s+)?(?:(?P<m1>{MONTH_NAMES})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{MONTH_NAMES}))\b(?:,?\s+(?P<y>\d{{4}}))?",
    re.I,
)
DATE_MONTH = re.compile(rf"\bin\s+(?P<m>{MONTH_NAMES})\b(?:\s+(?P<y>\d{{4}}))?", re.I)

# Clause separators: cue words are looked for in the figure's own clause first.
CLAUSE_END = {",", ";", ":", "(", ")", "—", "–"}
QUOTE_MAX = 400
# Tags and character entities left in scraped text ("<b>killed</b>", "&nbsp;").
MARKUP = re.compile(r"</?[A-Za-z][^<>]{0,200}>|&[#\w]{1,10};")
# How far (characters before, after) around a figure's clause a "per" cue still applies.
# An unmarked figure this large is a running total, not one incident: the war's deadliest
# single strikes killed in the tens to low hundreds ("over 475,000 Russian casualties").
CUMULATIVE_FROM = 1_000
PER_REACH = (40, 60)  # a quote longer than this is a mis-parse of a list; keep the sentence only


# --- public API ---------------------------------------------------------------------------


def extract_casualties(items: pd.DataFrame) -> pd.DataFrame:
    """Casualty figures of every item: a frame validated against ``schema.CASUALTIES``.

    Parameters
    ----------
    items : DataFrame with ``item_id``, ``text``, ``published`` and ``as_of``.

    Examples
    --------
    >>> items = pd.DataFrame({"item_id": ["a"], "text": ["Two soldiers killed, 8 wounded"],
    ...     "published": [pd.NaT], "as_of": [pd.Timestamp("2024-11-15", tz="UTC")]})
    >>> extract_casualties(items)[["value", "kind"]].values.tolist()
    [[2, 'killed'], [8, 'injured']]
    """
    if items.empty:
        return CASUALTIES.empty()
    refs = reference_dates(items)
    rows = []
    for item_id, text, ref in zip(items["item_id"], items["text"], refs, strict=True):
        if not isinstance(text, str) or not text:
            continue
        ref_date = None if pd.isna(ref) else ref.date()
        for fig in find_casualties(text, ref_date):
            fig["item_id"] = item_id
            rows.append(fig)
    if not rows:
        return CASUALTIES.empty()
    return validate(pd.DataFrame(rows), CASUALTIES)


def find_casualties(text: str, ref_date: date | None = None) -> list[dict]:
    """Casualty figures in one text, as dicts with the CASUALTIES columns (no ``item_id``).

    ``ref_date`` resolves month names without a year ("daily in October").
    """
    if not text or not KEYWORDS.search(text):
        return []
    if "<" in text or "&" in text:
        # HTML remnants become spaces of the same length, so offsets still point into text
        text = MARKUP.sub(lambda m: " " * len(m.group()), text)
    out: list[dict] = []
    waiting: list[dict] = []  # figures of the previous sentence that name no claimant
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        if waiting:
            # "... 700,000 casualties. This ..., according to UK Chief of Defence Staff X."
            # The next sentence names the source when it carries no figure of its own.
            if not KEYWORDS.search(sentence) or not _sentence_figures(text, start, end, ref_date):
                m = CLAIM_ACCORDING.search(sentence)
                who = _clean_claimant(m.group("c")) if m else None
                for fig in waiting:
                    fig["claimant"] = who
            waiting = []
        if not KEYWORDS.search(sentence):
            continue
        figs = _sentence_figures(text, start, end, ref_date)
        out.extend(figs)
        waiting = [f for f in figs if f["claimant"] is None]
    return out


# --- one sentence -------------------------------------------------------------------------


class _Fig:
    """A figure while it is being built (positions are token indices)."""

    __slots__ = (
        "value",
        "value_max",
        "kind",
        "first",
        "last",
        "np",
        "approx",
        "inherit",
        "singular",
        "agent_subject",
    )

    def __init__(
        self, value, value_max, kind, first, last, np, approx, inherit=False, singular=False
    ):
        self.value, self.value_max, self.kind = value, value_max, kind
        self.first, self.last, self.np = first, last, np  # np: token indices naming the people
        self.approx, self.inherit, self.singular = approx, inherit, singular
        self.agent_subject = None  # side of the subject of an active verb ("the Russians killed")


def _sentence_figures(text: str, s0: int, s1: int, ref_date: date | None) -> list[dict]:
    sentence = text[s0:s1]
    toks = tokenize(sentence, s0)
    n = len(toks)
    if n == 0:
        return []
    lows = [t.low for t in toks]
    figs: list[_Fig] = []
    used: set[int] = set()
    numbers: dict[int, Number] = {}
    for i in range(n):
        c = lows[i][0]
        if c.isdigit() or lows[i].split("-")[0] in _NUMBER_STARTS:
            num = read_number(toks, i, text)
            if num is not None:
                numbers[i] = num
    pending: list[tuple[Number, list[int], int]] = []  # list members waiting for a kind
    for i in sorted(numbers):
        num = numbers[i]
        if num.first in used:
            if i > 0 and lows[i - 1] == "including":  # a part named inside a figure's phrase
                part = _including(lows, num, figs)
                if part is not None and part.first > figs[-1].first:
                    figs.append(part)
            continue
        if _is_noise(toks, lows, num):
            continue
        fig = _forward(toks, lows, num, numbers, pending)
        if fig is None:
            fig = _backward(toks, lows, num)
        if fig is None:
            fig = _including(lows, num, figs)
        if fig is None:
            continue
        if fig.kind == "captured" and EXCHANGE.search(sentence):
            continue
        for p_num, p_np, _ in pending:
            if _ends_before(p_num, p_np, fig.first, lows):
                figs.append(
                    _Fig(
                        p_num.value,
                        p_num.value_max,
                        fig.kind,
                        p_num.first,
                        p_num.stop - 1 if not p_np else p_np[-1],
                        p_np,
                        _hedged(lows, p_num.first),
                    )
                )
        pending = []
        figs.append(fig)
        used.update(range(fig.first, fig.last + 1))
        figs.extend(_list_tail(toks, lows, fig, numbers, used))
    singles = _singulars(toks, lows, used)
    for p_num, p_np, _ in pending:  # "Three militants, civilian killed"
        head = next((f for f in singles if _ends_before(p_num, p_np, f.first, lows)), None)
        if head is not None:
            last = p_np[-1] if p_np else p_num.stop - 1
            figs.append(
                _Fig(
                    p_num.value,
                    p_num.value_max,
                    head.kind,
                    p_num.first,
                    last,
                    p_np,
                    _hedged(lows, p_num.first),
                )
            )
    figs.extend(singles)
    figs.extend(_families(text, sentence, toks, lows, used))
    if not figs:
        return []
    figs.sort(key=lambda f: f.first)
    return _describe(text, sentence, s0, toks, lows, figs, ref_date)


_NUMBER_STARTS = {"a", "an"} | set(
    """one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty
    ninety""".split()
)


def _is_noise(toks: list[Token], lows: list[str], num: Number) -> bool:
    """Numbers that are never figures: years, percentages, money, clock times, "no one"."""
    i, j = num.first, num.stop
    nxt = lows[j] if j < len(lows) else ""
    prev = lows[i - 1] if i > 0 else ""
    if nxt in {
        "%",
        "percent",
        "per",
        "pc",
        "billion",
        "bn",
        "years",
        "year",
        "days",
        "hours",
        "km",
        "kilometers",
        "kilometres",
        "miles",
        "metres",
        "meters",
        "times",
        "am",
        "pm",
        "a.m",
        "p.m",
        "o'clock",
    }:
        return True
    if prev in {"$", "€", "£", "no", "number", "no.", "nr", "#", "page", "article", "resolution"}:
        return True
    if _after_age_word(lows, i):
        return True
    if lows[i] in {"a", "an"} and num.value == 1:
        return True
    if lows[i].isdigit() and len(lows[i]) == 4 and 1800 <= num.value <= 2100 and num.stop == i + 1:
        # a year unless people follow ("2014 soldiers" is rare but real)
        return nxt not in PEOPLE and nxt not in FORWARD_KIND
    return False


# Ages ("two men aged 50 and 48 were killed": the figure is two, not 48).
AGE_WORDS = {"aged", "ages", "age"}
LIST_JOINERS = {"and", "or", ",", "to", "-", "–"}


def _after_age_word(lows: list[str], i: int) -> bool:
    """True when the number at ``i`` ends a list of numbers that follows "aged"."""
    k = i - 1
    while (
        k >= 1
        and lows[k] in LIST_JOINERS
        and (lows[k - 1].isdigit() or lows[k - 1] in _NUMBER_STARTS)
    ):
        k -= 2
    return k >= 0 and lows[k] in AGE_WORDS


def _skip_ages(lows: list[str], k: int, numbers) -> int:
    """Step over ", aged 50 and 48," after the people of a figure."""
    n = len(lows)
    j = k + 1 if k < n and lows[k] == "," else k
    if j >= n or lows[j] not in AGE_WORDS or not numbers.get(j + 1):
        return k
    j = numbers[j + 1].stop
    while j + 1 < n and lows[j] in LIST_JOINERS and numbers.get(j + 1):
        j = numbers[j + 1].stop
    return j + 1 if j < n and lows[j] == "," else j


def _before_ages(lows: list[str], j: int) -> int:
    """Step back over "[,] aged 67 [,]" that ends at ``j`` ("a woman aged 67 was injured")."""
    k = j - 1 if j >= 0 and lows[j] == "," else j

    def is_number(x: int) -> bool:
        return x >= 0 and (lows[x].isdigit() or lows[x] in _NUMBER_STARTS - {"a", "an"})

    if not is_number(k):
        return j
    while k >= 2 and lows[k - 1] in LIST_JOINERS and is_number(k - 2):
        k -= 2
    if k >= 1 and lows[k - 1] in AGE_WORDS:
        k -= 2
        return k - 1 if k >= 0 and lows[k] == "," else k
    return j


def _hedged(lows: list[str], i: int) -> bool:
    if i >= 1 and lows[i - 1] in HEDGE_ONE:
        return True
    if i >= 2 and (lows[i - 2], lows[i - 1]) in HEDGE_TWO:
        return True
    if i >= 3 and lows[i - 3] in {"as", "no", "fewer"} and lows[i - 1] in {"as", "than"}:
        return True
    return False


def _kind_run(lows: list[str], k: int, table: dict[str, str]) -> tuple[str, int] | None:
    """A casualty word at ``k``, with "killed or injured"-style runs merged; (kind, last index)."""
    if k >= len(lows) or lows[k] not in table:
        return None
    kinds = {table[lows[k]]}
    last = k
    j = k + 1
    while j + 1 < len(lows) and lows[j] in {"or", "and", ",", "and/or"}:
        step = j + 1
        if lows[step] in {"or", "and"}:
            step += 1
        if step < len(lows) and lows[step] in FORWARD_KIND:
            kinds.add(FORWARD_KIND[lows[step]])
            last = step
            j = step + 1
        else:
            break
    return _merge_kinds(kinds), last


def _merge_kinds(kinds: set[str]) -> str:
    if len(kinds) == 1:
        return next(iter(kinds))
    if kinds & {"killed", "injured", "killed_or_injured"}:
        return "killed_or_injured"
    return sorted(kinds)[0]


def _forward(toks, lows, num: Number, numbers, pending) -> _Fig | None:
    """``N [of them] [modifiers] [people] [aux] KIND``."""
    n = len(lows)
    k = num.stop
    np: list[int] = []
    if k + 1 < n and lows[k] == "of" and lows[k + 1] in {"them", "those", "whom", "these"}:
        np.append(k + 1)
        k += 2
    skipped = 0
    while (
        k < n
        and skipped < 4
        and lows[k] not in PEOPLE
        and lows[k] not in FORWARD_KIND
        and (lows[k] in MODIFIERS or (toks[k].text[:1].isupper() and lows[k] not in AUX))
    ):
        np.append(k)
        k += 1
        skipped += 1
    has_people = False
    while k < n and lows[k] in PEOPLE:
        has_people = True
        np.append(k)
        k += 1
        # "athletes and coaches", "soldiers of the Armed Forces of Ukraine"
        if (
            k + 1 < n
            and lows[k] == "and"
            and lows[k + 1] in PEOPLE
            and (k + 2 >= n or lows[k + 2] not in {"and"})
        ):
            k += 1
            continue
        if k < n and lows[k] == "including":  # "Five civilians including two children die"
            e = k + 1
            while e < n and e - k <= 5 and lows[e] not in FORWARD_KIND and lows[e] not in AUX:
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
    if has_people:
        k = _skip_ages(lows, k, numbers)
    aux = 0
    while k < n and aux < 4 and (lows[k] in AUX) and lows[k] not in FORWARD_KIND:
        if lows[k] in NEGATIONS:
            return None
        k += 1
        aux += 1
    if k < n and lows[k] in NEGATIONS:
        return None
    run = _kind_run(lows, k, FORWARD_KIND)
    if run is None:
        # A list member waiting for the kind of what follows: "Two Ukrainian officers, two rebels killed"
        if has_people and k + 1 < n and lows[k] in {",", "and"}:
            pending.append((num, np, k + 1))
        return None
    kind, last = run
    if lows[k] in NEEDS_PEOPLE and not has_people:
        return None
    if (
        lows[k] in {"dead", "death", "deaths"}
        and k + 1 < n
        and lows[k + 1] in {"end", "zone", "man", "heat", "serious", "camp", "knell"}
    ):
        return None
    if lows[k] in {"die", "dies"} and aux == 0 and not has_people:
        return None  # "one die", "the two die" are rare; "a dice" ...
    if (
        lows[k] in {"death", "injury", "casualty", "fatality", "prisoner", "captive"}
        and num.value > 1
    ):
        # singular nouns after a plural number are compounds: "5 death camps", "3 injury cases"
        return None
    if (
        lows[k] in {"prisoners", "prisoner", "captives", "pows"}
        and k + 1 < n
        and lows[k + 1] in {"swaps", "swap", "exchange", "exchanges", "of"}
    ):
        return None
    return _Fig(num.value, num.value_max, kind, num.first, last, np, _hedged(lows, num.first))


def _backward(toks, lows, num: Number) -> _Fig | None:
    """``VERB [hedge] N [people]``, ``the lives of N``, ``death toll rose to N``."""
    i = num.first
    n = len(lows)
    j = i - 1
    # skip hedges
    if j >= 0 and lows[j] in HEDGE_ONE:
        j -= 1
    elif j >= 1 and (lows[j - 1], lows[j]) in HEDGE_TWO:
        j -= 2
    elif j >= 2 and lows[j] in {"than", "as"} and lows[j - 2] in {"as", "no", "fewer"}:
        j -= 3
    if j < 0:
        return None
    np, k = _object_np(lows, num.stop)
    verb = lows[j]
    kind = None
    if verb in BACKWARD_KIND:
        kind = BACKWARD_KIND[verb]
        if not np and k < n and lows[k] not in LOOSE_END and lows[k] not in PEOPLE:
            return None  # "killed 50 times", "wounded 3 horses"
        if verb == "shot" and not (k < n and lows[k] == "dead"):
            return None
        kind = _backward_run(lows, j, kind)
    elif verb in BACKWARD_PEOPLE:
        if not any(lows[x] in PEOPLE for x in np):
            return None
        kind = _backward_run(lows, j, BACKWARD_PEOPLE[verb])
    elif verb == "of" and j >= 1 and lows[j - 1] in OF_KIND:
        if lows[j - 1] in {"death", "deaths"} and j >= 2 and lows[j - 2] in {"the", "a"} and not np:
            return None
        kind = OF_KIND[lows[j - 1]]
    elif verb in TOLL_VERB:
        for back in range(j - 1, max(-1, j - 12), -1):
            if lows[back] in CLAUSE_END - {","}:
                break
            if lows[back] in TOLL_KIND and (
                lows[back] != "killed" or back >= 1 and lows[back - 1] in {"of", "the"}
            ):
                kind = TOLL_KIND[lows[back]]
                break
        if kind is None:
            return None
        if np and not any(lows[x] in PEOPLE for x in np):
            return None
    if kind is None:
        return None
    if j >= 1 and lows[j - 1] in NEGATIONS:
        return None
    last = np[-1] if np else num.stop - 1
    fig = _Fig(num.value, num.value_max, kind, num.first, last, np, _hedged(lows, num.first))
    # the subject before an active verb is the attacker: "the Russians killed three civilians"
    if verb in BACKWARD_KIND or verb in {"destroyed", "eliminated", "liquidated"}:
        for back in range(j - 1, max(-1, j - 5), -1):
            side = _side_of_token(lows, back)
            if side:
                fig.agent_subject = side
                break
            if lows[back] in CLAUSE_END:
                break
    return fig


def _backward_run(lows: list[str], j: int, kind: str) -> str:
    """ "killed, injured or captured N": merge the verbs before the one next to N."""
    kinds = {kind}
    k = j - 1
    while k >= 1 and lows[k] in {"or", "and", ","}:
        k -= 1
        if lows[k] == ",":
            k -= 1
        word = lows[k]
        if word in BACKWARD_KIND:
            kinds.add(BACKWARD_KIND[word])
        elif word in FORWARD_KIND:
            kinds.add(FORWARD_KIND[word])
        else:
            break
        k -= 1
    return _merge_kinds(kinds)


def _object_np(lows: list[str], k: int) -> tuple[list[int], int]:
    """Tokens naming the people after a number: "more Ukrainian soldiers of the APU"."""
    n = len(lows)
    np: list[int] = []
    if k + 1 < n and lows[k] == "of" and lows[k + 1] in {"them", "those", "whom"}:
        return [k + 1], k + 2
    j = k
    while j < n and j - k < 4 and (lows[j] in MODIFIERS or lows[j] in PEOPLE):
        np.append(j)
        j += 1
        if lows[j - 1] in PEOPLE and not (j < n and lows[j] in PEOPLE):
            break
    if not any(lows[x] in PEOPLE for x in np):
        return [], k
    # "of the Armed Forces of Ukraine"
    if j < n and lows[j] == "of":
        e = j + 1
        while (
            e < n
            and e - j <= 6
            and lows[e] not in CLAUSE_END
            and lows[e] not in {"and", "in", "on", "near"}
        ):
            e += 1
        np.extend(range(j + 1, e))
        j = e
    return np, j


def _including(lows: list[str], num: Number, figs: list[_Fig]) -> _Fig | None:
    """ "including two children": a part of the figure just before, with its kind."""
    i = num.first
    if i == 0 or lows[i - 1] not in {"including", "among", "incl"} or not figs:
        return None
    np, _ = _object_np(lows, num.stop)
    if not np:
        return None
    head = figs[-1]
    if head.value is not None and num.value > head.value:
        return None
    return _Fig(num.value, num.value_max, head.kind, i, np[-1], np, _hedged(lows, i))


def _ends_before(num: Number, np: list[int], start: int, lows: list[str]) -> bool:
    last = np[-1] if np else num.stop - 1
    return 0 < start - last <= 2 and all(lows[x] in {",", "and"} for x in range(last + 1, start))


def _list_tail(toks, lows, fig: _Fig, numbers, used) -> list[_Fig]:
    """ ", 58 colonels and 176 lieutenant colonels" after a figure: same kind."""
    out = []
    n = len(lows)
    k = fig.last + 1
    while k + 1 < n and lows[k] in {",", "and"}:
        k += 1
        if lows[k] == "and":
            k += 1
        num = numbers.get(k)
        if num is None:
            break
        np, _ = _object_np(lows, num.stop)
        if not np or num.first in used:
            break
        # "killed 3 soldiers and 2 civilians were wounded" -> the second has its own verb
        after = np[-1] + 1
        while after < n and lows[after] in AUX:
            after += 1
        if after < n and lows[after] in FORWARD_KIND:
            break
        tail = _Fig(
            num.value, num.value_max, fig.kind, num.first, np[-1], np, _hedged(lows, num.first)
        )
        tail.agent_subject = fig.agent_subject
        out.append(tail)
        used.update(range(tail.first, tail.last + 1))
        k = tail.last + 1
    return out


# "killed two months later": a number of time units after a verb is not its object.
TIME_WORDS = {
    "days",
    "day",
    "weeks",
    "week",
    "months",
    "month",
    "years",
    "year",
    "hours",
    "hour",
    "minutes",
    "later",
    "ago",
    "earlier",
}

SINGULAR_KIND = {
    **dict.fromkeys(
        "killed dead died dies kia liquidated slain perished executed murdered".split(), "killed"
    ),
    **dict.fromkeys("wounded injured wia hurt".split(), "injured"),
    **dict.fromkeys("captured".split(), "captured"),
    **dict.fromkeys("missing".split(), "missing"),
}


def _singulars(toks, lows, used: set[int]) -> list[_Fig]:
    """One person: "a woman died", "Soldier killed", "Gen. X, commander of ..., died", "another wounded"."""
    out = []
    n = len(lows)
    for m in range(n):
        if lows[m] not in SINGULAR_KIND or m in used:
            continue
        # active use: "soldier killed three civilians", "soldier killed a civilian"
        if m + 1 < n and (
            lows[m + 1] in PEOPLE
            or lows[m + 1] in {"the", "his", "her", "their", "a", "an"}
            or (lows[m + 1][0].isdigit() or lows[m + 1] in _NUMBER_STARTS)
            and not (m + 2 < n and lows[m + 2] in TIME_WORDS)
        ):
            continue
        if (
            lows[m] == "dead"
            and m + 1 < n
            and lows[m + 1] in {"end", "zone", "heat", "man", "body"}
        ):
            continue
        j = m - 1
        while j >= 0 and lows[j] in AUX and j > m - 4:
            j -= 1
        j = _before_ages(lows, j)
        if j < 0:
            continue
        if lows[j] in {"another", "one"} and (j == 0 or lows[j - 1] not in NEGATIONS):
            if lows[j] == "another" and not (j > 0 and lows[j - 1] in {",", "and", ";"} or j == 0):
                continue
            if lows[j] == "one" and j + 1 == m:
                continue  # "one killed" is read by the number rules
            out.append(
                _Fig(1, None, SINGULAR_KIND[lows[m]], j, m, [], False, inherit=True, singular=True)
            )
            used.update(range(j, m + 1))
            continue
        head = None
        if lows[j] in SINGULAR:
            head = j
        elif toks[j].text[:1].isupper() or lows[j] == ",":
            head = _named_person(toks, lows, j)
        if head is None:
            continue
        # walk back over the modifiers to the determiner
        b = head
        while b - 1 >= 0 and (
            lows[b - 1] in MODIFIERS
            or lows[b - 1] in SIDE_WORDS
            or lows[b - 1] in {"a", "an", "the", "one"}
        ):
            b -= 1
            if lows[b] in {"a", "an", "the", "one"}:
                break
        if b - 1 >= 0 and (
            lows[b - 1] in NEGATIONS
            or lows[b - 1] in _NUMBER_STARTS - {"a", "an", "one"}
            or lows[b - 1][0].isdigit()
        ):
            continue
        if b - 1 >= 0 and lows[b - 1] in {"every", "each", "any", "whose", "if", "of"}:
            continue
        if any(x in used for x in range(b, m + 1)):
            continue
        np = list(range(b, head + 1))
        out.append(_Fig(1, None, SINGULAR_KIND[lows[m]], b, m, np, False, singular=True))
        used.update(range(b, m + 1))
    return out


def _named_person(toks, lows, j: int) -> int | None:
    """Index of the title or noun that makes ``... Name [, apposition,]`` one person."""
    if lows[j] == ",":  # skip an apposition back to its opening comma
        k = j - 1
        while k >= 0 and j - k < 25 and lows[k] != ",":
            if lows[k] in {".", ";", "and"}:
                return None
            k -= 1
        if k <= 0 or lows[k] != ",":
            return None
        j = k - 1
    if lows[j] in SINGULAR:
        return j
    names = 0
    while j >= 0 and toks[j].text[:1].isupper() and lows[j] not in TITLES and names < 3:
        j -= 1
        names += 1
    if j < 0:
        return None
    if lows[j] == "." and j >= 1 and lows[j - 1] in TITLES:
        j -= 1
    if names and lows[j] in TITLES:
        return j
    if lows[j] in SINGULAR and names == 0:
        return j
    return None


def _families(text: str, sentence: str, toks, lows, used) -> list[_Fig]:
    """ "the murder of a family of nine": nine killed, when the sentence speaks of killing."""
    out = []
    if "family" not in sentence.lower():
        return out
    n = len(lows)
    killing = any(
        w
        in {
            "murder",
            "murdered",
            "killed",
            "killing",
            "shot",
            "shooting",
            "died",
            "dead",
            "executed",
            "massacre",
        }
        for w in lows
    )
    if not killing:
        return out
    for k in range(n - 2):
        if lows[k] == "family" and lows[k + 1] == "of" and k + 2 not in used:
            num = read_number(toks, k + 2, text)
            if num is None:
                continue
            out.append(_Fig(num.value, None, "killed", k, num.stop - 1, [k], False))
            used.update(range(k, num.stop))
    return out


# --- attributes ---------------------------------------------------------------------------


def _side_of_token(lows: list[str], k: int) -> str | None:
    w = lows[k]
    if w in SIDE_WORDS:
        if (
            w in {"ukraine", "ukraine's", "russia", "russia's"}
            and k + 1 < len(lows)
            and lows[k + 1] in {"region", "oblast"}
        ):
            return None
        return SIDE_WORDS[w]
    if w.endswith("'s") and w[:-2] in SIDE_WORDS:
        return SIDE_WORDS[w[:-2]]
    if w in {"korean", "koreans"} and k >= 1 and lows[k - 1] == "north":
        return "north_korea"
    return None


def _np_side(lows: list[str], np: list[int], sentence_low: str, toks, s0: int) -> str | None:
    if not np:
        return None
    a, b = toks[np[0]].start - s0, toks[np[-1]].end - s0
    span = sentence_low[a:b]
    for rx, side in SIDE_PHRASES:
        if rx.search(span):
            return side
    for k in np:
        side = _side_of_token(lows, k)
        if side:
            return side
    return None


def _opposite(side: str | None) -> str | None:
    return {"russia": "ukraine", "ukraine": "russia"}.get(side or "")


def _words_side(words: str) -> str | None:
    low = words.lower()
    for rx, side in SIDE_PHRASES:
        if rx.search(low):
            return side
    for w in re.findall(r"[\w'’\-]+", low):
        w = w.replace("’", "'")
        if w in SIDE_WORDS and w not in {"ukraine", "russia"}:
            return SIDE_WORDS[w]
        if w.endswith("'s") and w[:-2] in SIDE_WORDS:
            return SIDE_WORDS[w[:-2]]
    for w in re.findall(r"[\w'’\-]+", low):
        if w in {"ukraine", "russia"}:
            return SIDE_WORDS[w]
    return None


def _agent_side(sentence: str) -> str | None:
    m = AGENT_BY.search(sentence)
    if m:
        return _words_side(m.group(1) or m.group(2))
    for m in AGENT.finditer(sentence):
        words = m.group("a") or m.group("b") or m.group("c")
        if words.lower() in {"enemy"}:
            return "russia"
        side = _words_side(words)
        if side:
            return side
    return None


def _owner_side(sentence: str) -> tuple[str | None, str]:
    """Side and group of who suffered or lost: "APU lost ...", "losses of the Armed Forces"."""
    for m in OWNER.finditer(sentence):
        words = (m.group("o") or m.group("p") or "").split(",")[-1]
        side = _words_side(words)
        if side:
            military = re.search(
                r"forces|army|troops|military|units?|brigade|legion|battalion|regiment|apu|afu|militia",
                words,
                re.I,
            )
            return side, "military" if military else "unknown"
    return None, "unknown"


def _group(lows: list[str], np: list[int]) -> str:
    words = [lows[k] for k in np]
    if any(w in {"civilian", "civilians", "civil"} for w in words):
        return "civilian"
    for w in reversed(words):
        if w in MILITARY_NOUNS:
            return "military"
        if w in CIVILIAN_NOUNS:
            return "civilian"
    if any(
        w in {"military", "army", "apu", "afu", "uaf", "forces", "troops", "dpr", "lpr"}
        for w in words
    ):
        return "military"
    if any(w in MILITARY_TITLES for w in words):
        return "military"
    return "unknown"


def _clean_claimant(who: str) -> str | None:
    who = who.strip(" .,'\"“”")
    who = re.sub(r"^(?:UPDATE \d+-|and |but |while )", "", who, flags=re.I).strip()
    who = re.sub(r"\s+(?:on|in|at|late|earlier|this|last)\s+\w+$", "", who).strip()
    if not who or len(who.split()) > 9 or CLAIM_BAD.search(who):
        return None
    return who


def _is_dateline(who: str) -> bool:
    """ "Kyiv: one killed" names a place, not who says so ("Basurin: ..." does)."""
    entry = load_gazetteer().phrases.get(who)
    return entry is not None and entry.kind in ("place", "country")


def _claimant(sentence: str) -> str | None:
    for rx in (CLAIM_ACCORDING, CLAIM_TAIL, CLAIM_VERB_AFTER, CLAIM_VERB_BEFORE, CLAIM_COLON):
        for m in rx.finditer(sentence):
            who = next((g for g in m.groups() if g), None)
            if not who:
                continue
            who = _clean_claimant(who)
            if who is None:
                continue
            if rx is CLAIM_COLON and _is_dateline(who):
                continue
            if rx is CLAIM_VERB_AFTER and not (
                who[0].isupper()
                or who.lower().startswith(
                    ("the ", "regional", "local", "officials", "authorities", "military", "police")
                )
            ):
                continue
            return who
    return None


def _clause(toks, lows, fig: _Fig, s0: int) -> tuple[int, int]:
    """Character span (sentence-relative) of the clause around a figure."""
    n = len(lows)
    a = fig.first
    steps = 0
    while a > 0 and lows[a - 1] not in CLAUSE_END and steps < 12:
        a -= 1
        steps += 1
    b = fig.last
    while b + 1 < n and lows[b + 1] not in CLAUSE_END:
        b += 1
    return toks[a].start - s0, toks[b].end - s0


def _per(span: str) -> str | None:
    if PER_DAY.search(span):
        return "day"
    if PER_MONTH.search(span):
        return "month"
    if PER_TOTAL.search(span):
        return "total"
    return None


def _period(span: str, ref_date: date | None) -> tuple[date | None, date | None]:
    m = DATE_DAY.search(span)
    if m:
        month = MONTHS[(m.group("m1") or m.group("m2")).lower()]
        day = int(m.group("d1") or m.group("d2"))
        year = int(m.group("y")) if m.group("y") else _year_for(month, day, ref_date)
        if year is not None and 1 <= day <= calendar.monthrange(year, month)[1]:
            d = date(year, month, day)
            return d, d
    m = DATE_MONTH.search(span)
    if m and m.group("m").lower() != "may" or m and m.group("y"):
        month = MONTHS[m.group("m").lower()]
        year = int(m.group("y")) if m.group("y") else _year_for(month, 1, ref_date)
        if year is not None:
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    return None, None


def _year_for(month: int, day: int, ref_date: date | None) -> int | None:
    """The latest year in which month/day is not after the reference date."""
    if ref_date is None:
        return None
    year = ref_date.year
    if (month, day) > (ref_date.month, ref_date.day):
        year -= 1
    return year


def _describe(text, sentence, s0, toks, lows, figs: list[_Fig], ref_date) -> list[dict]:
    sentence_low = sentence.lower()
    claimant = _claimant(sentence)
    claim_side = None
    if claimant and not CLAIMANT_NEUTRAL.search(claimant):
        for rx, side in CLAIMANT_SIDE:
            if rx.search(claimant):
                claim_side = side
                break
    agent = None
    agent_done = False
    owner, owner_group = (
        _owner_side(sentence)
        if re.search(r"suffer|sustain|lost|loses|losses", sentence_low)
        else (None, "unknown")
    )
    clauses = [_clause(toks, lows, f, s0) for f in figs]
    local_per = [_per(sentence[a:b]) for a, b in clauses]
    occupied = "occupied" in sentence_low
    out = []
    prev = None
    for fig, (a, b), per in zip(figs, clauses, local_per, strict=True):
        side = _np_side(lows, fig.np, sentence_low, toks, s0)
        group = _group(lows, fig.np)
        if side is None and fig.agent_subject:
            side = _opposite(fig.agent_subject)
        if (
            side is None
            and fig.kind == "killed_or_injured"
            or side is None
            and owner
            and not fig.np
        ):
            side = owner
        if (
            side is None
            and prev is not None
            and (
                not [k for k in fig.np if lows[k] in PEOPLE]
                or (group == prev[1] != "unknown" and fig.kind == prev[2])
            )
        ):
            side = prev[
                0
            ]  # "Two Ukrainian soldiers killed, 8 wounded"; "... and they eliminated 5,000 troops"
        if side is None:
            if not agent_done:
                agent, agent_done = _agent_side(sentence), True
            side = _opposite(agent)
        if side is None and claim_side:
            side = claim_side
        if side is None and group == "civilian" and occupied:
            side = "ukraine"
        if group == "unknown" and prev is not None and not [k for k in fig.np if lows[k] in PEOPLE]:
            group = prev[1]
        if (
            group == "unknown"
            and side
            and any(lows[k] in {"invaders", "occupiers", "militia"} for k in fig.np)
        ):
            group = "military"
        if per is None:  # a cue just before or after the clause: "During the day, ..."
            per = _per(sentence[max(0, a - PER_REACH[0]) : b + PER_REACH[1]])
        if group == "unknown" and fig.kind == "killed_or_injured" and not fig.np:
            group = owner_group
        if per is None and fig.value is not None and fig.value >= CUMULATIVE_FROM:
            per = "total"
        per = per or "event"
        start, end = toks[fig.first].start, toks[fig.last].end
        if _hedged(lows, fig.first):
            start = toks[
                fig.first
                - (
                    2
                    if (fig.first >= 2 and (lows[fig.first - 2], lows[fig.first - 1]) in HEDGE_TWO)
                    else 1
                )
            ].start
        if end - start > QUOTE_MAX:
            start, end = toks[fig.first].start, toks[min(fig.first + 3, fig.last)].end
        p_start, p_end = _period(sentence[a:b], ref_date)
        if p_start is None and per != "day":
            p_start, p_end = _period(sentence, ref_date) if len(figs) == 1 else (None, None)
        value = fig.value if fig.value is not None and fig.value <= MAX_VALUE else None
        out.append(
            {
                "value": value,
                "value_max": fig.value_max,
                "kind": fig.kind,
                "side": side or "unknown",
                "group": group,
                "claimant": claimant,
                "per": per,
                "period_start": p_start,
                "period_end": p_end,
                "approximate": fig.approx,
                "quote": text[start:end],
                "sentence": sentence,
                "start": start,
                "end": end,
            }
        )
        prev = (side, group, fig.kind)
    return out
