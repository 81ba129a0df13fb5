"""One statistical verdict engine for every claim in the book.

A :class:`Claim` is declared as data: the quantity (a field of the experiment's metrics that holds
one value per replicate), the direction the paper states, the unit of replication, and what it is
compared with — a control's replicates (two samples: Welch's *t* statistic, its p-value from
the permutation distribution, exact for 3 trained seeds), or a fixed null value (one
sample, or paired differences, Student's *t*). A deterministic quantity with a stated target is
checked to a tolerance instead (no test, no false positives to control).

:func:`decide` turns the replicates into a :class:`Verdict`: **supported** when the effect is
significant (two-sided, Holm-adjusted across the family of claims decided together) and lies on
the claimed side; **contradicted** when it is significant on the other side; **inconclusive**
otherwise. Every verdict carries the effect, its 95 % interval (not adjusted), the replicate
counts and the smallest effect the design could detect with 80 % power. Because "supported" needs
a two-sided test at level α on the claimed side, its false-positive rate under no effect is at
most α/2 per claim (tested in ``tests/test_verdicts.py`` by simulation).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
from scipy import stats

ALPHA = 0.05
"""Family-wise error rate of the two-sided tests (Holm's step-down across a family)."""

POWER = 0.8
"""The power at which :attr:`Verdict.detectable` is stated."""

PERMUTATIONS = 2000
"""Resamples of a two-sample permutation test (exact enumeration when there are fewer partitions)."""
"""The power at which :attr:`Verdict.detectable` is stated."""

OUTCOMES = ("supported", "contradicted", "inconclusive", "no test")

Outcome = Literal["supported", "contradicted", "inconclusive", "no test"]
Direction = Literal["greater", "less", "equal"]


@dataclass(frozen=True)
class Claim:
    """A claim of a paper (or ours), declared as data.

    Parameters
    ----------
    id : short name, unique within its experiment (``"post_shift_helps"``).
    statement : the claim in words (who states it: the paper, or ``source="ours"``).
    quantity : metrics key of the replicate values (a list of numbers, one per replicate).
    direction : ``"greater"`` (the quantity exceeds its control/null), ``"less"``, or
        ``"equal"`` (a deterministic value that must equal :attr:`null` within :attr:`tolerance`).
    unit : the unit of replication (``"training seeds"``, ``"noise draws"``, ``"test images"``).
    control : metrics key of the control's replicate values (two samples), or ``None`` to
        compare with :attr:`null` (one sample; for a paired design, ``quantity`` holds the
        paired differences).
    control_label : the control in words (``"untrained, 12 seeds"``); required with ``control``.
    null : the value of no effect when there is no ``control`` (the target for ``"equal"``).
    tolerance : for ``"equal"``: the largest allowed ``|mean − null|``.
    source : ``"paper"`` when the paper states the claim, ``"ours"`` when the claim is ours.
    no_control : why no control applies (required when ``control`` is ``None`` and the
        claim compares with a null value; shown in the report).
    """

    id: str
    statement: str
    quantity: str
    direction: Direction
    unit: str
    control: str | None = None
    control_label: str = ""
    null: float = 0.0
    tolerance: float | None = None
    source: Literal["paper", "ours"] = "paper"
    no_control: str = ""

    def __post_init__(self):
        if self.direction not in ("greater", "less", "equal"):
            raise ValueError(f"claim {self.id!r}: direction must be greater, less or equal, got {self.direction!r}")
        if self.source not in ("paper", "ours"):
            raise ValueError(f"claim {self.id!r}: source must be 'paper' or 'ours', got {self.source!r}")
        if self.direction == "equal":
            if self.tolerance is None or not self.tolerance >= 0:
                raise ValueError(f"claim {self.id!r}: an 'equal' claim needs a tolerance >= 0")
            if self.control is not None:
                raise ValueError(f"claim {self.id!r}: an 'equal' claim compares with null, not a control")
        if self.control is not None and not self.control_label:
            raise ValueError(f"claim {self.id!r}: a control needs a control_label (what it is, in words)")
        if self.control is None and self.direction != "equal" and not self.no_control:
            raise ValueError(
                f"claim {self.id!r}: without a control, say why none applies (no_control=...) "
                "and what the null value means"
            )

    @property
    def keys(self) -> tuple[str, ...]:
        """The metrics keys this claim reads."""
        return (self.quantity,) if self.control is None else (self.quantity, self.control)


@dataclass(frozen=True)
class Verdict:
    """What the engine says about one claim."""

    claim: str
    outcome: Outcome
    effect: float
    low: float
    high: float
    n: int
    n_control: int
    p: float
    p_adjusted: float
    detectable: float
    test: str
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (non-finite numbers as ``None``)."""
        return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Verdict:
        """Inverse of :meth:`to_dict`.

        Raises
        ------
        ValueError
            When a field is missing or the outcome is unknown.
        """
        names = {f for f in cls.__dataclass_fields__}
        missing = names - set(data) - {"reason"}
        if missing:
            raise ValueError(f"verdict lacks {sorted(missing)}")
        if data["outcome"] not in OUTCOMES:
            raise ValueError(f"verdict outcome must be one of {OUTCOMES}, got {data['outcome']!r}")
        clean: dict[str, Any] = {
            k: (math.nan if data.get(k) is None and k in _FLOATS else data.get(k, "")) for k in names
        }
        return cls(**clean)

    def effect_text(self, fmt=lambda v: f"{v:+.3g}") -> str:
        """``+1.2 (95 % CI −0.3 … +2.7; 3 vs 12 training seeds)`` style text."""
        if self.test == "tolerance":
            return f"{fmt(self.effect)} from the target (tolerance {fmt(self.detectable)})"
        if not math.isfinite(self.effect):
            return "—"
        n = f"{self.n} vs {self.n_control}" if self.n_control else f"n = {self.n}"
        return f"{fmt(self.effect)} (95 % CI {fmt(self.low)} … {fmt(self.high)}; {n})"


_FLOATS = {"effect", "low", "high", "p", "p_adjusted", "detectable"}


def replicates(value: Any, key: str) -> np.ndarray:
    """``value`` as a 1-D float array of finite replicates.

    Raises
    ------
    ValueError
        When it is missing, empty, not numeric, or holds a non-finite value (naming ``key``).
    """
    if value is None:
        raise ValueError(f"{key}: no replicate values")
    try:
        arr = np.asarray(value, dtype=float).ravel()
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{key}: replicate values must be numbers, got {value!r}") from exc
    if arr.size == 0:
        raise ValueError(f"{key}: no replicate values")
    if not np.isfinite(arr).all():
        raise ValueError(f"{key}: replicate values must be finite, got {arr.tolist()}")
    return arr


def _t_quantiles(df: float) -> tuple[float, float]:
    return float(stats.t.ppf(1 - ALPHA / 2, df)), float(stats.t.ppf(POWER, df))


def _one_sample(x: np.ndarray, null: float) -> tuple[float, float, float, float, float, str]:
    effect = float(x.mean() - null)
    n = x.size
    if n < 2:
        return effect, math.nan, math.nan, math.nan, math.nan, "one-sample t (needs ≥ 2 replicates)"
    se = float(x.std(ddof=1) / math.sqrt(n))
    df = n - 1
    if se == 0.0:
        p = 1.0 if effect == 0 else 0.0
        return effect, effect, effect, p, 0.0, "one-sample t (no spread)"
    tq, tp = _t_quantiles(df)
    p = float(2 * stats.t.sf(abs(effect) / se, df))
    return effect, effect - tq * se, effect + tq * se, p, (tq + tp) * se, "one-sample t"


def _two_sample(x: np.ndarray, c: np.ndarray) -> tuple[float, float, float, float, float, str]:
    effect = float(x.mean() - c.mean())
    if x.size < 2 or c.size < 2:
        return effect, math.nan, math.nan, math.nan, math.nan, "Welch t (needs ≥ 2 replicates per arm)"
    vx, vc = x.var(ddof=1) / x.size, c.var(ddof=1) / c.size
    se = math.sqrt(vx + vc)
    if se == 0.0:
        p = 1.0 if effect == 0 else 0.0
        return effect, effect, effect, p, 0.0, "Welch t (no spread)"
    df = (vx + vc) ** 2 / (vx**2 / (x.size - 1) + vc**2 / (c.size - 1))  # Welch–Satterthwaite
    tq, tp = _t_quantiles(df)
    # Welch's p-value is liberal at 3 trained seeds (6.6 % two-sided at 3 vs 12 by simulation); the
    # permutation distribution of the same statistic is exact when the arms are exchangeable.
    p = float(
        stats.permutation_test(
            (x, c),
            _welch_statistic,
            vectorized=True,
            n_resamples=PERMUTATIONS,
            alternative="two-sided",
            permutation_type="independent",
            rng=np.random.default_rng(0),
        ).pvalue
    )
    return effect, effect - tq * se, effect + tq * se, p, (tq + tp) * se, "Welch t, permutation p"


def _welch_statistic(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
    with warnings.catch_warnings():  # near-identical resamples: scipy warns of precision loss, the statistic stands
        warnings.simplefilter("ignore", RuntimeWarning)
        return stats.ttest_ind(x, y, equal_var=False, axis=axis).statistic


def holm(pvalues: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values (NaN stays NaN and is not counted)."""
    p = np.asarray(pvalues, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.flatnonzero(np.isfinite(p))
    order = ok[np.argsort(p[ok], kind="stable")]
    m, running = len(order), 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return out.tolist()


_Raw = tuple[float, float, float, float, float, str, int, int]
"""effect, low, high, p, detectable, test, n, n_control of one claim, before Holm's adjustment."""


def _raw(claim: Claim, metrics: Mapping[str, Any]) -> _Raw:
    x = replicates(metrics.get(claim.quantity), claim.quantity)
    if claim.direction == "equal":
        effect = float(x.mean() - claim.null)
        assert claim.tolerance is not None  # Claim.__post_init__ refuses an 'equal' claim without one
        return effect, effect, effect, math.nan, float(claim.tolerance), "tolerance", x.size, 0
    if claim.control is None:
        return (*_one_sample(x, claim.null), x.size, 0)
    c = replicates(metrics.get(claim.control), claim.control)
    return (*_two_sample(x, c), x.size, c.size)


def decide(claims: Iterable[Claim], metrics: Mapping[str, Any]) -> dict[str, Verdict]:
    """Verdicts for a family of claims on one result's ``metrics`` (Holm across the family).

    A claim whose replicates are missing (not measured at this scale) gets ``"no test"`` with the
    reason; it does not count in the family.
    """
    claims = list(claims)
    raws: dict[str, _Raw | str] = {}
    for claim in claims:
        try:
            raws[claim.id] = _raw(claim, metrics)
        except ValueError as exc:
            raws[claim.id] = str(exc)
    tested = [(c.id, raw) for c in claims if not isinstance(raw := raws[c.id], str) and raw[5] != "tolerance"]
    adjusted = dict(zip([i for i, _ in tested], holm([raw[3] for _, raw in tested]), strict=True))
    out = {}
    for claim in claims:
        raw = raws[claim.id]
        if isinstance(raw, str):
            out[claim.id] = Verdict(claim.id, "no test", *(math.nan,) * 3, 0, 0, *(math.nan,) * 3, "none", raw)
            continue
        effect, low, high, p, detectable, test, n, n_control = raw
        outcome: Outcome
        if test == "tolerance":
            outcome = "supported" if abs(effect) <= detectable else "contradicted"  # detectable: the tolerance
            out[claim.id] = Verdict(claim.id, outcome, effect, low, high, n, 0, math.nan, math.nan, detectable, test)
            continue
        p_adj = adjusted[claim.id]
        if not math.isfinite(p_adj):
            outcome, reason = "inconclusive", "too few replicates for a test"
        elif p_adj < ALPHA and effect != 0:
            on_side = effect > 0 if claim.direction == "greater" else effect < 0
            outcome, reason = ("supported" if on_side else "contradicted"), ""
        else:
            outcome, reason = "inconclusive", ""
        out[claim.id] = Verdict(claim.id, outcome, effect, low, high, n, n_control, p, p_adj, detectable, test, reason)
    return out


def decide_one(claim: Claim, metrics: Mapping[str, Any]) -> Verdict:
    """The verdict of one claim on its own (a family of one)."""
    return decide([claim], metrics)[claim.id]


def check_claims(claims: Iterable[Claim], keys: Iterable[str], owner: str) -> None:
    """Fail when claim ids repeat or a claim reads a metrics key that ``keys`` does not declare.

    Raises
    ------
    ValueError
        Naming ``owner``, the claim and the unknown key.
    """
    known, seen = set(keys), set()
    for claim in claims:
        if claim.id in seen:
            raise ValueError(f"{owner}: claim id {claim.id!r} appears twice")
        seen.add(claim.id)
        for key in claim.keys:
            if key not in known:
                raise ValueError(f"{owner}: claim {claim.id!r} reads {key!r}, which the metrics do not declare")


def sentence(claim: Claim, verdict: Verdict, fmt=lambda v: f"{v:+.3g}") -> str:
    """One sentence for a page: the outcome, the claim, the effect with its interval and what it
    was compared with (computed, never hard-coded)."""
    who = "our" if claim.source == "ours" else "the paper's"
    if verdict.outcome == "no test":
        return f"**no test** ({who} claim: {claim.statement}): {verdict.reason}."
    if verdict.test == "tolerance":
        return (
            f"**{verdict.outcome}** ({who} claim: {claim.statement}): mean {fmt(verdict.effect + claim.null)} "
            f"against {fmt(claim.null)}, tolerance {fmt(claim.tolerance)}."
        )
    against = f"(minus {claim.control_label})" if claim.control else f"against {fmt(claim.null)} ({claim.no_control})"
    extra = f" {verdict.reason}." if verdict.reason else ""
    return (
        f"**{verdict.outcome}** ({who} claim: {claim.statement}): effect {verdict.effect_text(fmt)} "
        f"{against}; {verdict.test}, Holm-adjusted p = {verdict.p_adjusted:.2g}; the design detects "
        f"{fmt(verdict.detectable)} with {POWER:.0%} power.{extra}"
    )
