"""Wu et al. (2022), Figs. 13 and 18: the spectral shifts of Network-audio-1 retrained with other
activations (sigmoid, tanh, sine, ELU) and with batch-normalised convolutions ("convolution_bn").

Every variant is trained from scratch with the settings of :mod:`.spectral_shift` (on fewer
recordings and epochs at ``ci`` scale), with several seeds, and analysed with the same streaming
spectra beside its untrained initialisation: the fraction of activation layers that raise the
spectral centroid (Fig. 13) and the correlation, amplitude ratio and lambda of ACDIFF and AADIFF
(Fig. 18).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, make_dataclass
from typing import Any

import numpy as np

from ..data.audio_features import AUDIO_DATASETS, pick_analysed
from ..models.training import accuracy, initial_model
from ..probes.spectra import analyse_network
from ..verdicts import Verdict
from ._base import Experiment, Measured, ReportRow, RunContext
from ._seeds import Seeds
from ._spectral_common import (
    FULL_SETTINGS,
    LAPTOP_SETTINGS,
    NetworkConfig,
    claim_sentences,
    load_audio,
    make_claims,
    network_factory,
    train_network,
)

VARIANTS = {"relu_bn": "relu", "sigmoid": "sigmoid", "tanh": "tanh", "sine": "sine", "elu": "elu"}
"""Variant name -> activation. ``relu_bn`` always has batch-normalised convolutions (Fig. 18a); the
others have them when ``Config.variant_batch_norm`` is true."""
LABELS = {"relu_bn": "conv_bn + ReLU", "sigmoid": "sigmoid", "tanh": "tanh", "sine": "sine", "elu": "ELU"}
SEEDED = (
    "act_moves_up_fraction",
    "acdiff_aadiff_correlation",
    "acdiff_aadiff_correlation_shape",
    "aadiff_acdiff_amplitude_ratio",
    "lambda_eq36",
)
"""Quantities kept per training seed and untrained network (``{variant}_{key}_mean``)."""
PAPER = ("acts_move_up", "accumulated_opposite", "accumulated_opposite_shape", "lambda_positive")
"""The claims of :data:`._spectral_common.PAPER_CLAIMS` tested on every variant (Figs. 13 and 18)."""
LEARNED = ("act_moves_up_fraction", "acdiff_aadiff_correlation")
"""The quantities whose trained value is compared with untrained networks on every variant (ours)."""
_KEPT = (
    "act_moves_up_fraction",
    "act_moves_up_fraction_no_dc",
    "conv_moves_down_fraction",
    "act2_centroid_shift",
    "acdiff_aadiff_correlation",
    "aadiff_acdiff_amplitude_ratio",
    "lambda_eq36",
    "acdiff_aadiff_correlation_shape",
    "aadiff_acdiff_amplitude_ratio_shape",
)

Variant = make_dataclass(
    "Variant",
    [
        ("test_accuracy", float),
        ("test_accuracy_mean", float),
        *((key, float) for key in _KEPT),
        *((f"{key}_mean", Seeds) for key in SEEDED),
    ],
    frozen=True,
)
Variant.__module__ = __name__
Variant.__doc__ = (
    "One variant: the first seed's numbers and each claimed quantity over seeds beside untrained networks."
)

Metrics = make_dataclass(
    "Metrics",
    [
        ("train_recordings", int),
        ("test_recordings", int),
        ("analysed_recordings", int),
        ("training_seeds", int),
        ("control_seeds", int),
        *((v, Variant) for v in VARIANTS),
        ("variants_opposite_fraction", float),
    ],
    frozen=True,
)
Metrics.__module__ = __name__
Metrics.__doc__ = "What a run measures: one :class:`Variant` per variant (a variant not run holds no replicates)."

CLAIMS = tuple(c for v in VARIANTS for c in make_claims(f"{v}_", f"{LABELS[v]}: ", paper=PAPER, learned=LEARNED))


def _not_run() -> Any:  # a Variant (built by make_dataclass: no static type)
    nan = math.nan
    return Variant(nan, nan, *(nan for _ in _KEPT), *(Seeds.of([]) for _ in SEEDED))


@dataclass(frozen=True)
class Config(NetworkConfig):
    """The settings of Network-audio-1 (:class:`~._spectral_common.NetworkConfig`) plus the variants."""

    variants: tuple[str, ...] = tuple(VARIANTS)
    train_limit: int | None = 1000
    variant_batch_norm: bool = True  # batch norm for sigmoid/tanh/sine/ELU (see the scale table)

    def __post_init__(self):
        super().__post_init__()
        unknown = [v for v in self.variants if v not in VARIANTS]
        if unknown:
            raise ValueError(f"unknown variant(s) {', '.join(unknown)}: choose from {', '.join(VARIANTS)}")


def measure(config: Config, ctx: RunContext) -> Measured:
    """Train and analyse every variant with every training seed; analyse ``control_seeds`` untrained ones."""
    data = load_audio(config).to(ctx.device)
    analysed = pick_analysed(data.x_test, config.analysed, config.seed + 1)
    args = (data.sample_rate, config.low_band, config.grid_points)
    variants: dict[str, Any] = {v: _not_run() for v in VARIANTS}  # Variants
    arrays: dict[str, np.ndarray] = {}
    for k, variant in enumerate(config.variants):
        activation, batch_norm = VARIANTS[variant], variant == "relu_bn" or config.variant_batch_norm
        seeds = [config.seed + k + 1000 * s for s in range(max(config.training_seeds, config.control_seeds))]
        trained, untrained, accuracies = [], [], []
        for s, seed in enumerate(seeds[: config.training_seeds]):
            model, loss = train_network(config, data, seed, ctx.progress, activation=activation, batch_norm=batch_norm)
            accuracies.append(accuracy(model, data.x_test, data.y_test))
            found = analyse_network(model, analysed, *args, pooling_alternatives=False)
            trained.append(found.metrics)
            if s == 0:  # the first seed's network: the figures and the per-variant details
                first = {"test_accuracy": accuracies[0], **{key: found.metrics[key] for key in _KEPT}}
                arrays.update(
                    {
                        f"{variant}_{key}": found.arrays[key]
                        for key in ("act2_psi_in", "act2_psi_out", "acdiff", "aadiff", "acdiff_shape", "aadiff_shape")
                    }
                )
                arrays[f"{variant}_loss"], arrays["grid"] = loss, found.arrays["grid"]
        for s, seed in enumerate(seeds[: config.control_seeds]):
            control = analyse_network(
                initial_model(network_factory(config, data.classes, activation, batch_norm), seed, ctx.device),
                analysed,
                *args,
                pooling_alternatives=False,
            )
            untrained.append(control.metrics)
            if s == 0:
                arrays.update({f"{variant}_untrained_{key}": control.arrays[key] for key in ("acdiff", "aadiff")})
        seeded: dict[str, Seeds] = {
            f"{key}_mean": Seeds.of([m[key] for m in trained], [m[key] for m in untrained]) for key in SEEDED
        }
        variants[variant] = Variant(**first, test_accuracy_mean=float(np.mean(accuracies)), **seeded)
    corr = [variants[v].acdiff_aadiff_correlation_mean.value for v in config.variants]
    metrics = Metrics(
        train_recordings=int(data.x_train.shape[0]),
        test_recordings=int(data.x_test.shape[0]),
        analysed_recordings=int(analysed.shape[0]),
        training_seeds=config.training_seeds,
        control_seeds=config.control_seeds,
        **variants,
        variants_opposite_fraction=float(np.mean(np.array(corr) < 0)),
    )
    notes = [
        f"Each variant trained on {metrics.train_recordings} recordings for {config.epochs} epochs with "
        f"{config.training_seeds} seeds; spectra over {metrics.analysed_recordings} of the "
        f"{metrics.test_recordings} test recordings. Control: {config.control_seeds} untrained networks per "
        "variant (the first ones are the trained networks' initialisations); no shuffled-label control here.",
        "Convolutions of the sigmoid/tanh/sine/ELU variants are "
        + ("batch-normalised." if config.variant_batch_norm else "not batch-normalised."),
        data.note,
    ]
    return Measured(metrics, arrays, data.data_source, notes)


def findings(metrics: dict, verdicts: dict[str, Verdict]) -> list[str]:
    """Plain-language verdicts for every variant run, computed from the engine's verdicts."""
    out = []
    said = claim_sentences(CLAIMS, verdicts)
    for v in (v for v in VARIANTS if np.isfinite(metrics.get(f"{v}_test_accuracy_mean") or math.nan)):
        accuracy_mean = metrics[f"{v}_test_accuracy_mean"]
        out.append(
            f"{LABELS[v]} (mean test accuracy {100 * accuracy_mean:.1f} %): "
            + " ".join(said[f"{v}_{cid}"] for cid in PAPER)
            + " Is it learned? "
            + " ".join(said[f"{v}_{key}_learned"] for key in LEARNED)
            + (
                " This network barely learned (accuracy below 30 %), so its verdict weighs little."
                if accuracy_mean < 0.3
                else ""
            )
        )
    if "variants_opposite_fraction" in metrics:
        out.append(
            f"Overall {100 * metrics['variants_opposite_fraction']:.0f} % of the variants run have a negative mean "
            "correlation of ACDIFF and AADIFF (mean over training seeds; a count, not a test)."
        )
    return out


EXPERIMENT = Experiment(
    name="spectral-shift-activations",
    title="Spectral shifts with other activations and with convolution_bn (Network-audio-1)",
    paper="wu2022modulation",
    reproduces="Wu et al. (2022) §3.2 Fig. 13 and §4 Fig. 18",
    config=Config,
    scales={
        # At ci scale an 8-layer sigmoid network without batch norm stays at chance (10 %) after a few
        # epochs; with batch norm every variant learns, so ci and laptop normalise all variants.
        "ci": dict(
            length=2048,
            decimate=2,
            width=0.125,
            pool_size=4,
            epochs=4,
            train_limit=400,
            analysed=200,
            variant_batch_norm=True,
        ),
        "laptop": dict(LAPTOP_SETTINGS, train_limit=None, variant_batch_norm=True),
        "full": dict(FULL_SETTINGS, train_limit=None, variant_batch_norm=False),
    },
    measure=measure,
    notebook="notebooks/spectral_shift_activations",
    datasets=AUDIO_DATASETS,
    report_rows=tuple(
        ReportRow(
            "Wu §4 (Fig. 18)",
            f"{label}: correlation of ACDIFF and AADIFF",
            f"{key}_acdiff_aadiff_correlation_mean",
            "opposite directions (negative; no number)",
            claim=f"{key}_accumulated_opposite",
        )
        for key, label in (("relu_bn", "conv_bn + ReLU"), ("sigmoid", "sigmoid"), ("sine", "sine"), ("tanh", "tanh"))
    )
    + tuple(
        ReportRow(
            "Wu §3.2 (Fig. 13)",
            f"{act}: fraction of activation layers raising the centroid",
            f"{act}_act_moves_up_fraction_mean",
            "generalised shift observed (no number)",
            claim=f"{act}_acts_move_up",
        )
        for act in ("sigmoid", "tanh", "sine", "elu")
    ),
    findings=findings,
    metrics=Metrics,
    claims=CLAIMS,
)
make_config, run = EXPERIMENT.make_config, EXPERIMENT.run
