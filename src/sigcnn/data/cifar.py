"""CIFAR-10, read straight from its checksum-verified ``cifar-10-python.tar.gz`` (no unpacking)."""

from __future__ import annotations

import pickle
import tarfile

import numpy as np
import torch

from .images import ImageSplit
from .registry import CIFAR10
from .store import ensure_files

ARCHIVE = "cifar-10-python.tar.gz"
TRAIN_BATCHES = [f"cifar-10-batches-py/data_batch_{i}" for i in range(1, 6)]
TEST_BATCH = "cifar-10-batches-py/test_batch"


def _read_batches(tar: tarfile.TarFile, names: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    images, labels = [], []
    for name in names:
        batch = pickle.load(tar.extractfile(name), encoding="bytes")
        images.append(np.asarray(batch[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32))
        labels.append(np.asarray(batch[b"labels"], dtype=np.int64))
    return torch.from_numpy(np.concatenate(images)), torch.from_numpy(np.concatenate(labels))


def load_cifar10() -> ImageSplit:
    """CIFAR-10 as uint8 tensors ``(N, 3, 32, 32)`` with the official 50,000/10,000 split.

    Raises
    ------
    DatasetUnavailable
        If the archive is missing (offline) or fails its MD5 checksum.
    """
    folder = ensure_files(CIFAR10)
    with tarfile.open(folder / ARCHIVE) as tar:
        train_images, train_labels = _read_batches(tar, TRAIN_BATCHES)
        test_images, test_labels = _read_batches(tar, [TEST_BATCH])
    note = f"Official split: {train_images.shape[0]:,} training and {test_images.shape[0]:,} test images."
    return ImageSplit(
        CIFAR10.name,
        train_images,
        train_labels,
        test_images,
        test_labels,
        f"{CIFAR10.description}; official split",
        note,
        True,
    )
