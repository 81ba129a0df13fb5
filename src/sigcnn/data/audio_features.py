"""Fixed-length waveform tensors from lists of recordings of different lengths."""

from __future__ import annotations

import numpy as np
import torch
from scipy.signal import resample_poly


def fixed_length_waveforms(waveforms, length: int, normalize: str | None = "rms",
                           decimate: int = 1) -> torch.Tensor:
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
        scale = {"rms": np.sqrt(np.mean(wave ** 2)), "peak": np.abs(wave).max(), None: 1.0}[normalize]
        wave = wave / scale if scale > 0 else wave
        if wave.size >= length:
            start = (wave.size - length) // 2
            out[i, 0] = wave[start:start + length]
        else:
            start = (length - wave.size) // 2
            out[i, 0, start:start + wave.size] = wave
    return torch.from_numpy(out)
