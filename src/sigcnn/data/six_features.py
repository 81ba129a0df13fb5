"""The six audio features of Wu et al. (2022) §5.2.1, time-averaged and cached on disk.

STFT magnitude, MFCC, chroma, mel spectrogram, spectral contrast and tonnetz, each averaged
over time frames and concatenated into one vector per recording (the usual UrbanSound8K
recipe). STFT, mel spectrogram and MFCC come from ``torchaudio.transforms`` (on the device
given), chroma, contrast and tonnetz from ``librosa`` (no torchaudio equivalent);
:func:`librosa_reference` computes the first three with librosa as well, so the two libraries
can be compared (tests and the notebook do). Features are cached as verified entries
(:mod:`sigcnn.core.cache`) under ``$SIGCNN_CACHE`` (default ``~/.cache/sigcnn/features``), keyed by
file name and settings.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import IO, TYPE_CHECKING

import librosa
import numpy as np
import numpy.typing as npt
import torch

from ..core.cache import read_entry, write_entry
from ..core.runtime import user_cache_dir

if TYPE_CHECKING:
    from torchaudio.transforms import MFCC, MelSpectrogram, Spectrogram

N_FFT, HOP, N_MELS, N_MFCC, N_BANDS = 256, 64, 40, 20, 4
FEATURES = {"stft": N_FFT // 2 + 1, "mfcc": N_MFCC, "chroma": 12, "mel": N_MELS, "contrast": N_BANDS + 1, "tonnetz": 6}
"""Feature name -> number of values it contributes (212 in all)."""
SETTINGS_KEY = hashlib.sha1(repr((N_FFT, HOP, N_MELS, N_MFCC, N_BANDS, "v1")).encode()).hexdigest()[:10]


def feature_cache_dir() -> Path:
    env = os.environ.get("SIGCNN_CACHE")
    return (Path(env) if env else user_cache_dir()) / "features" / SETTINGS_KEY


def _transforms(sample_rate: int, device):
    import torchaudio.transforms as T  # heavy (seconds to import): imported only when features are computed

    spec = T.Spectrogram(n_fft=N_FFT, hop_length=HOP, power=1.0, pad_mode="constant").to(device)
    mel = T.MelSpectrogram(
        sample_rate, n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS, norm="slaney", mel_scale="slaney", pad_mode="constant"
    ).to(device)
    mfcc = T.MFCC(
        sample_rate,
        n_mfcc=N_MFCC,
        log_mels=False,
        melkwargs=dict(
            n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS, norm="slaney", mel_scale="slaney", pad_mode="constant"
        ),
    ).to(device)
    return spec, mel, mfcc


def torchaudio_features(
    wave: np.ndarray,
    sample_rate: int,
    device: torch.device | str = "cpu",
    transforms: tuple[Spectrogram, MelSpectrogram, MFCC] | None = None,
    keep_magnitude: bool = False,
) -> dict[str, np.ndarray]:
    """Time-averaged STFT magnitude, mel power spectrogram and MFCC with ``torchaudio``.

    ``keep_magnitude=True`` adds the full STFT magnitude (freq x frames) under ``"magnitude"``.
    """
    spec, mel, mfcc = transforms or _transforms(sample_rate, device)
    x = torch.as_tensor(np.asarray(wave, dtype=np.float32), device=device)
    with torch.no_grad():
        s = spec(x)
        out = {
            "stft": s.mean(-1).double().cpu().numpy(),
            "mel": mel(x).mean(-1).double().cpu().numpy(),
            "mfcc": mfcc(x).mean(-1).double().cpu().numpy(),
        }
    if keep_magnitude:
        out["magnitude"] = s.cpu().numpy()
    return out


def librosa_reference(wave: np.ndarray, sample_rate: int) -> dict[str, np.ndarray]:
    """The same three features with ``librosa`` (the independent route for the agreement check)."""
    y = np.asarray(wave, dtype=np.float32)
    s = np.abs(librosa.stft(y, n_fft=N_FFT, hop_length=HOP))
    m = librosa.feature.melspectrogram(S=s**2, sr=sample_rate, n_mels=N_MELS)
    c = librosa.feature.mfcc(S=librosa.power_to_db(m), n_mfcc=N_MFCC)
    return {"stft": s.mean(-1), "mel": m.mean(-1), "mfcc": c.mean(-1)}


def librosa_only_features(magnitude: np.ndarray, sample_rate: int) -> dict[str, np.ndarray]:
    """Chroma, spectral contrast and tonnetz with librosa, from an STFT magnitude (freq x frames).

    Tuning is fixed at 0 (no per-file tuning estimate) and tonnetz is computed from the STFT
    chroma, not from a constant-Q chroma: both choices are ours, to keep the cost low
    (a CQT over 7 octaves does not fit under the 4 kHz Nyquist limit of FSDD anyway).
    """
    s = np.asarray(magnitude, dtype=np.float32)
    chroma = librosa.feature.chroma_stft(S=s**2, sr=sample_rate, n_fft=N_FFT, tuning=0.0)
    contrast = librosa.feature.spectral_contrast(S=s, sr=sample_rate, n_fft=N_FFT, fmin=100.0, n_bands=N_BANDS)
    tonnetz = librosa.feature.tonnetz(chroma=chroma, sr=sample_rate)
    return {"chroma": chroma.mean(-1), "contrast": contrast.mean(-1), "tonnetz": tonnetz.mean(-1)}


def _save(vec: np.ndarray, handle: IO[bytes]) -> None:
    np.save(handle, vec, allow_pickle=False)


def six_features(
    waves: Sequence[npt.ArrayLike], names: Sequence[str], sample_rate: int, device: torch.device | str = "cpu"
) -> np.ndarray:
    """The 212-value feature vector of each recording, shape (N, 212), read from or written to the cache.

    Parameters
    ----------
    waves : list of 1-D arrays; names : a unique name per recording (the cache key).
    """
    if len(waves) != len(names):
        raise ValueError(f"{len(waves)} waveforms but {len(names)} names")
    folder = feature_cache_dir()
    transforms = None
    width = sum(FEATURES.values())
    out = np.zeros((len(waves), width))

    def check(vec) -> None:
        if vec.shape != (width,) or not np.isfinite(vec).all():
            raise ValueError(f"a feature vector of shape {vec.shape} (expected ({width},), finite)")

    for i, (wave, name) in enumerate(zip(waves, names)):
        path = folder / f"{name}.entry"  # a verified entry (sigcnn.core.cache), not a bare .npy
        stored = read_entry(path, lambda h: np.load(h, allow_pickle=False), check)
        if stored is not None:
            out[i] = stored
            continue
        if transforms is None:
            transforms = _transforms(sample_rate, device)
        wave = np.asarray(wave, dtype=np.float32)
        if wave.size < N_FFT:
            wave = np.pad(wave, (0, N_FFT - wave.size))
        feats = torchaudio_features(wave, sample_rate, device, transforms, keep_magnitude=True)
        feats.update(librosa_only_features(feats.pop("magnitude"), sample_rate))
        vec = np.concatenate([feats[k] for k in FEATURES])
        write_entry(path, partial(_save, vec))
        out[i] = vec
    return out
