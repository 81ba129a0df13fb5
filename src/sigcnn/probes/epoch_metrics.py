"""Held-out loss and error after every epoch, as a training callback (eval mode, mode restored)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch
from torch import nn

from ..data import load_image_dataset
from ..data.splits import ImageSplit
from ..data.transforms import to_symmetric
from ..models.training import initial_model, train_seeded
from ..signals._validate import Array, Choice, Int, Real, accepts
from .max_gain import MaxGainMonitor, impulse_image

if TYPE_CHECKING:
    import numpy as np


class HeldOutRecorder:
    """Record cross-entropy loss and error rate on held-out data: ``callbacks=[HeldOutRecorder(x, y)]``.

    Evaluates in eval mode without gradients and restores the model's mode, so the training
    run is unchanged. ``loss`` and ``error`` hold one value per call.
    """

    @accepts(
        inputs=Array(min_ndim=1, kind="torch"), labels=Array(ndim=1, dtype="integer", kind="torch"), batch_size=Int()
    )
    def __init__(self, inputs: torch.Tensor, labels: torch.Tensor, batch_size: int = 2000):
        if inputs.shape[0] != labels.shape[0] or inputs.shape[0] == 0:
            raise ValueError(f"{inputs.shape[0]} inputs but {labels.shape[0]} labels (need the same, > 0)")
        self.inputs, self.labels, self.batch_size = inputs, labels, batch_size
        self.epochs: list[int] = []
        self.loss: list[float] = []
        self.error: list[float] = []

    @torch.no_grad()
    def measure(self, model: nn.Module) -> tuple[float, float]:
        """``(mean cross-entropy, error rate)`` of ``model`` on the held-out data now."""
        was_training = model.training
        model.eval()
        try:
            total, wrong = 0.0, 0
            for start in range(0, self.inputs.shape[0], self.batch_size):
                x = self.inputs[start : start + self.batch_size]
                y = self.labels[start : start + self.batch_size]
                logits = model(x)
                total += float(nn.functional.cross_entropy(logits, y, reduction="sum"))
                wrong += int((logits.argmax(1) != y).sum())
        finally:
            model.train(was_training)
        n = self.inputs.shape[0]
        return total / n, wrong / n

    def __call__(self, epoch: int, model: nn.Module) -> None:
        loss, error = self.measure(model)
        self.epochs.append(int(epoch))
        self.loss.append(loss)
        self.error.append(error)


@accepts()
def weightwatcher_available() -> bool:
    """``True`` when the optional ``weightwatcher`` package (extra ``[weightwatcher]``) imports."""
    try:
        import weightwatcher  # noqa: F401
    except ImportError:
        return False
    return True


class AlphaRecorder:
    """Record weightwatcher's power-law exponent alpha of every layer after each epoch (a callback).

    ``weightwatcher.WeightWatcher(model).analyze()`` fits a power law to the empirical spectral
    density of each layer's weight matrices (Martin & Mahoney); it reads the weights only, so the
    training run is unchanged. ``alphas`` holds one array per call (one alpha per analysed layer,
    named in ``layers``); ``mean_alpha`` their mean, the summary weightwatcher reports.

    Raises
    ------
    ImportError
        When weightwatcher is not installed (``pip install sigcnn[weightwatcher]``).
    """

    @accepts()
    def __init__(self):
        import logging

        import weightwatcher  # noqa: F401  (fails early, with the package's own message)

        logging.getLogger("weightwatcher").setLevel(logging.ERROR)
        self.epochs: list[int] = []
        self.layers: list[str] = []
        self.alphas: list = []
        self.mean_alpha: list[float] = []

    def measure(self, model: nn.Module) -> tuple[list[str], np.ndarray]:
        """``(layer names, alpha per layer)`` of ``model`` now (nothing is recorded)."""
        import contextlib
        import io
        import warnings

        import numpy as np
        import weightwatcher

        with (
            contextlib.redirect_stdout(io.StringIO()),
            contextlib.redirect_stderr(io.StringIO()),
            warnings.catch_warnings(),
        ):
            warnings.simplefilter("ignore")  # pandas deprecation warnings from inside weightwatcher
            frame = weightwatcher.WeightWatcher(model=model).analyze()
        return [str(n) for n in frame["name"]], np.asarray(frame["alpha"], dtype=float)

    def __call__(self, epoch: int, model: nn.Module) -> None:
        import numpy as np

        if all(bool(torch.isfinite(p).all()) for p in model.parameters()):
            layers, alphas = self.measure(model)
        else:  # a diverged network: no spectrum to fit
            layers, alphas = self.layers, np.full(max(len(self.layers), 1), np.nan)
        self.epochs.append(int(epoch))
        self.layers = layers
        self.alphas.append(alphas)
        self.mean_alpha.append(float(alphas.mean()) if alphas.size else float("nan"))


@dataclass(frozen=True)
class Split:
    """Images in the symmetric scaling (32x32, on the device) and the loaded data set they came from."""

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor
    source: ImageSplit
    """The loaded data set (its name, split note and data source)."""


@accepts(train_limit=Int(optional=True), val_limit=Int(optional=True))
def load_split(
    name: str,
    device: str | torch.device,
    allow_test_split: bool = False,
    train_limit: int | None = None,
    val_limit: int | None = None,
) -> Split:
    """The data set ``name``; its official test images serve as validation set (as in Stamatescu & McDonnell)."""
    data = load_image_dataset(name, allow_test_split=allow_test_split)
    return Split(
        to_symmetric(data.train_images[:train_limit]).to(device),
        data.train_labels[:train_limit].to(device),
        to_symmetric(data.test_images[:val_limit]).to(device),
        data.test_labels[:val_limit].to(device),
        data,
    )


@accepts(
    model_seed=Int(min=0),
    epochs=Int(min=0),
    lr=Real(positive=True),
    batch_size=Int(),
    optimizer=Choice(("sgd", "adam")),
)
def train_with_curves(
    model_seed: int,
    build: Callable[[], nn.Module],
    split: Split,
    *,
    epochs: int,
    lr: float,
    batch_size: int = 100,
    optimizer: str = "sgd",
    shuffle_labels: bool = False,
    alpha: bool = False,
    progress: bool = False,
    desc: str = "training",
) -> dict:
    """Train a network seeded with ``model_seed`` and return its per-epoch curves: Maximum Gain (dB)
    of the impulse image, training and validation loss and error, and weightwatcher's mean alpha
    when ``alpha``.

    ``epochs=0`` returns the untrained network's Maximum Gain and validation error (one value each).
    ``shuffle_labels`` permutes the training labels (seeded by ``model_seed``): the shuffled-label control.
    The network and the data order come from :func:`~sigcnn.models.training.train_seeded` with ``model_seed``
    (its untrained control from :func:`~sigcnn.models.training.initial_model`); this function only adds
    the per-epoch recorders.
    """
    import numpy as np

    monitor = MaxGainMonitor(to_symmetric(impulse_image(32, channels=split.x_train.shape[1]).unsqueeze(0)))
    held_out = HeldOutRecorder(split.x_val, split.y_val)
    if epochs == 0:
        model = initial_model(build, model_seed, split.x_train.device)
        return {
            "gain": np.array([float(monitor.measure(model).mean())]),
            "val_error": np.array([held_out.measure(model)[1]]),
        }
    y = split.y_train
    if shuffle_labels:
        y = y[torch.randperm(y.numel(), generator=torch.Generator().manual_seed(model_seed)).to(y.device)]
    alpha_recorder = AlphaRecorder() if alpha else None
    callbacks: list[Callable[[int, nn.Module], object]] = [monitor, held_out]
    if alpha_recorder is not None:
        callbacks.append(alpha_recorder)
    log = train_seeded(
        build,
        split.x_train,
        y,
        seed=model_seed,
        epochs=epochs,
        batch_size=batch_size,
        lr=lr,
        optimizer=optimizer,
        progress=progress,
        desc=desc,
        callbacks=callbacks,
    ).log
    curves = {
        "gain": np.array(monitor.gains),
        "train_loss": np.array(log.loss),
        "train_error": 1.0 - np.array(log.accuracy),
        "val_loss": np.array(held_out.loss),
        "val_error": np.array(held_out.error),
    }
    if alpha_recorder is not None:
        curves["alpha"], curves["alpha_layers"] = np.array(alpha_recorder.mean_alpha), np.array(alpha_recorder.layers)
    return curves
