"""Loaders for the ImageNet-subset, VOC and DCASE data of Wu et al. (2022), section 5 (``full`` scale).

Each checks the registry file first (:func:`~sigcnn.data.store.ensure_files`), so offline
a missing archive raises :class:`~sigcnn.data.DatasetUnavailable` before any heavy work.
"""

from __future__ import annotations

import tarfile
from pathlib import Path

import numpy as np

from .registry import DCASE2016, IMAGENETTE, VOC2012
from .store import ensure_files

IMAGENETTE_CLASSES = {"n01440764": "tench", "n02102040": "English springer", "n02979186": "cassette player",
                      "n03000684": "chain saw", "n03028079": "church", "n03394916": "French horn",
                      "n03417042": "garbage truck", "n03425413": "gas pump", "n03445777": "golf ball",
                      "n03888605": "parachute"}


def _extract_once(archive: Path, marker: Path) -> None:
    if not marker.exists():
        with tarfile.open(archive) as tar:
            tar.extractall(archive.parent, filter="data")


def imagenette_folder() -> Path:
    """The extracted ``imagenette2-160`` folder (downloads and extracts when allowed)."""
    folder = ensure_files(IMAGENETTE)
    root = folder / "imagenette2-160"
    _extract_once(folder / IMAGENETTE.files[0].path, root)
    return root


def load_imagenette(per_class: int, size: int = 112, split: str = "train", seed: int = 0):
    """``per_class`` centre-cropped RGB images of each Imagenette class, float32 in [0, 1].

    Returns ``(images (N, 3, size, size), labels (N,), class_names)``.
    """
    from PIL import Image

    root = imagenette_folder() / split
    rng = np.random.default_rng(seed)
    images, labels, names = [], [], []
    for k, (wnid, name) in enumerate(IMAGENETTE_CLASSES.items()):
        files = sorted((root / wnid).glob("*.JPEG"))
        for path in rng.choice(files, size=min(per_class, len(files)), replace=False):
            img = Image.open(path).convert("RGB")
            s = min(img.size)
            left, top = (img.width - s) // 2, (img.height - s) // 2
            img = img.crop((left, top, left + s, top + s)).resize((size, size), Image.BILINEAR)
            images.append(np.asarray(img, dtype=np.float32).transpose(2, 0, 1) / 255.0)
            labels.append(k)
        names.append(name)
    return np.stack(images), np.array(labels), names


def voc2012_root() -> Path:
    """The VOC 2012 folder that ``torchvision.datasets.VOCSegmentation(root, download=False)`` reads."""
    folder = ensure_files(VOC2012)
    _extract_once(folder / VOC2012.files[0].path, folder / "VOCdevkit" / "VOC2012")
    return folder


def dcase2016_folder() -> Path:
    """The DCASE 2016 (TUT Acoustic Scenes) folder; raises ``DatasetUnavailable`` offline when absent."""
    return ensure_files(DCASE2016)
