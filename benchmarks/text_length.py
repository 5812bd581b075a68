"""Seconds per MB of extraction as one text grows: punctuated and unpunctuated, 10 KB to 10 MB.

Run: ``.venv/bin/python benchmarks/text_length.py [--max-mb 10] [--repeat 1]``

Extraction time must grow linearly with the length of any text (issue 14): a text without
sentence punctuation (a one-line digest, a paste gone wrong) used to take quadratic time,
1.9 s for 10 KB and 29.5 s for 40 KB. This times ``extract_chunk`` (every per-item extractor,
as ingest runs it) on a one-item frame whose text is

- ``punctuated``: real news sentences one after another on one line (the seed digest's
  casualty reports and, when ``../shared/corpus`` is there, GDELT article sentences);
- ``unpunctuated``: the same sentences with their sentence punctuation (``. ! ? … ;``) and
  line breaks removed, so the whole text is one "sentence";

at 10 KB, 100 KB, 1 MB and 10 MB (``--max-mb`` sets the largest; each size is the same
sentences repeated). In the same run and over the same texts, a baseline: one
``re.findall(r"\\w+")`` pass. Linear time shows as a flat seconds-per-MB column from 100 KB
up (at 10 KB the fixed cost of one call, building and validating the frames, dominates).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.extract import extract_chunk  # noqa: E402
from dashboard.extractors.entities import extract_entities  # noqa: E402
from dashboard.extractors.sentences import MAX_SENTENCE_CHARS  # noqa: E402
from dashboard.extractors.topics import load_taxonomy  # noqa: E402
from dashboard.schema import ITEMS, validate  # noqa: E402

SEED = ROOT / "data" / "samples" / "seed_digest_2024-11-15.txt"
GDELT = ROOT.parent / "shared" / "corpus" / "gdelt_articles.jsonl"
AS_OF = "2024-11-15"
KB, MB = 1_000, 1_000_000
SIZES = (10 * KB, 100 * KB, MB, 10 * MB)
# Sentences taken from the GDELT articles: enough variety that repeats are far apart.
GDELT_SENTENCES = 3_000
# A sentence: up to its end mark and the space after it (the text's own line breaks too).
SENTENCE = re.compile(r"[^.!?…\n]+(?:[.!?…]+[\"'”’)\]]*(?=\s|$)|\n|$)")
# What "unpunctuated" takes out: sentence end marks, the ";" that joins headlines, newlines.
SENTENCE_PUNCTUATION = re.compile(r"[.!?…;\n]+")
# A digest's item separators are not news text.
SEPARATOR = re.compile(r"^\s*(?:Read More|.*Continue reading)\s*$", re.MULTILINE)
BASELINE = re.compile(r"\w+")


def sentences() -> tuple[list[str], str]:
    """Real sentences, and where they came from."""
    seed = SEPARATOR.sub("", SEED.read_text(encoding="utf-8"))
    found = [m.group().strip() for m in SENTENCE.finditer(seed)]
    source = f"seed digest ({len(found)} sentences)"
    if GDELT.exists():
        gdelt = []
        with GDELT.open(encoding="utf-8") as f:
            for line in f:
                text = json.loads(line).get("text") or ""
                gdelt += [m.group().strip() for m in SENTENCE.finditer(text)]
                if len(gdelt) >= GDELT_SENTENCES:
                    break
        found += gdelt
        source += f" + GDELT articles ({len(gdelt)} sentences)"
    return [s for s in found if s], source


def text_of(sents: list[str], size: int, punctuated: bool) -> str:
    """``size`` characters of the sentences one after another on one line."""
    if not punctuated:
        sents = [SENTENCE_PUNCTUATION.sub(" ", s).strip() for s in sents]
    one_pass = " ".join(s for s in sents if s)
    return (one_pass + " ") * (size // (len(one_pass) + 1)) + one_pass[: size % (len(one_pass) + 1)]


def one_item(text: str) -> pd.DataFrame:
    """A one-item frame, as a reader would make it (the columns the schema has)."""
    row = dict.fromkeys(ITEMS.names)
    row.update(
        item_id="benchmark",
        source="benchmark",
        text=text,
        as_of=pd.Timestamp(AS_OF, tz="UTC"),
        n_words=len(BASELINE.findall(text)),
        n_copies=1,
        sources=["benchmark"],
    )
    return validate(pd.DataFrame([row]), ITEMS)


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def size_label(size: int) -> str:
    return f"{size // MB} MB" if size >= MB else f"{size // KB} KB"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--max-mb", type=float, default=10, help="largest text size in MB (default 10)"
    )
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs per size")
    args = parser.parse_args(argv)
    sizes = [s for s in SIZES if s <= args.max_mb * MB]
    sents, source = sentences()
    taxonomy = load_taxonomy()
    extract_entities(one_item("Kyiv"))  # load the gazetteer once, outside the timings
    print(
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}"
    )
    print(f"text: {source}, repeated to each size on one line")
    print(f"sentence window cap: {MAX_SENTENCE_CHARS:,} characters")
    print(
        f"{'text':13s} {'size':>6s} {'figures':>8s} {'seconds':>8s} {'s/MB':>7s} "
        f"{'baseline s/MB':>14s} {'x baseline':>10s}"
    )
    started = time.perf_counter()
    for punctuated in (True, False):
        kind = "punctuated" if punctuated else "unpunctuated"
        for size in sizes:
            text = text_of(sents, size, punctuated)
            items = one_item(text)
            figures = []
            seconds = best_of(
                lambda items=items, figures=figures: figures.append(
                    len(extract_chunk(items, taxonomy).casualties)
                ),
                args.repeat,
            )
            baseline = best_of(lambda text=text: BASELINE.findall(text), args.repeat)
            mb = len(text) / MB
            print(
                f"{kind:13s} {size_label(size):>6s} {figures[-1]:8,d} {seconds:8.2f} "
                f"{seconds / mb:7.2f} {baseline / mb:14.3f} {seconds / baseline:10.0f}",
                flush=True,
            )
    print(f"total: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
