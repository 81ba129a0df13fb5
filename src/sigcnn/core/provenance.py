"""Provenance of a result: what ran, where, with which code and data."""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import torch

from .. import __version__


def git_commit(source: Path | None = None) -> str:
    """The git commit of the source tree sigcnn runs from, or ``unknown``.

    ``-dirty`` when a tracked file under ``source`` (default: the ``sigcnn`` package, the code a run
    executes) is modified; result files, notebooks and the book elsewhere in the checkout do not
    count, so a batch of reference runs that rewrites ``results/reference`` stays clean.
    """
    here = source or PACKAGE_ROOT
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", "."],
            cwd=here,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return commit + ("-dirty" if dirty else "")


PACKAGE_ROOT = Path(__file__).resolve().parents[1]
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


def plain(value: Any) -> Any:
    """``value`` with every tuple turned into a list, in nested dicts and lists too (as JSON reads it back)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def short_commit(commit: str | None) -> str:
    """12 hex digits of a recorded commit, keeping its ``-dirty`` flag (``unknown`` stays)."""
    commit = str(commit or "unknown")
    dirty = commit.endswith("-dirty")
    core = commit.removesuffix("-dirty")
    return (core if core == "unknown" else core[:12]) + ("-dirty" if dirty else "")


_OPTIONAL = ("source_sha256", "experiment_source_sha256")
"""Fields older result files lack: left out of :meth:`Provenance.to_dict` when ``None``."""


@dataclass(frozen=True)
class Provenance:
    """The provenance block of a result: what ran, where, with which code and data.

    :meth:`to_dict` / :meth:`from_dict` give the JSON object of ``result.json`` key for key (keys
    this class does not know are kept in ``extra``), so stored runs load and save unchanged. One
    formatter per field: :attr:`commit`, :attr:`dirty`, :attr:`day`, :attr:`device_name`.
    Code reads attributes (``p.data_source``); the dict is only the stored form.
    """

    config: dict = field(default_factory=dict)
    scale: str | None = None
    seed: int | None = None
    device: str = "?"
    versions: dict = field(default_factory=dict)
    git_commit: str = "unknown"
    source_sha256: str | None = None
    data_source: str = "?"
    wall_time_s: float = float("nan")
    finished_at: str = ""
    notes: tuple[str, ...] = ()
    experiment_source_sha256: str | None = None
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_dict(cls, payload: Mapping[str, Any]) -> Provenance:
        """The provenance of a ``result.json`` object (missing fields take their defaults)."""
        if isinstance(payload, Provenance):
            return payload
        if not isinstance(payload, Mapping):
            raise TypeError(f"provenance must be a mapping, got {type(payload).__name__}")
        known = {f.name for f in fields(cls)} - {"extra"}
        values = {k: v for k, v in payload.items() if k in known}
        if "notes" in values:
            values["notes"] = tuple(values["notes"] or ())
        return cls(**values, extra={k: v for k, v in payload.items() if k not in known})

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``result.json`` (the keys in the order result files have always had)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "extra" or (f.name in _OPTIONAL and value is None):
                continue
            out[f.name] = list(value) if f.name == "notes" else value
        out.update(self.extra)
        return out

    @property
    def commit(self) -> str:
        """The commit as the book prints it: 12 hex digits and the ``-dirty`` flag (:func:`short_commit`)."""
        return short_commit(self.git_commit)

    @property
    def dirty(self) -> bool:
        """Whether the source tree had uncommitted changes when the run started."""
        return self.git_commit.endswith("-dirty")

    @property
    def day(self) -> str:
        """The day the run finished, ``YYYY-MM-DD`` (``?`` when unknown)."""
        return self.finished_at[:10] or "?"

    @property
    def device_name(self) -> str:
        """The device without its details: ``cpu``, ``cuda``."""
        return self.device.split(" (")[0]


def make_provenance(
    config: Any,
    device: torch.device,
    data_source: str,
    wall_time_s: float,
    notes: list[str] | None = None,
    commit: str | None = None,
    source: str | None = None,
    experiment_source: str | None = None,
) -> Provenance:
    """The provenance block of a result; ``commit`` and ``source`` (:func:`source_digest`)
    describe the source tree when the run started (default: now), so that a commit or an edit
    made during a long run is not recorded as its code; ``experiment_source`` is the digest of
    the experiment's own modules (recorded when given)."""
    cfg = asdict(config) if is_dataclass(config) and not isinstance(config, type) else dict(config)
    return Provenance(
        config=cfg,
        scale=cfg.get("scale"),
        seed=cfg.get("seed"),
        device=device_description(device),
        versions=library_versions(),
        git_commit=commit if commit is not None else git_commit(),
        source_sha256=source if source is not None else source_digest(),
        data_source=data_source,
        wall_time_s=round(wall_time_s, 3),
        finished_at=datetime.now(UTC).isoformat(timespec="seconds"),
        notes=tuple(notes or ()),
        experiment_source_sha256=experiment_source,
    )
