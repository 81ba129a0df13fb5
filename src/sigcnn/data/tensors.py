"""Any image set of the registry as normalised float tensors for training (train and test subsets).

Two kinds of entries give images: ``image-classification`` entries (an :class:`ImageSplit` of
uint8 images with an official or seeded split) and ``class-images`` entries (a
:class:`ClassImages` per split, float in [0, 1]). :func:`load_tensor_split` reads either through
its registry loader, so a caller never names a data set.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .images import load_image_dataset
from .registry import get_spec
from .splits import load_class_images

CLASSIFICATION_MEAN, PHOTOGRAPH_MEAN, SPREAD = 0.5, 0.45, 0.25
"""Pixels (in [0, 1]) are centred at 0.5 for classification sets (digits, clothes, CIFAR-10) and at
0.45 for photographs (close to the ImageNet mean), then divided by 0.25."""


@dataclass(frozen=True)
class TensorSplit:
    """Normalised float32 images ``(N, C, H, W)`` and int64 labels of a training and a test subset."""

    train_x: torch.Tensor
    train_y: torch.Tensor
    test_x: torch.Tensor
    test_y: torch.Tensor
    data_source: str


def load_tensor_split(
    name: str, train_size: int, test_size: int, size: int, rng: np.random.Generator, seed: int = 0
) -> TensorSplit:
    """``train_size`` training and ``test_size`` test images of the registry's image set ``name``.

    An ``image-classification`` set: random subsets (``rng`` draws the training indices, then the
    test indices) of its official split, at its own size (``size`` is not used). A ``class-images``
    set: ``train_size // 10`` images of each class from its ``train`` split and ``test_size // 10``
    from ``val``, at ``size`` x ``size`` px (drawn by its loader, see :func:`load_class_images`).

    Raises
    ------
    ValueError
        When ``name`` is neither kind of image set.
    """
    spec = get_spec(name)
    if spec.task == "class-images":
        train = load_class_images(name, train_size // 10, size, "train", seed, rng)
        test = load_class_images(name, test_size // 10, size, "val", seed, rng)

        def photographs(x: np.ndarray) -> torch.Tensor:
            return torch.from_numpy((x - PHOTOGRAPH_MEAN) / SPREAD).float()

        return TensorSplit(
            photographs(train.images),
            torch.from_numpy(train.labels),
            photographs(test.images),
            torch.from_numpy(test.labels),
            train.data_source,
        )
    split = load_image_dataset(name)  # raises ValueError for a set that is not image classification
    x_tr, x_te = split.train_images, split.test_images
    if x_tr.ndim == 3:  # grey images without a channel axis
        x_tr, x_te = x_tr[:, None], x_te[:, None]
    tr = rng.permutation(x_tr.shape[0])[:train_size]
    te = rng.permutation(x_te.shape[0])[:test_size]

    def classification(x: torch.Tensor) -> torch.Tensor:
        return (x.float() / 255.0 - CLASSIFICATION_MEAN) / SPREAD

    return TensorSplit(
        classification(x_tr[tr]),
        split.train_labels[tr],
        classification(x_te[te]),
        split.test_labels[te],
        split.data_source,
    )


__all__ = ["TensorSplit", "load_tensor_split"]
