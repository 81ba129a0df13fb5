"""Wu et al. (2022), §2-3, Tables 1-2, Figs. 5-7 and 15: the exact equivalences, measured.

Each identity is evaluated in float64 on random signals and its largest absolute difference is
recorded as a metric: DSB-SC's spectrum (Eq. 3), FDM multi-carrier and MIMO spectra under
disjoint bands (Eqs. 7, 12), PyTorch's ``conv1d`` against the multi-carrier (Eq. 14 vs 5) and
multi-carrier MIMO (Eq. 13 vs 11) constructions, ReLU against DSB-SC with a Heaviside carrier
(Eq. 22), average pooling against a strided box convolution (Eq. 27) and spectral pooling
against a box in frequency and a circular convolution (Eqs. 28-30).

Each identity is a claim decided to a tolerance (deterministic: no test). A negative control shows
that the check can fail: the cross-correlation of Eq. 14 replaced by a convolution (flipped kernel)
must miss PyTorch's ``conv1d`` by far more than the tolerance on every draw.
"""

from __future__ import annotations

from dataclasses import dataclass, make_dataclass

import numpy as np
import torch
import torch.nn.functional as F

from ..signals import modulation as mod
from ..signals.spectra import energy_spectrum, frequency_axis
from ..verdicts import Claim, Verdict, sentence
from ._base import BaseConfig, Experiment, Measured, ReportRow, RunContext
from ._metrics import Replicated

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
_FROM_PAPER = {key for key in IDENTITIES if "_eq" in key}
"""Identities the paper states (an equation number); the others are ours (kernel response, subsampling)."""
_REPORTED = (
    "dsb_sc_eq3",
    "conv1d_multicarrier_eq14",
    "conv1d_mimo_eq13",
    "relu_dsb_sc_eq22",
    "avgpool_box_conv_eq27",
    "spectral_pool_circular_conv_eq30",
)


TOLERANCE = 1e-6
"""The largest absolute difference an exact identity may show in float64."""


@dataclass(frozen=True)
class Config(BaseConfig):
    """Settings of one run (random signals; the scales differ in the number of draws)."""

    device: str = "cpu"
    trials: int = 5
    length: int = 96
    tolerance: float = TOLERANCE  # kept for stored configurations; the claims use TOLERANCE

    def __post_init__(self):
        if self.length < 48 or self.length % 48:
            raise ValueError(f"length must be a positive multiple of 48, got {self.length}")
        if self.trials < 1:
            raise ValueError(f"trials must be >= 1, got {self.trials}")


def _gap(a, b) -> float:
    return float(np.abs(np.asarray(a) - np.asarray(b)).max())


def identity_gaps(rng: np.random.Generator, n: int) -> dict[str, float]:
    """Largest absolute difference of each identity of :data:`IDENTITIES` on one random draw."""
    gaps = {}
    x = rng.standard_normal(n)
    grid = np.linspace(-0.5, 0.5, 4 * n + 1)
    fc = rng.uniform(0.05, 0.45)
    gaps["dsb_sc_eq3"] = _gap(np.abs(mod.dtft(mod.dsb_sc(x, fc), grid)) ** 2, mod.dsb_sc_energy_spectrum(x, fc, grid))

    n_fdm, base = n, n // 48  # baseband streams 5 bins wide, carriers >= 6 bins apart, below Nyquist
    streams = np.stack([mod.band_limited_signal(n_fdm, 2, rng) for _ in range(3)])
    fk = np.array([3, 9, 15]) * base / n_fdm
    gaps["fdm_eq7"] = _gap(
        energy_spectrum(mod.multi_carrier(streams, fk)),
        mod.multi_carrier_energy_spectrum(streams, fk, frequency_axis(n_fdm)),
    )
    mimo_streams = np.stack([streams[:2], streams[1:]])
    fpk = np.array([[3, 9], [15, 21]]) * base / n_fdm
    h = rng.standard_normal((3, 2))
    gaps["mimo_eq12"] = _gap(
        energy_spectrum(mod.mimo(mimo_streams, fpk, h)),
        mod.mimo_energy_spectrum(mimo_streams, fpk, h, frequency_axis(n_fdm)),
    )

    w = rng.standard_normal(3)
    ref = F.conv1d(torch.from_numpy(x).view(1, 1, -1), torch.from_numpy(w).view(1, 1, -1)).view(-1).numpy()
    gaps["conv1d_multicarrier_eq14"] = _gap(mod.conv1d_as_multicarrier(x, w), ref)
    gaps["negative_control_flipped_kernel"] = _gap(mod.conv1d_as_multicarrier(x, w[::-1].copy()), ref)
    xs, ws = rng.standard_normal((4, n)), rng.standard_normal((6, 4, 3))
    ref = F.conv1d(torch.from_numpy(xs)[None], torch.from_numpy(ws))[0].numpy()
    gaps["conv1d_mimo_eq13"] = _gap(mod.conv1d_as_mimo(xs, ws), ref)
    gaps["conv_kernel_response"] = _gap(
        energy_spectrum(mod.circular_correlate(x, w)), mod.kernel_energy_response(w, n) * energy_spectrum(x)
    )

    y = rng.standard_normal((4, n))
    gaps["relu_dsb_sc_eq22"] = _gap(mod.relu_as_dsb_sc(y), torch.relu(torch.from_numpy(y)).numpy())
    gaps["avgpool_box_conv_eq27"] = _gap(
        mod.average_pool_as_convolution(y, 4), F.avg_pool1d(torch.from_numpy(y)[None], 4)[0].numpy()
    )
    keep = n // 4
    low = mod.spectral_lowpass(x, keep)
    gaps["spectral_pool_box_eq28"] = _gap(
        np.fft.fftshift(np.fft.fft(low)), np.fft.fftshift(np.fft.fft(x)) * mod.spectral_box(n, keep)
    )
    gaps["spectral_pool_circular_conv_eq30"] = _gap(low, mod.circular_convolve(x, mod.spectral_box_kernel(n, keep)))
    gaps["spectral_pool_subsample"] = _gap(mod.spectral_pool(x, keep), low[:: n // keep])
    return gaps


Metrics = make_dataclass(
    "Metrics",
    [
        *((f"max_abs_diff_{key}", float) for key in IDENTITIES),
        ("all_within_tolerance", bool),
        ("tolerance", float),
        ("trials", int),
        ("negative_control_log10_gap", Replicated),
    ],
    frozen=True,
)
Metrics.__module__ = __name__
Metrics.__doc__ = (
    "The worst gap of each identity over the draws; the negative control's log10 gap per draw (``_replicates``)."
)


def measure(config: Config, ctx: RunContext) -> Measured:
    """Evaluate every identity on ``config.trials`` random draws; record the worst gap of each."""
    rng = np.random.default_rng(config.seed)
    worst = {key: 0.0 for key in IDENTITIES}
    negative = []
    for _ in range(config.trials):
        gaps = identity_gaps(rng, config.length)
        negative.append(np.log10(gaps.pop("negative_control_flipped_kernel")))
        for key, gap in gaps.items():
            worst[key] = max(worst[key], gap)
    metrics = Metrics(
        **{f"max_abs_diff_{key}": value for key, value in worst.items()},
        all_within_tolerance=bool(max(worst.values()) <= TOLERANCE),
        tolerance=TOLERANCE,
        trials=config.trials,
        negative_control_log10_gap=Replicated.of(negative),
    )
    return Measured(
        metrics, {}, "random signals (NumPy)", [f"{config.trials} random draws of length {config.length}, float64."]
    )


CLAIMS = (
    *(
        Claim(
            key,
            text,
            f"max_abs_diff_{key}",
            "equal",
            "random draws (the worst of them)",
            null=0.0,
            tolerance=TOLERANCE,
            source="paper" if key in _FROM_PAPER else "ours",
        )
        for key, text in IDENTITIES.items()
    ),
    Claim(
        "check_can_fail",
        "the check can fail: convolution (flipped kernel) in place of the cross-correlation of Eq. 14 misses "
        f"conv1d by more than the tolerance (log10 gap above {np.log10(TOLERANCE):g})",
        "negative_control_log10_gap_replicates",
        "greater",
        "random draws",
        null=float(np.log10(TOLERANCE)),
        source="ours",
        no_control="a negative control: a wrong identity must show a gap above the tolerance",
    ),
)


def findings(metrics: dict, verdicts: dict[str, Verdict]) -> list[str]:
    """The engine's verdict on every identity (to the tolerance), and on the negative control."""
    return [
        f"{c.statement}: largest difference {metrics[c.quantity]:.1e}; " + sentence(c, verdicts[c.id])
        if c.direction == "equal"
        else sentence(c, verdicts[c.id])
        for c in CLAIMS
    ]


EXPERIMENT = Experiment(
    name="modulation-identities",
    title="Convolution, ReLU and pooling as modulators: the exact identities",
    paper="wu2022modulation",
    reproduces="Wu et al. (2022) Eqs. 3, 7, 12, 13-14, 22, 27-30; Tables 1-2, Figs. 6-7, 15",
    config=Config,
    scales={"ci": dict(trials=5), "laptop": dict(trials=50), "full": dict(trials=500)},
    measure=measure,
    notebook="notebooks/modulation_equivalences",
    report_rows=tuple(
        ReportRow(
            "Wu " + IDENTITIES[key].rsplit(" (", 1)[1].rstrip(")"),
            f"max abs difference: {IDENTITIES[key].rsplit(' (', 1)[0]}",
            f"max_abs_diff_{key}",
            0.0,
            source="derived",
            format="sci",
            claim=key,
        )
        for key in _REPORTED
    ),
    findings=findings,
    metrics=Metrics,
    claims=CLAIMS,
)
make_config, run = EXPERIMENT.make_config, EXPERIMENT.run
NAME = EXPERIMENT.name
