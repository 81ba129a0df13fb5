"""The LeNet of Stamatescu & McDonnell's training experiments, with a width multiplier.

Their MNIST network (MatConvNet's LeNet example, section IV-A) has three convolutions and one
fully-connected layer, with two max-pooling layers and a single ReLU between them. Section
IV-C2 (Fig. 13) scales the number of filters of every convolution by 1/4 and 4: ``width``.
"""

from __future__ import annotations

import torch
from torch import nn

BASE_FILTERS = (20, 50, 500)
"""Filters of the three convolutions at ``width=1`` (MatConvNet's MNIST LeNet)."""


class WideLeNet(nn.Module):
    """conv 5x5 -> max pool -> conv 5x5 -> max pool -> conv 5x5 -> ReLU -> fully connected.

    For 32x32 inputs (the book's padded 28x28 images): 32 -> 28 -> 14 -> 10 -> 5 -> 1.
    Every convolution has ``round(width * BASE_FILTERS[k])`` filters (at least one).
    """

    def __init__(self, width: float = 1.0, in_channels: int = 1, num_classes: int = 10):
        super().__init__()
        if width <= 0 or in_channels < 1 or num_classes < 2:
            raise ValueError("width must be > 0, in_channels >= 1 and num_classes >= 2")
        c1, c2, c3 = (max(1, round(width * n)) for n in BASE_FILTERS)
        self.width = width
        self.conv1 = nn.Conv2d(in_channels, c1, 5)
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(c1, c2, 5)
        self.pool2 = nn.MaxPool2d(2)
        self.conv3 = nn.Conv2d(c2, c3, 5)
        self.relu = nn.ReLU()
        self.fc = nn.Linear(c3, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim != 4 or x.shape[-2:] != (32, 32):
            raise ValueError(f"WideLeNet expects a batch of shape (N, C, 32, 32), got {tuple(x.shape)}")
        x = self.pool2(self.conv2(self.pool1(self.conv1(x))))
        return self.fc(self.relu(self.conv3(x)).flatten(1))


CIFAR_FILTERS = (32, 32, 64, 64)
"""Filters of the four convolutions of :class:`CifarLeNet` at ``width=1`` (ours: the paper gives none)."""


class CifarLeNet(nn.Module):
    """The "larger LeNet" of Stamatescu & McDonnell's CIFAR-10 runs (section IV-B), as we read it.

    The paper lists only the layer counts: four convolutions, two average-pooling, two
    max-pooling, four ReLU and one fully-connected layer. Kernel sizes and widths are ours,
    modelled on MatConvNet's CIFAR-10 LeNet example (which has one max pool; we add a second
    to match the paper's count). For 32x32 inputs:

    conv 5x5 (32, pad 2) -> max pool 3/2 -> ReLU -> conv 5x5 (32, pad 2) -> ReLU -> avg pool 3/2
    -> conv 5x5 (64, pad 2) -> ReLU -> avg pool 3/2 -> conv 3x3 (64, pad 1) -> ReLU -> max pool 2
    -> fully connected (64 x 2 x 2 -> classes); spatial size 32 -> 16 -> 8 -> 4 -> 2.
    ``width`` scales every convolution's filters (Fig. 13).
    """

    def __init__(self, width: float = 1.0, in_channels: int = 3, num_classes: int = 10):
        super().__init__()
        if width <= 0 or in_channels < 1 or num_classes < 2:
            raise ValueError("width must be > 0, in_channels >= 1 and num_classes >= 2")
        c1, c2, c3, c4 = (max(1, round(width * n)) for n in CIFAR_FILTERS)
        self.width = width
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, c1, 5, padding=2),
            nn.MaxPool2d(3, 2, padding=1),
            nn.ReLU(),
            nn.Conv2d(c1, c2, 5, padding=2),
            nn.ReLU(),
            nn.AvgPool2d(3, 2, padding=1),
            nn.Conv2d(c2, c3, 5, padding=2),
            nn.ReLU(),
            nn.AvgPool2d(3, 2, padding=1),
            nn.Conv2d(c3, c4, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.fc = nn.Linear(c4 * 2 * 2, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim != 4 or x.shape[-2:] != (32, 32):
            raise ValueError(f"CifarLeNet expects a batch of shape (N, C, 32, 32), got {tuple(x.shape)}")
        return self.fc(self.features(x).flatten(1))
