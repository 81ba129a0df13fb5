"""Reading a training run from its Maximum Gain curve (Stamatescu & McDonnell, section IV-C1),
and the same verdicts read from the validation loss, to check one against the other.

The paper states four rules in words. :func:`diagnose_max_gain` makes them computable:

* *jitter* of a curve ``g`` is the size of its second differences ``|g[t+1] - 2 g[t] + g[t-1]|``
  (zero for any straight-line segment, so a smooth rise or a plateau has little jitter);
* the *variability threshold* comes from the curve itself, as the paper suggests for
  overfitting: it is ``factor`` times the median jitter of the curve's first half (the part that
  is smooth when training goes well), with a small floor;
* the curve's *span* (robust range: 90th minus 10th percentile) sets the scale against which
  jitter counts as "high variability across all epochs".

Verdicts (:data:`VERDICTS`): ``"lr_too_high"``, ``"keep_training"`` (learning rate too low, or
train longer), ``"converged"``, ``"overfitting"``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

VERDICTS = ("lr_too_high", "keep_training", "converged", "overfitting")
VERDICT_TEXT = {
    "lr_too_high": "learning rate too high",
    "keep_training": "learning rate too low / keep training",
    "converged": "converged",
    "overfitting": "overfitting: stop training",
}
MIN_EPOCHS = 5


@dataclass(frozen=True)
class Diagnosis:
    """A verdict with the numbers it was read from."""

    verdict: str
    threshold_db: float
    early_jitter_db: float
    late_jitter_db: float
    span_db: float
    late_rise_db: float
    reason: str


def _curve(values, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D sequence (one value per epoch), got shape {arr.shape}")
    if arr.size < MIN_EPOCHS:
        raise ValueError(f"{name} needs at least {MIN_EPOCHS} epochs to be diagnosed, got {arr.size}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def jitter(curve) -> np.ndarray:
    """Absolute second differences ``|g[t+1] - 2 g[t] + g[t-1]|`` (length ``T - 2``)."""
    g = np.asarray(curve, dtype=np.float64)
    return np.abs(np.diff(g, 2))


def diagnose_max_gain(gains, factor: float = 3.0, noise_ratio: float = 0.25,
                      rise_ratio: float = 0.2, floor_db: float = 0.05,
                      reference_jitter_db: float | None = None) -> Diagnosis:
    """Apply the four rules of section IV-C1 to a Maximum Gain curve (dB, one value per epoch).

    1. *High variability across all epochs* (median jitter of the whole curve at least
       ``noise_ratio`` times its span, and, when ``reference_jitter_db`` is given, at least
       ``factor`` times that reference): learning rate too high. The paper notes that this
       judgement needs a few trial learning rates; ``reference_jitter_db`` is the median
       jitter of the smoothest of them. Without it, the curve is judged on its own.
    2. *Smooth, flat behaviour followed by high variability* (median jitter of the last third
       above the threshold ``factor x`` median jitter of the first half, and above
       ``noise_ratio / 2`` of the span): overfitting, time to stop.
    3. *Smooth rise that has not flattened* (the linear trend over the last third rises by at
       least ``rise_ratio`` of the span): learning rate too low, or keep training.
    4. Otherwise, *a rise followed by smooth flattening*: converged.

    Raises
    ------
    ValueError
        For fewer than five epochs, a curve that is not 1-D, or non-finite values.
    """
    g = _curve(gains, "the Maximum Gain curve")
    n = g.size
    j = jitter(g)
    span = float(np.percentile(g, 90) - np.percentile(g, 10))
    early = j[: max(1, (n - 2) // 2)]
    late = j[-max(1, n // 3):]
    early_jitter, late_jitter, all_jitter = float(np.median(early)), float(np.median(late)), float(np.median(j))
    threshold = max(factor * early_jitter, floor_db)
    tail = g[-max(3, n // 3):]
    slope = np.polyfit(np.arange(tail.size), tail, 1)[0]
    late_rise = float(slope * (tail.size - 1))
    scale = max(span, floor_db)
    above_reference = reference_jitter_db is None or all_jitter >= factor * max(reference_jitter_db, floor_db)
    if all_jitter >= noise_ratio * scale and above_reference:
        verdict = "lr_too_high"
        reason = f"median jitter {all_jitter:.2f} dB is >= {noise_ratio:g} x the curve's span {span:.2f} dB"
        if reference_jitter_db is not None:
            reason += f" and >= {factor:g} x the smoothest trial's {reference_jitter_db:.2f} dB"
    elif late_jitter > threshold and late_jitter >= 0.5 * noise_ratio * scale:
        verdict = "overfitting"
        reason = (f"late jitter {late_jitter:.2f} dB exceeds the threshold {threshold:.2f} dB "
                  f"({factor:g} x the early jitter {early_jitter:.2f} dB)")
    elif late_rise >= rise_ratio * scale:
        verdict = "keep_training"
        reason = f"still rising by {late_rise:.2f} dB over the last third (span {span:.2f} dB)"
    else:
        verdict = "converged"
        reason = f"smooth and flat at the end (late rise {late_rise:+.2f} dB, span {span:.2f} dB)"
    return Diagnosis(verdict, threshold, early_jitter, late_jitter, span, late_rise, reason)


def diagnose_losses(train_loss, val_loss, divergence: float = 0.1, overfit: float = 0.05,
                    still_falling: float = 0.15) -> str:
    """The verdict the usual curves give, to compare with :func:`diagnose_max_gain`.

    * ``"lr_too_high"``: the training loss ends ``divergence`` (relative) above its minimum, or
      the validation loss ends above its first value (learning broke down);
    * ``"overfitting"``: the validation loss ends ``overfit`` (relative) above its minimum while
      the training loss keeps falling;
    * ``"keep_training"``: over the last third of the epochs the validation loss fell by more
      than ``still_falling`` of its whole range (it is still going down);
    * ``"converged"`` otherwise.
    """
    tr = _curve(train_loss, "the training loss")
    va = _curve(val_loss, "the validation loss")
    if tr.size != va.size:
        raise ValueError(f"training and validation losses have {tr.size} and {va.size} epochs")
    k = max(2, va.size // 3)
    if tr[-1] > (1 + divergence) * tr.min() or va[-1] > va[0]:
        return "lr_too_high"
    if va[-1] > (1 + overfit) * va.min() and tr[-1] <= tr[-k]:
        return "overfitting"
    if va[-k] - va[-1] > still_falling * (va.max() - va.min()):
        return "keep_training"
    return "converged"
