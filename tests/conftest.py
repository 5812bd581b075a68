"""Shared fixtures: paths to ../shared, the seed digest, temporary stores."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DASHBOARD_SHARED", ROOT.parent / "shared"))
SEED = ROOT / "data" / "samples" / "seed_digest_2024-11-15.txt"
SEED_AS_OF = "2024-11-15"


def shared_path(*parts: str) -> Path:
    """A path under ../shared; skip when it is absent, but fail under CI (CI has it)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing; CI must run with ../shared beside the repo")
        pytest.skip(f"{path} is absent (needs ../shared)")
    return path


def ucdp_with_late_figures(n_rows: int) -> tuple[list[str], list[list], list[list]]:
    """The UCDP corpus' header, its first ``n_rows`` records, and its first three again under
    new ids with Russia's deaths: records that give stored items new figures of a side
    their lists lack (``item_lists``' late figures)."""
    text = shared_path("corpus", "ucdp_ukraine_events.csv").read_bytes().decode("cp1250")
    header, *rows = list(csv.reader(io.StringIO(text, newline="")))[: n_rows + 1]
    col = {name: n for n, name in enumerate(header)}
    again = []
    for row in rows[:3]:
        row = list(row)
        row[col["id"]] = "9" + row[col["id"]]
        row[col["side_b"]] = "Government of Russia (Soviet Union)"
        for name in ("deaths_a", "deaths_civilians", "deaths_unknown"):
            row[col[name]] = "0"
        row[col["deaths_b"]] = row[col["best"]]
        again.append(row)
    return header, rows, again


@pytest.fixture
def corpus():
    """Callable: corpus('cir_events.csv') -> Path in ../shared/corpus."""
    return lambda name: shared_path("corpus", name)


@pytest.fixture
def eval_dir() -> Path:
    return shared_path("eval")


# -- stores for the app, view and chart tests (built once per session) ----------------------
CORPUS_FILES = (
    "cir_events.csv",
    "gdelt_articles.jsonl",
    "news_headlines_2022.json",
    "ucdp_ukraine_events.csv",
)


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory):
    """A store of the bundled seed digest (reference date 2024-11-15)."""
    from dashboard.ingest import ingest
    from dashboard.store import Store

    store = Store(tmp_path_factory.mktemp("seed") / "store")
    ingest([SEED], store=store, as_of=SEED_AS_OF)
    return store


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory):
    """A store of the four shared corpora (~21k items; takes ~20 s, once per session)."""
    from dashboard.ingest import ingest
    from dashboard.store import Store

    paths = [shared_path("corpus", name) for name in CORPUS_FILES]
    store = Store(tmp_path_factory.mktemp("corpus") / "store")
    ingest(paths, store=store, as_of=SEED_AS_OF)
    return store
