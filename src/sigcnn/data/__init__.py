"""Data layer: one data root (``$SIGCNN_DATA``), a hashed registry, downloads and the offline rule."""

from .audio import AudioSet, load_fsdd
from .cifar import load_cifar10
from .errors import DatasetUnavailable
from .flowers import load_tf_flowers
from .images import ImageSplit, limit_training_set, load_image_dataset
from .registry import DATASETS, IMAGE_DATASETS, DatasetSpec, get_spec, load, register
from .segmentation import SegmentationHalves
from .status import dataset_status
from .store import data_root, is_offline
from .urbansound import load_urbansound8k

__all__ = [
    "AudioSet",
    "DATASETS",
    "DatasetSpec",
    "DatasetUnavailable",
    "IMAGE_DATASETS",
    "ImageSplit",
    "limit_training_set",
    "data_root",
    "dataset_status",
    "load_cifar10",
    "get_spec",
    "is_offline",
    "load",
    "load_fsdd",
    "load_image_dataset",
    "load_tf_flowers",
    "load_urbansound8k",
    "register",
    "SegmentationHalves",
]
