"""Wu et al. (2022), §3.1.3, §3.2, §3.3 and §4: energy-spectrum "generalised shifts" inside a trained
1-D audio CNN (Network-audio-1, a VGG-11 for waveforms), beside the same network untrained.

Network-audio-1 is trained on spoken digits (FSDD; UrbanSound8K, the paper's data, at ``full``
scale when present) with several seeds. Streaming hooks average the energy spectra of the input
and output of every convolution (psi^x, psi^y, Eqs. 15-20), activation (psi^a, Eq. 26) and
pooling layer. Each claim becomes a number: the centroid shift of each layer, CDIFF/ADIFF
(Eqs. 31-32), their sums ACDIFF/AADIFF (Eqs. 33-34), their correlation, amplitude ratio and the
lambda of Eq. 36. Every claim about training is measured on the untrained network with the same
initialisation seeds too (and, where the scale allows, on networks trained on shuffled labels).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from ..controls import controlled_means, directional_verdict
from ..data.audio_features import AUDIO_DATASETS as DATASETS
from ..data.audio_features import AudioSplit, load_audio_split, pick_analysed
from ..models import AudioVGG11
from ..probes.spectra import analyse_network
from ..training import accuracy, initial_model, train_seeded
from ._base import BaseConfig, Experiment, Measured, ReportRow, RunContext

SAMPLE_RATE = 8000
CONTROL = "untrained, 3 seeds"

CLAIMS: dict[str, tuple[Callable[[float], bool], int]] = {
    "conv2_centroid_shift": (lambda v: v < 0, -1),  # Fig. 9: Conv2 moves energy down
    "act2_centroid_shift": (lambda v: v > 0, +1),  # Fig. 11: ReLU2 moves it up
    "conv_moves_down_fraction": (lambda v: v > 0.5, +1),  # Fig. 10
    "act_moves_up_fraction": (lambda v: v > 0.5, +1),  # Fig. 12
    "acdiff_aadiff_correlation": (lambda v: v < 0, -1),  # Fig. 17: opposite directions
    "acdiff_aadiff_correlation_shape": (lambda v: v < 0, -1),
    "aadiff_acdiff_amplitude_ratio": (lambda v: 0.5 <= v <= 2.0, +1),  # Fig. 17: close amplitudes
    "lambda_eq36": (lambda v: 0 < v < 1, +1),  # Eq. 36: activations undo part of the shift
    "cdiff_adiff_opposite_fraction": (lambda v: v > 0.5, +1),  # Fig. 16, bin by bin
    "cdiff_adiff_anticorrelated_pairs": (lambda v: v > 0.5, +1),  # Fig. 16, layer pair by layer pair
}
"""Claims about the trained network: metric -> (does a value have the property the paper reports?,
the side of the controls' spread on which training would have produced it: -1 below, +1 above).
Each is stored over training seeds as ``{metric}_mean`` with the untrained spread beside it."""


@dataclass(frozen=True)
class Config(BaseConfig):
    """Settings of one run; the scale table gives the ones of each scale."""

    dataset: str = "fsdd"
    length: int = 2048  # samples per recording after decimation
    decimate: int = 2  # 8 kHz -> 4 kHz
    width: float = 0.125  # VGG-11 channel multiplier
    pool_size: int = 4
    batch_norm: bool = False
    activation: str = "relu"
    epochs: int = 8
    batch_size: int = 32
    lr: float = 2e-3
    train_limit: int | None = None  # training recordings used (None: all)
    analysed: int | None = None  # recordings analysed (None: the whole test split)
    low_band: float = 0.125  # cycles per input sample: the "low band" of low_band_fraction
    grid_points: int = 257  # common frequency grid of ACDIFF / AADIFF
    training_seeds: int = 3  # trained networks: seeds seed, seed + 1000, ...
    shuffled_seeds: int = 0  # networks trained on shuffled labels (a second control)

    def __post_init__(self):
        if self.training_seeds < 1 or self.shuffled_seeds < 0:
            raise ValueError(
                f"training_seeds must be >= 1 and shuffled_seeds >= 0, got {self.training_seeds} "
                f"and {self.shuffled_seeds}"
            )
        if self.train_limit is not None and self.train_limit < 1:
            raise ValueError(f"train_limit must be a positive number of recordings or None, got {self.train_limit}")


def load_audio(config: Config) -> AudioSplit:
    """The configuration's data set, split (see :func:`~sigcnn.data.audio_features.load_audio_split`)."""
    return load_audio_split(
        config.dataset, config.length, config.decimate, config.train_limit, config.seed, SAMPLE_RATE
    )


def network_factory(
    config: Config, classes: int, activation: str | None = None, batch_norm: bool | None = None
) -> Callable[[], AudioVGG11]:
    """A builder of Network-audio-1 with the configuration's settings (no seeding: see ``train_seeded``)."""

    def build() -> AudioVGG11:
        return AudioVGG11(
            num_classes=classes,
            activation=activation or config.activation,
            batch_norm=config.batch_norm if batch_norm is None else batch_norm,
            width=config.width,
            pool_size=config.pool_size,
        )

    return build


def train_network(
    config: Config,
    data: AudioSplit,
    seed: int,
    progress: bool = False,
    activation: str | None = None,
    batch_norm: bool | None = None,
    shuffle_labels: bool = False,
) -> tuple[AudioVGG11, np.ndarray]:
    """Network-audio-1 trained by :func:`~sigcnn.training.train_seeded` with ``seed``; ``(model, loss per epoch)``.

    ``shuffle_labels`` permutes the training labels (generator seeded with ``seed + 7``): the
    shuffled-label control.
    """
    labels = data.y_train
    if shuffle_labels:
        labels = labels[
            torch.randperm(labels.shape[0], generator=torch.Generator().manual_seed(seed + 7)).to(labels.device)
        ]
    run = train_seeded(
        network_factory(config, data.classes, activation, batch_norm),
        data.x_train,
        labels,
        seed=seed,
        epochs=config.epochs,
        batch_size=config.batch_size,
        lr=config.lr,
        progress=progress,
        desc=f"Network-audio-1 ({activation or config.activation}, seed {seed})",
    )
    return run.model, np.array(run.log.loss)


def measure(config: Config, ctx: RunContext) -> Measured:
    """Train Network-audio-1 with every training seed, analyse it and its untrained initialisation."""
    data = load_audio(config).to(ctx.device)
    analysed = pick_analysed(data.x_test, config.analysed, config.seed)
    seeds = [config.seed + 1000 * k for k in range(config.training_seeds)]
    args = (data.sample_rate, config.low_band, config.grid_points)
    trained, untrained, shuffled, accuracies = [], [], [], []
    for k, seed in enumerate(seeds):
        model, loss = train_network(config, data, seed, ctx.progress)
        accuracies.append(accuracy(model, data.x_test, data.y_test))
        found = analyse_network(model, analysed, *args, pooling_alternatives=k == 0)
        control = analyse_network(
            initial_model(network_factory(config, data.classes), seed, ctx.device),
            analysed,
            *args,
            pooling_alternatives=False,
        )
        if k == 0:  # the first seed's network: every per-layer number and the figures
            first = found
            first.metrics.update(
                test_accuracy=accuracies[0], train_accuracy=accuracy(model, data.x_train, data.y_train)
            )
            first.arrays.update(
                loss=loss,
                **{
                    f"untrained_{key}": control.arrays[key]
                    for key in ("acdiff", "aadiff", "acdiff_shape", "aadiff_shape")
                },
            )
        trained.append(found.metrics)
        untrained.append(control.metrics)
    for k in range(config.shuffled_seeds):
        model, _ = train_network(config, data, seeds[k % len(seeds)], ctx.progress, shuffle_labels=True)
        shuffled.append(analyse_network(model, analysed, *args, pooling_alternatives=False).metrics)
    metrics = dict(
        first.metrics,
        train_recordings=int(data.x_train.shape[0]),
        test_recordings=int(data.x_test.shape[0]),
        test_accuracy_mean=float(np.mean(accuracies)),
        test_accuracy_min=min(accuracies),
        test_accuracy_max=max(accuracies),
        training_seeds=len(seeds),
        control_seeds=len(untrained),
        shuffled_seeds=len(shuffled),
    )
    metrics.update(controlled_means(trained, untrained, shuffled, CLAIMS))
    first.arrays["input_sample_rate"] = np.array(data.sample_rate)
    notes = [
        f"Recordings centre-cropped or zero-padded to {config.length} samples at {data.sample_rate:g} Hz "
        f"(decimated by {config.decimate}); {metrics['train_recordings']} training recordings, "
        f"{config.epochs} epochs; analysed: {metrics['analysed_recordings']} test recordings.",
        f"Claims: mean over {len(seeds)} training seeds ({', '.join(map(str, seeds))}); control: the same "
        f"network untrained with the same initialisation seeds"
        + (
            f", and {len(shuffled)} networks trained on shuffled labels."
            if shuffled
            else "; no shuffled-label control at this scale (budget)."
        ),
        f"Per-layer numbers and figures: the network of seed {seeds[0]}.",
    ]
    if config.dataset == "fsdd":
        notes.append(
            "FSDD stands in for the paper's UrbanSound8K (not available offline); "
            "test split = recordings 0-4 of each speaker and digit."
        )
    return Measured(metrics, first.arrays, data.data_source, notes)


def claim_verdict(metrics: dict, key: str) -> str:
    """Words for one claim of :data:`CLAIMS` (see :func:`~sigcnn.controls.directional_verdict`)."""
    return directional_verdict(metrics, f"{key}_mean", *CLAIMS[key])


def findings(metrics: dict) -> list[str]:
    """Plain-language verdicts on Wu et al.'s claims, each beside its untrained control."""
    out = [
        f"Conv2 centroid shift (Fig. 9, paper: down), cycles/sample: {claim_verdict(metrics, 'conv2_centroid_shift')}",
        f"ReLU2 centroid shift (Fig. 11, paper: up): {claim_verdict(metrics, 'act2_centroid_shift')} Without the DC "
        f"bin the first network's ReLU2 shift is {metrics['act2_centroid_no_dc_shift']:+.4f}.",
        f"Fraction of convolutions lowering the centroid (Fig. 10): {claim_verdict(metrics, 'conv_moves_down_fraction')}",
        f"Fraction of activations raising the centroid (Fig. 12): {claim_verdict(metrics, 'act_moves_up_fraction')}",
        f"Correlation of ACDIFF and AADIFF (Fig. 17, paper: opposite): "
        f"{claim_verdict(metrics, 'acdiff_aadiff_correlation')}",
        f"The same with every spectrum scaled to unit energy (shape only, ours): "
        f"{claim_verdict(metrics, 'acdiff_aadiff_correlation_shape')}",
        f"Amplitude ratio norm(AADIFF)/norm(ACDIFF) (Fig. 17, paper: close): "
        f"{claim_verdict(metrics, 'aadiff_acdiff_amplitude_ratio')}",
        f"Lambda of Eq. 36: {claim_verdict(metrics, 'lambda_eq36')}",
        f"Fraction of (layer, frequency) bins where CDIFF and ADIFF have opposite signs (Fig. 16): "
        f"{claim_verdict(metrics, 'cdiff_adiff_opposite_fraction')}",
        f"Pooling (ours; the paper's Fig. 14 is a schematic): in hertz, Pool1 moves the centroid by "
        f"{metrics['pool1_centroid_shift_hz']:+.1f} Hz (max pooling), {metrics['pool1_avg_centroid_shift_hz']:+.1f} Hz "
        f"(average) and {metrics['pool1_spectral_centroid_shift_hz']:+.1f} Hz (spectral pooling, an ideal low-pass "
        "decimation: it only removes the energy above the new Nyquist frequency).",
    ]
    return out


def _row(reproduces: str, quantity: str, key: str, paper: str) -> ReportRow:
    return ReportRow(reproduces, quantity, f"{key}_mean", paper, control=CONTROL)


LAPTOP_SETTINGS = dict(length=4096, decimate=2, width=0.25, pool_size=4, epochs=15)
"""Network-audio-1 and its training at the ``laptop`` scale (FSDD), shared with the activation study."""
FULL_SETTINGS = dict(dataset="urbansound8k", length=16000, decimate=2, width=1.0, pool_size=2, epochs=30, analysed=1000)
"""The same at the ``full`` scale: the paper's UrbanSound8K clips, full width, 30 epochs."""


EXPERIMENT = Experiment(
    name="spectral-shift",
    title="Energy-spectrum generalised shifts in a trained 1-D audio CNN (Network-audio-1)",
    paper="wu2022modulation",
    reproduces="Wu et al. (2022) §3.1.3-§4, Figs. 9-12, 16, 17 and Eq. 36; pooling spectra of §3.3",
    config=Config,
    scales={
        "ci": dict(length=2048, decimate=2, width=0.125, pool_size=4, epochs=8, train_limit=900, analysed=None),
        "laptop": dict(LAPTOP_SETTINGS, analysed=None, shuffled_seeds=3),
        "full": dict(FULL_SETTINGS, shuffled_seeds=3),
    },
    measure=measure,
    notebook="notebooks/spectral_shift",
    datasets=DATASETS,
    report_rows=(
        _row(
            "Wu §3.1.3 (Fig. 9)",
            "Conv2: change of spectral centroid, out - in (cycles/sample; < 0 = down)",
            "conv2_centroid_shift",
            "moves to low frequency (no number)",
        ),
        _row(
            "Wu §3.2 (Fig. 11)",
            "ReLU2: change of spectral centroid, out - in (cycles/sample; > 0 = up)",
            "act2_centroid_shift",
            "moves to high frequency (no number)",
        ),
        _row(
            "Wu §3.1.3 (Fig. 10)",
            "fraction of convolutions that lower the spectral centroid",
            "conv_moves_down_fraction",
            "generalised shift in every layer (no number)",
        ),
        _row(
            "Wu §3.2 (Fig. 12)",
            "fraction of ReLUs that raise the spectral centroid",
            "act_moves_up_fraction",
            "opposite to the convolutions (no number)",
        ),
        _row(
            "Wu §4 (Fig. 17)",
            "correlation of ACDIFF and AADIFF",
            "acdiff_aadiff_correlation",
            "opposite directions (negative; no number)",
        ),
        _row(
            "Wu §4 (Fig. 17), shape only",
            "correlation of ACDIFF and AADIFF, unit-energy spectra (ours)",
            "acdiff_aadiff_correlation_shape",
            "opposite directions (negative; no number)",
        ),
        _row(
            "Wu §4 (Fig. 17)",
            "amplitude ratio norm(AADIFF) / norm(ACDIFF)",
            "aadiff_acdiff_amplitude_ratio",
            "close amplitudes (no number given)",
        ),
        _row("Wu §4 (Eq. 36)", "lambda in AADIFF = -lambda ACDIFF (least squares)", "lambda_eq36", "no number"),
        _row(
            "Wu §4 (Fig. 16)",
            "(layer, frequency) bins where CDIFF and ADIFF have opposite signs (fraction)",
            "cdiff_adiff_opposite_fraction",
            "opposite directions (no number)",
        ),
        _row(
            "Wu §4 (Fig. 16)",
            "conv/activation layer pairs whose CDIFF and ADIFF correlate negatively (fraction)",
            "cdiff_adiff_anticorrelated_pairs",
            "opposite directions (no number)",
        ),
        ReportRow(
            "Wu §3.3 (Fig. 14, schematic)",
            "Pool1, max pooling: change of spectral centroid (Hz)",
            "pool1_centroid_shift_hz",
            "no measurement in the paper",
            source="ours",
        ),
        ReportRow(
            "Wu §3.3 (Fig. 14, schematic)",
            "Pool1, average pooling: change of spectral centroid (Hz)",
            "pool1_avg_centroid_shift_hz",
            "no measurement in the paper",
            source="ours",
        ),
        ReportRow(
            "Wu §3.3 (Fig. 14, schematic)",
            "Pool1, spectral pooling: change of spectral centroid (Hz)",
            "pool1_spectral_centroid_shift_hz",
            "no measurement in the paper",
            source="ours",
        ),
        ReportRow(
            "Wu §3.1.3 (Network-audio-1)",
            "test accuracy of the analysed network (mean over training seeds)",
            "test_accuracy_mean",
            "not reported",
            source="ours",
            format="percent",
        ),
    ),
    findings=findings,
)
make_config, run = EXPERIMENT.make_config, EXPERIMENT.run
NAME = EXPERIMENT.name
