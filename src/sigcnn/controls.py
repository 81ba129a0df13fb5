"""Controls for claims about trained networks: is the trained value outside the controls' spread?

A claim about what *training* does is supported only when the trained value (the mean over
at least three training seeds) lies outside the min-max spread of the same quantity measured
on controls: the same network untrained (same initialisation seeds), or trained on shuffled
labels. Otherwise the property already holds at initialisation (or by chance).
"""

from __future__ import annotations

from collections.abc import Sequence
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


def compare_to_controls(trained: npt.ArrayLike, controls: npt.ArrayLike,
                        control: str = "untrained") -> ControlComparison:
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
