"""The data root, the offline rule, checksums and downloads."""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tempfile
import urllib.request
import zipfile
from pathlib import Path

from ..runtime import user_cache_dir
from .errors import DatasetUnavailable
from .registry import DatasetSpec, RemoteFile

_VERIFIED: dict[tuple[str, int, int], bool] = {}


def data_root() -> Path:
    """The data root: ``$SIGCNN_DATA``, else ``$XDG_CACHE_HOME/sigcnn/data`` (``~/.cache/...``)."""
    env = os.environ.get("SIGCNN_DATA")
    return Path(env).expanduser() if env else user_cache_dir() / "data"


def is_offline() -> bool:
    """True when ``$SIGCNN_OFFLINE`` is set to 1/true/yes: no network access at all."""
    return os.environ.get("SIGCNN_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def dataset_dir(spec: DatasetSpec) -> Path:
    return data_root() / spec.folder


def _md5(path: Path, decompress: bool = False) -> str:
    digest = hashlib.md5()
    opener = gzip.open if decompress else open
    with opener(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_is_valid(path: Path, remote: RemoteFile) -> bool:
    """Check ``path`` against the registry checksums (cached per path, size and mtime)."""
    if not path.is_file():
        return False
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns, remote.md5, remote.content_md5, remote.sha256)
    if key in _VERIFIED:
        return _VERIFIED[key]
    ok = remote.md5 is None or _md5(path) == remote.md5
    if ok and remote.sha256 is not None:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        ok = digest.hexdigest() == remote.sha256
    if not ok and remote.content_md5 and path.suffix == ".gz":
        try:
            ok = _md5(path, decompress=True) == remote.content_md5
        except (OSError, EOFError, gzip.BadGzipFile):
            ok = False
    _VERIFIED[key] = ok
    return ok


def wav_manifest(folder: Path) -> tuple[int, str]:
    """Number of ``.wav`` files in ``folder`` and SHA-256 over sorted (name, md5) pairs."""
    names = sorted(p.name for p in folder.glob("*.wav"))
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode())
        digest.update(_md5(folder / name).encode())
    return len(names), digest.hexdigest()


def _download(url: str, target: Path) -> None:
    """Download ``url`` to ``target`` atomically (a temporary file renamed on success)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=60) as response:
            shutil.copyfileobj(response, out)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _unavailable(spec: DatasetSpec, missing: list[str], reason: str) -> DatasetUnavailable:
    folder = dataset_dir(spec)
    listed = ", ".join(missing)
    return DatasetUnavailable(
        f"dataset {spec.name!r} is missing {listed} in {folder} ({reason}); "
        f"place the files there or set SIGCNN_DATA to a folder that has {spec.folder}/"
    )


def missing_files(spec: DatasetSpec, required: list[str] | None = None) -> list[str]:
    """Relative paths of the required files of ``spec`` that are absent or fail their checksum."""
    folder = dataset_dir(spec)
    wanted = [f for f in spec.files if required is None or f.path in required]
    return [f.path for f in wanted if not file_is_valid(folder / f.path, f)]


def ensure_files(spec: DatasetSpec, required: list[str] | None = None) -> Path:
    """Make sure the required files of an IDX data set are present, downloading when allowed.

    Returns the data set's folder. Raises :class:`DatasetUnavailable` when files are missing
    and ``SIGCNN_OFFLINE`` forbids the network, or when every mirror fails.
    """
    folder = dataset_dir(spec)
    missing = missing_files(spec, required)
    if not missing:
        return folder
    if is_offline():
        raise _unavailable(spec, missing, "SIGCNN_OFFLINE=1 forbids downloading them")
    by_path = {f.path: f for f in spec.files}
    for rel in missing:
        remote = by_path[rel]
        errors = []
        for url in remote.urls:
            try:
                _download(url, folder / rel)
            except OSError as exc:
                errors.append(f"{url}: {exc}")
                continue
            if file_is_valid(folder / rel, remote):
                break
            (folder / rel).unlink(missing_ok=True)
            errors.append(f"{url}: checksum mismatch")
        else:
            raise _unavailable(spec, [rel], "download failed: " + "; ".join(errors))
    return folder


def ensure_wav_folder(spec: DatasetSpec) -> Path:
    """Make sure a WAV-folder data set is complete (manifest hash), downloading when allowed."""
    folder = dataset_dir(spec) / "recordings"
    if folder.is_dir():
        count, sha = wav_manifest(folder)
        if count == spec.manifest_count and sha == spec.manifest_sha256:
            return folder
        if count and is_offline():
            raise _unavailable(
                spec, [f"recordings/*.wav ({spec.manifest_count} files; found {count}, "
                       "manifest hash differs)"], "SIGCNN_OFFLINE=1 forbids downloading them")
    if is_offline():
        raise _unavailable(spec, [f"recordings/*.wav ({spec.manifest_count} files)"],
                           "SIGCNN_OFFLINE=1 forbids downloading them")
    archive = dataset_dir(spec) / "archive.zip"
    try:
        _download(spec.archive_url, archive)
        staging = Path(tempfile.mkdtemp(dir=dataset_dir(spec), prefix="staging-"))
        with zipfile.ZipFile(archive) as zf:
            for member in zf.namelist():
                rel = member.split("/", 1)[-1]
                if rel.startswith(spec.archive_member_prefix) and rel.endswith(".wav"):
                    (staging / Path(rel).name).write_bytes(zf.read(member))
        count, sha = wav_manifest(staging)
        if (count, sha) != (spec.manifest_count, spec.manifest_sha256):
            shutil.rmtree(staging)
            raise _unavailable(spec, ["recordings/*.wav"], "downloaded archive failed its checksum")
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(staging, folder)
    except OSError as exc:
        raise _unavailable(spec, ["recordings/*.wav"], f"download failed: {exc}") from exc
    finally:
        archive.unlink(missing_ok=True)
    return folder
