"""How close a learned filter comes to a Gabor (2-D) or Morlet-like (1-D) wavelet (Mallat's lens).

A filter is fitted, by least squares, with a Gaussian-windowed cosine and sine of one frequency
and orientation, centred on the kernel; the grid of frequencies, orientations and widths is
searched exhaustively. The *residual* is the fraction of the filter's energy the best fit leaves
out: 0 for a Gabor atom on the grid, about ``1 − 2/size`` for white noise.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FREQUENCIES = np.linspace(0.0, 0.5, 9)
"""Carrier frequencies searched, cycles per sample."""
ORIENTATIONS = np.arange(8) * np.pi / 8
WIDTHS = (0.5, 0.75, 1.0, 1.5, 2.0, 3.0)
"""Gaussian widths searched, in units of ``size / 5``."""


def gabor_bank(size: int, ndim: int) -> np.ndarray:
    """Pairs of (cosine, sine) Gabor atoms on a ``size`` (or ``size × size``) grid: shape (B, 2, size**ndim)."""
    if size < 3 or ndim not in (1, 2):
        raise ValueError(f"a Gabor fit needs a kernel of size >= 3 in 1 or 2 dimensions, got size {size}, ndim {ndim}")
    c = np.arange(size) - (size - 1) / 2
    atoms = []
    for width in WIDTHS:
        sigma = width * size / 5
        if ndim == 1:
            envelope = np.exp(-(c**2) / (2 * sigma**2))
            for f in FREQUENCIES:
                atoms.append([envelope * np.cos(2 * np.pi * f * c), envelope * np.sin(2 * np.pi * f * c)])
            continue
        y, x = np.meshgrid(c, c, indexing="ij")
        envelope = np.exp(-(x**2 + y**2) / (2 * sigma**2))
        for f in FREQUENCIES:
            for theta in ORIENTATIONS if f > 0 else ORIENTATIONS[:1]:
                u = x * np.cos(theta) + y * np.sin(theta)
                atoms.append(
                    [(envelope * np.cos(2 * np.pi * f * u)).ravel(), (envelope * np.sin(2 * np.pi * f * u)).ravel()]
                )
    return np.asarray(atoms, dtype=np.float64)


def gabor_residual(kernels: npt.ArrayLike) -> np.ndarray:
    """Best-fit residual energy fraction of each kernel: ``kernels`` of shape (K, size) or (K, size, size).

    Returns shape (K,); NaN for an all-zero kernel.
    """
    k = np.asarray(kernels, dtype=np.float64)
    if k.ndim not in (2, 3) or (k.ndim == 3 and k.shape[1] != k.shape[2]):
        raise ValueError(f"expected kernels (K, size) or square kernels (K, size, size), got shape {k.shape}")
    bank = gabor_bank(k.shape[1], k.ndim - 1)  # (B, 2, D)
    flat = k.reshape(k.shape[0], -1)
    gram = np.einsum("bid,bjd->bij", bank, bank)  # (B, 2, 2)
    gram_inv = np.linalg.pinv(gram)
    proj = np.einsum("bid,kd->kbi", bank, flat)  # (K, B, 2)
    explained = np.einsum("kbi,bij,kbj->kb", proj, gram_inv, proj)  # energy of the least-squares fit
    energy = (flat**2).sum(1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.clip(1.0 - explained.max(1) / energy, 0.0, 1.0)


def strongest_slices(weight: npt.ArrayLike) -> np.ndarray:
    """Per output filter of a conv weight (K, C, size[, size]), the input-channel slice with most energy."""
    w = np.asarray(weight, dtype=np.float64)
    energy = (w**2).reshape(w.shape[0], w.shape[1], -1).sum(-1)
    return w[np.arange(w.shape[0]), energy.argmax(1)]
