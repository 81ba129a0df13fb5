"""Streaming energy spectra of the inputs and outputs of a network's layers (Wu et al., Eqs. 15-20, 26).

:class:`SpectrumRecorder` registers forward hooks that add each batch's energy spectra to
running sums; it never keeps activations, so its memory does not depend on how many samples
pass through (only on the layer lengths). The averages it returns are

``psi(f) = 1 / (S C) sum_i sum_c E_{i,c}(f)``,

the mean over the ``S`` samples and the ``C`` channels of a layer's input (``psi^x``, Eq. 17)
or output (``psi^y``, Eq. 18; ``psi^a``, Eq. 26). Eq. 17 as printed lacks the ``1/I_C`` that
Eq. 18 has; we average over channels on both sides so that a layer's input and output spectra
are comparable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
from torch import nn

from ..signals.spectra import frequency_axis, summed_energy_spectrum
from ..signals._validate import Array, Int, accepts


@dataclass
class LayerSpectra:
    """Average energy spectra (per sample and channel) of one layer's input and output."""

    name: str
    psi_in: np.ndarray
    psi_out: np.ndarray
    channels_in: int
    channels_out: int
    samples: int

    @property
    def freqs_in(self) -> np.ndarray:
        """Frequencies of ``psi_in`` in cycles per input sample."""
        return frequency_axis(self.psi_in.shape[-1])

    @property
    def freqs_out(self) -> np.ndarray:
        """Frequencies of ``psi_out`` in cycles per output sample."""
        return frequency_axis(self.psi_out.shape[-1])


class _Sum:
    """Running sum of energy spectra over samples and channels (float64)."""

    def __init__(self):
        self.total: torch.Tensor | None = None
        self.samples = 0
        self.channels = 0

    def add(self, batch_sum: torch.Tensor, batch: int, channels: int) -> None:
        """Add the energy spectra of ``batch`` samples of ``channels`` channels, already summed (shape (N,))."""
        if self.total is None:
            self.total, self.channels = batch_sum.clone(), channels
        elif batch_sum.shape != self.total.shape or channels != self.channels:
            raise ValueError("layer input length or channel count changed between batches: "
                             "feed recordings of one fixed length")
        else:
            self.total += batch_sum
        self.samples += batch

    def mean(self) -> np.ndarray:
        return (self.total / (self.samples * self.channels)).cpu().numpy()


class SpectrumRecorder:
    """Record average energy spectra of the inputs and outputs of named layers while a model runs.

    Use as a context manager::

        with SpectrumRecorder(model, ["features.conv2", "features.act2"]) as rec:
            model(batch1); model(batch2)
        spectra = rec.spectra()

    Parameters
    ----------
    model : nn.Module
    layers : list of str
        Names of sub-modules (as in ``model.named_modules()``); their first input and their
        output must be tensors of shape (batch, channels, time).
    derived : dict, optional
        ``label -> (layer name, function)``: also record the spectrum of ``function(input)``
        for a layer's input, e.g. what another pooling would have produced from the same input.
        Its spectra appear under ``label`` (``psi_in`` = the layer's input, ``psi_out`` =
        the function's output).
    """

    @accepts()
    def __init__(self, model: nn.Module, layers, derived: dict[str, tuple[str, Callable]] | None = None):
        modules = dict(model.named_modules())
        layers = list(layers)
        unknown = [name for name in layers if name not in modules]
        derived = dict(derived or {})
        unknown += [name for name, _ in derived.values() if name not in modules]
        if unknown:
            raise ValueError(f"model has no layer(s) {', '.join(unknown)}")
        if not layers and not derived:
            raise ValueError("name at least one layer to record")
        self._modules = {name: modules[name] for name in layers + [n for n, _ in derived.values()]}
        self._layers = layers
        self._derived = derived
        self._in = {name: _Sum() for name in list(layers) + list(derived)}
        self._out = {name: _Sum() for name in list(layers) + list(derived)}
        self._handles = []
        self._last: tuple[torch.Tensor, torch.Tensor] | None = None

    # -- hooks
    def _spectrum(self, tensor: torch.Tensor, cache: bool = True) -> tuple[torch.Tensor, int, int]:
        """Energy spectra of a (batch, channels, N) tensor summed over batch and channels, reusing the
        last result for the same tensor (an activation's input is the preceding convolution's output)."""
        if tensor.ndim != 3:
            raise ValueError(f"expected a (batch, channels, time) tensor, got shape {tuple(tensor.shape)}")
        if self._last is not None and self._last[0] is tensor:
            return self._last[1]
        found = (summed_energy_spectrum(tensor.detach()), tensor.shape[0], tensor.shape[1])
        if cache:
            self._last = (tensor, found)
        return found

    def _hook(self, name: str):
        def hook(module, inputs, output):
            self._in[name].add(*self._spectrum(inputs[0]))
            self._out[name].add(*self._spectrum(output))
        return hook

    def _derived_hook(self, label: str, function: Callable):
        def hook(module, inputs, output):
            self._in[label].add(*self._spectrum(inputs[0]))  # reuses the layer's own input spectrum
            self._out[label].add(*self._spectrum(function(inputs[0].detach()), cache=False))
        return hook

    def __enter__(self) -> "SpectrumRecorder":
        for name in self._layers:
            self._handles.append(self._modules[name].register_forward_hook(self._hook(name)))
        for label, (name, function) in self._derived.items():
            self._handles.append(self._modules[name].register_forward_hook(self._derived_hook(label, function)))
        return self

    def __exit__(self, *exc) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles.clear()
        self._last = None

    # -- results
    def state_nbytes(self) -> int:
        """Bytes held by the running sums (independent of the number of recorded samples)."""
        return sum(s.total.numel() * s.total.element_size()
                   for s in (*self._in.values(), *self._out.values()) if s.total is not None)

    def spectra(self) -> dict[str, LayerSpectra]:
        """The average spectra of every recorded layer (and derived label), by name."""
        out = {}
        for name in self._in:
            s_in, s_out = self._in[name], self._out[name]
            if s_in.total is None:
                raise ValueError(f"layer {name!r} saw no data: run the model inside the recorder")
            out[name] = LayerSpectra(name, s_in.mean(), s_out.mean(), s_in.channels, s_out.channels, s_in.samples)
        return out


@torch.no_grad()
@accepts(inputs=Array(min_ndim=2, kind="torch"), batch_size=Int())
def record_spectra(model: nn.Module, inputs: torch.Tensor, layers, batch_size: int = 100,
                   derived=None) -> dict[str, LayerSpectra]:
    """Run ``inputs`` through ``model`` (eval mode, in batches) and return :meth:`SpectrumRecorder.spectra`."""
    if inputs.shape[0] < 1:
        raise ValueError("need at least one input")
    was_training = model.training
    model.eval()
    with SpectrumRecorder(model, layers, derived) as recorder:
        for start in range(0, inputs.shape[0], batch_size):
            model(inputs[start:start + batch_size])
    model.train(was_training)
    return recorder.spectra()
