"""Stamatescu & McDonnell, section IV and Figs. 8-13: Maximum Gain as a training diagnostic.

Every training run records, after each epoch, the Maximum Gain of the network for the impulse
image (:class:`~sigcnn.probes.max_gain.MaxGainMonitor`) beside the training and validation
loss and error. Studies: a learning-rate sweep of LeNet on MNIST (Figs. 8-9); the same on a
harder data set (CIFAR-10 when it is under the data root, else Fashion-MNIST) (Figs. 10-11);
Network-in-Network against LeNet (Fig. 12); LeNet with x1/4 and x4 filters (Fig. 13). The
section IV-C1 rules are applied to every gain curve and compared with the verdict of the
validation loss.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import torch
from scipy.stats import spearmanr

from ..data import IMAGE_DATASETS, DatasetUnavailable, load_cifar10, load_image_dataset
from ..diagnosis import MIN_EPOCHS, diagnose_losses, diagnose_max_gain, jitter
from ..models import NIN, WideLeNet
from ..probes.epoch_metrics import HeldOutRecorder
from ..probes.max_gain import MaxGainMonitor, impulse_image
from ..provenance import Stopwatch, make_provenance
from ..results import Result
from ..runtime import resolve_device, set_seed
from ..training import train_classifier
from ..data.transforms import to_symmetric
from ._config import scale_and_overrides, scaled_config

NAME = "max-gain-training"
ORDER = 31
TITLE = "Maximum Gain during training (learning rate, architecture, width)"
PAPER = "stamatescu2018spectral"
REPRODUCES = "Stamatescu & McDonnell §IV, Figs. 8-13"
DATASETS = IMAGE_DATASETS
HARD_DATASETS = ("cifar10",) + IMAGE_DATASETS
STUDIES = ("mnist_lr", "hard_lr", "architecture", "width")

REPORT_ROWS = [
    {"reproduces": "S&M §IV-A (Fig. 8-9)", "quantity": "Maximum Gain rise over training, LeNet on MNIST at lr 0.001 (dB)",
     "paper": "rises, then flat (no number)", "metric": "mnist_base_gain_rise_text"},
    {"reproduces": "S&M §IV-A (Fig. 8)", "quantity": "gain jitter at the highest lr / at lr 0.001 (median absolute 2nd difference)",
     "paper": "> 1 (no number)", "metric": "mnist_jitter_ratio_text"},
    {"reproduces": "S&M §IV-A (Fig. 9)", "quantity": "validation error after the last epoch, lr 0.001",
     "paper": "no number (read from Fig. 9)", "metric": "mnist_base_final_val_error", "format": "percent"},
    {"reproduces": "S&M §IV-C1", "quantity": "runs where the Maximum-Gain rules agree with the validation-loss verdict",
     "paper": "agree (no number)", "metric": "diagnosis_agreement", "format": "percent"},
    {"reproduces": "beyond the paper", "quantity": "median Spearman correlation of Maximum Gain with validation loss across epochs",
     "paper": "negative expected (no number)", "metric": "gain_val_loss_spearman_text"},
]


@dataclass(frozen=True)
class Config:
    """Settings of one run; :func:`make_config` gives the ones of each scale."""

    scale: str
    seed: int = 0
    device: str = "auto"
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


_SCALES = {
    "ci": dict(studies=("mnist_lr", "hard_lr"), mnist_factors=(0.1, 1.0, 4.0), mnist_epochs=6,
               hard_factors=(1.0, 4.0), hard_epochs=6, train_limit=600, val_limit=500,
               allow_test_split=True),
    "laptop": dict(mnist_epochs=10, hard_epochs=15, arch_epochs=10, train_limit=10000,
                   nin_channels=(32, 48, 48), allow_test_split=False),
    "full": dict(),
}


def make_config(scale: str | None = None, **overrides) -> Config:
    """The configuration of a scale profile, with optional overrides (``seed=1``, ``dataset=...``)."""
    scale, overrides = scale_and_overrides(scale, overrides)
    for key, allowed in (("dataset", DATASETS), ("hard_dataset", HARD_DATASETS)):
        if key in overrides and overrides[key] not in allowed:
            raise ValueError(f"max-gain-training needs {'a 28x28 grey' if key == 'dataset' else 'an'} image set "
                             f"for {key}: choose one of {', '.join(allowed)}")
    bad = set(overrides.get("studies", ())) - set(STUDIES)
    if bad:
        raise ValueError(f"unknown studies {sorted(bad)}: choose from {', '.join(STUDIES)}")
    return scaled_config(Config, _SCALES, scale, overrides)


def factor_label(factor: float) -> str:
    """``0.1 -> "1/10"``, ``4.0 -> "4"`` (how the paper names its learning-rate multipliers)."""
    return str(Fraction(factor).limit_denominator(20))


def _key(text: str) -> str:
    return text.replace("/", "-").replace(".", "p")


def load_split(name, device, allow_test_split=False, train_limit=None, val_limit=None):
    """``(x_train, y_train, x_val, y_val, ImageSplit)``: images in the symmetric scaling, 32x32, on ``device``.

    The official test images serve as validation set, as in the paper; ``*_limit`` keep the first images.
    """
    data = load_cifar10() if name == "cifar10" else load_image_dataset(name, allow_test_split=allow_test_split)
    x_tr, y_tr = data.train_images[:train_limit], data.train_labels[:train_limit]
    x_va, y_va = data.test_images[:val_limit], data.test_labels[:val_limit]
    return (to_symmetric(x_tr).to(device), y_tr.to(device), to_symmetric(x_va).to(device), y_va.to(device),
            data)


def train_with_monitor(model, data, *, epochs, lr, seed, batch_size=100, optimizer="sgd", progress=False,
                       desc="training"):
    """Train ``model`` on ``data = (x_train, y_train, x_val, y_val)`` and return its per-epoch curves:
    Maximum Gain (dB) of the impulse image, training and validation loss and error."""
    x_tr, y_tr, x_va, y_va = data
    generator = set_seed(seed)
    monitor = MaxGainMonitor(to_symmetric(impulse_image(32, channels=x_tr.shape[1]).unsqueeze(0)))
    held_out = HeldOutRecorder(x_va, y_va)
    log = train_classifier(model, x_tr, y_tr, epochs=epochs, batch_size=batch_size, lr=lr,
                           generator=generator, optimizer=optimizer, progress=progress, desc=desc,
                           callbacks=[monitor, held_out])
    return {
        "gain": np.array(monitor.gains),
        "train_loss": np.array(log.loss),
        "train_error": 1.0 - np.array(log.accuracy),
        "val_loss": np.array(held_out.loss),
        "val_error": np.array(held_out.error),
    }


def _runs(config: Config):
    """(study, label, key, model factory, lr, epochs, dataset role) for every training run of ``config``."""
    runs = []
    if "mnist_lr" in config.studies:
        for f in config.mnist_factors:
            runs.append(("mnist_lr", f"LeNet, lr x{factor_label(f)}", f"x{factor_label(f)}", lambda c: WideLeNet(1.0, in_channels=c),
                         config.mnist_lr * f, config.mnist_epochs, "main"))
    if "hard_lr" in config.studies:
        for f in config.hard_factors:
            runs.append(("hard_lr", f"LeNet, lr x{factor_label(f)}", f"x{factor_label(f)}", lambda c: WideLeNet(1.0, in_channels=c),
                         config.hard_lr * f, config.hard_epochs, "hard"))
    if "architecture" in config.studies:
        runs.append(("architecture", "LeNet", "lenet", lambda c: WideLeNet(1.0, in_channels=c), config.arch_lr, config.arch_epochs,
                     "hard"))
        runs.append(("architecture", "NIN", "nin", lambda c: NIN(config.nin_channels, in_channels=c), config.arch_lr,
                     config.arch_epochs, "hard"))
    if "width" in config.studies:
        for w in config.widths:
            runs.append(("width", f"LeNet, filters x{factor_label(w)}", f"w{factor_label(w)}", lambda c, w=w: WideLeNet(w, in_channels=c),
                         config.arch_lr, config.arch_epochs, "hard"))
    return runs


def run(config: Config, progress: bool = False) -> Result:
    """Run the experiment and return its :class:`~sigcnn.results.Result`."""
    device = resolve_device(config.device)
    with Stopwatch() as clock:
        runs = _runs(config)
        needed = {role for *_, role in runs}
        loaded = {}
        fallback_note = None
        for role, name in (("main", config.dataset), ("hard", config.hard_dataset)):
            if role not in needed:
                continue
            try:
                loaded[role] = load_split(name, device, config.allow_test_split, config.train_limit,
                                          config.val_limit)
            except DatasetUnavailable as exc:
                if role != "hard" or not config.hard_fallback:
                    raise
                fallback_note = (f"The paper's harder data set {name} is not available ({exc}); "
                                 f"{config.hard_fallback} stands in for it, with the same LeNet as for MNIST.")
                loaded[role] = load_split(config.hard_fallback, device, config.allow_test_split,
                                          config.train_limit, config.val_limit)
        metrics: dict = {"runs": len(runs)}
        if "hard" in loaded:
            metrics["hard_dataset_used"] = loaded["hard"][4].name
        arrays: dict = {}
        labels, studies, keys, all_curves = [], [], [], []
        for k, (study, label, short, factory, lr, epochs, role) in enumerate(runs):
            torch.manual_seed(config.seed + k)
            model = factory(loaded[role][0].shape[1]).to(device)
            curves = train_with_monitor(model, loaded[role][:4], epochs=epochs, lr=lr, seed=config.seed + k,
                                        batch_size=config.batch_size, optimizer=config.optimizer,
                                        progress=progress, desc=f"{study}: {label}")
            key = f"{study}__{_key(short)}"
            for name, values in curves.items():
                arrays[f"{key}__{name}"] = values
            labels.append(label)
            studies.append(study)
            keys.append(key)
            all_curves.append(curves)
            metrics[f"{key}__lr"] = lr
            metrics[f"{key}__final_val_error"] = float(curves["val_error"][-1])
        arrays["run_labels"] = np.array(labels)
        arrays["run_studies"] = np.array(studies)
        arrays["run_keys"] = np.array(keys)
        _diagnose_all(studies, keys, all_curves, metrics, arrays)
        _summaries(config, metrics, arrays)
        _report_texts(metrics)
        sources = {role: value[4] for role, value in loaded.items()}
    notes = [f"{role} data: {src.split_note}" for role, src in sources.items()]
    if fallback_note:
        notes.append(fallback_note)
    if config.train_limit is not None or config.val_limit is not None:
        notes.append(f"{config.scale} scale: at most {config.train_limit} training and {config.val_limit} "
                     f"validation images per data set; {config.mnist_epochs} / {config.hard_epochs} epochs; "
                     f"studies {', '.join(config.studies)}.")
    data_source = "; ".join(src.data_source for src in sources.values())
    provenance = make_provenance(config, device, data_source, clock.seconds, notes)
    return Result(NAME, config.scale, metrics, arrays, provenance)


def _diagnose_all(studies, keys, all_curves, metrics, arrays) -> None:
    """Section IV-C1 verdicts from each gain curve and from its losses, and their agreement.

    As the paper advises, what counts as high variability for a learning-rate verdict is set
    by trialling several rates: the reference is the smoothest finite curve of the same study.
    """
    reference = {}
    for study, curves in zip(studies, all_curves):
        if curves["gain"].size >= MIN_EPOCHS and np.all(np.isfinite(curves["gain"])):
            j = float(np.median(jitter(curves["gain"])))
            reference[study] = min(reference.get(study, np.inf), j)
    by_gain, by_loss, reasons, rhos = [], [], [], []
    for study, key, curves in zip(studies, keys, all_curves):
        if curves["gain"].size < MIN_EPOCHS:
            continue
        if np.all(np.isfinite(curves["gain"])) and np.all(np.isfinite(curves["val_loss"])):
            diag = diagnose_max_gain(curves["gain"], reference_jitter_db=reference.get(study))
            verdict, reason = diag.verdict, diag.reason
            loss_verdict = diagnose_losses(curves["train_loss"], curves["val_loss"])
            rho = float(spearmanr(curves["gain"], curves["val_loss"]).statistic)
        else:
            verdict, reason, loss_verdict, rho = "lr_too_high", "non-finite values: training diverged", \
                "lr_too_high", float("nan")
        by_gain.append(verdict)
        by_loss.append(loss_verdict)
        reasons.append(reason)
        rhos.append(rho)
        metrics[f"{key}__verdict_gain"] = verdict
        metrics[f"{key}__verdict_loss"] = loss_verdict
        metrics[f"{key}__spearman_gain_val_loss"] = rho
    metrics["diagnosed_runs"] = len(by_gain)
    if not by_gain:
        metrics["diagnosis_agreement"] = float("nan")
        metrics["gain_val_loss_spearman_median"] = float("nan")
        return
    arrays["verdict_gain"] = np.array(by_gain)
    arrays["verdict_loss"] = np.array(by_loss)
    arrays["verdict_reason"] = np.array(reasons)
    arrays["spearman_gain_val_loss"] = np.array(rhos)
    metrics["diagnosis_agreement"] = float(np.mean(np.array(by_gain) == np.array(by_loss)))
    finite = [r for r in rhos if np.isfinite(r)]
    metrics["gain_val_loss_spearman_median"] = float(np.median(finite)) if finite else float("nan")


def _summaries(config: Config, metrics: dict, arrays: dict) -> None:
    """Headline numbers of the MNIST sweep (the report rows)."""
    base = f"mnist_lr__x{_key(factor_label(1.0))}"
    if f"{base}__gain" not in arrays:
        for name in ("mnist_base_gain_rise_db", "mnist_jitter_ratio_high_vs_base", "mnist_base_final_val_error"):
            metrics[name] = float("nan")
        return
    gain = arrays[f"{base}__gain"]
    metrics["mnist_base_gain_rise_db"] = float(gain[-1] - gain[0])
    metrics["mnist_base_final_val_error"] = float(arrays[f"{base}__val_error"][-1])
    high = f"mnist_lr__x{_key(factor_label(max(config.mnist_factors)))}__gain"
    base_jitter = float(np.median(jitter(gain)))
    high_jitter = float(np.median(jitter(arrays[high])))
    metrics["mnist_jitter_ratio_high_vs_base"] = high_jitter / base_jitter if base_jitter > 0 else float("inf")


def _report_texts(metrics: dict) -> None:
    """Report-table texts with units (the report shows plain floats in [0, 1] as percentages)."""
    rise, ratio = metrics["mnist_base_gain_rise_db"], metrics["mnist_jitter_ratio_high_vs_base"]
    rho = metrics["gain_val_loss_spearman_median"]
    metrics["mnist_base_gain_rise_text"] = f"{rise:+.2f} dB" if np.isfinite(rise) else "not run"
    metrics["mnist_jitter_ratio_text"] = f"{ratio:.2f}x" if np.isfinite(ratio) else "not run"
    metrics["gain_val_loss_spearman_text"] = f"{rho:+.2f}" if np.isfinite(rho) else "not run"


def findings(metrics: dict) -> list[str]:
    """Plain-language verdicts on the paper's section IV claims, from the measured ``metrics``."""
    out = []
    rise = metrics.get("mnist_base_gain_rise_db")
    if rise is not None and np.isfinite(rise):
        out.append(
            f"At the base learning rate the Maximum Gain of LeNet on MNIST changes by {rise:+.1f} dB "
            "from the first to the last epoch: " + ("it rises as the network learns, as the paper reports."
                                                     if rise > 0 else "it does NOT rise, unlike the paper's Fig. 8."))
    ratio = metrics.get("mnist_jitter_ratio_high_vs_base")
    if ratio is not None and np.isfinite(ratio):
        out.append(
            f"The largest learning rate makes the gain curve {ratio:.1f} times as jagged as at 0.001 "
            "(median absolute second difference): "
            + ("higher learning rates give more variable curves, as in Fig. 8." if ratio > 1.5 else
               "no clear increase of variability with the learning rate at this scale."))
    agree = metrics.get("diagnosis_agreement")
    if agree is not None and np.isfinite(agree):
        n = metrics.get("diagnosed_runs", 0)
        out.append(
            f"The section IV-C1 rules, read from the gain curve alone, agree with the validation-loss verdict on "
            f"{round(agree * n)} of {n} runs ({100 * agree:.0f} %). "
            + ("That supports using Maximum Gain as a stand-in for the validation loss." if agree >= 0.75 else
               "That is not enough to replace the validation loss: the gain curve and the loss curves often "
               "tell different stories."))
    rho = metrics.get("gain_val_loss_spearman_median")
    if rho is not None and np.isfinite(rho):
        out.append(
            f"Across epochs, Maximum Gain and validation loss have a median Spearman correlation of {rho:+.2f}: "
            + ("strongly negative, so a rising gain tracks a falling validation loss." if rho <= -0.5 else
               "weakly negative: the gain tracks the validation loss only loosely." if rho < 0 else
               "not negative, so the gain does not track the validation loss here."))
    return out
