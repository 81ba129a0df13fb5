"""Frequency response of a linearised network (Stamatescu & McDonnell, Eq. 5) and its closed forms.

Pure maths on arrays: a data derivative ``dz/dx`` (one 2-D map per input channel) goes in,
its amplitude spectrum in dB comes out. The network side (the backward pass that produces
``dz/dx``) lives in :mod:`sigcnn.probes.max_gain`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ._validate import Array, Int, Real, accepts

DB_FLOOR = 1e-300
"""Magnitudes are clipped to this value before the logarithm, so an all-zero derivative
gives a finite (very negative) response instead of ``-inf``."""


def _as_maps(derivative) -> np.ndarray:
    arr = np.asarray(derivative, dtype=np.float64)
    if arr.ndim not in (2, 3):
        raise ValueError(f"expected a 2-D map (H, W) or channel maps (C, H, W), got shape {arr.shape}")
    if min(arr.shape[-2:]) < 2:
        raise ValueError(f"a map must be at least 2x2 pixels, got {arr.shape[-2:]}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("the derivative contains NaN or infinite values")
    return arr


@accepts(height=Int(min=2), width=Int(min=2))
def hann_window_2d(height: int, width: int) -> np.ndarray:
    """Separable 2-D Hann window (periodic form), peak 1, of shape ``(height, width)``.

    Applied to the data derivative of an impulse image before the FFT to reduce edge
    effects (paper, section III-B). The periodic form ``0.5 - 0.5 cos(2 pi n / N)`` is exactly
    1 at the centre pixel ``N // 2``, where the impulse sits.
    """
    if height < 2 or width < 2:
        raise ValueError(f"window size must be at least 2x2, got {height}x{width}")

    def hann(n):
        return 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(n) / n)

    return np.outer(hann(height), hann(width))


@accepts(derivative=Array(ndim=(2, 3)))
def frequency_response_db(derivative, window: bool = False) -> np.ndarray:
    """Amplitude spectrum ``|H| = 20 log10 |F(dz/dx)|`` in dB (Eq. 5).

    Parameters
    ----------
    derivative
        Data derivative ``dz/dx``: a map ``(H, W)`` or one map per input channel ``(C, H, W)``.
    window
        Multiply by :func:`hann_window_2d` first (the paper does this for impulse images).

    Returns
    -------
    numpy.ndarray
        Same shape as ``derivative``, float64, zero frequency at index ``[..., 0, 0]``
        (apply ``numpy.fft.fftshift`` over the last two axes to centre it for display).
    """
    maps = _as_maps(derivative)
    if window:
        maps = maps * hann_window_2d(*maps.shape[-2:])
    spectrum = np.abs(np.fft.fft2(maps, axes=(-2, -1)))
    return 20.0 * np.log10(np.maximum(spectrum, DB_FLOOR))


@accepts(derivative=Array(ndim=(2, 3)))
def maximum_gain_db(derivative, window: bool = False) -> np.ndarray | float:
    """Maximum Gain: the peak of the frequency response in dB (paper, section III-C).

    One value for a 2-D map, one value per channel for ``(C, H, W)`` maps.
    """
    response = frequency_response_db(derivative, window=window)
    peak = response.max(axis=(-2, -1))
    return float(peak) if np.ndim(peak) == 0 else peak


@accepts(height=Int(), width=Int())
def frequency_grid(height: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Spatial frequencies (cycles per pixel) of the FFT bins, as ``(fy, fx)`` of shape (H, W)."""
    fy, fx = np.meshgrid(np.fft.fftfreq(height), np.fft.fftfreq(width), indexing="ij")
    return fy, fx


@accepts(size=Int(), sigma=Real(positive=True))
def gaussian_kernel(size: int = 7, sigma: float = 1.0) -> np.ndarray:
    """Sampled 2-D Gaussian filter of ``size`` x ``size`` pixels, normalised to sum 1.

    The paper's toy CNN filter is ``gaussian_kernel(7, 1.0)`` (section III-B, Fig. 1b),
    the same normalisation as MATLAB's ``fspecial('gaussian', 7, 1)``.
    """
    if size < 1 or size % 2 == 0:
        raise ValueError(f"kernel size must be a positive odd integer, got {size}")
    if sigma <= 0:
        raise ValueError(f"sigma must be positive, got {sigma}")
    n = np.arange(size) - size // 2
    g = np.exp(-(n**2) / (2.0 * sigma**2))
    kernel = np.outer(g, g)
    return kernel / kernel.sum()


@accepts(fy=Array(), fx=Array(), size=Int(), sigma=Real(positive=True))
def gaussian_transfer_db(fy, fx, size: int = 7, sigma: float = 1.0) -> np.ndarray:
    """Closed-form transfer function (dB) of :func:`gaussian_kernel` at frequencies ``(fy, fx)``.

    The sampled, truncated Gaussian is separable and symmetric, so its discrete-time Fourier
    transform is a product of two cosine series,
    ``H(fy, fx) = h(fy) h(fx)`` with ``h(f) = (g_0 + 2 sum_{n=1}^{r} g_n cos(2 pi f n)) / s``,
    ``g_n = exp(-n^2 / 2 sigma^2)``, ``r = size // 2`` and ``s = g_0 + 2 sum g_n`` (unit DC gain).
    Its magnitude is the toy CNN's response for a projection on one non-zero output.
    """
    if size < 1 or size % 2 == 0:
        raise ValueError(f"kernel size must be a positive odd integer, got {size}")
    if sigma <= 0:
        raise ValueError(f"sigma must be positive, got {sigma}")
    r = size // 2
    g = np.exp(-(np.arange(r + 1) ** 2) / (2.0 * sigma**2))
    total = g[0] + 2.0 * g[1:].sum()

    def h(f):
        f = np.asarray(f, dtype=np.float64)
        out = np.full(f.shape, g[0])
        for n in range(1, r + 1):
            out = out + 2.0 * g[n] * np.cos(2.0 * np.pi * f * n)
        return out / total

    magnitude = np.abs(h(fy) * h(fx))
    return 20.0 * np.log10(np.maximum(magnitude, DB_FLOOR))


@accepts(fy=Array(), fx=Array(), sigma=Real(positive=True))
def continuous_gaussian_transfer_db(fy, fx, sigma: float = 1.0) -> np.ndarray:
    """Transfer function (dB) of the continuous, untruncated Gaussian: ``exp(-2 pi^2 sigma^2 |f|^2)``.

    The 7x7 sampled filter follows it closely at low frequencies; truncation and aliasing
    separate the two near the Nyquist frequency (0.5 cycles per pixel).
    """
    if sigma <= 0:
        raise ValueError(f"sigma must be positive, got {sigma}")
    f2 = np.asarray(fy, dtype=np.float64) ** 2 + np.asarray(fx, dtype=np.float64) ** 2
    return 20.0 * (-2.0 * np.pi**2 * sigma**2 * f2) / np.log(10.0)


@accepts(f=Array(), n=Int())
def dirichlet_db(f: npt.ArrayLike, n: int) -> np.ndarray:
    """``|sum_{k=0}^{n-1} exp(-2 pi i f k)|`` in dB: the magnitude response of an ``n``-tap box of ones.

    Equals ``|sin(pi f n) / sin(pi f)|`` (``n`` at ``f = 0``); the impulse image's derivative in the
    toy CNN is the Gaussian convolved with a 7x7 box, whose response is ``D7(fy) D7(fx)``.
    """
    if n < 1:
        raise ValueError(f"n must be a positive number of taps, got {n}")
    f = np.asarray(f, dtype=np.float64)
    num, den = np.sin(np.pi * f * n), np.sin(np.pi * f)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(np.abs(den) < 1e-12, float(n), num / den)
    return 20.0 * np.log10(np.maximum(np.abs(ratio), DB_FLOOR))
