"""A quantity measured on trained networks (one value per training seed) beside untrained controls.

:class:`Seeds` flattens to the keys the stored reference runs already use (``{key}`` the trained
mean, ``{key}_trained_min/max``, ``{key}_control_min/max``, ``{key}_shuffled_min/max``) plus the
replicate lists a :class:`~sigcnn.verdicts.Claim` reads: ``{key}_replicates`` (trained),
``{key}_control`` (untrained) and ``{key}_shuffled`` (trained on shuffled labels, if any).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._metrics import mean_of


def _finite(values) -> tuple[float, ...]:
    arr = np.asarray(values, dtype=float).ravel()
    return tuple(float(v) for v in arr[np.isfinite(arr)])


def _ends(values: tuple[float, ...]) -> tuple[float | None, float | None]:
    return (min(values), max(values)) if values else (None, None)


@dataclass(frozen=True)
class Seeds:
    """Trained replicates, untrained controls and (optionally) shuffled-label networks of one quantity.

    Non-finite values (a silent layer has no centroid) are left out; the engine then tests what is left.
    """

    value: float
    replicates: tuple[float, ...]
    control: tuple[float, ...]
    shuffled: tuple[float, ...]
    trained_min: float | None
    trained_max: float | None
    control_min: float | None
    control_max: float | None
    shuffled_min: float | None
    shuffled_max: float | None

    @classmethod
    def of(cls, trained, control=(), shuffled=()) -> Seeds:
        """From the per-seed values of each arm (the mean and the ends are computed here)."""
        t, c, s = _finite(trained), _finite(control), _finite(shuffled)
        return cls(mean_of(t), t, c, s, *_ends(t), *_ends(c), *_ends(s))


def transformed(seeds: Seeds, f) -> Seeds:
    """``seeds`` with ``f`` applied to every value of every arm (e.g. a distance from a target)."""
    return Seeds.of([f(v) for v in seeds.replicates], [f(v) for v in seeds.control], [f(v) for v in seeds.shuffled])
