"""An offline segmentation set: Fashion-MNIST items pasted on textured backgrounds, with per-pixel masks.

Each image is ``size x size`` grey, holds ``items`` objects of the chosen Fashion-MNIST
classes at random positions on a 1/f^2 (energy) noise background, and its mask gives each
pixel the class of the item covering it (1..K, in the order of ``classes``) or 0 for
background. A pixel belongs to an item where the item's intensity exceeds ``threshold``;
later items cover earlier ones.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..signals.spectral_summaries import power_law_noise

DEFAULT_CLASSES = (1, 5, 8)
"""Trouser, sandal, bag (Fashion-MNIST labels)."""


def make_mosaics(
    images: np.ndarray,
    labels: np.ndarray,
    n: int,
    rng: np.random.Generator,
    size: int = 48,
    items: int = 3,
    classes: Sequence[int] = DEFAULT_CLASSES,
    threshold: int = 40,
    background: float = 0.25,
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` mosaics (float32 in [0, 1], shape (n, size, size)) and masks (int64, same shape).

    Parameters
    ----------
    images, labels : Fashion-MNIST items (uint8, (N, 28, 28)) and their labels.
    background : standard deviation of the noise background (intensity units of [0, 1]).

    Raises
    ------
    ValueError
        If ``size`` is smaller than an item, or a class in ``classes`` has no image.
    """
    images = np.asarray(images)
    labels = np.asarray(labels)
    side = images.shape[-1]
    if size < side:
        raise ValueError(f"size must be at least the item size {side}, got {size}")
    pools = [np.flatnonzero(labels == c) for c in classes]
    if any(p.size == 0 for p in pools):
        raise ValueError(f"every class in {classes} needs at least one image")
    bg = power_law_noise((size, size), 1.0, rng, n=n) * background + 0.3
    x = np.clip(bg, 0.0, 1.0).astype(np.float32)
    mask = np.zeros((n, size, size), dtype=np.int64)
    for i in range(n):
        for _ in range(items):
            k = rng.integers(len(classes))
            item = images[rng.choice(pools[k])]
            top, left = rng.integers(0, size - side + 1, size=2)
            region = (slice(top, top + side), slice(left, left + side))
            covered = item > threshold
            x[i][region] = np.where(covered, item / 255.0, x[i][region])
            mask[i][region] = np.where(covered, k + 1, mask[i][region])
    return x, mask


def segmentation_scores(pred: np.ndarray, target: np.ndarray, num_classes: int) -> tuple[float, float]:
    """Mean (per-class) pixel accuracy and mean IU, as defined for FCN (Long et al. 2015).

    Classes absent from ``target`` are left out of both means; target pixels outside
    ``[0, num_classes)`` (VOC's 255 "void" border) are ignored.
    """
    pred, target = np.asarray(pred).ravel(), np.asarray(target).ravel()
    valid = (target >= 0) & (target < num_classes)
    pred, target = pred[valid], target[valid]
    conf = np.bincount(num_classes * target + pred, minlength=num_classes**2).reshape(num_classes, num_classes)
    present = conf.sum(1) > 0
    tp = np.diag(conf)
    acc = tp[present] / conf.sum(1)[present]
    iu = tp[present] / (conf.sum(1) + conf.sum(0) - tp)[present]
    return float(acc.mean()), float(iu.mean())
