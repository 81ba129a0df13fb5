"""Loaders for the ImageNet-subset, VOC and DCASE data of Wu et al. (2022), section 5 (``full`` scale).

Each checks the registry file first (:func:`~sigcnn.data.store.ensure_files`), so offline
a missing archive raises :class:`~sigcnn.data.DatasetUnavailable` before any heavy work.
"""

from __future__ import annotations

import tarfile
import zipfile
from math import gcd
from pathlib import Path

import numpy as np
import soundfile
from PIL import Image
from scipy.signal import resample_poly

from .audio import AudioSet
from .errors import DatasetUnavailable
from .registry import DCASE2016, IMAGENETTE, VOC2012, DatasetSpec
from .splits import ClassImages
from .store import ensure_files

IMAGENETTE_SOURCE = "Imagenette (160 px), centre crops"

IMAGENETTE_CLASSES = {
    "n01440764": "tench",
    "n02102040": "English springer",
    "n02979186": "cassette player",
    "n03000684": "chain saw",
    "n03028079": "church",
    "n03394916": "French horn",
    "n03417042": "garbage truck",
    "n03425413": "gas pump",
    "n03445777": "golf ball",
    "n03888605": "parachute",
}


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


def load_imagenette(
    per_class: int,
    size: int = 112,
    split: str = "train",
    seed: int = 0,
    rng: np.random.Generator | None = None,
    *,
    spec: DatasetSpec | None = None,
) -> ClassImages:
    """``per_class`` centre-cropped RGB images of each Imagenette class, float32 in [0, 1].

    The images are drawn with a generator seeded with ``seed`` (``rng`` is accepted for the
    ``class-images`` loader interface and not used, so a run draws the same images whatever the
    caller drew before). ``split`` is ``"train"`` or ``"val"``; ``spec`` is the registry entry.
    """
    root = imagenette_folder() / split
    draw = np.random.default_rng(seed)
    images, labels, names = [], [], []
    for k, (wnid, name) in enumerate(IMAGENETTE_CLASSES.items()):
        files = sorted((root / wnid).glob("*.JPEG"))
        for path in draw.choice(np.array(files, dtype=object), size=min(per_class, len(files)), replace=False):
            img = Image.open(path).convert("RGB")
            s = min(img.size)
            left, top = (img.width - s) // 2, (img.height - s) // 2
            img = img.crop((left, top, left + s, top + s)).resize((size, size), Image.Resampling.BILINEAR)
            images.append(np.asarray(img, dtype=np.float32).transpose(2, 0, 1) / 255.0)
            labels.append(k)
        names.append(name)
    return ClassImages(np.stack(images), np.array(labels), tuple(names), IMAGENETTE_SOURCE)


def voc2012_root() -> Path:
    """The VOC 2012 folder that ``torchvision.datasets.VOCSegmentation(root, download=False)`` reads."""
    folder = ensure_files(VOC2012)
    _extract_once(folder / VOC2012.files[0].path, folder / "VOCdevkit" / "VOC2012")
    return folder


def dcase2016_folder() -> Path:
    """The DCASE 2016 (TUT Acoustic Scenes) folder; raises ``DatasetUnavailable`` offline when absent."""
    return ensure_files(DCASE2016)


DCASE_AUDIO_ZIPS = tuple(f"TUT-acoustic-scenes-2016-development.audio.{i}.zip" for i in range(1, 9))


def load_dcase2016(
    sample_rate: int = 8000, max_seconds: float = 10.0, *, spec: DatasetSpec | None = None
) -> tuple[AudioSet, list[str]]:
    """DCASE 2016 task 1 development clips as mono waveforms at ``sample_rate`` (first ``max_seconds`` s).

    Needs the metadata zip of the registry entry and the eight audio zips of the same Zenodo
    record beside it (extracted on first use). Labels are the 15 scene classes in sorted order;
    ``is_test`` marks a seeded 30 % of the clips. ``spec`` (the registry entry) is accepted for
    the loader interface.

    Raises
    ------
    DatasetUnavailable
        When the metadata or any audio zip is missing (offline, or not placed there).
    """
    folder = dcase2016_folder()
    missing = [z for z in DCASE_AUDIO_ZIPS if not (folder / z).is_file()]
    root = folder / "TUT-acoustic-scenes-2016-development"
    if missing and not (root / "audio").is_dir():
        raise DatasetUnavailable(
            f"dataset 'dcase2016' is missing {', '.join(missing)} in {DCASE2016.folder}/ under the data root; download them from "
            f"{DCASE2016.source.split(', ')[-1]} and place them there"
        )
    if not (root / "meta.txt").is_file() or not (root / "audio").is_dir():
        for name in (DCASE2016.files[0].path, *DCASE_AUDIO_ZIPS):
            with zipfile.ZipFile(folder / name) as zf:
                zf.extractall(folder)
    rows = [line.split("\t")[:2] for line in (root / "meta.txt").read_text().splitlines() if line.strip()]
    classes = sorted({scene.strip() for _, scene in rows})
    waves, labels = [], []
    for rel, scene in rows:
        data, rate = soundfile.read(
            root / rel, dtype="float64", always_2d=True, frames=int(max_seconds * 44100) if max_seconds else -1
        )
        g = gcd(sample_rate, rate)
        waves.append(resample_poly(data.mean(axis=1), sample_rate // g, rate // g).astype(np.float32))
        labels.append(classes.index(scene.strip()))
    is_test = np.random.default_rng(0).random(len(waves)) < 0.3
    return AudioSet(
        waves, np.array(labels), [""] * len(waves), is_test, sample_rate, f"{DCASE2016.description}; {DCASE2016.source}"
    ), classes


def load_voc2012_segmentation(
    image_set: str, size: int = 128, limit: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """VOC 2012 images (float32 RGB in [0, 1], (N, 3, size, size)) and masks (int64; 255 = void), resized.

    Images are resized bilinearly and masks by nearest neighbour, both to ``size x size``.
    """
    from torchvision.datasets import VOCSegmentation  # heavy: imported only when VOC is read

    data = VOCSegmentation(str(voc2012_root()), year="2012", image_set=image_set, download=False)
    n = len(data) if limit is None else min(limit, len(data))
    images = np.zeros((n, 3, size, size), np.float32)
    masks = np.zeros((n, size, size), np.int64)
    for i in range(n):
        img, mask = data[i]
        images[i] = (
            np.asarray(img.resize((size, size), Image.Resampling.BILINEAR), np.float32).transpose(2, 0, 1) / 255.0
        )
        masks[i] = np.asarray(mask.resize((size, size), Image.Resampling.NEAREST), np.int64)
    return images, masks
