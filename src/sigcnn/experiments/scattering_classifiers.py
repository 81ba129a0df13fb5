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

from ..controls import compare_to_controls, control_metrics
from ..data import load_image_dataset
from ..models import LeNet5
from ..models import scattering as sc
from ..models.linear import logistic_regression_accuracy
from ..training import accuracy, initial_model, train_seeded
from ._base import BaseConfig, Experiment, Measured, ReportRow, RunContext

BRUNA_MALLAT_MNIST_ERROR = 0.0043


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
    lenet_control_seeds: int = 3
    allow_test_split: bool = True
    use_cache: bool = True


def logistic_regression(
    train_x: np.ndarray, train_y: np.ndarray, test_x: np.ndarray, test_y: np.ndarray, C: float, seed: int
) -> float:
    """Standardised features, multinomial logistic regression (lbfgs, 300 iterations); test accuracy."""
    return logistic_regression_accuracy(train_x, train_y, test_x, test_y, C, seed, max_iter=300, eps=1e-6)


def measure(config: Config, ctx: RunContext) -> Measured:
    """The learning curve of the three classifiers and LeNet-5's untrained control."""
    data = load_image_dataset(config.dataset, allow_test_split=config.allow_test_split)
    sizes = [int(s) for s in config.sizes if s <= data.train_images.shape[0]]
    if len(sizes) < len(config.sizes):
        dropped = [s for s in config.sizes if s > data.train_images.shape[0]]
    else:
        dropped = []
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
    m: dict = {
        "n_test": int(len(test_y)),
        "n_features_scattering": int(feats.shape[1]),
        "coefficients_from_cache": bool(hit),
        "bruna_mallat_error_rate": BRUNA_MALLAT_MNIST_ERROR,
        "is_mnist": config.dataset == "mnist",
    }
    curve = np.zeros((3, len(sizes)))
    lenet = partial(LeNet5, num_classes=10)  # the model factory of every seeded run
    for k, n in enumerate(sizes):
        curve[0, k] = logistic_regression(s_train[:n], train_y[:n], s_test, test_y, config.C, config.seed)
        curve[1, k] = logistic_regression(pix_train[:n], train_y[:n], pix_test, test_y, config.C, config.seed)
        net = train_seeded(
            lenet, x_train[:n], y_train_t[:n], seed=config.seed, epochs=config.lenet_epochs, batch_size=64, lr=2e-3
        ).model
        curve[2, k] = accuracy(net, x_test, y_test_t)
        for name, row in (("scattering", 0), ("pixels", 1), ("lenet", 2)):
            m[f"{name}_accuracy_{n}"] = float(curve[row, k])
    for name, row in (("scattering", 0), ("pixels", 1), ("lenet", 2)):
        m[f"{name}_error_rate_largest"] = float(1 - curve[row, -1])
    if config.dataset == "mnist":  # the external anchor is an MNIST figure: compared only there
        m["mnist_scattering_error_rate_largest"] = m["scattering_error_rate_largest"]
    # LeNet-5 at the largest size: trained seeds vs the same seeds untrained
    trained, untrained = [float(curve[2, -1])], []
    for k in range(config.lenet_control_seeds):
        untrained.append(accuracy(initial_model(lenet, config.seed + k), x_test, y_test_t))
        if k > 0:
            net = train_seeded(
                lenet, x_train, y_train_t, seed=config.seed + k, epochs=config.lenet_epochs, batch_size=64, lr=2e-3
            ).model
            trained.append(accuracy(net, x_test, y_test_t))
    m.update(control_metrics("lenet_accuracy_largest", compare_to_controls(trained, untrained, "untrained")))
    m["scattering_beats_pixels_everywhere"] = bool((curve[0] > curve[1]).all())
    m["largest_size"] = n_max
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
        f"at {n_max} images {config.lenet_control_seeds} seeds trained and the same seeds untrained (control).",
        "Bruna & Mallat (2013) report 0.43 % error with 60,000 training images and a Gaussian SVM: an external "
        "figure, not reproduced here (different classifier and 15x more data).",
    ]
    arrays = {
        "sizes": np.array(sizes),
        "curve": curve,
        "classifiers": np.array(["scattering + LR", "pixels + LR", "LeNet-5"]),
    }
    return Measured(m, arrays, data.data_source, notes)


def findings(m: dict) -> list[str]:
    """Verdicts in words."""
    n = m["largest_size"]
    out = [
        f"With {n:,} training images: scattering + logistic regression {100 * m[f'scattering_accuracy_{n}']:.1f} %, "
        f"pixels + logistic regression {100 * m[f'pixels_accuracy_{n}']:.1f} %, LeNet-5 "
        f"{100 * m['lenet_accuracy_largest']:.1f} % (3 seeds; untrained "
        f"{100 * m['lenet_accuracy_largest_control_min']:.1f}-{100 * m['lenet_accuracy_largest_control_max']:.1f} %).",
        (
            "Fixed wavelet features beat raw pixels with the same linear classifier at every training size."
            if m["scattering_beats_pixels_everywhere"]
            else "Fixed wavelet features do not beat raw pixels at every training size."
        ),
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
            control="untrained, 3 seeds",
        ),
    ),
    findings=findings,
)
make_config, run = EXPERIMENT.make_config, EXPERIMENT.run
NAME = EXPERIMENT.name
