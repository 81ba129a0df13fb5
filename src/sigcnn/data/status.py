"""Which data sets are present, partial, corrupt or missing under the data root, file by file."""

from __future__ import annotations

from dataclasses import dataclass, field

from .registry import DATASETS, NO_FILES_KINDS, DatasetSpec
from .store import (
    _md5,
    corrupt_files,
    data_root,
    dataset_dir,
    expected_checksum,
    fsdd_manifest,
    missing_files,
    root_problem,
    wav_folder_problems,
)
from .urbansound import METADATA, urbansound_files

__all__ = ["DatasetStatus", "dataset_status", "root_problem"]


@dataclass
class DatasetStatus:
    """One data set's state: ``present``, ``partial`` (some files missing), ``corrupt`` (some
    file fails its checksum) or ``missing``; with the files missing, corrupt and unexpected."""

    name: str
    state: str
    folder: str
    missing: list[str]
    corrupt: list[str] = field(default_factory=list)
    """Files present but failing their checksum, each as ``"path (MD5 x, expected y)"``."""
    unexpected: list[str] = field(default_factory=list)
    """Files of the data set's kind that are not in its manifest (not read by the loaders)."""


def _state(n_missing: int, n_corrupt: int, n_total: int) -> str:
    if n_corrupt:
        return "corrupt"
    if n_missing == 0:
        return "present"
    return "missing" if n_missing >= n_total else "partial"


def _status(spec: DatasetSpec) -> DatasetStatus:
    folder = dataset_dir(spec)
    if spec.kind == "wav-folder":
        rec = folder / "recordings"
        manifest = fsdd_manifest()
        missing, corrupt, unexpected = wav_folder_problems(rec, manifest)
        shown_missing = (
            [f"recordings/*.wav ({len(missing)}/{len(manifest)} files)"]
            if len(missing) == len(manifest)
            else [f"recordings/{n}" for n in missing]
        )
        return DatasetStatus(
            spec.name,
            _state(len(missing), len(corrupt), len(manifest)),
            str(folder),
            shown_missing,
            [f"recordings/{n} (MD5 {_md5(rec / n)}, expected {manifest[n]})" for n in corrupt],
            [f"recordings/{n}" for n in unexpected],
        )
    if spec.kind == "audio-archive":
        has_meta, count = urbansound_files(folder)
        if has_meta and count == spec.manifest_count:
            return DatasetStatus(spec.name, "present", str(folder), [])
        state = "partial" if (has_meta or count) else "missing"
        return DatasetStatus(
            spec.name,
            state,
            str(folder),
            ([] if has_meta else [METADATA]) + [f"audio/fold*/*.wav ({count}/{spec.manifest_count})"],
        )
    missing = missing_files(spec)
    by_path = {f.path: f for f in spec.files}
    corrupt = [
        f"{rel} (MD5 {_md5(folder / rel)}, expected {expected_checksum(by_path[rel])})" for rel in corrupt_files(spec)
    ]
    return DatasetStatus(spec.name, _state(len(missing), len(corrupt), len(spec.files)), str(folder), missing, corrupt)


def dataset_status() -> list[DatasetStatus]:
    """Status of every data set in the registry that has files (all missing when the data root is unusable).

    Data sets built offline or read from other entries' files (kinds ``generated`` and ``derived``)
    have no files of their own and are not listed.
    """
    stored = [spec for spec in DATASETS.values() if spec.kind not in NO_FILES_KINDS]
    if root_problem(data_root()) not in (None, "does not exist"):
        return [
            DatasetStatus(spec.name, "missing", str(dataset_dir(spec)), ["(the data root is unusable)"])
            for spec in stored
        ]
    return [_status(spec) for spec in stored]
