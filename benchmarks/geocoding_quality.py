"""Geocoding quality and speed of ``extract_entities`` on the real corpora in ../shared/corpus.

For UCDP (``where_description`` + ``source_headline``, own ``latitude``/``longitude``) and CIR
(``title`` + ``brief description``, own ``lat``/``lon``) it prints:

- the share of items with at least one geocoded place;
- for CIR, the share of records whose own ``town/city`` is written in the text and that the
  extractor finds at that spot with coordinates (place recall on the names the corpus knows);
- the distance (haversine, km) between the record's coordinates and the extracted place nearest
  to them, and separately the first place named: median, p90, share within 25 and 100 km.

With ``--speed`` it also times ``extract_entities`` (warm gazetteer) on all four corpora and
prints words per second.

Run: ``.venv/bin/python benchmarks/geocoding_quality.py [--speed] [--shared PATH]``
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.extractors.entities import extract_entities  # noqa: E402
from dashboard.extractors.gazetteer import load_gazetteer  # noqa: E402


def haversine_km(lat1, lon1, lat2, lon2):
    lat1, lon1, lat2, lon2 = map(np.radians, (lat1, lon1, lat2, lon2))
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * np.arcsin(np.sqrt(a))


def _join(*cols: pd.Series) -> pd.Series:
    parts = [c.fillna("").astype(str) for c in cols]
    out = parts[0]
    for p in parts[1:]:
        out = out + "\n" + p
    return out.str.strip()


def load_ucdp(shared: Path) -> pd.DataFrame:
    frame = pd.read_csv(shared / "corpus" / "ucdp_ukraine_events.csv", encoding_errors="replace")
    return pd.DataFrame(
        {
            "item_id": frame["id"].astype(str),
            "text": _join(frame["where_description"], frame["source_headline"]),
            "lat": frame["latitude"],
            "lon": frame["longitude"],
        }
    )


def load_cir(shared: Path) -> pd.DataFrame:
    frame = pd.read_csv(shared / "corpus" / "cir_events.csv", encoding_errors="replace")
    return pd.DataFrame(
        {
            "item_id": frame["entry"].astype(str) + "#" + frame.index.astype(str),
            "text": _join(frame["title"], frame["brief description"]),
            "lat": pd.to_numeric(frame["lat"], errors="coerce"),
            "lon": pd.to_numeric(frame["lon"], errors="coerce"),
            "town": frame["town/city"],
        }
    )


def load_gdelt(shared: Path) -> pd.DataFrame:
    rows = [json.loads(line) for line in (shared / "corpus" / "gdelt_articles.jsonl").open()]
    return pd.DataFrame({"item_id": [r["id"] for r in rows], "text": [r["text"] for r in rows]})


def load_headlines(shared: Path) -> pd.DataFrame:
    rows = json.loads((shared / "corpus" / "news_headlines_2022.json").read_text())
    return pd.DataFrame(
        {"item_id": [str(i) for i in range(len(rows))], "text": [r["title"] for r in rows]}
    )


def geocoding_report(name: str, items: pd.DataFrame) -> dict:
    ents = extract_entities(items[["item_id", "text"]])
    places = ents[ents["kind"] == "place"]
    ref = items.set_index("item_id")[["lat", "lon"]]
    ref = ref.rename(columns={"lat": "lat_ref", "lon": "lon_ref"})
    joined = places.join(ref, on="item_id").dropna(subset=["lat_ref", "lon_ref"])
    joined = joined.assign(
        km=haversine_km(joined["lat"], joined["lon"], joined["lat_ref"], joined["lon_ref"])
    )
    nearest = joined.groupby("item_id")["km"].min()
    first = joined.sort_values("start").groupby("item_id")["km"].first()
    report = {
        "items": len(items),
        "place mentions": len(places),
        "place mentions with coordinates": float(places["lat"].notna().mean())
        if len(places)
        else 0.0,
        "items with >= 1 geocoded place": places["item_id"].nunique() / len(items),
    }
    for label, km in (("nearest", nearest), ("first", first)):
        report[f"{label} place km: median"] = float(km.median())
        report[f"{label} place km: p90"] = float(km.quantile(0.9))
        report[f"{label} place: share within 25 km"] = float((km <= 25).mean())
        report[f"{label} place: share within 100 km"] = float((km <= 100).mean())
    if "town" in items:
        report.update(town_recall(items, places))
    print(f"\n== {name}")
    for key, value in report.items():
        print(f"  {key:45s} {value:.3f}" if isinstance(value, float) else f"  {key:45s} {value}")
    return report


def town_recall(items: pd.DataFrame, places: pd.DataFrame) -> dict:
    """Records whose own town/city name is in the text: is it found there, geocoded?"""
    spans = places.groupby("item_id")[["start", "end"]].apply(
        lambda f: list(zip(f["start"], f["end"], strict=True))
    )
    named = found = 0
    for item_id, text, town in items[["item_id", "text", "town"]].itertuples(index=False):
        if not isinstance(town, str) or len(town) < 3:
            continue
        pos = text.find(town)
        if pos < 0:
            continue
        named += 1
        if any(s <= pos < e for s, e in spans.get(item_id, [])):
            found += 1
    return {
        "records naming their own town": named,
        "of which found as a place": found / max(named, 1),
    }


def speed(shared: Path) -> None:
    load_gazetteer()  # loaded once per process; timed separately
    t0 = time.perf_counter()
    load_gazetteer.cache_clear()
    load_gazetteer()
    print(f"\ngazetteer load: {time.perf_counter() - t0:.2f} s (once per process)")
    for name, loader in (
        ("ucdp", load_ucdp),
        ("cir", load_cir),
        ("gdelt", load_gdelt),
        ("headlines", load_headlines),
    ):
        items = loader(shared)[["item_id", "text"]]
        words = int(items["text"].str.split().str.len().sum())
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            ents = extract_entities(items)
            best = min(best, time.perf_counter() - t0)
        print(
            f"  {name:10s} {len(items):6d} items {words:9d} words {best:6.2f} s "
            f"{words / best:10,.0f} words/s  {len(ents):7d} entities"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--speed", action="store_true", help="also time all four corpora")
    args = parser.parse_args()
    geocoding_report("UCDP (where_description + source_headline)", load_ucdp(args.shared))
    geocoding_report("CIR (title + brief description)", load_cir(args.shared))
    if args.speed:
        speed(args.shared)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
