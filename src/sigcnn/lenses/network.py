"""Read one network through all five lenses, layer by layer, on the same weights.

:func:`read_network` walks the convolutions, activations and pooling layers of any CNN
(:mod:`.walk`) and measures, per layer and per example:

- RECOS (Kuo): the rectified fraction of each activation's input, the anchor angle of each
  convolution against k-means centroids of its input patches (DC removed, as in the RECOS
  chapter), and the accuracy under grey-scale reversal;
- modulation (Wu): the energy-spectrum centroid of each layer's input and output, raw and on
  unit-energy channel spectra (the shift is CDIFF for a convolution, ADIFF for an activation);
- spectral response (Stamatescu–McDonnell): the Maximum Gain of the network up to the layer,
  from the data derivative of the layer's output projected on itself;
- scattering (Mallat): the best-fit Gabor/Morlet residual of each convolution's filters, and the
  layer's relative change under a translation and a small deformation, beside a scattering
  transform of matched scale ``2^J`` (J from the layer's downsampling);
- communication channel (Ge et al.): the SNR of each layer's output when α-stable noise is added at
  the input at a fixed input SNR (scale SNR ``A²/(2γ²)`` and generalised SNR ``A²/(2γ^α)``, with
  ``A`` the example's RMS amplitude), and the accuracy at the end.

One trace per input variant gives every layer at once (clean, shifted, deformed, each noise),
so the lenses share their forward passes.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from ..models.scattering import scatter_images, scatter_signals
from ..signals.deformation import smooth_displacement_field, warp
from ..signals.stable_noise import symmetric_stable
from . import readings
from .gabor import gabor_residual, strongest_slices
from .walk import CONV, Call, output_of, trace

SNR_DEFINITIONS = ("scale", "generalised")
GABOR_MIN_SIZE = 5
"""Smallest kernel fitted with a Gabor atom: a 3-tap kernel has 3 numbers for a 2-parameter fit."""


@dataclass(frozen=True)
class LensSettings:
    """How the lenses probe a network (defaults are the chapter's ``ci`` settings)."""

    alphas: tuple[float, ...] = (0.5, 1.0, 2.0)
    input_snr_db: float = 10.0
    shift: int = 1
    max_gradient: float = 0.05
    max_gain_examples: int = 8
    patch_limit: int = 1000
    scattering: bool = True
    seed: int = 0

    def __post_init__(self):
        if not self.alphas or any(not 0 < a <= 2 for a in self.alphas):
            raise ValueError(f"alphas must lie in (0, 2], got {self.alphas}")
        if self.shift < 1 or self.max_gain_examples < 1 or self.patch_limit < 2:
            raise ValueError("shift, max_gain_examples must be >= 1 and patch_limit >= 2")
        if not 0 <= self.max_gradient < 0.5:
            raise ValueError(f"max_gradient must be in [0, 0.5), got {self.max_gradient}")


@dataclass
class LayerReading:
    """The five lenses on one layer; arrays hold one value per example (filters for ``gabor``)."""

    name: str
    kind: str
    type_name: str
    shape: tuple[int, ...]
    downsampling: float
    energy_ratio: np.ndarray
    centroid_in: np.ndarray
    centroid_out: np.ndarray
    centroid_in_unit: np.ndarray
    centroid_out_unit: np.ndarray
    centroid_input_units: np.ndarray
    translation_change: np.ndarray
    deformation_change: np.ndarray
    max_gain_db: np.ndarray
    snr_db: dict[str, np.ndarray]
    centroid_shift: np.ndarray
    """Output minus input centroid, in cycles per sample of the layer's input (CDIFF/ADIFF, Wu Eq. 17)."""
    centroid_shift_unit: np.ndarray
    rectified_fraction: np.ndarray | None = None
    anchor_angle_deg: float | None = None
    gabor: np.ndarray | None = None


@dataclass
class NetworkReading:
    """Every read layer, the layers skipped, and the end-to-end numbers."""

    layers: list[LayerReading]
    skipped: list[str]
    correct: np.ndarray | None
    correct_reversed: np.ndarray | None
    correct_noisy: dict[str, np.ndarray] = field(default_factory=dict)
    scattering_change: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    """Per J: (translation change, deformation change) of a scattering transform of scale 2^J."""


def untrained_copy(model: nn.Module, seed: int) -> nn.Module:
    """The same architecture with fresh initial weights (``reset_parameters`` under ``seed``), eval mode."""
    clone = copy.deepcopy(model)
    torch.manual_seed(seed)
    for module in clone.modules():
        reset = getattr(module, "reset_parameters", None)
        if reset is not None:
            reset()
    return clone.eval()


def _shift(x: torch.Tensor, n: int) -> torch.Tensor:
    """Translate along the last axis by ``n`` samples, zero-filled (no wrap-around)."""
    return torch.nn.functional.pad(x, (n, 0))[..., : x.shape[-1]]


def _deform(x: torch.Tensor, max_gradient: float, seed: int) -> torch.Tensor:
    """A small smooth deformation: a random field with sup|∇τ| = ``max_gradient`` (2-D), a dilation by
    ``1 + max_gradient`` about the centre (1-D)."""
    if max_gradient == 0:
        return x.clone()
    if x.ndim == 4:
        tau = smooth_displacement_field((x.shape[-2], x.shape[-1]), max_gradient, seed=seed)
        arr = x.detach().cpu().double().numpy()
        out = np.stack([[warp(ch, tau) for ch in img] for img in arr])
        return torch.as_tensor(out, dtype=x.dtype, device=x.device)
    n = x.shape[-1]
    t = np.arange(n, dtype=np.float64)
    source = (n - 1) / 2 + (t - (n - 1) / 2) / (1 + max_gradient)
    arr = x.detach().cpu().double().numpy()
    out = np.apply_along_axis(lambda s: np.interp(source, t, s), -1, arr)
    return torch.as_tensor(out, dtype=x.dtype, device=x.device)


def noise_scale(amplitude: np.ndarray, snr_db: float, alpha: float, definition: str) -> np.ndarray:
    """γ giving ``snr_db`` for amplitude ``A``: scale SNR ``A²/(2γ²)`` or generalised ``A²/(2γ^α)``."""
    ratio = amplitude**2 / (2 * 10 ** (snr_db / 10))
    if definition == "scale":
        return np.sqrt(ratio)
    if definition == "generalised":
        return ratio ** (1 / alpha)
    raise ValueError(f"SNR definition must be one of {SNR_DEFINITIONS}, got {definition!r}")


def _noisy(x: torch.Tensor, alpha: float, definition: str, snr_db: float, seed: int) -> torch.Tensor:
    amplitude = x.detach().double().reshape(x.shape[0], -1).square().mean(1).sqrt().cpu().numpy()
    gamma = noise_scale(amplitude, snr_db, alpha, definition)
    noise = symmetric_stable(alpha, tuple(x.shape), 1.0, seed) * gamma.reshape((-1,) + (1,) * (x.ndim - 1))
    return x + torch.as_tensor(noise, dtype=x.dtype, device=x.device)


def _reversed(x: torch.Tensor) -> torch.Tensor:
    """Grey-scale reversal in the input's own range: ``lo + hi − x`` per example."""
    flat = x.reshape(x.shape[0], -1)
    lo, hi = flat.min(1).values, flat.max(1).values
    return (lo + hi).reshape((-1,) + (1,) * (x.ndim - 1)) - x


def max_gain_upto(model: nn.Module, label: str, x: torch.Tensor) -> float:
    """Maximum Gain (dB) of the network up to layer ``label`` at one example ``x`` ``(1, C, *S)``.

    The data derivative of ``⟨p, f(x)⟩`` with ``p = f(x)/‖f(x)‖²`` (the layer's output projected on
    itself, the paper's Eq. 3–4 with the layer in place of the classifier), then the peak of its
    amplitude spectrum over the input's spatial axes, over channels (NaN for a silent layer).
    """
    f = output_of(model, label)
    x = x.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        out = f(x)
        energy = out.detach().square().sum()
        if not energy > 0:
            return math.nan
        (grad,) = torch.autograd.grad((out * (out.detach() / energy)).sum(), x)
    g = grad[0].detach().double().cpu().numpy()
    spectrum = np.abs(np.fft.fftn(g, axes=tuple(range(1, g.ndim))))
    return float(20 * np.log10(max(spectrum.max(), 1e-12)))


def _accuracy_vector(logits: torch.Tensor, labels: torch.Tensor | None) -> np.ndarray | None:
    if labels is None or logits.ndim != 2:
        return None
    return _correct(logits, labels)


def _correct(logits: torch.Tensor, labels: torch.Tensor) -> np.ndarray:
    """1.0 where the class scored highest is the label, per example."""
    return (logits.argmax(1).cpu() == labels.cpu()).double().numpy()


def _scattering_change(x: torch.Tensor, shifted: torch.Tensor, deformed: torch.Tensor, J: int):
    """Relative change of a scattering transform of scale ``2^J`` under the shift and the deformation.

    The three inputs are scattered in one call (one filter bank), channels averaged: one grey image
    or mono signal per example.
    """

    def grey(v):
        return v.detach().double().cpu().numpy().mean(1).astype(np.float32)

    batch = np.concatenate([grey(x), grey(shifted), grey(deformed)])
    scatter = scatter_images if batch.ndim == 3 else scatter_signals
    base, moved, warped = torch.as_tensor(scatter(batch, J, use_cache=False)[0]).split(x.shape[0])
    return readings.relative_change(base, moved), readings.relative_change(base, warped)


def _matched_j(downsampling: float, size: int) -> int:
    top = max(1, int(math.log2(size)) - 2)
    return int(min(top, max(1, round(math.log2(max(downsampling, 1.0))))))


def read_network(
    model: nn.Module, x: torch.Tensor, labels: torch.Tensor | None = None, settings: LensSettings | None = None
) -> NetworkReading:
    """All five lenses on ``model`` for examples ``x`` ``(N, C, *S)``, optionally with their ``labels``.

    Raises
    ------
    ValueError
        When ``x`` is not a batch with one or two spatial axes, or the model cannot run on it
        (the message names the input shape).
    """
    settings = settings or LensSettings()
    if x.ndim not in (3, 4) or x.shape[0] < 2:
        raise ValueError(f"expected a batch (N >= 2, C, length) or (N, C, H, W), got shape {tuple(x.shape)}")
    model = model.eval()
    try:
        clean = trace(model, x)
    except RuntimeError as exc:
        raise ValueError(f"the model cannot run on inputs of shape {tuple(x.shape)}: {exc}") from None
    length = x.shape[-1]
    shifted, deformed = _shift(x, settings.shift), _deform(x, settings.max_gradient, settings.seed)
    noisy = {
        f"{definition}_{alpha:g}": _noisy(x, alpha, definition, settings.input_snr_db, settings.seed + i)
        for i, alpha in enumerate(settings.alphas)
        for definition in SNR_DEFINITIONS
    }
    inputs = {"shifted": shifted, "deformed": deformed, **noisy}
    by_name = {k: {c.name: c for c in trace(model, v)} for k, v in inputs.items()}
    layers, skipped = [], []
    for call in clean:
        if call.kind is None:
            skipped.append(f"{call.name} ({type(call.module).__name__}: unknown layer type, skipped)")
            continue
        if call.kind == "pass" or call.output.ndim < 3:
            continue
        layers.append(_read_layer(model, call, x, by_name, settings, length))
    correct = _accuracy_vector(_final(model, x), labels)
    reading = NetworkReading(layers, skipped, correct, None)
    if correct is not None and labels is not None:  # the same model on inputs of the same shape: 2-D logits too
        reading.correct_reversed = _correct(_final(model, _reversed(x)), labels)
        reading.correct_noisy = {k: _correct(_final(model, v), labels) for k, v in noisy.items()}
    if settings.scattering:
        size = min(x.shape[2:])
        for j in sorted({_matched_j(layer.downsampling, size) for layer in layers}):
            reading.scattering_change[j] = _scattering_change(x, shifted, deformed, j)
    return reading


def _final(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        return model(x)


def _read_layer(
    model: nn.Module,
    call: Call,
    x: torch.Tensor,
    variants: dict[str, dict[str, Call]],
    settings: LensSettings,
    length: int,
) -> LayerReading:
    if call.kind is None:
        raise ValueError(f"layer {call.name} ({type(call.module).__name__}) is of no kind the lenses read")
    out = call.output
    snr = {
        key: readings.output_snr_db(out, calls[call.name].output)
        for key, calls in variants.items()
        if key.startswith(SNR_DEFINITIONS)
    }
    examples = x[: settings.max_gain_examples]
    gains = np.array([max_gain_upto(model, call.name, examples[i : i + 1]) for i in range(examples.shape[0])])
    in_len = call.input.shape[-1]
    centroid_out, centroid_out_unit = readings.spectral_centroid(out), readings.spectral_centroid(out, True)
    centroid_in, centroid_in_unit = readings.spectral_centroid(call.input), readings.spectral_centroid(call.input, True)
    layer = LayerReading(
        name=call.name,
        kind=call.kind,
        type_name=type(call.module).__name__,
        shape=tuple(out.shape[1:]),
        downsampling=length / out.shape[-1],
        energy_ratio=readings.energy_ratio(call.input, out),
        centroid_in=centroid_in,
        centroid_out=centroid_out,
        centroid_in_unit=centroid_in_unit,
        centroid_out_unit=centroid_out_unit,
        centroid_input_units=readings.centroid_in_input_units(out, length),
        translation_change=readings.relative_change(out, variants["shifted"][call.name].output),
        deformation_change=readings.relative_change(out, variants["deformed"][call.name].output),
        max_gain_db=gains,
        snr_db=snr,
        centroid_shift=centroid_out * (out.shape[-1] / in_len) - centroid_in,
        centroid_shift_unit=centroid_out_unit * (out.shape[-1] / in_len) - centroid_in_unit,
    )
    if call.kind == "activation":
        layer.rectified_fraction = readings.rectified_fraction(call.input)
    if isinstance(call.module, CONV):  # kind "conv"
        weight = call.module.weight.detach().double().cpu().numpy()
        if weight.shape[-1] >= GABOR_MIN_SIZE:
            layer.gabor = gabor_residual(strongest_slices(weight))
        layer.anchor_angle_deg = readings.anchor_angle_deg(call.module, call.input, settings.patch_limit, settings.seed)
    return layer
