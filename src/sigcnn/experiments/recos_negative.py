"""Kuo (2016), section 2 and Fig. 5: why rectification matters, tested with grey-scale reversal.

LeNet-5s trained on original images (several seeds) are tested on grey-scale-reversed ones;
negating C1 swaps the two accuracies exactly. Kuo's remedy (doubling the C1 anchors; training on
both polarities is our addition) and the same test with other activations complete it. Every
network here trains for ``epochs`` epochs.

The claims are robustness claims about the trained networks, so their null is the same networks
on the same test images: each claim reads a per-image paired difference (1 when the image is
classified correctly in one condition and not in the other, −1 the other way round, 0 when the two
agree; averaged over the trained seeds where there are several), and the engine's test runs over
test images. An untrained network at chance would control nothing here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import torch

from ..models import LeNet5, negate_first_layer
from ..models.trained_lenet import trained_lenets
from ..models.training import SeededTraining, predict, train_seeded
from ..verdicts import Claim, Verdict, sentence
from ._base import Experiment, Measured, ReportRow, RunContext
from ._lenet import DATASETS, LeNetConfig, lenet_scales, training_spec
from ._metrics import Replicated, mean_of

OTHER_ACTIVATIONS = ("sigmoid", "leaky_relu", "identity")
"""Activations the single-polarity test is repeated with (besides ReLU)."""

REMEDY_CHANNELS = (6, 12)
"""C1 widths of the networks trained on both polarities (Kuo's remedy doubles the 6 anchors)."""

PER_IMAGE_DIGITS = 4
"""Per-image differences are stored rounded to this many decimals (they are multiples of 1/seeds)."""


@dataclass(frozen=True)
class Config(LeNetConfig):
    """Settings of one run; ``seeds`` networks are trained (seeds ``seed``, ``seed + 1``, ...)."""

    seeds: int = 3
    activations: tuple[str, ...] = OTHER_ACTIVATIONS
    remedy_channels: tuple[int, ...] = REMEDY_CHANNELS

    def __post_init__(self):
        if self.seeds < 1:
            raise ValueError(f"seeds must be >= 1, got {self.seeds}")
        for act in self.activations:
            if act not in OTHER_ACTIVATIONS:
                raise ValueError(f"unknown activation {act!r}: choose among {', '.join(OTHER_ACTIVATIONS)}")
        for ch in self.remedy_channels:
            if ch not in REMEDY_CHANNELS:
                raise ValueError(f"remedy_channels must be among {REMEDY_CHANNELS}, got {ch!r}")


@dataclass(frozen=True)
class Variant:
    """One extra network (one seed): accuracies on original and reversed images (``None``: not run)."""

    accuracy_original: float | None = None
    accuracy_reversed: float | None = None
    prediction_agreement: float | None = None
    """Fraction of test images given the same class original and reversed (single-polarity networks)."""


@dataclass(frozen=True)
class Metrics:
    """What a run measures. ``*_per_image`` hold one paired difference per test image (what the
    claims read); ``accuracy_*`` hold one value per trained seed."""

    train_images: int
    test_images: int
    seeds: int
    swap_exact: bool
    activation_relu_prediction_agreement: float
    accuracy_original: Replicated
    accuracy_reversed: Replicated
    reversal_accuracy_drop: Replicated
    negated_c1_accuracy_original: float
    negated_c1_accuracy_reversed: float
    relu_seed0_accuracy_original: float
    relu_seed0_accuracy_reversed: float
    reversal_drop_per_image: tuple[float, ...]
    """Correct on the original minus correct on the reversed image, mean over the trained seeds."""
    negated_c1_gain_per_image: tuple[float, ...]
    """Reversed image: correct with C1 negated minus correct with the trained C1, mean over seeds."""
    remedy_gain_per_image: tuple[float, ...]
    """Reversed image: correct for the 12-C1 network trained on both polarities minus the ReLU seed 0."""
    doubling_gain_per_image: tuple[float, ...]
    """Reversed image: correct for 12 C1 filters minus 6 C1 filters, both trained on both polarities."""
    no_activation_drop_per_image: tuple[float, ...]
    """Network without activation: correct on the original minus correct on the reversed image."""
    relu_minus_no_activation_drop_per_image: tuple[float, ...]
    """Per-image drop of the ReLU network (seed 0) minus that of the network without activation."""
    remedy_c1_6: Variant
    remedy_c1_12: Variant
    activation_sigmoid: Variant
    activation_leaky_relu: Variant
    activation_identity: Variant


def _correct(net, x, y) -> tuple[np.ndarray, np.ndarray]:
    """Per-image correctness (float 0/1) on ``x`` and on the reversed ``-x`` (reversal is exact negation)."""
    return (predict(net, x) == y).double().cpu().numpy(), (predict(net, -x) == y).double().cpu().numpy()


def _per_image(values) -> tuple[float, ...]:
    return tuple(round(float(v), PER_IMAGE_DIGITS) for v in np.asarray(values, dtype=float).ravel())


def measure(config: Config, ctx: RunContext) -> Measured:
    """Train, reverse, negate; per-image paired differences on the same networks are the claims' data.

    The ReLU networks are the cached trained LeNet-5s (:func:`~sigcnn.models.trained_lenet.trained_lenets`);
    the remedy and activation variants (one seed each, other architectures or data) train here.
    """
    dev = ctx.device
    data, relu_nets = trained_lenets(training_spec(config), config.seeds, dev, ctx.progress)
    x_train, y_train, x_test, y_test = (t.to(dev) for t in (data.x_train, data.y_train, data.x_test, data.y_test))
    n_classes = data.num_classes

    def train(
        factory: Callable[[], LeNet5], x: torch.Tensor, y: torch.Tensor, seed: int, desc: str
    ) -> SeededTraining[LeNet5]:
        return train_seeded(
            factory,
            x,
            y,
            seed=seed,
            epochs=config.epochs,
            batch_size=config.batch_size,
            lr=config.lr,
            progress=ctx.progress,
            desc=desc,
        )

    arrays: dict[str, np.ndarray] = {}
    # per seed: per-image correctness (n_test,)
    orig: list[np.ndarray] = []
    rev: list[np.ndarray] = []
    neg_orig: list[np.ndarray] = []
    neg_rev: list[np.ndarray] = []
    swap_exact, agreement = True, float("nan")
    for s, relu in enumerate(relu_nets):
        model = relu.model
        o, r = _correct(model, x_test, y_test)
        logits_before = model(x_test[:500]).detach()
        if s == 0:
            # a copy: on the CPU .numpy() shares memory with the weights that negate_first_layer flips below
            arrays["loss_relu"], arrays["c1_weights"] = relu.loss, model.c1.weight.detach().cpu().numpy().copy()
            pred_orig = predict(model, x_test)
        negate_first_layer(model)
        no, nr = _correct(model, x_test, y_test)
        same_logits = torch.equal(model(-x_test[:500]).detach(), logits_before)
        swap_exact &= bool(np.array_equal(nr, o) and np.array_equal(no, r) and same_logits)
        if s == 0:
            agreement = float((pred_orig == predict(model, x_test)).float().mean())  # negated on x = original on -x
        for store, value in ((orig, o), (rev, r), (neg_orig, no), (neg_rev, nr)):
            store.append(value)

    variants: dict[str, Variant] = {}
    correct: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    plan: list[tuple[str, int, dict[str, Any], bool]] = [
        (f"remedy_c1_{ch}", config.seed + 100 + k, dict(c1_channels=ch), True)
        for k, ch in enumerate(REMEDY_CHANNELS)
        if ch in config.remedy_channels
    ]
    plan += [
        (f"activation_{act}", config.seed + 200 + k, dict(activation=act), False)
        for k, act in enumerate(OTHER_ACTIVATIONS)
        if act in config.activations
    ]
    x_both, y_both = torch.cat([x_train, -x_train]), torch.cat([y_train, y_train])
    for prefix, seed, kw, both in plan:
        run = train(
            partial(LeNet5, num_classes=n_classes, **kw),
            x_both if both else x_train,
            y_both if both else y_train,
            seed,
            prefix,
        )
        arrays[f"loss_{prefix.removeprefix('activation_')}"] = np.array(run.log.loss)
        correct[prefix] = _correct(run.model, x_test, y_test)
        agree = None if both else float((predict(run.model, x_test) == predict(run.model, -x_test)).float().mean())
        variants[prefix] = Variant(float(correct[prefix][0].mean()), float(correct[prefix][1].mean()), agree)

    def diff(a: str, b: str, which: int) -> tuple[float, ...]:
        """Per-image ``correct[a] - correct[b]`` on original (0) or reversed (1) images; () if either is missing."""
        return _per_image(correct[a][which] - correct[b][which]) if a in correct and b in correct else ()

    correct["relu_seed0"] = (orig[0], rev[0])
    no_act = "activation_identity"
    relu_minus: tuple[float, ...] = ()
    if no_act in correct:
        relu_minus = _per_image((orig[0] - rev[0]) - (correct[no_act][0] - correct[no_act][1]))
    per_seed = lambda rows: [float(r.mean()) for r in rows]  # noqa: E731
    metrics = Metrics(
        train_images=int(x_train.shape[0]),
        test_images=int(x_test.shape[0]),
        seeds=config.seeds,
        swap_exact=swap_exact,
        activation_relu_prediction_agreement=agreement,
        accuracy_original=Replicated.of(per_seed(orig)),
        accuracy_reversed=Replicated.of(per_seed(rev)),
        reversal_accuracy_drop=Replicated.of([a - b for a, b in zip(per_seed(orig), per_seed(rev), strict=True)]),
        negated_c1_accuracy_original=mean_of(per_seed(neg_orig)),
        negated_c1_accuracy_reversed=mean_of(per_seed(neg_rev)),
        relu_seed0_accuracy_original=float(orig[0].mean()),
        relu_seed0_accuracy_reversed=float(rev[0].mean()),
        reversal_drop_per_image=_per_image(np.mean(orig, axis=0) - np.mean(rev, axis=0)),
        negated_c1_gain_per_image=_per_image(np.mean(neg_rev, axis=0) - np.mean(rev, axis=0)),
        remedy_gain_per_image=diff("remedy_c1_12", "relu_seed0", 1),
        doubling_gain_per_image=diff("remedy_c1_12", "remedy_c1_6", 1),
        no_activation_drop_per_image=_per_image(correct[no_act][0] - correct[no_act][1]) if no_act in correct else (),
        relu_minus_no_activation_drop_per_image=relu_minus,
        **{name: variants.get(name, Variant()) for name in _VARIANTS},
    )
    arrays["examples_original"] = data.test_u8[:8].numpy()
    arrays["examples_labels"] = data.split.test_labels[:8].numpy()
    notes = [
        data.split.split_note,
        f"All networks train for {config.epochs} epochs ({config.scale} scale); the ReLU LeNet-5 for "
        f"{config.seeds} seeds ({config.seed}..{config.seed + config.seeds - 1}), reported as their mean; every "
        "other network has one seed. The claims are tested over the test images, paired by image on the same "
        "trained networks (the interval covers test-image sampling, not training-seed variation).",
        *(f"ReLU seed {config.seed + s}: {relu.note}" for s, relu in enumerate(relu_nets)),
    ]
    return Measured(metrics, arrays, data.split.data_source, notes)


_VARIANTS = ("remedy_c1_6", "remedy_c1_12", *(f"activation_{a}" for a in OTHER_ACTIVATIONS))
_PAIRED = "paired by test image on the same trained network(s); 0 = the two conditions classify alike"
CLAIMS = (
    Claim(
        "reversal_hurts",
        "grey-scale reversal lowers the accuracy of LeNet-5 trained on original images",
        "reversal_drop_per_image",
        "greater",
        "test images",
        no_control=_PAIRED,
    ),
    Claim(
        "swap_is_exact",
        "negating the C1 anchors makes the network see a reversed image exactly as it saw the original "
        "(accuracies swapped and logits identical for every seed)",
        "swap_exact",
        "equal",
        "training seeds (deterministic)",
        null=1.0,
        tolerance=0.0,
    ),
    Claim(
        "negation_restores",
        "negating the C1 anchors restores the accuracy on reversed images",
        "negated_c1_gain_per_image",
        "greater",
        "test images",
        no_control=_PAIRED,
    ),
    Claim(
        "remedy_recovers",
        "doubled C1 anchors (12, trained on both polarities: ours) classify reversed images better than the "
        "single-polarity network",
        "remedy_gain_per_image",
        "greater",
        "test images",
        no_control=_PAIRED + " (one seed each)",
    ),
    Claim(
        "doubling_helps",
        "with both polarities in training, 12 C1 anchors beat 6 on reversed images (the doubling itself is the remedy)",
        "doubling_gain_per_image",
        "greater",
        "test images",
        no_control=_PAIRED + " (one seed each)",
    ),
    Claim(
        "no_activation_also_fails",
        "a LeNet-5 without any activation also loses accuracy under reversal (the failure is not specific to "
        "rectification)",
        "no_activation_drop_per_image",
        "greater",
        "test images",
        no_control=_PAIRED + " (one seed)",
        source="ours",
    ),
    Claim(
        "relu_fails_more",
        "if rectification causes the failure, the ReLU network loses more under reversal than the network "
        "without activation",
        "relu_minus_no_activation_drop_per_image",
        "greater",
        "test images",
        no_control=_PAIRED + " (ReLU seed 0 against one network without activation)",
        source="ours",
    ),
)


def findings(metrics: dict, verdicts: dict[str, Verdict]) -> list[str]:
    """Plain-language findings on Kuo's claims, computed from the measured ``metrics`` and the engine's ``verdicts``."""
    m = metrics
    claims = {c.id: c for c in CLAIMS}
    pct = lambda key: f"{100 * m[key]:.2f} %"  # noqa: E731
    points = lambda v: f"{100 * v:+.2f} points"  # noqa: E731
    say = lambda cid: sentence(claims[cid], verdicts[cid], fmt=points)  # noqa: E731
    out = [
        f"Grey-scale reversal takes LeNet-5 (mean of {m['seeds']} seeds) from {pct('accuracy_original')} to "
        f"{pct('accuracy_reversed')} (paper: 98.94 % to 37.36 %). " + say("reversal_hurts"),
        f"With the C1 weights negated the networks reach {pct('negated_c1_accuracy_reversed')} on reversed and "
        f"{pct('negated_c1_accuracy_original')} on original images. "
        + sentence(claims["swap_is_exact"], verdicts["swap_is_exact"], fmt=lambda v: f"{v:g}")
        + " "
        + say("negation_restores"),
    ]
    remedy = [k for k in ("remedy_c1_6_accuracy_reversed", "remedy_c1_12_accuracy_reversed") if m.get(k) is not None]
    if len(remedy) == 2:
        out.append(
            "Kuo's remedy is to double the C1 anchors; training on both polarities is our addition. With both: 12 "
            f"C1 filters reach {pct('remedy_c1_12_accuracy_original')} / {pct('remedy_c1_12_accuracy_reversed')} "
            f"(original / reversed) and 6 filters {pct('remedy_c1_6_accuracy_original')} / "
            f"{pct('remedy_c1_6_accuracy_reversed')} (one seed each). "
            + say("remedy_recovers")
            + " "
            + say("doubling_helps")
        )
    if m.get("activation_identity_accuracy_reversed") is not None:
        others = [
            f"{label} {pct(key)}"
            for label, key in (
                ("sigmoid", "activation_sigmoid_accuracy_reversed"),
                ("leaky ReLU", "activation_leaky_relu_accuracy_reversed"),
            )
            if m.get(key) is not None
        ]
        out.append(
            f"Without any activation (same epochs as the ReLU network) the network reaches "
            f"{pct('activation_identity_accuracy_original')} on original and "
            f"{pct('activation_identity_accuracy_reversed')} on reversed images"
            + (f" (reversed, other activations: {', '.join(others)})" if others else "")
            + ". "
            + say("no_activation_also_fails")
            + " "
            + say("relu_fails_more")
        )
    return out


EXPERIMENT = Experiment(
    name="recos-negative",
    title="Negative-image test of rectification (LeNet-5)",
    paper="kuo2016recos",
    reproduces="Kuo (2016) §2, Fig. 5 and the accuracies quoted with it",
    config=Config,
    scales=lenet_scales(ci=dict(epochs=4, seeds=3), laptop=dict(seeds=3), full=dict(seeds=3)),
    measure=measure,
    notebook="notebooks/recos_negative",
    datasets=DATASETS,
    report_rows=(
        ReportRow(
            "Kuo §2 (Fig. 5)",
            "LeNet-5 accuracy, original test images",
            "accuracy_original",
            0.9894,
            format="percent",
            figure="fig-recos-negative-bars",
        ),
        ReportRow(
            "Kuo §2 (Fig. 5)",
            "LeNet-5 accuracy, grey-scale-reversed test images",
            "accuracy_reversed",
            0.3736,
            format="percent",
            figure="fig-recos-negative-bars",
        ),
        ReportRow(
            "Kuo §2 (Fig. 5)",
            "accuracy lost to grey-scale reversal (original − reversed; paired by test image)",
            "reversal_accuracy_drop",
            0.9894 - 0.3736,
            source="derived",
            format="percent",
            claim="reversal_hurts",
        ),
        ReportRow(
            "Kuo §2",
            "C1 negated: accuracy on reversed images (paired by test image with the trained C1)",
            "negated_c1_accuracy_reversed",
            0.9894,
            format="percent",
            claim="negation_restores",
        ),
        ReportRow(
            "Kuo §2",
            "C1 negated: accuracy on original images",
            "negated_c1_accuracy_original",
            0.3736,
            format="percent",
        ),
        ReportRow(
            "Kuo §2",
            "C1 negated: accuracies swapped and logits identical, every seed",
            "swap_exact",
            "exact (derived)",
            source="derived",
            format="bool",
            claim="swap_is_exact",
        ),
        ReportRow(
            "Kuo §2 (remedy: double C1; both polarities is ours)",
            "12 C1 anchors, trained on both polarities: accuracy on reversed images",
            "remedy_c1_12_accuracy_reversed",
            "high (no number)",
            format="percent",
            claim="remedy_recovers",
        ),
        ReportRow(
            "Kuo §2 (remedy: double C1; both polarities is ours)",
            "6 C1 anchors, trained on both polarities: accuracy on reversed images",
            "remedy_c1_6_accuracy_reversed",
            "lower than 12 (no number)",
            source="derived",
            format="percent",
            claim="doubling_helps",
        ),
        ReportRow(
            "Kuo §2 (ours)",
            "no activation: accuracy on reversed images",
            "activation_identity_accuracy_reversed",
            "no claim",
            source="ours",
            format="percent",
            claim="no_activation_also_fails",
        ),
    ),
    findings=findings,
    metrics=Metrics,
    claims=CLAIMS,
)
make_config, run = EXPERIMENT.make_config, EXPERIMENT.run
