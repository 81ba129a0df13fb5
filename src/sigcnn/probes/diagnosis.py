"""Reading a training run from its Maximum Gain curve (Stamatescu & McDonnell, section IV-C1),
and our own reading of the same run from its loss curves, to compare one with the other.

The paper states four rules in words. :func:`diagnose_max_gain` makes each one a test of the
*whole* shape it names:

* *jitter* of a curve ``g`` is ``|g[t+1] - 2 g[t] + g[t-1]|`` (zero on any straight segment,
  so a smooth rise or a plateau has none);
* *high variability* is jitter of at least ``noise_ratio`` times the curve's span (90th minus
  10th percentile) and, when trial learning rates give a reference (the paper's caveat), at
  least ``factor`` times the smoothest trial's median jitter;
* for overfitting the paper says "high" can be read from the same curve: the late part must be
  ``factor`` times as jagged as the smooth, flat part before it.

Verdicts (:data:`VERDICTS`): ``"lr_too_high"``, ``"keep_training"`` (learning rate too low, or
train longer), ``"converged"``, ``"overfitting"`` and ``"no_rule"`` (the curve has none of
the four shapes, e.g. a smooth fall).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..signals._validate import Array, Choice, Real, accepts

VERDICTS = ("lr_too_high", "keep_training", "converged", "overfitting", "no_rule")
VERDICT_TEXT = {
    "lr_too_high": "learning rate too high",
    "keep_training": "learning rate too low / keep training",
    "converged": "converged",
    "overfitting": "overfitting: stop training",
    "no_rule": "none of the four shapes",
}
MIN_EPOCHS = 6


@dataclass(frozen=True)
class Diagnosis:
    """A verdict with the numbers it was read from (dB)."""

    verdict: str
    span_db: float
    high_jitter_db: float
    thirds_jitter_db: tuple[float, float, float]
    thirds_rise_db: tuple[float, float, float]
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


@accepts(curve=Array(ndim=1, what="a 1-D curve, one value per epoch"))
def jitter(curve: npt.ArrayLike) -> np.ndarray:
    """Absolute second differences ``|g[t+1] - 2 g[t] + g[t-1]|`` (length ``T - 2``)."""
    g = np.asarray(curve, dtype=np.float64)
    return np.abs(np.diff(g, 2))


def _thirds(n: int) -> list[slice]:
    cuts = np.linspace(0, n, 4).round().astype(int)
    return [slice(cuts[k], cuts[k + 1]) for k in range(3)]


def _per_third(values: np.ndarray, summary: Callable[[np.ndarray], float]) -> tuple[float, float, float]:
    """``summary`` of each third of ``values`` (:func:`_thirds` of its length)."""
    first, second, last = (summary(values[s]) for s in _thirds(values.size))
    return first, second, last


def _rise(segment: np.ndarray) -> float:
    """Rise of the least-squares line through ``segment`` from its first to its last point."""
    if segment.size < 2:
        return 0.0
    return float(np.polyfit(np.arange(segment.size), segment, 1)[0] * (segment.size - 1))


@accepts(
    gains=Array(ndim=1, what="a 1-D curve, one value per epoch"),
    factor=Real(positive=True),
    noise_ratio=Real(positive=True),
    rise_ratio=Real(nonnegative=True),
    floor_db=Real(nonnegative=True),
    reference_jitter_db=Real(nonnegative=True, optional=True),
)
def diagnose_max_gain(
    gains: npt.ArrayLike,
    factor: float = 3.0,
    noise_ratio: float = 0.25,
    rise_ratio: float = 0.15,
    floor_db: float = 0.05,
    reference_jitter_db: float | None = None,
) -> Diagnosis:
    """Apply the four rules of section IV-C1 to a Maximum Gain curve (dB, one value per epoch).

    The curve is cut into thirds (its jitter into thirds too). With ``high`` the high-variability
    level (``noise_ratio`` x span, and ``factor`` x ``reference_jitter_db`` when given):

    1. *High variability across all epochs*: every third's median jitter is at least ``high``
       -> learning rate too high.

    Smoothness is judged against the curve's own level ``smooth = noise_ratio`` x span.

    2. *Smooth, flat behaviour followed by high variability*: some epoch ``k`` splits the curve
       into a part whose jitter is below ``smooth`` and whose second half is flat (rise under
       ``rise_ratio`` x span), and a later part of at least three epochs whose median jitter is
       at least ``factor`` times the earlier part's and at least ``smooth / 2`` -> overfitting.
    3. *Smooth gradual rise across all epochs*: every third is smooth (median jitter below
       ``smooth``) and rises by at least ``rise_ratio / 3`` of the span, and the last third
       still rises by at least ``rise_ratio`` of the span -> learning rate too low / keep training.
    4. *A rise followed by a smooth flattening*: the first two thirds rise by at least
       ``rise_ratio`` x span, the last third is smooth and its rise is below ``rise_ratio``
       x span in size -> converged.

    Anything else is ``"no_rule"``.

    Raises
    ------
    ValueError
        For fewer than :data:`MIN_EPOCHS` epochs, a curve that is not 1-D, or non-finite values.
    """
    g = _curve(gains, "the Maximum Gain curve")
    n = g.size
    j = jitter(g)
    span = max(float(np.percentile(g, 90) - np.percentile(g, 10)), floor_db)
    smooth_level = noise_ratio * span  # smoothness is judged against the curve's own span
    high = smooth_level  # "high" for the learning rate also against the trial rates
    if reference_jitter_db is not None:
        high = max(high, factor * max(reference_jitter_db, floor_db))
    j_thirds = _per_third(j, lambda part: float(np.median(part)) if part.size else 0.0)
    rises = _per_third(g, _rise)

    def result(verdict, reason):
        return Diagnosis(verdict, span, high, j_thirds, rises, reason)

    if min(j_thirds) >= high:
        return result(
            "lr_too_high",
            f"median jitter of every third ({', '.join(f'{v:.2f}' for v in j_thirds)} dB) "
            f"is at least the high-variability level {high:.2f} dB",
        )
    splits = []  # (change-point score, k, calm, jagged) for every split into a smooth, flat part and a jagged one
    for k in range(max(4, n // 3), n - 1):  # the smooth, flat part is g[:k], the jagged part from g[k] on
        calm, jagged = float(np.median(j[: k - 2])), float(np.median(j[k - 2 :]))
        flat = abs(_rise(g[k // 2 : k])) < rise_ratio * span
        if calm < smooth_level and flat and jagged >= max(factor * calm, smooth_level / 2):
            lb, la = np.log(j[: k - 2] + 1e-12), np.log(j[k - 2 :] + 1e-12)  # change point of log jitter
            splits.append(((la.mean() - lb.mean()) * np.sqrt(lb.size * la.size / j.size), k, calm, jagged))
    if splits:
        _, k, calm, jagged = max(splits)
        return result(
            "overfitting",
            f"smooth and flat up to epoch {k} (jitter {calm:.2f} dB), then jitter {jagged:.2f} dB (>= {factor:g} x)",
        )
    smooth = max(j_thirds) < smooth_level
    if smooth and min(rises) >= rise_ratio / 3 * span and rises[2] >= rise_ratio * span:
        return result(
            "keep_training",
            f"smooth and rising in every third ({', '.join(f'{r:+.2f}' for r in rises)} dB), still rising at the end",
        )
    if j_thirds[2] < smooth_level and _rise(g[: 2 * n // 3]) >= rise_ratio * span and abs(rises[2]) < rise_ratio * span:
        return result(
            "converged",
            f"rose by {_rise(g[: 2 * n // 3]):+.2f} dB, then smooth and flat ({rises[2]:+.2f} dB over the last third)",
        )
    return result("no_rule", "the curve has none of the four shapes of section IV-C1")


@accepts(
    train_loss=Array(ndim=1, what="a 1-D curve, one value per epoch"),
    val_loss=Array(ndim=1, what="a 1-D curve, one value per epoch"),
    divergence=Real(nonnegative=True),
    overfit=Real(nonnegative=True),
    still_falling=Real(nonnegative=True),
)
def diagnose_losses(
    train_loss: npt.ArrayLike,
    val_loss: npt.ArrayLike,
    divergence: float = 0.1,
    overfit: float = 0.05,
    still_falling: float = 0.15,
) -> str:
    """Our own verdict from the loss curves, the reference the gain rules are compared with.

    The paper reads its loss curves by eye; these thresholds are ours:

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


@accepts(x=Array(ndim=(0, 1), min_size=0, finite=False), y=Array(ndim=(0, 1), min_size=0, finite=False))
def spearman(x: npt.ArrayLike, y: npt.ArrayLike) -> float:
    """Spearman rank correlation; NaN for fewer than 3 points, a non-finite value or a constant input."""
    from scipy.stats import spearmanr

    x, y = np.asarray(x, float), np.asarray(y, float)
    if x.size < 3 or not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))) or np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan")
    return float(spearmanr(x, y).statistic)


@dataclass
class RunsDiagnosis:
    """The rule verdicts read from one signal (``"gain"`` or ``"alpha"``) of several runs, beside ours from the losses."""

    signal: str
    keys: list[str]
    verdicts: list[str]
    loss_verdicts: list[str]
    reasons: list[str]
    spearman: list[float]

    @property
    def agreement(self) -> float:
        """Fraction of runs where the rules and our loss rule give the same verdict (NaN without runs)."""
        return float(np.mean(np.array(self.verdicts) == np.array(self.loss_verdicts))) if self.keys else float("nan")

    def metrics(self, prefix: str = "") -> dict:
        finite = [r for r in self.spearman if np.isfinite(r)]
        out = {
            f"{prefix}diagnosed_runs": len(self.keys),
            f"{prefix}diagnosis_agreement": self.agreement,
            f"{self.signal}_val_loss_spearman_median": float(np.median(finite)) if finite else float("nan"),
        }
        for key, v, loss_v, r in zip(self.keys, self.verdicts, self.loss_verdicts, self.spearman):
            out[f"{key}__{prefix}agrees_with_loss"] = v == loss_v
            out[f"{key}__spearman_{self.signal}_val_loss"] = r
        return out

    def arrays(self) -> dict:
        if not self.keys:
            return {}
        s = self.signal
        return {
            f"verdict_{s}": np.array(self.verdicts),
            f"verdict_{s}_reason": np.array(self.reasons),
            f"spearman_{s}_val_loss": np.array(self.spearman),
            f"verdict_{s}_keys": np.array(self.keys),
            "verdict_loss": np.array(self.loss_verdicts),
        }


@accepts(signal=Choice(("gain", "alpha")))
def diagnose_runs(
    keys: Sequence[str], studies: Sequence[object], curves: list[dict], signal: str = "gain"
) -> RunsDiagnosis:
    """Read ``curves[k][signal]`` of every run with the rules and its losses with :func:`diagnose_losses`.

    What counts as high variability for a learning-rate verdict is set, as the paper advises, by
    trialling several rates: the reference is the smoothest finite curve among the *other* runs of
    the same study (none when the study has no other finite curve: the curve is then judged alone).
    A run with non-finite values diverged: both readings say ``"lr_too_high"``. For a signal other
    than the gain (weightwatcher's alpha, no unit) the same thresholds apply; "dB" is dropped from the reasons.
    """
    ok = [signal in c and c[signal].size >= MIN_EPOCHS for c in curves]
    own = [
        float(np.median(jitter(c[signal]))) if good and np.all(np.isfinite(c[signal])) else None
        for c, good in zip(curves, ok)
    ]
    out = RunsDiagnosis(signal, [], [], [], [], [])
    for k, (key, study, c, good) in enumerate(zip(keys, studies, curves, ok)):
        if not good:
            continue
        others = [j for i, (j, s) in enumerate(zip(own, studies)) if i != k and s == study and j is not None]
        if np.all(np.isfinite(c[signal])) and np.all(np.isfinite(c["val_loss"])):
            diag = diagnose_max_gain(c[signal], reference_jitter_db=min(others) if others else None)
            verdict, reason, loss = diag.verdict, diag.reason, diagnose_losses(c["train_loss"], c["val_loss"])
            reason = reason if signal == "gain" else reason.replace(" dB", "")
        else:
            verdict, reason, loss = "lr_too_high", "non-finite values: training diverged", "lr_too_high"
        for field_, value in zip(
            ("keys", "verdicts", "loss_verdicts", "reasons", "spearman"),
            (key, verdict, loss, reason, spearman(c[signal], c["val_loss"])),
        ):
            getattr(out, field_).append(value)
    return out


@accepts(signal=Choice(("gain", "alpha")))
def agreement_rows(arrays: dict, signal: str = "gain") -> list[dict]:
    """Rows for the agreement table of a result's ``arrays``: run, both verdicts, agreement, Spearman, reason."""
    if f"verdict_{signal}" not in arrays:
        return []
    label = dict(
        zip(map(str, arrays["run_keys"]), zip(map(str, arrays["run_studies"]), map(str, arrays["run_labels"])))
    )
    return [
        {
            "study": label[str(k)][0],
            "run": label[str(k)][1],
            "rules": VERDICT_TEXT[str(v)],
            "loss": VERDICT_TEXT[str(loss_v)],
            "agree": bool(v == loss_v),
            "rho": float(r),
            "why": str(why),
        }
        for k, v, loss_v, r, why in zip(
            arrays[f"verdict_{signal}_keys"],
            arrays[f"verdict_{signal}"],
            arrays["verdict_loss"],
            arrays[f"spearman_{signal}_val_loss"],
            arrays[f"verdict_{signal}_reason"],
        )
    ]
