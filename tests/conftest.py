"""Shared fixtures: offline by default, a data root with the shared data when it exists."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"

os.environ["SIGCNN_OFFLINE"] = "1"


def _configured_data_root() -> Path | None:
    env = os.environ.get("SIGCNN_DATA")
    if env:
        return Path(env)
    if (SHARED_DATA / "README.md").exists():
        return SHARED_DATA
    return None


CONFIGURED_DATA_ROOT = _configured_data_root()


@pytest.fixture
def real_data_root(monkeypatch):
    """The data root with the real offline data; skips where the machine has none."""
    root = CONFIGURED_DATA_ROOT
    if root is None or not (root / "MNIST").exists():
        pytest.skip("no data root with the offline data sets (set SIGCNN_DATA)")
    monkeypatch.setenv("SIGCNN_DATA", str(root))
    return root


@pytest.fixture
def empty_data_root(monkeypatch, tmp_path):
    root = tmp_path / "data"
    root.mkdir()
    monkeypatch.setenv("SIGCNN_DATA", str(root))
    return root


@pytest.fixture
def results_root(monkeypatch, tmp_path):
    root = tmp_path / "results"
    monkeypatch.setenv("SIGCNN_RESULTS", str(root))
    return root
