"""The in-memory forms of image sets, shared by the image loaders: classification splits and class groups."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .registry import load_typed


@dataclass
class ImageSplit:
    """Train and test images (``uint8``, N x 28 x 28), labels (``int64``) and where they came from."""

    name: str
    train_images: torch.Tensor
    train_labels: torch.Tensor
    test_images: torch.Tensor
    test_labels: torch.Tensor
    data_source: str
    split_note: str
    used_official_train: bool

    @property
    def num_classes(self) -> int:
        return int(max(self.train_labels.max(), self.test_labels.max())) + 1


@dataclass(frozen=True)
class ClassImages:
    """Colour images grouped by class (registry task ``class-images``): float in [0, 1], ``(N, 3, H, W)``.

    ``labels[i]`` is the index of image ``i``'s class in ``names``; ``data_source`` names the data
    set that was loaded.
    """

    images: np.ndarray
    labels: np.ndarray
    names: tuple[str, ...]
    data_source: str

    def by_class(self, per_class: int) -> np.ndarray:
        """The first ``per_class`` images of each class: ``(classes, per_class, 3, H, W)``.

        Raises
        ------
        ValueError
            When a class has fewer than ``per_class`` images.
        """
        groups = [self.images[self.labels == k][:per_class] for k in range(len(self.names))]
        short = [self.names[k] for k, g in enumerate(groups) if len(g) < per_class]
        if short:
            raise ValueError(f"{self.data_source}: fewer than {per_class} images of {', '.join(short)}")
        return np.stack(groups)


def load_class_images(
    name: str,
    per_class: int,
    size: int,
    split: str = "train",
    seed: int = 0,
    rng: np.random.Generator | None = None,
) -> ClassImages:
    """The ``class-images`` entry ``name`` of the registry (``skimage``, ``imagenette``, ...) with its loader.

    ``per_class`` images of each class at ``size`` x ``size`` px, from ``split``; a loader that draws
    its images takes them from ``rng`` or, when it keeps its own generator, from ``seed``.

    Raises
    ------
    ValueError
        When ``name`` is not a ``class-images`` entry.
    """
    return load_typed(
        name, "class-images", ClassImages, per_class=per_class, size=size, split=split, seed=seed, rng=rng
    )
