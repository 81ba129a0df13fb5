"""The in-memory form of an image classification set, shared by every image loader."""

from __future__ import annotations

from dataclasses import dataclass

import torch


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
