"""Summaries of 2-D energy spectra used by section 5 of Wu et al. (2022).

* :func:`average_normalised_spectrum` and :func:`energy_contour_levels` are Algorithm 1
  (average energy spectrum and its 60/80/90 % energy contours, Eqs. 37-40), with two defects
  of the printed pseudo-code fixed:

  1. line 10 takes ``min(abs(energySections - 0.9))``, the smallest *value*, and uses it as an
     index; the index of that minimum (``argmin``) is meant;
  2. line 4 divides by ``sum(fftImg)``, which is 0 / 0 for an all-zero channel (a dead ReLU
     channel is common in a network's feature maps); such channels are skipped and counted.

* :func:`radial_average` and :func:`power_law_fit` give the fit
  ``log AE(rho) = mu * log(1 / rho^2) + nu`` of section 5.1.2 (Eqs. 40-42).
* :func:`spectral_shift_gain`, :func:`apply_spectral_shift` and
  :func:`random_shift_like` are the post-shift of section 5.2 (Eq. 43, Algorithm 2) in the
  reading stated there.
* :func:`power_law_noise` makes 1/f^k noise images (controls).

Pure NumPy; no network or data-set code here.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ._validate import Array, Int, IntPair, Real, accepts


def _check_maps(maps, name: str = "maps") -> np.ndarray:
    maps = np.asarray(maps, dtype=np.float64)
    if maps.ndim < 2 or maps.shape[-1] < 1 or maps.shape[-2] < 1:
        raise ValueError(f"{name} must have shape (..., H, W) with H, W >= 1, got {maps.shape}")
    if not np.isfinite(maps).all():
        raise ValueError(f"{name} has non-finite values")
    return maps


@accepts(maps=Array(ndim=(3, 4), what="maps (N, C, H, W) or (N, H, W)"))
def average_normalised_spectrum(maps: npt.ArrayLike, remove_dc: bool = False) -> tuple[np.ndarray, int]:
    """Algorithm 1, lines 1-7: the mean of per-channel energy spectra, each normalised to sum 1.

    Parameters
    ----------
    maps : array, shape (N, C, H, W) or (N, H, W)
        Images or feature maps (``N`` samples, ``C`` channels).
    remove_dc : bool
        Set the zero-frequency bin to 0 before normalising (the "without DC" control).

    Returns
    -------
    spectrum : array (H, W), ``fftshift``-ed, summing to 1 (zero frequency at index ``(H//2, W//2)``).
    skipped : int
        Number of channels with zero energy, left out instead of dividing 0 by 0 (fix 2).

    Raises
    ------
    ValueError
        For a wrong shape, non-finite values, or when every channel has zero energy.
    """
    maps = _check_maps(maps)
    if maps.ndim == 3:
        maps = maps[:, None]
    if maps.ndim != 4:
        raise ValueError(f"maps must have shape (N, C, H, W) or (N, H, W), got {maps.shape}")
    energy = np.abs(np.fft.fft2(maps)) ** 2
    if remove_dc:
        energy[..., 0, 0] = 0.0
    totals = energy.sum(axis=(-2, -1))
    alive = totals > 0
    if not alive.any():
        raise ValueError("every channel of maps has zero energy: no spectrum to average")
    normalised = energy[alive] / totals[alive][:, None, None]
    return np.fft.fftshift(normalised.mean(axis=0)), int((~alive).sum())


@accepts(spectrum=Array(ndim=2), fractions=Array(ndim=1))
def energy_contour_levels(spectrum: npt.ArrayLike, fractions: npt.ArrayLike = (0.6, 0.8, 0.9)) -> dict[float, float]:
    """Algorithm 1, lines 8-12: the spectrum value whose upper level set holds each energy fraction.

    Sorting the bins in decreasing order and accumulating, the level for fraction ``q`` is the
    value at the *index* where the cumulative energy is nearest to ``q`` (fix 1: the printed
    line 10 uses the minimum value itself as the index). The contour is the boundary of
    ``spectrum >= level``.
    """
    spec = np.asarray(spectrum, dtype=np.float64)
    if spec.ndim != 2 or (spec < 0).any() or not np.isfinite(spec).all():
        raise ValueError("spectrum must be a finite, non-negative 2-D array")
    total = spec.sum()
    if total <= 0:
        raise ValueError("spectrum has zero energy")
    values = np.sort(spec.ravel())[::-1]
    cumulative = np.cumsum(values) / total
    out = {}
    for q in np.asarray(fractions):  # already a 1-D array (@accepts)
        if not 0 < q <= 1:
            raise ValueError(f"fractions must lie in (0, 1], got {q}")
        out[float(q)] = float(values[int(np.argmin(np.abs(cumulative - q)))])
    return out


@accepts(spectrum=Array(ndim=2), fraction=Real(positive=True))
def contour_area_fraction(spectrum: npt.ArrayLike, fraction: float = 0.8) -> float:
    """Share of the frequency plane inside the ``fraction`` energy contour (small = concentrated)."""
    level = energy_contour_levels(spectrum, (fraction,))[float(fraction)]
    spec = np.asarray(spectrum, dtype=np.float64)
    return float((spec >= level).mean())


@accepts(p=Array(min_ndim=1), q=Array(min_ndim=1))
def total_variation_distance(p: npt.ArrayLike, q: npt.ArrayLike) -> float:
    """``0.5 * sum |p - q|`` of two spectra normalised to sum 1 (0: identical, 1: disjoint).

    Raises ``ValueError`` for a spectrum that is all zero, negative somewhere or not finite.
    """
    p, q = np.asarray(p, dtype=np.float64), np.asarray(q, dtype=np.float64)
    if p.shape != q.shape:
        raise ValueError(f"spectra must have the same shape, got {p.shape} and {q.shape}")
    for name, s in (("p", p), ("q", q)):
        if not np.all(np.isfinite(s)) or np.any(s < 0) or not s.sum() > 0:
            raise ValueError(f"spectrum {name} must be finite, non-negative and not all zero")
    return float(0.5 * np.abs(p / p.sum() - q / q.sum()).sum())


@accepts(spectra=Array(min_ndim=2, what="a stack (or list) of equal-shape spectra"))
def mean_pairwise_distance(spectra: npt.ArrayLike) -> float:
    """Mean total-variation distance over all pairs of ``spectra`` (a list of equal-shape arrays)."""
    items = list(np.asarray(spectra))  # already an array (@accepts): one entry per spectrum
    if len(items) < 2:
        raise ValueError("need at least two spectra")
    d = [total_variation_distance(items[i], items[j]) for i in range(len(items)) for j in range(i + 1, len(items))]
    return float(np.mean(d))


@accepts(spectrum=Array(ndim=2))
def radial_average(spectrum: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Mean of an ``fftshift``-ed 2-D spectrum over rings of integer radius ``rho = 1 .. min(H, W)//2``.

    Radius is in frequency bins from the centre (``round(sqrt(k1^2 + k2^2))``); the DC bin
    (``rho = 0``) and the corners beyond the inscribed circle are left out, so an ``n x n`` map
    gives ``n // 2`` radii (a 7 x 7 map gives three).

    Returns
    -------
    radii, mean_energy : arrays of length ``min(H, W) // 2``.
    """
    spec = np.asarray(spectrum, dtype=np.float64)
    if spec.ndim != 2:
        raise ValueError(f"spectrum must be 2-D, got shape {spec.shape}")
    h, w = spec.shape
    k1 = np.arange(h) - h // 2
    k2 = np.arange(w) - w // 2
    rho = np.rint(np.hypot(k1[:, None], k2[None, :])).astype(int)
    radii = np.arange(1, min(h, w) // 2 + 1)
    means = np.array([spec[rho == r].mean() for r in radii])
    return radii.astype(float), means


@accepts(spectrum=Array(ndim=2))
def power_law_fit(spectrum: npt.ArrayLike) -> tuple[float, float, int]:
    """Least-squares fit ``log AE(rho) = mu * log(1 / rho^2) + nu`` (Eqs. 41-42) on the radial average.

    ``mu = 1`` is the 1/rho^2 energy law of natural images (Eq. 42); an amplitude spectrum
    falling as ``1/f^a`` gives ``mu = a``. Natural logarithms.

    Returns
    -------
    mu, nu, n_radii : the slope, intercept and the number of radii the fit used (rings with
        zero mean energy are left out).

    Raises
    ------
    ValueError
        When fewer than two radii carry energy (e.g. a 3 x 3 map).
    """
    radii, energy = radial_average(spectrum)
    keep = energy > 0
    if keep.sum() < 2:
        raise ValueError(
            f"a power-law fit needs at least two radii with energy, got {int(keep.sum())} "
            f"(spectrum shape {np.shape(spectrum)})"
        )
    x = np.log(1.0 / radii[keep] ** 2)
    y = np.log(energy[keep])
    mu, nu = np.polyfit(x, y, 1)
    return float(mu), float(nu), int(keep.sum())


@accepts(shape=IntPair(min=2), exponent=Real(), n=Int())
def power_law_noise(shape: tuple[int, int], exponent: float, rng: np.random.Generator, n: int = 1) -> np.ndarray:
    """``n`` Gaussian noise images whose *amplitude* spectrum falls as ``1/f^exponent`` (0: white).

    Zero mean, unit standard deviation per image; shape ``(n, H, W)``.
    """
    h, w = shape
    if h < 2 or w < 2:
        raise ValueError(f"shape must be at least 2 x 2, got {shape}")
    f = np.hypot(np.fft.fftfreq(h)[:, None], np.fft.fftfreq(w)[None, :])
    f[0, 0] = 1.0
    gain = f ** (-float(exponent))
    gain[0, 0] = 0.0
    white = rng.standard_normal((n, h, w))
    out = np.fft.ifft2(np.fft.fft2(white) * gain).real
    out -= out.mean(axis=(-2, -1), keepdims=True)
    return out / out.std(axis=(-2, -1), keepdims=True)


# --- post-shift (Eq. 43, Algorithm 2) ----------------------------------------------------------


@accepts(input_spectrum=Array(min_ndim=1), feature_spectrum=Array(min_ndim=1), floor=Real(positive=True))
def spectral_shift_gain(
    input_spectrum: npt.ArrayLike, feature_spectrum: npt.ArrayLike, floor: float = 1e-12
) -> np.ndarray:
    """DIFF of Eq. 43 in the log domain: ``log FEATURE(f) - log INPUT(f)`` of normalised spectra.

    Our reading of "linear fitting of Eq. 43" (stated on the page): a per-frequency regression
    of log feature energy on log input energy with the slope fixed at 1, whose intercept is
    this difference of (sample-averaged, sum-1 normalised) log spectra. Applied by
    :func:`apply_spectral_shift`, it multiplies each input amplitude by ``exp(DIFF / 2)``.
    """
    i = np.asarray(input_spectrum, dtype=np.float64)
    f = np.asarray(feature_spectrum, dtype=np.float64)
    if i.shape != f.shape:
        raise ValueError(f"input and feature spectra must share a grid, got {i.shape} and {f.shape}")
    if (i < 0).any() or (f < 0).any():
        raise ValueError("energy spectra must be non-negative")
    i, f = i / i.sum(), f / f.sum()
    return np.log(np.maximum(f, floor)) - np.log(np.maximum(i, floor))


@accepts(x=Array(min_ndim=1), log_gain=Array(ndim=(1, 2)), axes=Int(min=1, max=2))
def apply_spectral_shift(x: npt.ArrayLike, log_gain: npt.ArrayLike, axes: int = 1) -> np.ndarray:
    """Multiply the amplitude spectrum of ``x`` by ``exp(log_gain / 2)``, keeping its phase (Alg. 2, lines 6-7).

    ``axes=1``: ``log_gain`` has the ``rfft`` length ``N // 2 + 1`` of the last axis.
    ``axes=2``: ``log_gain`` has the ``rfft2`` shape ``(H, W // 2 + 1)`` of the last two axes.
    The result is real and has the shape of ``x``.
    """
    x = np.asarray(x, dtype=np.float64)
    g = np.exp(np.asarray(log_gain, dtype=np.float64) / 2.0)
    if axes == 1:
        if g.shape != (x.shape[-1] // 2 + 1,):
            raise ValueError(f"log_gain must have shape ({x.shape[-1] // 2 + 1},), got {g.shape}")
        return np.fft.irfft(np.fft.rfft(x, axis=-1) * g, n=x.shape[-1], axis=-1)
    if axes == 2:
        shape = (x.shape[-2], x.shape[-1] // 2 + 1)
        if g.shape != shape:
            raise ValueError(f"log_gain must have shape {shape}, got {g.shape}")
        return np.fft.irfft2(np.fft.rfft2(x) * g, s=x.shape[-2:])
    raise ValueError(f"axes must be 1 or 2, got {axes}")


@accepts(log_gain=Array(min_ndim=1))
def random_shift_like(log_gain: npt.ArrayLike, rng: np.random.Generator) -> np.ndarray:
    """A random DIFF "of the same size": the values of ``log_gain`` permuted across frequencies.

    The DC value stays in place (it only rescales the signal); every other value moves, so the
    random gain has exactly the same set of values (mean, spread, norm) but no relation to
    the spectrum the network produced.
    """
    g = np.asarray(log_gain, dtype=np.float64)
    flat = g.ravel().copy()
    rest = flat[1:]
    flat[1:] = rest[rng.permutation(rest.size)]
    return flat.reshape(g.shape)
