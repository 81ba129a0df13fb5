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

from dataclasses import dataclass, make_dataclass

import numpy as np

from ..data.audio_features import AUDIO_DATASETS, pick_analysed
from ..models.audio_vgg import VGG11_PLAN
from ..models.training import accuracy, initial_model
from ..probes.spectra import analyse_network
from ..verdicts import Verdict
from ._base import Experiment, Measured, ReportRow, RunContext
from ._seeds import Seeds, transformed
from ._spectral_common import (
    CONTROL,
    LEARNED,
    SCALES,
    SIDES,
    NetworkConfig,
    amplitude_closeness,
    claim_sentences,
    load_audio,
    make_claims,
    network_factory,
    train_network,
)

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
class Config(NetworkConfig):
    """Settings of one run (those of :class:`~._spectral_common.NetworkConfig`); the scale table gives
    the ones of each scale."""


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
    notes.append(f"{data.note} The paper's data set is UrbanSound8K (the full scale's).")
    return Measured(metrics, first.arrays, data.data_source, notes)


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


EXPERIMENT = Experiment(
    name="spectral-shift",
    title="Energy-spectrum generalised shifts in a trained 1-D audio CNN (Network-audio-1)",
    paper="wu2022modulation",
    reproduces="Wu et al. (2022) §3.1.3-§4, Figs. 9-12, 16, 17 and Eq. 36; pooling spectra of §3.3",
    config=Config,
    scales=SCALES,
    measure=measure,
    notebook="notebooks/spectral_shift",
    datasets=AUDIO_DATASETS,
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
