"""Walk a CNN layer by layer: which layers the lenses read, and each layer's input and output.

Any ``nn.Module`` whose leaf modules are convolutions, activations and pooling (plus pass-through
layers: batch norm, dropout, flatten, linear) can be walked. Layers are found by forward hooks in
the order they run, so a module called twice (torchvision's ResNet reuses one ReLU per block) is
two layers, ``relu`` and ``relu#2``. The network *up to* a layer is the full forward pass stopped
right after that call (:func:`output_of`), which needs no knowledge of how ``forward`` is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

CONV = (nn.Conv1d, nn.Conv2d)
ACTIVATIONS = (nn.ReLU, nn.LeakyReLU, nn.ELU, nn.GELU, nn.Tanh, nn.Sigmoid, nn.SiLU, nn.Softplus, nn.ReLU6)
POOLS = (
    nn.MaxPool1d,
    nn.MaxPool2d,
    nn.AvgPool1d,
    nn.AvgPool2d,
    nn.AdaptiveAvgPool1d,
    nn.AdaptiveAvgPool2d,
    nn.AdaptiveMaxPool1d,
    nn.AdaptiveMaxPool2d,
)
PASS_THROUGH = (
    nn.BatchNorm1d,
    nn.BatchNorm2d,
    nn.Dropout,
    nn.Dropout1d,
    nn.Dropout2d,
    nn.Flatten,
    nn.Identity,
    nn.Linear,
)
"""Layers the walk knows but the lenses do not read (they still run)."""


def layer_kind(module: nn.Module) -> str | None:
    """``"conv"``, ``"activation"``, ``"pool"``, ``"pass"`` (known, not read), or ``None`` (unknown)."""
    if isinstance(module, CONV):
        return "conv"
    if isinstance(module, ACTIVATIONS) or type(module).__name__ == "Sine":  # the audio chapter's sin activation
        return "activation"
    if isinstance(module, POOLS):
        return "pool"
    if isinstance(module, PASS_THROUGH):
        return "pass"
    return None


@dataclass
class Call:
    """One call of a leaf module during a forward pass."""

    name: str
    module: nn.Module
    kind: str | None
    input: torch.Tensor
    output: torch.Tensor


def _leaves(model: nn.Module) -> list[tuple[str, nn.Module]]:
    return [(n or type(m).__name__, m) for n, m in model.named_modules() if not list(m.children())]


def trace(model: nn.Module, x: torch.Tensor) -> list[Call]:
    """Every leaf-module call of ``model(x)``, in order (eval mode, no gradients)."""
    calls: list[Call] = []
    seen: dict[str, int] = {}

    def hook(name):
        def record(module, inputs, output):
            count = seen[name] = seen.get(name, 0) + 1
            label = name if count == 1 else f"{name}#{count}"
            if isinstance(inputs[0], torch.Tensor) and isinstance(output, torch.Tensor):
                calls.append(Call(label, module, layer_kind(module), inputs[0].detach(), output.detach()))

        return record

    handles = [m.register_forward_hook(hook(n)) for n, m in _leaves(model)]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return calls


class _Stop(Exception):
    pass


def output_of(model: nn.Module, label: str) -> Callable[[torch.Tensor], torch.Tensor]:
    """The network up to layer ``label`` (a :attr:`Call.name`) as a function of the input.

    The forward pass stops right after that call, so later layers cost nothing; gradients flow.

    Raises
    ------
    KeyError
        When no leaf module has that name.
    """
    base, _, nth = label.partition("#")
    target = int(nth) if nth else 1
    modules = dict(_leaves(model))
    if base not in modules:
        raise KeyError(f"the model has no layer {label!r}")

    def f(x: torch.Tensor) -> torch.Tensor:
        box: list[torch.Tensor] = []
        count = [0]

        def grab(module, inputs, output):
            count[0] += 1
            if count[0] == target:
                box.append(output)
                raise _Stop

        handle = modules[base].register_forward_hook(grab)
        try:
            model(x)
        except _Stop:
            pass
        finally:
            handle.remove()
        if not box:
            raise KeyError(f"layer {label!r} did not run")
        return box[0]

    return f
