"""Time-frequency analysis in numpy: test signals, windowed Fourier and Morlet wavelet transforms,
the uncertainty product of a window, and dilation (Koushik 2016, §§2-3).

Nothing here knows about networks or data sets: arrays in, arrays out. The scattering
transform itself is never written here (the book uses kymatio's).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ._validate import Array, Choice, Int, Real, accepts

GAUSSIAN_UNCERTAINTY = 1.0 / (4.0 * np.pi)
"""σ_t·σ_f of a Gaussian (spreads of the squared magnitudes of w and of its Fourier transform W as
probability densities, f in cycles per unit time):
the lower bound of the Heisenberg-Gabor inequality, attained only by Gaussians."""


def _signal(x, name: str = "x") -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1 or x.size < 2:
        raise ValueError(f"{name} must be a 1-D array with at least 2 samples, got shape {x.shape}")
    if not np.isfinite(x).all():
        raise ValueError(f"{name} has non-finite values")
    return x


def _positive(value, name: str) -> float:
    if isinstance(value, bool) or not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return float(value)


@accepts(n_samples=Int(), sample_rate=Real(positive=True))
def time_axis(n_samples: int, sample_rate: float) -> np.ndarray:
    """Sample times in seconds."""
    return np.arange(int(n_samples)) / _positive(sample_rate, "sample_rate")


@accepts(
    duration=Real(positive=True),
    sample_rate=Real(positive=True),
    f_start=Real(nonnegative=True),
    f_end=Real(nonnegative=True),
)
def linear_chirp(duration: float, sample_rate: float, f_start: float, f_end: float) -> np.ndarray:
    """``cos(2π(f_start t + (f_end - f_start) t² / (2 duration)))``: instantaneous frequency sweeps linearly (Hz)."""
    duration, sample_rate = _positive(duration, "duration"), _positive(sample_rate, "sample_rate")
    if not 0 <= f_start <= sample_rate / 2 or not 0 <= f_end <= sample_rate / 2:
        raise ValueError(
            f"f_start and f_end must lie in [0, {sample_rate / 2:g}] Hz (Nyquist), got {f_start!r}, {f_end!r}"
        )
    t = time_axis(round(duration * sample_rate), sample_rate)
    return np.cos(2 * np.pi * (f_start * t + (f_end - f_start) * t**2 / (2 * duration)))


@accepts(
    duration=Real(positive=True),
    sample_rate=Real(positive=True),
    period=Real(positive=True),
    first=Real(nonnegative=True),
)
def click_train(duration: float, sample_rate: float, period: float, first: float = 0.0) -> np.ndarray:
    """Unit impulses every ``period`` seconds starting at ``first``: broadband in frequency, sharp in time."""
    duration, sample_rate = _positive(duration, "duration"), _positive(sample_rate, "sample_rate")
    period = _positive(period, "period")
    x = np.zeros(round(duration * sample_rate))
    times = np.arange(first, duration, period)
    x[np.round(times * sample_rate).astype(int).clip(0, x.size - 1)] = 1.0
    return x


@accepts(n_samples=Int(), sigma=Real(positive=True))
def gaussian_window(n_samples: int, sigma: float) -> np.ndarray:
    """``exp(-t²/(2σ²))`` on ``n_samples`` points centred on the middle (σ in samples)."""
    sigma = _positive(sigma, "sigma")
    t = np.arange(int(n_samples)) - (int(n_samples) - 1) / 2
    return np.exp(-(t**2) / (2 * sigma**2))


@accepts(
    window=Array(ndim=1, min_size=2, what="a window (N,) with N >= 2"),
    sample_rate=Real(positive=True),
    n_fft=Int(optional=True),
)
def time_frequency_spread(
    window: npt.ArrayLike, sample_rate: float = 1.0, n_fft: int | None = None
) -> tuple[float, float]:
    """``(σ_t, σ_f)``: standard deviations of ``|w(t)|²`` in seconds and of ``|W(f)|²`` in Hz.

    Both squared moduli are normalised to unit mass and treated as densities (the usual statement
    of the uncertainty principle, Koushik Theorem 1, for which σ_t σ_f ≥ 1/(4π)). ``W`` is the DFT of
    the window zero-padded to ``n_fft`` points (default 16 × its length), i.e. samples of its
    discrete-time Fourier transform over one period [-fs/2, fs/2). An all-zero window is a
    ``ValueError`` (it has no spread).
    """
    w = _signal(window, "window")
    sample_rate = _positive(sample_rate, "sample_rate")
    n_fft = 16 * w.size if n_fft is None else int(n_fft)
    if n_fft < w.size:
        raise ValueError(f"n_fft must be at least the window length {w.size}, got {n_fft}")
    if not np.any(w):
        raise ValueError("window is all zero: it has no time or frequency spread")
    w = w / np.max(np.abs(w))  # the spreads do not depend on the scale; this keeps w**2 finite
    t = np.arange(w.size) / sample_rate
    p = w**2 / np.sum(w**2)
    t_mean = np.sum(t * p)
    sigma_t = np.sqrt(np.sum((t - t_mean) ** 2 * p))
    spectrum = np.abs(np.fft.fftshift(np.fft.fft(w, n_fft))) ** 2
    f = np.fft.fftshift(np.fft.fftfreq(n_fft, d=1 / sample_rate))
    q = spectrum / spectrum.sum()
    f_mean = np.sum(f * q)
    sigma_f = np.sqrt(np.sum((f - f_mean) ** 2 * q))
    return float(sigma_t), float(sigma_f)


@accepts(
    window=Array(ndim=1, min_size=2, what="a window (N,) with N >= 2"),
    sample_rate=Real(positive=True),
    n_fft=Int(optional=True),
)
def uncertainty_product(window: npt.ArrayLike, sample_rate: float = 1.0, n_fft: int | None = None) -> float:
    """σ_t · σ_f of :func:`time_frequency_spread` (dimensionless; 1/(4π) ≈ 0.0796 for a Gaussian)."""
    sigma_t, sigma_f = time_frequency_spread(window, sample_rate, n_fft)
    return sigma_t * sigma_f


@accepts(
    x=Array(ndim=1, min_size=2, what="a signal (N,) with N >= 2"),
    window_length=Int(min=2),
    sample_rate=Real(positive=True),
    hop=Int(optional=True),
    window=Choice(("hann", "boxcar")),
)
def stft_magnitude(
    x: npt.ArrayLike, window_length: int, sample_rate: float, hop: int | None = None, window: str = "hann"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Windowed Fourier transform modulus ``|Sx(t, f)|`` (Koushik Eq. 9): ``(times s, freqs Hz, |S|)``.

    Frames of ``window_length`` samples every ``hop`` (default a quarter window), each multiplied by
    the window and Fourier-transformed (one-sided). ``|S|`` has shape (frequencies, frames).
    """
    x = _signal(x)
    sample_rate = _positive(sample_rate, "sample_rate")
    if isinstance(window_length, bool) or not 2 <= int(window_length) <= x.size:
        raise ValueError(f"window_length must be between 2 and the signal length {x.size}, got {window_length!r}")
    window_length = int(window_length)
    hop = max(1, window_length // 4) if hop is None else int(hop)
    if hop < 1:
        raise ValueError(f"hop must be >= 1, got {hop}")
    if window == "hann":
        w = np.hanning(window_length + 1)[:-1]  # periodic Hann
    elif window == "boxcar":
        w = np.ones(window_length)
    else:
        raise ValueError(f"window must be 'hann' or 'boxcar', got {window!r}")
    starts = np.arange(0, x.size - window_length + 1, hop)
    frames = np.stack([x[s : s + window_length] * w for s in starts], axis=1)
    spectrum = np.abs(np.fft.rfft(frames, axis=0))
    times = (starts + window_length / 2) / sample_rate
    freqs = np.fft.rfftfreq(window_length, d=1 / sample_rate)
    return times, freqs, spectrum


@accepts(
    n_samples=Int(),
    centre_frequency=Real(positive=True),
    sample_rate=Real(positive=True),
    n_cycles=Real(positive=True),
)
def morlet_wavelet(n_samples: int, centre_frequency: float, sample_rate: float, n_cycles: float = 6.0) -> np.ndarray:
    """Complex Morlet (Gabor) wavelet at ``centre_frequency`` Hz, unit L1 norm, centred on the middle sample.

    ``exp(2πi f_c t) g(t)`` minus the constant that makes its mean zero (the zero average that
    Koushik's Theorem 2 asks of a wavelet), with a Gaussian envelope of standard deviation ``n_cycles / (2π f_c)`` seconds,
    so every wavelet holds the same number of oscillations: a constant relative bandwidth.
    """
    f_c = _positive(centre_frequency, "centre_frequency")
    sample_rate = _positive(sample_rate, "sample_rate")
    if f_c >= sample_rate / 2:
        raise ValueError(f"centre_frequency must be below Nyquist ({sample_rate / 2:g} Hz), got {f_c!r}")
    t = (np.arange(int(n_samples)) - (int(n_samples) - 1) / 2) / sample_rate
    sigma = _positive(n_cycles, "n_cycles") / (2 * np.pi * f_c)
    envelope = np.exp(-(t**2) / (2 * sigma**2))
    carrier = np.exp(2j * np.pi * f_c * t)
    psi = envelope * (carrier - np.sum(envelope * carrier) / np.sum(envelope))
    return psi / np.sum(np.abs(psi))


@accepts(
    x=Array(ndim=1, min_size=2, what="a signal (N,) with N >= 2"),
    frequencies=Array(ndim=(0, 1)),
    sample_rate=Real(positive=True),
    n_cycles=Real(positive=True),
)
def cwt_magnitude(
    x: npt.ArrayLike, frequencies: npt.ArrayLike, sample_rate: float, n_cycles: float = 6.0
) -> np.ndarray:
    """``|x ∗ ψ_f|`` for Morlet wavelets at ``frequencies`` Hz (Koushik Eqs. 10-11): shape (frequencies, samples).

    The convolution is circular (computed with the FFT on the signal's length).
    """
    x = _signal(x)
    freqs = np.asarray(frequencies, dtype=np.float64).ravel()
    if freqs.size == 0:
        raise ValueError("frequencies must not be empty")
    X = np.fft.fft(x)
    out = np.empty((freqs.size, x.size))
    for i, f in enumerate(freqs):
        psi = morlet_wavelet(x.size, f, sample_rate, n_cycles)
        psi = np.roll(psi, -((x.size - 1) // 2))  # centre on sample 0 for a zero-delay circular convolution
        out[i] = np.abs(np.fft.ifft(X * np.fft.fft(psi)))
    return out


@accepts(x=Array(ndim=1, min_size=2, what="a signal (N,) with N >= 2"), factor=Real(positive=True))
def dilate(x: npt.ArrayLike, factor: float) -> np.ndarray:
    """``x(t / factor)`` by linear interpolation on the same grid, about the centre sample (zero outside).

    ``factor > 1`` stretches the signal, lowering every frequency by ``factor``.
    """
    x = _signal(x)
    factor = _positive(factor, "factor")
    centre = (x.size - 1) / 2
    u = np.arange(x.size, dtype=np.float64)
    return np.interp(centre + (u - centre) / factor, u, x, left=0.0, right=0.0)


@accepts(a=Array(), b=Array())
def relative_change(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """``‖a - b‖ / ‖a‖`` (Euclidean norms over all entries)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs {b.shape}")
    norm = np.linalg.norm(a)
    if norm == 0:
        raise ValueError("the reference array is zero")
    return float(np.linalg.norm(a - b) / norm)
