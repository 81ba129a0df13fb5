"""Stamatescu & McDonnell, section IV and Figs. 8-13: Maximum Gain as a training diagnostic.

Every training run records, after each epoch, the Maximum Gain of the network for the impulse
image beside the training and validation loss and error (and, when the optional weightwatcher
is installed, its power-law exponent alpha). Studies: a learning-rate sweep of LeNet on MNIST
(Figs. 8-9); the same on a harder data set with the paper's CIFAR network (Figs. 10-11);
Network-in-Network against LeNet (Fig. 12); LeNet with x1/4 and x4 filters (Fig. 13). The
section IV-C1 rules read each gain curve; our loss rule reads the losses; the two are compared.
Claims are declared as data (:data:`CLAIMS`) and decided by :mod:`sigcnn.verdicts`: the gain after
training against ``untrained_seeds`` untrained networks (they cost no training); the rise with true
labels against the same initialisations trained on shuffled labels (paired by seed, from
``laptop`` scale); the jitter of the highest learning rate against the base rate (paired by seed,
log ratio); the rules' agreement with our loss verdict against the agreement expected by chance.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import partial
from typing import Any

import numpy as np
import numpy.typing as npt
import torch

from ..data import IMAGE_DATASETS, DatasetUnavailable
from ..models import NIN, WideLeNet
from ..models.lenet_wide import CifarLeNet
from ..probes.diagnosis import diagnose_runs, jitter
from ..probes.epoch_metrics import Split, load_split, train_with_curves, weightwatcher_available
from ..verdicts import Claim, Verdict, sentence
from ._base import BaseConfig, Experiment, Measured, ReportRow, RunContext
from ._metrics import Replicated, mean_of

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
    """Training seeds of the base MNIST run (and of its highest-rate and shuffled-label twins)."""
    untrained_seeds: int = 12
    """Untrained networks of the control (no training: cheap); the first ``control_seeds`` share the trained seeds."""
    shuffled_control: bool = True
    weightwatcher: bool = True  # alpha per epoch when the optional package is installed

    def __post_init__(self):
        bad = sorted(set(self.studies) - set(STUDIES))
        if bad:
            raise ValueError(f"unknown studies {bad}: choose from {', '.join(STUDIES)}")
        if self.control_seeds < 1:
            raise ValueError(f"control_seeds must be >= 1, got {self.control_seeds}")
        if self.untrained_seeds < self.control_seeds:
            raise ValueError(
                f"untrained_seeds must be >= control_seeds ({self.control_seeds}), got {self.untrained_seeds}"
            )


@dataclass(frozen=True)
class Run:
    """One training run: its study, labels, network factory (of the number of input channels), rate and length."""

    study: str
    label: str
    key: str
    build: Callable[[int], torch.nn.Module]
    lr: float
    epochs: int
    role: str  # "main" or "hard"


def factor_label(factor: float) -> str:
    """``0.1 -> "1/10"``, ``4.0 -> "4"`` (how the paper names its learning-rate multipliers)."""
    return str(Fraction(factor).limit_denominator(20))


def _key(text: str) -> str:
    return text.replace("/", "-").replace(".", "p")


def lenet_for(channels: int, width: float = 1.0) -> torch.nn.Module:
    """The paper's LeNet for images of ``channels`` channels: :class:`CifarLeNet` on colour images
    (CIFAR-10, the one colour set of :data:`HARD_DATASETS`; §IV-B), else the MNIST one (§IV-A)."""
    return CifarLeNet(width, in_channels=channels) if channels == 3 else WideLeNet(width, in_channels=channels)


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
                lambda c: NIN(config.nin_channels, in_channels=c),
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
                partial(lenet_for, width=w),
                config.arch_lr,
                config.arch_epochs,
                "hard",
            )
            for w in config.widths
        ]
    return runs


def _load(config: Config, roles: set[str], device) -> tuple[dict[str, Split], list[str]]:
    """The data of each role; the harder set falls back (with a note) when CIFAR-10 is absent."""
    loaded: dict[str, Split] = {}
    notes: list[str] = []
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
    if "hard" in loaded and loaded["hard"].x_train.shape[1] == 3:  # colour images: the CIFAR network
        notes.append(
            f"Harder set: {loaded['hard'].source.name} with the paper's CIFAR network as we read §IV-B (CifarLeNet: four "
            "convolutions 5x5/5x5/5x5/3x3 with 32/32/64/64 filters, two max and two average pools, four "
            "ReLU, one fully-connected layer; sizes ours)."
        )
    return loaded, notes


@dataclass(frozen=True)
class Metrics:
    """What a run measures. A :class:`Replicated` field holds one value per replicate (training seed,
    run) and, where a control applies, the control's values; the flat keys are those of the stored runs."""

    runs: int
    weightwatcher_used: bool
    hard_is_cifar10: bool | None
    control_seed_count: int
    untrained_seed_count: int
    diagnosed_runs: int
    diagnosis_agreement: float
    diagnosis_agreement_chance: float
    """The agreement expected by chance from how often each verdict occurs (rules x loss rule)."""
    diagnosis_agreement_above_chance: Replicated
    """Per diagnosed run: agrees (1) or not (0), minus :attr:`diagnosis_agreement_chance`."""
    gain_val_loss_spearman_median: float
    gain_val_loss_spearman: Replicated
    """Per run (finite values): Spearman correlation of the gain with the validation loss across epochs."""
    mnist_base_final_val_error: float | None
    mnist_base_final_gain_db: Replicated
    """Gain after the last epoch per training seed; control: the same architecture untrained."""
    mnist_base_gain_rise_db: Replicated
    """Gain rise, first to last epoch, per training seed; control: shuffled labels (same seeds)."""
    mnist_base_gain_rise_vs_shuffled_db: Replicated
    """Per training seed: rise with true labels minus rise with shuffled labels from the same initialisation."""
    mnist_base_gain_rise_seed0_db: float | None
    mnist_jitter_ratio_high_vs_base: float | None
    """Seed 0: median jitter of the highest-rate gain curve / that of the base rate."""
    mnist_jitter_log_ratio: Replicated
    """Per replicate pair (base-rate seed k, highest-rate seed k): log10 of the ratio of their median jitters."""
    alpha_diagnosed_runs: int | None = None
    alpha_diagnosis_agreement: float | None = None
    alpha_val_loss_spearman_median: float | None = None


def median_jitter(curve: npt.ArrayLike) -> float:
    """Median absolute second difference of a gain curve (dB); NaN when it is not finite."""
    g = np.asarray(curve, dtype=float)
    return float(np.median(jitter(g))) if g.size >= 3 and np.all(np.isfinite(g)) else float("nan")


def jitter_log_ratio(high: npt.ArrayLike, base: npt.ArrayLike) -> float:
    """``log10(median_jitter(high) / median_jitter(base))``: above 0 when the high-rate curve is more jagged."""
    h, b = median_jitter(high), median_jitter(base)
    return float(np.log10(h / b)) if np.isfinite(h) and np.isfinite(b) and h > 0 and b > 0 else float("nan")


def chance_agreement(verdicts: Sequence[str], loss_verdicts: Sequence[str]) -> float:
    """Agreement of two verdict lists expected by chance: ``sum_v P(rules = v) P(loss = v)`` (NaN when empty)."""
    a, b = np.asarray(verdicts, dtype=str), np.asarray(loss_verdicts, dtype=str)
    if a.size == 0:
        return float("nan")
    return float(sum(np.mean(a == v) * np.mean(b == v) for v in set(a.tolist()) | set(b.tolist())))


def _ratio(log_ratio: float) -> float | None:
    return float(10**log_ratio) if np.isfinite(log_ratio) else None


def _finite(values) -> list[float]:
    return [float(v) for v in values if np.isfinite(v)]


def _controls(config: Config, runs: list[Run], data: dict[str, Split], base: int, high: int, ctx: RunContext, arrays):
    """The base MNIST run over ``control_seeds`` seeds (with its highest-rate twin), ``untrained_seeds``
    untrained networks and (optionally) the same seeds on shuffled labels. Returns the per-seed numbers."""
    run, split = runs[base], data["main"]
    build = lambda: run.build(split.x_train.shape[1])  # noqa: E731
    offsets = [100 * i for i in range(config.untrained_seeds)]  # offset 0: the sweep's own run
    seeds = [config.seed + base + o for o in offsets[: config.control_seeds]]
    train = partial(train_with_curves, epochs=run.epochs, batch_size=config.batch_size, optimizer=config.optimizer)
    trained = [arrays[f"mnist_lr__{_key(run.key)}__gain"]] + [
        train(s, build, split, lr=run.lr, progress=ctx.progress, desc=f"seed {s}")["gain"] for s in seeds[1:]
    ]
    # the highest rate over as many seeds (pair 0: the two sweep runs): the jitter ratio is paired by replicate
    high_run = runs[high]
    high_seeds = [config.seed + high + o for o in offsets[: config.control_seeds]]
    highs = [arrays[f"mnist_lr__{_key(high_run.key)}__gain"]] + [
        train(s, build, split, lr=high_run.lr, progress=ctx.progress, desc=f"high lr, seed {s}")["gain"]
        for s in high_seeds[1:]
    ]
    untrained_seeds = [config.seed + base + o for o in offsets]
    untrained = [train_with_curves(s, build, split, epochs=0, lr=run.lr)["gain"][0] for s in untrained_seeds]
    shuffled = (
        [
            train(s, build, split, lr=run.lr, shuffle_labels=True, progress=ctx.progress, desc=f"shuffled {s}")
            for s in seeds
        ]
        if config.shuffled_control
        else []
    )
    arrays.update(
        control_seeds=np.array(seeds),
        high_seeds=np.array(high_seeds),
        untrained_seeds=np.array(untrained_seeds),
        base_trained_gain=np.stack(trained),
        high_trained_gain=np.stack(highs),
        base_untrained_gain=np.array(untrained[: len(seeds)]),
        untrained_control_gain=np.array(untrained),
    )
    if shuffled:
        for name in CURVES:
            arrays[f"base_shuffled_{name}"] = np.stack([c[name] for c in shuffled])
    rises = [float(g[-1] - g[0]) for g in trained]
    shuffled_rises = [float(c["gain"][-1] - c["gain"][0]) for c in shuffled]
    return {
        "control_seed_count": len(seeds),
        "untrained_seed_count": len(untrained_seeds),
        "mnist_base_final_gain_db": Replicated.of(_finite(g[-1] for g in trained), _finite(untrained)),
        "mnist_base_gain_rise_db": Replicated.of(rises, shuffled_rises),
        "mnist_base_gain_rise_vs_shuffled_db": Replicated.of([t - s for t, s in zip(rises, shuffled_rises)]),
        "mnist_base_gain_rise_seed0_db": rises[0],
        "mnist_jitter_ratio_high_vs_base": _ratio(jitter_log_ratio(highs[0], trained[0])),
        "mnist_jitter_log_ratio": Replicated.of(_finite(jitter_log_ratio(h, b) for h, b in zip(highs, trained))),
    }


NO_BASE = {
    "control_seed_count": 0,
    "untrained_seed_count": 0,
    "mnist_base_final_gain_db": Replicated.of([]),
    "mnist_base_gain_rise_db": Replicated.of([]),
    "mnist_base_gain_rise_vs_shuffled_db": Replicated.of([]),
    "mnist_base_gain_rise_seed0_db": None,
    "mnist_jitter_ratio_high_vs_base": None,
    "mnist_jitter_log_ratio": Replicated.of([]),
}
"""The base-run numbers when the MNIST learning-rate study is not run (the claims then say "no test")."""


def measure(config: Config, ctx: RunContext) -> Measured:
    """Train every run with the monitors, diagnose the curves, measure the controls."""
    runs = _runs(config)
    data, notes = _load(config, {r.role for r in runs}, ctx.device)
    alpha = config.weightwatcher and weightwatcher_available()
    arrays: dict = {}
    curves = []
    for k, run in enumerate(runs):
        split = data[run.role]
        c = train_with_curves(
            config.seed + k,
            partial(run.build, split.x_train.shape[1]),
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
        curves.append(c)
    arrays.update(
        run_labels=np.array([r.label for r in runs]),
        run_studies=np.array([r.study for r in runs]),
        run_keys=np.array([f"{r.study}__{_key(r.key)}" for r in runs]),
        run_lr=np.array([r.lr for r in runs]),
        run_final_val_error=np.array([float(c["val_error"][-1]) for c in curves]),
    )
    diagnosis = diagnose_runs(arrays["run_keys"], arrays["run_studies"], curves, "gain")
    arrays.update(diagnosis.arrays())
    chance = chance_agreement(diagnosis.verdicts, diagnosis.loss_verdicts)
    agree = [float(v == lv) - chance for v, lv in zip(diagnosis.verdicts, diagnosis.loss_verdicts)]
    alpha_numbers: dict[str, Any] = {}
    if alpha:
        a_diag = diagnose_runs(arrays["run_keys"], arrays["run_studies"], curves, "alpha")
        arrays.update(a_diag.arrays())
        a_rho = _finite(a_diag.spearman)
        alpha_numbers = dict(
            alpha_diagnosed_runs=len(a_diag.keys),
            alpha_diagnosis_agreement=a_diag.agreement,
            alpha_val_loss_spearman_median=float(np.median(a_rho)) if a_rho else float("nan"),
        )
    rho = _finite(diagnosis.spearman)
    base = next((k for k, r in enumerate(runs) if r.study == "mnist_lr" and r.lr == config.mnist_lr), None)
    numbers: dict[str, Any] = dict(NO_BASE)
    if base is not None:
        high = next(
            k
            for k, r in enumerate(runs)
            if r.study == "mnist_lr" and r.lr == config.mnist_lr * max(config.mnist_factors)
        )
        numbers = _controls(config, runs, data, base, high, ctx, arrays)
        notes.append(
            f"Controls: the base MNIST run (lr {config.mnist_lr:g}) and the highest rate over {config.control_seeds} "
            f"seeds, {config.untrained_seeds} untrained networks (the first {config.control_seeds} share the "
            "trained seeds' initialisations)"
            + (
                " and the trained seeds on shuffled labels."
                if config.shuffled_control
                else "; shuffled labels are trained only from the laptop scale (notebook budget)."
            )
        )
    metrics = Metrics(
        runs=len(runs),
        weightwatcher_used=bool(alpha),
        hard_is_cifar10=(data["hard"].source.name == "cifar10") if "hard" in data else None,
        diagnosed_runs=len(diagnosis.keys),
        diagnosis_agreement=diagnosis.agreement,
        diagnosis_agreement_chance=chance,
        diagnosis_agreement_above_chance=Replicated.of(agree),
        gain_val_loss_spearman_median=float(np.median(rho)) if rho else float("nan"),
        gain_val_loss_spearman=Replicated.of(rho),
        mnist_base_final_val_error=float(curves[base]["val_error"][-1]) if base is not None else None,
        **numbers,
        **alpha_numbers,
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


CLAIMS = (
    Claim(
        "gain_rises_with_training",
        "training raises LeNet's Maximum Gain on MNIST above its value at initialisation (Fig. 8)",
        "mnist_base_final_gain_db_replicates",
        "greater",
        "training seeds",
        control="mnist_base_final_gain_db_control",
        control_label="untrained networks",
    ),
    Claim(
        "rise_needs_true_labels",
        "the gain rises more with true labels than with shuffled labels from the same initialisation",
        "mnist_base_gain_rise_vs_shuffled_db_replicates",
        "greater",
        "training seeds",
        no_control="paired by initialisation seed: rise with true labels minus rise with shuffled labels; "
        "0 means the rise does not depend on learning the labels",
        source="ours",
    ),
    Claim(
        "higher_lr_more_variable",
        "a higher learning rate makes the Maximum Gain curve more variable (Fig. 8)",
        "mnist_jitter_log_ratio_replicates",
        "greater",
        "training seeds",
        no_control="paired by replicate: log10 of the highest rate's median jitter over the base rate's; "
        "0 means the learning rate leaves the variability unchanged (seed-to-seed spread is the t test's variance)",
    ),
    Claim(
        "rules_agree_with_loss",
        "the section IV-C1 rules read from the gain curve agree with a reading of the validation loss",
        "diagnosis_agreement_above_chance_replicates",
        "greater",
        "training runs",
        no_control="per run: agrees (1) or not (0) minus the agreement expected by chance from how often "
        "each verdict occurs; 0 means the rules agree no more than chance",
    ),
    Claim(
        "gain_tracks_val_loss",
        "across epochs the Maximum Gain falls as the validation loss rises (negative rank correlation)",
        "gain_val_loss_spearman_replicates",
        "less",
        "training runs",
        no_control="per run, Spearman correlation of gain and validation loss across epochs; 0 means no "
        "monotone association (both also trend with the epoch)",
        source="ours",
    ),
)


def findings(metrics: dict, verdicts: dict[str, Verdict]) -> list[str]:
    """Plain-language verdicts on the paper's section IV claims, computed from ``metrics`` and the engine's verdicts."""
    claims = {c.id: c for c in CLAIMS}
    say = lambda cid: sentence(claims[cid], verdicts[cid])  # noqa: E731
    out = []
    final = metrics.get("mnist_base_final_gain_db")
    if final is not None and np.isfinite(final):
        out.append(
            f"At the base learning rate the Maximum Gain of LeNet on MNIST ends at {final:.1f} dB (mean of "
            f"{metrics['control_seed_count']} seeds) and changes by {metrics['mnist_base_gain_rise_db']:+.1f} dB "
            f"from the first to the last epoch; {metrics['untrained_seed_count']} untrained networks have a mean of "
            f"{mean_of(metrics.get('mnist_base_final_gain_db_control', [])):.1f} dB. Fig. 8: "
            + say("gain_rises_with_training")
        )
    out.append("Does the rise need the true labels? " + say("rise_needs_true_labels"))
    ratio = metrics.get("mnist_jitter_ratio_high_vs_base")
    lead = (
        f"The largest learning rate makes the seed-0 gain curve {ratio:.2f} times as jagged as the base rate "
        "(median absolute second difference). "
        if ratio is not None and np.isfinite(ratio)
        else ""
    )
    out.append(lead + "Fig. 8, variability: " + say("higher_lr_more_variable") + " (effect in log10 of the ratio)")
    agree = metrics.get("diagnosis_agreement")
    if agree is not None and np.isfinite(agree):
        n = metrics.get("diagnosed_runs", 0)
        out.append(
            f"The section IV-C1 rules, read from the gain curve alone, agree with our validation-loss verdict on "
            f"{round(agree * n)} of {n} runs ({100 * agree:.0f} %; chance from the verdicts' frequencies: "
            f"{100 * metrics['diagnosis_agreement_chance']:.0f} %): " + say("rules_agree_with_loss")
        )
    rho = metrics.get("gain_val_loss_spearman_median")
    if rho is not None and np.isfinite(rho):
        out.append(
            f"Across epochs, Maximum Gain and validation loss have a median Spearman correlation of {rho:+.2f}: "
            + say("gain_tracks_val_loss")
        )
    a_rho, a_agree = metrics.get("alpha_val_loss_spearman_median"), metrics.get("alpha_diagnosis_agreement")
    if a_rho is not None and np.isfinite(a_rho) and a_agree is not None and rho is not None and agree is not None:
        out.append(
            f"weightwatcher's alpha on the same checkpoints (our comparison, not the paper's, without a test): "
            f"median Spearman correlation with validation loss {a_rho:+.2f} (gain: {rho:+.2f}); the four rules "
            f"read from the alpha curve agree with our loss verdict on {100 * a_agree:.0f} % of the runs "
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
            "Maximum Gain after training, LeNet on MNIST at lr 0.001 (mean over training seeds)",
            "mnist_base_final_gain_db",
            "rises, then flat (no number)",
            source="derived",
            format="db",
            control="untrained networks",
            figure="fig-max-gain-mnist",
            claim="gain_rises_with_training",
        ),
        ReportRow(
            "S&M §IV-A (Fig. 8)",
            "Maximum Gain rise, first to last epoch, true minus shuffled labels (paired by seed; ours)",
            "mnist_base_gain_rise_vs_shuffled_db",
            "no claim",
            source="ours",
            format="db",
            claim="rise_needs_true_labels",
        ),
        ReportRow(
            "S&M §IV-A (Fig. 8)",
            "log10 of gain jitter at the highest lr / at lr 0.001 (median absolute 2nd difference, paired by seed)",
            "mnist_jitter_log_ratio",
            "> 0 (no number)",
            source="derived",
            claim="higher_lr_more_variable",
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
            "S&M §IV-C1",
            "agreement of the rules with our loss verdict minus chance agreement (per run)",
            "diagnosis_agreement_above_chance",
            "> 0 (no number)",
            source="derived",
            claim="rules_agree_with_loss",
        ),
        ReportRow(
            "beyond the paper",
            "Spearman correlation of Maximum Gain with validation loss across epochs (mean over runs)",
            "gain_val_loss_spearman",
            "negative expected (no number)",
            source="ours",
            claim="gain_tracks_val_loss",
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
    metrics=Metrics,
    claims=CLAIMS,
)
make_config, run = EXPERIMENT.make_config, EXPERIMENT.run
