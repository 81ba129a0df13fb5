"""How much a background scene changes each layer's response (Kuo 2016, Fig. 8)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..models.lenet import LeNet5
from ..signals._validate import Array, accepts


@dataclass
class BackgroundChange:
    """Relative change of each layer's response per image, blank background -> scene."""

    layer1: np.ndarray
    layer2: np.ndarray

    @property
    def ratio(self) -> float:
        """Mean layer-2 change over mean layer-1 change (below 1: the background fades)."""
        return float(self.layer2.mean()) / float(self.layer1.mean())


@torch.no_grad()
@accepts(x=Array(ndim=4, kind="torch"))
def layer_responses(model: LeNet5, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """C1 and C3 responses of a LeNet-5 after their ReLU (the 6 and 16 channel images of Fig. 8)."""
    r1 = model.act1(model.c1(x))
    return r1, model.act3(model.c3(model.s2(r1)))


@accepts(scene=Array(min_ndim=2, kind="torch"), blank=Array(min_ndim=2, kind="torch"))
def relative_change(scene: torch.Tensor, blank: torch.Tensor) -> np.ndarray:
    """``|scene - blank| / |blank|`` per image (over channels and positions)."""
    diff = (scene - blank).flatten(1).norm(dim=1)
    return (diff / blank.flatten(1).norm(dim=1).clamp_min(1e-12)).cpu().numpy()


@accepts(x_blank=Array(ndim=4, kind="torch"), x_scene=Array(ndim=4, kind="torch"))
def background_change(model: LeNet5, x_blank: torch.Tensor, x_scene: torch.Tensor) -> BackgroundChange:
    """Relative change of each layer's response when the blank background becomes a scene."""
    (b1, b2), (s1, s2) = layer_responses(model, x_blank), layer_responses(model, x_scene)
    return BackgroundChange(relative_change(s1, b1), relative_change(s2, b2))
