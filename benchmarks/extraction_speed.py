"""Words per second of the casualty extractor over the four shared corpora.

Run: ``.venv/bin/python benchmarks/extraction_speed.py [--repeat N]``

Reads every item of ``../shared/corpus`` with ``dashboard.read_items`` (not timed), then
times, in the same run and over the same texts, ``extract_casualties`` and a naive baseline:
one regex ``\\d+ (killed|dead|wounded|injured)`` over each text. ``--repeat`` concatenates the
items frame N times (ids suffixed) for a larger volume; the output says so.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard import read_items  # noqa: E402
from dashboard.extractors.casualties import extract_casualties  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
FILES = [
    "ucdp_ukraine_events.csv",
    "cir_events.csv",
    "gdelt_articles.jsonl",
    "news_headlines_2022.json",
]
# The baseline a reader would write first: digits then a casualty word.
NAIVE = re.compile(r"\d+ (?:killed|dead|wounded|injured)")


def naive(items: pd.DataFrame) -> int:
    return sum(len(NAIVE.findall(t)) for t in items["text"] if isinstance(t, str))


def timed(fn, items):
    t0 = time.perf_counter()
    out = fn(items)
    return out, time.perf_counter() - t0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="repeat the items N times")
    args = parser.parse_args(argv)
    paths = [CORPUS / f for f in FILES]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        print(f"missing corpus files: {', '.join(missing)}", file=sys.stderr)
        return 2
    items = read_items(paths, as_of="2024-11-15")
    if args.repeat > 1:
        copies = []
        for r in range(args.repeat):
            c = items.copy()
            c["item_id"] = c["item_id"] + f"-{r}"
            copies.append(c)
        items = pd.concat(copies, ignore_index=True)
    words = int(items["text"].fillna("").str.split().str.len().sum())
    print(
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}"
    )
    print(
        f"items: {len(items):,} ({len(FILES)} corpora, repeated {args.repeat}x), words: {words:,}"
    )
    frame, t_ours = timed(extract_casualties, items)
    n_naive, t_naive = timed(naive, items)
    for name, n, t in (
        ("extract_casualties", len(frame), t_ours),
        ("naive regex", n_naive, t_naive),
    ):
        print(f"{name:20s} {n:7,} figures  {t:7.3f} s  {words / t:12,.0f} words/s")
    print(f"ratio: ours takes {t_ours / t_naive:.1f}x the naive regex's time")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
