"""Shared by the experiments on a trained LeNet-5 (RECOS, channel, lenses): settings and scales.

The networks themselves (data, training, cache) are built in the models layer,
:mod:`sigcnn.models.trained_lenet`; this module maps an experiment's config onto its
:class:`~sigcnn.models.trained_lenet.TrainingSpec`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from ..data import IMAGE_DATASETS
from ..models.trained_lenet import TrainingSpec
from ._base import BaseConfig

DATASETS = IMAGE_DATASETS


@dataclass(frozen=True)
class LeNetConfig(BaseConfig):
    """Settings shared by the LeNet-5 experiments; each adds its own fields."""

    dataset: str = "mnist"
    epochs: int = 6
    batch_size: int = 128
    lr: float = 2e-3
    train_limit: int | None = 8000
    allow_test_split: bool = True


_LENET_SCALES: dict[str, dict[str, Any]] = {
    "ci": dict(epochs=6, train_limit=8000, allow_test_split=True),
    "laptop": dict(epochs=10, train_limit=None, allow_test_split=False),
    "full": dict(epochs=20, train_limit=None, allow_test_split=False),
}


def lenet_scales(**extra: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The LeNet-5 training settings of each scale, updated with an experiment's own (``ci={...}``)."""
    return {scale: {**base, **extra.get(scale, {})} for scale, base in _LENET_SCALES.items()}


def evaluation_scales() -> dict[str, dict[str, Any]]:
    """:func:`lenet_scales` with ``eval_images`` test images (1,000 at ``ci``, 10,000 otherwise)."""
    return lenet_scales(ci=dict(eval_images=1000), laptop=dict(eval_images=10000), full=dict(eval_images=10000))


def training_spec(config: BaseConfig, **changes: Any) -> TrainingSpec:
    """The :class:`TrainingSpec` of an experiment config (fields of the same names), with ``changes``."""
    names = [f.name for f in fields(TrainingSpec)]
    return replace(TrainingSpec(**{k: getattr(config, k) for k in names if hasattr(config, k)}), **changes)
