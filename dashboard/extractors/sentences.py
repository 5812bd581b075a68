"""Sentence spans and reference dates shared by the extractors."""

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
SENTENCE_END = re.compile(_ABBREVIATIONS + r"[.!?…]+[\"'”’)\]]*(?=\s+|$)|\n+|;(?=\s*[A-Z0-9\"“])")


def sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    """Yield ``(start, end)`` of each sentence in ``text``, whitespace trimmed."""
    pos = 0
    for match in SENTENCE_END.finditer(text):
        end = match.end() if match.group(0)[0] not in "\n;" else match.start()
        yield from _trimmed(text, pos, end)
        pos = match.end()
    yield from _trimmed(text, pos, len(text))


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield start, end


def reference_dates(items: pd.DataFrame) -> pd.Series:
    """The date relative expressions resolve against: ``published``, else ``as_of``.

    Returned as naive midnight timestamps (calendar dates), NaT when neither is known.
    """
    published = pd.to_datetime(items["published"], utc=True)
    as_of = pd.to_datetime(items["as_of"], utc=True)
    ref = published.fillna(as_of)
    return ref.dt.tz_convert(None).dt.normalize()
