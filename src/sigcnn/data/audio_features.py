"""Fixed-length waveform tensors from lists of recordings of different lengths, split for training."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
import torch
from scipy.signal import resample_poly

from .registry import load


def fixed_length_waveforms(
    waveforms: Sequence[npt.ArrayLike], length: int, normalize: str | None = "rms", decimate: int = 1
) -> torch.Tensor:
    """Centre-crop or zero-pad every recording to ``length`` samples; shape (N, 1, length), float32.

    Parameters
    ----------
    waveforms : list of 1-D arrays
        Recordings (e.g. :attr:`sigcnn.data.AudioSet.waveforms`).
    length : int
        Samples per output recording. Longer recordings keep their central ``length`` samples;
        shorter ones are centred between zeros.
    normalize : {"rms", "peak", None}
        Scale each recording (before padding) to unit RMS or unit peak amplitude, or leave it.
    decimate : int
        Keep every ``decimate``-th sample after an anti-aliasing low-pass filter
        (``scipy.signal.resample_poly``), i.e. divide the sampling rate by ``decimate``.
        ``length`` counts samples after decimation.
    """
    if isinstance(length, bool) or not isinstance(length, (int, np.integer)) or length < 1:
        raise ValueError(f"length must be a positive integer, got {length!r}")
    if normalize not in ("rms", "peak", None):
        raise ValueError(f"normalize must be 'rms', 'peak' or None, got {normalize!r}")
    if isinstance(decimate, bool) or not isinstance(decimate, (int, np.integer)) or decimate < 1:
        raise ValueError(f"decimate must be a positive integer, got {decimate!r}")
    out = np.zeros((len(waveforms), 1, length), dtype=np.float32)
    for i, wave in enumerate(waveforms):
        wave = np.asarray(wave, dtype=np.float64)
        if wave.ndim != 1 or wave.size == 0:
            raise ValueError(f"recording {i} must be a non-empty 1-D array, got shape {wave.shape}")
        if not np.isfinite(wave).all():
            raise ValueError(f"recording {i} has non-finite samples")
        if decimate > 1:
            wave = resample_poly(wave, 1, decimate)
        scale = {"rms": np.sqrt(np.mean(wave**2)), "peak": np.abs(wave).max(), None: 1.0}[normalize]
        wave = wave / scale if scale > 0 else wave
        if wave.size >= length:
            start = (wave.size - length) // 2
            out[i, 0] = wave[start : start + length]
        else:
            start = (length - wave.size) // 2
            out[i, 0, start : start + wave.size] = wave
    return torch.from_numpy(out)


AUDIO_DATASETS = ("fsdd", "urbansound8k")

SPLIT_NOTES: dict[str, str] = {
    "fsdd": "Data set: FSDD (Free Spoken Digit Dataset); test split = recordings 0-4 of each speaker and digit.",
    "urbansound8k": "Data set: UrbanSound8K; test split = fold 10.",
}
"""Per audio data set, the sentence a run's notes carry about what :func:`load_audio_split` loaded."""


@dataclass
class AudioSplit:
    """Fixed-length waveforms of one data set, split, with where they came from."""

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    data_source: str
    sample_rate: float
    note: str = ""
    """What was loaded, in words, for a run's notes (names the data set and its test split)."""

    def to(self, device: torch.device | str) -> AudioSplit:
        return replace(
            self,
            x_train=self.x_train.to(device),
            y_train=self.y_train.to(device),
            x_test=self.x_test.to(device),
            y_test=self.y_test.to(device),
        )

    @property
    def classes(self) -> int:
        return int(self.y_train.max()) + 1


def load_audio_split(
    dataset: str, length: int, decimate: int = 1, train_limit: int | None = None, seed: int = 0, sample_rate: int = 8000
) -> AudioSplit:
    """FSDD or UrbanSound8K as fixed-length tensors, split into training and test recordings.

    ``train_limit`` training recordings are drawn with ``seed`` (all when None or larger);
    UrbanSound8K is resampled to ``sample_rate`` before the decimation by ``decimate``.

    Raises
    ------
    ValueError
        For a data set other than ``"fsdd"`` or ``"urbansound8k"``, or FSDD at another ``sample_rate``.
    """
    if dataset not in AUDIO_DATASETS:
        raise ValueError(f"dataset must be one of {', '.join(AUDIO_DATASETS)}, got {dataset!r}")
    audio = load(dataset, sample_rate=sample_rate)
    x = fixed_length_waveforms(audio.waveforms, length, decimate=decimate)
    y, test = torch.as_tensor(audio.labels, dtype=torch.long), torch.as_tensor(audio.is_test)
    x_train, y_train = x[~test], y[~test]
    if train_limit is not None and x_train.shape[0] > train_limit:
        pick = torch.randperm(x_train.shape[0], generator=torch.Generator().manual_seed(seed))
        x_train, y_train = x_train[pick[:train_limit]], y_train[pick[:train_limit]]
    note = SPLIT_NOTES.get(dataset, f"Data set: {dataset}.")
    return AudioSplit(x_train, y_train, x[test], y[test], audio.data_source, sample_rate / decimate, note)


def pick_analysed(x: torch.Tensor, count: int | None, seed: int) -> torch.Tensor:
    """``count`` recordings of ``x`` drawn with ``seed`` (all of them when ``count`` is None or larger)."""
    if count is None or count >= x.shape[0]:
        return x
    pick = torch.randperm(x.shape[0], generator=torch.Generator().manual_seed(seed))
    return x[pick[:count].to(x.device)]
