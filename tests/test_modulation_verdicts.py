"""Verdict logic of the modulation part I experiments on hand-made metrics (no training, no data).

The supporting values are written out by hand from the paper's statements (not derived from the
declared claims), so flipping a claim's direction or null makes a test fail.
"""

import math

import numpy as np
import pytest

from sigcnn.experiments import _spectral_common as common
from sigcnn.experiments import modulation_identities as mi
from sigcnn.experiments import modulation_normalisation as mn
from sigcnn.experiments import modulation_training_spectra as mts
from sigcnn.experiments import spectral_shift as ss
from sigcnn.experiments import spectral_shift_activations as ssa

JITTER = np.linspace(-1, 1, 20)

# quantity -> (trained replicates that have the paper's property, untrained controls: 20 values)
PAPER_SIDE = {
    "conv2_centroid_shift": ([-0.05, -0.052, -0.049], 0.01 + 0.002 * JITTER),
    "act2_centroid_shift": ([0.07, 0.072, 0.069], -0.015 + 0.002 * JITTER),
    "conv_moves_down_fraction": ([0.95, 0.96, 0.955], 0.6 + 0.05 * JITTER),
    "act_moves_up_fraction": ([0.85, 0.86, 0.855], 0.1 + 0.05 * JITTER),
    "acdiff_aadiff_correlation": ([-0.99, -0.991, -0.989], -0.5 + 0.05 * JITTER),
    "acdiff_aadiff_correlation_shape": ([-0.96, -0.961, -0.959], 0.9 + 0.03 * JITTER),
    "aadiff_acdiff_amplitude_ratio": ([0.95, 0.951, 0.949], 0.5 + 0.02 * JITTER),
    "lambda_eq36": ([0.5, 0.501, 0.499], 0.2 + 0.02 * JITTER),
    "cdiff_adiff_opposite_fraction": ([0.85, 0.851, 0.849], 0.12 + 0.02 * JITTER),
    "cdiff_adiff_anticorrelated_pairs": ([0.95, 0.951, 0.949], 0.4 + 0.05 * JITTER),
}


def _shift_metrics(table, prefix=""):
    m = {}
    for key, (trained, control) in table.items():
        m[f"{prefix}{key}_mean_replicates"] = list(trained)
        m[f"{prefix}{key}_mean_control"] = list(control)
    ratio = table["aadiff_acdiff_amplitude_ratio"][0]
    m[f"{prefix}amplitude_closeness_mean_replicates"] = [1 - abs(math.log2(r)) for r in ratio]
    return m


def test_spectral_shift_every_claim_supported_when_the_numbers_say_so():
    verdicts = ss.EXPERIMENT.verdicts(_shift_metrics(PAPER_SIDE))
    assert {k: v.outcome for k, v in verdicts.items()} == dict.fromkeys(verdicts, "supported")


@pytest.mark.parametrize(
    ("key", "wrong", "contradicted"),
    [
        ("conv2_centroid_shift", [0.05, 0.052, 0.049], {"conv2_down", "conv2_centroid_shift_learned"}),
        ("act2_centroid_shift", [-0.07, -0.072, -0.069], {"act2_up", "act2_centroid_shift_learned"}),
        ("conv_moves_down_fraction", [0.2, 0.21, 0.19], {"convs_move_down", "conv_moves_down_fraction_learned"}),
        ("act_moves_up_fraction", [0.0, 0.01, 0.02], {"acts_move_up", "act_moves_up_fraction_learned"}),
        (
            "acdiff_aadiff_correlation",
            [0.9, 0.91, 0.89],
            {"accumulated_opposite", "acdiff_aadiff_correlation_learned"},
        ),
        (
            "acdiff_aadiff_correlation_shape",
            [0.99, 0.991, 0.989],
            {"accumulated_opposite_shape", "acdiff_aadiff_correlation_shape_learned"},
        ),
        ("lambda_eq36", [-0.5, -0.501, -0.499], {"lambda_positive", "lambda_eq36_learned"}),
        ("lambda_eq36", [1.5, 1.501, 1.499], {"lambda_below_one"}),
        (
            "aadiff_acdiff_amplitude_ratio",
            [0.1, 0.101, 0.099],
            {"amplitudes_close", "aadiff_acdiff_amplitude_ratio_learned"},
        ),
        (
            "cdiff_adiff_opposite_fraction",
            [0.05, 0.051, 0.049],
            {"bins_opposite", "cdiff_adiff_opposite_fraction_learned"},
        ),
        (
            "cdiff_adiff_anticorrelated_pairs",
            [0.1, 0.101, 0.099],
            {"pairs_anticorrelated", "cdiff_adiff_anticorrelated_pairs_learned"},
        ),
    ],
)
def test_spectral_shift_the_wrong_side_is_contradicted(key, wrong, contradicted):
    table = dict(PAPER_SIDE, **{key: (wrong, PAPER_SIDE[key][1])})
    verdicts = ss.EXPERIMENT.verdicts(_shift_metrics(table))
    assert {k for k, v in verdicts.items() if v.outcome == "contradicted"} == contradicted
    assert all(v.outcome == "supported" for k, v in verdicts.items() if k not in contradicted)


def test_spectral_shift_noise_is_inconclusive_and_missing_replicates_no_test():
    table = {k: ([c[0], c[10], c[19]], c) for k, (_, c) in PAPER_SIDE.items()}  # trained = controls
    learned = {k: v.outcome for k, v in ss.EXPERIMENT.verdicts(_shift_metrics(table)).items() if "learned" in k}
    assert set(learned.values()) == {"inconclusive"}
    assert {v.outcome for v in ss.EXPERIMENT.verdicts({}).values()} == {"no test"}


def test_amplitude_closeness_is_positive_within_a_factor_two():
    assert common.amplitude_closeness(1.0) == 1.0
    assert common.amplitude_closeness(1.9) > 0 and common.amplitude_closeness(1 / 1.9) > 0
    assert common.amplitude_closeness(2.1) < 0 and common.amplitude_closeness(0.4) < 0
    assert math.isnan(common.amplitude_closeness(0.0))


def test_activation_variants_claims_per_variant():
    m = {}
    for v in ssa.VARIANTS:
        m.update(_shift_metrics(PAPER_SIDE, f"{v}_"))
    m["sigmoid_acdiff_aadiff_correlation_mean_replicates"] = [0.9, 0.91, 0.89]
    verdicts = ssa.EXPERIMENT.verdicts(m)
    wrong = {"sigmoid_accumulated_opposite", "sigmoid_acdiff_aadiff_correlation_learned"}
    assert {k for k, v in verdicts.items() if v.outcome == "contradicted"} == wrong
    assert all(v.outcome == "supported" for k, v in verdicts.items() if k not in wrong)


def test_training_spectra_moves_and_converge():
    control = 0.6 + 0.01 * np.linspace(-1, 1, 12)
    moved = mts.moved([0.8, 0.81, 0.79], control)
    # independent route: distances written out
    assert moved.replicates == pytest.approx([0.2, 0.21, 0.19])
    loo0 = (control.sum() - control[0]) / 11
    assert moved.control[0] == pytest.approx(abs(control[0] - loo0))
    assert mts.spreads([[0.1, 0.5], [0.3, 0.2], [0.2, 0.4]]) == pytest.approx([0.2, 0.3])
    m = {}
    for a in mts.ALL_ARCHITECTURES:
        f = a.replace("-", "_")
        m[f"{f}_mu_moved_replicates"], m[f"{f}_mu_moved_control"] = list(moved.replicates), list(moved.control)
    m["mu_spread_replicates"] = [0.01, 0.012, 0.011]
    m["mu_spread_control"] = list(0.1 + 0.01 * np.linspace(-1, 1, 12))
    verdicts = mts.EXPERIMENT.verdicts(m)
    assert {v.outcome for v in verdicts.values()} == {"supported"}
    m["mu_spread_replicates"] = [0.3, 0.31, 0.29]  # trained architectures further apart than untrained
    still = mts.make_config("ci")
    assert mts.EXPERIMENT.verdicts(m)["architectures_converge"].outcome == "contradicted"
    m["resnet_mu_moved_replicates"] = [0.0, 0.001, 0.002]  # trained networks sit at the untrained centre
    assert mts.EXPERIMENT.verdicts(m)["resnet_mu_moves"].outcome == "contradicted"
    assert still.control_seeds >= 10


def test_training_spectra_rows_say_what_eq42_covers_and_where_mu_is_fitted():
    rows = {r.metric: r for r in mts.EXPERIMENT.report_rows}
    assert rows["input_mu"].paper == "no number" and rows["input_mu"].source == "ours"
    assert "photographs" in rows["natural_mu"].data


def test_normalisation_claims_read_paired_differences():
    good = {
        "output_minus_input_tv_replicates": [-0.18, -0.181, -0.179],
        "output_minus_resampled_input_tv_replicates": [-0.126, -0.1261, -0.1259],
        "white_noise_approach_replicates": [-0.228, -0.229, -0.227],
    }
    assert {v.outcome for v in mn.EXPERIMENT.verdicts(good).values()} == {"supported"}
    bad = dict(good, output_minus_resampled_input_tv_replicates=[0.05, 0.051, 0.049])
    verdicts = mn.EXPERIMENT.verdicts(bad)
    assert verdicts["output_more_alike_than_resampled_input"].outcome == "contradicted"
    assert verdicts["output_more_alike_than_input"].outcome == "supported"


def _normalisation_metrics(layer4_side: int, size: int) -> dict:
    m = {k: 0.1 for k in ("input_tv", "layer4_tv", "layer4_tv_seed_min", "layer4_tv_seed_max")}
    m.update(
        layer4_side=layer4_side,
        input_size=size,
        layer4_resampled_input_tv=0.12,
        layer4_white_to_natural_tv=0.0003,
        input_white_to_natural_tv=0.23,
        layer4_tv_no_dc=0.0005,
        layer4_tv_bn_train=0.02,
    )
    return m


def test_normalisation_findings_compute_the_output_size():
    """Issue 21 item 16: the control's size is read from the run (112 px gives 4 x 4, not a fixed label)."""
    m = _normalisation_metrics(4, 112)
    text = " ".join(mn.EXPERIMENT.findings_for(m))
    assert "resampled to 4 x 4" in text and "112 px" in text and "7 x 7" not in text
    text = " ".join(mn.EXPERIMENT.findings_for(_normalisation_metrics(7, 224)))
    assert "resampled to 7 x 7" in text and "4 x 4" not in text
    assert "no longer depend on the input" in text


def test_resnet152_output_side_at_112_px_is_four():
    """Independent route to the side: ResNet's stem halves twice, each later stage halves (ceil) once more."""
    side = 112
    for _ in range(2 + 3):  # conv1 stride 2, max pool stride 2, layer2-4 stride 2
        side = math.ceil(side / 2)
    assert side == 4 and mn.make_config("ci").size == 112


def test_identities_decided_to_the_tolerance_and_the_negative_control():
    m = {f"max_abs_diff_{k}": 1e-12 for k in mi.IDENTITIES}
    m["negative_control_log10_gap_replicates"] = [0.5, 0.6, 0.4, 0.7, 0.55]
    verdicts = mi.EXPERIMENT.verdicts(m)
    assert {v.outcome for v in verdicts.values()} == {"supported"}
    m["max_abs_diff_relu_dsb_sc_eq22"] = 1e-3
    m["negative_control_log10_gap_replicates"] = [-12.0, -12.5, -11.8]  # a check that cannot fail
    verdicts = mi.EXPERIMENT.verdicts(m)
    assert verdicts["relu_dsb_sc_eq22"].outcome == "contradicted"
    assert verdicts["check_can_fail"].outcome == "contradicted"
    assert mi.TOLERANCE == 1e-6
