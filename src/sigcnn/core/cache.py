"""Verified on-disk cache entries: what the LeNet-5 and scattering caches store and read back.

An entry is one file: a header line ``sigcnn-cache 1 sha256=<64 hex>`` followed by the payload
(an ``.npy`` or a ``torch.save`` stream). :func:`read_entry` recomputes the SHA-256 of the
payload before it hands it to the loader, so a flipped byte, a truncated or empty file, or a
file written by something else (a plain ``np.save``) is never used: it is deleted with a
:class:`CacheWarning` naming it, and the caller computes afresh. :func:`write_entry` writes
through :func:`tempfile.mkstemp` (a new name that no planted symlink can take over) and one
rename; a write that fails (disk full, read-only folder) is a :class:`CacheWarning` and the run
goes on with what it computed. Temporary files of killed writers older than
:data:`ORPHAN_AGE_S` are removed by the next write in the folder.

The cache folder is ``$SIGCNN_CACHE`` if set, else ``<results>/_cache`` (:func:`cache_root`);
:func:`probe_folder` tells before a run whether a folder can be written.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, TypeVar

from .results import new_file_mode, results_dir

T = TypeVar("T")

MAGIC = b"sigcnn-cache 1 sha256="
"""The start of every entry's header line."""

ORPHAN_AGE_S = 3600.0
"""Temporary files older than this in a cache folder belong to killed writers and are removed."""


class CacheWarning(UserWarning):
    """A cache entry was damaged (and deleted) or could not be written; the run goes on."""


def cache_root() -> Path:
    """``$SIGCNN_CACHE`` if set, else ``<results folder>/_cache`` (see :func:`sigcnn.core.results.results_dir`)."""
    env = os.environ.get("SIGCNN_CACHE")
    if env:
        return Path(env).expanduser()
    return results_dir() / "_cache"


def write_probe(folder: Path) -> None:
    """Write, sync and remove a small file in ``folder``, as a run would (``OSError`` when it cannot)."""
    fd, name = tempfile.mkstemp(dir=folder, prefix=".sigcnn-write-probe-")
    try:
        os.write(fd, b"probe")
        os.fsync(fd)
    finally:
        os.close(fd)
        os.unlink(name)


def probe_folder(folder: Path | str) -> str | None:
    """``None`` when files can be created in ``folder`` (made if missing), else the reason in words.

    Creates the missing folders, then writes, syncs and removes a probe file, as a run would.
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_probe(folder)
    except OSError as exc:
        where = exc.filename or folder
        return f"cannot write in {folder} ({exc.strerror or exc}: {where})"
    return None


def _warn(message: str) -> None:
    warnings.warn(message, CacheWarning, stacklevel=3)


def read_entry(path: Path | str, load: Callable[[IO[bytes]], T], check: Callable[[T], None] | None = None) -> T | None:
    """The value stored at ``path``, or ``None`` when there is none or it fails verification.

    Parameters
    ----------
    path : the entry's file.
    load : reads the payload from a binary file object (``np.load``, ``torch.load``, ...).
    check : raises ``ValueError`` when a loaded value is not what the caller expects (its shape,
        finite values); such an entry is treated like a damaged one.

    An entry whose header or SHA-256 is wrong, whose payload ``load`` rejects, or which ``check``
    rejects is deleted with a :class:`CacheWarning` that names the file and the reason.
    """
    path = Path(path)
    try:
        blob = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        _warn(f"cache entry {path} cannot be read ({exc.strerror or exc}); computing afresh")
        return None
    try:
        header, sep, payload = blob.partition(b"\n")
        if not sep or not header.startswith(MAGIC):
            raise ValueError("no sigcnn-cache header (empty, truncated or not written by sigcnn)")
        recorded = header[len(MAGIC) :].decode("ascii", "replace")
        actual = hashlib.sha256(payload).hexdigest()
        if actual != recorded:
            raise ValueError(f"SHA-256 of its content is {actual[:16]}…, recorded {recorded[:16]}…")
        value = load(io.BytesIO(payload))
        if check is not None:
            check(value)
    except Exception as exc:  # any loader error means the entry cannot be trusted
        _warn(f"cache entry {path} is damaged ({exc}); deleted, computing afresh")
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass
        return None
    return value


def _remove_orphans(folder: Path) -> None:
    cutoff = time.time() - ORPHAN_AGE_S
    try:
        entries = list(folder.glob(".*.cache-tmp"))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_file() and not entry.is_symlink() and entry.stat().st_mtime < cutoff:
                entry.unlink()
        except OSError:
            pass


def write_entry(path: Path | str, dump: Callable[[IO[bytes]], Any]) -> bool:
    """Store what ``dump`` writes (to a binary file object) as the entry ``path``; ``True`` on success.

    The payload is hashed in memory, written with its header to a :func:`tempfile.mkstemp` file
    in the entry's folder (mode ``0666`` less the umask), synced, and renamed onto ``path``.
    A failure (no space, read-only folder, ``ulimit -f``) removes the temporary file and gives a
    :class:`CacheWarning`; it never raises an ``OSError``.
    """
    path = Path(path)
    buffer = io.BytesIO()
    dump(buffer)
    payload = buffer.getvalue()
    header = MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n"
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_orphans(path.parent)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".cache-tmp")
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), new_file_mode())
            handle.write(header)
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        _warn(f"could not write cache entry {path} ({exc.strerror or exc}); the run goes on without caching it")
        return False
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    return True


def cached(
    path: Path | str,
    compute: Callable[[], T],
    *,
    dump: Callable[[IO[bytes], T], Any],
    load: Callable[[IO[bytes]], T],
    check: Callable[[T], None] | None = None,
    use_cache: bool = True,
) -> tuple[T, bool]:
    """``(value, from_cache)``: the verified entry at ``path``, else ``compute()`` stored there.

    ``dump(handle, value)`` writes a value, ``load(handle)`` reads it back and ``check(value)``
    (optional) raises ``ValueError`` for a value that must not be used; ``check`` runs on
    computed values too: one it rejects is returned but not stored (with a :class:`CacheWarning`).
    """
    if use_cache:
        value = read_entry(path, load, check)
        if value is not None:
            return value, True
    value = compute()
    if use_cache:
        try:
            if check is not None:
                check(value)
        except ValueError as exc:
            _warn(f"not caching {path}: the computed value fails its check ({exc})")
        else:
            write_entry(path, lambda handle: dump(handle, value))
    return value, False
