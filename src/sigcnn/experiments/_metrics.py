"""Typed metrics: an experiment's numbers as a dataclass, flattened to the result file's keys.

An experiment declares its metrics as a (frozen) dataclass; a field that is itself a dataclass
holds one arm or variant, and its fields are flattened with the field name as prefix::

    @dataclass(frozen=True)
    class Arm:
        accuracy: float
        accuracy_seeds: tuple[float, ...]      # one value per replicate: what a claim reads

    @dataclass(frozen=True)
    class Metrics:
        seeds: int
        post: Arm                              # -> "post_accuracy", "post_accuracy_seeds"

A nested field named ``value`` takes its parent's name: :class:`Replicated` stores a quantity's
mean under the quantity's own key, its replicates under ``{key}_replicates`` and its control's under
``{key}_control``.

The result file keeps flat keys (``post_accuracy``), so stored reference runs written before the
typed metrics stay readable: a field's flat key is the name those runs used. Claims and report rows
name flat keys, and :func:`metric_keys` lets the experiment check them when it is declared.
"""

from __future__ import annotations

import dataclasses
import math
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np


def _field_types(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _is_dataclass_type(tp: Any) -> bool:
    return isinstance(tp, type) and dataclasses.is_dataclass(tp)


def metric_keys(cls: type, prefix: str = "") -> tuple[str, ...]:
    """The flat result-file keys of metrics dataclass ``cls`` (nested dataclasses prefixed).

    Raises
    ------
    TypeError
        When ``cls`` is not a dataclass.
    """
    if not _is_dataclass_type(cls):
        raise TypeError(f"metrics must be declared as a dataclass, got {cls!r}")
    keys: list[str] = []
    hints = _field_types(cls)
    for f in dataclasses.fields(cls):
        tp = hints[f.name]
        if _is_dataclass_type(tp):
            keys.extend(metric_keys(tp, f"{prefix}{f.name}_"))
        else:
            keys.append(_key(prefix, f.name))
    return tuple(keys)


def _key(prefix: str, name: str) -> str:
    return prefix[:-1] if name == "value" and prefix else prefix + name


def _plain(value: Any, key: str) -> Any:
    if value is None or isinstance(value, (bool, np.bool_)):
        return None if value is None else bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, (tuple, list, np.ndarray)):
        return [_plain(v, key) for v in np.asarray(value, dtype=float).ravel().tolist()]
    raise TypeError(f"metric {key!r} must be a number, a boolean, None or a sequence of numbers, got {type(value)}")


def flatten(metrics: Any, prefix: str = "") -> dict[str, Any]:
    """The flat ``{key: value}`` form of a metrics dataclass instance (sequences become lists).

    A plain mapping passes through (values checked the same way).

    Raises
    ------
    TypeError
        When a value is not a number, a boolean, ``None`` or a sequence of numbers.
    """
    if isinstance(metrics, Mapping):
        return {prefix + str(k): _plain(v, prefix + str(k)) for k, v in metrics.items()}
    if not dataclasses.is_dataclass(metrics) or isinstance(metrics, type):
        raise TypeError(f"metrics must be a dataclass instance or a mapping, got {type(metrics).__name__}")
    out: dict[str, Any] = {}
    for f in dataclasses.fields(metrics):
        value = getattr(metrics, f.name)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            out.update(flatten(value, f"{prefix}{f.name}_"))
        else:
            out[_key(prefix, f.name)] = _plain(value, _key(prefix, f.name))
    return out


def mean_of(values: Any) -> float:
    """The mean of a replicate list (NaN when empty)."""
    arr = np.asarray(values, dtype=float).ravel()
    return float(arr.mean()) if arr.size else math.nan


@dataclass(frozen=True)
class Replicated:
    """One quantity measured on each replicate, beside its control's replicates (if any).

    Flattened as ``{key}`` (the mean over :attr:`replicates`), ``{key}_replicates`` and
    ``{key}_control``: what a :class:`~sigcnn.verdicts.Claim` reads.
    """

    value: float
    replicates: tuple[float, ...]
    control: tuple[float, ...] = ()

    @classmethod
    def of(cls, replicates: Any, control: Any = ()) -> Replicated:
        """From replicate values (and control values): the mean is computed here."""
        r = tuple(float(v) for v in np.asarray(replicates, dtype=float).ravel())
        c = tuple(float(v) for v in np.asarray(control, dtype=float).ravel())
        return cls(mean_of(r), r, c)

    @property
    def control_mean(self) -> float:
        return mean_of(self.control)
