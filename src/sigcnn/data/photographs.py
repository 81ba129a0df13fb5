"""Crops of scikit-image's sample photographs as image classes (registry entry ``skimage``).

Each photograph is one class; its images are random square crops. The photographs ship with
scikit-image, so this set is available offline and has no files under the data root.
"""

from __future__ import annotations

import numpy as np
import skimage.data

from .registry import DatasetSpec
from .splits import ClassImages

PHOTOGRAPHS = ("astronaut", "chelsea", "coffee", "rocket", "grass", "brick")
SOURCE = "scikit-image sample photographs (offline), random crops"


def load_photograph_crops(
    per_class: int,
    size: int,
    split: str = "train",
    seed: int = 0,
    rng: np.random.Generator | None = None,
    *,
    spec: DatasetSpec | None = None,
) -> ClassImages:
    """``per_class`` random ``size``-px crops of each photograph (grey ones repeated to RGB), in [0, 1].

    The crops are drawn from ``rng`` (default: a generator seeded with ``seed``), photograph after
    photograph. ``split`` is accepted for the ``class-images`` loader interface (there is one split);
    ``spec`` is the registry entry.

    Raises
    ------
    ValueError
        When ``size`` exceeds a photograph's height or width, or ``per_class`` < 1.
    """
    if per_class < 1:
        raise ValueError(f"per_class must be >= 1, got {per_class}")
    rng = rng if rng is not None else np.random.default_rng(seed)
    images = []
    for name in PHOTOGRAPHS:
        img = np.asarray(getattr(skimage.data, name)(), dtype=np.float64) / 255.0
        if img.ndim == 2:
            img = np.repeat(img[..., None], 3, axis=-1)
        h, w = img.shape[:2]
        if size > min(h, w):
            raise ValueError(f"crop size {size} exceeds the {h} x {w} photograph {name!r}")
        for _ in range(per_class):
            top, left = rng.integers(0, h - size + 1), rng.integers(0, w - size + 1)
            images.append(img[top : top + size, left : left + size].transpose(2, 0, 1))
    labels = np.repeat(np.arange(len(PHOTOGRAPHS)), per_class)
    return ClassImages(np.stack(images), labels, PHOTOGRAPHS, SOURCE)


__all__ = ["PHOTOGRAPHS", "load_photograph_crops"]
