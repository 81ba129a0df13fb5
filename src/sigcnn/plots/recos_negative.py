"""Figures of the negative-image test (Kuo 2016, section 2 and Fig. 5). No computation happens here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np

if TYPE_CHECKING:
    from matplotlib.figure import Figure

from . import _bare


def show_original_and_reversed(
    images: np.ndarray, labels: np.ndarray | Sequence[int] | None = None, title: str = ""
) -> Figure:
    """Kuo Fig. 5: original digits (top) and their grey-scale reversal (bottom)."""
    images = np.asarray(images)
    n = images.shape[0]
    fig, axes = plt.subplots(2, n, figsize=(1.1 * n, 2.6))
    for i in range(n):
        for row, img in enumerate((images[i], 255 - images[i])):
            ax = axes[row, i]
            ax.imshow(img, cmap="gray", vmin=0, vmax=255)
            _bare(ax)
        if labels is not None:
            axes[0, i].set_title(str(int(labels[i])))
    axes[0, 0].set_ylabel("original")
    axes[1, 0].set_ylabel("reversed")
    fig.suptitle(title or "Kuo (2016) Fig. 5, ours: original and grey-scale-reversed test images")
    fig.tight_layout()
    return fig


def accuracy_pairs(metrics: Mapping[str, float], rows: list[tuple[str, str]], title: str) -> Figure:
    """Grouped bars of test accuracy on original vs reversed images, one group per network.

    ``rows`` holds ``(label, metric_prefix)``: ``prefix + "accuracy_original"`` and
    ``prefix + "accuracy_reversed"`` are read from ``metrics``.
    """
    labels = [label for label, _ in rows]
    orig = [100 * metrics[p + "accuracy_original"] for _, p in rows]
    rev = [100 * metrics[p + "accuracy_reversed"] for _, p in rows]
    x = np.arange(len(rows))
    fig, ax = plt.subplots(figsize=(max(5.0, 1.2 * len(rows) + 1.5), 3.4))
    b1 = ax.bar(x - 0.2, orig, 0.4, label="original test images")
    b2 = ax.bar(x + 0.2, rev, 0.4, label="reversed test images")
    ax.bar_label(b1, fmt="%.1f", fontsize=8)
    ax.bar_label(b2, fmt="%.1f", fontsize=8)
    ax.set_xticks(x, labels, rotation=0, fontsize=8)
    ax.set_ylabel("test accuracy (%)")
    ax.set_ylim(0, 108)
    ax.axhline(10, color="k", lw=0.8, ls=":", label="chance (10 classes)")
    ax.legend(loc="upper center", ncol=3, fontsize=8, bbox_to_anchor=(0.5, -0.18))
    ax.set_title(title)
    fig.tight_layout()
    return fig


def show_filters(weights: np.ndarray, title: str, ncols: int | None = None) -> Figure:
    """First-layer filters (anchor vectors) as images, each with its own symmetric colour scale."""
    weights = np.asarray(weights)
    if weights.ndim != 4:
        raise ValueError(f"expected conv weights (K, C, H, W), got shape {weights.shape}")
    k = weights.shape[0]
    ncols = ncols or k
    nrows = int(np.ceil(k / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.1 * ncols, 1.2 * nrows + 0.4), squeeze=False)
    for i, ax in enumerate(axes.flat):
        _bare(ax)
        if i < k:
            w = weights[i, 0]
            lim = np.abs(w).max() or 1.0
            ax.imshow(w, cmap="RdBu_r", vmin=-lim, vmax=lim)
            ax.set_title(f"a{i + 1}", fontsize=8)
        else:
            ax.axis("off")
    fig.suptitle(title)
    fig.tight_layout()
    return fig
