"""Linear time (issue 14): extraction work grows linearly with the length of any text.

Not timed unit tests: the structure that makes the time linear is asserted instead. The
sentence splitter never yields a span longer than its cap, cuts long text at clause
boundaries into a number of windows proportional to its length, and never cuts a real
sentence; each extractor splits an item's text once; dates and figures quote those windows.
One generous smoke test runs the case that never finished: a 250 KB one-line digest.
"""

from __future__ import annotations

import re
import sys
import time

import pandas as pd
import pytest
from conftest import SEED, SEED_AS_OF
from hypothesis import given, settings
from hypothesis import strategies as st

import dashboard
from dashboard.extract import extract_chunk
from dashboard.extractors import scope, sentences
from dashboard.extractors.numbers import MAX_VALUE
from dashboard.extractors.sentences import (
    MAX_SENTENCE_CHARS,
    MIN_WINDOW_CHARS,
    SENTENCE_END,
    sentence_spans,
)
from dashboard.schema import ITEMS, validate

SEPARATOR = re.compile(r"^\s*Read More\s*$", re.MULTILINE)
# The seed digest's sentences on one line, without sentence punctuation: one long "sentence".
SEED_TEXT = SEPARATOR.sub(" ", SEED.read_text(encoding="utf-8"))
UNPUNCTUATED = " ".join(re.sub(r"[.!?…;\n]+", " ", SEED_TEXT).split())
# Size of the pathological texts: many windows, still fast.
SIZE = 60_000


def repeated(unit: str, size: int = SIZE) -> str:
    return (unit * (size // len(unit) + 1))[:size]


PATHOLOGICAL = {
    "unpunctuated news": repeated(UNPUNCTUATED + " "),
    "one token": repeated("a"),
    "run of periods": repeated(".") + "x",
    "run of exclamation marks": repeated("!"),
    "abbreviation then periods": "No" + repeated(".") + "x",
    "periods between words": repeated("killed.wounded."),
    "whitespace runs": repeated("killed" + " " * 3_000),
    "tabs and no-break spaces": repeated("12\t\u00a0killed\u00a0"),
    "commas only": repeated(", "),
    "conjunctions only": repeated("and "),
    "numbers": repeated("7 "),
    "semicolons before lowercase": repeated("3 killed; 2 wounded; "),
    "one CSV row": repeated("2022-03-05,Kharkiv,12,killed,"),
    "Cyrillic without spaces": repeated("загинулипоранено"),
    "capitalised run": repeated("Kyiv Kharkiv Bakhmut General Klimenko "),
    "numbered units": repeated("5th Brigade 46th Air Mobile Brigade "),
    "year ranges": repeated("2014 to 22 "),
    "one sentence then a long tail": "Three soldiers were killed. " + repeated("killed and "),
}


def check_spans(text: str, spans: list[tuple[int, int]]) -> None:
    """Bounded, in order, trimmed, non-overlapping, and nothing but separators left out."""
    pos = 0
    left_out = []
    for start, end in spans:
        assert pos <= start < end <= len(text)
        assert end - start <= MAX_SENTENCE_CHARS
        assert not text[start].isspace() and not text[end - 1].isspace()
        left_out.append(text[pos:start])
        pos = end
    left_out.append(text[pos:])
    assert set("".join("".join(left_out).split())) <= {";"}  # a ";" that ends a sentence


@pytest.mark.timeout(60)  # a regex gone quadratic again fails here instead of hanging
@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_no_span_is_longer_than_the_cap(name):
    text = PATHOLOGICAL[name]
    check_spans(text, list(sentence_spans(text)))


def test_long_text_is_cut_at_the_strongest_clause_boundary():
    clauses = repeated("three soldiers were killed near the village, ")
    spans = list(sentence_spans(clauses))
    assert len(spans) > 2
    assert all(clauses[e - 1] == "," for _, e in spans[:-1])

    joined = repeated("three soldiers were killed near the village and ")
    spans = list(sentence_spans(joined))
    assert all(joined[s:].startswith("and ") for s, _ in spans[1:])

    words = repeated("three soldiers were killed near the village ")
    spans = list(sentence_spans(words))
    assert all(words[e].isspace() for _, e in spans[:-1])  # no word is cut in two
    assert all(e - s >= MIN_WINDOW_CHARS for s, e in spans[:-1])


def test_the_number_of_windows_grows_linearly():
    for size in (SIZE, 2 * SIZE, 4 * SIZE, 8 * SIZE):
        text = repeated(UNPUNCTUATED + " ", size)
        n = sum(1 for _ in sentence_spans(text))
        assert size / MAX_SENTENCE_CHARS <= n <= size / MIN_WINDOW_CHARS + 1


def test_real_sentences_are_never_cut(corpus, monkeypatch):
    """The cap is above the longest sentence of the shared corpora: without it, the same spans."""
    names = ["ucdp_ukraine_events.csv", "cir_events.csv", "gdelt_articles.jsonl"]
    names.append("news_headlines_2022.json")
    items = dashboard.read_items([corpus(n) for n in names] + [SEED], as_of=SEED_AS_OF)
    texts = list(items["text"].dropna())
    capped = [list(sentence_spans(t)) for t in texts]
    monkeypatch.setattr(sentences, "MAX_SENTENCE_CHARS", sys.maxsize)
    assert [list(sentence_spans(t)) for t in texts] == capped
    longest = max(e - s for spans in capped for s, e in spans)
    assert longest < MAX_SENTENCE_CHARS


def one_item(text: str) -> pd.DataFrame:
    row = dict.fromkeys(ITEMS.names)
    row.update(
        item_id="x",
        source="test",
        text=text,
        as_of=pd.Timestamp(SEED_AS_OF, tz="UTC"),
        n_words=len(text.split()),
        n_copies=1,
        sources=["test"],
    )
    return validate(pd.DataFrame([row]), ITEMS)


def test_each_extractor_splits_an_item_once_and_quotes_its_windows(monkeypatch):
    """Work count: the characters handed to the splitter are the text once per extractor that
    splits it (dates used to split a widening window per date: dates x text length); and the
    sentences dates and figures quote are the splitter's windows."""
    text = repeated(UNPUNCTUATED + " on 5 March 2022 and yesterday ", 4 * SIZE)
    split = []

    def counting(t):
        split.append(len(t))
        return sentence_spans(t)

    users = [
        m
        for name, m in sys.modules.items()
        if name.startswith("dashboard.")
        and m is not sentences
        and getattr(m, "sentence_spans", None) is sentence_spans
    ]
    for module in users:
        monkeypatch.setattr(module, "sentence_spans", counting)
    frames = extract_chunk(one_item(text))
    assert len(frames.events) > 100 and len(frames.casualties) > 10
    assert sum(split) <= len(users) * len(text)
    windows = {text[s:e] for s, e in sentence_spans(text)}
    assert set(frames.events["sentence"]) <= windows
    assert set(frames.casualties["sentence"]) <= windows


@pytest.mark.parametrize(
    "text",
    [
        "killed " + "100 " * 400,  # joined from every start to its end; past 308 digits
        "killed 1" + ",000" * 200,  # a float overflow
        "killed " + "9" * 400 + ".5 people",
    ],
)
def test_numbers_longer_than_any_figure_are_not_read(text):
    casualties = extract_chunk(one_item(text)).casualties
    assert (casualties["value"].dropna() <= MAX_VALUE).all()


# The sentence-end pattern as first written: slow (25 lookbehinds at every position,
# quadratic on a run of periods) but plainly right. The fast one must split the same way.
_ABBREVIATIONS = sentences._ABBREVIATIONS
REFERENCE_END = re.compile(
    _ABBREVIATIONS
    + r"[.!?…]+[\"'”’)\]]*(?=\s+|$)|\n+"
    + rf"|;(?=\s*[A-Z0-9\"“?{sentences._CYRILLIC_CAPITALS}])"
)
PIECES = list(".!?…\"')]” \n\tabAZ;,17Зз") + ["Mr", "No", "U.S", "Sept", "St", " and "]


@settings(max_examples=3_000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_sentence_end_matches_the_reference_pattern(text):
    fast = [m.span() for m in SENTENCE_END.finditer(text)]
    assert fast == [m.span() for m in REFERENCE_END.finditer(text)]


CUE_WORDS = ["Ukraine", "Covid", "Syria", "Donetsk", "the invasion", "post-9/11", "x", "killed"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(CUE_WORDS), max_size=25), st.integers(0, 300))
def test_nearest_cue_is_the_one_a_full_scan_finds(words, offset):
    text = " ".join(words)
    cues = scope.load_scope_rules().cues
    best, best_distance = None, None
    for m in cues.finditer(text):
        distance = min(abs(m.start() - offset), abs(m.end() - offset))
        if best_distance is None or distance < best_distance:
            best, best_distance = m.lastgroup, distance
    assert scope._nearest(cues, text, offset) == best


DIGEST_BYTES = 250_000
DIGEST_SECONDS = 20  # generous: about 1 s on a laptop core; it used to never finish


def test_a_250_kb_one_line_digest_extracts_in_bounded_time(tmp_path):
    path = tmp_path / "digest.txt"
    path.write_text(repeated(UNPUNCTUATED + " ", DIGEST_BYTES), encoding="utf-8")
    items = dashboard.read_items(path, as_of=SEED_AS_OF)
    assert len(items) == 1
    started = time.perf_counter()
    frames = extract_chunk(items)
    assert time.perf_counter() - started < DIGEST_SECONDS
    assert len(frames.casualties) > 0 and len(frames.entities) > 0
