"""Figures of the communication-channel chapter (Ge et al. Figs. 1, 3, 4 and the receiver study)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np

if TYPE_CHECKING:
    from matplotlib.figure import Figure

from . import _bare


def ber_curves(arrays: Mapping[str, np.ndarray], n_bits: int) -> Figure:
    """Ge Fig. 1, two ways: BER vs SNR per α, dispersion SNR (exact + Monte Carlo) and empirical SNR (Monte Carlo)."""
    snr, alphas = arrays["snr_db"], arrays["alphas"]
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    colours = plt.cm.viridis(np.linspace(0, 0.9, len(alphas)))
    floor = 0.5 / n_bits
    for ax, key, title in (
        (axes[0], "ber_mc_dispersion", "dispersion SNR $10\\log_{10}(A^2/2\\gamma^2)$"),
        (axes[1], "ber_mc_empirical", "empirical SNR (Eq. 1, blocks of bits)"),
    ):
        for a, c in zip(range(len(alphas)), colours):
            p = arrays[key][a]
            err = np.sqrt(np.maximum(p * (1 - p), 1e-300) / n_bits)
            shown = p > 0
            ax.errorbar(
                snr[shown],
                p[shown],
                yerr=np.minimum(err[shown], 0.999 * p[shown]),
                fmt="o",
                ms=3,
                color=c,
                capsize=2,
                label=f"α = {alphas[a]:g} (Monte Carlo)",
            )
            if key == "ber_mc_dispersion":
                ax.semilogy(snr, np.maximum(arrays["ber_exact_dispersion"][a], 1e-12), "-", color=c, lw=1)
        if key == "ber_mc_empirical":
            ax.semilogy(
                snr, np.maximum(arrays["ber_exact_empirical_gaussian"], 1e-12), "k--", lw=1, label="α = 2 exact"
            )
        ax.set_yscale("log")
        ax.set_ylim(floor, 0.6)
        ax.set_xlabel("SNR (dB)")
        ax.set_title(title, fontsize=10)
    axes[0].set_ylabel("bit-error rate")
    axes[0].legend(fontsize=7, loc="lower left")
    axes[1].legend(fontsize=7, loc="lower left")
    fig.suptitle("BPSK in SαS noise, sign detector (lines: exact)", fontsize=10)
    fig.tight_layout()
    return fig


def accuracy_drop_curves(
    arrays: Mapping[str, np.ndarray], title: str = "LeNet-5 under SαS noise (cf. Ge Fig. 3)"
) -> Figure:
    """Accuracy drop vs Eq. 1 SNR per α: mean over seeds, bars from min to max; untrained control dashed."""
    snr, alphas, drop = arrays["snrs_db"], arrays["alphas"], arrays["drop"]
    fig, ax = plt.subplots(figsize=(6, 4))
    colours = plt.cm.viridis(np.linspace(0, 0.9, len(alphas)))
    for a, c in enumerate(colours):
        mean = drop[a].mean(1)
        ax.errorbar(
            snr + 0.12 * (a - len(alphas) / 2),
            100 * mean,
            yerr=100 * np.stack([mean - drop[a].min(1), drop[a].max(1) - mean]),
            fmt="o-",
            color=c,
            capsize=3,
            ms=4,
            label=f"α = {alphas[a]:g}",
        )
        ax.plot(snr, 100 * arrays["control_drop"][a].mean(1), ":", color=c, lw=1)
    ax.axhline(0, color="grey", lw=0.5)
    ax.set_xlabel("SNR per image, Eq. 1 (dB)")
    ax.set_ylabel("accuracy drop (percentage points)")
    ax.set_title(title + "\n(dotted: untrained twins)", fontsize=10)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)  # never over the data
    fig.tight_layout()
    return fig


def noisy_examples(
    arrays: Mapping[str, np.ndarray], snr_db: float, prefix: str = "example_a", images_key: str = "example_images"
) -> Figure:
    """One row per noise: the same digits with SαS noise of each α at ``snr_db``."""
    keys = [k for k in arrays if k.startswith(prefix)]
    clean = arrays[images_key]
    fig, axes = plt.subplots(len(keys) + 1, clean.shape[0], figsize=(1.3 * clean.shape[0], 1.3 * (len(keys) + 1)))
    for j in range(clean.shape[0]):
        axes[0, j].imshow(clean[j], cmap="gray", vmin=0, vmax=1)
        for i, k in enumerate(keys, 1):
            axes[i, j].imshow(arrays[k][j], cmap="gray", vmin=0, vmax=1)
    for ax in axes.ravel():
        _bare(ax)
    axes[0, 0].set_ylabel("clean", fontsize=8)
    for i, k in enumerate(keys, 1):
        axes[i, 0].set_ylabel(f"α = {k[len(prefix) :]}", fontsize=8)
    fig.suptitle(f"Eq. 1 SNR {snr_db:g} dB per image", fontsize=9)
    fig.tight_layout()
    return fig


def concentration_bars(arrays: Mapping[str, np.ndarray]) -> Figure:
    """Share of the noise energy in the top 5 % of pixels per α, before and after clipping."""
    alphas = arrays["alphas"]
    fig, ax = plt.subplots(figsize=(5, 3.2))
    pos = np.arange(len(alphas))
    ax.bar(pos - 0.2, 100 * arrays["top_share_raw"], 0.4, label="SαS draw (median over images)")
    ax.bar(pos + 0.2, 100 * arrays["top_share"], 0.4, label="added after clipping (mean)")
    ax.set_xticks(pos, [f"{a:g}" for a in alphas])
    ax.set_xlabel("α")
    ax.set_ylabel("energy in top 5 % pixels (%)")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)  # not over the α = 1 bars
    fig.tight_layout()
    return fig


def concentrated_drops(arrays: Mapping[str, np.ndarray]) -> Figure:
    """Ge Fig. 4: accuracy drop per noise kind and budget at equal SNR, bars from min to max over seeds."""
    kinds, budgets, drop = list(arrays["kinds"]), arrays["budgets"], arrays["drop"]
    fig, ax = plt.subplots(figsize=(7, 4))
    width = 0.8 / len(kinds)
    pos = np.arange(len(budgets))
    for k, kind in enumerate(kinds):
        mean = drop[k].mean(1)
        ax.bar(
            pos + (k - len(kinds) / 2 + 0.5) * width,
            100 * mean,
            width,
            yerr=100 * np.stack([mean - drop[k].min(1), drop[k].max(1) - mean]),
            capsize=2,
            label=kind,
        )
    labels = [f"{b:.0%} of pixels\n≈{t:.1f} dB" for b, t in zip(budgets, arrays["target_snr_db"].mean(1))]
    ax.set_xticks(pos, labels)
    ax.set_ylabel("accuracy drop (percentage points)")
    ax.set_xlabel("corrupted-pixel budget and mean Eq. 1 SNR (equal for every kind per image)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def concentrated_examples(arrays: Mapping[str, np.ndarray], kinds: Sequence[str]) -> Figure:
    """The same digit under each noise kind at one equal SNR."""
    fig, axes = plt.subplots(1, len(kinds), figsize=(1.6 * len(kinds), 1.9))
    for ax, kind in zip(axes, kinds):
        ax.imshow(arrays[f"example_{kind}"], cmap="gray", vmin=0, vmax=1)
        ax.set_title(kind, fontsize=8)
        _bare(ax)
    fig.suptitle(f"Eq. 1 SNR {float(arrays['example_snr_db']):.1f} dB for every panel", fontsize=9)
    fig.tight_layout()
    return fig


def receiver_accuracy(arrays: Mapping[str, np.ndarray]) -> Figure:
    """Accuracy of each receiver vs SNR, one panel per α (mean over seeds, bars min–max)."""
    alphas, snr, acc = arrays["alphas"], arrays["snrs_db"], arrays["accuracy"]
    receivers = list(arrays["receivers"])
    fig, axes = plt.subplots(1, len(alphas), figsize=(3.4 * len(alphas), 3.4), sharey=True)
    axes = np.atleast_1d(axes)
    for a, ax in enumerate(axes):
        for r, name in enumerate(receivers):
            mean = acc[r, a].mean(1)
            ax.errorbar(
                snr + 0.15 * (r - 1.5),
                100 * mean,
                yerr=100 * np.stack([mean - acc[r, a].min(1), acc[r, a].max(1) - mean]),
                fmt="o-",
                ms=3,
                capsize=2,
                label=name,
            )
        ax.axhline(100 * arrays["clean_accuracy"][0].mean(), color="grey", ls="--", lw=0.8)
        ax.set_title(f"α = {alphas[a]:g}", fontsize=10)
        ax.set_xlabel("SNR per image, Eq. 1 (dB)")
    axes[0].set_ylabel("accuracy (%)")
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    return fig
