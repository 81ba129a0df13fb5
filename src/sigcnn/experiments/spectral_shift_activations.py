"""Wu et al. (2022), Figs. 13 and 18: the spectral shifts of Network-audio-1 retrained with other
activations (sigmoid, tanh, sine, ELU) and with batch-normalised convolutions ("convolution_bn").

Every variant is trained from scratch with the settings of :mod:`.spectral_shift` (on fewer
recordings and epochs at ``ci`` scale) and analysed with the same streaming spectra: for each
variant, the fraction of activation layers that raise the spectral centroid, the centroid shift
of the second activation (Fig. 13) and the correlation and amplitude ratio of ACDIFF and AADIFF
(Fig. 18).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..provenance import Stopwatch, make_provenance
from ..results import Result
from ..runtime import resolve_device
from ..training import accuracy
from . import spectral_shift as base
from ._config import scale_and_overrides, scaled_config

NAME = "spectral-shift-activations"
ORDER = 22
TITLE = "Spectral shifts with other activations and with convolution_bn (Network-audio-1)"
PAPER = "wu2022modulation"
REPRODUCES = "Wu et al. (2022) §3.2 Fig. 13 and §4 Fig. 18"
DATASETS = base.DATASETS

VARIANTS = {"relu_bn": "relu", "sigmoid": "sigmoid", "tanh": "tanh", "sine": "sine", "elu": "elu"}
"""Variant name -> activation. ``relu_bn`` always has batch-normalised convolutions (Fig. 18a); the
others have them when ``Config.variant_batch_norm`` is true."""

REPORT_ROWS = [
    {"reproduces": "Wu §4 (Fig. 18)", "quantity": f"{label}: correlation of ACDIFF and AADIFF",
     "paper": "opposite directions (negative; no number)", "metric": f"{key}_acdiff_aadiff_correlation"}
    for key, label in (("relu_bn", "conv_bn + ReLU"), ("sigmoid", "sigmoid"), ("sine", "sine"), ("tanh", "tanh"))
] + [
    {"reproduces": "Wu §3.2 (Fig. 13)", "quantity": f"{act}: fraction of activation layers raising the centroid",
     "paper": "generalised shift observed (no number)", "metric": f"{act}_act_moves_up_fraction"}
    for act in ("sigmoid", "tanh", "sine", "elu")
]


@dataclass(frozen=True)
class Config(base.Config):
    """The settings of :class:`.spectral_shift.Config` plus the variants and a training subset."""

    variants: tuple[str, ...] = tuple(VARIANTS)
    train_limit: int | None = 1000
    variant_batch_norm: bool = True  # batch norm for sigmoid/tanh/sine/ELU (see _SCALES)


_SCALES = {
    # At ci scale an 8-layer sigmoid network without batch norm stays at chance (10 %) after a few
    # epochs; with batch norm every variant learns, so ci and laptop normalise all variants.
    "ci": dict(base._SCALES["ci"], epochs=4, train_limit=1000, analysed=200, variant_batch_norm=True),
    "laptop": dict(base._SCALES["laptop"], train_limit=None, variant_batch_norm=True),
    "full": dict(base._SCALES["full"], train_limit=None, variant_batch_norm=False),
}


def make_config(scale: str | None = None, **overrides) -> Config:
    """The configuration of a scale profile, with optional overrides (``seed=1``, ``variants=...``)."""
    scale, overrides = scale_and_overrides(scale, overrides)
    if "dataset" in overrides and overrides["dataset"] not in DATASETS:
        raise ValueError(f"{NAME} needs an audio data set: choose one of {', '.join(DATASETS)}")
    unknown = [v for v in overrides.get("variants", ()) if v not in VARIANTS]
    if unknown:
        raise ValueError(f"unknown variant(s) {', '.join(unknown)}: choose from {', '.join(VARIANTS)}")
    return scaled_config(Config, _SCALES, scale, overrides)


_KEPT = ("act_moves_up_fraction", "act_moves_up_fraction_no_dc", "conv_moves_down_fraction", "act2_centroid_shift",
         "acdiff_aadiff_correlation", "aadiff_acdiff_amplitude_ratio", "lambda_eq36",
         "acdiff_aadiff_correlation_shape", "aadiff_acdiff_amplitude_ratio_shape")


def run(config: Config, progress: bool = False) -> Result:
    """Train and analyse every variant; return the :class:`~sigcnn.results.Result`."""
    device = resolve_device(config.device)
    with Stopwatch() as clock:
        x_train, y_train, x_test, y_test, source, rate = base.load_audio(config)
        if config.train_limit is not None and x_train.shape[0] > config.train_limit:
            pick = torch.randperm(x_train.shape[0], generator=torch.Generator().manual_seed(config.seed))
            x_train, y_train = x_train[pick[:config.train_limit]], y_train[pick[:config.train_limit]]
        x_train, y_train, x_test, y_test = (t.to(device) for t in (x_train, y_train, x_test, y_test))
        analysed = x_test
        if config.analysed is not None and config.analysed < x_test.shape[0]:
            pick = torch.randperm(x_test.shape[0], generator=torch.Generator().manual_seed(config.seed + 1))
            analysed = x_test[pick[:config.analysed].to(device)]
        metrics: dict = {"train_recordings": int(x_train.shape[0]), "test_recordings": int(x_test.shape[0]),
                         "analysed_recordings": int(analysed.shape[0])}
        arrays: dict = {}
        for k, variant in enumerate(config.variants):
            activation = VARIANTS[variant]
            batch_norm = variant == "relu_bn" or config.variant_batch_norm
            model, loss = base.train_network(config, x_train, y_train, device, progress, seed_offset=k,
                                             activation=activation, batch_norm=batch_norm)
            metrics[f"{variant}_test_accuracy"] = accuracy(model, x_test, y_test)
            found, spectra = base.analyse_network(model, analysed, rate, config.low_band, config.grid_points,
                                                  pooling_alternatives=False)
            metrics.update({f"{variant}_{key}": found[key] for key in _KEPT})
            for key in ("act2_psi_in", "act2_psi_out", "acdiff", "aadiff", "acdiff_shape", "aadiff_shape"):
                arrays[f"{variant}_{key}"] = spectra[key]
            arrays[f"{variant}_loss"] = loss
            arrays["grid"] = spectra["grid"]
        corr = [metrics[f"{v}_acdiff_aadiff_correlation"] for v in config.variants]
        metrics["variants_opposite_fraction"] = float(np.mean(np.array(corr) < 0))
    notes = [f"Each variant trained on {metrics['train_recordings']} recordings for {config.epochs} epochs; "
             f"spectra over {metrics['analysed_recordings']} of the {metrics['test_recordings']} test recordings.",
             "Convolutions of the sigmoid/tanh/sine/ELU variants are "
             + ("batch-normalised." if config.variant_batch_norm else "not batch-normalised.")]
    return Result(NAME, config.scale, metrics, arrays, make_provenance(config, device, source, clock.seconds, notes))


_LABELS = {"relu_bn": "conv_bn + ReLU", "sigmoid": "sigmoid", "tanh": "tanh", "sine": "sine", "elu": "ELU"}
LABELS = _LABELS


def findings(metrics: dict) -> list[str]:
    """Plain-language verdicts for every variant, computed from the measured ``metrics``."""
    out = []
    variants = [v for v in VARIANTS if f"{v}_acdiff_aadiff_correlation" in metrics]
    for v in variants:
        r, ratio = metrics[f"{v}_acdiff_aadiff_correlation"], metrics[f"{v}_aadiff_acdiff_amplitude_ratio"]
        rs = metrics[f"{v}_acdiff_aadiff_correlation_shape"]
        up = metrics[f"{v}_act_moves_up_fraction"]
        out.append(
            f"{_LABELS[v]} (test accuracy {100 * metrics[f'{v}_test_accuracy']:.1f} %): {100 * up:.0f} % of the "
            f"activation layers raise the centroid; ACDIFF vs AADIFF correlation {r:+.3f} (shape only {rs:+.3f}), "
            f"amplitude ratio {ratio:.2f} -> "
            + (("opposite directions with comparable amplitudes, as the paper reports." if 0.5 <= ratio <= 2 else
                "opposite directions, as the paper reports, but amplitudes far apart.") if r < 0 else
               "NOT opposite, unlike the paper.")
            + (" This network barely learned (accuracy below 30 %), so its verdict weighs little."
               if metrics[f"{v}_test_accuracy"] < 0.3 else ""))
    frac = metrics.get("variants_opposite_fraction")
    if frac is not None:
        out.append(f"Overall {100 * frac:.0f} % of the variants show the opposite accumulated shifts of Fig. 18.")
    return out
