"""UrbanSound8K (Wu et al.'s audio data set) from ``<data root>/UrbanSound8K``, resampled to 8 kHz."""

from __future__ import annotations

import csv
import os
import shutil
import tarfile
import tempfile
from math import gcd
from pathlib import Path

import numpy as np
import soundfile
from scipy.signal import resample_poly

from .audio import AudioSet
from .errors import DatasetUnavailable
from .registry import URBANSOUND8K, DatasetSpec
from .store import (
    _dir_mode,
    _download,
    _new_dirs,
    _remove_empty,
    add_missing,
    check_root,
    dataset_dir,
    is_offline,
    relative_to_root,
)

METADATA = "metadata/UrbanSound8K.csv"
TEST_FOLD = "10"


def urbansound_files(folder: Path) -> tuple[bool, int]:
    """Whether the metadata table is there, and how many ``audio/fold*/*.wav`` files are."""
    return (folder / METADATA).is_file(), sum(1 for _ in folder.glob("audio/fold*/*.wav"))


def ensure_urbansound8k() -> Path:
    """Make sure UrbanSound8K is unpacked under the data root, downloading it when allowed.

    The archive (about 6 GB) has no published checksum, so a download is accepted when it
    holds the metadata table and all 8,732 excerpts. A repair adds only the files the folder
    lacks; files already there (the user's own included) are kept.

    Raises
    ------
    DatasetUnavailable
        When files are missing and ``SIGCNN_OFFLINE`` forbids the download, or the download fails.
    """
    spec = URBANSOUND8K
    check_root()
    folder = dataset_dir(spec)
    has_meta, count = urbansound_files(folder)
    if has_meta and count == spec.manifest_count:
        return folder
    missing = f"{METADATA} and audio/fold1..fold10/*.wav ({count}/{spec.manifest_count} excerpts found)"
    if is_offline():
        raise DatasetUnavailable(
            f"dataset 'urbansound8k' is missing {missing} in {spec.folder}/ under the data root (SIGCNN_OFFLINE=1 "
            f"forbids downloading "
            f"{spec.archive_url}); unpack the archive there or set SIGCNN_DATA to a folder that has UrbanSound8K/"
        )
    url, prefix = spec.archive()
    made = _new_dirs(folder.parent)
    folder.parent.mkdir(parents=True, exist_ok=True)
    archive = folder.parent / "UrbanSound8K.tar.gz"
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix="staging-urbansound-"))
    try:
        os.chmod(staging, _dir_mode())  # mkdtemp makes 0700 folders
        _download(url, archive)
        with tarfile.open(archive) as tar:
            tar.extractall(staging, filter="data")
        unpacked = staging / prefix.rstrip("/")
        if urbansound_files(unpacked) != (True, spec.manifest_count):
            raise DatasetUnavailable(f"dataset 'urbansound8k': the downloaded archive lacks {missing}")
        if folder.exists():  # a repair: add what is missing, keep everything that is there
            files = sorted(p.relative_to(unpacked).as_posix() for p in unpacked.rglob("*") if p.is_file())
            add_missing(unpacked, folder, files)
        else:
            os.replace(unpacked, folder)
    except (OSError, tarfile.TarError) as exc:
        raise DatasetUnavailable(
            relative_to_root(f"dataset 'urbansound8k': download of {spec.archive_url} failed: {exc}")
        ) from exc
    finally:
        archive.unlink(missing_ok=True)
        shutil.rmtree(staging, ignore_errors=True)
        if not folder.exists():
            _remove_empty(made)
    return folder


def load_urbansound8k(sample_rate: int = 8000, *, spec: DatasetSpec | None = None) -> AudioSet:
    """All excerpts as mono float32 waveforms at ``sample_rate``; fold 10 is the test split.

    ``spec`` (the registry entry) is accepted for the loader interface; only UrbanSound8K is read.
    """
    folder = ensure_urbansound8k()
    waves, labels, is_test = [], [], []
    with (folder / METADATA).open() as handle:
        for row in csv.DictReader(handle):
            data, rate = soundfile.read(
                folder / "audio" / f"fold{row['fold']}" / row["slice_file_name"], dtype="float64", always_2d=True
            )
            g = gcd(sample_rate, rate)
            waves.append(resample_poly(data.mean(axis=1), sample_rate // g, rate // g).astype(np.float32))
            labels.append(int(row["classID"]))
            is_test.append(row["fold"] == TEST_FOLD)
    return AudioSet(
        waves,
        np.array(labels),
        [""] * len(waves),
        np.array(is_test),
        sample_rate,
        f"{URBANSOUND8K.description}; {URBANSOUND8K.source}",
    )
