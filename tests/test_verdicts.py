"""The verdict engine: its false-positive rate and power by simulation, its statistics against scipy."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from sigcnn.verdicts import ALPHA, Claim, Verdict, decide, decide_one, holm, sentence

TRAINED_VS_UNTRAINED = Claim(
    "rises", "training raises the quantity", "q", "greater", "training seeds", control="c", control_label="untrained"
)
PAIRED = Claim("helps", "post-shift beats random", "d", "greater", "network seeds", no_control="paired differences")


def _rate(claim, draw, trials, rng):
    outcomes = [decide_one(claim, draw(rng)).outcome for _ in range(trials)]
    return {o: outcomes.count(o) / trials for o in set(outcomes)}


@pytest.mark.parametrize("n_trained,n_control,trials", [(3, 12, 2000), (3, 3, 1000), (5, 20, 500)])
def test_supported_rate_under_no_effect_is_at_most_alpha(n_trained, n_control, trials):
    """Trained and control from one distribution: "supported" at most alpha/2 (+ Monte Carlo error).
    The old min-max rule said "outside" 37 % of the time at 3 vs 3; Welch's own p-value 6.6 % at 3 vs 12."""
    rng = np.random.default_rng(1)
    rate = _rate(
        TRAINED_VS_UNTRAINED,
        lambda r: {"q": r.normal(size=n_trained), "c": r.normal(size=n_control)},
        trials,
        rng,
    )
    mc = 3 * math.sqrt(ALPHA / 2 * (1 - ALPHA / 2) / trials)
    assert rate.get("supported", 0.0) <= ALPHA / 2 + mc
    assert rate.get("supported", 0.0) + rate.get("contradicted", 0.0) <= ALPHA + 2 * mc


def test_one_sample_false_positive_rate_with_heavy_tails_stays_near_alpha():
    rng = np.random.default_rng(2)
    rate = _rate(PAIRED, lambda r: {"d": r.standard_t(5, size=8)}, 4000, rng)
    assert rate.get("supported", 0.0) <= ALPHA / 2 + 0.01


def test_power_at_the_stated_detectable_effect_is_about_80_percent():
    """Draw the effect the engine says it can detect: it should be found about 80 % of the time."""
    rng = np.random.default_rng(3)
    n = 10
    d = rng.normal(size=n)
    # the stated effect: (t_{0.975} + t_{0.8}) * sd / sqrt(n), written out here
    expected = (stats.t.ppf(0.975, n - 1) + stats.t.ppf(0.8, n - 1)) / math.sqrt(n)
    assert decide_one(PAIRED, {"d": d}).detectable == pytest.approx(expected * d.std(ddof=1))
    rate = _rate(PAIRED, lambda r: {"d": r.normal(loc=expected, size=n)}, 3000, rng)
    assert 0.7 <= rate.get("supported", 0.0) <= 0.9


def test_a_large_effect_in_the_other_direction_is_contradicted():
    v = decide_one(TRAINED_VS_UNTRAINED, {"q": [-5.0, -5.1, -4.9], "c": np.linspace(-0.5, 0.5, 12)})
    assert v.outcome == "contradicted" and v.high < 0


def test_welch_interval_matches_scipy_and_p_is_the_exact_permutation_p():
    rng = np.random.default_rng(4)
    q, c = rng.normal(1, 1, 3), rng.normal(0, 2, 12)
    v = decide_one(TRAINED_VS_UNTRAINED, {"q": q, "c": c})
    ref = stats.ttest_ind(q, c, equal_var=False)
    ci = ref.confidence_interval(0.95)
    assert (v.low, v.high) == pytest.approx((ci.low, ci.high))
    assert v.effect == pytest.approx(q.mean() - c.mean())
    # exact permutation p by enumerating all C(15, 3) = 455 splits in a loop
    from itertools import combinations

    # (two-sided as twice the smaller tail, scipy's definition for an asymmetric null distribution)
    pooled, t_obs = np.concatenate([q, c]), ref.statistic
    above = below = total = 0
    for idx in combinations(range(15), 3):
        mask = np.zeros(15, bool)
        mask[list(idx)] = True
        t = stats.ttest_ind(pooled[mask], pooled[~mask], equal_var=False).statistic
        above += t >= t_obs - 1e-12 * abs(t_obs)
        below += t <= t_obs + 1e-12 * abs(t_obs)
        total += 1
    assert total == 455 and v.p == pytest.approx(min(1.0, 2 * min(above, below) / total))


def test_one_sample_matches_scipy():
    d = np.array([0.3, 0.9, -0.1, 0.5, 0.7])
    v = decide_one(PAIRED, {"d": d})
    ref = stats.ttest_1samp(d, 0.0)
    assert v.p == pytest.approx(ref.pvalue)
    assert (v.low, v.high) == pytest.approx(tuple(ref.confidence_interval(0.95)))


def test_holm_against_a_worked_example():
    # p = (0.01, 0.04, 0.03, 0.005): sorted 0.005*4=0.02, 0.01*3=0.03, 0.03*2=0.06, max(0.06, 0.04*1)=0.06
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert math.isnan(holm([math.nan, 0.2])[0])


def test_family_adjustment_can_turn_a_single_significant_claim_inconclusive():
    d = {"d": [0.5, 0.6, 0.4, 0.55, 0.45, 0.62, 0.2, 0.1]}
    alone = decide_one(PAIRED, d)
    assert alone.outcome == "supported"
    p = alone.p
    others = [Claim(f"o{i}", "other", f"o{i}", "greater", "seeds", no_control="x") for i in range(int(0.05 / p) + 2)]
    family = decide([PAIRED, *others], {**d, **{f"o{i}": [1.0, -1.0, 0.5, -0.5] for i in range(len(others))}})
    assert family["helps"].p_adjusted > 0.05 and family["helps"].outcome == "inconclusive"


def test_missing_replicates_give_no_test_with_the_reason():
    v = decide_one(TRAINED_VS_UNTRAINED, {"q": [1.0, 2.0]})
    assert v.outcome == "no test" and "c" in v.reason
    v = decide_one(TRAINED_VS_UNTRAINED, {"q": [1.0, math.nan], "c": [1.0, 2.0]})
    assert v.outcome == "no test" and "finite" in v.reason


def test_one_replicate_is_inconclusive_never_supported():
    v = decide_one(PAIRED, {"d": [10.0]})
    assert v.outcome == "inconclusive"


def test_tolerance_claims():
    c = Claim("id", "identity holds", "e", "equal", "one evaluation", null=1.0, tolerance=1e-6)
    assert decide_one(c, {"e": [1.0 + 1e-7]}).outcome == "supported"
    assert decide_one(c, {"e": [1.0 + 1e-5]}).outcome == "contradicted"


def test_declaration_errors_name_the_claim():
    with pytest.raises(ValueError, match="'x'.*control_label"):
        Claim("x", "s", "q", "greater", "seeds", control="c")
    with pytest.raises(ValueError, match="'x'.*no_control"):
        Claim("x", "s", "q", "greater", "seeds")
    with pytest.raises(ValueError, match="direction"):
        Claim("x", "s", "q", "up", "seeds", no_control="n")


def test_verdict_round_trip_and_sentence():
    v = decide_one(TRAINED_VS_UNTRAINED, {"q": [1.0, 1.2, 1.1], "c": np.linspace(-0.2, 0.2, 12)})
    assert Verdict.from_dict(v.to_dict()) == v
    text = sentence(TRAINED_VS_UNTRAINED, v)
    assert text.startswith("**supported**") and "untrained" in text and "3 vs 12" in text


def test_a_less_claim_is_supported_below_and_contradicted_above_its_control():
    lower = Claim("falls", "training lowers q", "q", "less", "seeds", control="c", control_label="untrained")
    control = np.linspace(-0.2, 0.2, 12)
    assert decide_one(lower, {"q": [-3.0, -3.1, -2.9], "c": control}).outcome == "supported"
    assert decide_one(lower, {"q": [3.0, 3.1, 2.9], "c": control}).outcome == "contradicted"


def test_replicates_without_spread():
    """Identical replicates: an exact effect is significant, an exact null is not (no division by zero)."""
    assert decide_one(PAIRED, {"d": [0.5] * 5}).outcome == "supported"
    assert decide_one(PAIRED, {"d": [0.0] * 5}).outcome == "inconclusive"
    assert decide_one(TRAINED_VS_UNTRAINED, {"q": [1.0] * 3, "c": [0.0] * 5}).outcome == "supported"
    assert decide_one(TRAINED_VS_UNTRAINED, {"q": [1.0] * 3, "c": [1.0] * 5}).outcome == "inconclusive"


def test_a_no_test_sentence_gives_the_reason():
    v = decide_one(PAIRED, {})
    assert sentence(PAIRED, v).startswith("**no test**") and "no replicate values" in sentence(PAIRED, v)
