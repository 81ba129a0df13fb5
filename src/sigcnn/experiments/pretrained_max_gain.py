"""Stamatescu & McDonnell, section III-C/D and Figs. 5-7: Maximum Gain of pretrained classifiers.

For every torchvision ImageNet classifier whose weights are available, the data derivative of
the winning class (``p_i = 1/score``) is taken for the impulse image, per input channel, and its
Maximum Gain is set against the model's top-5 error as published with the weights
(``weights.meta["_metrics"]``). Offline, weights that are not in the torch hub cache are not
downloaded: they are listed as missing, and the same analysis runs on small networks trained
here on a 28x28 data set (top-1 test error instead of top-5, as there are only 10 classes).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import torch
from scipy.stats import spearmanr

from ..data import IMAGE_DATASETS, is_offline
from ..models import NIN, LeNet5, WideLeNet
from ..probes.max_gain import impulse_image, maximum_gain
from ..provenance import Stopwatch, make_provenance
from ..results import Result
from ..runtime import resolve_device
from .max_gain_training import load_split, train_with_monitor
from ._config import scale_and_overrides, scaled_config

NAME = "pretrained-max-gain"
ORDER = 32
TITLE = "Maximum Gain of pretrained classifiers vs their error"
PAPER = "stamatescu2018spectral"
REPRODUCES = "Stamatescu & McDonnell §III-C/D, Figs. 6-7"
DATASETS = IMAGE_DATASETS

TORCHVISION_MODELS = (
    "alexnet", "vgg11", "vgg16", "vgg19", "vgg16_bn", "googlenet", "inception_v3", "resnet18", "resnet50",
    "resnet152", "resnext50_32x4d", "wide_resnet50_2", "densenet121", "squeezenet1_1", "mobilenet_v2",
    "mobilenet_v3_large", "shufflenet_v2_x1_0", "mnasnet1_0", "efficientnet_b0", "regnet_y_400mf",
    "convnext_tiny",
)
"""Twenty-one CNN families of torchvision, each with its ``IMAGENET1K_V1`` weights."""

OWN_MODELS = ("lenet_w1-4", "lenet_w1", "lenet5", "nin")
OWN_MODEL_NAMES = {"lenet_w1-4": "LeNet, filters x1/4", "lenet_w1": "LeNet", "lenet5": "LeNet-5", "nin": "NIN"}
"""How the figures name the networks trained here."""
PIXEL_SCALE_OWN_DB = 20.0 * np.log10(2.0 / 255.0)
"""The book's grey-image networks see ``x = (2u - 255) / 255``: ``dx/du = 2/255``."""

REPORT_ROWS = [
    {"reproduces": "S&M §III-D (Fig. 7)", "quantity": "ImageNet classifiers measured (weights present)",
     "paper": 18, "metric": "imagenet_models_measured"},
    {"reproduces": "S&M §III-D (Fig. 7)", "quantity": "Spearman correlation, Maximum Gain vs top-5 error (ImageNet)",
     "paper": "negative (no number)", "metric": "imagenet_spearman_text"},
    {"reproduces": "S&M §III-D, our fallback", "quantity": "Spearman correlation, Maximum Gain vs test error (own networks)",
     "paper": "negative (no number)", "metric": "own_spearman_text"},
]


@dataclass(frozen=True)
class Config:
    """Settings of one run; :func:`make_config` gives the ones of each scale."""

    scale: str
    seed: int = 0
    device: str = "auto"
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


_SCALES = {
    "ci": dict(own_models=("lenet_w1-4", "lenet_w1", "lenet5"), own_epochs=3, train_limit=600,
               test_limit=500, allow_test_split=True),
    "laptop": dict(own_epochs=5, train_limit=20000),
    "full": dict(own_epochs=10),
}


def make_config(scale: str | None = None, **overrides) -> Config:
    """The configuration of a scale profile, with optional overrides (``dataset=...``)."""
    scale, overrides = scale_and_overrides(scale, overrides)
    if "dataset" in overrides and overrides["dataset"] not in DATASETS:
        raise ValueError(f"pretrained-max-gain trains its fallback networks on a 28x28 grey image set: "
                         f"choose one of {', '.join(DATASETS)}")
    bad = set(overrides.get("own_models", ())) - set(OWN_MODELS)
    if bad:
        raise ValueError(f"unknown own models {sorted(bad)}: choose from {', '.join(OWN_MODELS)}")
    return scaled_config(Config, _SCALES, scale, overrides)


def weights_of(model_name: str, weights_name: str = "IMAGENET1K_V1"):
    """The torchvision weights enum member of ``model_name`` (e.g. ``ResNet50_Weights.IMAGENET1K_V1``)."""
    import torchvision

    try:
        return torchvision.models.get_model_weights(model_name)[weights_name]
    except (KeyError, ValueError) as exc:
        raise ValueError(f"torchvision has no {weights_name} weights for {model_name!r}") from exc


def cached_weights_path(weights) -> Path:
    """Where ``torch.hub`` keeps the file of ``weights`` (whether or not it is there)."""
    return Path(torch.hub.get_dir()) / "checkpoints" / Path(urlparse(weights.url).path).name


def published_top5_error(weights) -> float:
    """Top-5 error (%) on the ImageNet-1K validation set as published in the weights' metadata."""
    return 100.0 - float(weights.meta["_metrics"]["ImageNet-1K"]["acc@5"])


def weights_status(model_names, weights_name: str = "IMAGENET1K_V1") -> dict[str, bool]:
    """``{model: weights file present in the torch hub cache}``, without downloading anything."""
    return {name: cached_weights_path(weights_of(name, weights_name)).exists() for name in model_names}


def imagenet_impulse(weights, device) -> tuple[torch.Tensor, np.ndarray]:
    """The impulse image (255 in every channel at the centre) in the weights' input normalisation.

    Returns the normalised ``(3, S, S)`` image and ``20 log10(dx/du)`` per channel (dB), the
    offset that converts a gain per normalised unit into a gain per pixel unit (0-255).
    """
    preset = weights.transforms()
    size = int(preset.crop_size[0])
    mean = torch.tensor(preset.mean).view(3, 1, 1)
    std = torch.tensor(preset.std).view(3, 1, 1)
    u = impulse_image(size, channels=3).to(torch.float32)
    x = (u / 255.0 - mean) / std
    return x.to(device), 20.0 * np.log10(1.0 / (255.0 * std.view(3).double().numpy()))


def _measure_imagenet(config, device, progress):
    import torchvision

    present = weights_status(config.models, config.weights)
    offline = is_offline()
    rows = []
    for name in config.models:
        weights = weights_of(name, config.weights)
        if offline and not present[name]:
            continue
        try:  # downloads the weights when online and not cached
            model = torchvision.models.get_model(name, weights=weights).to(device)
        except OSError:  # no network, DNS failure, timeout, interrupted download: counted as missing
            continue
        image, offset = imagenet_impulse(weights, device)
        gain = maximum_gain(model, image) + offset
        rows.append((name, gain, published_top5_error(weights)))
        if progress:
            print(f"{name}: Maximum Gain {gain.round(1)} dB (per pixel unit), top-5 error {rows[-1][2]:.2f} %")
        del model
    missing = [name for name in config.models if name not in {r[0] for r in rows}]
    return rows, missing


def _own_model(name: str):
    return {"lenet_w1-4": lambda: WideLeNet(0.25), "lenet_w1": lambda: WideLeNet(1.0),
            "lenet5": LeNet5, "nin": lambda: NIN((16, 32, 32))}[name]()


def _measure_own(config, device, progress):
    *data, split = load_split(config.dataset, device, config.allow_test_split, config.train_limit,
                              config.test_limit)
    names, epochs, gains, errors = [], [], [], []
    for k, name in enumerate(config.own_models):
        torch.manual_seed(config.seed + k)
        curves = train_with_monitor(_own_model(name).to(device), data, epochs=config.own_epochs, lr=config.own_lr,
                                    seed=config.seed + k, batch_size=config.batch_size, optimizer="adam",
                                    progress=progress, desc=name)
        names += [name] * curves["gain"].size
        epochs += list(range(1, curves["gain"].size + 1))
        gains += list(curves["gain"] + PIXEL_SCALE_OWN_DB)
        errors += list(100.0 * curves["val_error"])
    return split, np.array(names), np.array(epochs), np.array(gains), np.array(errors)


def _spearman(x, y) -> float:
    x, y = np.asarray(x, float), np.asarray(y, float)
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.sum() < 3 or np.ptp(x[ok]) == 0 or np.ptp(y[ok]) == 0:
        return float("nan")
    return float(spearmanr(x[ok], y[ok]).statistic)


def run(config: Config, progress: bool = False) -> Result:
    """Run the experiment and return its :class:`~sigcnn.results.Result`."""
    device = resolve_device(config.device)
    with Stopwatch() as clock:
        rows, missing = _measure_imagenet(config, device, progress)
        metrics: dict = {"imagenet_models_listed": len(config.models), "imagenet_models_measured": len(rows),
                         "imagenet_models_missing": len(missing), "offline": is_offline()}
        arrays: dict = {"imagenet_missing": np.array(missing, dtype=str)}
        if rows:
            arrays["imagenet_models"] = np.array([r[0] for r in rows])
            arrays["imagenet_gain_db"] = np.stack([r[1] for r in rows])
            arrays["imagenet_top5_error"] = np.array([r[2] for r in rows])
        metrics["imagenet_spearman_gain_vs_top5_error"] = (
            _spearman(arrays["imagenet_gain_db"].mean(1), arrays["imagenet_top5_error"]) if rows else float("nan"))
        arrays["published_top5_error_all"] = np.array(
            [published_top5_error(weights_of(n, config.weights)) for n in config.models])
        arrays["models_all"] = np.array(config.models)
        data, names, epochs, gains, errors = _measure_own(config, device, progress)
        arrays.update(own_models=names, own_epochs=epochs, own_gain_db=gains, own_test_error=errors)
        metrics["own_points"] = int(gains.size)
        metrics["own_spearman_gain_vs_error"] = _spearman(gains, errors)
        last = np.r_[names[1:] != names[:-1], True]
        metrics["own_spearman_gain_vs_error_final_epochs"] = _spearman(gains[last], errors[last])
        # Report-table texts (the report shows plain floats in [0, 1] as percentages).
        for key, text, missing_text in (
                ("imagenet_spearman_gain_vs_top5_error", "imagenet_spearman_text", "not measured (too few weights here)"),
                ("own_spearman_gain_vs_error", "own_spearman_text", "too few points")):
            value = metrics[key]
            metrics[text] = f"{value:+.2f}" if np.isfinite(value) else missing_text
    notes = [data.split_note]
    if missing:
        notes.append(f"{len(missing)} of {len(config.models)} torchvision weight files are not in "
                     f"{Path(torch.hub.get_dir()) / 'checkpoints'} and were not downloaded (offline): "
                     + ", ".join(missing) + ".")
    n_train = "all" if config.train_limit is None else f"{config.train_limit:,}"
    notes.append(f"Own networks: {', '.join(config.own_models)} trained {config.own_epochs} epochs on "
                 f"{n_train} {config.dataset} training images (Adam, lr {config.own_lr:g}); one point per "
                 "epoch, top-1 test error.")
    provenance = make_provenance(config, device, f"torchvision {config.weights} weights; {data.data_source}",
                                 clock.seconds, notes)
    return Result(NAME, config.scale, metrics, arrays, provenance)


def findings(metrics: dict) -> list[str]:
    """Plain-language verdicts on the paper's Fig. 7 claim, from the measured ``metrics``."""
    out = []
    measured, listed = metrics["imagenet_models_measured"], metrics["imagenet_models_listed"]
    rho = metrics.get("imagenet_spearman_gain_vs_top5_error")
    if measured == 0:
        out.append(f"None of the {listed} torchvision weight files is available on this machine (offline), so the "
                   "ImageNet comparison of Fig. 7 could not be made here; nothing is shown in its place.")
    elif rho is None or not np.isfinite(rho):
        out.append(f"Only {measured} of {listed} ImageNet classifiers could be measured: too few for a correlation.")
    else:
        out.append(f"Across {measured} torchvision ImageNet classifiers, Maximum Gain and published top-5 error have "
                   f"a Spearman correlation of {rho:+.2f}: "
                   + ("better models have higher gain, as the paper reports." if rho <= -0.3 else
                      "we do NOT see the paper's trend that better models have higher gain."))
    own = metrics.get("own_spearman_gain_vs_error")
    if own is not None and np.isfinite(own):
        out.append(f"On the {metrics['own_points']} checkpoints of the networks trained here, Maximum Gain and test "
                   f"error have a Spearman correlation of {own:+.2f}: "
                   + ("lower error goes with higher gain, in line with the paper's observation."
                      if own <= -0.3 else "no consistent 'better means higher gain' trend."))
    return out
