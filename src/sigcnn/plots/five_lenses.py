"""Figures of the five-lenses chapter: each lens across layers, and the five readings of one layer.

They read the arrays of a ``lenses-*`` result (``trained_*``/``untrained_*`` per layer); no
computation happens here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np

if TYPE_CHECKING:
    from matplotlib.figure import Figure

LENSES = (
    ("RECOS (Kuo)", "rectified_fraction", "rectified fraction of the input"),
    ("modulation (Wu)", "centroid_shift", "centroid shift (cycles/sample)"),
    ("spectral response (S–McD)", "max_gain_db", "Maximum Gain up to the layer (dB)"),
    ("scattering (Mallat)", "deformation_change", "relative change under deformation"),
    ("channel (Ge et al.)", "snr_scale_2", "output SNR, Gaussian noise (dB)"),
)
"""(lens, array key, axis label) of the five panels, in the book's order."""


def _short(names) -> list[str]:
    return [str(n).replace("features.", "").replace(".0", "") for n in names]


def lenses_across_layers(arrays: Mapping[str, np.ndarray]) -> Figure:
    """Five panels, one per lens: the trained network (solid) beside its untrained copies (dashed), per layer."""
    names = _short(arrays["layer_names"])
    x = np.arange(len(names))
    fig, axes = plt.subplots(1, 5, figsize=(15, 3.2), sharex=True)
    for ax, (lens, key, label) in zip(axes, LENSES, strict=True):
        trained, untrained = arrays[f"trained_{key}"], arrays[f"untrained_{key}"]
        ok = np.isfinite(trained)
        ax.plot(x[ok], trained[ok], "o-", label="trained", color="C0")
        ok_u = np.isfinite(untrained)
        ax.plot(x[ok_u], untrained[ok_u], "s--", label="untrained (mean of copies)", color="C1", alpha=0.8)
        if key == "deformation_change" and arrays["scattering_j"].size:
            js = arrays["scattering_j"]
            # the scattering transform of scale 2^J matched to each layer's downsampling
            matched = [np.argmin(np.abs(js - max(1, round(np.log2(max(d, 1)))))) for d in arrays["layer_downsampling"]]
            ax.plot(x, arrays["scattering_deformation_change"][matched], ":", color="C2", label="scattering, matched J")
        ax.set_title(lens, fontsize=9)
        ax.set_ylabel(label, fontsize=8)
        ax.set_xticks(x, names, rotation=90, fontsize=6)
    axes[0].legend(fontsize=7, loc="best")
    axes[3].legend(fontsize=7, loc="best")
    fig.tight_layout()
    return fig


def layer_card(arrays: Mapping[str, np.ndarray], index: int = 0) -> Figure:
    """The five readings of one layer side by side: trained beside untrained, one small panel per lens."""
    names = _short(arrays["layer_names"])
    if not 0 <= index < len(names):
        raise ValueError(f"layer index must be in [0, {len(names) - 1}], got {index}")
    fig, axes = plt.subplots(1, 5, figsize=(12, 2.4))
    for ax, (lens, key, label) in zip(axes, LENSES, strict=True):
        if key == "rectified_fraction" and arrays["layer_kinds"][index] == "conv":
            key, label = "anchor_angle_deg", "anchor–centroid angle (°)"  # RECOS reads a convolution's anchors
        values = [arrays[f"trained_{key}"][index], arrays[f"untrained_{key}"][index]]
        if not np.isfinite(values).any():
            ax.text(0.5, 0.5, "not read\nfor this layer", ha="center", va="center", fontsize=8, transform=ax.transAxes)
            ax.set_xticks([])
            ax.set_yticks([])
        else:
            ax.bar([0, 1], np.nan_to_num(values), color=["C0", "C1"])
            ax.set_xticks([0, 1], ["trained", "untrained"], fontsize=7)
            ax.axhline(0, color="0.5", lw=0.6)
        ax.set_title(f"{lens}\n{label}", fontsize=7)
    fig.suptitle(f"layer {names[index]} ({arrays['layer_kinds'][index]})", fontsize=9)
    fig.tight_layout()
    return fig
