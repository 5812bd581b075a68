"""Claimants: the raw "who says so" phrase of a figure -> one canonical name.

The table is ``data/claimants.toml`` (editable; ``$DASHBOARD_CLAIMANTS`` points elsewhere).
A raw phrase that contains an alias is that claimant; the first entry in file order wins, so
"the General Staff of the Armed Forces of Ukraine" is the General Staff and not "Ukrainian
officials". A phrase matching no alias is kept as written only when it names a speaker (an
authority word, a known person or organisation, a proper name of a few capitalised words); a weekday, a
fragment or a sentence start is dropped.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from dashboard.extractors.gazetteer import load_gazetteer

DEFAULT_CLAIMANTS = Path(__file__).resolve().parents[2] / "data" / "claimants.toml"
CLAIMANTS_ENV = "DASHBOARD_CLAIMANTS"
POSSESSIVE = re.compile(r"'s\b")
# A surname on its own: a capital, then lower-case letters.
SURNAME = re.compile(r"[A-Z][a-z’'\-]{2,}")
# An acronym of a body: two to five capitals.
ACRONYM = re.compile(r"[A-Z]{2,5}")
HANDLE = re.compile(r"[A-Z][a-z]+(?:[A-Z][a-z0-9]+)+")
# Openings that attribution patterns carry along but that name nobody: "As the Ministry notes".
LEADING_NOISE = re.compile(r"^(?:as\s+|and\s+|but\s+|while\s+|so\s+)?(?:the\s+|an?\s+)?", re.I)
# What a text calls a body it does not recognise ("Self-proclaimed DPR says"): not its name.
QUALIFIERS = re.compile(
    r"^(?:self-proclaimed|so-called|breakaway|unrecogni[sz]ed|separatist)\s+", re.I
)


@dataclass(frozen=True)
class Claimant:
    name: str
    side: str | None  # a side code, or None for a body of neither side


@dataclass(frozen=True)
class ClaimantTable:
    claimants: tuple[Claimant, ...]
    by_name: dict[str, Claimant]  # canonical name -> entry
    alias_rx: re.Pattern  # every alias, longest first, as whole words
    alias_entry: dict[str, int]  # alias -> index of its claimant
    alone_entry: dict[str, int]  # name that is a claimant only as the whole phrase -> index
    anaphors: dict[str, tuple[int, ...]]  # "republic" -> the claimants it may point back to
    heads: frozenset[str]
    fragments: frozenset[str]
    not_speakers: frozenset[str]
    press: frozenset[str]

    def match(self, raw: str) -> Claimant | None:
        """The claimant whose alias the phrase contains (earliest entry wins)."""
        phrase = _norm(raw)
        hits = [self.alias_entry[m.group(1)] for m in self.alias_rx.finditer(phrase)]
        alone = QUALIFIERS.sub("", LEADING_NOISE.sub("", phrase))
        if not hits and alone in self.alone_entry:
            hits = [self.alone_entry[alone]]
        return self.claimants[min(hits)] if hits else None

    def named_in(self, text: str) -> set[int]:
        """The claimants a text names, by an alias or by a lone name ("the LPR")."""
        low = _norm(text)
        found = {self.alias_entry[m.group(1)] for m in self.alias_rx.finditer(low)}
        return found | {
            n for w, n in self.alone_entry.items() if re.search(rf"\b{re.escape(w)}\b", low)
        }


def _norm(text: str) -> str:
    """Lower case, one space, no possessive: "the DPR’s defense ministry" -> "the dpr defense ministry"."""
    return " ".join(POSSESSIVE.sub("", text.lower().replace("’", "'")).split())


@cache
def load_claimants(path: str | None = None) -> ClaimantTable:
    """Read the claimant table; ``ValueError`` names the file and entry when it is malformed."""
    path = Path(path or os.environ.get(CLAIMANTS_ENV) or DEFAULT_CLAIMANTS)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        entries, speaker = data["claimant"], data["speaker"]
    except (tomllib.TOMLDecodeError, KeyError) as exc:
        raise ValueError(f"{path}: not a claimant table: {exc!r}") from None
    entries = _with_administrations(entries, data.get("administration"), path)
    claimants, alias_entry, alone_entry = [], {}, {}
    index = {entry.get("name"): n for n, entry in enumerate(entries)}
    for n, entry in enumerate(entries):
        if not entry.get("name") or "side" not in entry:
            raise ValueError(f"{path}: claimant #{n + 1}: needs a name and a side")
        side = entry["side"]
        claimants.append(Claimant(entry["name"], None if side == "none" else side))
        for alias in [entry["name"], *entry.get("aliases", [])]:
            alias_entry.setdefault(_norm(alias), n)
        for name in entry.get("alone", []):
            alone_entry.setdefault(_norm(name), n)
    alternatives = "|".join(re.escape(a) for a in sorted(alias_entry, key=len, reverse=True))
    return ClaimantTable(
        claimants=tuple(claimants),
        by_name={c.name: c for c in claimants},
        alias_rx=re.compile(rf"(?<![\w'])({alternatives})(?!\w)"),
        alias_entry=alias_entry,
        alone_entry=alone_entry,
        anaphors={
            _norm(word): tuple(index[name] for name in names)
            for word, names in data.get("anaphor", {}).items()
        },
        heads=frozenset(speaker["heads"].split()),
        fragments=frozenset(speaker["fragments"].split()),
        not_speakers=frozenset(speaker["not_speakers"].split()),
        press=frozenset(speaker["press"].split()),
    )


def _with_administrations(entries: list[dict], table: dict | None, path: Path) -> list[dict]:
    """The claimant entries with one entry per region of the ``[administration]`` table,
    made from its patterns, inserted before the entry it names."""
    if not table:
        return entries
    try:
        at = next(n for n, e in enumerate(entries) if e.get("name") == table["before"])
        made = [
            {
                "name": table["name"].format(Region=region["region"]),
                "side": table["side"],
                "aliases": [
                    pattern.format(r=spelling)
                    for spelling in region["spellings"]
                    for pattern in table["patterns"]
                ]
                + region.get("governors", []),
            }
            for region in table["regions"]
        ]
    except (KeyError, StopIteration, TypeError) as exc:
        raise ValueError(f"{path}: [administration]: malformed: {exc!r}") from None
    return entries[:at] + made + entries[at:]


# claimant_of picks the first phrase with a canonical name, and the sentence's cues name
# the one it picked again: each phrase is looked up once.
@lru_cache(maxsize=4096)
def canonical_claimant(raw: str | None) -> str | None:
    """The claimant's canonical name, the raw phrase when it names a speaker, else None.

    >>> canonical_claimant("the Russian Defence Ministry")
    'Ministry of Defence of Russia'
    >>> canonical_claimant("Thursday") is None
    True
    """
    if not raw:
        return None
    table = load_claimants()
    found = table.match(raw)
    if found is not None:
        return found.name
    phrase = _bare(raw)
    entry = load_gazetteer().phrases.get(phrase)
    if entry is not None and entry.kind == "country":
        return entry.name  # "..., US says": the country's government, by its usual name
    return phrase if phrase and _names_a_speaker(phrase, table) else None


def claimant_pointed_to(raw: str | None, sentence: str) -> str | None:
    """The claimant an anaphor points back to: "... with the forces of the LPR, the republic
    reported" is the LPR's militia. The first of its candidates the sentence names; None
    when ``raw`` is no anaphor or the sentence names none of them."""
    table = load_claimants()
    candidates = table.anaphors.get(_norm(_bare(raw))) if raw else None
    if not candidates:
        return None
    named = table.named_in(sentence)
    return next((table.claimants[n].name for n in candidates if n in named), None)


def speaks_for_a_side(raw: str) -> bool:
    """A raw claimant that may speak for the side its words name: an authority ("Ukraine
    Health Ministry", "Kiev military"), not the press ("Russian media")."""
    return not any(w in load_claimants().press for w in _norm(raw).split())


def claimant_entry(name: str | None) -> Claimant | None:
    """The table entry of a canonical name (None for a raw speaker kept as written)."""
    return load_claimants().by_name.get(name) if name else None


def names_a_known_speaker(raw: str) -> bool:
    """A raw claimant that names a speaker by more than its shape: not a lone capitalised
    word that could be anything ("Escalation: Ukraine reports ...", "South: AFU ..."), nor a
    name the table does not know ("Jamal Khashoggi: Suspect ... arrested" is the story's
    subject; "Zelensky: ..." speaks)."""
    table = load_claimants()
    if table.match(raw) is not None:
        return True
    return _names_a_speaker(_bare(raw), table, surname=False, proper_name=False)


def ends_with_a_speaker(phrase: str, most_words: int = 3) -> bool:
    """A phrase of two or three words ending in a speaker's head word: "disaster officials",
    "local police" (the caller asks it of a lower-case subject of a claim verb, which needs
    no capital then; a lone "residents say more will die" speaks of something else)."""
    words = _norm(phrase).split()
    return 2 <= len(words) <= most_words and _is_head(words[-1], load_claimants().heads)


def _bare(raw: str) -> str:
    """A raw claimant without quotes, punctuation and a leading "as the", "and the"."""
    return LEADING_NOISE.sub("", raw.strip(" .,;:'\"“”«»")).strip()


def _names_a_speaker(
    phrase: str, table: ClaimantTable, surname: bool = True, proper_name: bool = True
) -> bool:
    words = _norm(phrase).split()
    if not words or words[0] in table.not_speakers or all(w in table.not_speakers for w in words):
        return False
    if len(words) == 1 and words[0] in table.fragments and phrase[:1].isupper():
        return False  # "the Ministry": a named body cut from its name ("- command" is not)
    if any(_is_head(w, table.heads) for w in words):
        return True
    gazetteer = load_gazetteer()
    entry = gazetteer.phrases.get(phrase)
    if entry is not None and entry.kind in ("person", "organisation"):
        return True
    tokens = phrase.split()
    if len(tokens) == 1 and ACRONYM.fullmatch(phrase) and entry is None:
        return True  # "- JCCC", "- MO": an acronym standing for a body
    if surname and len(tokens) == 1 and SURNAME.fullmatch(phrase) and entry is None:
        return True  # "Russia, Kahl said, has had ...": a surname (places are entries)
    if len(tokens) == 1 and HANDLE.fullmatch(phrase):
        return True  # "WarMonitor says": an account's handle, words run together
    # a proper name of two to four capitalised words that is not a place: "Collin Cole";
    # not a headline in capitals ("CRASH ON STRETCHING: A LOCAL RESIDENT WAS KILLED")
    return (
        proper_name
        and 2 <= len(tokens) <= 4
        and all(t[:1].isupper() for t in tokens)
        and not all(t.isupper() for t in tokens)
        and (entry is None or entry.kind not in ("place", "country"))
    )


def _is_head(word: str, heads: frozenset[str]) -> bool:
    """A speaker's head word, in either number: "doctor" as "doctors", "officials"."""
    return word in heads or word + "s" in heads or (word.endswith("s") and word[:-1] in heads)
