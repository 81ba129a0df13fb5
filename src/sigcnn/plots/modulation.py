"""Figures of the modulation chapter (Wu et al. 2022). Each title names the paper figure it reproduces.

The functions take arrays (signals, spectra, result arrays) and only draw.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

from ..signals.spectra import energy_spectrum, frequency_axis

_IN, _OUT = "C3", "C0"  # the paper draws inputs in red and outputs in blue


def _db(values) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    floor = max(values.max(), 1e-300) * 1e-12
    return 10 * np.log10(np.maximum(values, floor))


def modulation_figure(
    n: npt.ArrayLike,
    x: npt.ArrayLike,
    m: npt.ArrayLike,
    freqs: npt.ArrayLike,
    ex: npt.ArrayLike,
    em: npt.ArrayLike,
    carrier_frequency: float,
    title: str = "",
) -> Figure:
    """Wu Fig. 1: a modulating signal and its DSB-SC modulated version, in time and in frequency."""
    fig, (ax_t, ax_f) = plt.subplots(1, 2, figsize=(9, 3.2))
    ax_t.plot(n, x, color=_IN, label="x[n] (modulating)")
    ax_t.plot(n, m, color=_OUT, lw=0.9, label="m[n] = x[n] cos(2π f_c n)")
    ax_t.set_xlabel("sample n")
    ax_t.set_ylabel("amplitude")
    ax_t.legend(fontsize=8, loc="upper right")
    ax_f.plot(freqs, ex, color=_IN, label="EX(f)")
    ax_f.plot(freqs, em, color=_OUT, label="EM(f)")
    for sign in (-1, 1):
        ax_f.axvline(sign * carrier_frequency, color="k", ls=":", lw=0.8)
    ax_f.set_xlabel("frequency f (cycles/sample)")
    ax_f.set_ylabel("energy |X(f)|²")
    ax_f.legend(fontsize=8)
    fig.suptitle(
        title or f"Wu et al. Fig. 1, ours: DSB-SC moves the energy spectrum to ±f_c = ±{carrier_frequency:.3f}"
    )
    fig.tight_layout()
    return fig


def multicarrier_figure(
    freqs: npt.ArrayLike,
    stream_spectra: Iterable[npt.ArrayLike],
    total_spectrum: npt.ArrayLike,
    carrier_frequencies: Iterable[float],
    title: str = "",
) -> Figure:
    """Wu Figs. 2-3: energy spectra of the streams (baseband) and of the FDM multi-carrier signal."""
    fig, (ax_a, ax_b) = plt.subplots(1, 2, figsize=(9, 3.2), sharex=True)
    for k, spec in enumerate(stream_spectra):
        ax_a.plot(freqs, spec, lw=1, label=f"EX_{k + 1}(f)")
    ax_b.plot(freqs, total_spectrum, color="k", lw=1, label="ES(f)")
    for f_k in carrier_frequencies:
        for sign in (-1, 1):
            ax_b.axvline(sign * f_k, color="0.6", ls=":", lw=0.8)
    for ax in (ax_a, ax_b):
        ax.set_xlabel("frequency f (cycles/sample)")
        ax.legend(fontsize=8)
    ax_a.set_ylabel("energy |X(f)|²")
    ax_a.set_title("modulating signals (baseband)", fontsize=9)
    ax_b.set_title("multi-carrier signal: each stream at its carrier", fontsize=9)
    fig.suptitle(title or "Wu et al. Figs. 2-3, ours: FDM multi-carrier modulation")
    fig.tight_layout()
    return fig


def conv_as_multicarrier_figure(
    streams: np.ndarray, kernel: np.ndarray, output: npt.ArrayLike, title: str = ""
) -> Figure:
    """Wu Fig. 6: the K shifted copies ``x[n+k]``, their "carriers" ``w[k]``, and the summed output
    that equals ``conv1d``."""
    k_taps = streams.shape[0]
    fig, axes = plt.subplots(k_taps + 1, 1, figsize=(7, 1.2 * (k_taps + 1) + 0.6), sharex=True)
    n = np.arange(streams.shape[1])
    for k in range(k_taps):
        axes[k].plot(n, streams[k], color=f"C{k}", lw=1)
        axes[k].set_ylabel(f"x[n+{k}]\n× w[{k}]={kernel[k]:+.2f}", fontsize=8)
    axes[-1].plot(n, output, color="k", lw=1.2)
    axes[-1].set_ylabel("sum =\nconv1d", fontsize=8)
    axes[-1].set_xlabel("output sample n")
    fig.suptitle(title or "Wu et al. Fig. 6, ours: a 3-tap conv1d as a 3-carrier modulator")
    fig.tight_layout()
    return fig


def ofdm_figure(carriers: np.ndarray, title: str = "") -> Figure:
    """Wu Fig. 8: OFDM sub-carriers in time and their energy spectra."""
    fig, (ax_t, ax_f) = plt.subplots(1, 2, figsize=(9, 3.0))
    n = np.arange(carriers.shape[1])
    freqs = frequency_axis(carriers.shape[1])
    for k, c in enumerate(carriers):
        ax_t.plot(n, c, lw=1, label=f"k = {k + 1}")
        ax_f.plot(freqs, np.abs(np.fft.fftshift(np.fft.fft(c))) ** 2, lw=1)
    ax_t.set_xlabel("sample n")
    ax_t.set_ylabel("cos(2π k n / N)")
    ax_t.legend(fontsize=7, ncol=2)
    ax_f.set_xlabel("frequency f (cycles/sample)")
    ax_f.set_ylabel("energy |C(f)|²")
    fig.suptitle(title or "Wu et al. Fig. 8, ours: orthogonal OFDM sub-carriers and their spectra")
    fig.tight_layout()
    return fig


def _layer_axes(ax: Axes, arrays: Mapping[str, np.ndarray], name: str, label_in: str, label_out: str, db: bool = True):
    psi_in, psi_out = arrays[f"{name}_psi_in"], arrays[f"{name}_psi_out"]
    rate_in, rate_out = float(arrays[f"{name}_rate_in"]), float(arrays[f"{name}_rate_out"])
    f_in, f_out = frequency_axis(len(psi_in), rate_in), frequency_axis(len(psi_out), rate_out)
    shown = _db if db else np.asarray
    ax.plot(f_in, shown(psi_in), color=_IN, lw=1, label=label_in)
    ax.plot(f_out, shown(psi_out), color=_OUT, lw=1, label=label_out)
    ax.set_xlabel("frequency (Hz)")
    ax.set_ylabel("energy (dB)" if db else "energy")


def layer_spectra(
    arrays: Mapping[str, np.ndarray],
    name: str,
    title: str,
    label_in: str = "ψˣ(f), input",
    label_out: str = "ψʸ(f), output",
    db: bool = True,
) -> Figure:
    """Wu Figs. 9 / 11: average energy spectra of one layer's input (red) and output (blue)."""
    fig, ax = plt.subplots(figsize=(7, 3.4))
    _layer_axes(ax, arrays, name, label_in, label_out, db)
    ax.legend(fontsize=8)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def all_layer_spectra(
    arrays: Mapping[str, np.ndarray], names: Iterable[str], title: str, label_in: str, label_out: str, ncols: int = 4
) -> Figure:
    """Wu Figs. 10 / 12: average energy spectra before and after every layer of one kind."""
    names = list(names)
    nrows = int(np.ceil(len(names) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(2.6 * ncols, 2.2 * nrows + 0.6), squeeze=False)
    for ax, name in zip(axes.flat, names):
        _layer_axes(ax, arrays, name, label_in, label_out)
        ax.set_title(name, fontsize=9)
        ax.tick_params(labelsize=7)
        ax.xaxis.label.set_size(7)
        ax.yaxis.label.set_size(7)
    for ax in list(axes.flat)[len(names) :]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def centroid_shifts(
    metrics: Mapping[str, float],
    conv_layers: Iterable[str],
    act_layers: Iterable[str],
    no_dc: bool = False,
    title: str = "",
) -> Figure:
    """Our measured claim for Figs. 10 and 12: the change of spectral centroid across each layer."""
    stem = "centroid_no_dc_shift" if no_dc else "centroid_shift"
    conv = [metrics[f"{n}_{stem}"] for n in conv_layers]
    act = [metrics[f"{n}_{stem}"] for n in act_layers]
    x = np.arange(len(conv))
    fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.bar(x - 0.2, conv, 0.4, label="convolution (paper: < 0, energy moves down)", color=_OUT)
    ax.bar(x + 0.2, act, 0.4, label="activation (paper: > 0, energy moves up)", color=_IN)
    ax.axhline(0, color="k", lw=0.8)
    ax.set_xticks(x, [f"{i + 1}" for i in x])
    ax.set_xlabel("layer number (conv i, act i)")
    ax.set_ylabel("centroid change (cycles/sample)")
    ax.legend(fontsize=8)
    ax.set_title(
        title or ("Wu et al. Figs. 10 & 12, ours: centroid change per layer" + (" (DC bin left out)" if no_dc else ""))
    )
    fig.tight_layout()
    return fig


def difference_curves(
    grid: npt.ArrayLike, cdiff: Sequence[npt.ArrayLike], adiff: Sequence[npt.ArrayLike], title: str = ""
) -> Figure:
    """Wu Fig. 16: CDIFF(f) of every convolution and ADIFF(f) of every activation (Eqs. 31-32)."""
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2), sharey=True)
    for ax, rows, label in ((axes[0], cdiff, "CDIFF"), (axes[1], adiff, "ADIFF")):
        for i, row in enumerate(rows):
            ax.plot(grid, row, lw=0.9, color=plt.cm.viridis(i / max(1, len(rows) - 1)), label=f"layer {i + 1}")
        ax.axhline(0, color="k", lw=0.6)
        ax.set_xlabel("frequency (cycles/sample of each layer)")
        ax.set_title(f"{label}(f) per layer", fontsize=9)
    axes[0].set_ylabel("energy difference per sample")
    axes[1].legend(fontsize=6, ncol=2)
    fig.suptitle(title or "Wu et al. Fig. 16, ours: energy-spectrum differences of each layer")
    fig.tight_layout()
    return fig


def accumulated_differences(
    grid: npt.ArrayLike,
    acdiff: npt.ArrayLike,
    aadiff: npt.ArrayLike,
    title: str = "",
    ax: Axes | None = None,
    untrained: tuple[npt.ArrayLike, npt.ArrayLike] | None = None,
) -> Figure | SubFigure:
    """Wu Figs. 17 / 18: ACDIFF(f) and AADIFF(f) (Eqs. 33-34) on one axis; ``untrained`` =
    ``(acdiff, aadiff)`` of the untrained control, drawn dashed."""
    own: Figure | None = None  # the figure this call makes when given no axis
    if ax is None:
        own, axis = plt.subplots(figsize=(7, 3.2))
    else:
        axis = ax
    axis.plot(grid, acdiff, color=_OUT, lw=1.2, label="ACDIFF (convolutions)")
    axis.plot(grid, aadiff, color=_IN, lw=1.2, label="AADIFF (activations)")
    if untrained is not None:
        axis.plot(grid, untrained[0], color=_OUT, lw=0.9, ls="--", label="ACDIFF, untrained")
        axis.plot(grid, untrained[1], color=_IN, lw=0.9, ls="--", label="AADIFF, untrained")
    axis.axhline(0, color="k", lw=0.6)
    axis.set_xlabel("frequency (cycles/sample)")
    axis.set_ylabel("accumulated difference")
    axis.legend(fontsize=8)
    axis.set_title(title or "Wu et al. Fig. 17, ours: accumulated differences", fontsize=9 if own is None else None)
    if own is not None:
        own.tight_layout()
        return own
    return axis.figure


def pooling_spectra(arrays: Mapping[str, np.ndarray], pools: Iterable[str], title: str = "") -> Figure:
    """Wu §3.3 / Fig. 14: energy spectra before a pooling layer and after max, average and spectral pooling
    of the same input (each on its own output frequency axis, in Hz)."""
    pools = list(pools)
    fig, axes = plt.subplots(1, len(pools), figsize=(2.7 * len(pools), 2.9), squeeze=False)
    for ax, name in zip(axes.flat, pools):
        rate_in, rate_out = float(arrays[f"{name}_rate_in"]), float(arrays[f"{name}_rate_out"])
        psi_in = arrays[f"{name}_psi_in"]
        ax.plot(frequency_axis(len(psi_in), rate_in), _db(psi_in), color="0.5", lw=1, label="input")
        for key, label, colour in (
            (name, "max", _OUT),
            (f"{name}_avg", "average", "C2"),
            (f"{name}_spectral", "spectral", "C1"),
        ):
            psi = arrays[f"{key}_psi_out"]
            ax.plot(frequency_axis(len(psi), rate_out), _db(psi), color=colour, lw=1, label=label)
        ax.set_title(name, fontsize=9)
        ax.set_xlabel("frequency (Hz)", fontsize=8)
        ax.tick_params(labelsize=7)
    axes.flat[0].set_ylabel("energy (dB)")
    axes.flat[0].legend(fontsize=7)
    fig.suptitle(title or "Wu et al. §3.3 (Fig. 14), ours: spectra before and after three kinds of pooling")
    fig.tight_layout()
    return fig


def activation_variants(
    arrays: Mapping[str, np.ndarray], variants: Iterable[str], labels: Mapping[str, str], title: str = ""
) -> Figure:
    """Wu Fig. 13: average spectra before and after the second activation, one panel per activation."""
    variants = list(variants)
    fig, axes = plt.subplots(1, len(variants), figsize=(2.7 * len(variants), 2.9), squeeze=False)
    for ax, v in zip(axes.flat, variants):
        psi_in, psi_out = arrays[f"{v}_act2_psi_in"], arrays[f"{v}_act2_psi_out"]
        f = frequency_axis(len(psi_in))
        ax.plot(f, _db(psi_in), color=_IN, lw=1, label="ψʸ (before)")
        ax.plot(f, _db(psi_out), color=_OUT, lw=1, label="ψᵃ (after)")
        ax.set_title(labels.get(v, v), fontsize=9)
        ax.set_xlabel("frequency (cycles/sample)", fontsize=8)
        ax.tick_params(labelsize=7)
    axes.flat[0].set_ylabel("energy (dB)")
    axes.flat[0].legend(fontsize=7)
    fig.suptitle(title or "Wu et al. Fig. 13, ours: spectra before/after activation 2 of retrained networks")
    fig.tight_layout()
    return fig


def variant_accumulated_differences(
    arrays: Mapping[str, np.ndarray], variants: Iterable[str], labels: Mapping[str, str], title: str = ""
) -> Figure:
    """Wu Fig. 18: ACDIFF and AADIFF of each retrained variant."""
    variants = list(variants)
    fig, axes = plt.subplots(1, len(variants), figsize=(2.9 * len(variants), 3.0), squeeze=False)
    for ax, v in zip(axes.flat, variants):
        accumulated_differences(
            arrays["grid"], arrays[f"{v}_acdiff"], arrays[f"{v}_aadiff"], title=labels.get(v, v), ax=ax
        )
        ax.tick_params(labelsize=7)
        if ax is not axes.flat[0]:
            ax.get_legend().remove()
            ax.set_ylabel("")
    fig.suptitle(title or "Wu et al. Fig. 18, ours: ACDIFF and AADIFF with other activations / conv_bn")
    fig.tight_layout()
    return fig


def relu_carrier_figure(y: np.ndarray, carrier: npt.ArrayLike, rectified: npt.ArrayLike, title: str = "") -> Figure:
    """Wu Eq. 22: a signal, its Heaviside carrier ``H(y)`` and the product ``y H(y) = ReLU(y)``,
    with the energy spectra of the signal and of the product."""
    n = np.arange(len(y))
    freqs = frequency_axis(len(y))
    fig, (ax_t, ax_f) = plt.subplots(1, 2, figsize=(9, 3.2))
    ax_t.plot(n, y, color=_IN, lw=1, label="y[n] (message)")
    ax_t.step(n, carrier, where="mid", color="0.5", lw=0.8, label="H(y[n]) (carrier)")
    ax_t.plot(n, rectified, color=_OUT, lw=1.2, label="y[n] H(y[n]) = ReLU")
    ax_t.set_xlabel("sample n")
    ax_t.set_ylabel("amplitude")
    ax_t.legend(fontsize=7)
    ax_f.plot(freqs, _db(np.abs(np.fft.fftshift(np.fft.fft(y))) ** 2), color=_IN, lw=1, label="E_y(f)")
    ax_f.plot(freqs, _db(np.abs(np.fft.fftshift(np.fft.fft(rectified))) ** 2), color=_OUT, lw=1, label="E_a(f)")
    ax_f.set_xlabel("frequency f (cycles/sample)")
    ax_f.set_ylabel("energy (dB)")
    ax_f.legend(fontsize=7)
    fig.suptitle(title or "Wu et al. Eq. 22, ours: ReLU as DSB-SC with a Heaviside carrier")
    fig.tight_layout()
    return fig


def spectral_pooling_figure(box: np.ndarray, kernel: npt.ArrayLike, title: str = "") -> Figure:
    """Wu Eqs. 29-30: the box H(f) of spectral pooling and its inverse DFT h[n], the convolution kernel."""
    n = len(box)
    fig, (ax_f, ax_t) = plt.subplots(1, 2, figsize=(9, 3.0))
    ax_f.step(frequency_axis(n), box, where="mid", color="k")
    ax_f.set_xlabel("frequency f (cycles/sample)")
    ax_f.set_ylabel("H(f)")
    ax_f.set_title("box in frequency (Eq. 29)", fontsize=9)
    centred = np.fft.fftshift(kernel)
    ax_t.plot(np.arange(n) - n // 2, centred, color=_OUT, marker=".", ms=3, lw=0.8)
    ax_t.set_xlabel("sample n (centred)")
    ax_t.set_ylabel("h[n]")
    ax_t.set_title("its inverse DFT: the kernel of Eq. 30", fontsize=9)
    fig.suptitle(title or "Wu et al. Eqs. 28-30, ours: spectral pooling is a circular convolution")
    fig.tight_layout()
    return fig


def control_spreads(metrics: Mapping[str, float], claims: Mapping[str, str], title: str = "") -> Figure:
    """Each claim about training beside its control: the untrained spread (grey bar), the spread over
    training seeds (blue bar) and their mean (dot). ``claims`` maps a metric stem (``{stem}_mean``
    and the control keys of ``sigcnn.experiments._seeds.Seeds``) to its label."""
    stems = list(claims)
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(stems) + 1.2))
    for i, stem in enumerate(stems):
        m = f"{stem}_mean"
        ax.plot(
            [metrics[f"{m}_control_min"], metrics[f"{m}_control_max"]],
            [i + 0.15] * 2,
            color="0.6",
            lw=5,
            solid_capstyle="butt",
            label="untrained (min-max over seeds)" if i == 0 else None,
        )
        ax.plot(
            [metrics[f"{m}_trained_min"], metrics[f"{m}_trained_max"]],
            [i - 0.15] * 2,
            color=_OUT,
            lw=5,
            solid_capstyle="butt",
            label="trained (min-max over seeds)" if i == 0 else None,
        )
        ax.plot(metrics[m], i - 0.15, "o", color="k", ms=4, label="trained mean" if i == 0 else None)
    ax.axvline(0, color="k", lw=0.5)
    ax.set_yticks(range(len(stems)), [claims[s] for s in stems], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("value of the measured quantity (units in each label)")
    ax.legend(fontsize=7, loc="best")
    ax.set_title(title or "Trained network vs the same network untrained (same initialisation seeds)")
    fig.tight_layout()
    return fig


def mimo_received_figure(freqs: npt.ArrayLike, received: Iterable[npt.ArrayLike], title: str = "") -> Figure:
    """Wu Fig. 4 / Eq. 12: the energy spectrum heard by each receive antenna."""
    fig, ax = plt.subplots(figsize=(7, 3))
    for q, r in enumerate(received):
        ax.plot(freqs, energy_spectrum(r), lw=1, label=f"receive antenna {q + 1}")
    ax.set_xlabel("frequency f (cycles/sample)")
    ax.set_ylabel("energy |R_q(f)|²")
    ax.set_title(title or "Wu et al. Fig. 4 / Eq. 12, ours: what each receive antenna hears")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
