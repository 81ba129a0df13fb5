"""Figures for section 5 of Wu et al. (2022): each names the paper figure or table it stands beside."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..core.results import Result

from . import _bare

LAYERS = ("relu", "layer1", "layer2", "layer3", "layer4")


def spectra_with_contours(result: Result, layers: Sequence[str] = ("input", "layer2", "layer4")) -> Figure:
    """Wu Table 4 (ours): class-average normalised spectra (log scale) with the 60/80/90 % contours."""
    a = result.arrays
    names = [str(n) for n in a["class_names"]]
    fig, axes = plt.subplots(len(layers), len(names), figsize=(1.25 * len(names), 1.35 * len(layers) + 0.6))
    for r, layer in enumerate(layers):
        spectra, levels = a[f"{layer}_spectra"], a[f"{layer}_contours"]
        for c, name in enumerate(names):
            ax = axes[r, c]
            s = spectra[c]
            ax.imshow(np.log10(s + 1e-12), cmap="magma")
            if s.shape[0] > 4:
                ax.contour(
                    s, levels=sorted(set(levels[c])), colors=["w", "c", "y"][: len(set(levels[c]))], linewidths=0.7
                )
            _bare(ax)
            if r == 0:
                ax.set_title(name, fontsize=7)
        axes[r, 0].set_ylabel(f"{layer}\n{spectra.shape[-1]}x{spectra.shape[-1]}", fontsize=7)
    fig.suptitle(
        "Wu Table 4, ours: log10 normalised energy spectra (frequency 0 at centre); contours 60/80/90 %", fontsize=8
    )
    fig.tight_layout()
    return fig


def alikeness_by_layer(result: Result) -> Figure:
    """Wu Table 4 as one number per layer: mean pairwise TV distance of class spectra, with controls."""
    m = result.metrics
    x = np.arange(len(LAYERS) + 1)
    labels = ["input"] + [f"{layer}\n{m[f'{layer}_side']} px" for layer in LAYERS]
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    ax.plot(
        x, [m["input_tv"]] + [m[f"{layer}_tv"] for layer in LAYERS], "o-", label="natural classes (eval BN, 3 seeds)"
    )
    ax.fill_between(
        x[1:],
        [m[f"{layer}_tv_seed_min"] for layer in LAYERS],
        [m[f"{layer}_tv_seed_max"] for layer in LAYERS],
        alpha=0.3,
    )
    ax.plot(
        x,
        [m["input_tv"]] + [m[f"{layer}_resampled_input_tv"] for layer in LAYERS],
        "s--",
        label="control: inputs resampled to the layer's size",
    )
    ax.plot(
        x,
        [m["input_white_to_natural_tv"]] + [m[f"{layer}_white_to_natural_tv"] for layer in LAYERS],
        "^:",
        label="control: white noise vs natural classes",
    )
    ax.plot(x, [m["input_tv_no_dc"]] + [m[f"{layer}_tv_no_dc"] for layer in LAYERS], "x-.", label="control: DC removed")
    ax.plot(x[1:], [m[f"{layer}_tv_bn_train"] for layer in LAYERS], "d", label="control: BN in train mode")
    ax.set_yscale("log")
    ax.set_xticks(x, labels, fontsize=7)
    ax.set_ylabel("mean pairwise TV distance (0 = identical)")
    ax.set_title("Wu Table 4, ours: how alike class spectra are, per layer (random ResNet152)", fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def mu_trajectories(result: Result, architectures: Sequence[str] | None = None, layer: str = "block2") -> Figure:
    """Wu Fig. 21, ours: (mu, nu) per epoch for each architecture and seed (epoch -1 = untrained)."""
    m = result.metrics
    if architectures is None:
        architectures = [k[: -len(f"_{layer}_seed0")] for k in result.arrays if k.endswith(f"_{layer}_seed0")]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8.5, 3.4))
    for i, arch in enumerate(architectures):
        seed = 0
        while f"{arch}_{layer}_seed{seed}" in result.arrays:
            rows = result.arrays[f"{arch}_{layer}_seed{seed}"]
            kw = dict(color=f"C{i}", label=arch if seed == 0 else None, alpha=0.8)
            ax1.plot(rows[:, 0], rows[:, 1], "o-", **kw)
            ax2.plot(rows[:, 1], rows[:, 2], "o-", **kw)
            ax2.plot(rows[-1, 1], rows[-1, 2], "k*", ms=6)
            seed += 1
    ax1.axhline(1.0, color="grey", lw=0.8, ls=":", label="Eq. 42 reference (1)")
    ax1.axhline(m["natural_mu"], color="k", lw=0.8, ls="--", label=f"photographs ({m['natural_mu']:.2f})")
    ax1.axhline(1.2, color="grey", lw=0.8, ls="-.", label="Tolhurst et al. 1.2")
    ax1.set_xlabel("epoch (-1: untrained)")
    ax1.set_ylabel("mu (slope, Eq. 42)")
    ax1.legend(fontsize=7)
    ax2.set_xlabel("mu")
    ax2.set_ylabel("nu (intercept, natural log)")
    ax2.set_title("path in the (mu, nu) plane; * = last epoch", fontsize=8)
    fig.suptitle(f"Wu Fig. 21, ours: the fit log AE = mu log(1/rho^2) + nu at {layer} during training", fontsize=9)
    fig.tight_layout()
    return fig


def confidence_scatter(result: Result) -> Figure:
    """Wu Table 5, ours: distance to the class's optimal spectrum against the class probability."""
    a = result.arrays
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.2), sharey=False)
    for ax, key, title in (
        (axes[0], "trained", "trained (seed 0)"),
        (axes[1], "untrained", "untrained control (seed 0)"),
    ):
        ax.scatter(a[f"{key}_distance"], a[f"{key}_probability"], c=a["test_labels"], cmap="tab10", s=8)
        ax.set_xlabel("TV distance to the optimal spectrum")
        ax.set_ylabel("probability of the true class")
        ax.set_title(title, fontsize=8)
    fig.suptitle("Wu Table 5, ours: are confident images closer to the optimal spectrum? (colour = class)", fontsize=9)
    fig.tight_layout()
    return fig


def arm_scores(
    result: Result, keys: Mapping[str, str], ylabel: str, title: str, paper: Mapping[str, float] | None = None
) -> Figure:
    """Bar chart of per-arm scores with the per-seed values as dots (Wu Fig. 25 / Table 6, ours)."""
    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    for i, (label, key) in enumerate(keys.items()):
        values = np.asarray(result.arrays[key])
        ax.bar(i, values.mean(), color=f"C{i % 3}", alpha=0.6)
        ax.plot(np.full(values.size, i), values, "k.", ms=5)
        if paper and label in paper:
            ax.plot(i, paper[label], "r_", ms=22, mew=2)
    ax.set_xticks(range(len(keys)), list(keys), fontsize=7)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return fig


def mosaic_examples(result: Result) -> Figure:
    """The synthetic segmentation set (our stand-in for VOC 2012): images and masks."""
    a = result.arrays
    n = a["example_image"].shape[0]
    fig, axes = plt.subplots(2, n, figsize=(1.6 * n, 3.4))
    for i in range(n):
        axes[0, i].imshow(a["example_image"][i], cmap="gray", vmin=0, vmax=1)
        axes[1, i].imshow(a["example_mask"][i], cmap="tab10", vmin=0, vmax=9)
        _bare(axes[0, i])
        _bare(axes[1, i])
    axes[0, 0].set_ylabel("image")
    axes[1, 0].set_ylabel("mask")
    fig.suptitle("Synthetic mosaics: trouser (1), sandal (2), bag (3) on 1/f^2 noise, 48 x 48 px", fontsize=8)
    fig.tight_layout()
    return fig


def diff_curve(result: Result, title: str) -> Figure:
    """The learned DIFF(f) of Eq. 43 (log energy ratio) against its rfft bin."""
    d = np.asarray(result.arrays["diff"])
    fig, ax = plt.subplots(figsize=(6.4, 3))
    if d.ndim == 1:
        ax.plot(np.arange(d.size) / (2 * (d.size - 1)), d)
        ax.set_xlabel("frequency (cycles per feature index)")
    else:
        im = ax.imshow(np.fft.fftshift(d, axes=0), aspect="auto", cmap="coolwarm")
        fig.colorbar(im, ax=ax)
        ax.set_xlabel("horizontal frequency bin (rfft2)")
        ax.set_ylabel("vertical bin (centred)")
    ax.set_title(title, fontsize=9)
    if d.ndim == 1:
        ax.set_ylabel("DIFF = log FEATURE - log INPUT")
    fig.tight_layout()
    return fig


def segmentation_scores_figure(result: Result) -> Figure:
    """Wu Table 6, ours: mean accuracy and mean IU per arm (bars: mean over seeds; dots: seeds; red: paper)."""
    paper = {"original": (0.4737, 0.3621), "post-shift": (0.5169, 0.4017)}
    arms = [
        a
        for a in ("original", "post-shift", "random-shift", "zero-guide")
        if f"scores_{a.replace('-', '_')}" in result.arrays
    ]
    seeds = np.asarray(result.arrays["scores_original"]).shape[0]
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.2))
    for j, (ax, name) in enumerate(zip(axes, ("mean accuracy", "mean IU"))):
        for i, arm in enumerate(arms):
            values = np.asarray(result.arrays[f"scores_{arm.replace('-', '_')}"])[:, j]
            ax.bar(i, values.mean(), color=f"C{i}", alpha=0.6)
            ax.plot(np.full(values.size, i), values, "k.", ms=5)
            if arm in paper:
                ax.plot(i, paper[arm][j], "r_", ms=22, mew=2, label="paper (VOC)" if i == 0 else None)
        ax.set_xticks(range(len(arms)), arms, fontsize=8)
        ax.set_ylabel(f"{name} (fraction)")
        ax.set_ylim(0, 1)
    axes[0].legend(fontsize=7)
    fig.suptitle(f"Wu Table 6, ours: what the skip connection is fed (synthetic mosaics, {seeds} seeds)", fontsize=9)
    fig.tight_layout()
    return fig
