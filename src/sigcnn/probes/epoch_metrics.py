"""Held-out loss and error after every epoch, as a training callback (eval mode, mode restored)."""

from __future__ import annotations

import torch
from torch import nn
from ..signals._validate import Array, Int, accepts


class HeldOutRecorder:
    """Record cross-entropy loss and error rate on held-out data: ``callbacks=[HeldOutRecorder(x, y)]``.

    Evaluates in eval mode without gradients and restores the model's mode, so the training
    run is unchanged. ``loss`` and ``error`` hold one value per call.
    """

    @accepts(inputs=Array(min_ndim=1, kind="torch"), labels=Array(ndim=1, dtype="integer", kind="torch"), batch_size=Int())
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
