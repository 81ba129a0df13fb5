"""Feature maps of chosen layers, their normalised spectra, and a training callback fitting (mu, nu).

The callback observes without changing the run: it evaluates in ``eval`` mode under
``torch.no_grad`` (batch-norm statistics are not updated, no random numbers are drawn) and
restores the module's training flag afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from ..signals._validate import Array, Int, accepts
from ..signals.spectral_summaries import average_normalised_spectrum, power_law_fit


@torch.no_grad()
@accepts(inputs=Array(min_ndim=2, kind="torch"), batch_size=Int())
def layer_outputs(
    model: nn.Module, inputs: torch.Tensor, layers: Sequence[str], batch_size: int = 64, train_mode: bool = False
) -> dict[str, np.ndarray]:
    """Outputs of the named submodules for ``inputs`` (float64 NumPy, on the CPU).

    ``train_mode=True`` runs batch norm with batch statistics (the BN control of 5.1.1); the
    running statistics are saved and restored, so the model is unchanged afterwards.
    """
    modules = dict(model.named_modules())
    unknown = [name for name in layers if name not in modules]
    if unknown:
        raise ValueError(f"unknown layers {unknown}: choose among {[n for n in modules if n][:40]}")
    was_training = model.training
    saved = {k: v.clone() for k, v in model.state_dict().items()} if train_mode else None
    captured: dict[str, list] = {name: [] for name in layers}
    handles = [
        modules[name].register_forward_hook(
            lambda _m, _i, out, name=name: captured[name].append(out.detach().double().cpu().numpy())
        )
        for name in layers
    ]
    try:
        model.train(train_mode)
        for start in range(0, inputs.shape[0], batch_size):
            model(inputs[start : start + batch_size])
    finally:
        for h in handles:
            h.remove()
        model.train(was_training)
        if saved is not None:
            model.load_state_dict(saved)
    return {name: np.concatenate(parts) for name, parts in captured.items()}


@dataclass
class SpectrumFitMonitor:
    """Training callback ``cb(epoch, model)``: the (mu, nu) fit of Eqs. 40-42 at each layer.

    Parameters
    ----------
    inputs : a fixed probe batch (same device as the model).
    layers : names of submodules whose outputs are fitted.

    After each call, the ``history`` entry of each layer holds one more row: epoch, mu, nu and
    the number of radii. Call it once with epoch -1 before training to record the untrained network.
    """

    inputs: torch.Tensor
    layers: tuple[str, ...]
    history: dict = field(default_factory=dict)

    def __call__(self, epoch: int, model: nn.Module) -> None:
        maps = layer_outputs(model, self.inputs, self.layers)
        for name, out in maps.items():
            spectrum, _ = average_normalised_spectrum(out)
            mu, nu, n = power_law_fit(spectrum)
            self.history.setdefault(name, []).append((epoch, mu, nu, n))

    def as_array(self, layer: str) -> np.ndarray:
        """Rows ``(epoch, mu, nu, n_radii)`` of ``layer``, shape (epochs, 4)."""
        return np.asarray(self.history[layer], dtype=float)
