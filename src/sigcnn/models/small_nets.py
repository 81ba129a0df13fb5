"""Small stand-ins for the paper's networks, sized for CPU runs on 28 x 28 images and 1-D features.

* :class:`SmallAlexNetBN`, :class:`SmallVGGBN`, :class:`SmallResNet`: AlexNet-, VGG- and
  ResNet-like classifiers with batch norm (Wu et al. 2022, section 5.1.2 uses AlexNet_bn,
  VGG19_bn, ResNet18/152, ResNeXt50). Each has blocks ``block1`` (28 x 28 at a 28-px input),
  ``block2`` (14 x 14) and ``block3`` (7 x 7) whose outputs the spectrum probes read.
* :func:`alexnet_bn`: torchvision's AlexNet with a BatchNorm2d after every convolution
  (torchvision has no AlexNet_bn; this is our construction for the ``full`` scale).
* :class:`FeatureCNN1d`: the 1-D network of the audio post-shift (Network-audio-2/3 stand-in),
  with or without max pooling.
* :class:`SkipFCN`: a small fully convolutional segmentation network whose only
  full-resolution path into the last layer is a skip connection fed a "guide" image
  (Network-image-5 stand-in).
"""

from __future__ import annotations

import torch
from torch import nn


def _conv_bn(cin: int, cout: int, k: int = 3, stride: int = 1) -> list[nn.Module]:
    return [
        nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=False),
    ]


class _Classifier(nn.Module):
    def __init__(self, block1, block2, block3, width: int, num_classes: int):
        super().__init__()
        self.block1, self.block2, self.block3 = block1, block2, block3
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(width, num_classes))

    def forward(self, x):
        return self.head(self.block3(self.block2(self.block1(x))))


class SmallAlexNetBN(_Classifier):
    """AlexNet-like: a wide 5 x 5 first convolution, then 3 x 3, pooling between blocks, BN everywhere."""

    def __init__(self, in_channels: int = 1, num_classes: int = 10, width: int = 32):
        super().__init__(
            nn.Sequential(*_conv_bn(in_channels, width, 5)),
            nn.Sequential(nn.MaxPool2d(2), *_conv_bn(width, 2 * width)),
            nn.Sequential(nn.MaxPool2d(2), *_conv_bn(2 * width, 2 * width), *_conv_bn(2 * width, 2 * width)),
            2 * width,
            num_classes,
        )


class SmallVGGBN(_Classifier):
    """VGG-like: pairs of 3 x 3 convolutions with BN, max pooling between blocks."""

    def __init__(self, in_channels: int = 1, num_classes: int = 10, width: int = 16):
        super().__init__(
            nn.Sequential(*_conv_bn(in_channels, width), *_conv_bn(width, width)),
            nn.Sequential(nn.MaxPool2d(2), *_conv_bn(width, 2 * width), *_conv_bn(2 * width, 2 * width)),
            nn.Sequential(nn.MaxPool2d(2), *_conv_bn(2 * width, 4 * width), *_conv_bn(4 * width, 4 * width)),
            4 * width,
            num_classes,
        )


class _Residual(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int):
        super().__init__()
        self.body = nn.Sequential(
            *_conv_bn(cin, cout, 3, stride), nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout)
        )
        self.short = (
            nn.Identity()
            if stride == 1 and cin == cout
            else nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout))
        )

    def forward(self, x):
        return torch.relu(self.body(x) + self.short(x))


class SmallResNet(_Classifier):
    """ResNet-like: a 3 x 3 stem and one basic residual block per stage (strided down-sampling)."""

    def __init__(self, in_channels: int = 1, num_classes: int = 10, width: int = 16):
        super().__init__(
            nn.Sequential(*_conv_bn(in_channels, width), _Residual(width, width, 1)),
            _Residual(width, 2 * width, 2),
            _Residual(2 * width, 4 * width, 2),
            4 * width,
            num_classes,
        )


SMALL_NETS = {"alexnet-bn": SmallAlexNetBN, "vgg-bn": SmallVGGBN, "resnet": SmallResNet}


def alexnet_bn(num_classes: int = 10) -> nn.Module:
    """torchvision's AlexNet (random init) with ``BatchNorm2d`` inserted after each convolution (ours)."""
    import torchvision

    net = torchvision.models.alexnet(weights=None, num_classes=num_classes)
    layers = []
    for m in net.features:
        layers.append(m)
        if isinstance(m, nn.Conv2d):
            layers.append(nn.BatchNorm2d(m.out_channels))
    net.features = nn.Sequential(*layers)
    return net


class FeatureCNN1d(nn.Module):
    """Three 1-D convolutions (BN, ReLU), optional max pooling after the first two, global mean, linear.

    ``encoder`` is the convolution stack; without pooling its output has the input's length,
    so its spectrum lies on the input's frequency grid (what Eq. 43 needs).
    """

    def __init__(self, num_classes: int = 10, width: int = 16, pooling: bool = True):
        super().__init__()
        pool = (lambda: nn.MaxPool1d(2)) if pooling else (lambda: nn.Identity())
        self.encoder = nn.Sequential(
            nn.Conv1d(1, width, 5, padding=2),
            nn.BatchNorm1d(width),
            nn.ReLU(),
            pool(),
            nn.Conv1d(width, 2 * width, 5, padding=2),
            nn.BatchNorm1d(2 * width),
            nn.ReLU(),
            pool(),
            nn.Conv1d(2 * width, 2 * width, 3, padding=1),
            nn.BatchNorm1d(2 * width),
            nn.ReLU(),
        )
        self.head = nn.Sequential(nn.AdaptiveAvgPool1d(1), nn.Flatten(), nn.Linear(2 * width, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.encoder(x))


class SkipFCN(nn.Module):
    """Encoder (two poolings) and decoder (one up-sampling), with an FCN-style skip that carries a guide image.

    ``forward(x, guide=None)``: the encoder reads ``x``, but reaches the last layer only through
    its quarter-resolution bottleneck (``down``), up-sampled. The one full-resolution path into
    the last layer is the skip: a convolution block (``skip``) on the ``guide`` (``x`` itself when
    ``guide`` is None), as an FCN skip carries the fine detail the coarse path has lost. What the
    skip is fed therefore matters; feeding it the post-shifted image while the encoder keeps the
    original is the paper's change (section 5.2.2), isolated, and feeding it zeros measures how
    much the rig depends on the skip at all. ``stem`` is the encoder's full-resolution block,
    whose output spectrum gives DIFF.
    """

    def __init__(self, num_classes: int, in_channels: int = 1, width: int = 16):
        super().__init__()
        self.stem = nn.Sequential(*_conv_bn(in_channels, width))
        self.down = nn.Sequential(
            nn.MaxPool2d(2), *_conv_bn(width, 2 * width), nn.MaxPool2d(2), *_conv_bn(2 * width, 2 * width)
        )
        self.up = nn.Sequential(
            nn.Upsample(scale_factor=4, mode="bilinear", align_corners=False), *_conv_bn(2 * width, width)
        )
        self.skip = nn.Sequential(*_conv_bn(in_channels, width))
        self.classify = nn.Conv2d(2 * width, num_classes, 3, padding=1)

    def forward(self, x: torch.Tensor, guide: torch.Tensor | None = None) -> torch.Tensor:
        dec = self.up(self.down(self.stem(x)))
        guide = x if guide is None else guide
        return self.classify(torch.cat([dec, self.skip(guide)], dim=1))
