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

import math
from collections.abc import Callable
from dataclasses import dataclass, make_dataclass

import numpy as np
import torch

from ..data.audio_features import AUDIO_DATASETS as DATASETS
from ..data.audio_features import AudioSplit, load_audio_split, pick_analysed
from ..models import AudioVGG11
from ..models.audio_vgg import VGG11_PLAN
from ..models.training import accuracy, initial_model, train_seeded
from ..probes.spectra import analyse_network
from ..verdicts import Claim, Verdict, sentence
from ._base import BaseConfig, Experiment, Measured, ReportRow, RunContext
from ._seeds import Seeds, transformed

SAMPLE_RATE = 8000
CONTROL = "untrained networks"

SIDES: dict[str, str] = {
    "conv2_centroid_shift": "less",  # Fig. 9: Conv2 moves energy down
    "act2_centroid_shift": "greater",  # Fig. 11: ReLU2 moves it up
    "conv_moves_down_fraction": "greater",  # Fig. 10
    "act_moves_up_fraction": "greater",  # Fig. 12
    "acdiff_aadiff_correlation": "less",  # Fig. 17: opposite directions
    "acdiff_aadiff_correlation_shape": "less",
    "aadiff_acdiff_amplitude_ratio": "greater",  # Fig. 17: close amplitudes (untrained: about 0.5)
    "lambda_eq36": "greater",  # Eq. 36: activations undo part of the shift
    "cdiff_adiff_opposite_fraction": "greater",  # Fig. 16, bin by bin
    "cdiff_adiff_anticorrelated_pairs": "greater",  # Fig. 16, layer pair by layer pair
}
"""Per quantity measured on every seed: the side on which training would have produced the paper's
property, relative to untrained networks (our "is it learned?" claims)."""

PAPER_CLAIMS: tuple[tuple[str, str, str, str, float, str], ...] = (
    (
        "conv2_down",
        "Conv2 moves the energy spectrum to lower frequencies (Fig. 9: centroid shift < 0)",
        "conv2_centroid_shift",
        "less",
        0.0,
        "paper",
    ),
    (
        "act2_up",
        "ReLU2 moves it to higher frequencies (Fig. 11: centroid shift > 0)",
        "act2_centroid_shift",
        "greater",
        0.0,
        "paper",
    ),
    (
        "convs_move_down",
        "convolutions lower the spectral centroid (Fig. 10: in more than half of them)",
        "conv_moves_down_fraction",
        "greater",
        0.5,
        "paper",
    ),
    (
        "acts_move_up",
        "activations raise the spectral centroid (Fig. 12: in more than half of them)",
        "act_moves_up_fraction",
        "greater",
        0.5,
        "paper",
    ),
    (
        "accumulated_opposite",
        "ACDIFF and AADIFF point in opposite directions (Fig. 17: correlation < 0)",
        "acdiff_aadiff_correlation",
        "less",
        0.0,
        "paper",
    ),
    (
        "accumulated_opposite_shape",
        "ACDIFF and AADIFF of unit-energy spectra point in opposite directions (correlation < 0)",
        "acdiff_aadiff_correlation_shape",
        "less",
        0.0,
        "ours",
    ),
    (
        "amplitudes_close",
        "the amplitudes of ACDIFF and AADIFF are close (Fig. 17; ours: norm ratio within a "
        "factor 2, i.e. 1 - |log2 ratio| > 0)",
        "amplitude_closeness",
        "greater",
        0.0,
        "paper",
    ),
    (
        "lambda_positive",
        "activations undo part of the convolutions' shift (Eq. 36: lambda > 0)",
        "lambda_eq36",
        "greater",
        0.0,
        "paper",
    ),
    ("lambda_below_one", "they undo only part of it (Eq. 36: lambda < 1)", "lambda_eq36", "less", 1.0, "paper"),
    (
        "bins_opposite",
        "CDIFF and ADIFF have opposite signs (Fig. 16: in more than half of the (layer, frequency) bins)",
        "cdiff_adiff_opposite_fraction",
        "greater",
        0.5,
        "paper",
    ),
    (
        "pairs_anticorrelated",
        "CDIFF and ADIFF of a conv/activation pair are anticorrelated (Fig. 16: in more than half of the pairs)",
        "cdiff_adiff_anticorrelated_pairs",
        "greater",
        0.5,
        "paper",
    ),
)
"""The paper's statements about a trained Network-audio-1: (id, statement, quantity, direction, null, source),
tested on the training seeds against the null (one sample)."""

LEARNED = tuple(SIDES)
"""Quantities whose trained value is also compared with untrained networks (ours: is it learned?)."""


def amplitude_closeness(ratio: float) -> float:
    """``1 - |log2 ratio|``: positive when the norms are within a factor 2 of each other."""
    return 1.0 - abs(math.log2(ratio)) if ratio > 0 and math.isfinite(ratio) else math.nan


def make_claims(
    prefix: str = "", label: str = "", paper: tuple[str, ...] | None = None, learned: tuple[str, ...] | None = None
) -> tuple[Claim, ...]:
    """The paper's claims (one sample, against the null) and ours (trained vs untrained networks),
    reading the keys ``{prefix}{quantity}_mean_replicates`` / ``_control``; ``paper``/``learned`` pick ids/quantities."""
    out = []
    for cid, text, key, direction, null, source in PAPER_CLAIMS:
        if paper is not None and cid not in paper:
            continue
        out.append(
            Claim(
                f"{prefix}{cid}",
                f"{label}{text}",
                f"{prefix}{key}_mean_replicates",
                direction,
                "training seeds",
                null=null,
                source=source,
                no_control=f"a property of the trained network; {null:g} is where the claimed property starts",
            )
        )
    for key in learned if learned is not None else LEARNED:
        direction = SIDES[key]
        out.append(
            Claim(
                f"{prefix}{key}_learned",
                f"{label}training moves {key.replace('_', ' ')} to the paper's side "
                f"({'above' if direction == 'greater' else 'below'} untrained networks)",
                f"{prefix}{key}_mean_replicates",
                direction,
                "training seeds",
                control=f"{prefix}{key}_mean_control",
                control_label=CONTROL,
                source="ours",
            )
        )
    return tuple(out)


CLAIMS = make_claims()

_CONVS = tuple(f"conv{i + 1}" for i in range(sum(isinstance(v, int) for v in VGG11_PLAN)))
_ACTS = tuple(f"act{i + 1}" for i in range(len(_CONVS)))
_POOLS = tuple(f"pool{i + 1}" for i in range(VGG11_PLAN.count("M")))
LAYER_KEYS = (
    "centroid_in",
    "centroid_no_dc_in",
    "lowband_in",
    "centroid_out",
    "centroid_no_dc_out",
    "lowband_out",
    "centroid_shift",
    "centroid_shift_hz",
    "centroid_no_dc_shift",
    "centroid_no_dc_shift_hz",
    "lowband_shift",
)
SUMMARY_KEYS = (
    "conv_moves_down_fraction",
    "conv_moves_down_fraction_no_dc",
    "act_moves_up_fraction",
    "act_moves_up_fraction_no_dc",
    *(
        f"{k}{s}"
        for s in ("", "_shape")
        for k in (
            "acdiff_aadiff_correlation",
            "aadiff_acdiff_amplitude_ratio",
            "lambda_eq36",
            "cdiff_adiff_opposite_fraction",
            "cdiff_adiff_anticorrelated_pairs",
        )
    ),
)
"""Numbers :func:`~sigcnn.probes.spectra.analyse_network` gives for one network (beside the per-layer ones)."""
FIRST_SEED_FIELDS: tuple[tuple[str, type], ...] = (
    ("analysed_recordings", int),
    ("spectra_seconds", float),
    ("silent_layers", int),
    *(
        (f"{name}_{key}", float)
        for name in (*_CONVS, *_ACTS, *_POOLS, *(f"{p}_{alt}" for p in _POOLS for alt in ("avg", "spectral")))
        for key in LAYER_KEYS
    ),
    *((key, float) for key in SUMMARY_KEYS),
    ("test_accuracy", float),
    ("train_accuracy", float),
)
"""The first seed's network: every per-layer number (flat keys ``{layer}_{number}``, as stored runs have them)."""

Metrics = make_dataclass(
    "Metrics",
    [
        *FIRST_SEED_FIELDS,
        ("train_recordings", int),
        ("test_recordings", int),
        ("test_accuracy_mean", float),
        ("test_accuracy_min", float),
        ("test_accuracy_max", float),
        ("training_seeds", int),
        ("control_seeds", int),
        ("shuffled_seeds", int),
        *((f"{key}_mean", Seeds) for key in SIDES),
        ("amplitude_closeness_mean", Seeds),
    ],
    frozen=True,
)
Metrics.__module__ = __name__
Metrics.__doc__ = (
    "What a run measures: the first seed's per-layer numbers, and each claimed quantity over the training "
    "seeds beside untrained networks (``{key}_mean``: see :class:`~._seeds.Seeds`)."
)


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
    control_seeds: int = 20  # untrained networks (no training: cheap), seeds seed, seed + 1000, ...
    shuffled_seeds: int = 0  # networks trained on shuffled labels (a second control, not tested)

    def __post_init__(self):
        if self.control_seeds < 2:
            raise ValueError(f"control_seeds must be >= 2 (the test needs a spread), got {self.control_seeds}")
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
    """Network-audio-1 trained by :func:`~sigcnn.models.training.train_seeded` with ``seed``; ``(model, loss per epoch)``.

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


def seeds_of(trained: list[dict], untrained: list[dict], shuffled: list[dict], prefix: str = "") -> dict[str, Seeds]:
    """Per quantity of :data:`SIDES` (and the amplitude closeness), the :class:`Seeds` of its per-seed values,
    under the metrics field names ``{prefix}{key}_mean``."""
    out = {
        f"{prefix}{key}_mean": Seeds.of(*([m[key] for m in arm] for arm in (trained, untrained, shuffled)))
        for key in SIDES
    }
    out[f"{prefix}amplitude_closeness_mean"] = transformed(
        out[f"{prefix}aadiff_acdiff_amplitude_ratio_mean"], amplitude_closeness
    )
    return out


def measure(config: Config, ctx: RunContext) -> Measured:
    """Train Network-audio-1 with every training seed and analyse it; analyse ``control_seeds`` untrained ones."""
    data = load_audio(config).to(ctx.device)
    analysed = pick_analysed(data.x_test, config.analysed, config.seed)
    seeds = [config.seed + 1000 * k for k in range(max(config.training_seeds, config.control_seeds))]
    args = (data.sample_rate, config.low_band, config.grid_points)
    trained, untrained, shuffled, accuracies = [], [], [], []
    for k, seed in enumerate(seeds[: config.training_seeds]):
        model, loss = train_network(config, data, seed, ctx.progress)
        accuracies.append(accuracy(model, data.x_test, data.y_test))
        found = analyse_network(model, analysed, *args, pooling_alternatives=k == 0)
        if k == 0:  # the first seed's network: every per-layer number and the figures
            first = found
            first.metrics.update(
                test_accuracy=accuracies[0], train_accuracy=accuracy(model, data.x_train, data.y_train)
            )
            first.arrays["loss"] = loss
        trained.append(found.metrics)
    # Untrained networks cost no training: many initialisation seeds give the control a distribution
    # (the first ones are the trained networks' own initialisations).
    for k, seed in enumerate(seeds[: config.control_seeds]):
        control = analyse_network(
            initial_model(network_factory(config, data.classes), seed, ctx.device),
            analysed,
            *args,
            pooling_alternatives=False,
        )
        if k == 0:
            first.arrays.update(
                {
                    f"untrained_{key}": control.arrays[key]
                    for key in ("acdiff", "aadiff", "acdiff_shape", "aadiff_shape")
                }
            )
        untrained.append(control.metrics)
    for k in range(config.shuffled_seeds):
        model, _ = train_network(config, data, seeds[k % config.training_seeds], ctx.progress, shuffle_labels=True)
        shuffled.append(analyse_network(model, analysed, *args, pooling_alternatives=False).metrics)
    metrics = Metrics(
        **{name: first.metrics[name] for name, _ in FIRST_SEED_FIELDS},
        train_recordings=int(data.x_train.shape[0]),
        test_recordings=int(data.x_test.shape[0]),
        test_accuracy_mean=float(np.mean(accuracies)),
        test_accuracy_min=min(accuracies),
        test_accuracy_max=max(accuracies),
        training_seeds=config.training_seeds,
        control_seeds=len(untrained),
        shuffled_seeds=len(shuffled),
        **seeds_of(trained, untrained, shuffled),
    )
    first.arrays["input_sample_rate"] = np.array(data.sample_rate)
    trained_seeds = seeds[: config.training_seeds]
    notes = [
        f"Recordings centre-cropped or zero-padded to {config.length} samples at {data.sample_rate:g} Hz "
        f"(decimated by {config.decimate}); {metrics.train_recordings} training recordings, "
        f"{config.epochs} epochs; analysed: {metrics.analysed_recordings} test recordings.",
        f"Claims: {len(trained_seeds)} training seeds ({', '.join(map(str, trained_seeds))}); control: "
        f"{len(untrained)} untrained networks (initialisation seeds {seeds[0]}, {seeds[1] if len(seeds) > 1 else ''}"
        f" ..., the first {len(trained_seeds)} being the trained networks' own initialisations)"
        + (
            f"; {len(shuffled)} networks trained on shuffled labels are shown, not tested."
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


def claim_sentences(claims: tuple[Claim, ...], verdicts: dict[str, Verdict], prefix: str = "") -> dict[str, str]:
    """Per claim id (without ``prefix``), the engine's sentence for it."""
    return {c.id.removeprefix(prefix): sentence(c, verdicts[c.id]) for c in claims}


def findings(metrics: dict, verdicts: dict[str, Verdict]) -> list[str]:
    """Plain-language verdicts on Wu et al.'s claims, computed from the engine's verdicts."""
    said = claim_sentences(CLAIMS, verdicts)
    label = {
        "conv2_down": "Conv2 centroid shift (Fig. 9)",
        "act2_up": "ReLU2 centroid shift (Fig. 11)",
        "convs_move_down": "Convolutions lowering the centroid (Fig. 10)",
        "acts_move_up": "Activations raising the centroid (Fig. 12)",
        "accumulated_opposite": "ACDIFF against AADIFF (Fig. 17)",
        "accumulated_opposite_shape": "The same with unit-energy spectra (shape only, ours)",
        "amplitudes_close": "Amplitudes of ACDIFF and AADIFF (Fig. 17)",
        "lambda_positive": "Lambda of Eq. 36",
        "lambda_below_one": "Lambda of Eq. 36",
        "bins_opposite": "Opposite signs bin by bin (Fig. 16)",
        "pairs_anticorrelated": "Anticorrelated layer pairs (Fig. 16)",
    }
    out = [f"{label[cid]}: {said[cid]}" for cid in label]
    out += [f"Is it learned? {said[f'{key}_learned']}" for key in LEARNED]
    out.append(
        f"Without the DC bin the first network's ReLU2 shift is {metrics['act2_centroid_no_dc_shift']:+.4f} "
        "cycles/sample."
    )
    out.append(
        f"Pooling (ours; the paper's Fig. 14 is a schematic): in hertz, Pool1 moves the centroid by "
        f"{metrics['pool1_centroid_shift_hz']:+.1f} Hz (max pooling), {metrics['pool1_avg_centroid_shift_hz']:+.1f} Hz "
        f"(average) and {metrics['pool1_spectral_centroid_shift_hz']:+.1f} Hz (spectral pooling, an ideal low-pass "
        "decimation: it only removes the energy above the new Nyquist frequency)."
    )
    return out


def _row(reproduces: str, quantity: str, key: str, paper: str, claim: str) -> ReportRow:
    return ReportRow(reproduces, quantity, f"{key}_mean", paper, claim=claim)


def _learned_row(key: str, quantity: str) -> ReportRow:
    return ReportRow(
        "ours (is it learned?)",
        f"{quantity}: trained vs untrained",
        f"{key}_mean",
        "no claim",
        source="ours",
        control=CONTROL,
        claim=f"{key}_learned",
    )


_PAPER_ROWS = (
    (
        "Wu §3.1.3 (Fig. 9)",
        "Conv2: change of spectral centroid, out - in (cycles/sample; < 0 = down)",
        "conv2_centroid_shift",
        "moves to low frequency (no number)",
        "conv2_down",
    ),
    (
        "Wu §3.2 (Fig. 11)",
        "ReLU2: change of spectral centroid, out - in (cycles/sample; > 0 = up)",
        "act2_centroid_shift",
        "moves to high frequency (no number)",
        "act2_up",
    ),
    (
        "Wu §3.1.3 (Fig. 10)",
        "fraction of convolutions that lower the spectral centroid",
        "conv_moves_down_fraction",
        "generalised shift in every layer (no number)",
        "convs_move_down",
    ),
    (
        "Wu §3.2 (Fig. 12)",
        "fraction of ReLUs that raise the spectral centroid",
        "act_moves_up_fraction",
        "opposite to the convolutions (no number)",
        "acts_move_up",
    ),
    (
        "Wu §4 (Fig. 17)",
        "correlation of ACDIFF and AADIFF",
        "acdiff_aadiff_correlation",
        "opposite directions (negative; no number)",
        "accumulated_opposite",
    ),
    (
        "Wu §4 (Fig. 17), shape only",
        "correlation of ACDIFF and AADIFF, unit-energy spectra (ours)",
        "acdiff_aadiff_correlation_shape",
        "opposite directions (negative; no number)",
        "accumulated_opposite_shape",
    ),
    (
        "Wu §4 (Fig. 17)",
        "amplitude ratio norm(AADIFF) / norm(ACDIFF)",
        "aadiff_acdiff_amplitude_ratio",
        "close amplitudes (no number given)",
        "amplitudes_close",
    ),
    (
        "Wu §4 (Eq. 36)",
        "lambda in AADIFF = -lambda ACDIFF (least squares)",
        "lambda_eq36",
        "positive (no number)",
        "lambda_positive",
    ),
    (
        "Wu §4 (Eq. 36)",
        "lambda in AADIFF = -lambda ACDIFF (least squares)",
        "lambda_eq36",
        "below one (no number)",
        "lambda_below_one",
    ),
    (
        "Wu §4 (Fig. 16)",
        "(layer, frequency) bins where CDIFF and ADIFF have opposite signs (fraction)",
        "cdiff_adiff_opposite_fraction",
        "opposite directions (no number)",
        "bins_opposite",
    ),
    (
        "Wu §4 (Fig. 16)",
        "conv/activation layer pairs whose CDIFF and ADIFF correlate negatively (fraction)",
        "cdiff_adiff_anticorrelated_pairs",
        "opposite directions (no number)",
        "pairs_anticorrelated",
    ),
)


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
        *(_row(*spec) for spec in _PAPER_ROWS),
        *(_learned_row(key, {spec[2]: spec[1] for spec in _PAPER_ROWS}[key]) for key in LEARNED),
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
    metrics=Metrics,
    claims=CLAIMS,
)
make_config, run = EXPERIMENT.make_config, EXPERIMENT.run
