"""Stamatescu & McDonnell, section IV and Figs. 8-13: Maximum Gain as a training diagnostic.

Every training run records, after each epoch, the Maximum Gain of the network for the impulse
image beside the training and validation loss and error (and, when the optional weightwatcher
is installed, its power-law exponent alpha). Studies: a learning-rate sweep of LeNet on MNIST
(Figs. 8-9); the same on a harder data set with the paper's CIFAR network (Figs. 10-11);
Network-in-Network against LeNet (Fig. 12); LeNet with x1/4 and x4 filters (Fig. 13). The
section IV-C1 rules read each gain curve; our loss rule reads the losses; the two are compared.
Controls: the base MNIST network untrained (same initialisation seeds) and, from ``laptop``
scale, trained on shuffled labels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import torch

from ..controls import compare_to_controls, control_metrics
from ..data import IMAGE_DATASETS, DatasetUnavailable
from ..models import NIN, WideLeNet
from ..models.lenet_wide import CifarLeNet
from ..probes.diagnosis import diagnose_runs, jitter
from ..probes.epoch_metrics import Split, load_split, train_with_curves, weightwatcher_available
from ._base import BaseConfig, Experiment, Measured, ReportRow, RunContext

HARD_DATASETS = ("cifar10",) + IMAGE_DATASETS
STUDIES = ("mnist_lr", "hard_lr", "architecture", "width")
CURVES = ("gain", "train_loss", "train_error", "val_loss", "val_error")


@dataclass(frozen=True)
class Config(BaseConfig):
    """Settings of one run; the scale table gives the ones of each scale."""

    dataset: str = "mnist"
    hard_dataset: str = "cifar10"
    hard_fallback: str | None = "fashion-mnist"  # used when CIFAR-10 is absent (offline)
    studies: tuple[str, ...] = STUDIES
    batch_size: int = 100
    optimizer: str = "sgd"  # SGD with momentum 0.9, as MatConvNet's examples
    mnist_lr: float = 0.001
    mnist_factors: tuple[float, ...] = (0.1, 1 / 3, 1.0, 2.0, 3.0, 4.0)
    mnist_epochs: int = 20
    hard_lr: float = 0.05
    hard_factors: tuple[float, ...] = (0.1, 1 / 3, 1.0, 2.0, 3.0, 4.0)
    hard_epochs: int = 45
    arch_lr: float = 0.005
    arch_epochs: int = 100
    widths: tuple[float, ...] = (0.25, 1.0, 4.0)
    nin_channels: tuple[int, int, int] = (96, 96, 96)
    train_limit: int | None = None
    val_limit: int | None = None
    allow_test_split: bool = False
    control_seeds: int = 3
    shuffled_control: bool = True
    weightwatcher: bool = True  # alpha per epoch when the optional package is installed

    def __post_init__(self):
        bad = sorted(set(self.studies) - set(STUDIES))
        if bad:
            raise ValueError(f"unknown studies {bad}: choose from {', '.join(STUDIES)}")
        if self.control_seeds < 1:
            raise ValueError(f"control_seeds must be >= 1, got {self.control_seeds}")


@dataclass(frozen=True)
class Run:
    """One training run: its study, labels, network factory (of the data set name), rate and length."""

    study: str
    label: str
    key: str
    build: Callable[[str, int], torch.nn.Module]
    lr: float
    epochs: int
    role: str  # "main" or "hard"


def factor_label(factor: float) -> str:
    """``0.1 -> "1/10"``, ``4.0 -> "4"`` (how the paper names its learning-rate multipliers)."""
    return str(Fraction(factor).limit_denominator(20))


def _key(text: str) -> str:
    return text.replace("/", "-").replace(".", "p")


def lenet_for(dataset: str, channels: int, width: float = 1.0) -> torch.nn.Module:
    """The paper's LeNet for ``dataset``: :class:`CifarLeNet` on CIFAR-10 (§IV-B), else the MNIST one (§IV-A)."""
    return CifarLeNet(width, in_channels=channels) if dataset == "cifar10" else WideLeNet(width, in_channels=channels)


def _runs(config: Config) -> list[Run]:
    """Every training run of ``config`` (the order fixes the seeds: run k uses ``seed + k``)."""
    runs = []
    for study, base, factors, epochs, role in (
        ("mnist_lr", config.mnist_lr, config.mnist_factors, config.mnist_epochs, "main"),
        ("hard_lr", config.hard_lr, config.hard_factors, config.hard_epochs, "hard"),
    ):
        if study in config.studies:
            runs += [
                Run(study, f"LeNet, lr x{factor_label(f)}", f"x{factor_label(f)}", lenet_for, base * f, epochs, role)
                for f in factors
            ]
    if "architecture" in config.studies:
        runs.append(Run("architecture", "LeNet", "lenet", lenet_for, config.arch_lr, config.arch_epochs, "hard"))
        runs.append(
            Run(
                "architecture",
                "NIN",
                "nin",
                lambda d, c: NIN(config.nin_channels, in_channels=c),
                config.arch_lr,
                config.arch_epochs,
                "hard",
            )
        )
    if "width" in config.studies:
        runs += [
            Run(
                "width",
                f"LeNet, filters x{factor_label(w)}",
                f"w{factor_label(w)}",
                lambda d, c, w=w: lenet_for(d, c, w),
                config.arch_lr,
                config.arch_epochs,
                "hard",
            )
            for w in config.widths
        ]
    return runs


def _load(config: Config, roles: set[str], device) -> tuple[dict[str, Split], list[str]]:
    """The data of each role; the harder set falls back (with a note) when CIFAR-10 is absent."""
    loaded, notes = {}, []
    for role, name in (("main", config.dataset), ("hard", config.hard_dataset)):
        if role not in roles:
            continue
        try:
            loaded[role] = load_split(name, device, config.allow_test_split, config.train_limit, config.val_limit)
        except DatasetUnavailable as exc:
            if role != "hard" or not config.hard_fallback:
                raise
            notes.append(
                f"The paper's harder data set {name} is not available ({exc}); {config.hard_fallback} "
                "stands in for it, with the 3-convolution MNIST LeNet (the paper's CIFAR network, "
                "CifarLeNet, runs only on CIFAR-10)."
            )
            loaded[role] = load_split(
                config.hard_fallback, device, config.allow_test_split, config.train_limit, config.val_limit
            )
    if "hard" in loaded and loaded["hard"].source.name == "cifar10":
        notes.append(
            "Harder set: CIFAR-10 with the paper's CIFAR network as we read §IV-B (CifarLeNet: four "
            "convolutions 5x5/5x5/5x5/3x3 with 32/32/64/64 filters, two max and two average pools, four "
            "ReLU, one fully-connected layer; sizes ours)."
        )
    return loaded, notes


def _controlled(metrics: dict, metric: str, trained, controls, label: str) -> None:
    """``metric`` = mean of ``trained``; with ``controls``, the spread and the outside-controls test."""
    trained = [t for t in trained if np.isfinite(t)]
    controls = [c for c in controls if np.isfinite(c)]
    if trained and controls:
        metrics.update(control_metrics(metric, compare_to_controls(trained, controls, label)))
    else:
        metrics[metric] = float(np.mean(trained)) if trained else float("nan")


def _controls(config: Config, runs: list[Run], data: dict[str, Split], base: int, ctx: RunContext, metrics, arrays):
    """The base MNIST run over ``control_seeds`` seeds, untrained and (optionally) on shuffled labels."""
    run, split = runs[base], data["main"]
    build = lambda: run.build(split.source.name, split.x_train.shape[1])  # noqa: E731
    seeds = [config.seed + base + 100 * i for i in range(config.control_seeds)]  # seed 0 is the sweep's run
    kw = dict(epochs=run.epochs, lr=run.lr, batch_size=config.batch_size, optimizer=config.optimizer)
    trained = [arrays[f"mnist_lr__{_key(run.key)}__gain"]] + [
        train_with_curves(s, build, split, progress=ctx.progress, desc=f"seed {s}", **kw)["gain"] for s in seeds[1:]
    ]
    untrained = [train_with_curves(s, build, split, epochs=0, lr=run.lr)["gain"][0] for s in seeds]
    shuffled = (
        [
            train_with_curves(s, build, split, shuffle_labels=True, progress=ctx.progress, desc=f"shuffled {s}", **kw)
            for s in seeds
        ]
        if config.shuffled_control
        else []
    )
    arrays.update(
        control_seeds=np.array(seeds), base_trained_gain=np.stack(trained), base_untrained_gain=np.array(untrained)
    )
    if shuffled:
        for name in CURVES:
            arrays[f"base_shuffled_{name}"] = np.stack([c[name] for c in shuffled])
    finals = [g[-1] for g in trained]
    _controlled(metrics, "mnist_base_final_gain_db", finals, untrained, "untrained")
    _controlled(
        metrics, "mnist_base_final_gain_db_vs_shuffled", finals, [c["gain"][-1] for c in shuffled], "shuffled labels"
    )
    _controlled(
        metrics,
        "mnist_base_gain_rise_db",
        [g[-1] - g[0] for g in trained],
        [c["gain"][-1] - c["gain"][0] for c in shuffled],
        "shuffled labels",
    )
    metrics["control_seed_count"] = len(seeds)
    metrics["mnist_base_gain_rise_seed0_db"] = float(trained[0][-1] - trained[0][0])


def measure(config: Config, ctx: RunContext) -> Measured:
    """Train every run with the monitors, diagnose the curves, measure the controls."""
    runs = _runs(config)
    data, notes = _load(config, {r.role for r in runs}, ctx.device)
    alpha = config.weightwatcher and weightwatcher_available()
    metrics: dict = {"runs": len(runs), "weightwatcher_used": alpha}
    if "hard" in data:
        metrics["hard_is_cifar10"] = data["hard"].source.name == "cifar10"
    arrays: dict = {}
    curves = []
    for k, run in enumerate(runs):
        split = data[run.role]
        c = train_with_curves(
            config.seed + k,
            lambda run=run, split=split: run.build(split.source.name, split.x_train.shape[1]),
            split,
            epochs=run.epochs,
            lr=run.lr,
            batch_size=config.batch_size,
            optimizer=config.optimizer,
            alpha=alpha,
            progress=ctx.progress,
            desc=f"{run.study}: {run.label}",
        )
        key = f"{run.study}__{_key(run.key)}"
        arrays.update({f"{key}__{name}": values for name, values in c.items() if name != "alpha_layers"})
        if "alpha_layers" in c:
            arrays["alpha_layers"] = c["alpha_layers"]
        metrics[f"{key}__lr"] = run.lr
        metrics[f"{key}__final_val_error"] = float(c["val_error"][-1])
        curves.append(c)
    arrays.update(
        run_labels=np.array([r.label for r in runs]),
        run_studies=np.array([r.study for r in runs]),
        run_keys=np.array([f"{r.study}__{_key(r.key)}" for r in runs]),
    )
    for signal, prefix in (("gain", ""), ("alpha", "alpha_")) if alpha else (("gain", ""),):
        diagnosis = diagnose_runs(arrays["run_keys"], arrays["run_studies"], curves, signal)
        metrics.update(diagnosis.metrics(prefix))
        arrays.update(diagnosis.arrays())
    base = next((k for k, r in enumerate(runs) if r.study == "mnist_lr" and r.lr == config.mnist_lr), None)
    if base is not None:
        gain = curves[base]["gain"]
        metrics["mnist_base_final_val_error"] = float(curves[base]["val_error"][-1])
        high = next(
            c["gain"]
            for r, c in zip(runs, curves)
            if r.study == "mnist_lr" and r.lr == config.mnist_lr * max(config.mnist_factors)
        )
        base_jitter = float(np.median(jitter(gain)))
        metrics["mnist_jitter_ratio_high_vs_base"] = (
            float(np.median(jitter(high))) / base_jitter if base_jitter > 0 else float("inf")
        )
        _controls(config, runs, data, base, ctx, metrics, arrays)
        notes.append(
            f"Controls: the base MNIST run (lr {config.mnist_lr:g}) over {config.control_seeds} seeds, "
            "the same networks untrained (same initialisation seeds)"
            + (
                " and trained on shuffled labels."
                if config.shuffled_control
                else "; shuffled labels are trained only from the laptop scale (notebook budget)."
            )
        )
    notes += [f"{role} data: {s.source.split_note}" for role, s in data.items()]
    if alpha:
        notes.append(
            "weightwatcher alpha (mean over the layers it analyses: "
            + ", ".join(map(str, arrays.get("alpha_layers", [])))
            + ") after every epoch of every run."
        )
    elif config.weightwatcher:
        notes.append("weightwatcher is not installed (pip install 'sigcnn[weightwatcher]'): no alpha curves.")
    if config.train_limit is not None or config.val_limit is not None:
        notes.append(
            f"{config.scale} scale: at most {config.train_limit} training and {config.val_limit} "
            f"validation images per data set; {config.mnist_epochs} / {config.hard_epochs} epochs; "
            f"studies {', '.join(config.studies)}."
        )
    return Measured(metrics, arrays, "; ".join(s.source.data_source for s in data.values()), notes)


def unlearned_runs(arrays: dict, classes: int = 10, margin: float = 0.05) -> list[str]:
    """``"study: label"`` of every run whose last validation error is within ``margin`` of chance
    (``1 - 1 / classes``): its gain curve belongs to a network that learned nothing."""
    chance = 1 - 1 / classes
    return [
        f"{study}: {label}"
        for study, label, key in zip(arrays["run_studies"], arrays["run_labels"], arrays["run_keys"])
        if float(arrays[f"{key}__val_error"][-1]) >= chance - margin
    ]


def findings(metrics: dict) -> list[str]:
    """Plain-language verdicts on the paper's section IV claims, from the measured ``metrics``."""
    out = []
    final = metrics.get("mnist_base_final_gain_db")
    if final is not None and np.isfinite(final):
        lo, hi = (
            metrics.get("mnist_base_final_gain_db_control_min"),
            metrics.get("mnist_base_final_gain_db_control_max"),
        )
        rise = metrics["mnist_base_gain_rise_db"]
        text = (
            f"At the base learning rate the Maximum Gain of LeNet on MNIST changes by {rise:+.1f} dB from the "
            f"first to the last epoch (mean of {metrics['control_seed_count']} seeds) and ends at "
            f"{final:.1f} dB"
        )
        if lo is not None:
            outside = metrics["mnist_base_final_gain_db_outside_controls"]
            text += f"; the same networks untrained have {lo:.1f} to {hi:.1f} dB. " + (
                "Training moved the gain outside that spread, "
                + ("upwards, as the paper reports." if final > hi else "but downwards, unlike the paper.")
                if outside
                else "The trained gain is inside the untrained spread: at this scale the "
                "gain has not moved away from its value at initialisation."
            )
        out.append(text)
        lo_s = metrics.get("mnist_base_gain_rise_db_control_min")
        if lo_s is not None:
            out.append(
                f"Trained on shuffled labels, the same networks' gain changes by {lo_s:+.1f} to "
                f"{metrics['mnist_base_gain_rise_db_control_max']:+.1f} dB: the rise with true labels is "
                + (
                    "outside that spread, so it comes with learning the labels."
                    if metrics["mnist_base_gain_rise_db_outside_controls"]
                    else "inside it, so the rise does not show that the network learned the task."
                )
            )
    ratio = metrics.get("mnist_jitter_ratio_high_vs_base")
    if ratio is not None and np.isfinite(ratio):
        out.append(
            f"The largest learning rate makes the gain curve {ratio:.1f} times as jagged as at 0.001 "
            "(median absolute second difference): "
            + (
                "higher learning rates give more variable curves, as in Fig. 8."
                if ratio > 1.5
                else "no clear increase of variability with the learning rate at this scale."
            )
        )
    agree = metrics.get("diagnosis_agreement")
    if agree is not None and np.isfinite(agree):
        n = metrics.get("diagnosed_runs", 0)
        out.append(
            f"The section IV-C1 rules, read from the gain curve alone, agree with our validation-loss verdict "
            f"on {round(agree * n)} of {n} runs ({100 * agree:.0f} %). "
            + (
                "That supports using Maximum Gain as a stand-in for the validation loss."
                if agree >= 0.75
                else "That is not enough to replace the validation loss: the gain curve and the loss curves often "
                "tell different stories."
            )
        )
    rho = metrics.get("gain_val_loss_spearman_median")
    if rho is not None and np.isfinite(rho):
        out.append(
            f"Across epochs, Maximum Gain and validation loss have a median Spearman correlation of {rho:+.2f}: "
            + (
                "strongly negative, so a rising gain tracks a falling validation loss."
                if rho <= -0.5
                else "weakly negative: the gain tracks the validation loss only loosely."
                if rho < 0
                else "not negative, so the gain does not track the validation loss here."
            )
        )
    a_rho, a_agree = metrics.get("alpha_val_loss_spearman_median"), metrics.get("alpha_diagnosis_agreement")
    if a_rho is not None and np.isfinite(a_rho):
        out.append(
            f"weightwatcher's alpha on the same checkpoints (our comparison, not the paper's): median Spearman "
            f"correlation with validation loss {a_rho:+.2f} (gain: {rho:+.2f}); the four rules read from the "
            f"alpha curve agree with our loss verdict on {100 * a_agree:.0f} % of the runs "
            f"(gain: {100 * agree:.0f} %)."
        )
    return out


EXPERIMENT = Experiment(
    name="max-gain-training",
    title="Maximum Gain during training (learning rate, architecture, width)",
    paper="stamatescu2018spectral",
    reproduces="Stamatescu & McDonnell §IV, Figs. 8-13",
    config=Config,
    scales={
        "ci": dict(
            studies=("mnist_lr", "hard_lr"),
            mnist_factors=(0.1, 1.0, 4.0),
            mnist_epochs=6,
            hard_factors=(1.0, 4.0),
            hard_epochs=6,
            train_limit=600,
            val_limit=500,
            allow_test_split=True,
            shuffled_control=False,
        ),
        "laptop": dict(
            mnist_epochs=10,
            hard_epochs=15,
            arch_epochs=10,
            train_limit=5000,  # with 10,000: about 1.5 h on one core (the x4 LeNet alone 170 s/epoch)
            val_limit=5000,
            nin_channels=(32, 48, 48),
            allow_test_split=False,
        ),
        "full": dict(),
    },
    measure=measure,
    notebook="notebooks/max_gain_training",
    datasets=IMAGE_DATASETS,
    choices={"hard_dataset": HARD_DATASETS},
    report_rows=(
        ReportRow(
            "S&M §IV-A (Fig. 8)",
            "Maximum Gain after training, LeNet on MNIST at lr 0.001 (mean of 3 seeds)",
            "mnist_base_final_gain_db",
            "rises, then flat (no number)",
            source="derived",
            format="db",
            control="untrained, 3 seeds",
            figure="fig-max-gain-mnist",
        ),
        ReportRow(
            "S&M §IV-A (Fig. 8)",
            "Maximum Gain rise from the first to the last epoch, lr 0.001 (mean of 3 seeds)",
            "mnist_base_gain_rise_db",
            "rises (no number)",
            source="derived",
            format="db",
            control="shuffled labels, 3 seeds",
        ),
        ReportRow(
            "S&M §IV-A (Fig. 8)",
            "gain jitter at the highest lr / at lr 0.001 (median absolute 2nd difference)",
            "mnist_jitter_ratio_high_vs_base",
            "> 1 (no number)",
            source="derived",
        ),
        ReportRow(
            "S&M §IV-A (Fig. 9)",
            "validation error after the last epoch, lr 0.001",
            "mnist_base_final_val_error",
            "no number (read from Fig. 9)",
            source="ours",
            format="percent",
        ),
        ReportRow(
            "S&M §IV-C1",
            "runs where the Maximum-Gain rules agree with our validation-loss verdict",
            "diagnosis_agreement",
            "agree (no number)",
            source="derived",
            format="percent",
        ),
        ReportRow(
            "beyond the paper",
            "median Spearman correlation of Maximum Gain with validation loss across epochs",
            "gain_val_loss_spearman_median",
            "negative expected (no number)",
            source="ours",
        ),
        ReportRow(
            "beyond the paper",
            "median Spearman correlation of weightwatcher alpha with validation loss",
            "alpha_val_loss_spearman_median",
            "no number",
            source="ours",
        ),
    ),
    findings=findings,
)
make_config, run = EXPERIMENT.make_config, EXPERIMENT.run
NAME = EXPERIMENT.name
