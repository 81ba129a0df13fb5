"""Controls for claims about trained networks: is the trained value outside the controls' spread?

A claim about what *training* does is supported only when the trained value (the mean over
at least three training seeds) lies outside the min-max spread of the same quantity measured
on controls: the same network untrained (same initialisation seeds), or trained on shuffled
labels. Otherwise the property already holds at initialisation (or by chance).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class ControlComparison:
    """A trained quantity over seeds beside the same quantity on controls."""

    trained: tuple[float, ...]
    controls: tuple[float, ...]
    control: str

    @property
    def trained_mean(self) -> float:
        return float(np.mean(self.trained))

    @property
    def control_min(self) -> float:
        return float(np.min(self.controls))

    @property
    def control_max(self) -> float:
        return float(np.max(self.controls))

    @property
    def outside(self) -> bool:
        """``True`` when the trained mean lies strictly outside ``[control_min, control_max]``."""
        return bool(self.trained_mean < self.control_min or self.trained_mean > self.control_max)

    def verdict(self, claim_holds: bool) -> str:
        """Words for the verdict: ``claim_holds`` says whether the trained value has the property claimed."""
        if not claim_holds:
            return "does not support the paper"
        if self.outside:
            return f"supports the paper (outside the {self.control} spread)"
        return f"holds at initialisation too (inside the {self.control} spread): not an effect of training"


def compare_to_controls(
    trained: npt.ArrayLike, controls: npt.ArrayLike, control: str = "untrained"
) -> ControlComparison:
    """Compare trained values (one per seed) with control values (one per control seed).

    Raises
    ------
    ValueError
        When either list is empty or holds a non-finite value.
    """
    t = np.asarray(trained, dtype=float).ravel()
    c = np.asarray(controls, dtype=float).ravel()
    if t.size == 0 or c.size == 0:
        raise ValueError("compare_to_controls needs at least one trained and one control value")
    if not (np.isfinite(t).all() and np.isfinite(c).all()):
        raise ValueError("compare_to_controls: trained and control values must be finite")
    return ControlComparison(tuple(map(float, t)), tuple(map(float, c)), control)


def control_metrics(metric: str, comparison: ControlComparison) -> dict[str, float | bool]:
    """The metrics a result stores for a controlled quantity (the names the report reads).

    ``{metric}`` is the trained mean; ``{metric}_trained_min/max`` the spread over training seeds;
    ``{metric}_control_min/max`` the controls' spread; ``{metric}_outside_controls`` the test.
    """
    return {
        metric: comparison.trained_mean,
        f"{metric}_trained_min": float(min(comparison.trained)),
        f"{metric}_trained_max": float(max(comparison.trained)),
        f"{metric}_control_min": comparison.control_min,
        f"{metric}_control_max": comparison.control_max,
        f"{metric}_outside_controls": comparison.outside,
    }


def controlled_means(
    trained: Sequence[Mapping[str, float]],
    untrained: Sequence[Mapping[str, float]],
    shuffled: Sequence[Mapping[str, float]],
    keys: Iterable[str],
) -> dict[str, float | bool]:
    """Per key, the mean over training seeds beside the untrained spread (and the shuffled-label spread).

    Each element of ``trained``/``untrained``/``shuffled`` holds one seed's metrics. For every ``key``
    this writes :func:`control_metrics` under ``{key}_mean`` (untrained control) and, when
    ``shuffled`` holds finite values of ``key``, ``{key}_mean_shuffled_min/_max`` and
    ``{key}_mean_outside_shuffled`` (non-finite shuffled values, from layers with no energy, are left out).

    Raises
    ------
    ValueError
        When ``trained`` or ``untrained`` is empty (see :func:`compare_to_controls`).
    """
    out: dict[str, float | bool] = {}
    for key in keys:
        comparison = compare_to_controls([m[key] for m in trained], [m[key] for m in untrained], "untrained")
        out.update(control_metrics(f"{key}_mean", comparison))
        values = [m[key] for m in shuffled if np.isfinite(m[key])]  # a silent shuffled network may have none
        if values:
            out[f"{key}_mean_shuffled_min"], out[f"{key}_mean_shuffled_max"] = min(values), max(values)
            out[f"{key}_mean_outside_shuffled"] = not min(values) <= out[f"{key}_mean"] <= max(values)
    return out


def directional_verdict(metrics: Mapping[str, float], metric: str, holds: Callable[[float], bool], side: int) -> str:
    """Words for a directional claim about training, from the metrics :func:`controlled_means` writes.

    ``holds(value)`` says whether the trained mean ``metrics[metric]`` has the property claimed;
    ``side`` is where training would have put it relative to the untrained spread (-1 below, +1
    above). Four outcomes: the property fails; it holds and the mean is outside the spread on
    ``side`` (training made the difference); it holds inside the spread (it holds at
    initialisation too); it holds but the mean is outside on the other side (stronger at
    initialisation).

    Raises
    ------
    ValueError
        When ``side`` is not -1 or +1.
    """
    if side not in (-1, 1):
        raise ValueError(f"side must be -1 (below the controls) or +1 (above), got {side!r}")
    m = metric
    value, low, high = metrics[m], metrics[f"{m}_control_min"], metrics[f"{m}_control_max"]
    text = (
        f"{value:+.3f} (training seeds {metrics[m + '_trained_min']:+.3f} to {metrics[m + '_trained_max']:+.3f}; "
        f"untrained {low:+.3f} to {high:+.3f}"
    )
    if f"{m}_shuffled_min" in metrics:
        text += f"; shuffled labels {metrics[m + '_shuffled_min']:+.3f} to {metrics[m + '_shuffled_max']:+.3f}"
    text += ") -> "
    if not holds(value):
        return text + "does NOT support the paper."
    if (side < 0 and value < low) or (side > 0 and value > high):
        return text + "supports the paper, and training made the difference (outside the untrained spread)."
    if low <= value <= high:
        return text + (
            "the paper's property holds, but it holds at initialisation too (inside the untrained "
            "spread): not an effect of training."
        )
    return text + (
        "the paper's property holds, but more strongly at initialisation (training moved the value "
        "towards the other side): not an effect of training."
    )
