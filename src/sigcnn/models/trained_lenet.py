"""Trained LeNet-5s for the RECOS, channel and lenses chapters: the data, one cached training.

Several experiments analyse the same trained networks; the cache lets the book build train each
once. The cache key hashes every training setting (:class:`TrainingSpec`), the data source, the
device type, the CPU thread count, the torch version and the digest of the whole sigcnn source
(:func:`sigcnn.core.provenance.source_digest`), so a changed setting or code never reuses old
weights. Entries are verified on load (:mod:`sigcnn.core.cache`): a damaged one is deleted and
the network trained again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..core.cache import cache_root, read_entry, write_entry
from ..core.provenance import source_digest
from ..core.runtime import set_seed
from ..data import ImageSplit, limit_training_set, load_image_dataset, scenes
from ..data.transforms import to_symmetric
from .lenet import LeNet5
from .training import train_seeded


@dataclass(frozen=True)
class TrainingSpec:
    """Everything that determines the trained weights."""

    dataset: str = "mnist"
    seed: int = 0
    epochs: int = 6
    batch_size: int = 128
    lr: float = 2e-3
    train_limit: int | None = 8000
    allow_test_split: bool = True
    scenes_contrast: float | None = None  # None: plain digits; else MNIST with ten background scenes
    scenes_seed: int | None = None  # seed of the background draw (None: seed + 7)


@dataclass
class LeNetData:
    """Images of one training spec: symmetric float tensors, labels, uint8 test digits.

    With scenes, ``which_train``/``which_test`` hold each image's background (-1 = blank) and
    ``backgrounds`` the scenes (B, 32, 32) uint8.
    """

    split: ImageSplit
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    which_train: torch.Tensor | None = None
    which_test: torch.Tensor | None = None
    backgrounds: np.ndarray | None = None

    @property
    def test_u8(self) -> torch.Tensor:
        """The test images as stored (uint8, unframed)."""
        return self.split.test_images

    @property
    def num_classes(self) -> int:
        """The number of classes of the data set."""
        return self.split.num_classes


def load_data(spec: TrainingSpec) -> LeNetData:
    """The images for ``spec`` (the first ``train_limit`` training images; scenes if asked)."""
    split = limit_training_set(
        load_image_dataset(spec.dataset, allow_test_split=spec.allow_test_split), spec.train_limit
    )
    if spec.scenes_contrast is None:
        return LeNetData(
            split,
            to_symmetric(split.train_images),
            split.train_labels,
            to_symmetric(split.test_images),
            split.test_labels,
        )
    backgrounds = scenes.scene_backgrounds(contrast=spec.scenes_contrast)
    gen = torch.Generator().manual_seed(spec.seed + 7 if spec.scenes_seed is None else spec.scenes_seed)
    train_img, which_train = scenes.mnist_with_scenes(split.train_images, backgrounds, gen)
    test_img, which_test = scenes.mnist_with_scenes(split.test_images, backgrounds, gen)
    return LeNetData(
        split,
        to_symmetric(train_img, pad_to=None),
        split.train_labels,
        to_symmetric(test_img, pad_to=None),
        split.test_labels,
        which_train,
        which_test,
        backgrounds,
    )


@dataclass
class TrainedLeNet:
    """A trained LeNet-5 with its per-epoch ``loss``, its C1 weights before training and its cache file."""

    model: LeNet5
    loss: np.ndarray
    init_c1: np.ndarray
    cache_file: str
    """Where the weights are cached on this machine (kept out of notes: see :attr:`cache_entry`)."""
    from_cache: bool

    @property
    def cache_entry(self) -> str:
        """The cache file's name relative to the cache root (``lenet5-<key>.pt``): no machine path."""
        return Path(self.cache_file).name

    @property
    def note(self) -> str:
        """One provenance line saying whether the weights were trained now or reused (no machine path)."""
        if self.from_cache:
            return f"LeNet-5 weights reused from cache entry {self.cache_entry} (identical configuration and code)."
        return f"LeNet-5 trained in this run (weights cached as cache entry {self.cache_entry})."


def _code_fingerprint() -> str:
    """The digest of the whole sigcnn source (:func:`sigcnn.core.provenance.source_digest`): a data
    transform, a model or the training loop changed anywhere retrains."""
    return source_digest()[:16]


def cache_key(spec: TrainingSpec, data_source: str, device: torch.device, num_classes: int) -> str:
    """Hash of everything that determines the weights (see the module docstring)."""
    # CPU results depend on the number of threads (the order of floating-point sums), so it is keyed too.
    payload = {
        "spec": asdict(spec),
        "data_source": data_source,
        "device": device.type,
        "threads": torch.get_num_threads(),
        "num_classes": num_classes,
        "torch": torch.__version__,
        "code": _code_fingerprint(),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:24]


def _check_weights(num_classes: int) -> Callable[[Any], None]:
    """A check for a loaded cache entry: LeNet-5's state dict with finite weights, and a loss."""
    reference = LeNet5(num_classes=num_classes).state_dict()

    def check(stored: Any) -> None:
        if not isinstance(stored, dict) or set(stored) != {"state_dict", "loss"}:
            raise ValueError("not a LeNet-5 cache entry")
        state = stored["state_dict"]
        if set(state) != set(reference) or any(state[k].shape != v.shape for k, v in reference.items()):
            raise ValueError("weights do not fit LeNet-5")
        if not all(torch.isfinite(v).all() for v in state.values() if v.is_floating_point()):
            raise ValueError("weights are not all finite")

    return check


def untrained_lenet(seed: int, num_classes: int, device: torch.device | str) -> LeNet5:
    """LeNet-5 with the initial weights that :func:`trained_lenet` starts from for ``seed`` (eval mode)."""
    set_seed(seed)
    return LeNet5(num_classes=num_classes).to(device).eval()


def trained_lenet(
    spec: TrainingSpec, data: LeNetData, device: torch.device, progress: bool = False, use_cache: bool = True
) -> TrainedLeNet:
    """Train LeNet-5 (ReLU, 6 C1 anchors) on ``device`` for ``spec``, or load the identical run from the cache.

    The returned model is on ``device``, in eval mode. The initial weights are drawn on the CPU (as
    :func:`~sigcnn.models.training.train_seeded` does), so they are the same on every device.
    """
    key = cache_key(spec, data.split.data_source, device, data.num_classes)
    path = cache_root() / f"lenet5-{key}.pt"
    init = untrained_lenet(spec.seed, data.num_classes, "cpu")
    init_c1 = init.c1.weight.detach().numpy().copy()
    check = _check_weights(data.num_classes)
    stored = (
        read_entry(path, lambda h: torch.load(h, map_location="cpu", weights_only=True), check) if use_cache else None
    )
    if stored is not None:
        init.load_state_dict(stored["state_dict"])
        return TrainedLeNet(init.to(device), stored["loss"].numpy(), init_c1, str(path), True)
    run = train_seeded(
        lambda: LeNet5(num_classes=data.num_classes),
        data.x_train.to(device),
        data.y_train.to(device),
        seed=spec.seed,
        epochs=spec.epochs,
        batch_size=spec.batch_size,
        lr=spec.lr,
        progress=progress,
        desc=f"LeNet-5 seed {spec.seed}",
    )
    loss = np.array(run.log.loss)
    if use_cache:
        state = {"state_dict": {k: v.cpu() for k, v in run.model.state_dict().items()}, "loss": torch.as_tensor(loss)}
        write_entry(path, lambda handle: torch.save(state, handle))  # a failed write warns, the run goes on
    return TrainedLeNet(run.model, loss, init_c1, str(path), False)


def trained_lenets(
    spec: TrainingSpec, seeds: int, device: torch.device, progress: bool = False
) -> tuple[LeNetData, list[TrainedLeNet]]:
    """The data and ``seeds`` trained LeNet-5s (seeds ``spec.seed``, ``+1``, ...) on ``device``.

    All of them train on the same images: with scenes, the backgrounds are drawn with
    ``spec.scenes_seed`` (``spec.seed + 7`` when it is None), whatever the network's seed.

    Raises
    ------
    ValueError
        When ``seeds`` is below 1.
    """
    if seeds < 1:
        raise ValueError(f"seeds must be >= 1, got {seeds}")
    if spec.scenes_contrast is not None and spec.scenes_seed is None:
        spec = replace(spec, scenes_seed=spec.seed + 7)
    data = load_data(spec)
    nets = [trained_lenet(replace(spec, seed=spec.seed + s), data, device, progress) for s in range(seeds)]
    return data, nets
