"""The data root, the offline rule, checksums and downloads."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
import zlib
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

from ..core.checksums import file_digest
from ..core.runtime import user_cache_dir
from .errors import DatasetCorrupt, DatasetUnavailable
from .registry import DatasetSpec, RemoteFile

_VERIFIED: dict[tuple[str, int, int, str, bool], str] = {}

CONNECT_TIMEOUT_S = 10.0
"""How long to wait for a connection to a download host (a firewall that drops packets)."""
READ_TIMEOUT_S = 60.0
"""How long to wait for the next bytes once connected."""

_FAILED_HOSTS: dict[str, str] = {}
"""Hosts that failed in this process, with the reason: they are not tried again."""

OFFLINE_HINT = "set SIGCNN_OFFLINE=1 to skip downloads and use only the files under the data root"


def data_root() -> Path:
    """The data root: ``$SIGCNN_DATA``, else ``$XDG_CACHE_HOME/sigcnn/data`` (``~/.cache/...``)."""
    env = os.environ.get("SIGCNN_DATA")
    return Path(env).expanduser() if env else user_cache_dir() / "data"


def is_offline() -> bool:
    """True when ``$SIGCNN_OFFLINE`` is set to 1/true/yes: no network access at all."""
    return os.environ.get("SIGCNN_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def root_problem(root: Path | None = None) -> str | None:
    """What is wrong with the data root, in words (``None`` when it is a usable folder or absent
    but creatable). A root that does not exist is reported as such."""
    root = data_root() if root is None else Path(root)
    if root.is_dir():
        return None if os.access(root, os.R_OK | os.X_OK) else "is not readable"
    if root.exists():
        return "is a file, not a folder"
    probe = root.parent
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        return "does not exist and cannot be created (a folder above it is a file)"
    return "does not exist"


def check_root() -> Path:
    """The data root, or :class:`DatasetUnavailable` when it is a file (or lies under one)."""
    root = data_root()
    problem = root_problem(root)
    if problem and problem != "does not exist":
        raise DatasetUnavailable(f"the data root {problem}; set SIGCNN_DATA to a folder")
    return root


def dataset_dir(spec: DatasetSpec) -> Path:
    return data_root() / spec.folder


def _file_mode() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _digest(path: Path, algorithm: str, decompress: bool = False) -> str:
    """:func:`~sigcnn.core.checksums.file_digest`, remembered until the file changes.

    A file that exists but cannot be read (no permission, an I/O error) gives
    ``"unreadable (<reason>)"``, which matches no checksum: such a file is reported as failing
    its checksum, with the reason, instead of ending ``data status`` or a load in a traceback.
    """
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns, algorithm, decompress)
    if key not in _VERIFIED:
        try:
            _VERIFIED[key] = file_digest(path, algorithm, decompress=decompress)
        except (PermissionError, IsADirectoryError) as exc:
            return f"unreadable ({exc.strerror or exc})"
        except OSError as exc:
            if decompress:  # a damaged gzip stream: the caller compares the plain digest instead
                raise
            return f"unreadable ({exc.strerror or exc})"
    return _VERIFIED[key]


def _md5(path: Path, decompress: bool = False) -> str:
    return _digest(path, "md5", decompress)


def _sha256(path: Path) -> str:
    return _digest(path, "sha256")


def expected_checksum(remote: RemoteFile) -> str:
    """The checksum(s) a registry file must have, in words."""
    parts = [f"MD5 {remote.md5}"] if remote.md5 else []
    if remote.sha256:
        parts.append(f"SHA-256 {remote.sha256}")
    if remote.content_md5:
        parts.append(f"MD5 of the decompressed content {remote.content_md5}")
    return " or ".join(parts) or "no checksum"


def file_state(path: Path, remote: RemoteFile) -> str:
    """``"ok"``, ``"missing"`` or ``"corrupt"`` (present, but fails the registry checksum)."""
    if not path.is_file():
        return "missing"
    if remote.sha256 is not None and _sha256(path) != remote.sha256:
        return "corrupt"
    if remote.md5 is None or _md5(path) == remote.md5:
        return "ok"
    if remote.content_md5 and path.suffix == ".gz":
        try:
            if _md5(path, decompress=True) == remote.content_md5:
                return "ok"
        except (OSError, EOFError, zlib.error):  # gzip.BadGzipFile is an OSError
            pass
    return "corrupt"


def file_is_valid(path: Path, remote: RemoteFile) -> bool:
    """Check ``path`` against the registry checksums (cached per path, size and mtime)."""
    return file_state(path, remote) == "ok"


@lru_cache(maxsize=1)
def fsdd_manifest() -> dict[str, str]:
    """File name -> MD5 of each of the 3,000 FSDD recordings (``fsdd_manifest.txt``)."""
    text = (Path(__file__).with_name("fsdd_manifest.txt")).read_text()
    rows = [line.split() for line in text.splitlines() if line and not line.startswith("#")]
    return {name: md5 for md5, name in rows}


def manifest_sha256(manifest: dict[str, str]) -> str:
    """SHA-256 over sorted (name, md5) pairs: the registry's one-line summary of a manifest."""
    digest = hashlib.sha256()
    for name in sorted(manifest):
        digest.update(name.encode())
        digest.update(manifest[name].encode())
    return digest.hexdigest()


def wav_manifest(folder: Path) -> tuple[int, str]:
    """Number of ``.wav`` files in ``folder`` and SHA-256 over sorted (name, md5) pairs."""
    found = {p.name: _md5(p) for p in folder.glob("*.wav")}
    return len(found), manifest_sha256(found)


def wav_folder_problems(folder: Path, manifest: dict[str, str]) -> tuple[list[str], list[str], list[str]]:
    """File names under ``folder`` that are missing, corrupt (MD5 differs) and unexpected (``.wav``
    files not in ``manifest``), each sorted."""
    present = {p.name for p in folder.glob("*.wav")} if folder.is_dir() else set()
    missing = sorted(set(manifest) - present)
    corrupt = sorted(
        n for n in set(manifest) & present if not (folder / n).is_file() or _md5(folder / n) != manifest[n]
    )
    unexpected = sorted(present - set(manifest))
    return missing, corrupt, unexpected


def _new_dirs(path: Path) -> list[Path]:
    """The folders that creating ``path`` (a folder) would make, outermost first."""
    made = []
    while not path.exists() and path != path.parent:
        made.append(path)
        path = path.parent
    return made[::-1]


def _remove_empty(dirs: list[Path]) -> None:
    """Remove the folders of :func:`_new_dirs` again if they are still empty (innermost first)."""
    for folder in reversed(dirs):
        try:
            folder.rmdir()
        except OSError:
            return


def _host_of(url: str) -> str:
    parsed = urlparse(url)
    return parsed.hostname or ("local file" if parsed.scheme == "file" else url)


def _download(url: str, target: Path) -> None:
    """Download ``url`` to ``target`` atomically (a temporary file renamed on success).

    Says what it downloads and from where, shows a progress bar for the transfer, waits at most
    :data:`CONNECT_TIMEOUT_S` for a connection and :data:`READ_TIMEOUT_S` for data, and does not
    try a host again in this process once it has failed.
    """
    from tqdm.auto import tqdm  # 0.2 s to import: only when something is downloaded

    parsed = urlparse(url)
    host = _host_of(url)
    if host in _FAILED_HOSTS:
        raise OSError(f"{host} failed earlier in this process ({_FAILED_HOSTS[host]}); not tried again")
    print(f"sigcnn: downloading {target.name} from {host}…", file=sys.stderr, flush=True)
    if parsed.scheme in ("http", "https") and parsed.scheme not in urllib.request.getproxies():
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        try:
            socket.create_connection((parsed.hostname, port), timeout=CONNECT_TIMEOUT_S).close()
        except OSError as exc:
            reason = (
                f"no connection within {CONNECT_TIMEOUT_S:g} s"
                if isinstance(exc, TimeoutError)
                else f"cannot connect: {exc}"
            )
            _FAILED_HOSTS[host] = reason
            raise OSError(f"{host}: {reason}") from exc
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        os.fchmod(fd, _file_mode())
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=READ_TIMEOUT_S) as response:
            size = response.headers.get("Content-Length") if hasattr(response, "headers") else None
            with tqdm(
                total=int(size) if size and size.isdigit() else None,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                desc=target.name,
                file=sys.stderr,
                leave=False,
            ) as bar:
                for chunk in iter(lambda: response.read(1 << 16), b""):
                    out.write(chunk)
                    bar.update(len(chunk))
        os.replace(tmp, target)
    except urllib.error.HTTPError:
        Path(tmp).unlink(missing_ok=True)
        raise
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        if parsed.scheme in ("http", "https"):
            _FAILED_HOSTS[host] = f"{type(exc).__name__}: {exc}"
        raise
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def relative_to_root(text: str) -> str:
    """``text`` with every path under the data root written relative to it (for messages and notes,
    which may be stored in results: they must not hold machine paths)."""
    root = str(data_root())
    return text.replace(root + os.sep, "").replace(root, "the data root")


def _unavailable(spec: DatasetSpec, missing: list[str], reason: str) -> DatasetUnavailable:
    listed = ", ".join(missing)
    return DatasetUnavailable(
        relative_to_root(
            f"dataset {spec.name!r} is missing {listed} in {spec.folder}/ under the data root ({reason}); "
            f"place the files there or set SIGCNN_DATA to a folder that has {spec.folder}/"
        )
    )


def _corrupt(spec: DatasetSpec, lines: list[str]) -> DatasetCorrupt:
    shown = "; ".join(lines[:5]) + (f"; and {len(lines) - 5} more" if len(lines) > 5 else "")
    return DatasetCorrupt(
        relative_to_root(
            f"dataset {spec.name!r} has {len(lines)} corrupt file(s) that fail their checksum: {shown}; "
            "delete or replace them (a deleted file is downloaded again unless SIGCNN_OFFLINE=1)"
        )
    )


def _corrupt_line(path: Path, remote: RemoteFile) -> str:
    return f"{path} (MD5 {_md5(path)}, expected {expected_checksum(remote)})"


def missing_files(spec: DatasetSpec, required: list[str] | None = None) -> list[str]:
    """Relative paths of the required files of ``spec`` that are absent (see :func:`corrupt_files`)."""
    folder = dataset_dir(spec)
    wanted = [f for f in spec.files if required is None or f.path in required]
    return [f.path for f in wanted if file_state(folder / f.path, f) == "missing"]


def corrupt_files(spec: DatasetSpec, required: list[str] | None = None) -> list[str]:
    """Relative paths of the required files of ``spec`` that are present but fail their checksum."""
    folder = dataset_dir(spec)
    wanted = [f for f in spec.files if required is None or f.path in required]
    return [f.path for f in wanted if file_state(folder / f.path, f) == "corrupt"]


def ensure_files(spec: DatasetSpec, required: list[str] | None = None) -> Path:
    """Make sure the required files of an IDX data set are present, downloading when allowed.

    Returns the data set's folder.

    Raises
    ------
    DatasetCorrupt
        When a required file is present but fails its checksum (named, with the checksum it
        should have); it is not replaced silently.
    DatasetUnavailable
        When files are missing and ``SIGCNN_OFFLINE`` forbids the network, when every mirror
        fails, or when the data root is a file.
    """
    check_root()
    folder = dataset_dir(spec)
    by_path = {f.path: f for f in spec.files}
    corrupt = corrupt_files(spec, required)
    if corrupt:
        raise _corrupt(spec, [_corrupt_line(folder / rel, by_path[rel]) for rel in corrupt])
    missing = missing_files(spec, required)
    if not missing:
        return folder
    if is_offline():
        raise _unavailable(spec, missing, "SIGCNN_OFFLINE=1 forbids downloading them")
    for rel in missing:
        remote = by_path[rel]
        made = _new_dirs((folder / rel).parent)
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
            _remove_empty(made)
            raise _unavailable(spec, [rel], "download failed: " + "; ".join(errors) + "; " + OFFLINE_HINT)
    return folder


def ensure_wav_folder(spec: DatasetSpec) -> Path:
    """Make sure a WAV-folder data set is complete (per-file MD5 manifest), downloading when allowed.

    A repair adds only the missing recordings (:func:`add_missing`): files not in the manifest
    (the user's own recordings, notes) are left alone, and not read by the loader.

    Raises
    ------
    DatasetCorrupt
        When a recording is present but fails its MD5 (the files are named).
    DatasetUnavailable
        When recordings are missing and cannot be downloaded, or the data root is a file.
    """
    check_root()
    manifest = fsdd_manifest()
    if manifest_sha256(manifest) != spec.manifest_sha256:  # the packaged manifest is the registry's
        raise RuntimeError("sigcnn's FSDD manifest does not match the registry's manifest hash")
    folder = dataset_dir(spec) / "recordings"
    missing, corrupt, _ = wav_folder_problems(folder, manifest)
    if corrupt:
        raise _corrupt(spec, [f"{folder / n} (MD5 {_md5(folder / n)}, expected MD5 {manifest[n]})" for n in corrupt])
    if not missing:
        return folder
    shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
    if is_offline():
        raise _unavailable(
            spec,
            [f"recordings/*.wav ({len(missing)} of {spec.manifest_count} files: {shown})"],
            "SIGCNN_OFFLINE=1 forbids downloading them",
        )
    url, prefix = spec.archive()
    made = _new_dirs(dataset_dir(spec))
    archive = dataset_dir(spec) / "archive.zip"
    staging = None
    try:
        _download(url, archive)
        staging = Path(tempfile.mkdtemp(dir=dataset_dir(spec), prefix="staging-"))
        os.chmod(staging, _dir_mode())  # mkdtemp makes 0700 folders
        with zipfile.ZipFile(archive) as zf:
            for member in zf.namelist():
                rel = member.split("/", 1)[-1]
                if rel.startswith(prefix) and rel.endswith(".wav"):
                    target = staging / Path(rel).name
                    target.write_bytes(zf.read(member))
        count, sha = wav_manifest(staging)
        if (count, sha) != (spec.manifest_count, spec.manifest_sha256):
            raise _unavailable(spec, ["recordings/*.wav"], "downloaded archive failed its checksum")
        add_missing(staging, folder, missing)
    except OSError as exc:
        raise _unavailable(spec, ["recordings/*.wav"], f"download failed: {exc}; {OFFLINE_HINT}") from exc
    finally:
        archive.unlink(missing_ok=True)
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        if not folder.exists():
            _remove_empty(made)
    return folder


def add_missing(source: Path, folder: Path, names: list[str]) -> list[str]:
    """Move the files ``names`` (paths relative to both folders) from ``source`` into ``folder``
    where ``folder`` lacks them; nothing already in ``folder`` is replaced or removed.

    The repair step of a download: the user's own files beside the data set (a recording of
    their own, notes) stay, and so does every file that was already there. Each file arrives by
    one rename (same file system), so a reader never sees half of it. Returns the names moved.
    """
    moved = []
    for rel in names:
        target = folder / rel
        if target.exists() or target.is_symlink():
            continue
        made = _new_dirs(target.parent)
        for part in made:
            part.mkdir(mode=_dir_mode())
        os.replace(source / rel, target)
        moved.append(rel)
    return moved


def _dir_mode() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o777 & ~mask
