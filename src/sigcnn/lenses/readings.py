"""The five lenses' measurements on one layer's input and output, per example.

Each function takes batches ``(N, C, *spatial)`` (one or two spatial axes) and returns one
number per example (a NumPy array of shape ``(N,)``), so that a claim can replicate over examples.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..probes.anchors import mean_matched_angle_deg, remove_dc, spherical_kmeans


def _flat(x: torch.Tensor) -> torch.Tensor:
    return x.detach().double().reshape(x.shape[0], -1)


def rectified_fraction(layer_input: torch.Tensor) -> np.ndarray:
    """RECOS (Kuo): the fraction of an activation's inputs that are negative (a ReLU zeroes them)."""
    return (_flat(layer_input) < 0).double().mean(dim=1).numpy()


def energy_ratio(layer_input: torch.Tensor, layer_output: torch.Tensor) -> np.ndarray:
    """``‖out‖² / ‖in‖²`` per example (NaN for a silent input)."""
    e_in, e_out = _flat(layer_input).square().sum(1), _flat(layer_output).square().sum(1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (e_out / e_in).numpy()


def _radial_frequencies(shape: tuple[int, ...]) -> np.ndarray:
    axes = np.meshgrid(*[np.fft.fftfreq(n) for n in shape], indexing="ij")
    return np.sqrt(sum(a**2 for a in axes))


def spectral_centroid(x: torch.Tensor, unit_energy: bool = False) -> np.ndarray:
    """Energy-weighted mean of ``|f|`` (cycles per sample of ``x``) of each example (Wu, Eq. 15 energy spectrum).

    The energy spectrum is summed over channels; with ``unit_energy`` each channel's spectrum is
    first scaled to unit energy, so that every channel weighs the same. A silent example gives NaN.
    """
    spatial = tuple(range(2, x.ndim))
    if not spatial:
        raise ValueError(f"a spectral centroid needs a spatial axis, got shape {tuple(x.shape)}")
    energy = torch.fft.fftn(x.detach().double(), dim=spatial).abs().square()
    if unit_energy:
        total = energy.sum(dim=spatial, keepdim=True)
        energy = torch.where(total > 0, energy / total.clamp_min(1e-300), torch.zeros_like(energy))
    energy = energy.sum(1).reshape(x.shape[0], -1).numpy()
    f = _radial_frequencies(tuple(x.shape[2:])).ravel()
    with np.errstate(invalid="ignore", divide="ignore"):
        return (energy * f).sum(1) / energy.sum(1)


def centroid_in_input_units(x: torch.Tensor, input_length: int, unit_energy: bool = False) -> np.ndarray:
    """:func:`spectral_centroid` in cycles per *network-input* sample (a map downsampled by ``D``
    has its frequencies divided by ``D``), so layers of different sizes compare."""
    return spectral_centroid(x, unit_energy) * (x.shape[-1] / input_length)


def relative_change(reference: torch.Tensor, changed: torch.Tensor) -> np.ndarray:
    """``‖changed − reference‖ / ‖reference‖`` per example (NaN for a silent reference)."""
    a, b = _flat(reference), _flat(changed)
    with np.errstate(invalid="ignore", divide="ignore"):
        return ((b - a).norm(dim=1) / a.norm(dim=1)).numpy()


def output_snr_db(clean: torch.Tensor, noisy: torch.Tensor) -> np.ndarray:
    """``10 log10(‖f(x)‖² / ‖f(x + n) − f(x)‖²)`` per example: the layer read as a receiver (Ge et al.)."""
    a, b = _flat(clean), _flat(noisy)
    signal, error = a.square().sum(1), (b - a).square().sum(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (10 * torch.log10(signal / error)).numpy()


def patches(layer_input: torch.Tensor, conv: nn.Conv1d | nn.Conv2d, limit: int, seed: int) -> np.ndarray:
    """Up to ``limit`` input patches a convolution sees (rows ``C·k`` or ``C·k·k``), drawn at random."""
    padding = conv.padding
    if isinstance(padding, str):  # "same"/"valid": unfold needs the numbers
        raise ValueError(f"patches needs a convolution with numeric padding, got padding={padding!r}")
    x = layer_input.detach().double()
    if x.ndim == 4:
        cols = F.unfold(x, conv.kernel_size, dilation=conv.dilation, padding=padding, stride=conv.stride)
    else:
        (k,), (s,), (p,) = conv.kernel_size, conv.stride, padding
        cols = F.pad(x, (p, p)).unfold(2, k, s).permute(0, 1, 3, 2).reshape(x.shape[0], x.shape[1] * k, -1)
    rows = cols.permute(0, 2, 1).reshape(-1, cols.shape[1]).numpy()
    rng = np.random.default_rng(seed)
    keep = rows[rows.std(axis=1) > 1e-8]
    return keep[rng.choice(len(keep), size=min(limit, len(keep)), replace=False)] if len(keep) else keep


def anchor_angle_deg(conv: nn.Conv1d | nn.Conv2d, layer_input: torch.Tensor, limit: int = 1000, seed: int = 0) -> float:
    """RECOS (Kuo §2): mean angle between the DC-removed filters (anchors) and the k-means centroids of
    the DC-removed input patches, matched one to one (``k`` = number of filters, at most the patches)."""
    rows = patches(layer_input, conv, limit, seed)
    weight = conv.weight.detach().double().cpu().numpy()
    k = weight.shape[0]
    if len(rows) < k:
        return math.nan
    centroids = spherical_kmeans(remove_dc(rows), k, seed=seed, n_init=2)
    return mean_matched_angle_deg(remove_dc(weight), centroids)
