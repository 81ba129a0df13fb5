"""Result objects and result files (``DIR/NAME/SCALE/result.json`` + ``arrays.npz``), written atomically."""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .runtime import user_cache_dir


@dataclass
class Result:
    """What an experiment returns: scalar metrics, arrays and provenance."""

    name: str
    scale: str
    metrics: dict
    arrays: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)

    def summary(self) -> str:
        """A few lines for the terminal: the metrics and where the data came from."""
        lines = [f"{self.name} [{self.scale}] in {self.provenance.get('wall_time_s', float('nan')):.1f} s "
                 f"on {self.provenance.get('device', '?')}"]
        for key, value in self.metrics.items():
            shown = f"{value:.4f}" if isinstance(value, float) else str(value)
            lines.append(f"  {key:<40} {shown}")
        lines.append(f"  data: {self.provenance.get('data_source', '?')}")
        for note in self.provenance.get("notes", []):
            lines.append(f"  note: {note}")
        return "\n".join(lines)


def results_dir() -> Path:
    """Where results go by default: ``$SIGCNN_RESULTS``, else ``~/.cache/sigcnn/results``."""
    env = os.environ.get("SIGCNN_RESULTS")
    return Path(env).expanduser() if env else user_cache_dir() / "results"


def result_path(out_dir: Path | str, name: str, scale: str) -> Path:
    return Path(out_dir) / name / scale / "result.json"


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _atomic_write(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_result(result: Result, out_dir: Path | str | None = None) -> Path:
    """Write ``result.json`` (and ``arrays.npz`` when there are arrays); return the JSON path.

    Each file is written to a temporary name in the same folder and renamed, so a reader
    never sees half a file. The arrays are written first: a ``result.json`` always has its arrays.
    """
    path = result_path(out_dir if out_dir is not None else results_dir(), result.name, result.scale)
    if result.arrays:
        arrays = {k: np.asarray(v) for k, v in result.arrays.items()}
        _atomic_write(path.with_name("arrays.npz"), lambda h: np.savez_compressed(h, **arrays))
    payload = {
        "name": result.name,
        "scale": result.scale,
        "metrics": _jsonable(result.metrics),
        "arrays": sorted(result.arrays),
        "provenance": _jsonable(result.provenance),
    }
    text = json.dumps(payload, indent=2, allow_nan=False) + "\n"
    _atomic_write(path, lambda h: h.write(text.encode()))
    return path


def load_result(path: Path | str) -> Result:
    """Read a result file written by :func:`save_result` (with its arrays, when present)."""
    path = Path(path)
    if path.is_dir():
        path = path / "result.json"
    payload = json.loads(path.read_text())
    arrays = {}
    npz = path.with_name("arrays.npz")
    if payload.get("arrays") and npz.exists():
        with np.load(npz) as data:
            arrays = {k: data[k] for k in data.files}
    return Result(payload["name"], payload["scale"], payload["metrics"], arrays, payload["provenance"])
