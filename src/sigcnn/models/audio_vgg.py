"""Network-audio-1 of Wu et al. (2022): VGG-11 adapted to 1-D audio.

The paper draws the network in its Fig. A1, which is not in the text we have; it says only
that the network is "modified appropriately from VGG-11 to process 1-D audio data". We
therefore use VGG-11's layer plan (configuration "A" of Simonyan & Zisserman) with every
2-D operator replaced by its 1-D counterpart:

====== =========================== =====================================
block  layers                      channels (``width = 1``)
====== =========================== =====================================
1      conv1, act1, pool1          64
2      conv2, act2, pool2          128
3      conv3, act3, conv4, act4,   256, 256
       pool3
4      conv5, act5, conv6, act6,   512, 512
       pool4
5      conv7, act7, conv8, act8,   512, 512
       pool5
head   global average pool, linear to the classes
====== =========================== =====================================

Each ``convN`` is a ``Conv1d`` with kernel 3, stride 1 and padding 1 (so input and output have
the same length, and their spectra share one frequency grid), followed -- when
``batch_norm=True`` -- by ``BatchNorm1d``; the pair is one module (the paper's "convolution_bn",
Fig. 18a), so a probe sees the input of the convolution and the output of the normalisation.
Pooling is max pooling of size and stride ``pool_size`` (VGG: 2). VGG's three fully connected
layers are replaced by a global average over time and one linear layer, which lets one network
take recordings of any length and keeps the parameter count small. ``width`` scales every
channel count (``width=0.125`` gives 8, 16, 32, 32, 64, 64, 64, 64 channels).
"""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn

from .lenet import make_activation as _lenet_activation

VGG11_PLAN = (64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M")
"""VGG-11 ("A"): numbers are convolution output channels, ``"M"`` a pooling layer."""

AUDIO_ACTIVATIONS = ("relu", "sigmoid", "tanh", "sine", "elu", "leaky_relu", "identity")


class Sine(nn.Module):
    """The activation ``sin(y)`` (Wu et al., Fig. 13c)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sin(x)


def make_audio_activation(name: str) -> nn.Module:
    """The activation module for ``name`` (one of :data:`AUDIO_ACTIVATIONS`)."""
    if name == "sine":
        return Sine()
    if name == "elu":
        return nn.ELU()
    if name not in AUDIO_ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}: choose one of {', '.join(AUDIO_ACTIVATIONS)}")
    return _lenet_activation(name)


class ConvUnit(nn.Sequential):
    """``Conv1d(kernel 3, padding 1)`` optionally followed by ``BatchNorm1d``: one "convolution" layer."""

    def __init__(self, in_channels: int, out_channels: int, batch_norm: bool):
        layers: list[nn.Module] = [nn.Conv1d(in_channels, out_channels, 3, padding=1, bias=not batch_norm)]
        if batch_norm:
            layers.append(nn.BatchNorm1d(out_channels))
        super().__init__(*layers)

    @property
    def conv(self) -> nn.Conv1d:
        first = self[0]
        if not isinstance(first, nn.Conv1d):
            raise TypeError(f"a ConvUnit starts with a Conv1d, found {type(first).__name__}")
        return first


class AudioVGG11(nn.Module):
    """VGG-11 for 1-D audio (Network-audio-1); see the module docstring for the layer plan.

    Parameters
    ----------
    num_classes : int
        Number of output classes.
    activation : str
        One of :data:`AUDIO_ACTIVATIONS`, used after every convolution.
    batch_norm : bool
        Batch normalisation after every convolution (the paper's "convolution_bn").
    width : float
        Multiplier of VGG-11's channel counts (each count is at least 1).
    pool_size : int
        Size and stride of the max-pooling layers (VGG: 2).
    in_channels : int
        Channels of the input waveform (1 for mono audio).

    Attributes
    ----------
    features : nn.Sequential
        Named layers ``conv1, act1, pool1, conv2, ...``, in order.
    classifier : nn.Linear
    """

    def __init__(
        self,
        num_classes: int = 10,
        activation: str = "relu",
        batch_norm: bool = False,
        width: float = 1.0,
        pool_size: int = 2,
        in_channels: int = 1,
    ):
        super().__init__()
        if num_classes < 2 or in_channels < 1:
            raise ValueError("num_classes must be >= 2 and in_channels >= 1")
        if not width > 0:
            raise ValueError(f"width must be positive, got {width}")
        if pool_size < 1:
            raise ValueError(f"pool_size must be >= 1, got {pool_size}")
        self.activation_name = activation
        self.pool_size = pool_size
        layers: list[tuple[str, nn.Module]] = []
        channels, n_conv, n_pool = in_channels, 0, 0
        for item in VGG11_PLAN:
            if isinstance(item, str):  # "M": a pooling layer
                n_pool += 1
                layers.append((f"pool{n_pool}", nn.MaxPool1d(pool_size)))
                continue
            n_conv += 1
            out = max(1, round(item * width))
            layers.append((f"conv{n_conv}", ConvUnit(channels, out, batch_norm)))
            layers.append((f"act{n_conv}", make_audio_activation(activation)))
            channels = out
        self.features = nn.Sequential(OrderedDict(layers))
        self.classifier = nn.Linear(channels, num_classes)

    @property
    def total_stride(self) -> int:
        """Down-sampling factor from the input to the last feature map."""
        return self.pool_size ** VGG11_PLAN.count("M")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim != 3:
            raise ValueError(f"AudioVGG11 expects a batch of shape (N, C, T), got {tuple(x.shape)}")
        if x.shape[-1] < self.total_stride:
            raise ValueError(
                f"recordings of {x.shape[-1]} samples are shorter than the network's total stride ({self.total_stride})"
            )
        return self.classifier(self.features(x).mean(dim=-1))
