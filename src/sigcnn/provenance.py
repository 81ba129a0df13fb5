"""Provenance of a result: what ran, where, with which code and data."""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
import time
from dataclasses import asdict, is_dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import torch

from . import __version__


def git_commit() -> str:
    """The git commit of the source tree sigcnn runs from (``-dirty`` when modified), or ``unknown``."""
    here = Path(__file__).resolve().parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=here,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return commit + ("-dirty" if dirty else "")


PACKAGE_ROOT = Path(__file__).resolve().parent
"""The folder of the ``sigcnn`` package whose source :func:`source_digest` hashes."""


def source_digest(root: Path | str | None = None) -> str:
    """SHA-256 (hex) of the whole ``sigcnn`` source tree: every ``*.py`` file's path and bytes.

    The code a cached computation or a stored result came from, without git: it changes
    whenever any module changes (committed or not), and is the same on every machine for the
    same source. Caches key on it (``lenet5-*.pt``, scattering coefficients) and results record
    it in their provenance (``source_sha256``), so an edit anywhere in the package (a data
    transform, the training loop, a model) makes old entries stale. A whole-tree digest
    over-invalidates (an edit to a plot retrains the cached networks), which is the safe side:
    an import graph would miss code reached through a string, a registry or a default.

    Parameters
    ----------
    root : the package folder to hash (default :data:`PACKAGE_ROOT`; tests pass a copy).

    Returns
    -------
    str
        64 hex digits. Reads ~150 files (a few milliseconds); computed afresh each call, so an
        edit made while a notebook kernel runs is seen.
    """
    root = Path(root) if root is not None else PACKAGE_ROOT
    if not root.is_dir():
        raise ValueError(f"source_digest: {root} is not a folder")
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if "__pycache__" in rel.parts:
            continue
        data = path.read_bytes()
        digest.update(f"{rel.as_posix()}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "sigcnn": __version__,
        "torch": torch.__version__,
        "numpy": np.__version__,
    }


def device_description(device: torch.device) -> str:
    if device.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(device)})"
    return f"cpu ({os.cpu_count()} cores, {torch.get_num_threads()} torch threads, {platform.machine()})"


class Stopwatch:
    """``with Stopwatch() as sw: ...`` then ``sw.seconds``."""

    def __enter__(self):
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self._start


def make_provenance(
    config: Any,
    device: torch.device,
    data_source: str,
    wall_time_s: float,
    notes: list[str] | None = None,
    commit: str | None = None,
    source: str | None = None,
) -> dict:
    """The provenance block of a result file; ``commit`` and ``source`` (:func:`source_digest`)
    describe the source tree when the run started (default: now), so that a commit or an edit
    made during a long run is not recorded as its code."""
    cfg = asdict(config) if is_dataclass(config) else dict(config)
    return {
        "config": cfg,
        "scale": cfg.get("scale"),
        "seed": cfg.get("seed"),
        "device": device_description(device),
        "versions": library_versions(),
        "git_commit": commit if commit is not None else git_commit(),
        "source_sha256": source if source is not None else source_digest(),
        "data_source": data_source,
        "wall_time_s": round(wall_time_s, 3),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "notes": list(notes or []),
    }
