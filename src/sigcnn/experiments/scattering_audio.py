"""Wavelet scattering on spoken digits: kymatio ``Scattering1D`` + logistic regression on FSDD.

Follows kymatio's own FSDD example (J = 8, Q = 12, recordings normalised to unit peak and
centred in 2^13 samples, log(|S| + ε) averaged over time, order 0 dropped, standardised,
logistic regression), on the data set's official split: recordings 0-4 of every speaker and digit
are the test set. kymatio reports 98.0 % test accuracy for its example (an external figure). At
larger scales the Network-audio-1 of the modulation chapter (a 1-D VGG-11, ``spectral-shift``) is
trained on the same training recordings and tested on the same test recordings, with its untrained
copies as the control.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch

from ..controls import compare_to_controls, control_metrics
from ..data import load_fsdd
from ..data.audio_features import fixed_length_waveforms
from ..models import scattering as sc
from ..models.linear import logistic_regression_accuracy
from ._base import BaseConfig, Experiment, Measured, ReportRow, RunContext

KYMATIO_FSDD_ACCURACY = 0.980


@dataclass(frozen=True)
class Config(BaseConfig):
    """Settings of one run (kymatio's example: J = 8, Q = 12, 2^13 samples)."""

    device: str = "cpu"
    J: int = 8
    Q: int = 12
    length: int = 8192
    log_eps: float = 1e-6
    C: float = 1.0  # inverse L2 regularisation of the logistic regression
    train_stride: int = 1  # keep every k-th training recording (ci: a subset)
    compare_cnn: bool = False  # also train Network-audio-1 on the same split
    cnn_scale: str = "laptop"  # the spectral-shift profile whose network settings are used
    cnn_seeds: int = 3
    use_cache: bool = True


def scattering_features(
    waveforms: np.ndarray, config: Config, device: torch.device | str
) -> tuple[np.ndarray, bool, np.ndarray]:
    """log-scattering averaged over time, order 0 dropped: ``(features (N, C), from_cache, orders)``."""
    coef, hit = sc.scatter_signals(waveforms, config.J, config.Q, device=device, use_cache=config.use_cache)
    orders = np.array(sc.scattering_1d(config.length, config.J, config.Q).meta()["order"])
    feats = np.log(np.abs(coef[:, orders > 0]) + config.log_eps).mean(axis=-1)
    return feats, hit, orders[orders > 0]


def _network_audio_1(config: Config, audio, train_idx, test_idx, device) -> tuple[dict, list[str]]:
    from ..data.audio_features import AudioSplit
    from ..training import accuracy, initial_model
    from . import spectral_shift

    cnn = spectral_shift.make_config(config.cnn_scale, dataset="fsdd", seed=config.seed)
    x = fixed_length_waveforms(
        [audio.waveforms[i] for i in np.r_[train_idx, test_idx]], cnn.length, decimate=cnn.decimate
    ).to(device)
    y = torch.as_tensor(audio.labels[np.r_[train_idx, test_idx]], dtype=torch.long, device=device)
    n = len(train_idx)
    trained, untrained = [], []
    split = AudioSplit(x[:n], y[:n], x[n:], y[n:], "FSDD", 8000 / cnn.decimate)
    for k in range(config.cnn_seeds):
        model, _ = spectral_shift.train_network(cnn, split, cnn.seed + k)
        trained.append(accuracy(model, x[n:], y[n:]))
        fresh = initial_model(spectral_shift.network_factory(cnn, 10), cnn.seed + k, device)
        untrained.append(accuracy(fresh, x[n:], y[n:]))
    metrics = control_metrics("cnn_accuracy", compare_to_controls(trained, untrained, "untrained"))
    note = (
        f"Network-audio-1 (spectral-shift '{config.cnn_scale}' settings: {cnn.length} samples at "
        f"{8000 / cnn.decimate:g} Hz, width {cnn.width}, {cnn.epochs} epochs), {config.cnn_seeds} seeds, "
        "same training and test recordings; control: the same seeds untrained."
    )
    return metrics, [note]


def measure(config: Config, ctx: RunContext) -> Measured:
    """Scattering features, logistic regression, optionally Network-audio-1 (see the module docstring)."""
    audio = load_fsdd()
    test_idx = np.flatnonzero(audio.is_test)
    train_idx = np.flatnonzero(~audio.is_test)[:: config.train_stride]
    waves = fixed_length_waveforms(
        [audio.waveforms[i] for i in np.r_[train_idx, test_idx]], config.length, normalize="peak"
    )[:, 0].numpy()
    device = ctx.device
    start = time.perf_counter()
    feats, hit, orders = scattering_features(waves, config, device)
    scatter_s = time.perf_counter() - start
    n = len(train_idx)
    start = time.perf_counter()
    acc = logistic_regression_accuracy(
        feats[:n], audio.labels[train_idx], feats[n:], audio.labels[test_idx], config.C, config.seed
    )
    m = {
        "scattering_accuracy": acc,
        "scattering_error_rate": 1 - acc,
        "kymatio_anchor_accuracy": KYMATIO_FSDD_ACCURACY,
        "n_train": int(n),
        "n_test": int(len(test_idx)),
        "n_features": int(feats.shape[1]),
        "n_order1": int((orders == 1).sum()),
        "n_order2": int((orders == 2).sum()),
        "scattering_seconds": scatter_s,
        "classifier_seconds": time.perf_counter() - start,
        "coefficients_from_cache": bool(hit),
        "train_fraction": n / int((~audio.is_test).sum()),
    }
    notes = [
        f"Official split: {len(test_idx)} test recordings (indices 0-4); {n} training recordings"
        + (
            f" (every {config.train_stride}th of {int((~audio.is_test).sum())}: "
            f"{int((~audio.is_test).sum()) / n:.1f}x fewer than the full training set)"
            if config.train_stride > 1
            else " (the full training set)"
        )
        + ".",
        f"kymatio Scattering1D J={config.J}, Q={config.Q}, {config.length} samples, "
        f"{sc.frontend_for(device)} frontend on {device}; coefficients "
        + ("read from the cache." if hit else f"computed in {scatter_s:.1f} s (then cached)."),
        f"Features: log(|S| + {config.log_eps:g}) averaged over time, order 0 dropped "
        f"({m['n_order1']} first-order + {m['n_order2']} second-order channels); sklearn "
        f"LogisticRegression (lbfgs, C={config.C:g}) on standardised features.",
    ]
    if config.compare_cnn:
        cnn_metrics, cnn_notes = _network_audio_1(config, audio, train_idx, test_idx, device)
        m.update(cnn_metrics)
        notes += cnn_notes
    arrays = {"features_train_mean": feats[:n].mean(axis=0), "orders": orders}
    return Measured(m, arrays, audio.data_source, notes)


def findings(m: dict) -> list[str]:
    """Verdicts in words."""
    out = [
        f"Scattering + logistic regression: {100 * m['scattering_accuracy']:.1f} % on the {m['n_test']} official "
        f"test recordings, trained on {m['n_train']} recordings ({100 * m['train_fraction']:.0f} % of the training "
        f"set). kymatio's example reports 98.0 % with the whole training set"
        + (
            " — we are within 1 point of it."
            if abs(m["scattering_accuracy"] - 0.98) <= 0.01
            else (
                " — we are above it."
                if m["scattering_accuracy"] > 0.98
                else f" — we are {100 * (0.98 - m['scattering_accuracy']):.1f} points below it"
                + (" with a fraction of the training data." if m["train_fraction"] < 1 else ".")
            )
        ),
    ]
    if "cnn_accuracy" in m:
        out.append(
            f"Network-audio-1 on the same split: {100 * m['cnn_accuracy']:.1f} % (3 seeds, "
            f"{100 * m['cnn_accuracy_trained_min']:.1f}-{100 * m['cnn_accuracy_trained_max']:.1f} %); untrained "
            f"{100 * m['cnn_accuracy_control_min']:.1f}-{100 * m['cnn_accuracy_control_max']:.1f} %. Fixed wavelets "
            + ("beat" if m["scattering_accuracy"] > m["cnn_accuracy"] else "trail")
            + " the learned network here."
        )
    else:
        out.append(
            "Network-audio-1 is not trained at this scale (budget); the laptop and full runs train it on the "
            "same split."
        )
    return out


EXPERIMENT = Experiment(
    name="scattering-audio",
    title="Scattering1D + logistic regression on spoken digits (FSDD, official split)",
    paper="koushik2016scattering",
    reproduces="kymatio FSDD example (Andreux et al. 2020); Koushik (2016) Eq. 16",
    config=Config,
    scales={
        "ci": dict(train_stride=5),
        "laptop": dict(compare_cnn=True, cnn_scale="ci"),
        "full": dict(compare_cnn=True, cnn_scale="laptop"),
    },
    measure=measure,
    notebook="notebooks/scattering_audio",
    report_rows=(
        ReportRow(
            "kymatio FSDD example",
            "test accuracy, Scattering1D (J=8, Q=12) + logistic regression",
            "scattering_accuracy",
            KYMATIO_FSDD_ACCURACY,
            source="external",
            format="percent",
            cite="andreux2020kymatio",
        ),
        ReportRow(
            "ours",
            "Network-audio-1 (modulation chapter) test accuracy, same split",
            "cnn_accuracy",
            "no number",
            source="ours",
            format="percent",
            control="untrained, 3 seeds",
        ),
    ),
    findings=findings,
)
make_config, run = EXPERIMENT.make_config, EXPERIMENT.run
NAME = EXPERIMENT.name
