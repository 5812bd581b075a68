"""Sentence spans and reference dates shared by the extractors.

Per-sentence steps of the extractors (tokens, figures and their cues, the sentence a date or
a figure is quoted with) may cost more than linear time in the length of their sentence.
So that extraction time grows linearly with the length of any text, :func:`sentence_spans`
never yields a span longer than :data:`MAX_SENTENCE_CHARS`: a longer "sentence" (text without
sentence punctuation: a one-line digest, a pasted list, a run of numbers) is cut into
windows at clause boundaries. Real sentences are never cut: the longest of the ~33,600 in
the four shared corpora is 1,049 characters (168 words: a machine-translated article whose
sentences run together without a space after the period), 99.9% are under 600.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pandas as pd

# A sentence ends at . ! ? or … (optionally followed by closing quotes/brackets) and
# whitespace, unless the period closes a common abbreviation or an initial. Newlines
# (paragraphs, and the ";" joins in UCDP headline lists) also end a sentence.
_ABBREVIATIONS = (
    r"(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bGen)(?<!\bCol)(?<!\bLt)(?<!\bSgt)(?<!\bU\.S)(?<!\bU\.K)(?<!\bNo)(?<!\bvs)(?<!\b[A-Z])"
    r"(?<!\bJan)(?<!\bFeb)(?<!\bMar)(?<!\bApr)(?<!\bAug)(?<!\bSep)(?<!\bSept)(?<!\bOct)(?<!\bNov)(?<!\bDec)"
)
# The lookahead first lets most positions fail on one character instead of 25 lookbehinds.
# A run of end marks is matched from its first character, or from its second when an
# abbreviation precedes it ("No..."): never from further in, where the outcome is the same,
# and the possessive quantifiers do not backtrack into the run (no backtracking can help:
# what precedes whitespace is the run's last character either way). Without both, a long
# run of periods not followed by a space ("....x") took quadratic time.
_END_MARKS = "[.!?…]"
# A ";" join also ends a headline before one in Cyrillic, or in the "?" a lossy export left of
# it ("- JFO HQ;????? ...": the speaker closes the first headline).
_CYRILLIC_CAPITALS = "\u0400-\u042f\u0490"
SENTENCE_END = re.compile(
    rf"(?={_END_MARKS})(?<!{_END_MARKS}{{2}})"
    + _ABBREVIATIONS
    + rf"{_END_MARKS}++[\"'”’)\]]*+(?=\s|$)|\n+|;(?=\s*[A-Z0-9\"“?{_CYRILLIC_CAPITALS}])"
)

# The longest span sentence_spans yields: about twice the longest real sentence of the shared
# corpora (1,049 characters), so no real sentence is cut, and small enough that the
# per-sentence work of the extractors stays a bounded cost per character.
MAX_SENTENCE_CHARS = 2_000
# A long sentence is cut at the last boundary of the strongest kind found in the last part of
# the window, so every window but the last is at least this long: the number of windows
# grows linearly with the text and none is a sliver.
MIN_WINDOW_CHARS = MAX_SENTENCE_CHARS // 2
# Clause boundaries, strongest first, each with where the cut goes: after a semicolon or a
# colon, after a comma, before a conjunction (so "and wounded seven" stays one clause), and
# at any whitespace as a last resort. Text without whitespace is cut at the window's end.
CLAUSE_BREAKS = (
    (re.compile(r"[;:](?=\s)"), "end"),
    (re.compile(r",(?=\s)"), "end"),
    (
        re.compile(
            r"\s(?=(?:and|but|or|nor|while|whereas|as|after|before|when|where|which|who|"
            r"because|since|although|though|until|including)\s)",
            re.IGNORECASE,
        ),
        "start",
    ),
    (re.compile(r"\s"), "start"),
)


def sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    """Yield ``(start, end)`` of each sentence in ``text``, whitespace trimmed.

    No span is longer than :data:`MAX_SENTENCE_CHARS`: longer sentences come as consecutive
    windows cut at clause boundaries (see :func:`clause_windows`).
    """
    pos = 0
    for match in SENTENCE_END.finditer(text):
        end = match.end() if match.group(0)[0] not in "\n;" else match.start()
        yield from clause_windows(text, pos, end)
        pos = match.end()
    yield from clause_windows(text, pos, len(text))


def clause_windows(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """``text[start:end]`` whitespace trimmed, as windows of at most ``MAX_SENTENCE_CHARS``.

    Each window ends at the last boundary of the strongest kind in ``CLAUSE_BREAKS`` that
    lies at least ``MIN_WINDOW_CHARS`` into it; a span that fits is yielded whole.
    """
    start, end = _trim(text, start, end)
    while end - start > MAX_SENTENCE_CHARS:
        cut = _clause_cut(text, start + MIN_WINDOW_CHARS, start + MAX_SENTENCE_CHARS)
        s, e = _trim(text, start, cut)
        if e > s:
            yield s, e
        start, end = _trim(text, cut, end)
    if end > start:
        yield start, end


def _clause_cut(text: str, lo: int, hi: int) -> int:
    """Where to cut before ``hi``: the last strongest clause boundary in ``[lo, hi]``."""
    for pattern, side in CLAUSE_BREAKS:
        found = list(pattern.finditer(text, lo, hi))
        if found:
            return found[-1].end() if side == "end" else found[-1].start()
    return hi


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def reference_dates(items: pd.DataFrame) -> pd.Series:
    """The date relative expressions resolve against: ``published``, else ``as_of``.

    Returned as naive midnight timestamps (calendar dates), NaT when neither is known.
    """
    published = pd.to_datetime(items["published"], utc=True)
    as_of = pd.to_datetime(items["as_of"], utc=True)
    ref = published.fillna(as_of)
    return ref.dt.tz_convert(None).dt.normalize()
