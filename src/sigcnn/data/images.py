"""MNIST-like image classification sets as in-memory uint8 tensors."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import torch

from .errors import DatasetCorrupt, DatasetUnavailable
from .idx import read_idx
from .registry import DatasetSpec, get_spec
from .splits import ImageSplit
from .store import ensure_files, missing_files

__all__ = ["ImageSplit", "limit_training_set", "load_idx_images", "load_image_dataset"]

TRAIN_FILES = ["raw/train-images-idx3-ubyte.gz", "raw/train-labels-idx1-ubyte.gz"]
TEST_FILES = ["raw/t10k-images-idx3-ubyte.gz", "raw/t10k-labels-idx1-ubyte.gz"]
FALLBACK_TRAIN_SIZE = 8000


def _read_pair(folder, images_rel, labels_rel):
    images = torch.from_numpy(read_idx(folder / images_rel))
    labels = torch.from_numpy(read_idx(folder / labels_rel).astype(np.int64))
    if images.ndim != 3 or images.shape[0] != labels.shape[0]:
        raise ValueError(f"{folder}: images {tuple(images.shape)} and labels {tuple(labels.shape)} disagree")
    return images, labels


def load_image_dataset(name: str = "mnist", allow_test_split: bool = False, split_seed: int = 0) -> ImageSplit:
    """Load an image classification set of the registry as tensors, with its registry loader.

    Parameters
    ----------
    name
        Registry name (``"mnist"``, ``"fashion-mnist"``, ``"tf-flowers"``, ``"cifar10"``).
    allow_test_split
        When the official training images are absent and cannot be downloaded, split the
        10,000 official test images 8,000/2,000 instead of failing (the ``ci`` scale does
        this for MNIST offline; the returned ``split_note`` says so). Sets with no such
        fallback ignore it.
    split_seed
        Seed of the permutation used for that fallback split (or for a set with no official split).

    Raises
    ------
    ValueError
        For a data set that is not an image classification set.
    DatasetUnavailable
        If the test files are missing, or the training files are missing and no fallback
        is allowed.
    DatasetCorrupt
        If a file is present but fails its checksum (also with ``allow_test_split``).
    """
    spec = get_spec(name)
    if spec.task != "image-classification":
        raise ValueError(f"dataset {spec.name!r} is not an image classification set")
    return spec.load(allow_test_split=allow_test_split, split_seed=split_seed)


def load_idx_images(spec: DatasetSpec, allow_test_split: bool = False, split_seed: int = 0) -> ImageSplit:
    """The loader of the MNIST-like registry entries (IDX files); see :func:`load_image_dataset`."""
    folder = ensure_files(spec, TEST_FILES)
    test_images, test_labels = _read_pair(folder, *TEST_FILES)
    try:
        ensure_files(spec, TRAIN_FILES)
    except DatasetUnavailable as exc:
        if not allow_test_split or isinstance(exc, DatasetCorrupt):
            raise  # a corrupt training file is an error, never a reason to fall back
        missing = missing_files(spec, TRAIN_FILES)
        order = torch.randperm(test_images.shape[0], generator=torch.Generator().manual_seed(split_seed))
        train_idx, test_idx = order[:FALLBACK_TRAIN_SIZE], order[FALLBACK_TRAIN_SIZE:]
        note = (
            f"The official {spec.name} training files ({', '.join(missing)}) are not in "
            f"{spec.folder}/ under the data root, so the 10,000 official test images were split "
            f"{FALLBACK_TRAIN_SIZE:,}/{test_images.shape[0] - FALLBACK_TRAIN_SIZE:,} "
            f"(seed {split_seed}) into training and test sets."
        )
        return ImageSplit(
            spec.name,
            test_images[train_idx],
            test_labels[train_idx],
            test_images[test_idx],
            test_labels[test_idx],
            f"{spec.description}; official test set only, split for training",
            note,
            False,
        )
    train_images, train_labels = _read_pair(folder, *TRAIN_FILES)
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


def limit_training_set(split: ImageSplit, limit: int | None) -> ImageSplit:
    """``split`` with only its first ``limit`` training images and labels (``None``: all of them).

    The test images are unchanged. When the training set is cut, ``split_note`` says so.

    Raises
    ------
    ValueError
        When ``limit`` is not ``None`` or a positive integer.
    """
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise ValueError(f"limit must be None or a positive integer, got {limit!r}")
    if limit is None or split.train_images.shape[0] <= limit:
        return split
    note = f"{split.split_note} Training used the first {limit:,} training images."
    return replace(
        split, train_images=split.train_images[:limit], train_labels=split.train_labels[:limit], split_note=note
    )
