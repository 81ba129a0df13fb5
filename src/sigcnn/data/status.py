"""Which data sets are present, partial or missing under the data root."""

from __future__ import annotations

from dataclasses import dataclass

from .registry import DATASETS, DatasetSpec
from .store import dataset_dir, missing_files, wav_manifest
from .urbansound import METADATA, urbansound_files


@dataclass
class DatasetStatus:
    name: str
    state: str  # "present", "partial" or "missing"
    folder: str
    missing: list[str]


def _status(spec: DatasetSpec) -> DatasetStatus:
    folder = dataset_dir(spec)
    if spec.kind == "wav-folder":
        rec = folder / "recordings"
        count, sha = wav_manifest(rec) if rec.is_dir() else (0, "")
        if count == spec.manifest_count and sha == spec.manifest_sha256:
            return DatasetStatus(spec.name, "present", str(folder), [])
        state = "partial" if count else "missing"
        return DatasetStatus(spec.name, state, str(folder),
                             [f"recordings/*.wav ({count}/{spec.manifest_count} files valid)"])
    if spec.kind == "audio-archive":
        has_meta, count = urbansound_files(folder)
        if has_meta and count == spec.manifest_count:
            return DatasetStatus(spec.name, "present", str(folder), [])
        state = "partial" if (has_meta or count) else "missing"
        return DatasetStatus(spec.name, state, str(folder),
                             ([] if has_meta else [METADATA]) + [f"audio/fold*/*.wav ({count}/{spec.manifest_count})"])
    missing = missing_files(spec)
    state = "present" if not missing else ("missing" if len(missing) == len(spec.files) else "partial")
    return DatasetStatus(spec.name, state, str(folder), missing)


def dataset_status() -> list[DatasetStatus]:
    """Status of every data set in the registry."""
    return [_status(spec) for spec in DATASETS.values()]
