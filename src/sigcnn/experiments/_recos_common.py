"""Shared by the RECOS experiments: one LeNet-5 training, cached on disk by its full configuration.

``recos-anchors`` and ``recos-cascade`` analyse the same trained network; the cache lets the
book build train it once. The cache key hashes every training setting, the data source, the
device type, the CPU thread count, the torch version and the source of the code that trains (this file, the model,
the training loop, the scene builder), so a changed setting or code never reuses old weights.
Without a cache file each experiment simply trains from scratch.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from .. import models, scenes, training
from ..data import load_image_dataset
from ..models import LeNet5
from ..results import results_dir
from ..runtime import set_seed
from ..training import train_classifier
from ..transforms import to_symmetric
from ._config import scale_and_overrides, scaled_config


@dataclass(frozen=True)
class LeNetConfig:
    """Settings shared by the LeNet-5 experiments of the RECOS chapter; each adds its own fields."""

    scale: str
    seed: int = 0
    device: str = "auto"
    dataset: str = "mnist"
    epochs: int = 6
    batch_size: int = 128
    lr: float = 2e-3
    train_limit: int | None = 8000
    allow_test_split: bool = True


_LENET_SCALES = {
    "ci": dict(epochs=6, train_limit=8000, allow_test_split=True),
    "laptop": dict(epochs=10, train_limit=None, allow_test_split=False),
    "full": dict(epochs=20, train_limit=None, allow_test_split=False),
}


def lenet_scales(**extra: dict) -> dict:
    """The LeNet-5 training settings of each scale, updated with an experiment's own (``ci={...}``)."""
    return {scale: {**base, **extra.get(scale, {})} for scale, base in _LENET_SCALES.items()}


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


def training_spec(config) -> TrainingSpec:
    """The :class:`TrainingSpec` of an experiment config (fields of the same names)."""
    fields = TrainingSpec.__dataclass_fields__
    return TrainingSpec(**{k: getattr(config, k) for k in fields if hasattr(config, k)})


def load_data(spec: TrainingSpec) -> dict:
    """Images for ``spec``: symmetric float tensors ``x_train``/``x_test``, labels, uint8 test digits.

    With ``scenes_contrast`` set, every image is put on a background drawn at random among
    a blank one and the ten scenes (``which_*`` holds the index, -1 = blank).
    """
    data = load_image_dataset(spec.dataset, allow_test_split=spec.allow_test_split)
    train_u8, train_y = data.train_images, data.train_labels
    if spec.train_limit is not None and train_u8.shape[0] > spec.train_limit:
        train_u8, train_y = train_u8[:spec.train_limit], train_y[:spec.train_limit]
    out = {"data": data, "y_train": train_y, "y_test": data.test_labels, "test_u8": data.test_images}
    if spec.scenes_contrast is None:
        out["x_train"], out["x_test"] = to_symmetric(train_u8), to_symmetric(data.test_images)
        return out
    backgrounds = scenes.scene_backgrounds(contrast=spec.scenes_contrast)
    gen = torch.Generator().manual_seed(spec.seed + 7)
    train_img, out["which_train"] = scenes.mnist_with_scenes(train_u8, backgrounds, gen)
    test_img, out["which_test"] = scenes.mnist_with_scenes(data.test_images, backgrounds, gen)
    out["x_train"], out["x_test"] = to_symmetric(train_img, pad_to=None), to_symmetric(test_img, pad_to=None)
    out["backgrounds"] = backgrounds
    return out


def _code_fingerprint() -> str:
    h = hashlib.sha256()
    for module in (models.lenet, training, scenes):
        h.update(Path(module.__file__).read_bytes())
    h.update(Path(__file__).read_bytes())
    return h.hexdigest()[:16]


def cache_key(spec: TrainingSpec, data_source: str, device: torch.device, num_classes: int) -> str:
    """Hash of everything that determines the weights (see the module docstring)."""
    # CPU results depend on the number of threads (the order of floating-point sums), so it is keyed too.
    payload = {"spec": asdict(spec), "data_source": data_source, "device": device.type,
               "threads": torch.get_num_threads(), "num_classes": num_classes,
               "torch": torch.__version__, "code": _code_fingerprint()}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:24]


def trained_lenet(spec: TrainingSpec, data: dict, device: torch.device, progress: bool = False,
                  use_cache: bool = True):
    """Train LeNet-5 (ReLU, 6 C1 anchors) for ``spec``, or load the identical run from the cache.

    Returns ``(model, info)``; ``info`` has ``loss`` (per epoch), ``init_c1`` (the C1 weights
    before training), ``cache_file`` and ``from_cache``.
    """
    n_classes = data["data"].num_classes
    key = cache_key(spec, data["data"].data_source, device, n_classes)
    path = results_dir() / "_cache" / f"lenet5-{key}.pt"
    generator = set_seed(spec.seed)
    model = LeNet5(num_classes=n_classes).to(device)
    init_c1 = model.c1.weight.detach().cpu().numpy().copy()
    if use_cache and path.exists():
        stored = torch.load(path, map_location=device, weights_only=True)
        model.load_state_dict(stored["state_dict"])
        model.eval()
        return model, {"loss": stored["loss"].numpy(), "init_c1": init_c1, "cache_file": str(path),
                       "from_cache": True}
    log = train_classifier(model, data["x_train"].to(device), data["y_train"].to(device),
                           epochs=spec.epochs, batch_size=spec.batch_size, lr=spec.lr,
                           generator=generator, progress=progress, desc="LeNet-5")
    loss = np.array(log.loss)
    if use_cache:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")  # unique per process, then an atomic rename
        torch.save({"state_dict": {k: v.cpu() for k, v in model.state_dict().items()},
                    "loss": torch.as_tensor(loss)}, tmp)
        tmp.replace(path)
    return model, {"loss": loss, "init_c1": init_c1, "cache_file": str(path), "from_cache": False}


def cache_note(info: dict) -> str:
    """One provenance line saying whether the weights were trained now or reused."""
    if info["from_cache"]:
        return f"LeNet-5 weights reused from {info['cache_file']} (identical configuration and code)."
    return f"LeNet-5 trained in this run (weights cached at {info['cache_file']})."


def build_config(config_class, scales: dict, name: str, datasets, scale: str | None, overrides: dict):
    """``make_config`` of the RECOS experiments: a scale profile plus overrides (``None`` ignored).

    Raises
    ------
    ValueError
        For an unknown scale, or a data set that is not one of ``datasets``.
    """
    scale, overrides = scale_and_overrides(scale, overrides)
    if "dataset" in overrides and (datasets is None or overrides["dataset"] not in datasets):
        if datasets is None:
            raise ValueError(f"{name} takes no dataset")
        raise ValueError(f"{name} needs a 28x28 grey image set: choose one of {', '.join(datasets)}")
    return scaled_config(config_class, scales, scale, overrides)
