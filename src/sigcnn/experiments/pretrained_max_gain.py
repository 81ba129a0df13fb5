"""Stamatescu & McDonnell, section III-C/D and Figs. 5-7: Maximum Gain of pretrained classifiers.

For every torchvision ImageNet classifier whose weights are available, the data derivative of
the winning class (``p_i = 1/score``) is taken for the impulse image, per input channel, and its
Maximum Gain is set against the model's top-5 error as published with the weights
(``weights.meta["_metrics"]``). Offline, weights that are not in the torch hub cache are not
downloaded: they are listed as missing, and the same analysis runs on small networks trained
here on a 28x28 data set (top-1 test error instead of top-5, as there are only 10 classes).
Claims (:data:`CLAIMS`) are decided by :mod:`sigcnn.verdicts`. The control is the same architectures
untrained (``untrained_seeds`` initialisations: they cost no training; for ImageNet, torchvision's
random initialisation); from ``laptop`` scale the own networks trained on shuffled labels are shown
beside them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from ..data import IMAGE_DATASETS, is_offline
from ..models import NIN, LeNet5, WideLeNet
from ..probes.diagnosis import spearman
from ..probes.epoch_metrics import Split, load_split, train_with_curves
from ..probes.max_gain import (  # noqa: F401
    cached_weights_path,
    ensure_weights,
    imagenet_impulse,
    maximum_gain,
    published_top5_error,
    weights_of,
    weights_status,
)
from ..verdicts import Claim, Verdict, sentence
from ._base import BaseConfig, Experiment, Measured, ReportRow, RunContext
from ._metrics import Replicated, mean_of

TORCHVISION_MODELS = (
    "alexnet",
    "vgg11",
    "vgg16",
    "vgg19",
    "vgg16_bn",
    "googlenet",
    "inception_v3",
    "resnet18",
    "resnet50",
    "resnet152",
    "resnext50_32x4d",
    "wide_resnet50_2",
    "densenet121",
    "squeezenet1_1",
    "mobilenet_v2",
    "mobilenet_v3_large",
    "shufflenet_v2_x1_0",
    "mnasnet1_0",
    "efficientnet_b0",
    "regnet_y_400mf",
    "convnext_tiny",
)
"""Twenty-one CNN families of torchvision, each with its ``IMAGENET1K_V1`` weights."""

OWN_MODELS = ("lenet_w1-4", "lenet_w1", "lenet5", "nin")
OWN_MODEL_NAMES = {"lenet_w1-4": "LeNet, filters x1/4", "lenet_w1": "LeNet", "lenet5": "LeNet-5", "nin": "NIN"}
"""How the figures name the networks trained here."""
PIXEL_SCALE_OWN_DB = 20.0 * np.log10(2.0 / 255.0)
"""The book's grey-image networks see ``x = (2u - 255) / 255``: ``dx/du = 2/255``."""


@dataclass(frozen=True)
class Config(BaseConfig):
    """Settings of one run; the scale table gives the ones of each scale."""

    models: tuple[str, ...] = TORCHVISION_MODELS
    weights: str = "IMAGENET1K_V1"
    dataset: str = "fashion-mnist"
    own_models: tuple[str, ...] = OWN_MODELS
    own_epochs: int = 5
    own_lr: float = 1e-3
    batch_size: int = 100
    train_limit: int | None = None
    test_limit: int | None = None
    allow_test_split: bool = False
    control_seeds: int = 3
    """Training seeds of the own networks (and of their shuffled-label twins)."""
    untrained_seeds: int = 12
    """Untrained initialisations of the control (no training: cheap)."""
    shuffled_control: bool = True

    def __post_init__(self):
        bad = sorted(set(self.own_models) - set(OWN_MODELS))
        if bad:
            raise ValueError(f"unknown own models {bad}: choose from {', '.join(OWN_MODELS)}")
        if self.control_seeds < 1 or self.untrained_seeds < 2:
            raise ValueError(
                f"control_seeds must be >= 1 and untrained_seeds >= 2, got {self.control_seeds}, {self.untrained_seeds}"
            )


@dataclass(frozen=True)
class Metrics:
    """What a run measures; a :class:`Replicated` holds one Spearman correlation per replicate
    (training seed; for ImageNet the one set of published weights) beside the untrained control's."""

    imagenet_models_listed: int
    imagenet_models_measured: int
    imagenet_models_missing: int
    offline: bool
    imagenet_spearman_gain_vs_top5_error: Replicated
    own_points: int
    own_spearman_gain_vs_error_seed0: float
    own_spearman_gain_vs_error_final_epochs: float
    own_spearman_gain_vs_error: Replicated
    own_spearman_shuffled: float | None
    """Mean Spearman correlation of the own networks trained on shuffled labels (from ``laptop``; no test)."""
    control_seed_count: int
    untrained_seed_count: int


@dataclass
class Points:
    """Maximum Gain (dB per pixel unit) and error (%) of a set of checkpoints."""

    names: list = field(default_factory=list)
    epochs: list = field(default_factory=list)
    gain_db: list = field(default_factory=list)
    error: list = field(default_factory=list)

    def spearman(self) -> float:
        return spearman(self.gain_db, self.error)


def _measure_imagenet(config: Config, device, progress: bool) -> tuple[Points, dict[str, str], np.ndarray]:
    """Gains of the models whose weights are here, the missing ones (``{name: why}``), and per-channel gains."""
    import torchvision  # heavy (seconds to import): imported only when ImageNet models are measured

    present, offline = weights_status(config.models, config.weights), is_offline()
    points, per_channel = Points(), []
    reasons = {}
    for name in config.models:
        weights = weights_of(name, config.weights)
        if offline and not present[name]:
            reasons[name] = "SIGCNN_OFFLINE=1"
            continue
        try:  # sigcnn's downloader (10 s connect limit, a failed host not retried), then the cached file
            ensure_weights(weights)
            model = torchvision.models.get_model(name, weights=weights).to(device)
        except OSError as exc:  # no network, DNS failure, timeout, interrupted download: counted as missing
            reasons[name] = str(exc)
            continue
        image, offset = imagenet_impulse(weights, device)
        gain = maximum_gain(model, image) + offset
        points.names.append(name)
        per_channel.append(gain)
        points.gain_db.append(float(gain.mean()))
        points.error.append(published_top5_error(weights))
        if progress:
            print(f"{name}: Maximum Gain {gain.round(1)} dB (per pixel unit), top-5 error {points.error[-1]:.2f} %")
    missing = {name: reasons.get(name, "") for name in config.models if name not in points.names}
    return points, missing, np.stack(per_channel) if per_channel else np.zeros((0, 3))


def why_missing(missing: dict[str, str]) -> str:
    """``offline: SIGCNN_OFFLINE=1`` when the offline rule kept every missing file away, else the
    first download error (so a run that was online never says "offline")."""
    failed = [r for r in missing.values() if r != "SIGCNN_OFFLINE=1"]
    return f"download failed, e.g. {failed[0]}" if failed else "offline: SIGCNN_OFFLINE=1"


def _imagenet_untrained(config: Config, names: list[str], seed: int, device) -> float:
    """Spearman of the untrained architectures' gain (torchvision's initialisation, ``seed``) vs published error."""
    import torchvision  # heavy (seconds to import): imported only when ImageNet models are measured

    gains, errors = [], []
    for name in names:
        weights = weights_of(name, config.weights)
        torch.manual_seed(seed)
        image, offset = imagenet_impulse(weights, device)
        gains.append(
            float((maximum_gain(torchvision.models.get_model(name, weights=None).to(device), image) + offset).mean())
        )
        errors.append(published_top5_error(weights))
    return spearman(gains, errors)


def _own_model(name: str) -> nn.Module:
    factories: dict[str, Callable[[], nn.Module]] = {
        "lenet_w1-4": lambda: WideLeNet(0.25),
        "lenet_w1": lambda: WideLeNet(1.0),
        "lenet5": LeNet5,
        "nin": lambda: NIN((16, 32, 32)),
    }
    return factories[name]()


def _measure_own(config: Config, split: Split, seed_offset: int, progress: bool, epochs=None, shuffle=False) -> Points:
    """Train every own network (network k from seed ``seed + k + seed_offset``); one point per epoch."""
    points = Points()
    epochs = config.own_epochs if epochs is None else epochs
    for k, name in enumerate(config.own_models):
        seed = config.seed + k + seed_offset
        c = train_with_curves(
            seed,
            functools.partial(_own_model, name),
            split,
            epochs=epochs,
            lr=config.own_lr,
            batch_size=config.batch_size,
            optimizer="adam",
            shuffle_labels=shuffle,
            progress=progress,
            desc=name,
        )
        points.names += [name] * c["gain"].size
        points.epochs += list(range(1 if epochs else 0, c["gain"].size + (1 if epochs else 0)))
        points.gain_db += list(c["gain"] + PIXEL_SCALE_OWN_DB)
        points.error += list(100.0 * c["val_error"])
    return points


def _finite(values) -> list[float]:
    return [float(v) for v in values if np.isfinite(v)]


def measure(config: Config, ctx: RunContext) -> Measured:
    """ImageNet classifiers (when their weights are here) and the own networks, with their controls."""
    imagenet, missing, per_channel = _measure_imagenet(config, ctx.device, ctx.progress)
    arrays: dict = {
        "imagenet_missing": np.array(list(missing), dtype=str),
        "models_all": np.array(config.models),
        "published_top5_error_all": np.array(
            [published_top5_error(weights_of(n, config.weights)) for n in config.models]
        ),
    }
    if imagenet.names:
        arrays.update(
            imagenet_models=np.array(imagenet.names),
            imagenet_gain_db=per_channel,
            imagenet_top5_error=np.array(imagenet.error),
        )
    untrained_in = (
        [
            _imagenet_untrained(config, imagenet.names, config.seed + i, ctx.device)
            for i in range(config.untrained_seeds)
        ]
        if len(imagenet.names) >= 3
        else []
    )
    split = load_split(config.dataset, ctx.device, config.allow_test_split, config.train_limit, config.test_limit)
    offsets = [100 * i for i in range(config.untrained_seeds)]
    own = [_measure_own(config, split, o, ctx.progress) for o in offsets[: config.control_seeds]]
    untrained = [_measure_own(config, split, o, False, epochs=0) for o in offsets]
    shuffled = (
        [_measure_own(config, split, o, ctx.progress, shuffle=True) for o in offsets[: config.control_seeds]]
        if config.shuffled_control
        else []
    )
    first = own[0]
    arrays.update(
        own_models=np.array(first.names),
        own_epochs=np.array(first.epochs),
        own_gain_db=np.array(first.gain_db),
        own_test_error=np.array(first.error),
        own_untrained_gain_db=np.array([p.gain_db for p in untrained]),
        own_untrained_test_error=np.array([p.error for p in untrained]),
        own_spearman_trained=np.array([p.spearman() for p in own]),
        own_spearman_untrained=np.array([p.spearman() for p in untrained]),
        own_spearman_shuffled=np.array([p.spearman() for p in shuffled]),
    )
    last = np.r_[np.array(first.names[1:]) != np.array(first.names[:-1]), True]
    shuffled_rho = _finite(p.spearman() for p in shuffled)
    metrics = Metrics(
        imagenet_models_listed=len(config.models),
        imagenet_models_measured=len(imagenet.names),
        imagenet_models_missing=len(missing),
        offline=is_offline(),
        imagenet_spearman_gain_vs_top5_error=Replicated.of(
            _finite([imagenet.spearman()]) if imagenet.names else [], _finite(untrained_in)
        ),
        own_points=len(first.gain_db),
        own_spearman_gain_vs_error_seed0=first.spearman(),
        own_spearman_gain_vs_error_final_epochs=spearman(np.array(first.gain_db)[last], np.array(first.error)[last]),
        own_spearman_gain_vs_error=Replicated.of(
            _finite(p.spearman() for p in own), _finite(p.spearman() for p in untrained)
        ),
        own_spearman_shuffled=float(np.mean(shuffled_rho)) if shuffled_rho else None,
        control_seed_count=config.control_seeds,
        untrained_seed_count=config.untrained_seeds,
    )
    notes = [split.source.split_note]
    if missing:
        notes.append(
            f"{len(missing)} of {len(config.models)} torchvision weight files are not in torch's hub cache "
            f"($TORCH_HOME/hub/checkpoints) and were not downloaded ({why_missing(missing)}): "
            + ", ".join(missing)
            + "."
        )
    n_train = "all" if config.train_limit is None else f"{config.train_limit:,}"
    notes.append(
        f"Own networks: {', '.join(config.own_models)} trained {config.own_epochs} epochs on {n_train} "
        f"{config.dataset} training images (Adam, lr {config.own_lr:g}); one point per epoch, top-1 test "
        f"error; {config.control_seeds} seeds. Controls: the same networks untrained ({config.untrained_seeds} "
        "initialisations, the first ones those of the trained seeds; one point per network)"
        + (
            ", and trained on shuffled labels."
            if shuffled
            else "; shuffled labels only from the laptop scale (notebook budget)."
        )
    )
    return Measured(metrics, arrays, f"torchvision {config.weights} weights; {split.source.data_source}", notes)


CLAIMS = (
    Claim(
        "imagenet_better_models_higher_gain",
        "across ImageNet classifiers, lower top-5 error goes with higher Maximum Gain (Fig. 7)",
        "imagenet_spearman_gain_vs_top5_error_replicates",
        "less",
        "sets of published weights",
        control="imagenet_spearman_gain_vs_top5_error_control",
        control_label="the same architectures untrained",
    ),
    Claim(
        "own_better_checkpoints_higher_gain",
        "across the checkpoints of networks trained here, lower test error goes with higher Maximum Gain "
        "(Fig. 7's trend, on our networks)",
        "own_spearman_gain_vs_error_replicates",
        "less",
        "training seeds",
        control="own_spearman_gain_vs_error_control",
        control_label="the same networks untrained",
    ),
)


def findings(metrics: dict, verdicts: dict[str, Verdict]) -> list[str]:
    """Plain-language verdicts on the paper's Fig. 7 claim, computed from ``metrics`` and the engine's verdicts."""
    claims = {c.id: c for c in CLAIMS}
    out = []
    measured, listed = metrics["imagenet_models_measured"], metrics["imagenet_models_listed"]
    if measured == 0:
        out.append(
            f"None of the {listed} torchvision weight files is available on this machine"
            + (" (offline)" if metrics.get("offline") else " (not downloaded: see the notes)")
            + ", so the "
            "ImageNet comparison of Fig. 7 could not be made here; nothing is shown in its place."
        )
    else:
        rho = metrics.get("imagenet_spearman_gain_vs_top5_error")
        text = f"Across {measured} of {listed} torchvision ImageNet classifiers, "
        if rho is not None and np.isfinite(rho):
            text += f"Maximum Gain and published top-5 error have a Spearman correlation of {rho:+.2f}. "
        out.append(
            text
            + sentence(claims["imagenet_better_models_higher_gain"], verdicts["imagenet_better_models_higher_gain"])
            + " (One set of weights is one replicate: the engine cannot test a single correlation against the"
            " untrained spread.)"
        )
    own = metrics.get("own_spearman_gain_vs_error")
    if own is not None and np.isfinite(own):
        control = mean_of(metrics.get("own_spearman_gain_vs_error_control", []))
        out.append(
            f"On the checkpoints of the networks trained here ({metrics['own_points']} per seed, mean of "
            f"{metrics['control_seed_count']} seeds), Maximum Gain and test error have a Spearman correlation of "
            f"{own:+.2f}; {metrics['untrained_seed_count']} untrained initialisations give {control:+.2f} on "
            "average: "
            + sentence(claims["own_better_checkpoints_higher_gain"], verdicts["own_better_checkpoints_higher_gain"])
        )
    shuffled = metrics.get("own_spearman_shuffled")
    if shuffled is not None and np.isfinite(shuffled):
        out.append(
            f"Trained on shuffled labels, the same networks give a mean correlation of {shuffled:+.2f} "
            "(a comparison, not a test)."
        )
    return out


EXPERIMENT = Experiment(
    name="pretrained-max-gain",
    title="Maximum Gain of pretrained classifiers vs their error",
    paper="stamatescu2018spectral",
    reproduces="Stamatescu & McDonnell §III-C/D, Figs. 6-7",
    config=Config,
    scales={
        "ci": dict(
            own_models=("lenet_w1-4", "lenet_w1", "lenet5"),
            own_epochs=3,
            train_limit=600,
            test_limit=500,
            allow_test_split=True,
            shuffled_control=False,
        ),
        "laptop": dict(own_epochs=5, train_limit=20000),
        "full": dict(own_epochs=10),
    },
    measure=measure,
    notebook="notebooks/pretrained_max_gain",
    datasets=IMAGE_DATASETS,
    report_rows=(
        ReportRow(
            "S&M §III-D (Fig. 7)",
            "ImageNet classifiers measured (weights present)",
            "imagenet_models_measured",
            18,
            format="int",
        ),
        ReportRow(
            "S&M §III-D (Fig. 7)",
            "Spearman correlation, Maximum Gain vs top-5 error (ImageNet)",
            "imagenet_spearman_gain_vs_top5_error",
            "negative (no number)",
            source="derived",
            control="the same architectures untrained",
            claim="imagenet_better_models_higher_gain",
        ),
        ReportRow(
            "S&M §III-D, our fallback",
            "Spearman correlation, Maximum Gain vs test error (own networks, mean over training seeds)",
            "own_spearman_gain_vs_error",
            "negative (no number)",
            source="derived",
            control="the same networks untrained",
            figure="fig-own-gain-vs-error",
            claim="own_better_checkpoints_higher_gain",
        ),
    ),
    findings=findings,
    metrics=Metrics,
    claims=CLAIMS,
)
make_config, run = EXPERIMENT.make_config, EXPERIMENT.run


def model_rows(arrays: dict) -> list[dict]:
    """One row per listed torchvision model: published top-5 error and whether its weights were here."""
    missing = {str(n) for n in arrays["imagenet_missing"]}
    return [
        {"model": str(n), "top5": float(e), "here": str(n) not in missing}
        for n, e in zip(arrays["models_all"], arrays["published_top5_error_all"])
    ]
