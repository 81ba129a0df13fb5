"""Algorithm 2 of Wu et al. (2022), shared by the audio and the segmentation post-shift experiments.

For each seed ``s``: a source network trained with seed ``s`` gives DIFF (Eq. 43, our reading;
the caller's ``diff_for_seed``), and a target network is trained three times from the same
initialisation and data order, on inputs that are

* ``original``: unchanged;
* ``post-shift``: multiplied in amplitude by ``exp(DIFF_s / 2)`` (Algorithm 2, lines 5-7);
* ``random-shift``: shifted by ``DIFF_s`` with its values permuted across frequencies (same size,
  no relation to the source network), a permutation drawn from seed ``s``.

Both shifted arms therefore carry the same sources of variation (the source network's seed and
the target network's seed), so ``post-shift − random-shift`` is a paired difference per seed.
Shifted inputs are rescaled by one global factor so that the training set keeps its RMS.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import stats

from ..signals.spectral_summaries import apply_spectral_shift, random_shift_like

ARMS = ("original", "post-shift", "random-shift")


def paired_interval(diffs: npt.ArrayLike, level: float = 0.95) -> tuple[float, float, float]:
    """Mean of paired differences and its Student-t confidence interval (NaN bounds below 2 values)."""
    d = np.asarray(diffs, dtype=float)
    if d.size < 2:
        return float(d.mean()), float("nan"), float("nan")
    half = stats.t.ppf(0.5 + level / 2, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size)
    return float(d.mean()), float(d.mean() - half), float(d.mean() + half)


def shifted_pair(
    train: np.ndarray, test: np.ndarray, gain: np.ndarray | None, axes: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """``train`` and ``test`` post-shifted by ``gain`` (unchanged when ``None``), rescaled by one
    factor that gives the shifted training set the original training set's RMS."""
    if gain is None:
        return train, test
    tr, te = apply_spectral_shift(train, gain, axes=axes), apply_spectral_shift(test, gain, axes=axes)
    factor = np.sqrt(np.mean(np.square(train))) / np.sqrt(np.mean(np.square(tr)))
    return (tr * factor).astype(train.dtype), (te * factor).astype(test.dtype)


def arm_seed(base_seed: int, s: int) -> int:
    """The seed of replicate ``s``: source network, target network and random permutation."""
    return base_seed * 100 + s


def three_arms(
    train: np.ndarray,
    test: np.ndarray,
    *,
    seeds: int,
    base_seed: int,
    diff_for_seed: Callable[[int], np.ndarray],
    score: Callable[[str, int, np.ndarray, np.ndarray], Any],
    axes: int = 1,
    diff_per_seed: bool = True,
) -> tuple[dict[str, list[Any]], list[np.ndarray]]:
    """Algorithm 2's three arms over ``seeds`` replicates: ``score(arm, seed, train', test')`` per arm.

    ``diff_for_seed(seed)`` trains the source network with ``seed`` and returns its DIFF;
    ``score`` trains the target network with ``seed`` on ``train'`` and scores it on ``test'``.
    With ``diff_per_seed=False`` the first replicate's DIFF serves every replicate (the design
    before issue 21, item 17: then only the random arm varies with the source). Returns the
    scores per arm (one per replicate, in seed order) and the DIFF of each replicate.
    """
    if seeds < 1:
        raise ValueError(f"seeds must be at least 1, got {seeds}")
    scores: dict[str, list[Any]] = {arm: [] for arm in ARMS}
    diffs: list[Any] = []
    for s in range(seeds):
        seed = arm_seed(base_seed, s)
        diff = diff_for_seed(seed) if diff_per_seed or not diffs else diffs[0]
        diffs.append(diff)
        gains = {
            "original": None,
            "post-shift": diff,
            "random-shift": random_shift_like(diff, np.random.default_rng(seed)),
        }
        for arm in ARMS:
            tr, te = shifted_pair(train, test, gains[arm], axes)
            scores[arm].append(score(arm, seed, tr, te))
    return scores, diffs


def diff_agreement(diffs: list[np.ndarray]) -> float:
    """Mean pairwise Pearson correlation of the DIFFs of different source seeds (NaN for one seed):
    how much of DIFF is the source network's seed."""
    flat = [np.asarray(d, dtype=float).ravel() for d in diffs]
    pairs = [np.corrcoef(a, b)[0, 1] for i, a in enumerate(flat) for b in flat[i + 1 :]]
    return float(np.mean(pairs)) if pairs else float("nan")
