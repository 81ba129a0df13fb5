"""Data layer: one data root (``$SIGCNN_DATA``), a hashed registry, downloads and the offline rule.

Each registry entry carries its loader: :func:`load` (any entry) and the typed loaders
(:func:`load_image_dataset`, :func:`load_class_images`, :func:`load_segmentation_halves`,
:func:`load_audio_domains`, :func:`load_tensor_split`) read a data set by its name, so code above
this layer never branches on a data-set name.
"""

from .audio import AudioSet, load_fsdd
from .audio_domains import AudioDomains, load_audio_domains
from .cifar import load_cifar10
from .errors import DatasetUnavailable
from .flowers import load_tf_flowers
from .images import ImageSplit, limit_training_set, load_image_dataset
from .registry import DATASETS, IMAGE_DATASETS, DatasetSpec, get_spec, load, register
from .segmentation import SegmentationHalves, load_segmentation_halves
from .splits import ClassImages, load_class_images
from .status import dataset_status
from .store import data_root, is_offline
from .tensors import TensorSplit, load_tensor_split
from .urbansound import load_urbansound8k

__all__ = [
    "AudioDomains",
    "AudioSet",
    "ClassImages",
    "DATASETS",
    "DatasetSpec",
    "DatasetUnavailable",
    "IMAGE_DATASETS",
    "ImageSplit",
    "SegmentationHalves",
    "TensorSplit",
    "data_root",
    "dataset_status",
    "get_spec",
    "is_offline",
    "limit_training_set",
    "load",
    "load_audio_domains",
    "load_cifar10",
    "load_class_images",
    "load_fsdd",
    "load_image_dataset",
    "load_segmentation_halves",
    "load_tensor_split",
    "load_tf_flowers",
    "load_urbansound8k",
    "register",
]
