"""Figures of the scattering chapter (Koushik 2016). Each names what it shows; axes carry units.

Only drawing happens here; the time-frequency transforms come from :mod:`sigcnn.signals.wavelets`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from matplotlib.figure import Figure

from ..signals import wavelets as wv
from . import _bare

LABELS = {
    "pixels": "pixels",
    "fourier": "Fourier modulus |x̂|",
    "scattering_J1": "scattering J=1",
    "scattering_J2": "scattering J=2",
    "scattering_J3": "scattering J=3",
    "lenet_c5": "LeNet-5 C5 (trained)",
    "lenet_f6": "LeNet-5 F6 (trained)",
}


def time_frequency_figure(
    x: npt.ArrayLike,
    sample_rate: float,
    title: str,
    window_ms: float = 32.0,
    n_cycles: float = 6.0,
    n_frequencies: int = 48,
) -> Figure:
    """Three views of one signal: Fourier modulus, windowed Fourier (STFT) and Morlet wavelet transform.

    Illustrates Koushik §§2-3 (Eqs. 8, 9 and 11): Fourier loses time, the windowed Fourier transform
    has one resolution for all frequencies, the wavelet transform trades time for frequency resolution.
    """
    x = np.asarray(x, dtype=np.float64)
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.1))
    freqs = np.fft.rfftfreq(x.size, 1 / sample_rate)
    axes[0].plot(freqs, np.abs(np.fft.rfft(x)), lw=0.6)
    axes[0].set(xlabel="frequency (Hz)", ylabel="|X(f)|", title="Fourier modulus (no time)")
    win = max(8, int(round(window_ms * 1e-3 * sample_rate)))
    t, f, mag = wv.stft_magnitude(x, win, sample_rate, hop=max(1, win // 4))
    axes[1].pcolormesh(t, f, 20 * np.log10(mag + 1e-6 * mag.max()), shading="auto", cmap="magma")
    axes[1].set(xlabel="time (s)", ylabel="frequency (Hz)", title=f"windowed Fourier, Hann {window_ms:g} ms")
    cwt_f = np.geomspace(sample_rate / 128, 0.45 * sample_rate, n_frequencies)
    scal = wv.cwt_magnitude(x, cwt_f, sample_rate, n_cycles)
    step = max(1, x.size // 800)
    axes[2].pcolormesh(
        np.arange(0, x.size, step) / sample_rate,
        cwt_f,
        20 * np.log10(scal[:, ::step] + 1e-6 * scal.max()),
        shading="auto",
        cmap="magma",
    )
    axes[2].set_yscale("log")
    axes[2].set(xlabel="time (s)", ylabel="frequency (Hz, log)", title=f"Morlet wavelets, {n_cycles:g} cycles")
    for ax in axes[1:]:
        ax.grid(False)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def uncertainty_figure(
    boxcar_lengths: npt.ArrayLike,
    boxcar_spreads: np.ndarray,
    fft_lengths: npt.ArrayLike,
    sigma_f_vs_fft: npt.ArrayLike,
    sample_rate: float,
    gaussian_product: float,
    hann_product: float,
) -> Figure:
    """Uncertainty products (Koushik Theorem 1): the Gaussian at 1/(4π), Hann above, boxcars growing with N;
    and the boxcar's σ_f against the FFT length (zero-padding)."""
    fig, (ax_p, ax_f) = plt.subplots(1, 2, figsize=(10, 3.3))
    products = np.prod(boxcar_spreads, axis=1)
    ax_p.loglog(boxcar_lengths, products, "o-", label="boxcar of N samples")
    ax_p.axhline(gaussian_product, color="C2", ls="--", label=f"Gaussian ({gaussian_product:.4f})")
    ax_p.axhline(hann_product, color="C1", ls=":", label=f"Hann ({hann_product:.4f})")
    ax_p.set(xlabel="window length N (samples)", ylabel="σ_t · σ_f", title="uncertainty product (1/(4π) ≈ 0.0796)")
    ax_p.legend(fontsize=8)
    ax_f.semilogx(fft_lengths, sigma_f_vs_fft, "o-")
    ax_f.set(
        xlabel="FFT length (samples, 64-sample boxcar zero-padded)",
        ylabel="σ_f (Hz)",
        title=f"boxcar σ_f vs FFT length at {sample_rate:g} Hz",
    )
    fig.tight_layout()
    return fig


def dilation_figure(
    atom_frequencies: npt.ArrayLike, fourier_change: npt.ArrayLike, scattering_change: npt.ArrayLike, dilation: float
) -> Figure:
    """Fourier modulus vs first-order scattering under a small dilation (ours, not in the paper)."""
    fig, ax = plt.subplots(figsize=(6, 3.2))
    ax.semilogx(atom_frequencies, 100 * np.asarray(fourier_change), "o-", label="Fourier modulus")
    ax.semilogx(atom_frequencies, 100 * np.asarray(scattering_change), "s-", label="scattering, order 1")
    ax.set(
        xlabel="atom centre frequency (Hz)",
        ylabel="relative change (%)",
        title=f"{100 * dilation:g} % dilation of a Gabor atom (ours)",
    )
    ax.legend()
    fig.tight_layout()
    return fig


def relative_change_figure(
    x_values: npt.ArrayLike,
    table: Sequence[npt.ArrayLike] | np.ndarray,
    names: Iterable[str],
    xlabel: str,
    title: str,
    controls: Mapping[str, tuple[npt.ArrayLike, npt.ArrayLike]] | None = None,
) -> Figure:
    """Relative change of each representation against a shift or a deformation size (Theorems 2-3).

    ``controls`` maps a representation name to ``(low, high)`` arrays: the untrained spread, shaded.
    """
    fig, ax = plt.subplots(figsize=(7, 3.6))
    for k, name in enumerate(names):
        style = "--" if str(name).startswith("lenet") else "-"
        ax.plot(x_values, 100 * np.asarray(table[k]), style, marker="o", label=LABELS.get(str(name), str(name)))
        if controls and str(name) in controls:
            lo, hi = controls[str(name)]
            ax.fill_between(
                x_values,
                100 * np.asarray(lo),
                100 * np.asarray(hi),
                alpha=0.15,
                color=ax.lines[-1].get_color(),
                label=f"{LABELS.get(str(name), str(name)).replace(' (trained)', '')} untrained (3 seeds)",
            )
    ax.set(xlabel=xlabel, ylabel="relative change ‖Φ(x') − Φ(x)‖ / ‖Φ(x)‖ (%)", title=title)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    return fig


def deformation_example_figure(image: np.ndarray, deformed: npt.ArrayLike, field: np.ndarray) -> Figure:
    """A digit, the same digit deformed, and the displacement field τ (arrows, pixels)."""
    fig, axes = plt.subplots(1, 3, figsize=(8, 2.9))
    axes[0].imshow(image, cmap="gray_r")
    axes[0].set_title("x")
    axes[1].imshow(deformed, cmap="gray_r")
    axes[1].set_title("x(u − τ(u))")
    step = 2
    rows, cols = np.mgrid[0 : image.shape[0] : step, 0 : image.shape[1] : step]
    axes[2].quiver(cols, rows, field[1, ::step, ::step], field[0, ::step, ::step], angles="xy")
    axes[2].invert_yaxis()
    axes[2].set_aspect("equal")
    axes[2].set_title(f"τ (max |τ| = {np.sqrt((field**2).sum(0)).max():.2f} px)")
    for ax in axes:
        _bare(ax)
    fig.tight_layout()
    return fig


def filter_bank_figure(
    psi: np.ndarray, phi: np.ndarray, title: str = "kymatio Morlet filter bank (real parts), 32×32 pixels"
) -> Figure:
    """The 2-D wavelets ψ_{j,θ} (rows: scale j, columns: angle θ) and the low-pass φ_J (Koushik Eqs. 15-16)."""
    J, L = psi.shape[:2]
    fig, axes = plt.subplots(J, L + 1, figsize=(1.2 * (L + 1), 1.3 * J))
    axes = np.atleast_2d(axes)
    for j in range(J):
        for t in range(L):
            w = psi[j, t].real
            axes[j, t].imshow(w, cmap="RdBu_r", vmin=-np.abs(w).max(), vmax=np.abs(w).max())
            _bare(axes[j, t])
            if j == 0:
                axes[j, t].set_title(f"θ={t}π/{L}", fontsize=7)
        axes[j, 0].set_ylabel(f"j={j}", fontsize=8)
        _bare(axes[j, L])
        axes[j, L].set_visible(j == 0)
    axes[0, L].imshow(phi, cmap="gray")
    axes[0, L].set_title(f"φ_J (J={J})", fontsize=7)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return fig


def energy_figure(energy: Mapping[tuple[int, int], float], Js: Sequence[int] = (1, 2, 3)) -> Figure:
    """‖S_m x‖² / ‖x‖² per order m, kymatio's subsampling corrected (×4^J); stacked bars per J."""
    fig, ax = plt.subplots(figsize=(5.5, 3.2))
    bottom = np.zeros(len(Js))
    for order in (0, 1, 2):
        vals = np.array([energy.get((J, order), 0.0) for J in Js])
        ax.bar([str(J) for J in Js], 100 * vals, bottom=100 * bottom, label=f"order {order}")
        bottom += vals
    ax.set(xlabel="J", ylabel="energy / ‖x‖² (%)", title="energy per scattering order (MNIST digits)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def learning_curve_figure(
    sizes: npt.ArrayLike,
    curve: Iterable[npt.ArrayLike],
    labels: Iterable[str],
    anchor_error: float | None = None,
    dataset: str = "MNIST",
) -> Figure:
    """Test error against the number of training images (log-log), one line per classifier."""
    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    for row, label in zip(curve, labels):
        ax.loglog(sizes, 100 * (1 - np.asarray(row)), "o-", label=str(label))
    if anchor_error is not None:
        ax.axhline(100 * anchor_error, color="k", ls=":", label="Bruna & Mallat 2013, 60k images (external)")
    ax.set(xlabel="training images", ylabel="test error (%)", title=f"learning curves, {dataset}")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def scattering_1d_channels_figure(rows: Sequence[Mapping[str, float]], sample_rate: float) -> Figure:
    """Centre frequency (Hz) of every first-order channel and of every second-order channel's two wavelets."""
    first = [(r["channel"], r["frequency"]) for r in rows if r["order"] == 1]
    second = [(r["frequency"], r["modulation_frequency"]) for r in rows if r["order"] == 2]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 3.2))
    a1.semilogy(*zip(*first), "o", ms=3)
    a1.set(xlabel="output channel", ylabel="centre frequency (Hz)", title="order 1: channel → frequency")
    a2.loglog(*zip(*second), ".", ms=3)
    a2.set(
        xlabel="first wavelet centre (Hz)",
        ylabel="second wavelet centre (Hz)",
        title="order 2: (acoustic, modulation) frequency",
    )
    fig.tight_layout()
    return fig


def scattering_paths(J: int, max_order: int = 2) -> list[tuple[int, ...]]:
    """The scattering paths p = (j_1, …, j_m) of orders 0 to ``max_order`` with j_1 < j_2 < … < J, one angle:
    the nodes of the scattering tree (kymatio computes only increasing scales; the others carry little energy)."""
    if J < 1 or max_order < 0:
        raise ValueError(f"J must be >= 1 and max_order >= 0, got J={J}, max_order={max_order}")
    paths: list[tuple[int, ...]] = [()]
    frontier: list[tuple[int, ...]] = [()]
    for _ in range(max_order):
        frontier = [p + (j,) for p in frontier for j in range((p[-1] + 1) if p else 0, J)]
        paths += frontier
    return paths


def scattering_tree_figure(J: int = 3, max_order: int = 2) -> Figure:
    """The scattering transform as a tree (Koushik Fig. 2, after Bruna & Mallat): each node is
    ``U[p]x = |…|x ∗ ψ_{j_1}| ∗ … ∗ ψ_{j_m}|``; each node's output ``S_J[p]x = U[p]x ∗ φ_J`` leaves it (arrow).

    One angle per scale is drawn; with L angles every node has L times as many children.
    """
    paths = scattering_paths(J, max_order)
    by_order = [[p for p in paths if len(p) == m] for m in range(max_order + 1)]
    width = max(len(level) for level in by_order)
    pos = {}
    for m, level in enumerate(by_order):
        for i, p in enumerate(level):
            pos[p] = ((i + 0.5) * width / len(level), -1.6 * m)
    fig, ax = plt.subplots(figsize=(max(6.5, 1.25 * width), 1.9 * (max_order + 1)))
    for p, (x, y) in pos.items():
        if p:
            px, py = pos[p[:-1]]
            ax.annotate("", (x, y + 0.22), (px, py - 0.22), arrowprops=dict(arrowstyle="->", color="0.4", lw=0.8))
            ax.text((x + px) / 2, (y + py) / 2, f"ψ_{p[-1]}", fontsize=7, color="0.3", ha="center")
        label = "x" if not p else "U[" + ",".join(map(str, p)) + "]x"
        ax.text(x, y, label, ha="center", va="center", fontsize=8, bbox=dict(boxstyle="round", fc="w", ec="k"))
        ax.annotate(
            "S[" + (",".join(map(str, p)) or "∅") + "]x",
            (x + 0.35, y - 0.55),
            (x + 0.12, y - 0.2),
            fontsize=7,
            color="C3",
            ha="left",
            arrowprops=dict(arrowstyle="->", color="C3", lw=0.8),
            gid="output",
        )
    for m in range(max_order + 1):
        ax.text(-0.3, -1.6 * m, f"order {m}", ha="right", va="center", fontsize=8)
    ax.set_xlim(-1.4, width + 0.6)
    ax.set_ylim(-1.6 * max_order - 0.9, 0.5)
    ax.set_title(
        f"scattering tree, J = {J}: nodes U[p]x (modulus of wavelet cascades), outputs S_J[p]x = U[p]x ∗ φ_J (red)",
        fontsize=9,
    )
    ax.axis("off")
    fig.tight_layout()
    return fig
