"""The ``make_config`` pattern every experiment shares: a scale profile plus overrides."""

from __future__ import annotations

from dataclasses import replace

from ..runtime import resolve_scale


def scale_and_overrides(scale: str | None, overrides: dict) -> tuple[str, dict]:
    """The resolved scale name and the overrides without ``None`` values (unset CLI options).

    Raises
    ------
    ValueError
        For an unknown scale.
    """
    return resolve_scale(scale), {k: v for k, v in overrides.items() if v is not None}


def scaled_config(config_class, scales: dict, scale: str, overrides: dict):
    """``config_class`` with the settings of ``scales[scale]``, then ``overrides``, applied."""
    return replace(config_class(scale=scale, **scales[scale]), **overrides)
