"""Figures of the five lenses read layer by layer, trained vs untrained: all five lenses across layers
(:func:`lenses_across_layers`), one lens with all its readings (:func:`lens_figure`), and the five
readings of one layer (:func:`layer_card`).

Functions take the arrays of a ``lenses-*`` result, as
:func:`sigcnn.experiments._lenses_common.five_lenses` returns them (``layer_names``, ``layer_kinds``,
``layer_downsampling``, ``trained_{reading}``, ``untrained_{reading}``, ``scattering_*``); no network
is run here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np

if TYPE_CHECKING:
    from matplotlib.figure import Figure

LENS_PANELS: dict[str, tuple[tuple[str, str], ...]] = {
    "RECOS (Kuo)": (
        ("rectified_fraction", "rectified fraction of the input"),
        ("anchor_angle_deg", "anchor angle to k-means centroids (deg)"),
    ),
    "modulation (Wu)": (
        ("centroid_shift", "centroid shift (cycles/sample)"),
        ("centroid_shift_unit", "centroid shift, unit-energy spectra"),
    ),
    "spectral response (Stamatescu–McDonnell)": (("max_gain_db", "Maximum Gain up to the layer (dB)"),),
    "scattering (Mallat)": (
        ("gabor", "Gabor/Morlet best-fit residual"),
        ("translation_change", "relative change, translation"),
        ("deformation_change", "relative change, deformation"),
    ),
    "communication channel (Ge et al.)": (
        ("snr_scale_2", "output SNR, α = 2 (dB)"),
        ("snr_scale_0.5", "output SNR, α = 0.5 (dB)"),
    ),
}
"""The readings each lens shows (keys of :data:`READINGS` in the five-lens experiments) and their labels."""

OVERVIEW: dict[str, str] = {
    "RECOS (Kuo)": "rectified_fraction",
    "modulation (Wu)": "centroid_shift",
    "spectral response (Stamatescu–McDonnell)": "max_gain_db",
    "scattering (Mallat)": "deformation_change",
    "communication channel (Ge et al.)": "snr_scale_2",
}
"""The one reading of each lens (a key of its :data:`LENS_PANELS` entry) that :func:`lenses_across_layers`
and :func:`layer_card` show, in the book's order."""

_CONV_RECOS = "anchor_angle_deg"
"""RECOS reads a convolution's anchors (not a rectified fraction): the layer card shows this on a conv."""


def _label(lens: str, key: str) -> str:
    return dict(LENS_PANELS[lens])[key]


def _title(lens: str) -> str:
    return lens.replace(" (", "\n(")  # the lens, then its paper: fits a fifth of the figure's width


def _short(names) -> list[str]:
    return [str(n).replace("features.", "").replace(".0", "") for n in names]


def _series(arrays: Mapping[str, np.ndarray], which: str, key: str, n: int) -> np.ndarray:
    values = arrays.get(f"{which}_{key}")
    return np.full(n, np.nan) if values is None else np.asarray(values, dtype=float)


def lens_figure(arrays: Mapping[str, np.ndarray], lens: str) -> Figure:
    """One lens (a key of :data:`LENS_PANELS`): each of its readings across layers, trained vs untrained.

    The trained network is drawn with filled circles, the mean of the untrained copies with open
    squares; a reading that does not apply to a layer kind (a Gabor fit on a pooling layer) is a gap.
    On the translation and deformation panels, dashed lines show a scattering transform of scale
    ``2^J`` under the same change (one line per ``J``).

    Raises
    ------
    KeyError
        For an unknown lens name.
    """
    if lens not in LENS_PANELS:
        raise KeyError(f"unknown lens {lens!r}: choose one of {', '.join(LENS_PANELS)}")
    names = [str(n) for n in np.asarray(arrays["layer_names"]).tolist()]
    n = len(names)
    panels = LENS_PANELS[lens]
    width = max(4.0, 0.22 * n + 2.5)
    fig, axes = plt.subplots(1, len(panels), figsize=(width * len(panels), 3.4), squeeze=False)
    idx = np.arange(n)
    for ax, (key, label) in zip(axes[0], panels):
        trained, untrained = _series(arrays, "trained", key, n), _series(arrays, "untrained", key, n)
        ax.plot(idx, untrained, "s--", mfc="none", color="0.45", label="untrained (mean of copies)", ms=5)
        ax.plot(idx, trained, "o-", color="C0", label="this network", ms=5)
        if key in ("translation_change", "deformation_change") and "scattering_j" in arrays:
            which = 0 if key == "translation_change" else 1
            values = arrays["scattering_translation_change" if which == 0 else "scattering_deformation_change"]
            for k, (j, v) in enumerate(zip(np.asarray(arrays["scattering_j"]).tolist(), np.asarray(values).tolist())):
                ax.axhline(v, ls=":", color=f"C{(k + 2) % 10}", lw=1.2, label=f"scattering, J = {int(j)}")
            ax.legend(fontsize=6, loc="best")
        ax.set_title(label, fontsize=9)
        ax.set_xticks(idx)
        ax.set_xticklabels(names, rotation=90, fontsize=7 if n <= 30 else 5)
        ax.set_xlabel("layer (in the order it runs)", fontsize=8)
        if not np.isfinite(np.concatenate([trained, untrained])).any():
            ax.text(0.5, 0.5, "no layer of this kind", transform=ax.transAxes, ha="center", va="center")
    axes[0][0].legend(fontsize=7, loc="best")
    fig.suptitle(lens, fontsize=11)
    fig.tight_layout()
    return fig


def lenses_across_layers(arrays: Mapping[str, np.ndarray]) -> Figure:
    """Five panels, one per lens (its :data:`OVERVIEW` reading): the trained network (solid) beside its
    untrained copies (dashed), per layer; on the scattering panel, the scattering transform whose scale
    ``2^J`` matches each layer's downsampling (dotted)."""
    names = _short(arrays["layer_names"])
    x = np.arange(len(names))
    fig, axes = plt.subplots(1, len(OVERVIEW), figsize=(15, 3.4), sharex=True)
    for ax, (lens, key) in zip(axes, OVERVIEW.items(), strict=True):
        trained, untrained = arrays[f"trained_{key}"], arrays[f"untrained_{key}"]
        ok = np.isfinite(trained)
        ax.plot(x[ok], trained[ok], "o-", label="trained", color="C0")
        ok_u = np.isfinite(untrained)
        ax.plot(x[ok_u], untrained[ok_u], "s--", label="untrained (mean of copies)", color="C1", alpha=0.8)
        if key == "deformation_change" and arrays["scattering_j"].size:
            js = arrays["scattering_j"]
            matched = [np.argmin(np.abs(js - max(1, round(np.log2(max(d, 1)))))) for d in arrays["layer_downsampling"]]
            ax.plot(x, arrays["scattering_deformation_change"][matched], ":", color="C2", label="scattering, matched J")
            ax.legend(fontsize=7, loc="best")
        ax.set_title(_title(lens), fontsize=9)
        ax.set_ylabel(_label(lens, key), fontsize=8)
        ax.set_xticks(x, names, rotation=90, fontsize=6)
    axes[0].legend(fontsize=7, loc="best")
    fig.tight_layout()
    return fig


def layer_card(arrays: Mapping[str, np.ndarray], index: int = 0) -> Figure:
    """The five readings of one layer side by side (each lens's :data:`OVERVIEW` reading; on a
    convolution, RECOS's anchor angle): trained beside untrained, one small panel per lens.

    Raises
    ------
    ValueError
        For a layer index outside the network.
    """
    names = _short(arrays["layer_names"])
    if not 0 <= index < len(names):
        raise ValueError(f"layer index must be in [0, {len(names) - 1}], got {index}")
    fig, axes = plt.subplots(1, len(OVERVIEW), figsize=(12, 2.8))
    for ax, (lens, key) in zip(axes, OVERVIEW.items(), strict=True):
        if lens == "RECOS (Kuo)" and arrays["layer_kinds"][index] == "conv":
            key = _CONV_RECOS
        values = [arrays[f"trained_{key}"][index], arrays[f"untrained_{key}"][index]]
        if not np.isfinite(values).any():
            ax.text(0.5, 0.5, "not read\nfor this layer", ha="center", va="center", fontsize=8, transform=ax.transAxes)
            ax.set_xticks([])
            ax.set_yticks([])
        else:
            ax.bar([0, 1], np.nan_to_num(values), color=["C0", "C1"])
            ax.set_xticks([0, 1], ["trained", "untrained"], fontsize=7)
            ax.axhline(0, color="0.5", lw=0.6)
        ax.set_title(f"{_title(lens)}\n{_label(lens, key)}", fontsize=7)
    fig.suptitle(f"layer {names[index]} ({arrays['layer_kinds'][index]})", fontsize=9)
    fig.tight_layout()
    return fig
