"""Figures of the spectral-response chapter (Stamatescu & McDonnell). No computation happens here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.image import AxesImage

DEAD_DB = -1000.0
"""Gains below this are the floor of an all-zero derivative (see ``signals.transfer.DB_FLOOR``)."""


def _image(ax, img, title, cmap="gray", symmetric=False, colorbar=True, extent=None, unit=""):
    img = np.asarray(img)
    kw = {}
    if symmetric:
        lim = float(np.abs(img).max()) or 1.0
        kw = dict(vmin=-lim, vmax=lim)
    im = ax.imshow(img, cmap=cmap, extent=extent, **kw)
    ax.set_title(title, fontsize=9)
    ax.grid(False)
    if extent is None:
        ax.set_xlabel("x (px)")
        ax.set_ylabel("y (px)")
    if colorbar:
        cb = ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.03)
        if unit:
            cb.set_label(unit, fontsize=8)
    return im


def show_response(ax: Axes, response_db: np.ndarray, title: str, floor_db: float | None = None) -> AxesImage:
    """A centred (fftshifted) amplitude spectrum in dB with axes in cycles per pixel."""
    h, w = response_db.shape
    extent = (-0.5, 0.5 - 1.0 / w, 0.5 - 1.0 / h, -0.5)
    shown = response_db if floor_db is None else np.maximum(response_db, floor_db)
    im = _image(ax, shown, title, cmap="viridis", extent=extent, unit="|H| (dB)")
    ax.set_xlabel("$f_x$ (cycles/px)")
    ax.set_ylabel("$f_y$ (cycles/px)")
    return im


def toy_setup(arrays: Mapping[str, np.ndarray]) -> Figure:
    """Figs. 1-2: the photograph, the 7x7 Gaussian filter, and the toy CNN's forward pass."""
    fig, axes = plt.subplots(1, 5, figsize=(16, 3.2), gridspec_kw=dict(width_ratios=[1.5, 0.8, 1.5, 1.5, 1.5]))
    axes[0].imshow(arrays["rgb"])
    axes[0].set_title("Fig. 1a: colour photograph", fontsize=9)
    axes[0].axis("off")
    _image(axes[1], arrays["kernel"], "Fig. 1b: Gaussian w (7x7, σ=1 px)", cmap="magma")
    _image(axes[2], arrays["input"], "Fig. 2a: red channel − mean", symmetric=True, cmap="RdBu_r", unit="pixel value")
    _image(axes[3], arrays["conv_output"], "Fig. 2b: conv output", symmetric=True, cmap="RdBu_r")
    _image(axes[4], arrays["output"], "Fig. 2c: relu output z", cmap="magma")
    fig.suptitle("Stamatescu & McDonnell Figs. 1-2, ours: the toy CNN and its forward pass")
    fig.tight_layout()
    return fig


def toy_derivatives(arrays: Mapping[str, np.ndarray], metrics: Mapping[str, float], crop: int = 12) -> Figure:
    """Fig. 3: data derivative and frequency response for p one-hot (non-zero output) and p all ones."""
    r, c = metrics["probe_nonzero_row"], metrics["probe_nonzero_col"]
    fig, axes = plt.subplots(2, 2, figsize=(9, 7.5))
    d = arrays["derivative_nonzero"][r - crop : r + crop + 1, c - crop : c + crop + 1]
    _image(axes[0, 0], d, f"(a) dz/dx, p one-hot at ({r}, {c}) (crop)", symmetric=True, cmap="RdBu_r")
    show_response(
        axes[0, 1], arrays["response_nonzero_db"], "(a) |H| (dB): the Gaussian's low-pass response", floor_db=-80
    )
    _image(axes[1, 0], arrays["derivative_all_ones"], "(b) dz/dx, p = 1 everywhere", symmetric=True, cmap="RdBu_r")
    show_response(axes[1, 1], arrays["response_all_ones_db"], "(b) |H| (dB)")
    fig.suptitle("Stamatescu & McDonnell Fig. 3, ours: data derivatives and frequency responses")
    fig.tight_layout()
    return fig


def toy_impulse(arrays: Mapping[str, np.ndarray]) -> Figure:
    """Fig. 4: the toy CNN on the impulse image: output, data derivative (p all ones), windowed response."""
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    n = arrays["impulse_output"].shape[0]
    lo, hi = n // 2 - 8, n // 2 + 9
    _image(axes[0], arrays["impulse_output"][lo:hi, lo:hi], "relu output z (centre crop)", cmap="magma")
    _image(axes[1], arrays["impulse_derivative"][lo:hi, lo:hi], "dz/dx, p = 1 everywhere (centre crop)", cmap="magma")
    show_response(axes[2], arrays["impulse_response_db"], "|H| (dB), Hann window")
    fig.suptitle("Stamatescu & McDonnell Fig. 4, ours: frequency response for the impulse image")
    fig.tight_layout()
    return fig


def response_profile(arrays: Mapping[str, np.ndarray]) -> Figure:
    """A cut through f_y = 0 of the measured toy response beside the closed-form Gaussian transfer function."""
    measured = arrays["response_nonzero_db"]
    closed = arrays["response_closed_form_db"]
    h, w = measured.shape
    f = np.fft.fftshift(np.fft.fftfreq(w))
    fig, ax = plt.subplots(figsize=(6, 3.4))
    ax.plot(f, closed[h // 2], lw=3, alpha=0.5, label="closed form (7x7 sampled Gaussian)")
    ax.plot(f, measured[h // 2], "k--", lw=1, label="measured: FFT of dz/dx")
    if "response_continuous_db" in arrays:
        ax.plot(
            f,
            arrays["response_continuous_db"][h // 2],
            ":",
            color="C3",
            lw=1.5,
            label="continuous Gaussian exp(-2π²σ²f²)",
        )
    ax.set_xlabel("$f_x$ (cycles/px), $f_y = 0$")
    ax.set_ylabel("|H| (dB)")
    ax.set_title("Toy CNN response vs the Gaussian's transfer function (§III-B)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def training_curves(arrays: Mapping[str, np.ndarray], study: str, title: str) -> Figure:
    """Figs. 8-13: Maximum Gain, loss and error per epoch for every run of one study.

    Training curves are solid, validation curves dashed, one colour per run (as in the paper).
    """
    runs = [
        (str(label), str(key))
        for label, key, s in zip(arrays["run_labels"], arrays["run_keys"], arrays["run_studies"])
        if s == study
    ]
    if not runs:
        raise ValueError(f"the result has no runs of study {study!r}")
    fig, axes = plt.subplots(1, 3, figsize=(14, 3.8))
    dead_any = False
    for i, (label, key) in enumerate(runs):
        colour = f"C{i}"
        gain = np.array(arrays[f"{key}__gain"], dtype=float)
        epochs = np.arange(1, gain.size + 1)
        dead = gain < DEAD_DB  # derivative exactly zero: every path through the network is switched off
        dead_any |= bool(dead.any())
        axes[0].plot(epochs, np.where(dead, np.nan, gain), "o-", color=colour, ms=3, label=label)
        if dead.any():
            axes[0].plot(
                epochs[dead], np.zeros(dead.sum()), "x", color=colour, ms=8, transform=axes[0].get_xaxis_transform()
            )
        axes[1].plot(epochs, arrays[f"{key}__train_loss"], "-", color=colour, label=f"{label} (train)")
        axes[1].plot(epochs, arrays[f"{key}__val_loss"], "--", color=colour)
        axes[2].plot(epochs, 100 * arrays[f"{key}__train_error"], "-", color=colour)
        axes[2].plot(epochs, 100 * arrays[f"{key}__val_error"], "--", color=colour)
    axes[0].set_ylabel("Maximum Gain (dB)")
    axes[1].set_ylabel("cross-entropy loss")
    axes[2].set_ylabel("error (%)")
    losses = np.concatenate([np.ravel(arrays[f"{k}__{c}"]) for _, k in runs for c in ("train_loss", "val_loss")])
    losses = losses[np.isfinite(losses)]
    if losses.size and losses.max() / max(losses.min(), 1e-12) > 20:
        axes[1].set_yscale("log")
    if losses.size and losses.max() > 10 * np.median(losses):  # a diverged run: keep the others readable
        axes[1].set_ylim(top=10 * np.median(losses))
    if dead_any:
        axes[0].set_title("x: derivative exactly zero (no gain)", fontsize=8)
    for ax in axes:
        ax.set_xlabel("epoch")
    axes[0].legend(fontsize=7)
    axes[1].plot([], [], "k-", label="training")
    axes[1].plot([], [], "k--", label="validation")
    handles, labels = axes[1].get_legend_handles_labels()
    axes[1].legend(handles[-2:], labels[-2:], fontsize=7)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def gain_vs_error(
    gains_db: npt.ArrayLike,
    errors: npt.ArrayLike,
    labels: npt.ArrayLike,
    title: str,
    xlabel: str = "Maximum Gain (dB per pixel unit)",
    ylabel: str = "error (%)",
    annotate: Iterable[object] | None = None,
) -> Figure:
    """Fig. 7: Maximum Gain against error, one colour per model (or per family of checkpoints)."""
    gains_db, errors, labels = np.asarray(gains_db, float), np.asarray(errors, float), np.asarray(labels)
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for i, name in enumerate(dict.fromkeys(labels.tolist())):
        sel = labels == name
        ax.plot(gains_db[sel], errors[sel], "o-" if sel.sum() > 1 else "o", color=f"C{i % 10}", label=name, ms=5)
    if annotate is not None:
        for g, e, text in zip(gains_db, errors, annotate):
            ax.annotate(str(text), (g, e), fontsize=7, xytext=(3, 3), textcoords="offset points")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    return fig


def alpha_curves(arrays: Mapping[str, np.ndarray], study: str, title: str) -> Figure:
    """weightwatcher's mean power-law exponent alpha per epoch beside Maximum Gain, one colour per run."""
    runs = [
        (str(label), str(key))
        for label, key, s in zip(arrays["run_labels"], arrays["run_keys"], arrays["run_studies"])
        if s == study
    ]
    if not runs or f"{runs[0][1]}__alpha" not in arrays:
        raise ValueError(f"the result has no alpha curves for study {study!r} (is weightwatcher installed?)")
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    for i, (label, key) in enumerate(runs):
        epochs = np.arange(1, len(arrays[f"{key}__gain"]) + 1)
        axes[0].plot(epochs, arrays[f"{key}__gain"], "o-", color=f"C{i}", ms=3, label=label)
        axes[1].plot(epochs, arrays[f"{key}__alpha"], "o-", color=f"C{i}", ms=3, label=label)
    axes[0].set_ylabel("Maximum Gain (dB)")
    axes[1].set_ylabel("mean power-law exponent α (no unit)")
    for ax in axes:
        ax.set_xlabel("epoch")
    axes[0].legend(fontsize=7)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def control_curves(arrays: Mapping[str, np.ndarray], title: str) -> Figure:
    """The base run's Maximum Gain over seeds beside its controls: untrained (epoch 0) and shuffled labels."""
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    trained = np.asarray(arrays["base_trained_gain"], dtype=float)
    untrained = np.asarray(arrays["base_untrained_gain"], dtype=float)
    epochs = np.arange(1, trained.shape[1] + 1)
    for k, (g0, curve) in enumerate(zip(untrained, trained)):
        ax.plot(np.r_[0, epochs], np.r_[g0, curve], "o-", color="C0", ms=3, label="true labels" if k == 0 else None)
    ax.plot(np.zeros_like(untrained), untrained, "s", color="k", ms=6, label="untrained (same seeds)")
    if "base_shuffled_gain" in arrays:
        for k, (g0, curve) in enumerate(zip(untrained, arrays["base_shuffled_gain"])):
            ax.plot(
                np.r_[0, epochs], np.r_[g0, curve], "o--", color="C3", ms=3, label="shuffled labels" if k == 0 else None
            )
    ax.axhspan(untrained.min(), untrained.max(), color="0.85", zorder=0, label="untrained spread")
    ax.set_xlabel("epoch (0 = initialisation)")
    ax.set_ylabel("Maximum Gain (dB)")
    ax.set_title(title)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig
