"""Segmentation sets in the form the post-shift experiment reads: training halves A and B and a test set.

Both loaders (registry entries ``mosaics`` and ``voc2012``) return a :class:`SegmentationHalves`
whose ``note`` describes the data that was loaded, so a run's notes name the right data set.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .images import load_image_dataset
from .mosaics import DEFAULT_CLASSES, make_mosaics
from .paper_sets import load_voc2012_segmentation
from .registry import DatasetSpec, load_typed

VOC_CLASSES = 21
"""Pascal VOC 2012: 20 object classes and the background."""


@dataclass(frozen=True)
class SegmentationHalves:
    """Images (float32 in [0, 1], (N, C, H, W)) and masks (int64, (N, H, W)) of halves A, B and the test set."""

    xa: np.ndarray
    ya: np.ndarray
    xb: np.ndarray
    yb: np.ndarray
    xt: np.ndarray
    yt: np.ndarray
    num_classes: int
    channels: int
    data_source: str
    note: str


def load_mosaic_halves(
    size: int, n_a: int, n_b: int, n_test: int, rng: np.random.Generator, *, spec: DatasetSpec | None = None
) -> SegmentationHalves:
    """Mosaics of Fashion-MNIST items: A from the first half of the training images, B from the second.

    ``rng`` draws the mosaics A, then B, then the test set (from the test images).
    """
    split = load_image_dataset("fashion-mnist")
    tr_img, tr_lab = split.train_images.numpy(), split.train_labels.numpy()
    half = tr_img.shape[0] // 2
    xa, ya = make_mosaics(tr_img[:half], tr_lab[:half], n_a, rng, size)
    xb, yb = make_mosaics(tr_img[half:], tr_lab[half:], n_b, rng, size)
    xt, yt = make_mosaics(split.test_images.numpy(), split.test_labels.numpy(), n_test, rng, size)
    note = (
        f"Mosaics: {size} x {size} px, 3 Fashion-MNIST items (trouser, sandal, bag) on 1/f^2 noise; "
        f"Data-image-A {n_a} (train images, first half), Data-image-B {n_b} (second half), "
        f"test {n_test} (test images)."
    )
    source = "synthetic mosaics of Fashion-MNIST items (offline)"
    return SegmentationHalves(
        xa[:, None], ya, xb[:, None], yb, xt[:, None], yt, len(DEFAULT_CLASSES) + 1, 1, source, note
    )


def load_voc2012_halves(
    size: int,
    n_a: int | None = None,
    n_b: int | None = None,
    n_test: int | None = None,
    rng: np.random.Generator | None = None,
    *,
    spec: DatasetSpec | None = None,
) -> SegmentationHalves:
    """Pascal VOC 2012: the train split cut in halves A/B by a permutation drawn from ``rng``, val as test.

    ``n_a`` and ``n_b`` are ignored (each half is half of the train split); ``n_test`` limits the
    val images (``0`` or ``None``: all).
    """
    rng = rng if rng is not None else np.random.default_rng(0)
    xtr, ytr = load_voc2012_segmentation("train", size)
    xt, yt = load_voc2012_segmentation("val", size, limit=n_test or None)
    order = rng.permutation(len(xtr))
    half = len(order) // 2
    note = (
        f"Pascal VOC 2012 at {size} x {size} px: Data-image-A {half} and Data-image-B {len(order) - half} "
        f"(train split in seeded halves), test {len(xt)} (val images)."
    )
    source = "Pascal VOC 2012 (train split in halves A/B, val as test)"
    return SegmentationHalves(
        xtr[order[:half]],
        ytr[order[:half]],
        xtr[order[half:]],
        ytr[order[half:]],
        xt,
        yt,
        VOC_CLASSES,
        3,
        source,
        note,
    )


def load_segmentation_halves(
    name: str, size: int, n_a: int, n_b: int, n_test: int, rng: np.random.Generator
) -> SegmentationHalves:
    """The segmentation set ``name`` of the registry (``mosaics``, ``voc2012``, ...) with its own loader.

    Raises
    ------
    ValueError
        When ``name`` is not a ``segmentation-halves`` entry.
    """
    return load_typed(
        name, "segmentation-halves", SegmentationHalves, size=size, n_a=n_a, n_b=n_b, n_test=n_test, rng=rng
    )


__all__ = ["SegmentationHalves", "load_mosaic_halves", "load_segmentation_halves", "load_voc2012_halves"]
