"""LeNet-5 as drawn in Kuo (2016), Fig. 1, with a choice of activation."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

ACTIVATIONS = ("relu", "sigmoid", "leaky_relu", "tanh", "identity")


def make_activation(name: str) -> nn.Module:
    """Return the activation module for ``name`` (one of :data:`ACTIVATIONS`)."""
    table: dict[str, Callable[[], nn.Module]] = {
        "relu": nn.ReLU,
        "sigmoid": nn.Sigmoid,
        "leaky_relu": lambda: nn.LeakyReLU(0.1),
        "tanh": nn.Tanh,
        "identity": nn.Identity,
    }
    if name not in table:
        raise ValueError(f"unknown activation {name!r}: choose one of {', '.join(ACTIVATIONS)}")
    return table[name]()


class LeNet5(nn.Module):
    """LeNet-5: 32x32 input, C1 6@5x5, S2, C3 16@5x5, S4, C5 120, F6 84, 10 outputs.

    S2 and S4 are 2x2 max pooling; C5 is a 5x5 convolution whose output is 1x1, i.e. a
    fully connected layer on the 16x5x5 map. ``c1_channels`` sets the number of anchor
    vectors of the first RECOS unit (Kuo, section 2: 6, or 12 for the doubled network).
    """

    def __init__(self, c1_channels: int = 6, activation: str = "relu", num_classes: int = 10, in_channels: int = 1):
        super().__init__()
        if c1_channels < 1 or num_classes < 2 or in_channels < 1:
            raise ValueError("c1_channels and in_channels must be >= 1 and num_classes >= 2")
        self.activation_name = activation
        self.c1 = nn.Conv2d(in_channels, c1_channels, 5)
        self.act1 = make_activation(activation)
        self.s2 = nn.MaxPool2d(2)
        self.c3 = nn.Conv2d(c1_channels, 16, 5)
        self.act3 = make_activation(activation)
        self.s4 = nn.MaxPool2d(2)
        self.c5 = nn.Conv2d(16, 120, 5)
        self.act5 = make_activation(activation)
        self.f6 = nn.Linear(120, 84)
        self.act6 = make_activation(activation)
        self.output = nn.Linear(84, num_classes)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """The feature-extraction subnet (C1, S2, C3, S4) for a batch of 32x32 images."""
        if x.ndim != 4 or x.shape[-2:] != (32, 32):
            raise ValueError(f"LeNet5 expects a batch of shape (N, C, 32, 32), got {tuple(x.shape)}")
        x = self.s2(self.act1(self.c1(x)))
        return self.s4(self.act3(self.c3(x)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.act5(self.c5(self.features(x))).flatten(1)
        return self.output(self.act6(self.f6(x)))


@torch.no_grad()
def negate_first_layer(model: LeNet5) -> LeNet5:
    """Negate the C1 weights in place, biases untouched (Kuo, section 2).

    Since ``conv(-x, W) = conv(x, -W)`` exactly, the modified network sees a grey-scale
    reversed image (``-x`` in the symmetric scaling) exactly as the original network sees
    the original image.
    """
    model.c1.weight.neg_()
    return model
