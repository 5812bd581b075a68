"""The extractor's vocabulary: word tables read once from ``dashboard/data/casualty_words.toml``,
and the regexes whose value is their pattern.

Every word set of the rules lives in the TOML file (with a comment saying why it is there);
this module only turns it into frozensets and dicts under upper-case names.
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources

from dashboard.sides import side_phrases, side_places, side_words

_DATA = tomllib.loads(
    resources.files("dashboard").joinpath("data", "casualty_words.toml").read_text(encoding="utf-8")
)
_WORDS = _DATA["words"]
_SIDES = _DATA["sides"]


def _set(table: dict, key: str) -> frozenset[str]:
    return frozenset(table[key].split())


def _kinds(table: dict) -> dict[str, str]:
    """``{kind: "word word ..."}`` as ``{word: kind}`` (a later kind wins a shared word)."""
    return {word: kind for kind, words in table.items() for word in words.split()}


def _alternatives(key: str) -> str:
    return "|".join(_WORDS[key])


def words(key: str) -> frozenset[str]:
    """One word set of the ``[words]`` table."""
    return _set(_WORDS, key)


# --- casualty words -----------------------------------------------------------------------

# Prefilter: a sentence without one of these stems cannot carry a figure.
# Matched on lower-cased text (``has_keyword``): an IGNORECASE alternation of 30-odd stems
# cost 8x more (0.73 vs 0.09 s a pass over the four corpora), about half the casualty
# extractor's time.
KEYWORDS = re.compile("|".join(stem.lower() for stem in _DATA["keyword_stems"]))


def has_keyword(text: str) -> bool:
    """Whether ``text`` has a casualty word stem (the quick test before any parsing)."""
    return KEYWORDS.search(text.lower()) is not None


FORWARD_KIND = _kinds(_DATA["forward_kind"])
NEEDS_PEOPLE = words("needs_people")
BACKWARD_KIND = _kinds(_DATA["backward_kind"])
BACKWARD_PEOPLE = _kinds(_DATA["backward_people"])
OF_KIND = _kinds(_DATA["of_kind"])
TOLL_KIND = _kinds(_DATA["toll_kind"])
TOLL_VERB = words("toll_verb")
SINGULAR_KIND = _kinds(_DATA["singular_kind"])

# --- people -------------------------------------------------------------------------------

MILITARY_NOUNS = words("military_nouns")
CIVILIAN_NOUNS = words("civilian_nouns")
OTHER_PEOPLE = words("other_people")
PEOPLE = MILITARY_NOUNS | CIVILIAN_NOUNS | OTHER_PEOPLE
SINGULAR = words("singular")
SEVERAL_IN_ONE: dict[str, int] = dict(_WORDS["several_in_one"])
BARE_CLAUSE_OPENERS = words("bare_clause_openers")
TITLES = words("titles")
MILITARY_TITLES = words("military_titles")
# ... and every word of a side ("Palestinian kids", "Wagner fighters"): sides.toml
# What the words of a compound noun after its first read as (never a word of the text):
# skipped as a modifier or an auxiliary is.
FILLER = "·"


class _WordsOrAffixed(frozenset):
    """A word set that also holds every hyphenated word opening with one of ``prefixes``
    ("anti-coup", "pro-democracy") or closing with one of ``suffixes`` ("Moscow-backed",
    "Kremlin-installed"): a word shape, not a list of every such adjective."""

    def __new__(cls, members, prefixes, suffixes):
        out = super().__new__(cls, members)
        out.prefixes = tuple(sorted(prefixes))
        out.suffixes = tuple(sorted(suffixes))
        return out

    def __contains__(self, word) -> bool:
        return frozenset.__contains__(self, word) or (
            isinstance(word, str)
            and len(word) > 5
            and (word.startswith(self.prefixes) or word.endswith(self.suffixes))
        )


MODIFIERS = _WordsOrAffixed(
    words("modifiers") | frozenset(side_words()) | {FILLER},
    words("modifier_prefixes"),
    words("modifier_suffixes"),
)
AUX = words("aux") | {FILLER}
OF_PRONOUNS = words("of_pronouns")
PARTITIVE_DETERMINERS = words("partitive_determiners")
ORDINALS = words("ordinals")
ORDINAL_SUFFIXES = words("ordinal_suffixes")
OBJECT_OF_PRONOUNS = words("object_of_pronouns")
PEOPLE_JOINERS = words("people_joiners")
PARTICIPLE_JOINERS = words("participle_joiners")
KIND_NOUNS = words("kind_nouns")
ADJECTIVE_AFTER = words("adjective_after")
ANIMALS = words("animals")
OBJECT_OF_END = words("object_of_end")

# --- numbers ------------------------------------------------------------------------------

NUMBER_STARTS = words("number_starts")
ARTICLES = words("articles")
OBJECT_DETERMINERS = ARTICLES | words("object_determiners")
POSSESSIVE_TAILS = frozenset(("'s", "’s", "'", "’"))


def possessive_stem(word: str) -> str:
    """ "driver's" -> "driver"; "" when the word is no possessive."""
    return next((word[: -len(t)] for t in POSSESSIVE_TAILS if word.endswith(t)), "")


NUMBER_WORDS = NUMBER_STARTS - ARTICLES  # number starts that are not "a"/"an"
NUMBERS_ABOVE_ONE = NUMBER_WORDS - {"one"}  # "two soldier(s) killed" is a number figure
HEDGE_ONE = words("hedge_one")
HEDGE_TWO = frozenset(tuple(pair) for pair in _WORDS["hedge_two"])
HEDGE_THREE_FIRST = words("hedge_three_first")
HEDGE_THREE_LAST = words("hedge_three_last")
# Every word of a hedge, in any position ("more than", "up to", "about").
HEDGE_WORDS = (
    HEDGE_ONE | HEDGE_THREE_FIRST | HEDGE_THREE_LAST | {w for pair in HEDGE_TWO for w in pair}
)
NOISE_AFTER = words("noise_after")
YEAR_BEFORE = words("year_before")
NOISE_BEFORE = words("noise_before")
AGE_WORDS = words("age_words")
LIST_JOINERS = words("list_joiners")
TIME_WORDS = words("time_words")

# --- phrase boundaries and joiners --------------------------------------------------------

LOOSE_END = words("loose_end")
NEGATIONS = words("negations")
HYPOTHETICAL = words("hypothetical")
CLAUSE_END = words("clause_end")
SENTENCE_END = words("sentence_end")
PERSON_LIST_END = words("person_list_end")
CLAUSE_END_STRONG = CLAUSE_END - {","}  # the end of a toll phrase: a comma does not end it
KIND_JOINERS = words("kind_joiners")
VERB_JOINERS = words("verb_joiners")
CONJUNCTIONS = VERB_JOINERS - {","}  # "killed, or injured": the word after a comma
MEMBER_JOINERS = words("member_joiners")
LIST_FILLERS = MEMBER_JOINERS | words("list_fillers")
INCLUDING = words("including")
INCLUDING_WORDS = int(_WORDS["including_words"])
APPOSITION_STOP = words("apposition_stop")

# --- shapes that look like figures but are not --------------------------------------------

DEAD_COMPOUNDS_FORWARD = words("dead_compounds_forward")
DEAD_COMPOUNDS_SINGULAR = words("dead_compounds_singular")
DEAD_WORDS = words("dead_words")
DIE_WORDS = words("die_words")
SINGULAR_NOUNS = words("singular_nouns")
FATAL_ADVERBS = words("fatal_adverbs")
NOT_PEOPLE_AFTER = words("not_people_after")
BODIES_AS_ORGANISATIONS = words("bodies_as_organisations")
SINGULAR_BE = words("singular_be")
PLACE_NOUNS = words("place_nouns")
NOT_ATTACKER_AFTER = words("not_attacker_after")
AGE_AFTER = words("age_after")
IN_ACTION = words("in_action")
TARGET_PREPOSITIONS = words("target_prepositions")
REFERENTIAL = words("referential")
LOST_WORDS = words("lost_words")
LOST_NOT_END = words("lost_not_end")
LIVES = [phrase.split() for phrase in _WORDS["lost_lives"]]
FATAL_VERBS = words("fatal_verbs")
MANNER_VERBS = words("manner_verbs")
COMPOUND_PEOPLE = [(phrase.split(), word) for phrase, word in _WORDS["compound_people"]]
TOLL_COMPOUNDS = [(phrase.split(), word) for phrase, word in _WORDS["toll_compounds"]]
MANNER_TAILS = [phrase.split() for phrase in _WORDS["manner_tails"]]
SUICIDE_PHRASES = [phrase.split() for phrase in _WORDS["suicide_phrases"]]
# Phrases read as one word, by their first word: "prisoners of war" -> "pows", "death count"
# -> "toll", "took his own life" -> "died" (the rest of the phrase reads as FILLER).
READ_AS_ONE: dict[str, list[tuple[list[str], str]]] = {}
for _words, _word in [
    *COMPOUND_PEOPLE,
    *TOLL_COMPOUNDS,
    *((phrase, "died") for phrase in SUICIDE_PHRASES),
    *((phrase.split(), "executed") for phrase in _WORDS["execution_phrases"]),
]:
    READ_AS_ONE.setdefault(_words[0], []).append((_words, _word))
ACTIVE_MANNER_VERBS = words("active_manner_verbs")
ACTIVE_MANNER_TAIL = _WORDS["active_manner_tail"].split()
ACTIVE_MANNER_WORDS = int(_WORDS["active_manner_words"])
DEADLY_WOUND_NOUNS = words("deadly_wound_nouns")
WOUND_VERBS = words("wound_verbs")
TAKE_VERBS = words("take_verbs")
TAKEN_INTO = words("taken_into")
TAKEN_PEOPLE_WORDS: int = _WORDS["taken_people_words"]
FATAL_WOUND_ADJECTIVES = words("fatal_wound_adjectives")
WOUND_ADJECTIVES: int = _WORDS["wound_adjectives"]
DEADLY_WOUND_TAILS = [phrase.split() for phrase in _WORDS["deadly_wound_tail"]]
AGE_SUFFIXES = tuple(_WORDS["age_suffixes"].split())
LOCATIVES = words("locatives")
VARIANT_PLACE_BEFORE = words("variant_place_before")
PLACE_ADJUNCT_NOUNS = words("place_adjunct_nouns")
PLACE_ADJUNCT_WORDS = int(_WORDS["place_adjunct_words"])
WATER_NAMES = words("water_names")
NP_OF_PHRASE_WORDS = int(_WORDS["np_of_phrase_words"])
ORIGIN_PREPOSITIONS = words("origin_prepositions")
ENEMY_VERBS = words("enemy_verbs")
TOLL_NUMBER = words("toll_number")
FIGHTING_WORDS = words("fighting_words")
TAKEN = words("taken")
DEATH_VERBS = words("death_verbs")
DEATH_OF = words("death_of")
NAMED_DEATH_OF = words("named_death_of")
DEATH_WISHES = words("death_wishes")
NAMED_OBJECT_VERBS = words("named_object_verbs")
DEATH_COMPOUNDS = words("death_compounds")
NOUN_ADJUNCTS = int(_WORDS["noun_adjuncts"])
MAX_AGE = int(_WORDS["max_age"])
PASSIVE_AUX = words("passive_aux")
NOT_NOUN_ADJUNCTS = words("not_noun_adjuncts")
PERSON_JOINERS = words("person_joiners")
RELATIVE_PRONOUNS = words("relative_pronouns")
SINGULAR_PRONOUNS = words("singular_pronouns")
SUBJECT_OPENERS = frozenset(_WORDS["subject_openers"])
NOT_YET = [phrase.split() for phrase in _WORDS["not_yet"]]
CLAIM_VERB_WORDS = frozenset(_WORDS["claim_verbs_after"])
RELATIVE_WORDS = int(_WORDS["relative_words"])
BODY_NOUNS = words("body_nouns")
BODY_NOT_AFTER = words("body_not_after")
PRISONER_WORDS = words("prisoner_words")
EXCHANGE_AFTER = words("exchange_after")
OF_DEATH = words("of_death")
OF_DEATH_DETERMINERS = words("of_death_determiners")
TOLL_KILLED_BEFORE = words("toll_killed_before")
AGENT_VERBS = words("agent_verbs")
ACTIVE_OBJECTS = words("active_objects")
ONE_MORE = words("one_more")
ONE_MORE_AFTER = words("one_more_after")
SINGULAR_DETERMINERS = words("singular_determiners")
NOT_ONE = words("not_one")
FAMILY_KILLING = words("family_killing")
# Prisoner counts in these contexts are exchanges or court cases, not casualties.
EXCHANGE = re.compile(
    r"swap|exchang|releas|freed|returned|repatriat|sentenc|convict|arrest|detain", re.I
)

# --- group --------------------------------------------------------------------------------

CIVILIAN_WORDS = words("civilian_words")
MILITARY_WORDS = words("military_words")
FORCE_WORDS = words("force_words")
OCCUPIER_WORDS = words("occupier_words")
OWNER_MILITARY = re.compile(_alternatives("owner_military"), re.I)

# --- sides (dashboard/data/sides.toml) ----------------------------------------------------

# Whose people: the words of each side, then its country and capital names, then "the enemy"
# (Russia unless a claimant says otherwise: see attributes.enemy_side).
SIDE_WORDS = {
    **side_words(),
    **side_places(),
    **dict.fromkeys(_SIDES["rules"]["enemy"].split(), "russia"),
}
# Multi-word side names, matched on the lowered sentence.
SIDE_PHRASES = side_phrases()
SIDE_OPPOSITE: dict[str, str] = dict(_SIDES["opposite"])
SIDE_COUNTRIES = _set(_SIDES["rules"], "countries")
SIDE_PLACE_AFTER = _set(_SIDES["rules"], "place_after")
SIDE_KOREAN = _set(_SIDES["rules"], "korean")
ALLEGIANCE_SUFFIXES = tuple(_SIDES["rules"]["allegiance_suffixes"].split())
# Country and capital names weigh less than adjectives in a run of words ("Russia's Ukrainian").
SIDE_PLACES = frozenset(side_places())
SIDE_ENEMY = _set(_SIDES["rules"], "enemy")

# --- attackers and owners -----------------------------------------------------------------

# Who may be the subject of an attack verb: every side's words and places, and "the enemy".
_SUBJECTS = "|".join(
    sorted((re.escape(w) for w in {*SIDE_WORDS} if not w.endswith("'s")), key=len, reverse=True)
)
# Attackers: "shelling by Ukrainian troops", "Russian rocket strikes", "the Russians killed".
AGENT = re.compile(
    r"\b(?:by|of|from)\s+(?:the\s+)?(?P<a>[\w'’\-]+(?:\s+[\w'’\-]+){0,3}?)\s+"
    r"(?:troops|forces|army|military|artillery|shelling|strikes?|attacks?|missiles?|drones?|invaders|occupiers|gunners|snipers?"
    r"|weapons|fire|rockets?|shells|bombs?|airstrikes?|aircraft|aviation|mortars?)\b"
    r"|\b(?P<b>[\w'’\-]+)\s+(?:(?:forces|troops|army|military|militants|rebels)(?:['’]s?)?\s+)?"
    # "Russian helicopter attack", "Russian cruise missile strike": the weapon between
    r"(?:(?:helicopter|tank|air|naval|cruise|ballistic|guided|cluster|glide|aerial|rocket|missile|drone|artillery|mortar)\s+)?"
    r"(?:shelling|shells|strikes?|attacks?|bombardment|bombing|rockets?|missiles?|drones?|artillery|shelled|troops\s+killed|forces\s+killed|aggression|offensive|assault|raid|fire)\b"
    rf"|\b(?P<c>{_SUBJECTS})"
    # "Kiev's military are shelling Gorlovka", "as Kiev forces shell a village"
    r"(?:['’]s)?\s+(?:(?:forces|troops|army|military|militants)\s+)?(?:are\s+|is\s+|has\s+|have\s+)?"
    r"(?:killed|shelled|shelling|shells|shell|fired|firing|attacked|attacking|attacks|hit|hits|struck|"
    r"strikes|bombed|pounded|breaches|breached|violated|opens? fire|opened fire|downs?|downed)\b",
    re.IGNORECASE,
)
AGENT_BY = re.compile(
    r"\b(?:by|of|from)\s+(?:the\s+)?(armed forces of ukraine|ukrainian armed forces|russian federation|russian armed forces)"
    r"|\b(?:waged|launched|caused|carried out|committed|unleashed)\s+by\s+(?:the\s+)?(russia|ukraine|russians|ukrainians|moscow|kyiv|kiev)\b"
    # "shelling from Ukraine", "fire by the APU"
    # "shelling by the Armed Forces of Ukraine": up to four words name the attacker
    r"|\b(?:shelling|shells|strikes?|attacks?|fire|bombardment)\s+(?:by|from)\s+(?:the\s+)?"
    r"([\w'’\-]+(?:\s+[\w'’\-]+){0,3})"
    # "a man killed by Russian soldiers": up to three words before a place's preposition
    # ("killed by mine in east Ukraine": no attacker)
    rf"|\b(?:{_alternatives('agent_by_verbs')})\s+by\s+(?:the\s+|a\s+|an\s+)?"
    rf"((?:(?!(?:{_alternatives('agent_by_stops')})\b)[\w'’\-]+\s*){{1,3}})"
    # "Civilian car fired on by Russian BMP-2", "bus hit by a Ukrainian drone"
    r"|\b(?:fired\s+(?:on|at|upon)|attacked|shelled|struck|targeted|bombed|hit)\s+by\s+"
    r"(?:the\s+|a\s+|an\s+)?([\w'’\-]+(?:\s+[\w'’\-]+){0,3})",
    re.I,
)
# The target of an attack: "a missile strike on a Ukrainian mall", "shelling of Russian
# positions" -- its side is the victims' side.
TARGET = re.compile(
    r"\b(?:strikes?|attacks?|shelling|bombing|bombardment|raids?|assault)\s+(?:on|of|against)\s+"
    r"(?:a|an|the)?\s*(?P<t>[\w'’\-]+)",
    re.IGNORECASE,
)
# "Russia has suffered ...": the subject that owns the losses.
OWNER = re.compile(
    r"\b(?P<o>[\w'’\-]+(?:\s+[\w'’\-]+){0,6}?)\s+(?:has|have|had)?\s*(?:suffered|sustained|lost|suffers|loses)\b"
    r"|\blosses\s+of\s+(?:the\s+)?(?P<p>[\w'’\-]+(?:\s+[\w'’\-]+){0,3})"
    # "Russia has about 70 to 80,000 losses": the holder of a count of losses
    r"|\b(?P<q>[\w'’\-]+(?:\s+[\w'’\-]+){0,2}?)\s+(?:has|have|had)\s+(?:had\s+)?"
    r"(?:[\w,.\-]+\s+){1,5}?(?:losses|casualties)\b",
    re.IGNORECASE,
)
# A sentence worth an OWNER search speaks of losses.
LOSSES = re.compile(_alternatives("loss_stems"))

# --- claimant -----------------------------------------------------------------------------

# Who states it.
# "... - Defense Ministry", "...: officials", "...: Kiev" (one capitalised word after a colon)
CLAIM_TAIL = re.compile(
    r"(?:\s[-–—]|[-–—]\s)\s*(?P<c>[^-–—:;]{2,80}?)\s*$|:\s+(?P<d>[a-z][^:;]{2,50})$"
    r"|:\s+(?P<e>[A-Z][\w'’.]+(?:\s+[\w'’.]+){0,2})$"
)
CLAIM_ACCORDING = re.compile(
    r"\baccording to (?P<c>(?:[^,.;:()“”\"]|\.(?=\S)|(?<=\b[A-Z])\.){2,80})", re.I
)
CLAIM_VERB_AFTER = re.compile(
    # an apposition's closing comma may stand before the verb ("X, the governor, said")
    r"(?:^|[,“”\"—–-]\s*|\b[Aa]s\s+)(?P<c>[A-Za-z][^,;:“”\"—–]{1,80}?),?\s+"
    rf"(?:{_alternatives('claim_verbs_after')})\b"
    # a claim word before "says" is the speaker's noun: "autopsy report says" (not "The
    # report added": the report is no speaker)
    rf"(?!\s+(?:{_alternatives('claim_verbs_last')})\b)"
    # "Shelling claimed the lives of two": a toll, not a claim; "Executive found shot dead":
    # a body found, not a finding
    r"(?!\s+(?:the\s+)?li(?:ves|fe)\b)"
    rf"(?!\s+(?:{_alternatives('found_dead_words')})\b)"
)
CLAIM_VERB_BEFORE = re.compile(
    rf"(?:[-–—,]\s*|\b)(?:{_alternatives('claim_verbs_before')})\s+"
    r"(?P<c>the\s+[A-Z][^,.;:“”\"]{2,60}|[A-Z][^,.;:“”\"]{2,60})"
    # ", says operational command" closing a headline, lower case
    rf"|,\s*(?:{_alternatives('claim_verbs_before')})\s+(?P<l>[a-z][\w'’ .\-]{{2,40}})$"
)
CLAIM_COLON = re.compile(r"^(?P<c>[A-Z][\w.'’ -]{1,40}):\s")
# A wire service's slug opening a headline: "UPDATE 2-", "WRAPUP 1-", "EXCLUSIVE-".
SLUG = r"[A-Z]{4,}(?: \d+)?-"
# "Ukraine raises death toll from rebel attacks to 17": the subject revising a toll.
CLAIM_TOLL_SUBJECT = re.compile(
    rf"^(?:{SLUG})?(?P<c>[A-Z][\w.'’ -]{{1,40}}?)\s+"
    rf"(?:{_alternatives('toll_revision_verbs')})\s+(?:the\s+|its\s+)?(?:death\s+)?toll\b"
)
CLAIM_BAD = re.compile(
    r"\d|kill|dead|died|\bdies?\b|wound|injur|casualt|toll"
    # pronouns and joiners, in any case but an acronym's ("..., says WHO")
    r"|\b(?:it|he|she|they|we|i|this|that|there|which|and|or)\b|\b(?-i:(?!WHO\b))who\b"
    r"|^(?:on|via|at|to)\b"  # "..., said on Telegram": where, not who
    r"|^(?:the|a|an)$",  # "The report added ...": "report" read as the verb
    re.I,
)
# Leading and trailing words cut from a claimant ("and the governor", "... on Monday").
CLAIM_LEAD = re.compile(rf"^(?:{SLUG}|(?i:and |but |while |in the |in ))")
# ... and adverbs a speaker's verb carries ("the authors of the letter also mentioned").
CLAIM_TRAIL = re.compile(
    r"\s+(?:(?:on|in|at|late|earlier|this|last)\s+\w+"
    r"|also|further|again|too|later|earlier|previously|then|meanwhile|there|here)$"
)
CLAIMANT_OPENINGS = tuple(_WORDS["claimant_openings"])
# A pronoun claiming ("..., he said"): the speaker is the one the sentence before names.
PRONOUN_CLAIM = re.compile(
    rf"\b(?:{_alternatives('claim_pronouns')})\s+(?:{_alternatives('claim_verbs_after')})\b"
    rf"|\b(?:{_alternatives('claim_verbs_after')})\s+(?:{_alternatives('claim_pronouns')})\b",
    re.I,
)
# The subject of a claim verb: what follows the last subordinating word before it.
CLAIM_SUBJECT = re.compile(rf"^.*\b(?:{_alternatives('subject_openers')})\s+(?=\S)", re.I)
# A date right after a claim verb dates the claim, not the figure ("..., the UN said on
# Tuesday"): matched on the text before the date.
CLAIM_DATED = re.compile(rf"\b(?:{_alternatives('claim_verbs_after')})\s+(?:on\s+)?$", re.I)

# --- per and period -----------------------------------------------------------------------

# How long a figure covers: the cues of each per (dashboard/data/casualty_words.toml [per]),
# case-insensitive except where a cue says otherwise (month names only capitalised).
PER_EVENT, PER_DAY, PER_MONTH, PER_TOTAL = (
    re.compile(rf"\b(?:{'|'.join(_DATA['per'][name])})\b", re.I)
    for name in ("event", "day", "month", "total")
)
# A start cue earlier in the same clause, before a month: the month a total began.
MONTH_START_BEFORE = re.compile(rf"\b(?:{'|'.join(_DATA['per']['month_starts'])})\b[^,;.]*$", re.I)

# --- quotes and markup --------------------------------------------------------------------

QUOTE_MAX = 400  # a quote longer than this is a mis-parse of a list; keep the sentence only
# Tags and character entities left in scraped text ("<b>killed</b>", "&nbsp;").
MARKUP = re.compile(r"</?[A-Za-z][^<>]{0,200}>|&[#\w]{1,10};")
# How far (characters before, after) around a figure's clause a "per" cue still applies.
PER_REACH = (40, 60)
# An unmarked figure this large is a running total, not one incident: the war's deadliest
# single strikes killed in the tens to low hundreds ("over 475,000 Russian casualties").
CUMULATIVE_FROM = 1_000
