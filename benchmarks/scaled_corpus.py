"""Scale the four shared corpora up to N items for the volume benchmarks.

The corpora (about 19,000 distinct items) are written again and again, in their own
formats (CSV, JSON list, JSONL), each repeat ``r`` with:

- dates shifted by ``r * SHIFT_DAYS`` days (the publication field the reader uses),
- ids suffixed with ``-r<r>``,
- the text suffixed with a marker ``[rep <letters>]`` (letters, not digits, so no extractor
  reads it as a number), because an item's id is a hash of its text: without it every
  repeat would collapse into the first as a duplicate.

So a "1M-item" corpus is the real corpora ~53 times over, not 1M different texts: the
benchmarks say so in their output. Files go to a temporary directory (never the repo, never
/work/shared); the caller removes it.

    .venv/bin/python benchmarks/scaled_corpus.py 100000 --out /tmp/corpus-100k
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.normalise import parse_datetimes  # noqa: E402
from dashboard.readers.tabular import resolve_columns  # noqa: E402

SHARED = Path(os.environ.get("DASHBOARD_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
# The four shared corpora (see ../shared/corpus/README.md) and their layouts.
FILES = {
    "ucdp_ukraine_events.csv": "csv",
    "cir_events.csv": "csv",
    "gdelt_articles.jsonl": "jsonl",
    "news_headlines_2022.json": "json",
}
# Distinct items the four files hold together once read (exact duplicates collapse).
DISTINCT_PER_REPEAT = 18_989
SHIFT_DAYS = 7
csv.field_size_limit(1 << 30)


@dataclass
class ScaledCorpus:
    root: Path
    repeats: int
    rows: int = 0
    paths: list[Path] = field(default_factory=list)

    def describe(self) -> str:
        return (
            f"{self.rows:,} records in {len(self.paths)} files: the 4 shared corpora repeated "
            f"{self.repeats} times with dates shifted {SHIFT_DAYS} days per repeat and a repeat "
            f"marker appended to each text and id"
        )


def _letters(r: int) -> str:
    """0 -> 'a', 25 -> 'z', 26 -> 'ba': a repeat number without digits."""
    out = ""
    while True:
        out = chr(ord("a") + r % 26) + out
        r //= 26
        if r == 0:
            return out


def _load(path: Path, kind: str) -> tuple[list[dict], list[str]]:
    if kind == "csv":
        # latin-1 maps every byte to one character: the bytes (a stray cp1252 quote in
        # one file) go back out unchanged, for the reader to decode as it would the original.
        with path.open(newline="", encoding="latin-1") as fh:
            reader = csv.DictReader(fh)
            return list(reader), list(reader.fieldnames or [])
    if kind == "json":
        rows = json.loads(path.read_text("utf-8"))
    else:
        rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
    names = list(dict.fromkeys(k for row in rows for k in row))
    return rows, names


def _write(path: Path, kind: str, rows: list[dict], names: list[str]) -> None:
    encoding = "latin-1" if kind == "csv" else "utf-8"
    with path.open("w", newline="", encoding=encoding) as fh:
        if kind == "csv":
            writer = csv.DictWriter(fh, fieldnames=names)
            writer.writeheader()
            writer.writerows(rows)
        elif kind == "json":
            json.dump(rows, fh)
        else:
            fh.writelines(json.dumps(row) + "\n" for row in rows)


def write_scaled_corpus(
    n_items: int, out_dir: str | Path | None = None, corpus: Path = CORPUS
) -> ScaledCorpus:
    """Write about ``n_items`` distinct items (the corpora repeated) under ``out_dir``."""
    root = Path(out_dir) if out_dir else Path(tempfile.mkdtemp(prefix="scaled-corpus-"))
    if root.resolve().is_relative_to(ROOT) or root.resolve().is_relative_to(SHARED):
        raise ValueError(f"{root}: write scaled corpora outside the repo and ../shared")
    root.mkdir(parents=True, exist_ok=True)
    fraction = n_items / DISTINCT_PER_REPEAT
    repeats = max(1, math.ceil(fraction))
    out = ScaledCorpus(root, repeats)
    for name, kind in FILES.items():
        rows, names = _load(corpus / name, kind)
        mapping = resolve_columns(names)
        # Headline files have no text column: the reader uses the title as the text.
        text_col, id_col = mapping.get("text", mapping.get("title")), mapping.get("source_id")
        date_col = mapping.get("published")
        stamps = parse_datetimes(row.get(date_col) for row in rows) if date_col else None
        numeric = bool(rows) and isinstance(rows[0].get(date_col), int | float)
        stem, suffix = name.rsplit(".", 1)
        for r in range(repeats):
            take = len(rows)
            if r == repeats - 1 and fraction < repeats:  # the last repeat is partial
                take = round(len(rows) * (fraction - (repeats - 1)))
            shifted = []
            for i, row in enumerate(rows[:take]):
                row = dict(row)
                if r:
                    marker = f" [rep {_letters(r)}]"
                    row[text_col] = f"{row.get(text_col) or ''}{marker}"
                    if id_col and row.get(id_col) not in (None, ""):
                        row[id_col] = f"{row[id_col]}-r{r}"
                    if date_col and stamps is not None and not pd.isna(stamps.iloc[i]):
                        moved = stamps.iloc[i] + timedelta(days=r * SHIFT_DAYS)
                        row[date_col] = (
                            int(moved.timestamp())
                            if numeric
                            else moved.strftime("%Y-%m-%dT%H:%M:%SZ")
                        )
                shifted.append(row)
            path = root / f"{stem}-r{r:03d}.{suffix}"
            _write(path, kind, shifted, names)
            out.paths.append(path)
            out.rows += len(shifted)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n_items", type=int)
    parser.add_argument("--out", type=Path, help="directory (default: a new temporary one)")
    args = parser.parse_args()
    scaled = write_scaled_corpus(args.n_items, args.out)
    print(f"{scaled.root}: {scaled.describe()}")


if __name__ == "__main__":
    main()
