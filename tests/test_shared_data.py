"""Tests that need ../shared skip when it is absent, except under CI, where they fail."""

from __future__ import annotations

import conftest
import pytest


def test_missing_shared_fails_under_ci(monkeypatch, tmp_path):
    monkeypatch.setattr(conftest, "SHARED", tmp_path / "nowhere")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run with ../shared"):
        conftest.shared_path("corpus", "cir_events.csv")


def test_missing_shared_skips_outside_ci(monkeypatch, tmp_path):
    monkeypatch.setattr(conftest, "SHARED", tmp_path / "nowhere")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        conftest.shared_path("corpus", "cir_events.csv")
