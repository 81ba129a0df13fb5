"""tf_flowers (Ge et al.'s data set), read from its checksum-verified ``flower_photos.tgz``.

The archive holds ``flower_photos/<class>/<name>.jpg`` for five classes. The images are
centre-cropped to a square, resized to ``size`` × ``size`` and, by default, converted to grey
(so that Eq. 1 runs over the single channel the LeNet-5 of the RECOS chapter reads). There is
no official split: a seeded permutation holds out ``test_share`` of the images.
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from .registry import TF_FLOWERS, DatasetSpec
from .splits import ImageSplit
from .store import ensure_files

ARCHIVE = "flower_photos.tgz"


def _square(image, size: int, grey: bool) -> np.ndarray:
    w, h = image.size
    side = min(w, h)
    left, top = (w - side) // 2, (h - side) // 2
    image = image.crop((left, top, left + side, top + side)).resize((size, size), resample=2)  # bilinear
    image = image.convert("L" if grey else "RGB")
    array = np.asarray(image, dtype=np.uint8)
    return array if grey else array.transpose(2, 0, 1)


def read_flower_archive(path: Path | str, size: int = 32, grey: bool = True) -> tuple[np.ndarray, np.ndarray, tuple]:
    """Images (uint8), labels (int64) and class names from a ``flower_photos.tgz``-style archive."""
    classes = TF_FLOWERS.extra["classes"]
    images, labels = [], []
    with tarfile.open(path) as tar:
        members = sorted(
            (m for m in tar.getmembers() if m.isfile() and m.name.lower().endswith(".jpg")), key=lambda m: m.name
        )
        for member in members:
            parts = member.name.split("/")
            if len(parts) < 2 or parts[-2] not in classes:
                continue
            handle = tar.extractfile(member)
            if handle is None:
                raise ValueError(f"{member.name} in the archive is not a file")
            with Image.open(io.BytesIO(handle.read())) as img:
                images.append(_square(img, size, grey))
            labels.append(classes.index(parts[-2]))
    if not images:
        raise ValueError(f"{path}: no JPEG images under flower_photos/<class>/")
    return np.stack(images), np.array(labels, dtype=np.int64), classes


def load_tf_flowers(
    size: int = 32,
    grey: bool = True,
    test_share: float = 0.2,
    split_seed: int = 0,
    allow_test_split: bool = False,
    *,
    spec: DatasetSpec | None = None,
) -> ImageSplit:
    """tf_flowers as uint8 tensors ``(N, size, size)`` (grey) or ``(N, 3, size, size)``, seeded split.

    ``allow_test_split`` is accepted for the image-classification loader interface and ignored
    (there is no official split to fall back from); ``spec`` is the registry entry (default: tf_flowers).

    Raises
    ------
    DatasetUnavailable
        If the archive is missing (offline) or fails its SHA-256 checksum.
    ValueError
        For a ``test_share`` outside (0, 1) or ``size`` < 8.
    """
    if not 0.0 < test_share < 1.0 or size < 8:
        raise ValueError(f"test_share must be in (0, 1) and size >= 8, got {test_share} and {size}")
    spec = spec or TF_FLOWERS
    folder = ensure_files(spec)
    images, labels, _ = read_flower_archive(folder / ARCHIVE, size, grey)
    order = np.random.default_rng(split_seed).permutation(len(images))
    n_test = int(round(test_share * len(images)))
    test, train = order[:n_test], order[n_test:]
    note = (
        f"No official split: {len(train):,} training and {len(test):,} test images (seed {split_seed}), "
        f"centre-cropped and resized to {size}×{size}{', grey' if grey else ''}."
    )
    as_t = torch.from_numpy
    return ImageSplit(
        spec.name,
        as_t(images[train]),
        as_t(labels[train]),
        as_t(images[test]),
        as_t(labels[test]),
        f"{spec.description}; seeded split",
        note,
        False,
    )
