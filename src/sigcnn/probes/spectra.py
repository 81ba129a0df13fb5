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

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..core.provenance import Stopwatch
from ..models.audio_vgg import AudioVGG11
from ..signals._validate import Array, Int, Real, accepts
from ..signals.modulation import spectral_pool
from ..signals.spectra import (
    accumulate_on_grid,
    centroid_shift,
    frequency_axis,
    low_band_fraction,
    spectral_centroid,
    summed_energy_spectrum,
)


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
            raise ValueError(
                "layer input length or channel count changed between batches: feed recordings of one fixed length"
            )
        else:
            self.total += batch_sum
        self.samples += batch

    def mean(self) -> np.ndarray:
        if self.total is None:
            raise ValueError("no batch recorded: run the model inside the recorder first")
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
        self._handles: list[torch.utils.hooks.RemovableHandle] = []
        self._last: tuple[torch.Tensor, tuple[torch.Tensor, int, int]] | None = None

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

    def __enter__(self) -> SpectrumRecorder:
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
        return sum(
            s.total.numel() * s.total.element_size()
            for s in (*self._in.values(), *self._out.values())
            if s.total is not None
        )

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
def record_spectra(
    model: nn.Module, inputs: torch.Tensor, layers, batch_size: int = 100, derived=None
) -> dict[str, LayerSpectra]:
    """Run ``inputs`` through ``model`` (eval mode, in batches) and return :meth:`SpectrumRecorder.spectra`."""
    if inputs.shape[0] < 1:
        raise ValueError("need at least one input")
    was_training = model.training
    model.eval()
    with SpectrumRecorder(model, layers, derived) as recorder:
        for start in range(0, inputs.shape[0], batch_size):
            model(inputs[start : start + batch_size])
    model.train(was_training)
    return recorder.spectra()


# --------------------------------------------------------------------------------------------
# Wu et al.'s generalised shifts of a Network-audio-1 (Eqs. 31-36)


@dataclass
class ShiftAnalysis:
    """What :func:`analyse_network` measures: numbers and the spectra behind them."""

    metrics: dict
    arrays: dict


@accepts()
def layer_names(model: AudioVGG11) -> dict[str, list[str]]:
    """Names (without the ``features.`` prefix) of the convolution, activation and pooling layers."""
    names = [name for name, _ in model.features.named_children()]
    return {kind: [n for n in names if n.startswith(kind)] for kind in ("conv", "act", "pool")}


def _spectral_pool_torch(pool_size: int):
    def pool(x: torch.Tensor) -> torch.Tensor:
        b, c, n = x.shape
        out = spectral_pool(x.reshape(b * c, n).double().cpu().numpy(), n // pool_size)
        return torch.from_numpy(out).reshape(b, c, -1)

    return pool


@accepts(rate_in=Real(positive=True), low_band=Real(positive=True))
def layer_metrics(name: str, s: LayerSpectra, rate_in: float, low_band: float) -> dict[str, float]:
    """Centroids and low-band fractions of one layer, and their shifts in cycles per input sample and in Hz.

    ``rate_in`` is the sampling rate (Hz) of the layer's input. A pooling layer's output
    frequencies are converted to cycles per input sample before comparing (see
    :func:`~sigcnn.signals.spectra.centroid_shift`); its low band is the same band in Hz.
    """
    ratio = s.psi_in.shape[-1] / s.psi_out.shape[-1]
    out = {}
    for side, psi, cutoff in (("in", s.psi_in, low_band), ("out", s.psi_out, low_band * ratio)):
        out[f"{name}_centroid_{side}"] = float(spectral_centroid(psi))
        out[f"{name}_centroid_no_dc_{side}"] = float(spectral_centroid(psi, exclude_dc=True))
        out[f"{name}_lowband_{side}"] = float(low_band_fraction(psi, min(cutoff, 0.5)))
    for stem, no_dc in (("centroid", False), ("centroid_no_dc", True)):
        out[f"{name}_{stem}_shift"] = float(centroid_shift(s.psi_in, s.psi_out, exclude_dc=no_dc))
        out[f"{name}_{stem}_shift_hz"] = out[f"{name}_{stem}_shift"] * rate_in
    out[f"{name}_lowband_shift"] = out[f"{name}_lowband_out"] - out[f"{name}_lowband_in"]
    return out


@accepts(grid=Array(ndim=1))
def accumulated_differences(
    spectra: dict[str, LayerSpectra], kinds: dict[str, list[str]], grid: np.ndarray, shape_only: bool
) -> tuple[np.ndarray, np.ndarray]:
    """CDIFF and ADIFF of every layer on ``grid`` (Eqs. 31-32), shape (layers, grid points).

    Each difference is divided by its layer length (so layers of different lengths add as power
    spectra); ``shape_only`` first scales every spectrum to unit total energy. A spectrum with no
    energy (a layer of dead ReLUs, or the layer after it) has no shape: with ``shape_only`` that
    layer's difference is zero, so it adds nothing to ACDIFF/AADIFF (see :func:`silent_layers`).
    """

    def diff(s: LayerSpectra) -> np.ndarray:
        n = s.psi_in.shape[-1]
        if shape_only:
            e_in, e_out = s.psi_in.sum(), s.psi_out.sum()
            d = s.psi_out / e_out - s.psi_in / e_in if e_in > 0 and e_out > 0 else np.zeros(n)
        else:
            d = (s.psi_out - s.psi_in) / n
        return accumulate_on_grid([(frequency_axis(n), d)], grid)

    return (np.stack([diff(spectra[n]) for n in kinds["conv"]]), np.stack([diff(spectra[n]) for n in kinds["act"]]))


@accepts()
def silent_layers(spectra: dict[str, LayerSpectra]) -> list[str]:
    """Layers whose input or output spectrum has zero energy (their spectral shape is undefined)."""
    return [name for name, s in spectra.items() if not (s.psi_in.sum() > 0 and s.psi_out.sum() > 0)]


@accepts(cdiff=Array(ndim=2), adiff=Array(ndim=2))
def difference_metrics(cdiff: np.ndarray, adiff: np.ndarray, suffix: str = "") -> dict[str, float]:
    """Correlation, amplitude ratio and lambda (Eq. 36) of ACDIFF, AADIFF; the opposite-sign fractions.

    When every layer is silent (ACDIFF is zero) the correlation and lambda are NaN and the ratio is inf.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        return _difference_metrics(cdiff, adiff, suffix)


def _difference_metrics(cdiff: np.ndarray, adiff: np.ndarray, suffix: str) -> dict[str, float]:
    acdiff, aadiff = cdiff.sum(axis=0), adiff.sum(axis=0)
    pairs = [(c, a) for c, a in zip(cdiff, adiff) if c.std() > 0 and a.std() > 0]  # a silent layer has no shape
    per_pair = np.array([np.corrcoef(c, a)[0, 1] for c, a in pairs])
    shaped = cdiff.any(axis=1) & adiff.any(axis=1)  # rows zeroed because a layer is silent are left out
    return {
        f"acdiff_aadiff_correlation{suffix}": float(np.corrcoef(acdiff, aadiff)[0, 1]),
        f"aadiff_acdiff_amplitude_ratio{suffix}": float(np.linalg.norm(aadiff) / np.linalg.norm(acdiff)),
        f"lambda_eq36{suffix}": float(-(aadiff @ acdiff) / (acdiff @ acdiff)),
        f"cdiff_adiff_opposite_fraction{suffix}": (
            float(np.mean(cdiff[shaped] * adiff[shaped] < 0)) if shaped.any() else float("nan")
        ),
        f"cdiff_adiff_anticorrelated_pairs{suffix}": float(np.mean(per_pair < 0)) if per_pair.size else float("nan"),
    }


@accepts(
    inputs=Array(min_ndim=2, kind="torch"),
    sample_rate=Real(positive=True),
    low_band=Real(positive=True),
    grid_points=Int(min=2),
)
def analyse_network(
    model: AudioVGG11,
    inputs: torch.Tensor,
    sample_rate: float,
    low_band: float,
    grid_points: int,
    pooling_alternatives: bool = True,
) -> ShiftAnalysis:
    """Average spectra of every layer and the numbers that test Wu's claims (see the module docstring)."""
    kinds = layer_names(model)
    layers = [f"features.{n}" for kind in ("conv", "act", "pool") for n in kinds[kind]]
    derived = {}
    if pooling_alternatives:
        for name in kinds["pool"]:
            derived[f"{name}_avg"] = (f"features.{name}", lambda x, s=model.pool_size: F.avg_pool1d(x, s))
            derived[f"{name}_spectral"] = (f"features.{name}", _spectral_pool_torch(model.pool_size))
    with Stopwatch() as clock:
        spectra = record_spectra(model, inputs, layers, derived=derived)
    spectra = {name.removeprefix("features."): s for name, s in spectra.items()}
    metrics: dict = {
        "analysed_recordings": int(inputs.shape[0]),
        "spectra_seconds": clock.seconds,
        "silent_layers": len(silent_layers(spectra)),
    }
    arrays: dict = {}
    n_input = inputs.shape[-1]
    for name, s in spectra.items():
        rate_in = sample_rate * s.psi_in.shape[-1] / n_input
        arrays.update(
            {
                f"{name}_psi_in": s.psi_in,
                f"{name}_psi_out": s.psi_out,
                f"{name}_rate_in": np.array(rate_in),
                f"{name}_rate_out": np.array(sample_rate * s.psi_out.shape[-1] / n_input),
            }
        )
        metrics.update(layer_metrics(name, s, rate_in, low_band))
    for kind, sign, label in (("conv", -1, "conv_moves_down"), ("act", +1, "act_moves_up")):
        for stem, suffix in (("centroid", ""), ("centroid_no_dc", "_no_dc")):
            shifts = np.array([metrics[f"{n}_{stem}_shift"] for n in kinds[kind]])
            shifts = shifts[np.isfinite(shifts)]  # a silent layer has no centroid
            metrics[f"{label}_fraction{suffix}"] = float(np.mean(sign * shifts > 0)) if shifts.size else float("nan")
    grid = np.linspace(-0.5, 0.5, grid_points)
    arrays.update(
        grid=grid,
        conv_layers=np.array(kinds["conv"]),
        act_layers=np.array(kinds["act"]),
        pool_layers=np.array(kinds["pool"]),
    )
    for shape_only, suffix in ((False, ""), (True, "_shape")):
        cdiff, adiff = accumulated_differences(spectra, kinds, grid, shape_only)
        arrays.update(
            {
                f"cdiff{suffix}": cdiff,
                f"adiff{suffix}": adiff,
                f"acdiff{suffix}": cdiff.sum(axis=0),
                f"aadiff{suffix}": adiff.sum(axis=0),
            }
        )
        metrics.update(difference_metrics(cdiff, adiff, suffix))
    return ShiftAnalysis(metrics, arrays)
