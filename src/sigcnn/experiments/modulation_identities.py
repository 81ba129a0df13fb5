"""Wu et al. (2022), §2-3, Tables 1-2, Figs. 5-7 and 15: the exact equivalences, measured.

Each identity is evaluated in float64 on random signals and its largest absolute difference is
recorded as a metric: DSB-SC's spectrum (Eq. 3), FDM multi-carrier and MIMO spectra under
disjoint bands (Eqs. 7, 12), PyTorch's ``conv1d`` against the multi-carrier (Eq. 14 vs 5) and
multi-carrier MIMO (Eq. 13 vs 11) constructions, ReLU against DSB-SC with a Heaviside carrier
(Eq. 22), average pooling against a strided box convolution (Eq. 27) and spectral pooling
against a box in frequency and a circular convolution (Eqs. 28-30).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from ..provenance import Stopwatch, make_provenance
from ..results import Result
from ..runtime import resolve_device
from ..signals import modulation as mod
from ..signals.spectra import energy_spectrum, frequency_axis
from ._config import scale_and_overrides, scaled_config

NAME = "modulation-identities"
ORDER = 21
TITLE = "Convolution, ReLU and pooling as modulators: the exact identities"
PAPER = "wu2022modulation"
REPRODUCES = "Wu et al. (2022) Eqs. 3, 7, 12, 13-14, 22, 27-30; Tables 1-2, Figs. 6-7, 15"
DATASETS = None

IDENTITIES = {
    "dsb_sc_eq3": "DSB-SC energy spectrum = 1/4 abs(X(f+fc) + X(f-fc))^2 (Eq. 3)",
    "fdm_eq7": "FDM multi-carrier energy spectrum = sum of the DSB-SC spectra (Eq. 7)",
    "mimo_eq12": "MIMO received energy spectrum = sum_p h_qp^2 ES_p (Eq. 12)",
    "conv1d_multicarrier_eq14": "conv1d = multi-carrier modulator (Eq. 14 vs Eq. 5, Fig. 6)",
    "conv1d_mimo_eq13": "multi-channel conv1d = multi-carrier MIMO receiver (Eq. 13 vs Eq. 11, Fig. 7)",
    "conv_kernel_response": "circular convolution output spectrum = abs(W(f))^2 E_x(f) (kernel response)",
    "relu_dsb_sc_eq22": "ReLU = DSB-SC with a Heaviside carrier (Eq. 22)",
    "avgpool_box_conv_eq27": "average pooling = strided box convolution (Eq. 27)",
    "spectral_pool_box_eq28": "spectral low-pass = spectrum times a box (Eqs. 28-29)",
    "spectral_pool_circular_conv_eq30": "spectral low-pass = circular convolution with the box's inverse DFT (Eq. 30)",
    "spectral_pool_subsample": "spectral pooling = low-pass then subsample",
}

REPORT_ROWS = [
    {"reproduces": "Wu " + text.rsplit(" (", 1)[1].rstrip(")"),
     "quantity": f"max abs difference: {text.rsplit(' (', 1)[0]}",
     "paper": "0 (exact identity)", "metric": f"max_abs_diff_{key}"}
    for key, text in IDENTITIES.items() if key in ("dsb_sc_eq3", "conv1d_multicarrier_eq14", "conv1d_mimo_eq13",
                                                  "relu_dsb_sc_eq22", "avgpool_box_conv_eq27",
                                                  "spectral_pool_circular_conv_eq30")
]


@dataclass(frozen=True)
class Config:
    """Settings of one run; :func:`make_config` gives the ones of each scale."""

    scale: str
    seed: int = 0
    device: str = "cpu"
    trials: int = 5
    length: int = 96
    tolerance: float = 1e-6


_SCALES = {"ci": dict(trials=5), "laptop": dict(trials=50), "full": dict(trials=500)}


def make_config(scale: str | None = None, **overrides) -> Config:
    """The configuration of a scale profile, with optional overrides (``seed=1``, ``trials=...``)."""
    scale, overrides = scale_and_overrides(scale, overrides)
    if "dataset" in overrides:
        raise ValueError(f"{NAME} uses random signals, not a data set")
    return scaled_config(Config, _SCALES, scale, overrides)


def _gap(a, b) -> float:
    return float(np.abs(np.asarray(a) - np.asarray(b)).max())


def _baseband(n: int, half_width: int, rng) -> np.ndarray:
    """A real signal whose DFT is zero outside ``|k| <= half_width``."""
    spec = np.zeros(n, dtype=complex)
    spec[:half_width + 1] = rng.standard_normal(half_width + 1) + 1j * rng.standard_normal(half_width + 1)
    spec[0] = spec[0].real
    spec[n - half_width:] = np.conj(spec[1:half_width + 1][::-1])
    return np.fft.ifft(spec).real


def identity_gaps(rng: np.random.Generator, n: int) -> dict[str, float]:
    """Largest absolute difference of each identity of :data:`IDENTITIES` on one random draw."""
    gaps = {}
    x = rng.standard_normal(n)
    grid = np.linspace(-0.5, 0.5, 4 * n + 1)
    fc = rng.uniform(0.05, 0.45)
    gaps["dsb_sc_eq3"] = _gap(np.abs(mod.dtft(mod.dsb_sc(x, fc), grid)) ** 2, mod.dsb_sc_energy_spectrum(x, fc, grid))

    n_fdm, base = n, n // 48  # baseband streams 5 bins wide, carriers >= 6 bins apart, below Nyquist
    streams = np.stack([_baseband(n_fdm, 2, rng) for _ in range(3)])
    fk = np.array([3, 9, 15]) * base / n_fdm
    gaps["fdm_eq7"] = _gap(energy_spectrum(mod.multi_carrier(streams, fk)),
                           mod.multi_carrier_energy_spectrum(streams, fk, frequency_axis(n_fdm)))
    mimo_streams = np.stack([streams[:2], streams[1:]])
    fpk = np.array([[3, 9], [15, 21]]) * base / n_fdm
    h = rng.standard_normal((3, 2))
    gaps["mimo_eq12"] = _gap(energy_spectrum(mod.mimo(mimo_streams, fpk, h)),
                             mod.mimo_energy_spectrum(mimo_streams, fpk, h, frequency_axis(n_fdm)))

    w = rng.standard_normal(3)
    ref = F.conv1d(torch.from_numpy(x).view(1, 1, -1), torch.from_numpy(w).view(1, 1, -1)).view(-1).numpy()
    gaps["conv1d_multicarrier_eq14"] = _gap(mod.conv1d_as_multicarrier(x, w), ref)
    xs, ws = rng.standard_normal((4, n)), rng.standard_normal((6, 4, 3))
    ref = F.conv1d(torch.from_numpy(xs)[None], torch.from_numpy(ws))[0].numpy()
    gaps["conv1d_mimo_eq13"] = _gap(mod.conv1d_as_mimo(xs, ws), ref)
    gaps["conv_kernel_response"] = _gap(energy_spectrum(mod.circular_correlate(x, w)),
                                        mod.kernel_energy_response(w, n) * energy_spectrum(x))

    y = rng.standard_normal((4, n))
    gaps["relu_dsb_sc_eq22"] = _gap(mod.relu_as_dsb_sc(y), torch.relu(torch.from_numpy(y)).numpy())
    gaps["avgpool_box_conv_eq27"] = _gap(mod.average_pool_as_convolution(y, 4),
                                         F.avg_pool1d(torch.from_numpy(y)[None], 4)[0].numpy())
    keep = n // 4
    low = mod.spectral_lowpass(x, keep)
    gaps["spectral_pool_box_eq28"] = _gap(np.fft.fftshift(np.fft.fft(low)),
                                          np.fft.fftshift(np.fft.fft(x)) * mod.spectral_box(n, keep))
    gaps["spectral_pool_circular_conv_eq30"] = _gap(low, mod.circular_convolve(x, mod.spectral_box_kernel(n, keep)))
    gaps["spectral_pool_subsample"] = _gap(mod.spectral_pool(x, keep), low[::n // keep])
    return gaps


def run(config: Config, progress: bool = False) -> Result:
    """Evaluate every identity on ``config.trials`` random draws; record the worst gap of each."""
    device = resolve_device(config.device)
    if config.length < 48 or config.length % 48:
        raise ValueError(f"length must be a positive multiple of 48, got {config.length}")
    rng = np.random.default_rng(config.seed)
    with Stopwatch() as clock:
        worst = {key: 0.0 for key in IDENTITIES}
        for _ in range(config.trials):
            for key, gap in identity_gaps(rng, config.length).items():
                worst[key] = max(worst[key], gap)
    metrics = {f"max_abs_diff_{key}": value for key, value in worst.items()}
    metrics["all_within_tolerance"] = bool(max(worst.values()) <= config.tolerance)
    metrics["tolerance"] = config.tolerance
    notes = [f"{config.trials} random draws of length {config.length}, float64."]
    return Result(NAME, config.scale, metrics, {}, make_provenance(config, device, "random signals (NumPy)",
                                                                   clock.seconds, notes))


def findings(metrics: dict) -> list[str]:
    """Plain-language verdicts: does each equivalence hold to the tolerance?"""
    tol = metrics["tolerance"]
    out = []
    for key, text in IDENTITIES.items():
        gap = metrics[f"max_abs_diff_{key}"]
        out.append(f"{text}: largest difference {gap:.1e} -> "
                   + ("holds to rounding error." if gap <= tol else f"does NOT hold (above {tol:g})."))
    return out
