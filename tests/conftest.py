"""Shared fixtures: paths to ../shared, the seed digest, temporary stores."""

from __future__ import annotations

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
