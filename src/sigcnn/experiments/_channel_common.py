"""Shared by the channel experiments: clean-trained LeNet-5s, noisy test images, accuracies.

The networks are the RECOS chapter's LeNet-5 trained on clean images through
:func:`sigcnn.models.trained_lenet.trained_lenets` (so a training is cached on disk by its full
configuration and reused by the next experiment), on the run's device; the bench holds them on the
CPU, where the noisy images are made and classified. Noise is added to the image itself (28×28 for
MNIST and Fashion-MNIST, the data set's own size), with pixels in [0, 1]; Eq. 1 is computed on
those pixels and the noisy image is clipped to [0, 1] (the solver of
:func:`sigcnn.signals.stable_noise.noisy_images_at_snr` makes the SNR after clipping equal to the
target). Only then is the image framed to the 32×32 input of LeNet-5: the frame stays black
(noise-free), exactly as in training, and the network input is ``2u - 1``.

Per-image outcomes (:func:`correct_on`) let the experiments replicate over test images and noise
draws on the *same* trained networks: a robustness claim is a paired difference per image.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import torch
from scipy.ndimage import median_filter
from torch import nn

from ..data.transforms import pad_images
from ..models import LeNet5
from ..models.trained_lenet import LeNetData, trained_lenets, untrained_lenet
from ..models.training import accuracy
from ..signals import stable_noise as sn
from ._lenet import LeNetConfig, training_spec

CHANNEL_DATASETS = ("mnist", "fashion-mnist", "tf-flowers")


@dataclass(frozen=True)
class ChannelConfig(LeNetConfig):
    """The LeNet-5 training settings (:class:`~._lenet.LeNetConfig`, shorter by default) plus the
    number of trained networks and the size of the noisy test set."""

    epochs: int = 3
    train_limit: int | None = 4000
    n_seeds: int = 3
    test_limit: int | None = 500
    control_seeds: int = 12
    """Untrained networks of the clean-accuracy control (they cost no training)."""


def channel_scales(**extra: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Scale table of the channel experiments, updated with an experiment's own settings."""
    base: dict[str, dict[str, Any]] = {
        "ci": dict(epochs=3, train_limit=4000, allow_test_split=True, n_seeds=3, test_limit=500),
        "laptop": dict(
            dataset="fashion-mnist", epochs=8, train_limit=None, allow_test_split=False, n_seeds=3, test_limit=2000
        ),
        "full": dict(
            dataset="tf-flowers", epochs=15, train_limit=None, allow_test_split=False, n_seeds=5, test_limit=None
        ),
    }
    return {scale: {**settings, **extra.get(scale, {})} for scale, settings in base.items()}


def check_grid(alphas: Iterable[float] = (), snrs_db: Sequence[float] = (), budgets: Iterable[float] = ()) -> None:
    """Validate an experiment's grid before any training.

    Raises
    ------
    ValueError
        For an α outside (0, 2], a non-finite SNR, or a budget outside (0, 1), naming the setting.
    """
    bad = [a for a in alphas if not 0.0 < float(a) <= 2.0]
    if bad:
        raise ValueError(f"alphas must lie in (0, 2], got {bad}")
    if not all(np.isfinite(float(v)) for v in snrs_db):
        raise ValueError(f"snrs_db must be finite numbers of dB, got {tuple(snrs_db)}")
    bad = [b for b in budgets if not 0.0 < float(b) < 1.0]
    if bad:
        raise ValueError(f"budgets must lie in (0, 1), got {bad}")


INPUT_SIZE = 32
"""LeNet-5's input size: images are framed to it (black frame) after the noise is added."""


def unit_images(u8: torch.Tensor) -> np.ndarray:
    """uint8 images (N, H, W) as float64 in [0, 1], unframed: what noise and Eq. 1 apply to."""
    if u8.dtype != torch.uint8 or u8.ndim != 3:
        raise ValueError(f"expected uint8 images (N, H, W), got {u8.dtype} {tuple(u8.shape)}")
    return u8.numpy().astype(np.float64) / 255.0


def framed_unit_images(u8: torch.Tensor) -> np.ndarray:
    """uint8 images (N, 28, 28) framed to 32×32 as float64 in [0, 1] (what the network sees)."""
    return pad_images(u8, INPUT_SIZE).numpy().astype(np.float64) / 255.0


def frame(images01: np.ndarray, size: int = INPUT_SIZE) -> np.ndarray:
    """Centre images in [0, 1] (N, H, W) in a black ``size``×``size`` frame (as :func:`pad_images`)."""
    x = np.asarray(images01)
    h, w = x.shape[-2:]
    if h > size or w > size:
        raise ValueError(f"images of {h}x{w} do not fit a {size}x{size} frame")
    top, left = (size - h) // 2, (size - w) // 2
    return np.pad(x, ((0, 0), (top, size - h - top), (left, size - w - left)))


def network_input(images01: np.ndarray) -> torch.Tensor:
    """Images in [0, 1] (N, H, W), framed to 32×32 with a black frame, to the input ``2u - 1`` (N, 1, 32, 32)."""
    return torch.from_numpy(2.0 * frame(np.asarray(images01, dtype=np.float32))[:, None] - 1.0)


@dataclass
class Bench:
    """Clean test images in [0, 1] (unframed), labels, the trained networks, their untrained twins (same init
    seeds; at chance, so no control for a robustness claim)."""

    images: np.ndarray
    labels: torch.Tensor
    trained: list[LeNet5]
    untrained: list[LeNet5]
    seeds: list[int]
    data_source: str
    notes: list[str]
    train: LeNetData
    """The training data (clean images) the networks were trained on."""


def build_bench(config: ChannelConfig, device: torch.device, progress: bool = False) -> Bench:
    """Train (or reuse) ``n_seeds`` LeNet-5s on clean images on ``device``; their untrained twins use the
    same init seeds. The bench holds every network on the CPU, in eval mode."""
    data, runs = trained_lenets(training_spec(config), config.n_seeds, device, progress)
    seeds = [config.seed + i for i in range(config.n_seeds)]
    trained = [run.model.cpu().eval() for run in runs]
    notes = [
        f"seed {s}: " + ("weights reused from the cache" if run.from_cache else "trained now")
        for s, run in zip(seeds, runs, strict=True)
    ]
    untrained = [untrained_lenet(s, data.num_classes, "cpu") for s in seeds]
    test_u8, labels = data.test_u8, data.y_test
    if config.test_limit is not None:
        test_u8, labels = test_u8[: config.test_limit], labels[: config.test_limit]
    split = data.split
    notes.insert(
        0,
        f"{split.split_note} Training: {data.x_train.shape[0]:,} clean images, {config.epochs} epochs, "
        f"training seeds {seeds}; noisy test set: the first {test_u8.shape[0]:,} test images.",
    )
    return Bench(unit_images(test_u8), labels, trained, untrained, seeds, split.data_source, notes, data)


def stable_unit_noise(shape: tuple[int, ...], alpha: float, seed: int) -> np.ndarray:
    """Unit-scale SαS noise of ``shape`` from ``seed`` (one draw serves every SNR)."""
    return sn.symmetric_stable(alpha, shape, 1.0, np.random.default_rng(seed))


def noise_seed(seed: int, alpha_index: int, draw: int = 0) -> int:
    """Seed of the ``draw``-th unit SαS draw for training seed ``seed`` and the ``alpha_index``-th α."""
    return 10_000 + 97 * seed + alpha_index + 7_919 * draw


def reachable_snrs(
    images: np.ndarray,
    alphas: Sequence[float],
    seeds: Iterable[int],
    snrs: Sequence[float],
    margin_db: float = 0.1,
    draws: int = 1,
) -> tuple[tuple[float, ...], float]:
    """The SNR values of ``snrs`` that every image can reach after clipping, and the floor.

    Clipping caps what noise can do to a pixel, so each image has a lowest reachable Eq. 1 SNR
    (:func:`~sigcnn.signals.stable_noise.minimum_reachable_snr_db`); bright images (Fashion-MNIST,
    photographs) have higher floors than digits. Points below the highest floor plus ``margin_db``
    are left out.

    Raises
    ------
    ValueError
        When no SNR of ``snrs`` is reachable (the message names the floor).
    """
    floor = max(
        float(sn.minimum_reachable_snr_db(images, stable_unit_noise(images.shape, alpha, noise_seed(seed, a, d))).max())
        for seed in seeds
        for a, alpha in enumerate(alphas)
        for d in range(draws)
    )
    kept = tuple(float(s) for s in sorted(snrs) if s >= floor + margin_db)
    if not kept:
        raise ValueError(
            f"snrs_db: every value of {tuple(snrs)} is below the clipping floor of these images "
            f"({floor:.2f} dB); choose values of at least {floor + margin_db:.2f} dB"
        )
    return kept, floor


def accuracy_on(model: nn.Module, images01: np.ndarray, labels: torch.Tensor) -> float:
    """Accuracy of ``model`` on images in [0, 1]."""
    return accuracy(model, network_input(images01), labels)


@torch.no_grad()
def correct_on(model: nn.Module, images01: np.ndarray, labels: torch.Tensor, batch: int = 1000) -> np.ndarray:
    """Per image, 1.0 where ``model`` classifies the image (in [0, 1], unframed) correctly, else 0.0."""
    x = network_input(images01)
    preds = torch.cat([model(x[i : i + batch]).argmax(1) for i in range(0, len(x), batch)])
    return (preds == labels).numpy().astype(np.float64)


def median_front_end(images01: np.ndarray, size: int = 3) -> np.ndarray:
    """A ``size``×``size`` median filter on each image: the classic nonlinear receiver for impulses."""
    return median_filter(np.asarray(images01), size=(1, size, size), mode="nearest")


def augmented_training_set(
    train_u8: torch.Tensor,
    alphas: Sequence[float],
    snr_low_db: float,
    snr_high_db: float,
    noisy_share: float,
    seed: int,
) -> np.ndarray:
    """Training images in [0, 1] (unframed) where a share carries SαS noise of random α and Eq. 1 SNR.

    Each noisy image draws α uniformly from ``alphas`` and its SNR uniformly in
    [``snr_low_db``, ``snr_high_db``] (Eq. 1 on the unframed image, as at test time); the others
    stay clean. One fixed noisy copy (not redrawn per epoch); :func:`network_input` frames it.
    """
    rng = np.random.default_rng(seed)
    images = unit_images(train_u8)
    noisy = rng.random(len(images)) < noisy_share
    which_alpha = rng.integers(0, len(alphas), len(images))
    snr = rng.uniform(snr_low_db, snr_high_db, len(images))
    for k, alpha in enumerate(alphas):
        idx = np.nonzero(noisy & (which_alpha == k))[0]
        if idx.size == 0:
            continue
        noise = sn.symmetric_stable(alpha, (idx.size,) + images.shape[1:], 1.0, rng)
        floor = sn.minimum_reachable_snr_db(images[idx], noise)
        images[idx] = sn.noisy_images_at_snr(images[idx], noise, np.maximum(snr[idx], floor + 0.5))
    return images


def mean_min_max(values: npt.ArrayLike) -> tuple[float, float, float]:
    """Mean, min and max of a list of numbers."""
    v = np.asarray(values, dtype=float)
    return float(v.mean()), float(v.min()), float(v.max())


CONTROL_SEED_OFFSET = 1000
"""Untrained control networks use initialisation seeds ``seed + 1000`` onwards (none is a training seed)."""


def untrained_accuracies(
    config: ChannelConfig, images01: np.ndarray, labels: torch.Tensor, n_classes: int
) -> list[float]:
    """Clean accuracy of ``config.control_seeds`` untrained LeNet-5s (they cost no training)."""
    return [
        accuracy_on(untrained_lenet(config.seed + CONTROL_SEED_OFFSET + k, n_classes, "cpu"), images01, labels)
        for k in range(config.control_seeds)
    ]
