"""Figures of the RECOS chapter (Kuo 2016): each title names the paper figure it reproduces.

Functions take arrays and results; no network is run here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import numpy.typing as npt

from ..signals.sphere import correlations, geodesic_distance, rectify

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def _clean(ax):
    ax.set_xticks([]), ax.set_yticks([])
    ax.grid(False)


def _signed(ax, img, title=None, fontsize=7):
    lim = float(np.abs(img).max()) or 1.0
    ax.imshow(img, cmap="RdBu_r", vmin=-lim, vmax=lim)
    _clean(ax)
    if title:
        ax.set_title(title, fontsize=fontsize)


def unit_circle_state(x_deg: float, anchors_deg: npt.ArrayLike, ax: Axes | None = None) -> Figure:
    """Kuo Fig. 3: an input and anchor vectors on the unit circle, with their correlations.

    Draws the circle with ``x`` (black) and the anchors (coloured), and beside it a bar chart of
    each anchor's correlation ``cos θ``, its rectified value and its geodesic distance θ (rad).
    """
    anchors_deg = np.asarray(anchors_deg, dtype=float)
    x = np.array([np.cos(np.radians(x_deg)), np.sin(np.radians(x_deg))])
    a = np.stack([np.cos(np.radians(anchors_deg)), np.sin(np.radians(anchors_deg))], axis=1)
    corr = correlations(x, a)
    rect = rectify(corr)
    dist = geodesic_distance(x, a)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 4), gridspec_kw={"width_ratios": [1, 1.4]})
    t = np.linspace(0, 2 * np.pi, 361)
    ax1.plot(np.cos(t), np.sin(t), color="0.6", lw=1)
    ax1.annotate("", xy=x, xytext=(0, 0), arrowprops=dict(arrowstyle="->", color="k", lw=2))
    ax1.text(*(1.12 * x), "x", ha="center", va="center", fontsize=11)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for k, (vec, c) in enumerate(zip(a, corr)):
        col = colors[k % len(colors)]
        ax1.annotate(
            "", xy=vec, xytext=(0, 0), arrowprops=dict(arrowstyle="->", color=col, lw=2, ls="-" if c >= 0 else "--")
        )
        ax1.text(*(1.15 * vec), f"a{k + 1}", color=col, ha="center", va="center", fontsize=10)
        ax1.plot([0, c * x[0]], [0, c * x[1]], color=col, lw=5, alpha=0.35)  # projection onto x
    ax1.set_aspect("equal")
    ax1.set_xlim(-1.35, 1.35), ax1.set_ylim(-1.35, 1.35)
    ax1.set_xlabel("first coordinate"), ax1.set_ylabel("second coordinate")
    ax1.set_title("unit circle (dashed: negative correlation)", fontsize=9)
    pos = np.arange(len(a))
    ax2.bar(pos - 0.27, corr, 0.27, label="correlation a·x = cos θ")
    ax2.bar(pos, rect, 0.27, label="rectified Rec(a·x)")
    ax2.bar(pos + 0.27, dist / np.pi, 0.27, label="geodesic distance θ / π")
    ax2.axhline(0, color="k", lw=0.8)
    ax2.set_xticks(pos, [f"a{i + 1}\n{d:.0f}° from x" for i, d in enumerate(np.degrees(dist))])
    ax2.set_ylabel("value (θ in units of π)")
    ax2.set_ylim(-1.1, 1.1)
    ax2.legend(fontsize=8, loc="lower left")
    fig.suptitle("Kuo (2016) Fig. 3, ours: correlations, rectified correlations and geodesic distances")
    fig.tight_layout()
    return fig


def correlation_vs_distance() -> Figure:
    """Correlation and rectified correlation as functions of the angle: where each is a good distance signal."""
    theta = np.linspace(0, np.pi, 181)
    fig, ax = plt.subplots(figsize=(5.5, 3.2))
    ax.plot(np.degrees(theta), np.cos(theta), label="correlation cos θ")
    ax.plot(np.degrees(theta), np.maximum(0, np.cos(theta)), ls="--", label="rectified max(0, cos θ)")
    ax.axvspan(90, 180, color="0.9", label="cos θ < 0: far apart, yet |cos θ| large")
    ax.set_xlabel("geodesic distance θ (degrees)")
    ax.set_ylabel("similarity score")
    ax.set_title("Kuo (2016) Eq. 2, ours: correlation is monotone in θ only up to 90°", fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def negative_cat(cat: np.ndarray, correlation: float, distance: float) -> Figure:
    """Kuo Fig. 4: a grey cat and its negative, with their correlation and distance after mean removal."""
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.3))
    for ax, img, title in ((axes[0], cat, "grey cat u"), (axes[1], 255 - cat, "negative 255 − u")):
        ax.imshow(img, cmap="gray", vmin=0, vmax=255)
        _clean(ax)
        ax.set_title(title, fontsize=9)
    fig.suptitle(
        f"Kuo (2016) Fig. 4, ours: after mean removal, correlation = {correlation:.6f}, "
        f"geodesic distance = {distance:.6f} rad",
        fontsize=10,
    )
    fig.tight_layout()
    return fig


def anchors_and_centroids(
    filters: npt.ArrayLike,
    centroids: npt.ArrayLike,
    match_filter: Sequence[int],
    match_centroid: Sequence[int],
    angles_deg: Sequence[float],
) -> Figure:
    """Trained C1 anchors (top) beside their matched k-means centroids (bottom), angle in each title."""
    filters, centroids = np.asarray(filters), np.asarray(centroids)
    k = len(match_filter)
    fig, axes = plt.subplots(2, k, figsize=(1.25 * k + 0.6, 3.0), squeeze=False)
    for j, (f, c, ang) in enumerate(zip(match_filter, match_centroid, angles_deg)):
        _signed(axes[0, j], filters[f].reshape(5, 5), f"a{f + 1}")
        _signed(axes[1, j], centroids[c].reshape(5, 5), f"centroid, {ang:.0f}°")
    axes[0, 0].set_ylabel("C1 anchor", fontsize=8)
    axes[1, 0].set_ylabel("k-means", fontsize=8)
    fig.suptitle("Kuo (2016) §2 / Coates et al. (2011), ours: C1 anchors and their matched patch centroids", fontsize=9)
    fig.tight_layout()
    return fig


def matched_angle_histogram(
    random_means_deg: npt.ArrayLike,
    trained_deg: float,
    control_deg: tuple[float, float],
    dc_means_deg: npt.ArrayLike | None = None,
) -> Figure:
    """Mean matched angle of random directions (histogram; optionally a second one with a matched DC)
    against the trained C1 (mean over seeds) and the untrained control's min-max spread."""
    fig, ax = plt.subplots(figsize=(5.8, 3.3))
    ax.hist(random_means_deg, bins=30, color="0.75", label="6 random directions")
    if dc_means_deg is not None:
        ax.hist(dc_means_deg, bins=30, color="C2", alpha=0.6, label="6 random directions, matched DC")
    ax.axvspan(*control_deg, color="C1", alpha=0.3, label=f"untrained C1 ({control_deg[0]:.1f}–{control_deg[1]:.1f}°)")
    ax.axvline(trained_deg, color="C0", lw=2, label=f"trained C1, mean of seeds ({trained_deg:.1f}°)")
    ax.set_xlabel("mean angle to the matched k-means centroid (degrees)")
    ax.set_ylabel("number of random draws")
    ax.set_title("Kuo (2016) §2, ours: is the trained C1 closer to the centroids than chance?", fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def compound_anchor_grid(compound: npt.ArrayLike, title: str, ncols: int = 8) -> Figure:
    """The 16 compound anchors ``c_l`` (columns of C or C') as pixel-space images (Eqs. 21, 23)."""
    compound = np.asarray(compound)
    n = compound.shape[0]
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.2 * ncols, 1.3 * nrows + 0.5), squeeze=False)
    for i, ax in enumerate(axes.flat):
        if i < n:
            _signed(ax, compound[i], f"c{i + 1}")
        else:
            ax.axis("off")
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return fig


def anchor_position_vectors(alpha_centre: np.ndarray, alpha_corner: np.ndarray, coverage: np.ndarray) -> Figure:
    """Kuo Figs. 6-7: coverage of the 13x13 field and the anchor-position vectors of two pixels."""
    k = alpha_centre.shape[0]
    fig, axes = plt.subplots(3, k, figsize=(1.3 * k, 4.3), squeeze=False)
    for j in range(k):
        _signed(axes[0, j], alpha_centre[j], f"channel {j + 1}")
        _signed(axes[1, j], alpha_corner[j])
        axes[2, j].axis("off")
    axes[0, 0].set_ylabel("centre pixel", fontsize=8)
    axes[1, 0].set_ylabel("corner pixel", fontsize=8)
    ax = fig.add_subplot(3, 3, 8)
    im = ax.imshow(coverage, cmap="viridis")
    _clean(ax)
    ax.set_title("C1 windows covering each pixel", fontsize=7)
    fig.colorbar(im, ax=ax, fraction=0.046)
    fig.suptitle(
        "Kuo (2016) Figs. 6-7, ours: anchor-position vectors α_n over the 5x5 C1 positions read by C3", fontsize=9
    )
    fig.tight_layout()
    return fig


def cascade_scatter(scatter: np.ndarray, title: str) -> Figure:
    """z (linear cascade) and z' (rectified C') against the real network's z'', one point per unit."""
    real, z, zr, strong = scatter[:, 0], scatter[:, 1], scatter[:, 2], scatter[:, 3].astype(bool)
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.8), sharex=True)
    for ax, values, label in ((axes[0], z, "z = Cᵀx + c₀"), (axes[1], zr, "z' = C'ᵀx + c₀")):
        ax.scatter(real[~strong], values[~strong], s=3, alpha=0.3, color="0.5", label="other units")
        ax.scatter(real[strong], values[strong], s=4, alpha=0.6, color="C0", label="strongly positive z''")
        lim = [min(real.min(), values.min()), max(real.max(), values.max())]
        ax.plot(lim, lim, "k--", lw=0.8, label="equality")
        ax.set_xlabel("real C3 correlation z'' (before ReLU)")
        ax.set_ylabel(label)
        ax.legend(fontsize=7, markerscale=3)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return fig


def background_fig8(
    gallery: Sequence[np.ndarray] | np.ndarray,
    inputs: Sequence[np.ndarray] | np.ndarray,
    layer1: np.ndarray,
    layer2: np.ndarray,
    labels: Sequence[str] = ("blank", "scene", "scene"),
) -> Figure:
    """Kuo Fig. 8: ten scenes (top), then three inputs with their 6 C1 and 16 C3 channel images."""
    fig = plt.figure(figsize=(12, 7.2))
    outer = fig.add_gridspec(2, 1, height_ratios=[1, 2.4], hspace=0.25)
    top = outer[0].subgridspec(2, 5, wspace=0.05, hspace=0.1)
    for i in range(min(10, len(gallery))):
        ax = fig.add_subplot(top[i // 5, i % 5])
        ax.imshow(gallery[i], cmap="gray", vmin=0, vmax=255)
        _clean(ax)
    rows = outer[1].subgridspec(len(inputs), 1, hspace=0.35)
    for r in range(len(inputs)):
        g = rows[r].subgridspec(2, 1 + 3 + 8, wspace=0.08, hspace=0.08)
        ax = fig.add_subplot(g[:, 0])
        ax.imshow(inputs[r], cmap="gray", vmin=-1, vmax=1)
        _clean(ax)
        ax.set_ylabel(labels[r], fontsize=8)
        v1 = float(layer1[r].max()) or 1.0
        for c in range(6):
            ax = fig.add_subplot(g[c // 3, 1 + c % 3])
            ax.imshow(layer1[r, c], cmap="magma", vmin=0, vmax=v1)
            _clean(ax)
        v2 = float(layer2[r].max()) or 1.0
        for c in range(16):
            ax = fig.add_subplot(g[c // 8, 4 + c % 8])
            ax.imshow(layer2[r, c], cmap="magma", vmin=0, vmax=v2)
            _clean(ax)
    fig.suptitle(
        "Kuo (2016) Fig. 8, ours: scenes (top); input, 6 C1 channels (after ReLU) and 16 C3 channels", fontsize=10
    )
    return fig


def background_change_bars(metrics: Mapping[str, float]) -> Figure:
    """Relative change of the layer-1 and layer-2 responses when a scene replaces the blank background."""
    groups = [("trained on scenes", ""), ("trained on plain digits", "plain_"), ("untrained", "untrained_")]
    groups = [(label, p) for label, p in groups if f"{p}change_layer1" in metrics]
    x = np.arange(len(groups))
    l1 = [100 * metrics[f"{p}change_layer1"] for _, p in groups]
    l2 = [100 * metrics[f"{p}change_layer2"] for _, p in groups]
    fig, ax = plt.subplots(figsize=(6, 3.4))
    b1 = ax.bar(x - 0.2, l1, 0.4, label="layer 1 (C1 + ReLU)")
    b2 = ax.bar(x + 0.2, l2, 0.4, label="layer 2 (C3 + ReLU)")
    ax.bar_label(b1, fmt="%.0f", fontsize=8)
    ax.bar_label(b2, fmt="%.0f", fontsize=8)
    ax.set_xticks(x, [label for label, _ in groups], fontsize=8)
    ax.set_ylabel("relative change of the response (%)")
    ax.set_ylim(0, 1.3 * max(l1 + l2))
    ax.set_title("Kuo (2016) Fig. 8 measured: |r_scene − r_blank| / |r_blank| per layer", fontsize=9)
    ax.legend(fontsize=8, loc="upper center", ncol=2)
    fig.tight_layout()
    return fig
