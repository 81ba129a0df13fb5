"""Provenance of a result: what ran, where, with which code and data."""

from __future__ import annotations

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
) -> dict:
    """The provenance block of a result file; ``commit`` is the source tree's commit when the run
    started (default: now), so that a commit made during a long run is not recorded as its code."""
    cfg = asdict(config) if is_dataclass(config) else dict(config)
    return {
        "config": cfg,
        "scale": cfg.get("scale"),
        "seed": cfg.get("seed"),
        "device": device_description(device),
        "versions": library_versions(),
        "git_commit": commit if commit is not None else git_commit(),
        "data_source": data_source,
        "wall_time_s": round(wall_time_s, 3),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "notes": list(notes or []),
    }
