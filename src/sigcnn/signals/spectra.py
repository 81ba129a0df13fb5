"""Energy spectra of discrete signals (Wu et al. 2022, Eqs. 3, 15-20) and summaries of their shape.

Conventions (used by every chapter that calls these functions):

* The spectrum of ``x[n], n = 0..N-1`` is its DFT ``X[k] = sum_n x[n] exp(-j 2 pi k n / N)``,
  i.e. the DTFT of Eqs. 15-16 sampled at ``f = k / N``, reordered with ``fftshift`` so that
  frequency runs from ``-1/2`` to just below ``+1/2``.
* Frequency is normalised, in **cycles per sample** (multiply by the sampling rate for Hz).
* The energy spectrum is ``E(f) = |X(f)|^2`` with no normalisation, as in the paper; by
  Parseval ``sum_f E(f) = N * sum_n x[n]^2``.

Functions accept NumPy arrays or torch tensors and return the same kind; the transform runs
along the last axis (1-D) or the last two axes (2-D).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import torch

from ._validate import Array, Int, Real, accepts


def _check_signal(x, min_ndim: int, name: str = "signal") -> None:
    if x.ndim < min_ndim:
        raise ValueError(f"{name} must have at least {min_ndim} dimension(s), got shape {tuple(x.shape)}")
    if x.shape[-1] < 1 or (min_ndim == 2 and x.shape[-2] < 1):
        raise ValueError(f"{name} is empty: shape {tuple(x.shape)}")
    finite = torch.isfinite(x).all() if isinstance(x, torch.Tensor) else np.isfinite(x).all()
    if not bool(finite):
        raise ValueError(f"{name} has non-finite values (NaN or inf)")


@accepts(n=Int(), sample_rate=Real(positive=True))
def frequency_axis(n: int, sample_rate: float = 1.0) -> np.ndarray:
    """The ``fftshift``-ed frequency of each of ``n`` DFT bins: cycles/sample times ``sample_rate``."""
    if n < 1:
        raise ValueError(f"need at least one sample, got n={n}")
    return np.fft.fftshift(np.fft.fftfreq(n)) * sample_rate


@accepts(x=Array(min_ndim=1, dtype="complex", kind="any"))
def energy_spectrum(x):
    """Energy spectrum ``|X(f)|^2`` along the last axis, centred with ``fftshift`` (Eqs. 15-16).

    Parameters
    ----------
    x : array or tensor, shape (..., N)
        Real or complex signal(s); leading axes are batch/channel axes.

    Returns
    -------
    Same kind as ``x``, shape (..., N), real; frequencies are :func:`frequency_axis` ``(N)``.
    """
    _check_signal(x, 1)
    if isinstance(x, torch.Tensor):
        return torch.fft.fftshift(torch.fft.fft(x, dim=-1), dim=-1).abs().square()
    return np.abs(np.fft.fftshift(np.fft.fft(x, axis=-1), axes=-1)) ** 2


@accepts(x=Array(min_ndim=2, dtype="complex", kind="any"))
def energy_spectrum_2d(x):
    """Energy spectrum ``|X(f1, f2)|^2`` over the last two axes, centred (the 2-D form of Eq. 15)."""
    _check_signal(x, 2)
    if isinstance(x, torch.Tensor):
        return torch.fft.fftshift(torch.fft.fft2(x), dim=(-2, -1)).abs().square()
    return np.abs(np.fft.fftshift(np.fft.fft2(x), axes=(-2, -1))) ** 2


def _spectrum_and_axis(spectrum, freqs):
    spectrum = np.asarray(spectrum, dtype=np.float64)
    if spectrum.ndim < 1 or spectrum.shape[-1] < 1:
        raise ValueError(f"spectrum must have a frequency axis, got shape {spectrum.shape}")
    freqs = frequency_axis(spectrum.shape[-1]) if freqs is None else np.asarray(freqs, dtype=np.float64)
    if freqs.shape != spectrum.shape[-1:]:
        raise ValueError(f"{freqs.shape[0]} frequencies for a spectrum of length {spectrum.shape[-1]}")
    if not np.isfinite(spectrum).all() or (spectrum < 0).any():
        raise ValueError("an energy spectrum must be finite and non-negative")
    return spectrum, freqs


@accepts(spectrum=Array(min_ndim=1), freqs=Array(ndim=1, optional=True))
def spectral_centroid(spectrum, freqs=None, exclude_dc: bool = False):
    """Energy-weighted mean of ``|f|``: where along the frequency axis the energy sits.

    Parameters
    ----------
    spectrum : array, shape (..., N)
        Energy spectra on the ``fftshift``-ed grid.
    freqs : array, shape (N,), optional
        Their frequencies (default: :func:`frequency_axis` ``(N)``, cycles/sample, so the
        result lies in [0, 0.5]).
    exclude_dc : bool
        Leave out the ``f = 0`` bin (the mean of the signal), e.g. to look at the shape of an
        activation's output without its offset.

    Returns
    -------
    float or array of shape (...,); NaN where the (kept) energy is zero.
    """
    spectrum, freqs = _spectrum_and_axis(spectrum, freqs)
    weight = np.abs(freqs)
    if exclude_dc:
        spectrum = np.where(freqs == 0, 0.0, spectrum)
    total = spectrum.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (spectrum * weight).sum(axis=-1) / total


@accepts(psi_in=Array(min_ndim=1), psi_out=Array(min_ndim=1))
def centroid_shift(psi_in: npt.ArrayLike, psi_out: npt.ArrayLike, exclude_dc: bool = False) -> float:
    """Change of the spectral centroid from ``psi_in`` to ``psi_out``, in cycles per *input* sample.

    A layer that shortens its signal by ``D = len(psi_in) / len(psi_out)`` (a pooling layer)
    has output frequencies in cycles per *output* sample; one output sample spans ``D`` input
    samples, so ``f_out`` becomes ``f_out / D`` cycles per input sample before the two
    centroids are compared. Multiply by the input's sampling rate for hertz. For a layer that
    keeps the length this is ``centroid(psi_out) - centroid(psi_in)``; an ideal decimation of a
    signal band-limited below the output's Nyquist frequency gives 0.
    """
    n_in, n_out = np.shape(psi_in)[-1], np.shape(psi_out)[-1]
    c_in = spectral_centroid(psi_in, exclude_dc=exclude_dc)
    c_out = spectral_centroid(psi_out, exclude_dc=exclude_dc)
    return c_out * (n_out / n_in) - c_in


@accepts(spectrum=Array(min_ndim=1), cutoff=Real(positive=True), freqs=Array(ndim=1, optional=True))
def low_band_fraction(spectrum, cutoff: float, freqs=None, exclude_dc: bool = False):
    """Fraction of the energy at ``|f| <= cutoff`` (same units as ``freqs``; default cycles/sample)."""
    spectrum, freqs = _spectrum_and_axis(spectrum, freqs)
    if not cutoff > 0:
        raise ValueError(f"cutoff must be positive, got {cutoff}")
    if exclude_dc:
        spectrum = np.where(freqs == 0, 0.0, spectrum)
    total = spectrum.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return spectrum[..., np.abs(freqs) <= cutoff].sum(axis=-1) / total


@accepts(spectrum=Array(min_ndim=1), freqs=Array(ndim=1), grid=Array())
def resample_spectrum(spectrum, freqs, grid):
    """Linear interpolation of a spectrum onto another frequency ``grid`` (same units).

    Used to add spectra of layers with different lengths (Eqs. 33-34); points of ``grid``
    outside the range of ``freqs`` get the nearest end value.
    """
    spectrum, freqs = _spectrum_and_axis(spectrum, freqs)
    return np.interp(np.asarray(grid, dtype=np.float64), freqs, spectrum)


@accepts(grid=Array(ndim=1))
def accumulate_on_grid(spectra, grid) -> np.ndarray:
    """Sum spectra that live on different frequency grids (Eqs. 33-34) after resampling to ``grid``.

    Parameters
    ----------
    spectra : iterable of (freqs, values)
        Each a frequency axis and a real array on it (values may be negative, e.g. differences).
    grid : array
        The common frequency axis.
    """
    grid = np.asarray(grid, dtype=np.float64)
    total = np.zeros_like(grid)
    for freqs, values in spectra:
        freqs, values = np.asarray(freqs, dtype=np.float64), np.asarray(values, dtype=np.float64)
        if freqs.shape != values.shape or freqs.ndim != 1:
            raise ValueError(f"frequencies {freqs.shape} and values {values.shape} must be 1-D of one length")
        if not np.isfinite(values).all():
            raise ValueError("spectra to accumulate must be finite")
        total += np.interp(grid, freqs, values)
    return total


@accepts(x=Array(min_ndim=1, kind="torch", finite=False))
def summed_energy_spectrum(x: torch.Tensor) -> torch.Tensor:
    """``energy_spectrum(x)`` summed over every axis but the last, for a *real* tensor, in float64.

    Uses the real FFT and the symmetry ``E(-f) = E(f)`` of real signals, which is several times
    cheaper than the full transform; the result is on the ``fftshift``-ed grid of
    :func:`frequency_axis` ``(N)``.
    """
    if x.ndim < 1 or x.shape[-1] < 1:
        raise ValueError(f"signal must have a non-empty last axis, got shape {tuple(x.shape)}")
    if x.is_complex():
        raise ValueError("summed_energy_spectrum needs a real tensor; use energy_spectrum for complex input")
    n = x.shape[-1]
    half = torch.fft.rfft(x, dim=-1)
    power = (half.real.square() + half.imag.square()).reshape(-1, half.shape[-1]).sum(dim=0).double()
    if not bool(torch.isfinite(power).all()):  # NaN/inf anywhere in x reach the sum: checked once, cheaply
        raise ValueError("signal has non-finite values (NaN or inf)")
    index = torch.arange(-(n // 2), (n + 1) // 2, device=power.device).abs()
    return power[index]
