"""Date expressions in item text, and the date each item is about.

``extract_events(items)`` finds every date expression with one combined compiled regex
(:data:`DATE_RE`) and resolves it with plain Python: explicit dates ("2022-03-05",
"5 March 2022", "March 5, 2022", "05/03/2022" when unambiguous), dates without a year
("November 7th", "in October"), ranges ("between May 3 and May 5", "from 2014 to 2022"),
seasons ("summer 2022"), years ("since 2014") and relative phrases ("yesterday", "last week",
"on Tuesday", "three days ago"). Anything that needs a reference date resolves against the
item's own date (:func:`~dashboard.extractors.sentences.reference_dates`: published, else
as_of) and is flagged ``relative``; without a reference date it is dropped, never guessed.

dateparser is not used: it is slow per call, reads the verb "march" as a date and misses
"last week" inside sentences, and the patterns here cover every format met in the shared
corpora (ISO, "9/30/2022 12:00:00 AM", "01/01/2022", "July 11, 2022", prose dates).

Resolution rules (what a reader does with a news item dated ``ref``):

- a day or month without a year is the most recent one not after ``ref`` ("in December"
  read on 2024-11-15 is December 2023; a day up to a week after ``ref`` is still this
  year's); in a clause about the future ("will", "plans to", "next", "scheduled", ...) a
  month is the next one on or after ``ref`` and a day the nearest occurrence;
- a weekday ("on Tuesday") is the most recent such day on or before ``ref`` (the same day
  when ``ref`` is a Tuesday: a news item saying "on Tuesday" on a Tuesday means today);
  "last Tuesday" is strictly before ``ref``; "next Tuesday" or a future clause is after it;
- "last week" is the calendar week (Monday-Sunday) before ``ref``'s week, "past week" the
  seven days up to ``ref`` (so is "the last week"); "last month"/"last year" the calendar
  month/year before;
- numeric dates d/m/yyyy are read only when unambiguous (one part above 12, or both equal);
  otherwise the reading that is on or at most a week before ``ref`` is taken when exactly
  one reading is, else the date is dropped; d.m.yyyy (dots) is always day first;
- a bare "May" or "March" counts only after a date cue word ("in May", "since March",
  "early May"): "Theresa May", "May be", "March on Kyiv" are not dates; month names must be
  capitalised, so the verb "march" never matches;
- a bare year is 1900..2099, not part of a longer number ("12,2014", "2014.5", "#2014"),
  not an adjective like "2022-style", not a quantity ("more than 2000 troops", "2000 GMT").

``item_event_dates(items, events)`` picks, per item, the date it is about: the most
specific event date (the shortest span: day, then short ranges, then month, year);
among equally specific ones the latest not after the reference date (else the earliest
after it). Dates far from the item's own date are background, never its event date: spans
longer than four months (a year, "since 2014", "from 2014 to 2022"), dates starting more
than a year before the reference date ("in 1939", "on 24 February 2022" in a 2024
commentary) and dates more than a year after it ("by 2031", "Blade Runner 2099"), but for
the dateline of an item without a date of its own (a day opening its text: "17/02/2022
Shelling audible" from a record whose date cell is empty). With no
event date left, the item is dated by its publication date (precision "day"), else by its
reference date ``as_of`` (precision "reference": the date the user gave the digest).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from datetime import date, timedelta

import numpy as np
import pandas as pd

from dashboard.extractors.sentences import reference_dates, sentence_spans
from dashboard.schema import EVENTS, validate

# Month names as written in English news (capitalised or all caps; never lowercase, which
# would read the verb "march" and the modal "may" as dates). Abbreviations only next to a
# day or a year ("Jan 5", "Sept. 2022"): alone, "Jan" and "Dec" are names.
_MONTHS_FULL = (
    "January February March April May June July August September October November December"
).split()
MONTH_NUMBER = {name.lower(): i + 1 for i, name in enumerate(_MONTHS_FULL)}
MONTH_NUMBER.update(
    {a: MONTH_NUMBER[f] for f in MONTH_NUMBER for a in (f[:3], f[:4]) if a != f}
)  # jan, janu... only the 3- and 4-letter forms ("sept") are ever matched below
_MONTH_ABBR = "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec".split()


def _alt(words: list[str]) -> str:
    forms = sorted({w for word in words for w in (word, word.upper())}, key=len, reverse=True)
    return "|".join(forms)


_MON_FULL = _alt(_MONTHS_FULL)
_MON = rf"(?:{_alt(_MONTHS_FULL)}|(?:{_alt(_MONTH_ABBR)})\.?)"
_DAY = r"(?:[12][0-9]|3[01]|0?[1-9])"
_ORD = r"(?:st|nd|rd|th)?(?![0-9A-Za-z])"
_YEAR = r"(?:19|20)[0-9]{2}"
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
# Abbreviations of weekdays, longest first (the regex takes the first that matches).
_WEEKDAY_ABBREVIATIONS = {
    "Thurs": "Thursday", "Thur": "Thursday", "Thu": "Thursday", "Tues": "Tuesday",
    "Tue": "Tuesday", "Weds": "Wednesday", "Wed": "Wednesday", "Mon": "Monday",
    "Fri": "Friday", "Sat": "Saturday", "Sun": "Sunday",
}  # fmt: skip
_NUMBER_WORDS = "a an one two three four five six seven eight nine ten eleven twelve".split()
NUMBER_WORD = {w: max(i - 1, 1) for i, w in enumerate(_NUMBER_WORDS)}
_RANGE_SEP = r"\s*(?:-|–|—|&|\bto\b|\buntil\b|\btill\b|\bthrough\b|\band\b)\s*"

# The first letters of the month forms: the month alternatives are tried only there.
_MONTH_START = "[JFMASOND]"
# One pass over the text finds every candidate. Each alternative is wrapped in an outer named
# group so ``match.lastgroup`` says which one matched. At one position the first alternative
# that matches wins, so longer forms come before their prefixes (a range before a day,
# "5 March 2022" before "March"). Every alternative starts a word with a digit, a capital or
# one of a few lowercase letters: testing that first skips most positions (5x faster), and
# each alternative is tried only where its own first letters stand (Python's regex engine
# tries every alternative in turn: a word such as "the" failed all of them one by one).
DATE_RE = re.compile(
    r"\b(?=[0-9A-Zaceflnopstwy])(?:"
    + "|".join(
        [
            # 2022-03-05, also as the start of an ISO timestamp
            rf"(?=[0-9])(?P<iso>(?<![0-9-])(?P<iso_y>{_YEAR})-(?P<iso_m>0[1-9]|1[0-2])-(?P<iso_d>0[1-9]|[12][0-9]|3[01])(?![0-9]))",
            # 2022-03 (ISO month)
            rf"(?=[0-9])(?P<isom>(?<![0-9-])(?P<isom_y>{_YEAR})-(?P<isom_m>0[1-9]|1[0-2])(?![0-9-]))",
            # 05/03/2022, 9/30/2022, 01.03.2022
            rf"(?=[0-9])(?P<num>(?<![0-9/.])(?P<num_a>[0-9]{{1,2}})(?P<num_sep>[/.])(?P<num_b>[0-9]{{1,2}})(?P=num_sep)(?P<num_y>{_YEAR})(?![0-9/]))",
            # 16 August to 15 November 2018
            rf"(?=[0-9])(?P<xr>(?<![0-9,.])(?P<xr_d1>{_DAY}){_ORD}\s+(?:of\s+)?(?P<xr_m1>{_MON})(?:,?\s+(?P<xr_y1>{_YEAR}))?(?P<xr_sep>{_RANGE_SEP})(?P<xr_d2>{_DAY}){_ORD}\s+(?:of\s+)?(?P<xr_m2>{_MON})(?:,?\s+(?P<xr_y2>{_YEAR})(?![0-9]))?(?![A-Za-z]))",
            # 3-5 March 2022, 3 to 5 March
            rf"(?=[0-9])(?P<dr>(?<![0-9,.])(?P<dr_d1>{_DAY}){_ORD}(?P<dr_sep>{_RANGE_SEP})(?P<dr_d2>{_DAY}){_ORD}\s+(?:of\s+)?(?P<dr_m>{_MON})(?:,?\s+(?P<dr_y>{_YEAR})(?![0-9]))?(?![A-Za-z]))",
            # 5 March 2022, 7th of November
            rf"(?=[0-9])(?P<dm>(?<![0-9,.])(?P<dm_d>{_DAY}){_ORD}\s+(?:of\s+)?(?P<dm_m>{_MON})(?:,?\s+(?P<dm_y>{_YEAR})(?![0-9]))?(?![A-Za-z]))",
            # May 3-5, 2022; May 3 and May 5; May 3, 2022 to June 5, 2022
            rf"(?={_MONTH_START})(?P<mr>(?P<mr_m>{_MON})\s+(?P<mr_d1>{_DAY}){_ORD}(?:,?\s+(?P<mr_y1>{_YEAR}))?(?P<mr_sep>{_RANGE_SEP})(?:(?P<mr_m2>{_MON})\s+)?(?P<mr_d2>{_DAY}){_ORD}(?!\s+(?:of\s+)?{_MON})(?!\s*(?:%|[0-9]|,[0-9]))(?:,?\s+(?P<mr_y>{_YEAR})(?![0-9]))?)",
            # March 5, 2022; November 7th
            rf"(?={_MONTH_START})(?P<md>(?P<md_m>{_MON})\s+(?P<md_d>{_DAY}){_ORD}(?!,[0-9]|\.[0-9])(?:,?\s+(?P<md_y>{_YEAR})(?![0-9]))?)",
            # March 2022, March of 2022
            rf"(?={_MONTH_START})(?P<my>(?P<my_m>{_MON}),?\s+(?:of\s+)?(?P<my_y>{_YEAR})(?![0-9]))",
            # summer 2022, winter of 2014
            rf"(?=[SsAaFfWw])(?P<se>(?i:(?P<se_s>spring|summer|autumn|fall|winter))\s+(?:of\s+)?(?P<se_y>{_YEAR})(?![0-9]))",
            # 2014-2022, 2014 to 2022, 2022-23
            rf"(?=[12])(?P<yr>(?<![0-9,.$£€#/-])(?P<yr_y1>{_YEAR})\s*(?:-|–|—|\bto\b|\buntil\b|\bthrough\b)\s*(?P<yr_y2>{_YEAR}|[0-9]{{2}})(?![0-9A-Za-z]))",
            # three days ago, a week ago
            rf"(?=[0-9aAoOtTfFsSeEnN])(?P<ago>(?i:(?P<ago_n>[0-9]{{1,3}}|{'|'.join(_NUMBER_WORDS)})\s+(?P<ago_u>day|week|month|year)s?\s+ago)\b)",
            # yesterday, last week, earlier this year, past month
            r"(?=[yYtTlLeEpPnNcC])(?P<rel>(?i:\b(?P<rel_w>yesterday|today|tonight|last\s+night|this\s+(?:morning|afternoon|evening)"
            r"|(?:earlier\s+|later\s+)?this\s+(?:week|month|year)"
            r"|(?:last|previous|past|next|coming)\s+(?:week|month|year)|the\s+day\s+before\s+yesterday)\b))",
            # (last|next|this) Tuesday
            # ... on Thurs (abbreviated only after "on": "Sat" and "Wed" are words too)
            rf"(?=[lLnNtTpPcCMWFS])(?P<wd>(?:(?P<wd_mod>(?i:last|next|this|past|coming))\s+)?(?:(?P<wd_d>{'|'.join(_WEEKDAYS)})|(?<=\bon\s)(?P<wd_a>{'|'.join(_WEEKDAY_ABBREVIATIONS)})\.?)(?![A-Za-z]))",
            # October (bare month, full name)
            rf"(?={_MONTH_START})(?P<mo>(?<![A-Za-z-])(?P<mo_m>{_MON_FULL})(?![A-Za-z]))",
            # 2014
            rf"(?=[12])(?P<y>(?<![0-9A-Za-z,.$£€#/])(?<![0-9]-)(?P<y_y>{_YEAR})(?![0-9A-Za-z%]|[,.][0-9]|-[A-Za-z]))",
        ]
    )
    + ")"
)

# A bare "May"/"March" is a month only after one of these words ("in May", "early March").
MONTH_CUE_RE = re.compile(
    r"(?i)\b(?:in|on|since|until|till|by|of|early|late|mid|from|through|during|last|next|this|"
    r"before|after|between|and|to|or|end|beginning|start|middle)\s*-?\s*$"
)
# Words after a number that make it a count or a clock time, not a year ("2000 troops").
QUANTITY_AFTER_RE = re.compile(
    r"\s*(?i:people|persons|soldiers|troops|servicemen|civilians|men|women|children|residents|"
    r"casualties|dead|killed|wounded|injured|deaths|bodies|prisoners|tanks|vehicles|drones|"
    r"missiles|shells|rockets|units|km|kilometres|kilometers|miles|metres|meters|tonnes|tons|"
    r"hours|hrs|gmt|utc|cet|local|dollars|euros|pounds|usd|homes|buildings|families|refugees)\b"
)
# Words before a number that make it a quantity ("more than 2000", "about 1950").
QUANTITY_BEFORE_RE = re.compile(
    r"(?i)\b(?:over|more\s+than|fewer\s+than|less\s+than|about|around|at\s+least|nearly|almost|"
    r"some|up\s+to|roughly|approximately|estimated|total\s+of|least|no\.?|number)\s*$"
)
# A clause about the future: a day or month without year then means the next one.
FUTURE_CUE_RE = re.compile(
    r"(?i)\b(?:will|shall|plans?\s+to|planned|planning|is\s+to|are\s+to|expected\s+to|due\s+to|"
    r"scheduled|set\s+to|going\s+to|upcoming|next)\b"
)
THE_BEFORE_RE = re.compile(r"(?i)\bthe\s+$")
BETWEEN_RE = re.compile(r"(?i)\bbetween\s+$")
RANGE_GAP_RE = re.compile(r"(?i)\s*(?:and|to|until|till|through|-|–|—)\s*")
RANGE_START_RE = re.compile(r"(?i)\b(?:between|from)\s+$")
# "2022-23" is a range only with a dash: matched in place, never on a copy of the text's tail
# (a copy per match made text full of "2014 to 22" quadratic).
DASH_AFTER_RE = re.compile(r"\s*[-–—]")

_SOON_DAYS = 7  # a day without year this close after the reference date is the coming one
_SEASON_MONTHS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11)}


def extract_events(items: pd.DataFrame) -> pd.DataFrame:
    """One row per date expression in each item's text, validated against ``schema.EVENTS``.

    Examples
    --------
    >>> items = pd.DataFrame({"item_id": ["a"], "text": ["Talks began on November 7th."],
    ...     "published": pd.to_datetime([None], utc=True),
    ...     "as_of": pd.to_datetime(["2024-11-15"], utc=True)})
    >>> extract_events(items)[["date", "precision", "phrase"]].iloc[0].tolist()
    [Timestamp('2024-11-07 00:00:00'), 'day', 'November 7th']
    """
    if len(items) == 0:
        return EVENTS.empty()
    refs = reference_dates(items)
    rows: list[tuple] = []
    for item_id, text, ref in zip(
        items["item_id"].tolist(), items["text"].tolist(), refs, strict=True
    ):
        if not isinstance(text, str) or not text:
            continue
        ref_date = None if pd.isna(ref) else ref.date()
        events = _events_in(text, ref_date)
        if not events:
            continue
        spans = list(sentence_spans(text))
        starts = [s for s, _ in spans]
        for start, end, first, last, precision, relative in events:
            sentence = _sentence_at(text, spans, starts, start, end)
            rows.append(
                (item_id, first, last, precision, text[start:end], sentence, start, end, relative)
            )
    if not rows:
        return EVENTS.empty()
    frame = pd.DataFrame(rows, columns=EVENTS.names)
    for col in ("date", "date_end"):
        frame[col] = pd.to_datetime(frame[col]).astype("datetime64[us]")
    return validate(frame, EVENTS)


def _sentence_at(
    text: str, spans: list[tuple[int, int]], starts: list[int], start: int, end: int
) -> str:
    """The sentence holding ``text[start:end]``: the one of ``spans`` (``sentence_spans(text)``,
    split once per text; ``starts`` their starts) where it starts, found by bisection.

    These are the sentences the casualty figures quote, so the scope rules can match a figure's
    sentence to the dates written in it; and the time is linear in the text however many dates
    it holds (splitting a window around each date, widened until the sentence found did not
    touch its edge, took dates x sentence length: quadratic in text without punctuation).
    """
    k = bisect_right(starts, start) - 1
    if k >= 0 and start < spans[k][1]:
        return text[spans[k][0] : spans[k][1]]
    return text[start:end]  # in no sentence: cannot happen, a date phrase is not blank


# An event before it becomes a row: (start, end, first day, last day, precision, relative).
_Event = tuple[int, int, date, date, str, bool]


def dates_in(text: str, ref: date | None) -> list[tuple[int, int, date, date, str]]:
    """Every date expression of ``text`` resolved against ``ref``, by the rules above.

    One tuple per expression: (start, end, first day, last day, precision). Other extractors
    (the casualty periods) use this, so a date means the same day everywhere.
    """
    return [
        (a, b, first, last, precision) for a, b, first, last, precision, _ in _events_in(text, ref)
    ]


def _events_in(text: str, ref: date | None) -> list[_Event]:
    found: list[_Event] = []
    kinds: list[str] = []
    for m in DATE_RE.finditer(text):
        resolved = _RESOLVERS[m.lastgroup](m, text, ref)
        found.extend(resolved)
        kinds.extend([m.lastgroup] * len(resolved))
    return _merge_ranges(_drop_weekday_before_date(found, kinds, text), text)


def _drop_weekday_before_date(events: list[_Event], kinds: list[str], text: str) -> list[_Event]:
    """'Tuesday, November 7': the explicit date names the day; the weekday adds nothing."""
    out = []
    for i, ev in enumerate(events):
        nxt = events[i + 1] if i + 1 < len(events) else None
        if (
            nxt is not None
            and kinds[i] == "wd"
            and kinds[i + 1] in {"iso", "num", "dm", "md"}
            and nxt[0] - ev[1] <= 3
            and not text[ev[1] : nxt[0]].strip(" ,")
        ):
            continue
        out.append(ev)
    return out


def _merge_ranges(events: list[_Event], text: str) -> list[_Event]:
    """'between 2014 and 2022', 'from March to May': two dates joined into one range."""
    out: list[_Event] = []
    i = 0
    while i < len(events):
        ev = events[i]
        nxt = events[i + 1] if i + 1 < len(events) else None
        if (
            nxt is not None
            and RANGE_GAP_RE.fullmatch(text[ev[1] : nxt[0]])
            and RANGE_START_RE.search(text, max(0, ev[0] - 12), ev[0])
            and nxt[3] > ev[2]
        ):
            out.append((ev[0], nxt[1], ev[2], nxt[3], "range", ev[5] or nxt[5]))
            i += 2
            continue
        out.append(ev)
        i += 1
    return out


# --- resolvers: one per alternative of DATE_RE; each returns a list of events -------------


def _day(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _month_end(y: int, m: int) -> date:
    return (date(y + (m == 12), m % 12 + 1, 1)) - timedelta(days=1)


def _month(name: str) -> int:
    return MONTH_NUMBER[name.lower().rstrip(".")]


def _future(text: str, start: int) -> bool:
    """Is the clause before ``start`` (back to the sentence start) about the future?"""
    lo = max(0, start - 80)
    cut = max(text.rfind(". ", lo, start), text.rfind("\n", lo, start))
    return FUTURE_CUE_RE.search(text, cut + 1 if cut >= 0 else lo, start) is not None


def _resolve_day(m_: int, d: int, ref: date, future: bool) -> date | None:
    """A day without a year: the latest not after ``ref``; in a future clause, the nearest.

    Up to ``_SOON_DAYS`` after ``ref`` still counts as this year's: a headline dated the 12th
    about "September 13" means the 13th of the same September, not one a year earlier. In a
    future clause ("Putin will not congratulate Biden on July 4", dated July 5) the nearest
    occurrence is meant, which may still be the past one.
    """
    candidates = [_day(y, m_, d) for y in (ref.year + 1, ref.year, ref.year - 1)]
    candidates = [c for c in candidates if c is not None]
    if future:
        return min(candidates, key=lambda c: abs((c - ref).days), default=None)
    latest = ref + timedelta(days=_SOON_DAYS)
    return next((c for c in candidates if c <= latest), None)


def _resolve_month(m_: int, ref: date, future: bool) -> tuple[date, date]:
    if future:
        y = ref.year if m_ >= ref.month else ref.year + 1
    else:
        y = ref.year if m_ <= ref.month else ref.year - 1
    return date(y, m_, 1), _month_end(y, m_)


def _iso(m, text, ref):
    d = _day(int(m["iso_y"]), int(m["iso_m"]), int(m["iso_d"]))
    return [(m.start(), m.end(), d, d, "day", False)] if d else []


def _isom(m, text, ref):
    y, mo = int(m["isom_y"]), int(m["isom_m"])
    return [(m.start(), m.end(), date(y, mo, 1), _month_end(y, mo), "month", False)]


def _num(m, text, ref):
    a, b, y = int(m["num_a"]), int(m["num_b"]), int(m["num_y"])
    if m["num_sep"] == ".":  # 01.03.2022: day first wherever dots are used
        readings, relative = [_day(y, b, a)], False
    elif a > 12 or b > 12 or a == b:
        readings, relative = [_day(y, b, a) if a > 12 or a == b else _day(y, a, b)], False
    else:  # ambiguous: keep the one reading at most a week before (or on) the ref date
        if ref is None:
            return []
        near = {d for d in (_day(y, b, a), _day(y, a, b)) if d and 0 <= (ref - d).days <= 7}
        readings, relative = (list(near) if len(near) == 1 else [None]), True
    d = readings[0]
    return [(m.start(), m.end(), d, d, "day", relative)] if d else []


def _dr(m, text, ref):
    mo, d1, d2 = _month(m["dr_m"]), int(m["dr_d1"]), int(m["dr_d2"])
    return _two_days(m, text, ref, "dr", (mo, d1, None), (mo, d2, m["dr_y"]), m.start("dr_d2"))


def _mr(m, text, ref):
    mo = _month(m["mr_m"])
    mo2 = _month(m["mr_m2"]) if m["mr_m2"] else mo
    d1, d2 = int(m["mr_d1"]), int(m["mr_d2"])
    second_start = m.start("mr_m2") if m["mr_m2"] else m.start("mr_d2")
    return _two_days(m, text, ref, "mr", (mo, d1, m["mr_y1"]), (mo2, d2, m["mr_y"]), second_start)


def _xr(m, text, ref):
    first = (_month(m["xr_m1"]), int(m["xr_d1"]), m["xr_y1"])
    second = (_month(m["xr_m2"]), int(m["xr_d2"]), m["xr_y2"])
    return _two_days(m, text, ref, "xr", first, second, m.start("xr_d2"))


def _two_days(m, text, ref, name, first, second, second_start) -> list[_Event]:
    """Two days joined by a range word: one range, or two days for "A and B" without
    "between" ("on March 5 and March 7")."""
    (mo1, d1, y1), (mo2, d2, y2) = first, second
    sep = m[name + "_sep"].strip().lower()
    if sep in {"and", "&"} and not BETWEEN_RE.search(text, max(0, m.start() - 12), m.start()):
        end1 = m.end(name + "_y1") if y1 else m.end(name + "_m1" if name == "xr" else name + "_d1")
        return _one_day(m.start(), end1, mo1, d1, y1 or y2, text, ref) + _one_day(
            second_start, m.end(), mo2, d2, y2, text, ref
        )
    if y1 and not y2:
        y2 = str(int(y1) + ((mo2, d2) < (mo1, d1)))
    return _day_range(m, text, ref, mo1, d1, d2, y2, mo2, y1)


def _one_day(start, end, mo, d, year, text, ref) -> list[_Event]:
    if year:
        day = _day(int(year), mo, d)
        return [(start, end, day, day, "day", False)] if day else []
    if ref is None:
        return []
    day = _resolve_day(mo, d, ref, _future(text, start))
    return [(start, end, day, day, "day", True)] if day else []


def _day_range(m, text, ref, mo, d1, d2, year, mo2=None, year1=None) -> list[_Event]:
    """From day ``d1`` of month ``mo`` to day ``d2`` of ``mo2``; a missing first year is the
    last one's (or the one before, when the months wrap: "December 20 to January 5")."""
    mo2 = mo2 or mo
    if year:
        y1 = int(year1) if year1 else int(year) - ((mo, d1) > (mo2, d2))
        first, last, relative = _day(y1, mo, d1), _day(int(year), mo2, d2), False
    elif ref is None:
        return []
    else:
        future = _future(text, m.start())
        last = _resolve_day(mo2, d2, ref, future)
        first = _day(last.year - ((mo, d1) > (mo2, d2)), mo, d1) if last else None
        relative = True
    if first is None or last is None or last <= first:
        return []
    return [(m.start(), m.end(), first, last, "range", relative)]


def _dm(m, text, ref):
    return _one_day(m.start(), m.end(), _month(m["dm_m"]), int(m["dm_d"]), m["dm_y"], text, ref)


def _md(m, text, ref):
    return _one_day(m.start(), m.end(), _month(m["md_m"]), int(m["md_d"]), m["md_y"], text, ref)


def _my(m, text, ref):
    y, mo = int(m["my_y"]), _month(m["my_m"])
    return [(m.start(), m.end(), date(y, mo, 1), _month_end(y, mo), "month", False)]


def _se(m, text, ref):
    """A season names about three months; its precision is "year" (known within a year)."""
    y, season = int(m["se_y"]), m["se_s"].lower()
    if season == "winter":  # winter 2022: December 2022 to February 2023
        first, last = date(y, 12, 1), _month_end(y + 1, 2)
    else:
        lo, hi = _SEASON_MONTHS[season]
        first, last = date(y, lo, 1), _month_end(y, hi)
    return [(m.start(), m.end(), first, last, "year", False)]


def _yr(m, text, ref):
    y1, raw = int(m["yr_y1"]), m["yr_y2"]
    y2 = int(raw) if len(raw) == 4 else (y1 // 100) * 100 + int(raw)
    if y2 <= y1 or (len(raw) == 2 and not DASH_AFTER_RE.match(text, m.end("yr_y1"))):
        return _y_event(m.start(), m.end("yr_y1"), y1, text)
    return [(m.start(), m.end(), date(y1, 1, 1), date(y2, 12, 31), "range", False)]


def _y(m, text, ref):
    return _y_event(m.start(), m.end(), int(m["y_y"]), text)


def _y_event(start, end, y, text) -> list[_Event]:
    if QUANTITY_AFTER_RE.match(text, end) or QUANTITY_BEFORE_RE.search(
        text, max(0, start - 20), start
    ):
        return []
    return [(start, end, date(y, 1, 1), date(y, 12, 31), "year", False)]


def _mo(m, text, ref):
    name = m["mo_m"]
    before = text[max(0, m.start() - 12) : m.start()]
    if name.lower() in {"may", "march"} and not MONTH_CUE_RE.search(before):
        return []
    if ref is None:
        return []
    mo = _month(name)
    future = _future(text, m.start())
    if re.search(r"(?i)\blast\s+$", before) and mo == ref.month:
        first, last = date(ref.year - 1, mo, 1), _month_end(ref.year - 1, mo)
    else:
        first, last = _resolve_month(mo, ref, future)
    return [(m.start(), m.end(), first, last, "month", True)]


def _ago(m, text, ref):
    if ref is None:
        return []
    raw, unit = m["ago_n"].lower(), m["ago_u"].lower()
    n = int(raw) if raw.isdigit() else NUMBER_WORD[raw]
    if unit == "day":
        d = ref - timedelta(days=n)
        return [(m.start(), m.end(), d, d, "day", True)]
    if unit == "week":
        monday = ref - timedelta(days=ref.weekday() + 7 * n)
        return [(m.start(), m.end(), monday, monday + timedelta(days=6), "range", True)]
    if unit == "month":
        k = ref.year * 12 + ref.month - 1 - n
        y, mo = divmod(k, 12)
        return [(m.start(), m.end(), date(y, mo + 1, 1), _month_end(y, mo + 1), "month", True)]
    y = ref.year - n
    return [(m.start(), m.end(), date(y, 1, 1), date(y, 12, 31), "year", True)]


def _rel(m, text, ref):
    if ref is None:
        return []
    words = " ".join(m["rel_w"].lower().split())
    last_word = words.rsplit(" ", 1)[-1]
    ev = lambda a, b, p: [(m.start(), m.end(), a, b, p, True)]  # noqa: E731
    if words == "yesterday" or words == "last night":
        d = ref - timedelta(days=1)
        return ev(d, d, "day")
    if words == "the day before yesterday":
        d = ref - timedelta(days=2)
        return ev(d, d, "day")
    if (
        words in {"today", "tonight"}
        or words.startswith("this ")
        and last_word not in {"week", "month", "year"}
    ):
        return ev(ref, ref, "day")
    shift = (
        -1
        if words.split()[0] in {"last", "previous"}
        else 1
        if words.split()[0] in {"next", "coming"}
        else 0
    )
    if words.startswith("past ") or (
        words.startswith("last ") and THE_BEFORE_RE.search(text, max(0, m.start() - 8), m.start())
    ):  # "over the past week", "in the last year": the period up to ref, not the calendar one
        back = {"week": 7, "month": 30, "year": 365}[last_word]
        return ev(ref - timedelta(days=back), ref, "range")
    if last_word == "week":
        monday = ref - timedelta(days=ref.weekday()) + timedelta(days=7 * shift)
        return ev(monday, monday + timedelta(days=6), "range")
    if last_word == "month":
        k = ref.year * 12 + ref.month - 1 + shift
        y, mo = divmod(k, 12)
        return ev(date(y, mo + 1, 1), _month_end(y, mo + 1), "month")
    y = ref.year + shift
    return ev(date(y, 1, 1), date(y, 12, 31), "year")


def _wd(m, text, ref):
    if ref is None:
        return []
    target = _WEEKDAYS.index(m["wd_d"] or _WEEKDAY_ABBREVIATIONS[m["wd_a"]])
    mod = (m["wd_mod"] or "").lower()
    back = (ref.weekday() - target) % 7
    if mod in {"next", "coming"} or (mod != "last" and mod != "past" and _future(text, m.start())):
        d = ref + timedelta(days=(target - ref.weekday()) % 7 or 7)
    else:
        d = ref - timedelta(days=back or (7 if mod in {"last", "past"} else 0))
    return [(m.start(), m.end(), d, d, "day", True)]


_RESOLVERS = {
    "iso": _iso,
    "isom": _isom,
    "num": _num,
    "xr": _xr,
    "dr": _dr,
    "dm": _dm,
    "mr": _mr,
    "md": _md,
    "my": _my,
    "se": _se,
    "yr": _yr,
    "ago": _ago,
    "rel": _rel,
    "wd": _wd,
    "mo": _mo,
    "y": _y,
}


# --- the date each item is about ---------------------------------------------------------

# Spans longer than this (years, multi-year ranges) are background, never an item's date.
_BACKGROUND_DAYS = 120
# How far before and after its reference date an item's event date may lie: history and
# anniversaries before, plans and schedules after.
_PAST_HORIZON = pd.Timedelta(days=366)
_FUTURE_HORIZON = pd.Timedelta(days=366)
# The precision of an item dated only by its reference date (``as_of``).
REFERENCE_PRECISION = "reference"


def item_event_dates(items: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Per item, the date it is about: ``item_id``, ``event_date``, ``event_precision``.

    ``event_date`` is a naive calendar date (``datetime64[us]``): the most specific event date
    near the item's own date (see the module docstring for the rule), else the publication
    date (precision ``"day"``), else the reference date ``as_of`` (precision
    ``"reference"``), else missing.
    """
    ids = items["item_id"].astype("string").reset_index(drop=True)
    refs = reference_dates(items).reset_index(drop=True)
    published = (
        pd.to_datetime(items["published"], utc=True)
        .dt.tz_convert(None)
        .dt.normalize()
        .reset_index(drop=True)
    )
    # reference dates are the publication date, else as_of: the item's date when it names none
    precision = pd.Series(
        np.select([published.notna(), refs.notna()], ["day", REFERENCE_PRECISION], ""),
        dtype="string",
    )
    out = pd.DataFrame(
        {
            "item_id": ids,
            "event_date": refs.astype("datetime64[us]"),
            "event_precision": precision.mask(precision == ""),
        }
    )
    undated = published.isna()
    best = _best_event_dates(
        events, pd.DataFrame({"item_id": ids, "ref": refs, "undated": undated})
    )
    if best.empty:
        return out
    date = out["item_id"].map(best["date"])
    has = date.notna().to_numpy()
    out["event_date"] = date.where(has, out["event_date"]).astype("datetime64[us]")
    chosen = out["item_id"].map(best["precision"]).astype("string")
    out["event_precision"] = chosen.where(has, out["event_precision"])
    return out


def _dateline(ev: pd.DataFrame) -> pd.Series:
    """A day written at the very start of an item that has no date of its own ("17/02/2022
    Shelling audible", a record whose date cell is empty): its dateline, the day it is
    about however long before the as_of it was read on."""
    return (
        ev["undated"].astype(bool)
        & (ev["start"] == 0)
        & (ev["precision"] == "day")
        & ~ev["relative"].fillna(False).astype(bool)
    )


def _best_event_dates(events: pd.DataFrame, refs: pd.DataFrame) -> pd.DataFrame:
    """Per item id, the event (``date``, ``precision``) that dates it, among those near its
    reference date ``ref``."""
    if len(events) == 0 or len(refs) == 0:
        return pd.DataFrame(columns=["date", "precision"])
    ev = events[["item_id", "date", "date_end", "precision", "start", "relative"]].copy()
    ev["item_id"] = ev["item_id"].astype("string")
    ev = ev.dropna(subset=["date", "date_end"])
    ev = ev.merge(refs.drop_duplicates("item_id"), on="item_id", how="inner")
    span = (ev["date_end"] - ev["date"]).dt.days
    near = (ev["date"] >= ev["ref"] - _PAST_HORIZON) | _dateline(ev)
    near &= ev["date"] <= ev["ref"] + _FUTURE_HORIZON
    # Background years and history, plans and titles ("by January 2031", "Blade Runner 2099")
    # stay in `events`, not on the item's date.
    ev = ev[(span <= _BACKGROUND_DAYS) & near.fillna(False)].copy()
    if ev.empty:
        return pd.DataFrame(columns=["date", "precision"])
    ev["span"] = span
    # Most specific first; then dates not after ref (latest first), then later ones (earliest
    # first): one ascending sort on (span, after, +-date).
    after = (ev["date"] > ev["ref"]).fillna(False)
    ticks = ev["date"].astype("int64")
    ev["_after"] = after.astype(int)
    ev["_key"] = ticks.where(after, -ticks)
    ev = ev.sort_values(["item_id", "span", "_after", "_key"], kind="stable")
    return ev.drop_duplicates("item_id").set_index("item_id")[["date", "precision"]]
