"""What the two five-lens experiments share: the metrics, the cross-lens claims and how a reading
becomes them. The predictions tested here are ours (none of the five papers makes them)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import torch
from scipy import stats
from torch import nn

from ..lenses import LensSettings, NetworkReading, read_network, untrained_copy
from ..verdicts import Claim, Verdict, sentence
from ._base import ReportRow
from ._metrics import Replicated

READINGS = (
    "rectified_fraction",
    "centroid_shift",
    "centroid_shift_unit",
    "max_gain_db",
    "gabor",
    "anchor_angle_deg",
    "translation_change",
    "deformation_change",
    "snr_scale_2",
    "snr_scale_0.5",
)
"""The per-layer readings stored as ``(layers,)`` arrays (means over examples), trained and untrained."""


@dataclass(frozen=True)
class Metrics:
    """The five lenses' cross-lens claims on one trained network, beside untrained copies."""

    examples: int
    layers: int
    untrained_seeds: int
    skipped_layers: int
    accuracy: float | None
    accuracy_reversed: float | None
    gabor_first_conv: Replicated
    centroid_deformation_rho: Replicated
    reversal_drop: Replicated
    trained_lowers_centroid: Replicated
    gaussian_snr_gain_db: Replicated
    gain_noise_rho: Replicated


CLAIMS = (
    Claim(
        "filters_gabor_like",
        "training brings the first convolution's filters closer to a Gabor/Morlet atom than random filters",
        "gabor_first_conv_replicates",
        "less",
        "filters of the first convolution",
        control="gabor_first_conv_control",
        control_label="the same layer's filters in untrained copies",
        source="ours",
    ),
    Claim(
        "lower_centroid_more_stable",
        "layers whose output sits at lower frequencies change less under a small deformation "
        "(modulation lens → scattering lens)",
        "centroid_deformation_rho_replicates",
        "greater",
        "test examples",
        no_control="Spearman ρ across layers between output centroid and relative change, per example; 0 = no link",
        source="ours",
    ),
    Claim(
        "reversal_hurts",
        "reversing the input's grey scale (sign) costs accuracy: a RECOS unit is not sign-invariant",
        "reversal_drop_replicates",
        "greater",
        "test examples (paired)",
        no_control="per-example accuracy clean minus reversed on the same network; 0 = no cost",
    ),
    Claim(
        "training_lowers_centroid",
        "the trained network moves the spectrum of its deepest layer with a map lower than untrained copies do",
        "trained_lowers_centroid_replicates",
        "less",
        "test examples (paired)",
        no_control="per example, trained minus mean-untrained centroid shift (input to deepest map); 0 = no change",
        source="ours",
    ),
    Claim(
        "gaussian_noise_suppressed",
        "a network that lowers the centroid passes less Gaussian noise than signal: output SNR above input SNR "
        "(modulation lens → channel lens)",
        "gaussian_snr_gain_db_replicates",
        "greater",
        "test examples",
        no_control="per example, last read layer's SNR minus the input SNR (α = 2, scale SNR); 0 = no gain",
        source="ours",
    ),
    Claim(
        "gain_predicts_noise",
        "layers with a higher Maximum Gain lose more SNR under Gaussian noise (spectral lens → channel lens)",
        "gain_noise_rho_replicates",
        "greater",
        "examples with a Maximum Gain",
        no_control="Spearman ρ across layers between Maximum Gain and SNR loss, per example; 0 = no link",
        source="ours",
    ),
)


def check_reading_sizes(examples: int, untrained_seeds: int, max_gain_examples: int) -> None:
    """Refuse settings too small for the claims: at least 4 examples, 2 untrained copies, 3 Maximum Gain examples.

    Raises
    ------
    ValueError
        Naming the settings and their minimums.
    """
    if examples < 4 or untrained_seeds < 2 or max_gain_examples < 3:
        raise ValueError(
            f"examples must be >= 4, untrained_seeds >= 2 and max_gain_examples >= 3, got {examples}, "
            f"{untrained_seeds} and {max_gain_examples}"
        )


def _rho_per_example(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Spearman ρ between rows of ``a`` and ``b`` (layers × examples), one per example (finite only)."""
    out = []
    for i in range(a.shape[1]):
        x, y = a[:, i], b[:, i]
        ok = np.isfinite(x) & np.isfinite(y)
        if ok.sum() >= 3 and np.ptp(x[ok]) > 0 and np.ptp(y[ok]) > 0:
            out.append(stats.spearmanr(x[ok], y[ok]).statistic)
    return np.asarray(out, dtype=float)


def _layer_means(reading: NetworkReading) -> dict[str, np.ndarray]:
    def mean(value):
        return np.nan if value is None else float(np.nanmean(value))

    rows: dict[str, list[float]] = {key: [] for key in READINGS}
    for layer in reading.layers:
        rows["rectified_fraction"].append(mean(layer.rectified_fraction))
        rows["centroid_shift"].append(mean(layer.centroid_shift))
        rows["centroid_shift_unit"].append(mean(layer.centroid_shift_unit))
        rows["max_gain_db"].append(mean(layer.max_gain_db))
        rows["gabor"].append(mean(layer.gabor))
        rows["anchor_angle_deg"].append(np.nan if layer.anchor_angle_deg is None else layer.anchor_angle_deg)
        rows["translation_change"].append(mean(layer.translation_change))
        rows["deformation_change"].append(mean(layer.deformation_change))
        rows["snr_scale_2"].append(mean(layer.snr_db.get("scale_2")))
        rows["snr_scale_0.5"].append(mean(layer.snr_db.get("scale_0.5")))
    return {k: np.asarray(v, dtype=float) for k, v in rows.items()}


def five_lenses(
    model: nn.Module, x: torch.Tensor, labels: torch.Tensor, settings: LensSettings, untrained_seeds: int
) -> tuple[Metrics, dict[str, np.ndarray], list[str]]:
    """Read ``model`` and ``untrained_seeds`` untrained copies; the metrics, arrays and notes."""
    trained = read_network(model, x, labels, settings)
    # the scattering reference depends on the inputs only: computed once, with the trained network's reading
    no_scattering = replace(settings, scattering=False)
    controls = [
        read_network(untrained_copy(model, settings.seed + 1000 + s), x, labels, no_scattering)
        for s in range(untrained_seeds)
    ]
    if not trained.layers:
        raise ValueError("the network has no convolution, activation or pooling layer the lenses can read")
    convs = [i for i, layer in enumerate(trained.layers) if layer.gabor is not None]
    first = convs[0] if convs else None
    last = trained.layers[-1]
    # layers with a map: a 1-sample output (LeNet's C5, a global pool) has no spectrum, its centroid is 0
    mapped = [i for i, layer in enumerate(trained.layers) if int(np.prod(layer.shape[1:])) > 1]
    centroid = np.stack([trained.layers[i].centroid_input_units for i in mapped or range(len(trained.layers))])
    deformation = np.stack([trained.layers[i].deformation_change for i in mapped or range(len(trained.layers))])
    deepest = mapped[-1] if mapped else len(trained.layers) - 1
    last_shift = trained.layers[deepest].centroid_input_units - trained.layers[0].centroid_in
    untrained_shift = np.mean(
        [c.layers[deepest].centroid_input_units - c.layers[0].centroid_in for c in controls], axis=0
    )
    gains = np.stack([layer.max_gain_db for layer in trained.layers])
    snr_loss = settings.input_snr_db - np.stack([layer.snr_db["scale_2"][: gains.shape[1]] for layer in trained.layers])
    reversal = trained.correct - trained.correct_reversed if trained.correct is not None else np.array([], dtype=float)
    metrics = Metrics(
        examples=int(x.shape[0]),
        layers=len(trained.layers),
        untrained_seeds=untrained_seeds,
        skipped_layers=len(trained.skipped),
        accuracy=None if trained.correct is None else float(trained.correct.mean()),
        accuracy_reversed=None if trained.correct_reversed is None else float(trained.correct_reversed.mean()),
        gabor_first_conv=Replicated.of(
            [] if first is None else trained.layers[first].gabor,
            [] if first is None else np.concatenate([c.layers[first].gabor for c in controls]),
        ),
        centroid_deformation_rho=Replicated.of(_rho_per_example(centroid, deformation)),
        reversal_drop=Replicated.of(reversal),
        trained_lowers_centroid=Replicated.of(
            (last_shift - untrained_shift)[np.isfinite(last_shift - untrained_shift)]
        ),
        gaussian_snr_gain_db=Replicated.of(
            (last.snr_db["scale_2"] - settings.input_snr_db)[np.isfinite(last.snr_db["scale_2"])]
        ),
        gain_noise_rho=Replicated.of(_rho_per_example(gains, snr_loss)),
    )
    trained_means, untrained_means = _layer_means(trained), [_layer_means(c) for c in controls]
    arrays = {"layer_names": np.array([layer.name for layer in trained.layers])}
    arrays["layer_kinds"] = np.array([layer.kind for layer in trained.layers])
    for key in READINGS:
        arrays[f"trained_{key}"] = trained_means[key]
        stacked = np.stack([u[key] for u in untrained_means])
        seen = np.isfinite(stacked).any(axis=0)  # readings that exist for a layer kind only
        arrays[f"untrained_{key}"] = np.where(
            seen, np.nansum(stacked, axis=0) / np.maximum(np.isfinite(stacked).sum(0), 1), np.nan
        )
    arrays["scattering_j"] = np.array(sorted(trained.scattering_change), dtype=float)
    arrays["scattering_translation_change"] = np.array(
        [np.mean(trained.scattering_change[j][0]) for j in sorted(trained.scattering_change)]
    )
    arrays["scattering_deformation_change"] = np.array(
        [np.mean(trained.scattering_change[j][1]) for j in sorted(trained.scattering_change)]
    )
    arrays["layer_downsampling"] = np.array([layer.downsampling for layer in trained.layers])
    notes = [f"Skipped: {s}" for s in trained.skipped]
    notes.append(
        f"{untrained_seeds} untrained copies (reset_parameters under seeds {settings.seed + 1000} onwards) are the "
        f"baseline; α-stable noise at an input SNR of {settings.input_snr_db:g} dB with A the example's RMS amplitude."
    )
    return metrics, arrays, notes


def findings(metrics: dict, verdicts: dict[str, Verdict]) -> list[str]:
    """One computed sentence per cross-lens prediction."""
    claims = {c.id: c for c in CLAIMS}
    return [sentence(claims[k], v) for k, v in verdicts.items()]


def _row(quantity: str, metric: str, claim: str, fmt: str = "number") -> ReportRow:
    return ReportRow("ours (five lenses)", quantity, metric, "no claim", source="ours", format=fmt, claim=claim)


REPORT_ROWS = (
    _row("first-conv Gabor residual (trained; untrained is the control)", "gabor_first_conv", "filters_gabor_like"),
    _row("Spearman ρ, output centroid vs deformation change", "centroid_deformation_rho", "lower_centroid_more_stable"),
    ReportRow(
        "Kuo §2 (five lenses)",
        "accuracy drop under grey-scale reversal",
        "reversal_drop",
        "large (no number)",
        source="derived",
        format="percent",
        claim="reversal_hurts",
    ),
    _row(
        "centroid shift, trained minus untrained (cycles/sample)", "trained_lowers_centroid", "training_lowers_centroid"
    ),
    _row("SNR gain through the network, α = 2 (dB)", "gaussian_snr_gain_db", "gaussian_noise_suppressed", "db"),
    _row("Spearman ρ, Maximum Gain vs SNR loss", "gain_noise_rho", "gain_predicts_noise"),
)
