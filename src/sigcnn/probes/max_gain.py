"""Data derivatives, the CNN transfer function and Maximum Gain (Stamatescu & McDonnell, §III-IV).

A network is linearised around one input ``x0`` by a single backward pass: for a projection
tensor ``p`` with the shape of the output ``z = f(x)``, the gradient of ``<p, f(x)>`` at ``x0``
is the projected data derivative ``dz/dx`` (Eqs. 3-4). Its amplitude spectrum is the network's
frequency response (Eq. 5, :func:`sigcnn.signals.transfer.frequency_response_db`) and the peak
of that spectrum is the *Maximum Gain*. :class:`MaxGainMonitor` records it once per epoch.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np
import torch
from torch import nn

from ..core.checksums import file_digest
from ..data.store import _download, is_offline
from ..signals._validate import Array, Int, IntPair, accepts
from ..signals.transfer import frequency_response_db, maximum_gain_db

ONE_IMAGE = "one image of shape (C, H, W) or (1, C, H, W)"


@accepts(size=IntPair(min=2), channels=Int(), value=Int(min=1, max=255))
def impulse_image(size: int | tuple[int, int] = 32, channels: int = 1, value: int = 255) -> torch.Tensor:
    """The impulse image of section III-B: ``value`` at the centre pixel, 0 elsewhere.

    Returns a uint8 tensor ``(channels, H, W)`` in pixel units, with the impulse at
    ``(H // 2, W // 2)`` in every channel; map it to the network's input scaling the same way
    as the training images (for the book's grey-image networks: ``to_symmetric(impulse_image(32))``).
    """
    height, width = (size, size) if isinstance(size, int) else tuple(size)
    if height < 2 or width < 2:
        raise ValueError(f"an impulse image needs at least 2x2 pixels, got {height}x{width}")
    if channels < 1:
        raise ValueError(f"channels must be >= 1, got {channels}")
    if not 0 < value <= 255:
        raise ValueError(f"the impulse value must be in 1..255 (uint8 pixels), got {value}")
    image = torch.zeros(channels, height, width, dtype=torch.uint8)
    image[:, height // 2, width // 2] = value
    return image


def _check_image_for_model(model, image, name: str = "image") -> None:
    """``image`` must have the dtype of ``model``'s parameters and the channels of its first layer."""
    param = next(iter(model.parameters()), None) if isinstance(model, nn.Module) else None
    if param is not None and image.is_floating_point() and image.dtype != param.dtype:
        raise ValueError(
            f"{name} has dtype {image.dtype} but the model's parameters are {param.dtype}: "
            f"convert it with {name}.to({param.dtype})"
        )
    first = (
        next((m for m in model.modules() if hasattr(m, "in_channels")), None) if isinstance(model, nn.Module) else None
    )
    if first is not None and image.ndim >= 3 and image.shape[-3] != first.in_channels:
        raise ValueError(
            f"{name} has {image.shape[-3]} channel(s) but the model's first layer takes {first.in_channels}"
        )


def _single_image(x: torch.Tensor, expected_size=None) -> torch.Tensor:
    if not isinstance(x, torch.Tensor):
        raise ValueError(f"the input must be a torch.Tensor image, got {type(x).__name__}")
    if x.ndim == 3:
        x = x.unsqueeze(0)
    if x.ndim != 4 or x.shape[0] != 1:
        raise ValueError(f"expected one image of shape (C, H, W) or (1, C, H, W), got {tuple(x.shape)}")
    if not x.is_floating_point():
        raise ValueError(f"the input image must be a float tensor in the network's input scaling, got {x.dtype}")
    if expected_size is not None:
        expected = (expected_size, expected_size) if isinstance(expected_size, int) else tuple(expected_size)
        if tuple(x.shape[-2:]) != expected:
            raise ValueError(
                f"image is {x.shape[-2]}x{x.shape[-1]} pixels but the network expects {expected[0]}x{expected[1]}"
            )
    return x


@accepts(
    x=Array(ndim=(3, 4), dtype="float", kind="torch", what=ONE_IMAGE),
    projection=Array(min_ndim=1, kind="torch", finite=False),
)
def data_derivative(
    function: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, projection: torch.Tensor
) -> torch.Tensor:
    """Projected data derivative ``d<p, f(x)>/dx`` at ``x`` (Eqs. 3-4), by one backward pass.

    Parameters
    ----------
    function
        A callable ``f`` (an ``nn.Module`` or any differentiable function of a tensor).
    x
        One input image ``(C, H, W)`` or ``(1, C, H, W)``, float.
    projection
        The projection tensor ``p``: the shape of ``f(x)``, with or without the batch axis.

    Returns
    -------
    torch.Tensor
        ``dz/dx`` of shape ``(C, H, W)``, detached. Parameter gradients (``.grad``) are left
        untouched: only the derivative with respect to the input is computed.
    """
    x = _single_image(x).detach().clone().requires_grad_(True)
    with torch.enable_grad():
        out = function(x)
        p = projection.to(device=out.device, dtype=out.dtype)
        if p.shape != out.shape:
            if p.shape == out.shape[1:] and out.shape[0] == 1:
                p = p.unsqueeze(0)
            else:
                raise ValueError(
                    f"projection has shape {tuple(projection.shape)} but the output has shape "
                    f"{tuple(out.shape)} (or {tuple(out.shape[1:])} without the batch axis)"
                )
        (grad,) = torch.autograd.grad((out * p).sum(), x)
    return grad[0].detach()


@accepts(logits=Array(ndim=(1, 2), kind="torch", finite=False))
def winning_class_projection(logits: torch.Tensor) -> tuple[torch.Tensor, int, float]:
    """Projection for a classifier (section III-C): ``p_i = 1 / score`` at the winning class, 0 elsewhere.

    ``score = max softmax(logits)`` and ``i = argmax``. Returns ``(p, i, score)`` with ``p``
    shaped like ``logits`` (one row). Non-finite logits give a NaN projection, index -1.
    """
    if logits.ndim == 2 and logits.shape[0] == 1:
        logits = logits[0]
    if logits.ndim != 1 or logits.numel() < 2:
        raise ValueError(f"expected the logits of one input (N classes, N >= 2), got shape {tuple(logits.shape)}")
    probs = torch.softmax(logits.detach().double(), 0)
    if not torch.all(torch.isfinite(probs)):
        return torch.full_like(probs, float("nan")), -1, float("nan")
    index = int(probs.argmax())
    score = float(probs[index])
    p = torch.zeros_like(probs)
    p[index] = 1.0 / score
    return p, index, score


@accepts(x=Array(ndim=(3, 4), dtype="float", kind="torch", what=ONE_IMAGE), expected_size=IntPair(min=1, optional=True))
def classifier_data_derivative(
    model: nn.Module, x: torch.Tensor, expected_size: int | tuple[int, int] | None = None
) -> tuple[torch.Tensor, int, float]:
    """Data derivative of a classifier's winning-class probability, scaled by ``1 / score``.

    The network output is ``z = softmax(logits)`` (Eq. 6) and ``p`` is
    :func:`winning_class_projection`, so the derivative equals ``d log z_i / dx``. The model is
    used in whatever mode it is in (call ``model.eval()`` first, or use :func:`maximum_gain`).

    Returns ``(dz/dx of shape (C, H, W), winning class i, score)``.
    """
    _check_image_for_model(model, x, "x")
    x = _single_image(x, expected_size)
    with torch.no_grad():
        logits = model(x)
    p, index, score = winning_class_projection(logits)
    grad = data_derivative(lambda inp: torch.softmax(model(inp), dim=1), x, p.to(logits.dtype))
    return grad, index, score


@accepts(
    image=Array(ndim=(3, 4), dtype="float", kind="torch", what=ONE_IMAGE), expected_size=IntPair(min=1, optional=True)
)
def maximum_gain(
    model: nn.Module, image: torch.Tensor, window: bool = True, expected_size: int | tuple[int, int] | None = None
) -> np.ndarray:
    """Maximum Gain (dB) of a classifier for ``image``, one value per input channel (section III-C).

    ``image`` is in the network's input scaling (e.g. a pre-processed :func:`impulse_image`).
    The model is switched to eval mode for the measurement and its previous mode is restored.
    A Hann window is applied before the FFT (the paper does so for impulse images).
    A network whose output or derivative is not finite (training diverged) gives NaN.
    """
    _check_image_for_model(model, image, "image")
    was_training = model.training
    model.eval()
    try:
        derivative, _, _ = classifier_data_derivative(model, image, expected_size)
    finally:
        model.train(was_training)
    grad = derivative.cpu().double().numpy()
    if not np.all(np.isfinite(grad)):  # a diverged network: no response to measure
        return np.full(grad.shape[0], np.nan)
    return np.atleast_1d(maximum_gain_db(grad, window=window))


@accepts(image=Array(ndim=(3, 4), dtype="float", kind="torch", what=ONE_IMAGE))
def frequency_response(model: nn.Module, image: torch.Tensor, window: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """``(dz/dx, |H| in dB)`` of a classifier for ``image``, both ``(C, H, W)`` float64 (eval mode)."""
    _check_image_for_model(model, image, "image")
    was_training = model.training
    model.eval()
    try:
        derivative, _, _ = classifier_data_derivative(model, image)
    finally:
        model.train(was_training)
    grad = derivative.cpu().double().numpy()
    return grad, frequency_response_db(grad, window=window)


class MaxGainMonitor:
    """Record the Maximum Gain of a classifier after every epoch.

    Two lines attach it to a training loop::

        monitor = MaxGainMonitor(to_symmetric(impulse_image(32)))
        train_classifier(model, x, y, ..., callbacks=[monitor])   # or monitor(epoch, model) in your loop

    Each call costs one forward and one backward pass of a single image. It measures in eval
    mode, restores the model's previous mode, computes no parameter gradients and draws no
    random numbers, so the training run it observes is unchanged.

    Parameters
    ----------
    image
        The probe image in the network's input scaling, ``(C, H, W)`` float.
    window
        Apply a Hann window before the FFT (default, as the paper does for impulse images).

    Attributes
    ----------
    epochs : list[int]
        The epochs at which the gain was measured.
    per_channel : list[numpy.ndarray]
        Maximum Gain (dB) of each input channel.
    gains : list[float]
        Maximum Gain (dB) averaged over input channels (section IV-B).
    """

    @accepts(image=Array(ndim=(3, 4), dtype="float", kind="torch", what=ONE_IMAGE))
    def __init__(self, image: torch.Tensor, window: bool = True):
        self.image = _single_image(image).detach()
        self.window = window
        self.epochs: list[int] = []
        self.per_channel: list[np.ndarray] = []
        self.gains: list[float] = []

    def measure(self, model: nn.Module) -> np.ndarray:
        """Maximum Gain per input channel of ``model`` now (nothing is recorded)."""
        device = next((t.device for t in model.parameters()), self.image.device)
        return maximum_gain(model, self.image.to(device), window=self.window)

    def __call__(self, epoch: int, model: nn.Module) -> float:
        gain = self.measure(model)
        self.epochs.append(int(epoch))
        self.per_channel.append(gain)
        self.gains.append(float(gain.mean()))
        return self.gains[-1]


# torchvision's pretrained ImageNet classifiers (section III-D): their weights, errors and impulse image


@accepts()
def weights_of(model_name: str, weights_name: str = "IMAGENET1K_V1") -> Any:
    """The torchvision weights enum member of ``model_name`` (e.g. ``ResNet50_Weights.IMAGENET1K_V1``)."""
    import torchvision

    try:
        return torchvision.models.get_model_weights(model_name)[weights_name]
    except (KeyError, ValueError) as exc:
        raise ValueError(f"torchvision has no {weights_name} weights for {model_name!r}") from exc


@accepts()
def cached_weights_path(weights: Any) -> Path:
    """Where ``torch.hub`` keeps the file of ``weights`` (whether or not it is there)."""
    return Path(torch.hub.get_dir()) / "checkpoints" / Path(urlparse(weights.url).path).name


class WeightsUnavailable(OSError):
    """The file of a torchvision weights entry is not here and cannot be downloaded (the reason says why)."""


@accepts()
def ensure_weights(weights: Any) -> Path:
    """The file of ``weights`` in the torch hub cache, downloaded first when it is missing.

    The download goes through sigcnn's downloader (:func:`sigcnn.data.store._download`): at most
    10 s to connect, a host that failed is not tried again in this process, a temporary file
    renamed into place. The file's SHA-256 is checked against the prefix in its name (as
    torchvision's ``check_hash`` does) and a mismatch is deleted.

    Raises
    ------
    WeightsUnavailable
        Offline (``SIGCNN_OFFLINE=1``) with the file absent, or when the download fails; the
        message gives the reason (offline, no connection, host failed earlier, checksum).
    """
    path = cached_weights_path(weights)
    if path.is_file():
        return path
    if is_offline():
        raise WeightsUnavailable(f"{path.name}: not in {path.parent} and SIGCNN_OFFLINE=1 forbids downloading it")
    try:
        _download(weights.url, path)
    except OSError as exc:
        raise WeightsUnavailable(f"{path.name}: download failed ({exc})") from exc
    prefix = re.search(r"-([0-9a-f]{8,})\.", path.name)
    if prefix and not file_digest(path, "sha256").startswith(prefix.group(1)):
        path.unlink(missing_ok=True)
        raise WeightsUnavailable(f"{path.name}: downloaded file fails its SHA-256 prefix {prefix.group(1)}")
    return path


@accepts()
def published_top5_error(weights: Any) -> float:
    """Top-5 error (%) on the ImageNet-1K validation set as published in the weights' metadata."""
    return 100.0 - float(weights.meta["_metrics"]["ImageNet-1K"]["acc@5"])


@accepts()
def weights_status(model_names: Iterable[str], weights_name: str = "IMAGENET1K_V1") -> dict[str, bool]:
    """``{model: weights file present in the torch hub cache}``, without downloading anything."""
    return {name: cached_weights_path(weights_of(name, weights_name)).exists() for name in model_names}


@accepts()
def imagenet_impulse(weights: Any, device: torch.device | str) -> tuple[torch.Tensor, np.ndarray]:
    """The impulse image (255 in every channel at the centre) in the weights' input normalisation.

    Returns the normalised ``(3, S, S)`` image and ``20 log10(dx/du)`` per channel (dB), the
    offset that converts a gain per normalised unit into a gain per pixel unit (0-255).
    """
    preset = weights.transforms()
    size = int(preset.crop_size[0])
    mean = torch.tensor(preset.mean).view(3, 1, 1)
    std = torch.tensor(preset.std).view(3, 1, 1)
    u = impulse_image(size, channels=3).to(torch.float32)
    x = (u / 255.0 - mean) / std
    return x.to(device), 20.0 * np.log10(1.0 / (255.0 * std.view(3).double().numpy()))
