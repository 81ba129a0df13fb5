"""A small, fast training loop for data that sit in memory as one tensor."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import nn
from tqdm.auto import tqdm


@dataclass
class TrainingLog:
    """Per-epoch training loss and accuracy."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)


def train_classifier(model: nn.Module, inputs: torch.Tensor, labels: torch.Tensor, *,
                     epochs: int, batch_size: int, lr: float, generator: torch.Generator,
                     optimizer: str = "adam", progress: bool = False, desc: str = "training",
                     callbacks=()) -> TrainingLog:
    """Train ``model`` with cross-entropy on in-memory ``inputs``/``labels`` (same device).

    Shuffling uses ``generator`` (a CPU generator), so the data order is the same on every
    device. ``callbacks`` are called as ``cb(epoch, model)`` after each epoch.
    """
    if inputs.shape[0] != labels.shape[0]:
        raise ValueError(f"{inputs.shape[0]} inputs but {labels.shape[0]} labels")
    if epochs < 0 or batch_size < 1 or lr <= 0:
        raise ValueError("epochs must be >= 0, batch_size >= 1 and lr > 0")
    params = model.parameters()
    opt = torch.optim.Adam(params, lr=lr) if optimizer == "adam" else torch.optim.SGD(params, lr=lr, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    log = TrainingLog()
    n = inputs.shape[0]
    epochs_iter = tqdm(range(epochs), desc=desc, leave=False, disable=not progress)
    for epoch in epochs_iter:
        model.train()
        order = torch.randperm(n, generator=generator).to(inputs.device)
        total_loss, correct = 0.0, 0
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            logits = model(inputs[idx])
            loss = loss_fn(logits, labels[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total_loss += float(loss.detach()) * idx.numel()
            correct += int((logits.argmax(1) == labels[idx]).sum())
        log.loss.append(total_loss / n)
        log.accuracy.append(correct / n)
        epochs_iter.set_postfix(loss=f"{log.loss[-1]:.3f}")
        for callback in callbacks:
            callback(epoch, model)
    model.eval()
    return log


@dataclass
class SeededTraining:
    """What :func:`train_seeded` returns: the trained model (eval mode) and its training log."""

    model: nn.Module
    log: TrainingLog


def train_seeded(model_factory: Callable[[], nn.Module], inputs: torch.Tensor, labels: torch.Tensor, *,
                 seed: int, epochs: int, batch_size: int, lr: float, optimizer: str = "adam",
                 progress: bool = False, desc: str = "training", callbacks=(),
                 before_training: Callable[[nn.Module], None] | None = None) -> SeededTraining:
    """Seed everything with ``seed``, build a model with ``model_factory()``, train it, return it.

    The one seeded training entry point: :func:`~sigcnn.runtime.set_seed` is called first, so
    the initial weights and the data order are a function of ``seed`` only. The model is moved
    to ``inputs.device``. ``before_training(model)`` sees the initial weights (e.g. to keep a copy).
    Other arguments are those of :func:`train_classifier`.

    Raises
    ------
    ValueError
        For a bad ``seed`` (see ``set_seed``) or bad training settings (see ``train_classifier``).
    """
    from .runtime import set_seed

    generator = set_seed(seed)
    model = model_factory().to(inputs.device)
    if before_training is not None:
        before_training(model)
    log = train_classifier(model, inputs, labels, epochs=epochs, batch_size=batch_size, lr=lr,
                           generator=generator, optimizer=optimizer, progress=progress, desc=desc,
                           callbacks=callbacks)
    return SeededTraining(model, log)


@torch.no_grad()
def predict(model: nn.Module, inputs: torch.Tensor, batch_size: int = 2000) -> torch.Tensor:
    """Predicted class of every input (eval mode, no gradients)."""
    was_training = model.training
    model.eval()
    preds = torch.cat([model(inputs[i:i + batch_size]).argmax(1) for i in range(0, inputs.shape[0], batch_size)])
    model.train(was_training)
    return preds


def accuracy(model: nn.Module, inputs: torch.Tensor, labels: torch.Tensor) -> float:
    """Fraction of ``inputs`` classified correctly."""
    return float((predict(model, inputs) == labels).float().mean())
