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
