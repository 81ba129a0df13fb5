"""A small, fast training loop for data that sit in memory as one tensor."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import torch
from torch import nn
from tqdm.auto import tqdm

from ..core import distributed
from ..core.runtime import set_seed


@dataclass
class TrainingLog:
    """Per-epoch training loss and accuracy."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)


def train_classifier(
    model: nn.Module,
    inputs: torch.Tensor,
    labels: torch.Tensor,
    *,
    epochs: int,
    batch_size: int,
    lr: float,
    generator: torch.Generator,
    optimizer: str = "adam",
    progress: bool = False,
    desc: str = "training",
    callbacks: Sequence[Callable[[int, nn.Module], object]] = (),
) -> TrainingLog:
    """Train ``model`` with cross-entropy on in-memory ``inputs``/``labels`` (same device).

    Shuffling uses ``generator`` (a CPU generator), so the data order is the same on every
    device. ``callbacks`` are called as ``cb(epoch, model)`` after each epoch.

    Data parallel: inside a process group of several ranks (``torchrun``, see
    :mod:`sigcnn.core.distributed`) every rank draws the same shuffled batch, keeps its contiguous
    share of it (``tensor_split``), and the model is wrapped in ``DistributedDataParallel``. Each
    rank's loss is its share's summed cross-entropy times ``world_size / batch``, so DDP's average
    of the ranks' gradients is the gradient of the full batch's mean loss, even when the batch does
    not divide evenly; the logged loss and accuracy are summed over ranks. Batch-norm statistics
    are per share (not synchronised). In a single process this is the plain loop, unchanged.
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
    world, rank = distributed.world_size(), distributed.rank()
    net = model
    if world > 1 and epochs > 0:
        device_ids = (
            [inputs.device.index if inputs.device.index is not None else torch.cuda.current_device()]
            if inputs.device.type == "cuda"
            else None
        )
        net = nn.parallel.DistributedDataParallel(model, device_ids=device_ids)
        share_loss_fn = nn.CrossEntropyLoss(reduction="sum")
    epochs_iter = tqdm(range(epochs), desc=desc, leave=False, disable=not progress)
    for epoch in epochs_iter:
        model.train()
        order = torch.randperm(n, generator=generator).to(inputs.device)
        total_loss, correct = 0.0, 0
        for start in range(0, n, batch_size):
            idx = order[start : start + batch_size]
            if world == 1:
                logits = net(inputs[idx])
                loss = loss_fn(logits, labels[idx])
            else:
                batch = idx.numel()
                idx = idx.tensor_split(world)[rank]
                logits = net(inputs[idx])
                loss = share_loss_fn(logits, labels[idx]) * (world / batch)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if world == 1:
                total_loss += float(loss.detach()) * idx.numel()
            else:
                total_loss += float(loss.detach()) * batch / world  # this share's summed loss
            correct += int((logits.argmax(1) == labels[idx]).sum())
        if world > 1:
            summed = distributed.all_reduce_sum(
                torch.tensor([total_loss, correct], dtype=torch.float64, device=inputs.device)
            )
            total_loss, correct = float(summed[0]), int(round(float(summed[1])))
        log.loss.append(total_loss / n)
        log.accuracy.append(correct / n)
        epochs_iter.set_postfix(loss=f"{log.loss[-1]:.3f}")
        for callback in callbacks:
            callback(epoch, model)
    model.eval()
    return log


ModelT = TypeVar("ModelT", bound=nn.Module)
"""The model class a factory builds (a :func:`train_seeded` of ``LeNet5`` gives a ``LeNet5``)."""


@dataclass
class SeededTraining(Generic[ModelT]):
    """What :func:`train_seeded` returns: the trained model (eval mode) and its training log."""

    model: ModelT
    log: TrainingLog


def train_seeded(
    model_factory: Callable[[], ModelT],
    inputs: torch.Tensor,
    labels: torch.Tensor,
    *,
    seed: int,
    epochs: int,
    batch_size: int,
    lr: float,
    optimizer: str = "adam",
    progress: bool = False,
    desc: str = "training",
    callbacks: Sequence[Callable[[int, nn.Module], object]] = (),
    before_training: Callable[[nn.Module], None] | None = None,
) -> SeededTraining[ModelT]:
    """Seed everything with ``seed``, build a model with ``model_factory()``, train it, return it.

    The one seeded training entry point: :func:`~sigcnn.core.runtime.set_seed` is called first, so
    the initial weights and the data order are a function of ``seed`` only. The model is moved
    to ``inputs.device``. ``before_training(model)`` sees the initial weights (e.g. to keep a copy).
    Other arguments are those of :func:`train_classifier`.

    Raises
    ------
    ValueError
        For a bad ``seed`` (see ``set_seed``) or bad training settings (see ``train_classifier``).
    """
    generator = set_seed(seed)
    model = model_factory().to(inputs.device)
    if before_training is not None:
        before_training(model)
    log = train_classifier(
        model,
        inputs,
        labels,
        epochs=epochs,
        batch_size=batch_size,
        lr=lr,
        generator=generator,
        optimizer=optimizer,
        progress=progress,
        desc=desc,
        callbacks=callbacks,
    )
    return SeededTraining(model, log)


def initial_model(model_factory: Callable[[], ModelT], seed: int, device: torch.device | str | None = None) -> ModelT:
    """The model that :func:`train_seeded` with this ``seed`` starts from, untrained (eval mode).

    The untrained control of a seeded run: :func:`~sigcnn.core.runtime.set_seed` then ``model_factory()``,
    exactly as :func:`train_seeded` does before its first step.

    Raises
    ------
    ValueError
        For a bad ``seed`` (see ``set_seed``).
    """
    set_seed(seed)
    model = model_factory()
    return (model if device is None else model.to(device)).eval()


@torch.no_grad()
def predict(model: nn.Module, inputs: torch.Tensor, batch_size: int = 2000) -> torch.Tensor:
    """Predicted class of every input (eval mode, no gradients)."""
    was_training = model.training
    model.eval()
    preds = torch.cat([model(inputs[i : i + batch_size]).argmax(1) for i in range(0, inputs.shape[0], batch_size)])
    model.train(was_training)
    return preds


def accuracy(model: nn.Module, inputs: torch.Tensor, labels: torch.Tensor) -> float:
    """Fraction of ``inputs`` classified correctly."""
    return float((predict(model, inputs) == labels).float().mean())
