"""Figures of the five lenses read layer by layer: each lens's readings across layers, trained vs untrained.

Functions take the arrays that :func:`sigcnn.experiments._lenses_common.five_lenses` returns
(``layer_names``, ``trained_{reading}``, ``untrained_{reading}``, ``scattering_*``); no network is
run here.
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
