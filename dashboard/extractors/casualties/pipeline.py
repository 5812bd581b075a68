"""The glue: items -> sentences -> figures (:mod:`.shapes`) -> rows with attributes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd

from dashboard.extractors.claimants import canonical_claimant
from dashboard.extractors.dates import dates_in
from dashboard.extractors.numbers import MAX_VALUE, Number, Token, read_number, tokenize
from dashboard.extractors.sentences import reference_dates, sentence_spans
from dashboard.schema import CASUALTIES, validate

from .attributes import (
    Cues,
    Resolved,
    SentenceCues,
    clause,
    clean_claimant,
    np_group,
    per_cue,
    resolve_group,
    resolve_per,
    resolve_period,
    resolve_side,
    shared_in_lists,
    unmarked_per,
)
from .shapes import (
    Figure,
    backward,
    body_of_one,
    death_of_one,
    ends_before,
    families,
    forward,
    hedge_start,
    hedged,
    including,
    is_noise,
    list_tail,
    number_figure,
    object_one,
    one_among,
    one_listed_after,
    one_listed_before,
    possessive_death,
    reworded,
    singulars,
    skip_hedge,
)
from .vocabulary import (
    BACKWARD_KIND,
    CLAIM_ACCORDING,
    CLAIM_DATED,
    EXCHANGE,
    FILLER,
    MARKUP,
    NUMBER_STARTS,
    QUOTE_MAX,
    SEVERAL_IN_ONE,
    has_keyword,
)

# How many words before a toll's noun may qualify it: "the average daily number of victims".
NOUN_REACH = 6
# A list member waiting for the kind of what follows: (number, its people, next index).
Pending = tuple[Number, list[int], int]


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
    for item_id, text, ref in zip(
        items["item_id"].tolist(), items["text"].tolist(), refs, strict=True
    ):
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
    if not text or not has_keyword(text):
        return []
    if "<" in text or "&" in text:
        # HTML remnants become spaces of the same length, so offsets still point into text
        text = MARKUP.sub(lambda m: " " * len(m.group()), text)
    out: list[dict] = []
    waiting: list[dict] = []  # figures of the previous sentence that name no claimant
    before = ""  # the previous sentence: "A missile hit Kharkiv. Three people were killed."
    earlier = ""  # the one before it, in the same paragraph
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        new_paragraph = "\n" in text[max(0, start - 3) : start]
        if new_paragraph:
            earlier = ""  # what two sentences back named is not this paragraph's place
        figs = (
            _sentence_figures(text, start, end, ref_date, before, earlier)
            if has_keyword(sentence)
            else []
        )
        if waiting and not figs:
            # "... 700,000 casualties. This ..., according to UK Chief of Defence Staff X."
            # The next sentence names the source when it carries no figure of its own.
            m = CLAIM_ACCORDING.search(sentence)
            who = clean_claimant(m.group("c")) if m else None
            for fig in waiting:
                fig["claimant_raw"], fig["claimant"] = who, canonical_claimant(who)
        out.extend(figs)
        waiting = [f for f in figs if f["claimant"] is None]
        earlier = "" if new_paragraph else before
        before = sentence
    return out


# --- one sentence -------------------------------------------------------------------------


def _sentence_figures(
    text: str, s0: int, s1: int, ref_date: date | None, before: str = "", earlier: str = ""
) -> list[dict]:
    sentence = text[s0:s1]
    toks = tokenize(sentence, s0)
    if not toks:
        return []
    lows = reworded([t.low for t in toks])
    used: set[int] = set()
    numbers = _numbers(text, toks, lows)
    figs, pending = _number_figures(sentence, toks, lows, numbers, used)
    figs += one_listed_after(lows, figs, used) + one_listed_before(lows, figs, used)
    singles = object_one(toks, lows, used) + one_among(toks, lows, used)
    singles += death_of_one(toks, lows, used) + body_of_one(toks, lows, used)
    singles += possessive_death(toks, lows, used)
    singles += singulars(toks, lows, used)
    singles += one_listed_after(lows, singles, used)  # "wounded a boy and his mother"
    for p_num, p_np, _ in pending:  # "Three militants, civilian killed"
        head = next((f for f in singles if ends_before(p_num, p_np, f.first, lows)), None)
        if head is not None:
            last = p_np[-1] if p_np else p_num.stop - 1
            figs.append(number_figure(lows, p_num, head.kind, last, p_np))
    figs.extend(singles)
    figs.extend(families(text, sentence, toks, lows, used))
    figs = [counted for fig in figs if (counted := _several_in_one(lows, fig)) is not None]
    if not figs:
        return []
    figs.sort(key=lambda f: f.first)
    return _describe(text, sentence, s0, toks, lows, figs, ref_date, before, earlier)


def _several_in_one(lows: list[str], fig: Figure) -> Figure | None:
    """ "Elderly couple killed": two; "a couple of soldiers": a few, no figure."""
    k = next((k for k in fig.np if lows[k] in SEVERAL_IN_ONE), None) if fig.singular else None
    if k is None:
        return fig
    if k + 1 < len(lows) and lows[k + 1] == "of":
        return None
    fig.value = SEVERAL_IN_ONE[lows[k]]
    return fig


def _numbers(text: str, toks: list[Token], lows: list[str]) -> dict[int, Number]:
    """Every number of the sentence, by the index of its first token."""
    numbers: dict[int, Number] = {}
    for i in range(len(toks)):
        if lows[i][0].isdigit() or lows[i].split("-")[0] in NUMBER_STARTS:
            num = read_number(toks, i, text)
            if num is not None:
                numbers[i] = num
    return numbers


def _number_figures(
    sentence: str,
    toks: list[Token],
    lows: list[str],
    numbers: dict[int, Number],
    used: set[int],
) -> tuple[list[Figure], list[Pending]]:
    """Figures of the numbers, in order; and the list members still waiting for a kind."""
    figs: list[Figure] = []
    pending: list[Pending] = []
    for i in sorted(numbers):
        num = numbers[i]
        if num.first in used:
            if i > 0 and lows[i - 1] == "including":  # a part named inside a figure's phrase
                part = including(lows, num, figs)
                if part is not None and part.first > figs[-1].first:
                    figs.append(part)
            continue
        if is_noise(toks, lows, num):
            continue
        # "killed two residents of Donetsk and wounded seven": the verb before the number
        # owns it, whatever casualty word follows
        if _after_verb(lows, num):
            fig = backward(toks, lows, num) or forward(toks, lows, num, numbers, pending)
        else:
            fig = forward(toks, lows, num, numbers, pending) or backward(toks, lows, num)
        fig = fig or including(lows, num, figs)
        if fig is None or fig.kind == "captured" and EXCHANGE.search(sentence):
            continue
        for p_num, p_np, _ in pending:
            if ends_before(p_num, p_np, fig.first, lows):
                last = p_num.stop - 1 if not p_np else p_np[-1]
                figs.append(number_figure(lows, p_num, fig.kind, last, p_np))
        pending = []
        figs.append(fig)
        used.update(range(fig.first, fig.last + 1))
        figs.extend(list_tail(toks, lows, fig, numbers, used))
    return figs, pending


def _describe(
    text: str,
    sentence: str,
    s0: int,
    toks: list[Token],
    lows: list[str],
    figs: list[Figure],
    ref_date: date | None,
    before: str = "",
    earlier: str = "",
) -> list[dict]:
    """One row per figure: side, group, per, period, claimant and the quote."""
    cues = SentenceCues.read(sentence, s0, toks, lows, before, earlier)
    out = []
    prev = None
    timing = _pers_and_periods(cues, figs, ref_date)
    # "Over 50 killed, over 120 wounded soldiers of ...": the list names its people once
    people = shared_in_lists(figs, [f.np for f in figs], lows, missing=[])
    for fig, np, (per, period) in zip(figs, people, timing, strict=True):
        read = fig if np is fig.np else replace(fig, np=np)
        c = Cues(sentence=cues, fig=read, group=np_group(lows, np), per=per, prev=prev)
        side = resolve_side(c)
        group = resolve_group(c, side)
        out.append(_row(text, sentence, toks, lows, fig, cues, side, group, per, period))
        prev = Resolved(side=side, group=group, kind=fig.kind)
    return out


def _pers_and_periods(
    cues: SentenceCues, figs: list[Figure], ref_date: date | None
) -> list[tuple[str, tuple[date | None, date | None]]]:
    """Each figure's per and period; figures of one list share the cue and date it gives once."""
    sentence, s0, toks, lows = cues.sentence, cues.s0, cues.toks, cues.lows
    clauses = [clause(toks, lows, f, s0) for f in figs]
    local = [_local_per(sentence, s0, toks, f, span) for f, span in zip(figs, clauses, strict=True)]
    local = shared_in_lists(figs, local, lows)
    pers = [resolve_per(sentence, span, cue) for span, cue in zip(clauses, local, strict=True)]
    if len(figs) == 1 and pers[0] is None:
        # the sentence's only figure: its opening says how long it covers ("As a result of
        # the armed aggression ..., 418 children were killed")
        pers[0] = per_cue(sentence[: clauses[0][0]])
    # the day a claim was made is not the figure's ("..., the UN said on Tuesday")
    dates = [d for d in dates_in(sentence, ref_date) if not CLAIM_DATED.search(sentence[: d[0]])]
    periods = [
        resolve_period(dates, span, per, alone=len(figs) == 1)
        for span, per in zip(clauses, pers, strict=True)
    ]
    periods = shared_in_lists(figs, periods, lows, missing=(None, None))
    out = []
    for fig, per, period in zip(figs, pers, periods, strict=True):
        if per is None:
            # one person's death on a date is one event; a count dated a day is that day's
            per = "event" if fig.singular else unmarked_per(fig, period)
        if fig.singular and per in ("total", "month"):
            per = "event"  # one person is one event, whatever year the sentence names
        out.append((per, period))
    return out


def _row(text, sentence, toks, lows, fig: Figure, cues, side, group, per, period) -> dict:
    """The CASUALTIES columns of one figure (no ``item_id``; ``scope`` is set per item)."""
    start, end = _quote_span(toks, lows, fig)
    return {
        "value": fig.value if fig.value is not None and fig.value <= MAX_VALUE else None,
        "value_max": fig.value_max,
        "value_min": None,
        "kind": fig.kind,
        "side": side or "unknown",
        "group": group,
        "claimant": cues.claimant,
        "claimant_raw": cues.claimant_raw,
        "per": per,
        "period_start": period[0],
        "period_end": period[1],
        "approximate": fig.approx,
        "scope": None,  # set by extractors.scope, which reads the whole item
        "origin": "text",
        "quote": text[start:end],
        "sentence": sentence,
        "start": start,
        "end": end,
        "record_ref": None,
    }


def _after_verb(lows: list[str], num: Number) -> bool:
    """The number is the object of a casualty verb just before it (a hedge between)."""
    j = skip_hedge(lows, num.first - 1)
    return j >= 0 and lows[j] in BACKWARD_KIND


def _local_per(sentence: str, s0: int, toks: list[Token], fig: Figure, clause: tuple[int, int]):
    """The per cue of a figure's clause; for a toll, the words of its noun first: "the average
    daily number of victims, which in April amounted to 899" is a daily figure."""
    if fig.noun is not None:
        start = toks[max(0, fig.noun - NOUN_REACH)].start - s0
        if toks[fig.noun].start - s0 >= clause[0]:
            # a noun in the clause: its words there ("... over the past 24 hours, bringing
            # its total losses to 612,000" is a total)
            start = max(start, clause[0])
        cue = per_cue(sentence[start : toks[fig.noun].end - s0])
        if cue in ("day", "month"):  # not "death toll": its clause may say "past 24 hours"
            return cue
    a, b = clause
    return per_cue(sentence[a:b])


def _quote_span(toks: list[Token], lows: list[str], fig: Figure) -> tuple[int, int]:
    """Character span of a figure's quote, its hedge included; cut short when too long."""
    last = fig.last
    while last + 1 < len(lows) and lows[last + 1] == FILLER:
        last += 1  # the rest of a phrase read as one word: "took his own life"
    start, end = toks[fig.first].start, toks[last].end
    if hedged(lows, fig.first):
        start = toks[hedge_start(lows, fig.first)].start
    if end - start > QUOTE_MAX:
        start, end = toks[fig.first].start, toks[min(fig.first + 3, fig.last)].end
    return start, end
