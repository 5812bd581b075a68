"""Precision, recall and F1 of casualty figures on the hand-labelled dev set and the seed.

Run: ``.venv/bin/python benchmarks/casualty_quality.py [--errors dev|holdout|seed]``

The dev set's texts go through ``dashboard.extract_chunk`` as one items frame (so scope and
on-topic are those the store gets), with the coordinates of their record where it has some
(CIR and UCDP events, looked up in ../shared/corpus). Figures are matched on (item, value, kind) as multisets.
A labelled figure with ``required: false`` is forgiven when missed and not a false positive
when found. Rows without a value (mentions such as "suffered casualties") are not scored.
Side, group, per, scope and claimant accuracy are measured on matched figures (claimant: both
put through the claimant table, then equal after lowering and dropping a leading "the", or
one contains the other; only where either has one). Each split is also reported for the
headline rows (d000–d236) and the paragraph passages (d237 on) apart, and the items'
``on_topic`` against the labelled one.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from dashboard.extract import extract_chunk  # noqa: E402
from dashboard.extractors.claimants import canonical_claimant  # noqa: E402
from dashboard.schema import ITEMS  # noqa: E402

DEVSET = ROOT / "tests" / "data" / "casualty_devset.jsonl"
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seeds" / "000_f4d67d99a2b34ff0.txt"
SEED_GOLD = SHARED / "eval" / "seed_casualties.jsonl"
SEED_AS_OF = date(2024, 11, 15)
# Items of the seed digest end at a "Read More" line or a "… Continue reading" tail.
SEED_ITEM_END = re.compile(r"\n?Read More\s*\n?|… Continue reading\s*\n?")


def seed_items() -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    return [p.strip() for p in SEED_ITEM_END.split(text) if p.strip()]


def _norm_claimant(c):
    c = canonical_claimant(c) or c
    if not c:
        return ""
    c = re.sub(r"[^a-z0-9 ]", "", c.lower().replace("’", "'"))
    return re.sub(r"^the ", "", c).strip()


def score(cases):
    """cases: list of (item_key, gold figures, predicted figures). Returns a dict of metrics."""
    tp = fp = fn = 0
    attr = Counter()
    attr_n = Counter()
    errors = []
    for key, gold, pred in cases:
        pred = [p for p in pred if p["value"] is not None]
        free = list(range(len(pred)))
        matched_pred = set()
        for g in gold:
            hit = next(
                (
                    i
                    for i in free
                    if pred[i]["value"] == g["value"] and pred[i]["kind"] == g["kind"]
                ),
                None,
            )
            if hit is None:
                if g.get("required", True):
                    fn += 1
                    errors.append((key, "missed", g))
                continue
            free.remove(hit)
            matched_pred.add(hit)
            if not g.get("required", True):
                continue
            tp += 1
            p = pred[hit]
            for a in ("side", "group", "per", "scope"):
                if a in g:
                    attr_n[a] += 1
                    attr[a] += p[a] == g[a]
                    if p[a] != g[a]:
                        errors.append((key, f"{a} {p[a]}!={g[a]}", g))
            if "claimant" in g and (g.get("claimant") or p.get("claimant")):
                gc, pc = _norm_claimant(g.get("claimant")), _norm_claimant(p.get("claimant"))
                ok = bool(gc and pc and (gc == pc or gc in pc or pc in gc))
                attr_n["claimant"] += 1
                attr["claimant"] += ok
                if not ok:
                    errors.append(
                        (key, f"claimant {p.get('claimant')!r}!={g.get('claimant')!r}", g)
                    )
        for i in free:
            fp += 1
            errors.append((key, "false", pred[i]))
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    accuracy = {a: (attr[a] / attr_n[a], attr_n[a]) for a in attr_n}
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": prec,
        "recall": rec,
        "f1": f1,
        "accuracy": accuracy,
        "errors": errors,
    }


# The first paragraph passage of the dev set: rows before it are headlines and short texts
# (later rows say which they are in ``form``).
FIRST_PASSAGE = 237


# Records that carry coordinates (a CIR event, a UCDP event): the row's source id, its
# coordinate columns, and the text column the row was taken from (checked, so a row whose
# record has changed gets none).
RECORD_FILES = {
    "cir": ("cir_events.csv", None, ("lat", "lon"), "brief description"),
    "ucdp": ("ucdp_ukraine_events.csv", "id", ("latitude", "longitude"), "source_headline"),
}


def record_coordinates(rows: list[dict]) -> list[tuple[float | None, float | None]]:
    """Each row's record's coordinates, as the store's items get them (a record inside the
    war's theatre is on topic, and its figures this war's); (None, None) when the record is
    not found or ../shared is absent."""
    records = {}
    for source, (name, key, _, _) in RECORD_FILES.items():
        path = SHARED / "corpus" / name
        if path.exists():
            with path.open(encoding="utf-8", errors="replace", newline="") as fh:
                found = list(csv.DictReader(fh))
            records[source] = {(r[key] if key else str(i)): r for i, r in enumerate(found)}
    out = []
    for row in rows:
        record = records.get(row["source"], {}).get(str(row["source_id"]))
        _, _, (lat, lon), text = RECORD_FILES.get(row["source"], (None, None, (0, 0), ""))
        if record is None or record[text].strip()[:20] != row["text"].strip()[:20]:
            out.append((None, None))
            continue
        out.append((_float(record[lat]), _float(record[lon])))
    return out


def _float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def extracted(
    texts: list[str], as_of: date | None, coordinates: list | None = None
) -> tuple[list[list[dict]], list[bool]]:
    """Figures and on-topic flags of each text, as the store would get them."""
    n = len(texts)
    lat, lon = zip(*coordinates, strict=True) if coordinates else ([None] * n, [None] * n)
    items = pd.DataFrame(
        {
            **{name: [None] * n for name in ITEMS.names},
            "lat": list(lat),
            "lon": list(lon),
            "item_id": [f"t{i}" for i in range(n)],
            "text": texts,
            "published": [pd.NaT] * n,
            "as_of": [pd.Timestamp(as_of or date.today(), tz="UTC")] * n,
            "n_words": [len(t.split()) for t in texts],
            "sources": [[] for _ in texts],
        }
    )
    frames = extract_chunk(items)
    figures = frames.casualties.astype(object).where(frames.casualties.notna(), None)
    by_item = {k: g.to_dict("records") for k, g in figures.groupby("item_id")}
    on_topic = frames.items["on_topic"].tolist()
    return [by_item.get(f"t{i}", []) for i in range(n)], on_topic


def form(row: dict) -> str:
    """ "headline" or "paragraph": the row's own ``form``, else (rows before it was recorded)
    by its place in the file."""
    return row.get("form") or ("paragraph" if int(row["id"][1:]) >= FIRST_PASSAGE else "headline")


def devset_rows() -> list[dict]:
    with DEVSET.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def extract_rows(rows) -> dict[str, tuple[list[dict], bool]]:
    """Row id -> (figures, on_topic), from one extraction over the rows."""
    figures, on_topic = extracted([r["text"] for r in rows], None, record_coordinates(rows))
    pairs = zip(figures, on_topic, strict=True)
    return {r["id"]: pair for r, pair in zip(rows, pairs, strict=True)}


def devset_cases(rows, split, part=None, found=None):
    """(key, labelled figures, extracted figures) of one split (and part); ``found`` is
    :func:`extract_rows` of the rows when already computed."""
    chosen = [r for r in rows if r["split"] == split and part in (None, form(r) + "s")]
    found = found or extract_rows(chosen)
    return [((r["id"], r["text"]), r["figures"], found[r["id"]][0]) for r in chosen]


def on_topic_accuracy(rows, found) -> tuple[float, int]:
    labelled = [r for r in rows if "on_topic" in r]
    right = sum(found[r["id"]][1] == r["on_topic"] for r in labelled)
    return right / len(labelled), len(labelled)


def seed_cases():
    items = seed_items()
    gold = [json.loads(line) for line in SEED_GOLD.open(encoding="utf-8")]
    preds, _ = extracted(items, SEED_AS_OF)
    return [
        ((i, text[:60]), [g for g in gold if g["item"] == i], pred)
        for i, (text, pred) in enumerate(zip(items, preds, strict=True))
    ]


def report(name, result):
    acc = "  ".join(f"{a}={v:.3f} (n={n})" for a, (v, n) in sorted(result["accuracy"].items()))
    print(
        f"{name:19s} P={result['precision']:.3f} R={result['recall']:.3f} F1={result['f1']:.3f} "
        f"(tp={result['tp']} fp={result['fp']} fn={result['fn']})  {acc}"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--errors",
        choices=["dev", "holdout", "seed", "dev/headlines", "dev/paragraphs"],
        help="print the errors of one set",
    )
    args = parser.parse_args(argv)
    rows = devset_rows()
    found = extract_rows(rows)  # once: each text's extraction does not depend on the others
    results = {split: score(devset_cases(rows, split, found=found)) for split in ("dev", "holdout")}
    for split in ("dev", "holdout"):
        for part in ("headlines", "paragraphs"):
            results[f"{split}/{part}"] = score(devset_cases(rows, split, part, found))
    if SEED.exists() and SEED_GOLD.exists():
        results["seed"] = score(seed_cases())
    for name, result in results.items():
        report(name, result)
    accuracy, n = on_topic_accuracy(rows, found)
    print(f"on_topic accuracy (labelled rows, both splits): {accuracy:.2f} (n={n})")
    if args.errors:
        for key, what, fig in results[args.errors]["errors"]:
            print(f"- {key[0]} {what}: {fig.get('value')} {fig.get('kind')} | {key[1][:150]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
