"""The Free Spoken Digit Dataset as lists of waveforms (read with soundfile, not torchaudio)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import soundfile

from .registry import FSDD, DatasetSpec
from .store import ensure_wav_folder, fsdd_manifest

SAMPLE_RATE = 8000
_NAME = re.compile(r"^(\d)_([a-z]+)_(\d+)\.wav$")


@dataclass
class AudioSet:
    """Waveforms (float32 in [-1, 1]), digit labels, speakers and the conventional split."""

    waveforms: list[np.ndarray]
    labels: np.ndarray
    speakers: list[str]
    is_test: np.ndarray
    sample_rate: int
    data_source: str


def load_fsdd(sample_rate: int = SAMPLE_RATE, *, spec: DatasetSpec | None = None) -> AudioSet:
    """Load all 3,000 FSDD recordings; indices 0-4 of each digit/speaker form the test set.

    ``sample_rate`` is the recordings' own 8 kHz (the audio loaders share the keyword);
    ``spec`` is the registry entry (default: FSDD).

    Raises
    ------
    ValueError
        For a ``sample_rate`` other than 8,000 Hz (FSDD is not resampled).
    DatasetUnavailable
        If recordings are missing (offline); :class:`DatasetCorrupt` (a subclass) naming the
        recordings that fail their MD5.
    """
    if sample_rate != SAMPLE_RATE:
        raise ValueError(f"FSDD is recorded at {SAMPLE_RATE} Hz and not resampled, got sample_rate={sample_rate}")
    spec = spec or FSDD
    folder = ensure_wav_folder(spec)
    waves, labels, speakers, is_test = [], [], [], []
    for path in sorted(folder / name for name in fsdd_manifest()):  # extra files are not read
        match = _NAME.match(path.name)
        if not match:
            continue
        data, rate = soundfile.read(path, dtype="float32", always_2d=False)
        if rate != SAMPLE_RATE:
            raise ValueError(f"{path}: sample rate {rate} Hz, expected {SAMPLE_RATE} Hz")
        waves.append(data if data.ndim == 1 else data.mean(axis=1))
        labels.append(int(match.group(1)))
        speakers.append(match.group(2))
        is_test.append(int(match.group(3)) < 5)
    return AudioSet(
        waves, np.array(labels), speakers, np.array(is_test), SAMPLE_RATE, f"{spec.description}; {spec.source}"
    )
