"""Held-out loss and error after every epoch, as a training callback (eval mode, mode restored)."""

from __future__ import annotations

import torch
from torch import nn


class HeldOutRecorder:
    """Record cross-entropy loss and error rate on held-out data: ``callbacks=[HeldOutRecorder(x, y)]``.

    Evaluates in eval mode without gradients and restores the model's mode, so the training
    run is unchanged. ``loss`` and ``error`` hold one value per call.
    """

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
                x = self.inputs[start:start + self.batch_size]
                y = self.labels[start:start + self.batch_size]
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

    def __init__(self):
        import logging

        import weightwatcher  # noqa: F401  (fails early, with the package's own message)

        logging.getLogger("weightwatcher").setLevel(logging.ERROR)
        self.epochs: list[int] = []
        self.layers: list[str] = []
        self.alphas: list = []
        self.mean_alpha: list[float] = []

    def measure(self, model: nn.Module):
        """``(layer names, alpha per layer)`` of ``model`` now (nothing is recorded)."""
        import contextlib
        import io

        import numpy as np
        import weightwatcher

        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
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
