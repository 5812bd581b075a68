"""``dashboard.extract`` on a process pool gives the frames it gives in one process."""

from __future__ import annotations

import importlib
from pathlib import Path

import pandas as pd

from dashboard import extract, read_items

# the module, not the function ``dashboard.extract`` that the package exports
extract_module = importlib.import_module("dashboard.extract")

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "data" / "datasets" / "ucdp_ged_ukraine.csv.gz"


def test_a_large_frame_is_extracted_on_a_pool_with_the_same_result(monkeypatch):
    items = read_items([BUNDLED], as_of="2024-11-15")
    monkeypatch.setattr(extract_module, "POOL_MIN_ITEMS", 1_000)  # 2,505 items: 2 workers
    started = []
    real_pool = extract_module.ProcessPoolExecutor

    def pool(*args, **kwargs):
        started.append(args)
        return real_pool(*args, **kwargs)

    monkeypatch.setattr(extract_module, "ProcessPoolExecutor", pool)
    here = extract(items, discover=False, workers=1)
    pooled = extract(items, discover=False, workers=2)
    assert len(started) == 1  # only the second call used a pool
    for name in ("items", "casualties", "events", "entities", "topics"):
        pd.testing.assert_frame_equal(getattr(here, name), getattr(pooled, name), obj=name)
