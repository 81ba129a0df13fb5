"""Result objects and result files (``DIR/NAME/SCALE/result.json`` + ``arrays.npz``), written atomically."""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from filelock import FileLock

from .checksums import file_digest
from .provenance import Provenance
from .runtime import user_cache_dir


@dataclass
class Result:
    """What an experiment returns: scalar metrics, arrays and provenance (a dict given is read as one)."""

    name: str
    scale: str
    metrics: dict
    arrays: dict = field(default_factory=dict)
    provenance: Provenance = field(default_factory=Provenance)

    def __post_init__(self) -> None:
        if not isinstance(self.provenance, Provenance):
            self.provenance = Provenance.from_dict(self.provenance)

    def summary(self) -> str:
        """A few lines for the terminal: the metrics and where the data came from."""
        lines = [f"{self.name} [{self.scale}] in {self.provenance.wall_time_s:.1f} s on {self.provenance.device}"]
        for key, value in self.metrics.items():
            shown = f"{value:.4f}" if isinstance(value, float) else str(value)
            lines.append(f"  {key:<40} {shown}")
        lines.append(f"  data: {self.provenance.data_source}")
        for note in self.provenance.notes:
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


def new_file_mode() -> int:
    """The mode a new file gets under the process umask (``0o666 & ~umask``): what ``open`` would give,
    for files written through ``mkstemp`` (which creates them 0o600)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _name_path(exc: OSError, path: Path) -> OSError:
    """``exc`` with ``path`` in its message when it lacks one (``ENOSPC`` from a write has none)."""
    if exc.filename is None and exc.errno is not None:
        named = OSError(exc.errno, exc.strerror or str(exc), str(path))
        named.__cause__ = exc
        return named
    return exc


def _write_temp(path: Path, write) -> str:
    """Write through ``write`` to a fresh temporary file beside ``path``; return its name.

    The file gets the mode a plain ``open`` would give (``0666`` less the umask), not the
    ``0600`` of :func:`tempfile.mkstemp`. An ``OSError`` (disk full, ...) names ``path``.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _name_path(exc, path) from exc
    with _removed_on_error(tmp, path):
        os.fchmod(fd, new_file_mode())
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
    return tmp


def _replace(tmp: str, path: Path) -> None:
    with _removed_on_error(tmp, path):
        os.replace(tmp, path)


@contextmanager
def _removed_on_error(tmp: str, path: Path) -> Iterator[None]:
    """Delete the temporary file ``tmp`` when the block fails; an ``OSError`` is re-raised naming ``path``."""
    try:
        yield
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _name_path(exc, path) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _atomic_write(path: Path, write) -> None:
    """Write ``path`` through a temporary file in the same folder, then rename it into place."""
    _replace(_write_temp(path, write), path)


def _sha256(path: Path) -> str:
    return file_digest(path, "sha256")


class ResultFileError(ValueError):
    """A result folder whose ``result.json`` and arrays file do not belong together."""


def folder_lock(folder: Path) -> FileLock:
    """The lock that every writer of the result folder ``folder`` holds (``NAME/.SCALE.lock``).

    An advisory ``flock`` lock (:mod:`filelock`), released by the kernel when its holder dies, so
    a killed run never leaves the folder locked. It lives beside the folder, not in it, so that
    the folder holds only the result files.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(folder.parent / f".{folder.name}.lock")


def _remove_orphans(folder: Path, keep: str | None) -> None:
    """Under the folder lock: remove arrays files that ``result.json`` no longer names and the
    temporary files of writers that were killed (SIGKILL, power loss) before their rename."""
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        stray_arrays = entry.name.startswith("arrays") and entry.suffix == ".npz" and entry.name != keep
        stray_temp = entry.name.startswith((".arrays.npz.", ".result.json.")) and entry.name.endswith(".tmp")
        if (stray_arrays or stray_temp) and entry.is_file():
            entry.unlink(missing_ok=True)


def save_result(result: Result, out_dir: Path | str | None = None) -> Path:
    """Write ``result.json`` (and an arrays file when there are arrays); return the JSON path.

    The arrays go to ``arrays-<sha256 prefix>.npz``, a new name for new content, and
    ``result.json`` records that name and the file's SHA-256. ``result.json`` is written last,
    through a temporary file and one rename: that rename is the commit point, so a reader sees
    either the old metrics with the old arrays or the new ones with the new arrays, never a mix,
    whatever fails in between. The whole write, commit and clean-up runs under
    :func:`folder_lock`, so two runs saving into one folder at once cannot delete the arrays the
    other just committed; after the commit, arrays files that ``result.json`` does not name and
    temporary files left by killed writers are removed.
    """
    path = result_path(out_dir if out_dir is not None else results_dir(), result.name, result.scale)
    try:
        lock = folder_lock(path.parent)
    except OSError as exc:
        raise _name_path(exc, path) from exc
    with lock:
        arrays_file = arrays_sha = None
        if result.arrays:
            arrays = {k: np.asarray(v) for k, v in result.arrays.items()}
            tmp = _write_temp(
                path.with_name("arrays.npz"), lambda h: np.savez_compressed(h, allow_pickle=True, **arrays)
            )
            arrays_sha = _sha256(Path(tmp))
            arrays_file = f"arrays-{arrays_sha[:16]}.npz"
            _replace(tmp, path.with_name(arrays_file))
        payload = {
            "name": result.name,
            "scale": result.scale,
            "metrics": _jsonable(result.metrics),
            "arrays": sorted(result.arrays),
            "arrays_file": arrays_file,
            "arrays_sha256": arrays_sha,
            "provenance": _jsonable(result.provenance.to_dict()),
        }
        text = json.dumps(payload, indent=2, allow_nan=False) + "\n"
        _atomic_write(path, lambda h: h.write(text.encode()))
        _remove_orphans(path.parent, arrays_file)
    return path


def load_result(path: Path | str, *, with_arrays: bool = True) -> Result:
    """Read a result file written by :func:`save_result` (with its arrays, when present and ``with_arrays``).

    Raises
    ------
    ResultFileError
        When ``result.json`` is not valid JSON or lacks a field (the file and field are named),
        or the arrays file it names is missing, records no SHA-256, has another SHA-256 than the
        one recorded, or does not hold the arrays the JSON lists.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "result.json"
    try:
        payload = json.loads(path.read_text())
    except ValueError as exc:  # truncated or not JSON (UnicodeDecodeError is a ValueError too)
        raise ResultFileError(f"{path} is not a valid result file: {exc}") from exc
    if not isinstance(payload, dict):
        raise ResultFileError(f"{path} is not a valid result file: a JSON object was expected")
    for key, kind in (("name", str), ("scale", str), ("metrics", dict), ("provenance", dict)):
        if not isinstance(payload.get(key), kind):
            raise ResultFileError(f"{path}: field {key!r} is missing or not a {kind.__name__}")
    arrays = {}
    listed = payload.get("arrays") or []
    if listed and with_arrays:
        name = payload.get("arrays_file") or "arrays.npz"  # files written before arrays_file existed
        if not isinstance(name, str) or "/" in name or not name.startswith("arrays"):
            raise ResultFileError(f"{path}: field 'arrays_file' must name an arrays file in its folder, got {name!r}")
        npz = path.with_name(name)
        if not npz.is_file():
            raise ResultFileError(f"{path} lists arrays {listed} but {npz} is missing")
        expected = payload.get("arrays_sha256")
        if expected is None and "arrays_file" in payload:  # every file that names its arrays records their hash
            raise ResultFileError(f"{path} names arrays file {name} but records no arrays_sha256 (edited by hand?)")
        if expected is not None and _sha256(npz) != expected:
            raise ResultFileError(
                f"{npz} does not match {path}: SHA-256 {_sha256(npz)}, recorded {expected} (written by a different run)"
            )
        with np.load(npz) as data:
            arrays = {k: data[k] for k in data.files}
        if sorted(arrays) != sorted(listed):
            raise ResultFileError(f"{npz} holds arrays {sorted(arrays)} but {path} lists {sorted(listed)}")
    return Result(payload["name"], payload["scale"], payload["metrics"], arrays, payload["provenance"])
