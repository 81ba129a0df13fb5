"""Scattering classifiers on images: S_J x + logistic regression beside pixels + logistic regression
and a trained LeNet-5, on the same training subsets (a learning curve).

Koushik (2016) cites scattering's MNIST result without a number; the anchor is Bruna & Mallat
(2013): 0.43 % test error with the full 60,000 training images, a Gaussian SVM and their best
scattering configuration — an external figure that our small, linear setting does not claim to
reproduce. At ``ci`` the 10,000 official MNIST test images are split 8,000/2,000 (the offline
split the book already uses); at most 4,000 training images are used.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np
import torch

from ..data import load_image_dataset
from ..models import LeNet5
from ..models import scattering as sc
from ..models.linear import logistic_regression_predict
from ..models.training import accuracy, initial_model, train_seeded
from ..verdicts import Claim, Verdict, sentence
from ._base import BaseConfig, Experiment, Measured, ReportRow, RunContext
from ._metrics import Replicated, mean_of

BRUNA_MALLAT_MNIST_ERROR = 0.0043
BRUNA_MALLAT_DATASET = "mnist"
"""The data set of that external anchor: the comparison is made only when this is the set loaded."""
CONTROL_SEED_OFFSET = 1000
"""Untrained control LeNet-5s use initialisation seeds ``seed + 1000`` onwards (none is a trained seed)."""


@dataclass(frozen=True)
class Config(BaseConfig):
    """Settings of one run."""

    device: str = "cpu"
    dataset: str = "mnist"
    sizes: tuple = (500, 1000, 2000, 4000)
    J: int = 2
    L: int = 8
    C: float = 0.1  # inverse L2 regularisation of both logistic regressions
    lenet_epochs: int = 6
    lenet_seeds: int = 3  # trained at the largest size
    control_seeds: int = 12  # untrained LeNet-5s (cost no training)
    allow_test_split: bool = True
    use_cache: bool = True


@dataclass(frozen=True)
class Metrics:
    """The learning curve's end points; per-test-image paired differences; LeNet-5's seeds and controls."""

    n_test: int
    n_features_scattering: int
    coefficients_from_cache: bool
    bruna_mallat_error_rate: float
    is_mnist: bool
    smallest_size: int
    largest_size: int
    scattering_error_rate_smallest: float
    pixels_error_rate_smallest: float
    scattering_error_rate_largest: float
    pixels_error_rate_largest: float
    lenet_error_rate_largest: float
    mnist_scattering_error_rate_largest: float | None
    scattering_beats_pixels_everywhere: bool
    scattering_minus_pixels_smallest: Replicated
    """Per test image: 1 if only scattering + LR is right, −1 if only pixels + LR is, else 0 (smallest size)."""
    scattering_minus_pixels_largest: Replicated
    """The same at the largest size."""
    lenet_accuracy_largest: Replicated
    """LeNet-5 at the largest size: trained seeds beside untrained networks."""


def logistic_regression_labels(
    train_x: np.ndarray, train_y: np.ndarray, test_x: np.ndarray, C: float, seed: int
) -> np.ndarray:
    """Standardised features, multinomial logistic regression (lbfgs, 300 iterations); predicted labels."""
    return logistic_regression_predict(train_x, train_y, test_x, C, seed, max_iter=300, eps=1e-6)


def logistic_regression(
    train_x: np.ndarray, train_y: np.ndarray, test_x: np.ndarray, test_y: np.ndarray, C: float, seed: int
) -> float:
    """The test accuracy of :func:`logistic_regression_labels`."""
    return float(np.mean(logistic_regression_labels(train_x, train_y, test_x, C, seed) == test_y))


def measure(config: Config, ctx: RunContext) -> Measured:
    """The learning curve of the three classifiers and LeNet-5's untrained control."""
    data = load_image_dataset(config.dataset, allow_test_split=config.allow_test_split)
    sizes = [int(s) for s in config.sizes if s <= data.train_images.shape[0]]
    dropped = [s for s in config.sizes if s > data.train_images.shape[0]]
    if not sizes:
        raise ValueError(f"no training size in {config.sizes} fits the {data.train_images.shape[0]} training images")
    n_max = max(sizes)
    train_u8, train_y = data.train_images[:n_max], data.train_labels[:n_max].numpy()
    test_u8, test_y = data.test_images, data.test_labels.numpy()
    pix_train = train_u8.numpy().reshape(n_max, -1).astype(np.float32) / 255
    pix_test = test_u8.numpy().reshape(len(test_y), -1).astype(np.float32) / 255
    both = np.concatenate([pix_train, pix_test]).reshape(-1, 28, 28)
    coef, hit = sc.scatter_images(both, config.J, config.L, device=ctx.device, use_cache=config.use_cache)
    feats = coef.reshape(coef.shape[0], -1)
    s_train, s_test = feats[:n_max], feats[n_max:]
    x_train = torch.from_numpy(2 * np.pad(pix_train.reshape(-1, 28, 28), ((0, 0), (2, 2), (2, 2)))[:, None] - 1)
    x_test = torch.from_numpy(2 * np.pad(pix_test.reshape(-1, 28, 28), ((0, 0), (2, 2), (2, 2)))[:, None] - 1)
    y_train_t, y_test_t = torch.from_numpy(train_y), torch.from_numpy(test_y)
    curve = np.zeros((3, len(sizes)))
    correct = {}  # (name, size) -> per test image, 1 when right
    lenet = partial(LeNet5, num_classes=10)  # the model factory of every seeded run
    for k, n in enumerate(sizes):
        for row, (name, tr, te) in enumerate((("scattering", s_train, s_test), ("pixels", pix_train, pix_test))):
            right = logistic_regression_labels(tr[:n], train_y[:n], te, config.C, config.seed) == test_y
            correct[(name, n)] = right.astype(float)
            curve[row, k] = right.mean()
        net = train_seeded(
            lenet, x_train[:n], y_train_t[:n], seed=config.seed, epochs=config.lenet_epochs, batch_size=64, lr=2e-3
        ).model
        curve[2, k] = accuracy(net, x_test, y_test_t)
    # LeNet-5 at the largest size: trained seeds beside many untrained networks (they cost no training)
    trained = [float(curve[2, -1])]
    for k in range(1, config.lenet_seeds):
        net = train_seeded(
            lenet, x_train, y_train_t, seed=config.seed + k, epochs=config.lenet_epochs, batch_size=64, lr=2e-3
        ).model
        trained.append(accuracy(net, x_test, y_test_t))
    untrained = [
        accuracy(initial_model(lenet, config.seed + CONTROL_SEED_OFFSET + k), x_test, y_test_t)
        for k in range(config.control_seeds)
    ]
    lo, hi = sizes[0], n_max
    on_anchor_data = data.name == BRUNA_MALLAT_DATASET  # the data set loaded, not the one asked for
    metrics = Metrics(
        n_test=int(len(test_y)),
        n_features_scattering=int(feats.shape[1]),
        coefficients_from_cache=bool(hit),
        bruna_mallat_error_rate=BRUNA_MALLAT_MNIST_ERROR,
        is_mnist=on_anchor_data,
        smallest_size=lo,
        largest_size=hi,
        scattering_error_rate_smallest=float(1 - curve[0, 0]),
        pixels_error_rate_smallest=float(1 - curve[1, 0]),
        scattering_error_rate_largest=float(1 - curve[0, -1]),
        pixels_error_rate_largest=float(1 - curve[1, -1]),
        lenet_error_rate_largest=float(1 - curve[2, -1]),
        # the external anchor is an MNIST figure: compared only there
        mnist_scattering_error_rate_largest=float(1 - curve[0, -1]) if on_anchor_data else None,
        scattering_beats_pixels_everywhere=bool((curve[0] > curve[1]).all()),
        scattering_minus_pixels_smallest=Replicated.of(correct[("scattering", lo)] - correct[("pixels", lo)]),
        scattering_minus_pixels_largest=Replicated.of(correct[("scattering", hi)] - correct[("pixels", hi)]),
        lenet_accuracy_largest=Replicated.of(trained, untrained),
    )
    notes = [
        data.split_note,
        f"Training subsets: the first {', '.join(map(str, sizes))} training images"
        + (f" (sizes {dropped} dropped: not enough training images here)" if dropped else "")
        + f"; test set: {len(test_y):,} images.",
        f"Scattering: kymatio Scattering2D J={config.J}, L={config.L} on 28x28 images in [0, 1] "
        f"({feats.shape[1]} features), {sc.frontend_for(ctx.device)} frontend; coefficients "
        + ("read from the cache." if hit else "computed in this run (then cached)."),
        f"Logistic regression: sklearn lbfgs, C={config.C:g}, standardised features (scattering and pixels alike).",
        f"LeNet-5: ReLU, Adam 2e-3, batch 64, {config.lenet_epochs} epochs, images padded to 32x32 in [-1, 1]; "
        f"at {n_max} images {config.lenet_seeds} seeds trained; control: {config.control_seeds} untrained networks "
        f"(initialisation seeds {config.seed + CONTROL_SEED_OFFSET} onwards).",
        "Bruna & Mallat (2013) report 0.43 % error with 60,000 training images and a Gaussian SVM: an external "
        "figure, not reproduced here (different classifier and more data).",
    ]
    arrays = {
        "sizes": np.array(sizes),
        "curve": curve,
        "classifiers": np.array(["scattering + LR", "pixels + LR", "LeNet-5"]),
    }
    return Measured(metrics, arrays, data.data_source, notes)


_PAIRED = "paired by test image (same images, same linear classifier): difference in correctness, against 0"
CLAIMS = (
    Claim(
        "scattering_beats_pixels_smallest",
        "scattering + logistic regression classifies more test images correctly than pixels + logistic "
        "regression, at the smallest training size",
        "scattering_minus_pixels_smallest_replicates",
        "greater",
        "test images",
        no_control=_PAIRED,
    ),
    Claim(
        "scattering_beats_pixels_largest",
        "the same at the largest training size",
        "scattering_minus_pixels_largest_replicates",
        "greater",
        "test images",
        no_control=_PAIRED,
    ),
    Claim(
        "lenet_learns",
        "a trained LeNet-5 beats untrained ones at the largest training size (a sanity check of the rig)",
        "lenet_accuracy_largest_replicates",
        "greater",
        "training seeds",
        control="lenet_accuracy_largest_control",
        control_label="untrained LeNet-5s",
        source="ours",
    ),
)


def findings(m: dict, verdicts: dict[str, Verdict]) -> list[str]:
    """Findings in words; verdict sentences computed by the engine."""
    claims = {c.id: c for c in CLAIMS}
    say = lambda cid: sentence(claims[cid], verdicts[cid])  # noqa: E731
    n, lo = m["largest_size"], m["smallest_size"]
    pct = lambda v: f"{100 * v:.1f} %"  # noqa: E731
    out = [
        f"With {n:,} training images: scattering + logistic regression {pct(1 - m['scattering_error_rate_largest'])}, "
        f"pixels + logistic regression {pct(1 - m['pixels_error_rate_largest'])}, LeNet-5 "
        f"{pct(m['lenet_accuracy_largest'])} (mean of {len(m['lenet_accuracy_largest_replicates'])} seeds; "
        f"{len(m['lenet_accuracy_largest_control'])} untrained networks: "
        f"{pct(mean_of(m['lenet_accuracy_largest_control']))}). " + say("lenet_learns"),
        f"Fixed wavelet features against raw pixels with the same linear classifier, on the same test images: at "
        f"{lo:,} training images ({pct(1 - m['scattering_error_rate_smallest'])} against "
        f"{pct(1 - m['pixels_error_rate_smallest'])}) "
        + say("scattering_beats_pixels_smallest")
        + f" At {n:,} images: "
        + say("scattering_beats_pixels_largest"),
        (
            f"Bruna & Mallat's 0.43 % error (external, 60,000 images, Gaussian SVM) is an anchor, not a target: our "
            f"linear classifier on {n:,} images reaches {100 * m['scattering_error_rate_largest']:.2f} % error."
            if m.get("is_mnist", True)
            else f"Scattering + logistic regression: {100 * m['scattering_error_rate_largest']:.2f} % error on this data "
            "set; Bruna & Mallat's 0.43 % is an MNIST figure and does not apply here."
        ),
    ]
    return out


EXPERIMENT = Experiment(
    name="scattering-classifiers",
    title="Scattering + logistic regression vs pixels + logistic regression vs LeNet-5 (learning curve)",
    paper="koushik2016scattering",
    reproduces="Bruna & Mallat (2013) MNIST; Koushik (2016) §4",
    config=Config,
    scales={
        "ci": {},
        "laptop": dict(sizes=(500, 1000, 2000, 4000, 8000), lenet_epochs=8),
        "full": dict(sizes=(500, 1000, 2000, 5000, 10000, 20000, 60000), lenet_epochs=10, allow_test_split=False),
    },
    measure=measure,
    notebook="notebooks/scattering_classifiers",
    datasets=("mnist", "fashion-mnist"),
    report_rows=(
        ReportRow(
            "Bruna & Mallat (2013)",
            "MNIST test error, scattering (ours: largest subset, logistic "
            "regression; theirs: 60k images, Gaussian SVM)",
            "mnist_scattering_error_rate_largest",
            BRUNA_MALLAT_MNIST_ERROR,
            source="external",
            format="percent",
            cite="bruna2013invariant",
        ),
        ReportRow(
            "ours",
            "pixels + logistic regression, test error, largest subset",
            "pixels_error_rate_largest",
            "no number",
            source="ours",
            format="percent",
        ),
        ReportRow(
            "ours",
            "LeNet-5 test accuracy, largest subset",
            "lenet_accuracy_largest",
            "no number",
            source="ours",
            format="percent",
            control="untrained LeNet-5s",
            claim="lenet_learns",
        ),
        ReportRow(
            "Koushik §4 (ours)",
            "per test image, scattering + LR correct minus pixels + LR correct, smallest training size",
            "scattering_minus_pixels_smallest",
            "> 0 (no number)",
            source="ours",
            claim="scattering_beats_pixels_smallest",
        ),
        ReportRow(
            "Koushik §4 (ours)",
            "the same at the largest training size",
            "scattering_minus_pixels_largest",
            "> 0 (no number)",
            source="ours",
            claim="scattering_beats_pixels_largest",
        ),
    ),
    findings=findings,
    metrics=Metrics,
    claims=CLAIMS,
)
make_config, run = EXPERIMENT.make_config, EXPERIMENT.run
