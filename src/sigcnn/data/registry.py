"""The hashed data registry: every file the book reads, where it comes from and its checksum.

A file is accepted when the MD5 of the file equals ``md5`` (the checksum torchvision
publishes for the upstream ``.gz``) or, for gzip files, when the MD5 of its decompressed
content equals ``content_md5`` (the Debian Fashion-MNIST package recompressed the
containers; the IDX content is the upstream data).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class RemoteFile:
    """One file of a data set, relative to the data set's folder."""

    path: str
    md5: str | None
    content_md5: str | None = None
    urls: tuple[str, ...] = ()
    sha256: str | None = None  # checked too when given (for files whose publisher lists only SHA-256)


@dataclass(frozen=True)
class DatasetSpec:
    """A data set: its folder under the data root, its files and what it is."""

    name: str
    folder: str
    kind: str
    """How the files are stored, which decides how :func:`~sigcnn.data.dataset_status` checks them:
    ``idx-images``, ``wav-folder``, ``audio-archive``, ``cifar-archive``, ``jpeg-archive``,
    ``image-archive``, ``audio-zip``, ``generated`` (built offline, no files) or ``derived`` (read
    from other entries' files, no files of its own)."""
    description: str
    files: tuple[RemoteFile, ...] = ()
    source: str = ""
    license: str = ""
    # wav folders: number of files and a SHA-256 over sorted (name, md5) pairs
    manifest_count: int | None = None
    manifest_sha256: str | None = None
    archive_url: str | None = None
    archive_member_prefix: str | None = None
    extra: dict = field(default_factory=dict)
    loader: str | Callable[..., Any] | None = None
    """What :meth:`load` calls: a function, or ``"module:function"`` in :mod:`sigcnn.data` (imported
    on first use, so the registry imports no loader). It is called as ``loader(spec=self, **kw)``."""
    task: str = ""
    """What the loader returns: ``image-classification`` (an :class:`~sigcnn.data.ImageSplit`),
    ``audio-classification`` (an :class:`~sigcnn.data.AudioSet`), ``audio-scenes`` (an
    ``AudioSet`` and the scene names), ``segmentation-halves`` (a :class:`~sigcnn.data.SegmentationHalves`),
    ``class-images`` (a :class:`~sigcnn.data.ClassImages`), ``audio-domains`` (an
    :class:`~sigcnn.data.AudioDomains`: feature vectors of a source and a target domain)."""

    def archive(self) -> tuple[str, str]:
        """The URL of the archive this data set is downloaded as, and the prefix of its members.

        Raises
        ------
        ValueError
            When the entry is not downloaded as one archive.
        """
        if self.archive_url is None or self.archive_member_prefix is None:
            raise ValueError(f"dataset {self.name!r} has no archive in the registry")
        return self.archive_url, self.archive_member_prefix

    def load(self, **kw: Any) -> Any:
        """Load this data set with its own loader (keywords go to the loader).

        Raises
        ------
        ValueError
            When the entry has no loader.
        DatasetUnavailable
            From the loader, when the files are missing offline or fail their checksum.
        """
        if self.loader is None:
            raise ValueError(f"dataset {self.name!r} has no loader in the registry")
        return resolve_loader(self.loader)(spec=self, **kw)


def resolve_loader(loader: str | Callable[..., Any]) -> Callable[..., Any]:
    """The function a registry entry names: itself, or ``"module:function"`` imported from :mod:`sigcnn.data`."""
    if callable(loader):
        return loader
    module, _, function = loader.partition(":")
    if not module or not function:
        raise ValueError(f"a loader is a function or 'module:function', got {loader!r}")
    return getattr(importlib.import_module(f"sigcnn.data.{module}"), function)


_MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)
_FASHION_MIRRORS = ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",)


def _idx_files(mirrors, checksums):
    return tuple(
        RemoteFile(f"raw/{name}", md5, content, tuple(m + name for m in mirrors)) for name, md5, content in checksums
    )


MNIST = DatasetSpec(
    name="mnist",
    folder="MNIST",
    kind="idx-images",
    loader="images:load_idx_images",
    task="image-classification",
    description="MNIST handwritten digits, 60,000 train + 10,000 test, 28x28 grey",
    source="LeCun, Cortes & Burges (torchvision mirrors)",
    files=_idx_files(
        _MNIST_MIRRORS,
        [
            ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873", None),
            ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432", "a25bea736e30d166cdddb491f175f624"),
            ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3", "2646ac647ad5339dbf082846283269ea"),
            ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c", "27ae3e4e09519cfbb04c329615203637"),
        ],
    ),
)

FASHION_MNIST = DatasetSpec(
    name="fashion-mnist",
    folder="FashionMNIST",
    kind="idx-images",
    loader="images:load_idx_images",
    task="image-classification",
    description="Fashion-MNIST clothing images, 60,000 train + 10,000 test, 28x28 grey",
    source="Xiao, Rasul & Vollgraf (Zalando Research)",
    license="MIT",
    files=_idx_files(
        _FASHION_MIRRORS,
        [
            ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d", "f4a8712d7a061bf5bd6d2ca38dc4d50a"),
            ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe", "9018921c3c673c538a1fc5bad174d6f9"),
            ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79", "8181f5470baa50b63fa0f6fddb340f0a"),
            ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310", "15d484375f8d13e6eb1aabb0c3f46965"),
        ],
    ),
)

FSDD_COMMIT = "26eb9aaf76e81b692f806f9140c2d2777410d7a1"

FSDD = DatasetSpec(
    name="fsdd",
    folder="FSDD",
    kind="wav-folder",
    loader="audio:load_fsdd",
    task="audio-classification",
    description="Free Spoken Digit Dataset: 3,000 WAV recordings, 6 speakers x 10 digits x 50, 8 kHz",
    source=f"github.com/Jakobovski/free-spoken-digit-dataset at commit {FSDD_COMMIT}",
    license="CC BY-SA 4.0",
    manifest_count=3000,
    manifest_sha256="70635e8ab302983199ac9dcc5645ef0fec4f86e6833713749bd3b3f141ba6cf7",
    archive_url=(f"https://github.com/Jakobovski/free-spoken-digit-dataset/archive/{FSDD_COMMIT}.zip"),
    archive_member_prefix="recordings/",
)

URBANSOUND8K = DatasetSpec(
    name="urbansound8k",
    folder="UrbanSound8K",
    kind="audio-archive",
    loader="urbansound:load_urbansound8k",
    task="audio-classification",
    description="UrbanSound8K: 8,732 labelled urban sound excerpts (<= 4 s), 10 classes, 10 folds",
    source="Salamon, Jacoby & Bello (2014), https://urbansounddataset.weebly.com/urbansound8k.html",
    license="CC BY-NC 3.0",
    manifest_count=8732,
    archive_url="https://zenodo.org/record/1203745/files/UrbanSound8K.tar.gz",
    archive_member_prefix="UrbanSound8K/",
)
"""No checksum is published for the archive; a download is checked by its file count and metadata."""

CIFAR10 = DatasetSpec(
    name="cifar10",
    folder="CIFAR10",
    kind="cifar-archive",
    loader="cifar:load_cifar10",
    task="image-classification",
    description="CIFAR-10 colour images, 50,000 train + 10,000 test, 32x32 RGB, 10 classes",
    source="Krizhevsky (2009), https://www.cs.toronto.edu/~kriz/cifar.html",
    files=(
        RemoteFile(
            "cifar-10-python.tar.gz",
            "c58f30108f718f92721af3b95e74349a",
            None,
            ("https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",),
        ),
    ),
)

TF_FLOWERS = DatasetSpec(
    name="tf-flowers",
    folder="tf_flowers",
    kind="jpeg-archive",
    loader="flowers:load_tf_flowers",
    task="image-classification",
    description="tf_flowers: 3,670 flower photographs in 5 classes (JPEG, various sizes)",
    source="The TensorFlow Team, flower_photos.tgz (TensorFlow Datasets 'tf_flowers')",
    license="CC BY 2.0 (per-image attributions in the archive's LICENSE.txt)",
    files=(
        RemoteFile(
            "flower_photos.tgz",
            None,
            None,
            (
                "https://storage.googleapis.com/download.tensorflow.org/example_images/flower_photos.tgz",
                "http://download.tensorflow.org/example_images/flower_photos.tgz",
            ),
            sha256="4c54ace7911aaffe13a365c34f650e71dd5bf1be0a58b464e5a7183e3e595d9c",
        ),
    ),
    extra={"size_bytes": 228813984, "classes": ("daisy", "dandelion", "roses", "sunflowers", "tulips")},
)
"""The SHA-256 and size are those TensorFlow Datasets records for this URL (url_checksums/tf_flowers.txt)."""

IMAGENETTE = DatasetSpec(
    name="imagenette",
    folder="Imagenette",
    kind="image-archive",
    loader="paper_sets:load_imagenette",
    task="class-images",
    description="Imagenette (160 px): ten easy ImageNet classes (tench, English springer, ...), ~13,000 JPEGs",
    source="fast.ai, https://github.com/fastai/imagenette (md5 as checked by torchvision.datasets.Imagenette)",
    license="ImageNet terms",
    files=(
        RemoteFile(
            "imagenette2-160.tgz",
            "e793b78cc4c9e9a4ccc0c1155377a412",
            None,
            ("https://s3.amazonaws.com/fast-ai-imageclas/imagenette2-160.tgz",),
        ),
    ),
)

VOC2012 = DatasetSpec(
    name="voc2012",
    folder="VOC2012",
    kind="image-archive",
    loader="segmentation:load_voc2012_halves",
    task="segmentation-halves",
    description="Pascal VOC 2012 train+val: 2,913 images with per-pixel masks for segmentation, 21 classes",
    source="Everingham et al., http://host.robots.ox.ac.uk/pascal/VOC/voc2012/ (md5 as in torchvision.datasets.VOCSegmentation)",
    files=(
        RemoteFile(
            "VOCtrainval_11-May-2012.tar",
            "6cd6e144f989b92b3379bac3b3de84fd",
            None,
            ("http://host.robots.ox.ac.uk/pascal/VOC/voc2012/VOCtrainval_11-May-2012.tar",),
        ),
    ),
)

DCASE2016 = DatasetSpec(
    name="dcase2016",
    folder="DCASE2016",
    kind="audio-zip",
    loader="paper_sets:load_dcase2016",
    task="audio-scenes",
    description="TUT Acoustic Scenes 2016 (DCASE 2016 task 1) development set: 15 scene classes, 30 s clips",
    source="Mesaros, Heittola & Virtanen (2016), https://zenodo.org/record/45739",
    license="TUT non-commercial",
    files=(
        RemoteFile(
            "TUT-acoustic-scenes-2016-development.meta.zip",
            "779b33da2ebbf8bde494b3c981827251",
            None,
            ("https://zenodo.org/record/45739/files/TUT-acoustic-scenes-2016-development.meta.zip",),
        ),
    ),
)
"""The metadata zip's MD5 (28,815 bytes) is the one the data set's authors list in ``dcase_util``
(``dcase_util/datasets/tut.py``, ``TUTAcousticScenes_2016_DevelopmentSet``). The audio zips are
checked for presence only (8 GB to hash on every load)."""

MOSAICS = DatasetSpec(
    name="mosaics",
    folder="FashionMNIST",
    kind="generated",
    loader="segmentation:load_mosaic_halves",
    task="segmentation-halves",
    description="Mosaics: Fashion-MNIST items (trouser, sandal, bag) on 1/f^2 noise, with per-pixel masks",
    source="built offline from Fashion-MNIST (sigcnn.data.mosaics)",
)
"""An offline stand-in for VOC 2012 built from Fashion-MNIST; it has no files of its own."""

SKIMAGE = DatasetSpec(
    name="skimage",
    folder="",
    kind="generated",
    loader="photographs:load_photograph_crops",
    task="class-images",
    description="Six scikit-image sample photographs (astronaut, chelsea, coffee, rocket, grass, brick), "
    "one class each, random square crops",
    source="scikit-image (skimage.data), shipped with the package",
)
"""An offline stand-in for Imagenette's classes of natural images; it has no files of its own."""

FSDD_SPEAKERS = DatasetSpec(
    name="fsdd-speakers",
    folder=FSDD.folder,
    kind="derived",
    loader="audio_domains:load_fsdd_speaker_domains",
    task="audio-domains",
    description="FSDD as two domains: three speakers as the source, the other three as the target",
    source=FSDD.source,
    license=FSDD.license,
)
"""Read from the files of ``fsdd``."""

URBANSOUND8K_DCASE2016 = DatasetSpec(
    name="urbansound8k-dcase2016",
    folder=URBANSOUND8K.folder,
    kind="derived",
    loader="audio_domains:load_urbansound_dcase_domains",
    task="audio-domains",
    description="UrbanSound8K as the source domain, DCASE 2016 acoustic scenes as the target domain",
    source=f"{URBANSOUND8K.source}; {DCASE2016.source}",
)
"""Read from the files of ``urbansound8k`` and ``dcase2016``."""

DATASETS: dict[str, DatasetSpec] = {
    spec.name: spec
    for spec in (
        MNIST,
        FASHION_MNIST,
        FSDD,
        URBANSOUND8K,
        CIFAR10,
        TF_FLOWERS,
        IMAGENETTE,
        VOC2012,
        DCASE2016,
        MOSAICS,
        SKIMAGE,
        FSDD_SPEAKERS,
        URBANSOUND8K_DCASE2016,
    )
}
NO_FILES_KINDS = ("generated", "derived")
"""Kinds of entries with no files of their own (not listed by :func:`~sigcnn.data.dataset_status`)."""
IMAGE_DATASETS = tuple(n for n, s in DATASETS.items() if s.kind == "idx-images")


def get_spec(name: str) -> DatasetSpec:
    """Return the registry entry for ``name`` (case-insensitive; ``fashion_mnist`` works too)."""
    key = name.strip().lower().replace("_", "-")
    if key not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}: choose one of {', '.join(DATASETS)}")
    return DATASETS[key]


def register(spec: DatasetSpec) -> DatasetSpec:
    """Add ``spec`` to the registry (a new data set is this call plus its loader); returns it.

    Raises
    ------
    ValueError
        When a data set of that name is registered already, or the spec has no loader.
    """
    if spec.name in DATASETS:
        raise ValueError(f"dataset {spec.name!r} is registered already")
    if spec.loader is None:
        raise ValueError(f"dataset {spec.name!r} needs a loader")
    DATASETS[spec.name] = spec
    return spec


def load(name: str, **kw: Any) -> Any:
    """Load the data set ``name`` with the loader of its registry entry (keywords go to the loader).

    What comes back depends on the entry's ``task``: an :class:`~sigcnn.data.ImageSplit` for
    ``image-classification``, an :class:`~sigcnn.data.AudioSet` for ``audio-classification``, a
    :class:`~sigcnn.data.SegmentationHalves` for ``segmentation-halves``.
    """
    return get_spec(name).load(**kw)


def load_typed(name: str, task: str, result: type[T], **kw: Any) -> T:
    """:func:`load` for an entry of ``task``, whose loader must return a ``result``.

    The typed loaders (:func:`~sigcnn.data.load_segmentation_halves`,
    :func:`~sigcnn.data.load_class_images`, ...) are this call with their task and type.

    Raises
    ------
    ValueError
        When the entry's task is not ``task``.
    TypeError
        When its loader returns something else than a ``result``.
    """
    spec = get_spec(name)
    if spec.task != task:
        raise ValueError(f"dataset {spec.name!r} is of task {spec.task!r}, not {task!r}")
    value = spec.load(**kw)
    if not isinstance(value, result):
        raise TypeError(f"the loader of {spec.name!r} returned {type(value).__name__}, not {result.__name__}")
    return value
