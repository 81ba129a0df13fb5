"""Shared fixtures: offline by default, a data root with the shared data when it exists, a seeded
random generator per test. Environment changes go through ``monkeypatch`` only, so nothing set by
one test or module is left for the next."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import torch

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


def _configured_data_root() -> Path | None:
    env = os.environ.get("SIGCNN_DATA")
    if env:
        return Path(env)
    if (SHARED_DATA / "README.md").exists():
        return SHARED_DATA
    return None


# Read once at collection; tests should prefer the `configured_data_root` fixture.
# (Kept for the test modules that still import it; `from conftest import` is on its way out.)
CONFIGURED_DATA_ROOT = _configured_data_root()


@pytest.fixture(scope="session", autouse=True)
def offline():
    """Every test runs offline (``SIGCNN_OFFLINE=1``), undone when the session ends."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SIGCNN_OFFLINE", "1")
        yield


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root."""
    return REPO


@pytest.fixture(scope="session")
def configured_data_root() -> Path | None:
    """The data root the suite was started with (``$SIGCNN_DATA`` or ``../shared/data``), or None."""
    return CONFIGURED_DATA_ROOT


@pytest.fixture
def rng() -> np.random.Generator:
    """A NumPy generator with a fixed seed, new for every test (no module-global generators)."""
    return np.random.default_rng(20261127)


@pytest.fixture
def torch_generator() -> torch.Generator:
    """A torch CPU generator with a fixed seed, new for every test."""
    return torch.Generator().manual_seed(20261127)


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
