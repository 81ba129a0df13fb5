"""Directional verdicts on controlled claims (sigcnn.controls), against hand-computed cases."""

import pytest

from sigcnn.controls import controlled_means, directional_verdict


def _seeds(key, values):
    return [{key: v} for v in values]


def test_controlled_means_hand_computed():
    trained = _seeds("x", (0.2, 0.4, 0.6))  # mean 0.4, spread 0.2..0.6
    out = controlled_means(trained, _seeds("x", (0.35, 0.45, 0.5)), [], ["x"])
    assert out["x_mean"] == pytest.approx(0.4)
    assert (out["x_mean_trained_min"], out["x_mean_trained_max"]) == (0.2, 0.6)
    assert (out["x_mean_control_min"], out["x_mean_control_max"]) == (0.35, 0.5)
    assert out["x_mean_outside_controls"] is False  # 0.35 <= 0.4 <= 0.5
    assert not any("shuffled" in k for k in out)  # no shuffled control given: no keys
    out = controlled_means(trained, _seeds("x", (0.1, 0.2, 0.15)), _seeds("x", (0.39, 0.5)), ["x"])
    assert out["x_mean_outside_controls"] is True  # 0.4 > 0.2
    assert (out["x_mean_shuffled_min"], out["x_mean_shuffled_max"]) == (0.39, 0.5)
    assert out["x_mean_outside_shuffled"] is False  # 0.39 <= 0.4 <= 0.5
    two = controlled_means(_seeds("a", (1.0, 3.0)), _seeds("a", (5.0,)), [], ["a"])
    assert two["a_mean"] == 2.0 and two["a_mean_outside_controls"] is True
    with pytest.raises(ValueError):
        controlled_means([], _seeds("x", (0.1,)), [], ["x"])


@pytest.mark.parametrize(
    "untrained, side, expected",
    [
        ((0.1, 0.2, 0.15), +1, "training made the difference"),  # mean 0.4 above the spread, claim "up"
        ((0.35, 0.45, 0.5), +1, "at initialisation too"),  # inside the spread
        ((0.7, 0.9, 0.8), +1, "more strongly at initialisation"),  # outside, but below: wrong side
        ((0.7, 0.9, 0.8), -1, "training made the difference"),  # the same numbers, claim "down"
        ((0.1, 0.2, 0.15), -1, "more strongly at initialisation"),
    ],
)
def test_directional_verdict_four_outcomes(untrained, side, expected):
    out = controlled_means(_seeds("x", (0.2, 0.4, 0.6)), _seeds("x", untrained), [], ["x"])
    text = directional_verdict(out, "x_mean", lambda v: 0 < v < 1, side)
    assert text.endswith(".") and expected in text
    assert text.startswith("+0.400 (training seeds +0.200 to +0.600; untrained ")


def test_directional_verdict_property_fails_and_bad_side():
    out = controlled_means(_seeds("x", (-1.0,) * 3), _seeds("x", (0.5,) * 3), [], ["x"])
    # far outside the spread, but the property (v > 0) does not hold: that comes first
    assert "does NOT support" in directional_verdict(out, "x_mean", lambda v: v > 0, -1)
    with pytest.raises(ValueError, match="side"):
        directional_verdict(out, "x_mean", lambda v: v > 0, 0)


def test_directional_verdict_names_the_shuffled_spread():
    out = controlled_means(_seeds("x", (0.2, 0.4, 0.6)), _seeds("x", (0.1,)), _seeds("x", (0.3, 0.35)), ["x"])
    # directional_verdict reads {metric}_shuffled_min, which controlled_means writes as x_mean_shuffled_min
    assert "shuffled labels +0.300 to +0.350" in directional_verdict(out, "x_mean", lambda v: v > 0, +1)


def test_a_non_finite_shuffled_value_is_left_out_whatever_its_position():
    trained, untrained = _seeds("x", (0.6, 0.7)), _seeds("x", (0.1, 0.2))
    for shuffled in ((float("nan"), 0.5, 0.3), (0.5, float("nan"), 0.3), (0.3, 0.5, float("nan"))):
        out = controlled_means(trained, untrained, _seeds("x", shuffled), ["x"])
        assert (out["x_mean_shuffled_min"], out["x_mean_shuffled_max"]) == (0.3, 0.5)
        assert out["x_mean_outside_shuffled"] is True  # 0.65 > 0.5
    none = controlled_means(trained, untrained, _seeds("x", (float("nan"),)), ["x"])
    assert "x_mean_shuffled_min" not in none and "x_mean_outside_shuffled" not in none
