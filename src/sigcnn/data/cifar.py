"""CIFAR-10, read straight from its checksum-verified ``cifar-10-python.tar.gz`` (no unpacking)."""

from __future__ import annotations

import pickle
import tarfile

import numpy as np
import torch

from .registry import CIFAR10, DatasetSpec
from .splits import ImageSplit
from .store import ensure_files

ARCHIVE = "cifar-10-python.tar.gz"
TRAIN_BATCHES = [f"cifar-10-batches-py/data_batch_{i}" for i in range(1, 6)]
TEST_BATCH = "cifar-10-batches-py/test_batch"


def _read_batches(tar: tarfile.TarFile, names: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    images, labels = [], []
    for name in names:
        handle = tar.extractfile(name)
        if handle is None:
            raise ValueError(f"{ARCHIVE}: {name} is not a file")
        batch = pickle.load(handle, encoding="bytes")
        images.append(np.asarray(batch[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32))
        labels.append(np.asarray(batch[b"labels"], dtype=np.int64))
    return torch.from_numpy(np.concatenate(images)), torch.from_numpy(np.concatenate(labels))


def load_cifar10(allow_test_split: bool = False, split_seed: int = 0, *, spec: DatasetSpec | None = None) -> ImageSplit:
    """CIFAR-10 as uint8 tensors ``(N, 3, 32, 32)`` with the official 50,000/10,000 split.

    ``allow_test_split`` and ``split_seed`` are accepted for the image-classification loader
    interface and ignored (the official split is always used); ``spec`` is the registry entry.

    Raises
    ------
    DatasetUnavailable
        If the archive is missing (offline) or fails its MD5 checksum.
    """
    spec = spec or CIFAR10
    folder = ensure_files(spec)
    with tarfile.open(folder / ARCHIVE) as tar:
        train_images, train_labels = _read_batches(tar, TRAIN_BATCHES)
        test_images, test_labels = _read_batches(tar, [TEST_BATCH])
    note = f"Official split: {train_images.shape[0]:,} training and {test_images.shape[0]:,} test images."
    return ImageSplit(
        spec.name,
        train_images,
        train_labels,
        test_images,
        test_labels,
        f"{spec.description}; official split",
        note,
        True,
    )
