"""A small Network-in-Network (Lin, Chen & Yan 2013), as compared with LeNet in Stamatescu &
McDonnell, section IV-C2 (Fig. 12).

Three *mlpconv* blocks (a spatial convolution followed by two 1x1 convolutions, each with a
ReLU), max pooling after the first block, average pooling after the second, and global average
pooling over the last block's class maps instead of fully-connected layers. The channel counts
are much smaller than the original 192 so that it trains on a CPU; dropout is left out.
"""

from __future__ import annotations

import torch
from torch import nn


def _mlpconv(in_ch: int, out_ch: int, kernel: int, last: int | None = None, final_relu: bool = True):
    last = out_ch if last is None else last
    layers = [
        nn.Conv2d(in_ch, out_ch, kernel, padding=kernel // 2),
        nn.ReLU(),
        nn.Conv2d(out_ch, out_ch, 1),
        nn.ReLU(),
        nn.Conv2d(out_ch, last, 1),
    ]
    if final_relu:
        layers.append(nn.ReLU())
    return nn.Sequential(*layers)


class NIN(nn.Module):
    """Network-in-Network for small images (e.g. 32x32); ``channels`` of the three blocks."""

    def __init__(self, channels: tuple[int, int, int] = (16, 32, 32), in_channels: int = 1, num_classes: int = 10):
        super().__init__()
        if len(channels) != 3 or min(channels) < 1 or in_channels < 1 or num_classes < 2:
            raise ValueError("channels must be three positive ints, in_channels >= 1, num_classes >= 2")
        c1, c2, c3 = channels
        self.block1 = _mlpconv(in_channels, c1, 5)
        self.pool1 = nn.MaxPool2d(3, stride=2, padding=1)
        self.block2 = _mlpconv(c1, c2, 3)
        self.pool2 = nn.AvgPool2d(3, stride=2, padding=1)
        # The last 1x1 convolution gives one map per class; no ReLU on the class maps.
        self.block3 = _mlpconv(c2, c3, 3, last=num_classes, final_relu=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim != 4 or min(x.shape[-2:]) < 8:
            raise ValueError(f"NIN expects a batch of shape (N, C, H, W) with H, W >= 8, got {tuple(x.shape)}")
        x = self.pool2(self.block2(self.pool1(self.block1(x))))
        return self.block3(x).mean(dim=(-2, -1))
