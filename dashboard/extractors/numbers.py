"""Reading numbers written in news text: digits, separators, number words, scales, ranges.

Works on the token lists of :mod:`dashboard.extractors.casualties` (``Token`` tuples) so that
a number is read once, with the offsets of every word it spans.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# Word-level tokens: a number written in digits (separators included, split later), a word
# (letters first; digits may follow, as in "MH17"), or one punctuation character.
TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_][\w'’\-]*|\S")

# Largest figure accepted. The deadliest wars count tens of millions in all; a single news
# figure above ten million people is a misread ("10^100", a sum of money, a population).
MAX_VALUE = 10_000_000
# Digits of the longest figure accepted. A number written with more (scale words only multiply
# it) is above MAX_VALUE whatever follows, so reading stops there: the work per number stays
# bounded ("100 100 100 ..." was joined from every start to its end, quadratic in a long
# run), and a run past 308 digits no longer overflows a float.
MAX_DIGITS = len(str(MAX_VALUE))

# English number words (cardinal only: ordinals such as "eighth" are ranks, not counts).
UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "mln": 1_000_000}
# Fractions of a scale: "a quarter of a million", "half a million", "a third of a million".
FRACTIONS = {"quarter": 0.25, "half": 0.5, "third": 1 / 3}
# Range ends joined by these: "20 to 30", "20-30", "20 or 30".
RANGE_JOINERS = {"to", "-", "–", "or"}
# "1.5 thousand" and "2,5 thousand" (decimal comma in translated text) are fractions of a scale.
DECIMAL = re.compile(r"\d+[.,]\d{1,2}")
# Thousands groups: "1,500", "700,000", "1.500" (European); "1,2,3,4" is a list, not a number.
GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+|\d{1,3}(?:\.\d{3})+")
# Characters that, glued after digits, make them something else: "46th", "15-year-old",
# "5km", "40%", "10^100", "3D".
GLUED_AFTER = re.compile(r"[A-Za-z%^°\-/]")
GLUED_BEFORE = re.compile(r"[$€£^/#№\-.]")
CURRENCY = "$€£"
# Between "700" and "000": the same number written with a space or thin/no-break space.
SPACE_SEP = {" ", "\u00a0", "\u202f", "\u2009"}


class Token(NamedTuple):
    text: str
    low: str
    start: int
    end: int


class Number(NamedTuple):
    value: int
    value_max: int | None
    first: int  # index of the first token
    stop: int  # index just past the last token


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """Tokens of ``text`` with offsets shifted by ``offset``."""
    return [
        Token(m.group(), m.group().lower(), m.start() + offset, m.end() + offset)
        for m in TOKEN.finditer(text)
    ]


def _word_value(low: str) -> int | None:
    if low in UNITS:
        return UNITS[low]
    if low in TENS:
        return TENS[low]
    if "-" in low:  # "twenty-three"
        head, _, tail = low.partition("-")
        if head in TENS and tail in UNITS and 0 < UNITS[tail] < 10:
            return TENS[head] + UNITS[tail]
    return None


def _digits_value(tok: Token, text: str, toks: list[Token], i: int) -> tuple[float, int] | None:
    """Value of a digit token (and of a space-separated tail "700 000"), and the next index."""
    s = tok.text
    if s.isdigit():
        value = int(s) if len(s) <= 9 else None
        if value is None:
            return None
        j = i + 1
        digits = len(s)
        # "700 000": a group of three digits right after one space.
        while (
            len(s) <= 3
            and digits <= MAX_DIGITS
            and j < len(toks)
            and toks[j].text.isdigit()
            and len(toks[j].text) == 3
            and toks[j].start - toks[j - 1].end == 1
            and text[toks[j - 1].end] in SPACE_SEP
        ):
            value = value * 1000 + int(toks[j].text)
            digits += 3
            j += 1
        return float(value), j
    if GROUPED.fullmatch(s):
        # "1.500" is European thousands unless a scale word follows ("1.5 million" is not this)
        whole = re.sub(r"[.,]", "", s)
        return (float(whole), i + 1) if len(whole) <= MAX_DIGITS else None
    if DECIMAL.fullmatch(s):
        # valid only with a scale word after it
        whole = re.split(r"[.,]", s)[0]
        return (float(s.replace(",", ".")), i + 1) if len(whole) <= MAX_DIGITS else None
    return None


def read_number(toks: list[Token], i: int, text: str) -> Number | None:
    """The number that starts at token ``i``, or None.

    ``text`` is the string the token offsets point into (to look at glued characters).
    Vague quantities ("dozens", "hundreds", "thousands of") are not numbers.
    """
    tok = toks[i]
    n = len(toks)
    if tok.text[0].isdigit():
        # Glued characters: "46th", "15-year-old", "$60", "1,2,3,4", "10^100".
        before = text[tok.start - 1] if tok.start > 0 else " "
        after = text[tok.end] if tok.end < len(text) else " "
        scaled = _scale_suffix(text, tok)
        if scaled is not None:  # "30k+ soldiers", "Excess Deaths Hit 1M"
            value, plus = scaled
            return Number(value, None, i, i + 2 + plus) if 1 <= value <= MAX_VALUE else None
        if GLUED_BEFORE.match(before) or GLUED_AFTER.match(after) and not _range_dash(text, tok):
            return None
        if before == ":" and tok.start >= 2 and text[tok.start - 2].isdigit():
            return None  # a clock time or a video timestamp: "0:53", "00:05-00:30"
        if after == "," and tok.end + 1 < len(text) and text[tok.end + 1].isdigit():
            return None
        read = _digits_value(tok, text, toks, i)
        if read is None:
            return None
        value, j = read
        if j < n and toks[j].low in SCALES:
            value *= SCALES[toks[j].low]
            j += 1
            if j < n and toks[j].low in SCALES and toks[j].low != "hundred":
                value *= SCALES[toks[j].low]
                j += 1
        if value != int(value):  # "1.5 people", "2,5" with no scale
            return None
        value = int(value)
    else:
        value, j = _read_words(toks, i)
        if value is None:
            return None
    if not 1 <= value <= MAX_VALUE:
        return None
    # A range: "20 to 30", "20-30", "20 or 30".
    between = i > 0 and toks[i - 1].low == "between"
    if j + 1 < n and (toks[j].low in RANGE_JOINERS or between and toks[j].low == "and"):
        other = _peek_plain(toks, j + 1, text)
        if other is not None and other[0] <= MAX_VALUE:
            low = _shared_scale(value, other[0])
            if other[0] > low:
                return Number(low, other[0], i, other[1])
    return Number(value, None, i, j)


# A number's scale written as one letter glued to it: "30k", "1.5M" (a capital M: "5m" is
# metres). Not after a currency sign: "$5M" is money.
SCALE_LETTERS = {"k": 1_000, "K": 1_000, "M": 1_000_000}
SCALED = re.compile(r"\d{1,3}(?:\.\d{1,2})?")


def _scale_suffix(text: str, tok: Token) -> tuple[int, bool] | None:
    """ "30k", "30k+", "1.5M": (the value, whether a "+" follows; it is a hedge, no word)."""
    tail = text[tok.end : tok.end + 3]
    if not SCALED.fullmatch(tok.text) or tail[:1] not in SCALE_LETTERS:
        return None
    if tail[1:2].isalnum() or tok.start > 0 and text[tok.start - 1] in CURRENCY:
        return None  # "5km", "3kg", "$5M"
    value = float(tok.text) * SCALE_LETTERS[tail[0]]
    if value != int(value):
        return None
    return int(value), tail[1:2] == "+"


def _range_dash(text: str, tok: Token) -> bool:
    """ "150,000-190,000": a dash between two numbers joins a range (not "15-year-old")."""
    return text[tok.end : tok.end + 1] in ("-", "–") and text[tok.end + 1 : tok.end + 2].isdigit()


def _shared_scale(low: int, high: int) -> int:
    """ "70 to 80,000" is 70,000 to 80,000: the low end shares the high end's thousands."""
    if low < 1000 <= high and 0.3 * high <= low * 1000 <= high:
        return low * 1000
    return low


def _peek_plain(toks: list[Token], j: int, text: str) -> tuple[int, int] | None:
    tok = toks[j]
    if tok.text[0].isdigit():
        read = _digits_value(tok, text, toks, j)
        if read is None or read[0] != int(read[0]):
            return None
        after = text[tok.end] if tok.end < len(text) else " "
        if GLUED_AFTER.match(after):
            return None
        return int(read[0]), read[1]
    value, k = _read_words(toks, j)
    return (value, k) if value else None


def _read_fraction(toks: list[Token], i: int) -> tuple[int, int] | None:
    """ "a quarter of a million", "half a million", "a third of a million"."""
    words = [t.low for t in toks[i : i + 6]]
    k = 1 if words[:1] in (["a"], ["an"]) else 0
    if k >= len(words) or words[k] not in FRACTIONS:
        return None
    share = FRACTIONS[words[k]]
    k += 1
    if words[k : k + 1] == ["of"]:
        k += 1
    if words[k : k + 1] in (["a"], ["an"]):
        k += 1
    # "half a hundred" (50) is common in translated Ukrainian reports; other fractions of a
    # hundred are not said
    if k < len(words) and words[k] in SCALES and (words[k] != "hundred" or share == 0.5):
        return int(share * SCALES[words[k]]), i + k + 1
    return None


def _and_a_half(toks: list[Token], i: int) -> tuple[int, int] | None:
    """ "two and a half thousand", "one-and-a-half thousand": (2500, end), (1500, end)."""
    words = toks[i].low.split("-")
    j = i + 1
    if len(words) == 1:  # the phrase in separate tokens
        words = [t.low for t in toks[i : i + 4]]
        j = i + 4
    if len(words) != 4 or words[1:] != ["and", "a", "half"] or j >= len(toks):
        return None
    whole, scale = _word_value(words[0]), SCALES.get(toks[j].low)
    if whole is None or scale is None or whole >= 100:
        return None
    return int((whole + 0.5) * scale), j + 1


def _read_words(toks: list[Token], i: int) -> tuple[int | None, int]:
    """Number words from token ``i``: "twenty-three", "two hundred", "a dozen", "a thousand"."""
    n = len(toks)
    low = toks[i].low
    fraction = _read_fraction(toks, i)
    if fraction is not None:
        return fraction
    and_a_half = _and_a_half(toks, i)
    if and_a_half is not None:
        return and_a_half
    if low in {"a", "an"}:
        if i + 1 < n and toks[i + 1].low == "dozen":
            return 12, i + 2
        if i + 1 < n and toks[i + 1].low in {"hundred", "thousand", "million"}:
            return SCALES[toks[i + 1].low], i + 2
        return None, i
    total, current, j, seen = 0, 0, i, False
    while j < n:
        low = toks[j].low
        value = _word_value(low)
        if value is not None:
            current += value
            seen = True
        elif low == "dozen" and seen:
            current *= 12
        elif low in SCALES and seen:
            if low == "hundred":
                current *= 100
            else:
                total += current * SCALES[low]
                current = 0
        elif low == "and" and seen and j + 1 < n and _word_value(toks[j + 1].low) is not None:
            if total == 0 and current < 100:  # "two and three" is two numbers
                break
        else:
            break
        j += 1
    if not seen:
        return None, i
    return total + current, j
