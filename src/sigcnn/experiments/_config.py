"""The ``make_config`` pattern every experiment shares: a scale profile plus overrides."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, TypeVar

from ..runtime import resolve_scale
from ._base import BaseConfig

ConfigT = TypeVar("ConfigT", bound=BaseConfig)


def scale_and_overrides(scale: str | None, overrides: dict) -> tuple[str, dict]:
    """The resolved scale name and the overrides without ``None`` values (unset CLI options).

    Raises
    ------
    ValueError
        For an unknown scale.
    """
    return resolve_scale(scale), {k: v for k, v in overrides.items() if v is not None}


def scaled_config(
    config_class: type[ConfigT], scales: Mapping[str, Mapping[str, Any]], scale: str, overrides: Mapping[str, Any]
) -> ConfigT:
    """``config_class`` with the settings of ``scales[scale]``, then ``overrides``, applied."""
    return replace(config_class(scale=scale, **scales[scale]), **overrides)
