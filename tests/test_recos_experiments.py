"""The RECOS experiments on tiny configurations, checked against independent routes."""

import itertools
from dataclasses import replace

import numpy as np
import pytest
import torch

from sigcnn import experiments
from sigcnn.experiments import _recos_common, recos_anchors, recos_backgrounds, recos_cascade

TINY = dict(epochs=1, train_limit=600)


@pytest.fixture(scope="module")
def data_env(tmp_path_factory, configured_data_root):
    if configured_data_root is None:
        pytest.skip("no data root with the offline data sets")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SIGCNN_DATA", str(configured_data_root))
        mp.setenv("SIGCNN_RESULTS", str(tmp_path_factory.mktemp("results")))
        yield


@pytest.fixture(scope="module")
def anchors_result(data_env):
    return recos_anchors.run(
        recos_anchors.make_config(
            "ci", n_patches=3000, random_draws=30, seeds=2, n_centroids_large=12, kmeans_init=1, **TINY
        )
    )


def test_all_recos_experiments_are_registered():
    names = experiments.names()
    for name in ("recos-negative", "recos-sphere", "recos-anchors", "recos-cascade", "recos-backgrounds"):
        assert name in names
        assert isinstance(experiments.get(name).EXPERIMENT, experiments._base.Experiment)


def test_matched_angle_against_brute_force_over_all_pairings(anchors_result):
    """The Hungarian matching against the best of all 720 one-to-one pairings (seed 0)."""
    a = anchors_result.arrays
    w = a["c1_weights"].reshape(6, -1)
    c = a["centroids"].reshape(6, -1)
    cos = (w / np.linalg.norm(w, axis=1, keepdims=True)) @ c.T
    ang = np.degrees(np.arccos(np.clip(cos, -1, 1)))
    best = min(np.mean([ang[i, p[i]] for i in range(6)]) for p in itertools.permutations(range(6)))
    assert abs(anchors_result.metrics["seed0_matched_angle_mean_deg"] - best) < 1e-9
    init = a["init_c1"].reshape(6, -1).astype(np.float64)
    cos0 = (init / np.linalg.norm(init, axis=1, keepdims=True)) @ c.T
    ang0 = np.degrees(np.arccos(np.clip(cos0, -1, 1)))
    best0 = min(np.mean([ang0[i, p[i]] for i in range(6)]) for p in itertools.permutations(range(6)))
    assert abs(anchors_result.metrics["init_matched_angle_mean_deg"] - best0) < 1e-9


def test_anchor_controls_are_the_untrained_networks(anchors_result):
    m = anchors_result.metrics
    # the control spread contains the seed-0 untrained value, the trained spread the seed-0 trained value
    key = "matched_angle_mean_deg"
    assert m[f"{key}_control_min"] <= m["init_matched_angle_mean_deg"] <= m[f"{key}_control_max"]
    assert m[f"{key}_trained_min"] <= m["seed0_matched_angle_mean_deg"] <= m[f"{key}_trained_max"]
    assert m[f"{key}_outside_controls"] == (not m[f"{key}_control_min"] <= m[key] <= m[f"{key}_control_max"])
    shares = [m[f"variance_share_{k}"] for k in ("zero_mean_part", "local_mean_part", "cross_term")]
    assert abs(sum(shares) - 1) < 1e-9


def test_anchor_findings_follow_the_controls(anchors_result):
    m = dict(
        anchors_result.metrics, dc_removed_matched_angle_mean_deg=10.0, dc_removed_random_matched_angle_p05_deg=50.0
    )
    text = lambda **kw: " ".join(recos_anchors.findings(dict(m, **kw)))  # noqa: E731
    assert "supports Kuo's picture" in text(dc_removed_matched_angle_mean_deg_outside_controls=True)
    assert "holds at initialisation" in text(dc_removed_matched_angle_mean_deg_outside_controls=False)
    farther = dict(m, dc_removed_matched_angle_mean_deg=80.0)
    assert "does not support" in " ".join(recos_anchors.findings(farther))
    assert "not that element" in " ".join(recos_anchors.findings(m))


def test_cache_is_keyed_by_the_full_configuration(anchors_result, data_env):
    assert any("trained in this run" in n or "reused" in n for n in anchors_result.provenance["notes"])
    spec = _recos_common.training_spec(recos_anchors.make_config("ci", **TINY))
    key = lambda s: _recos_common.cache_key(s, "src", torch.device("cpu"), 10)  # noqa: E731
    assert key(spec) == key(_recos_common.training_spec(recos_cascade.make_config("ci", **TINY)))
    for change in (dict(seed=1), dict(epochs=2), dict(lr=1e-3), dict(train_limit=601), dict(scenes_contrast=0.5)):
        assert key(replace(spec, **change)) != key(spec)
    again = recos_anchors.run(
        recos_anchors.make_config(
            "ci", n_patches=3000, random_draws=30, seeds=2, n_centroids_large=12, kmeans_init=1, **TINY
        )
    )
    assert "reused" in " ".join(again.provenance["notes"])
    assert again.metrics == anchors_result.metrics


def test_cascade_counts_against_a_loop_over_the_10x10_blocks(data_env):
    config = recos_cascade.make_config("ci", eval_images=20, scatter_points=500, **TINY)
    m = recos_cascade.run(config).metrics
    _, (net,) = _recos_common.trained_lenets(config, 1, torch.device("cpu"))
    with torch.no_grad():
        neg = (net.model.cpu().c1(_recos_common.load_data(_recos_common.training_spec(config)).x_test[:20]) < 0).numpy()
    counts = np.array(
        [
            [[neg[n, :, 2 * i : 2 * i + 10, 2 * j : 2 * j + 10].sum() for j in range(10)] for i in range(10)]
            for n in range(20)
        ]
    )
    assert m["units_without_rectified_inputs"] == pytest.approx((counts == 0).mean(), abs=1e-12)
    assert m["rectified_inputs_per_unit_mean"] == pytest.approx(counts.mean() / 600, abs=1e-12)
    assert m["ab_product_vs_conv_max_abs_diff"] < 1e-12
    with pytest.raises(ValueError, match="strong_quantile"):
        recos_cascade.make_config("ci", strong_quantile=1.5)


def test_backgrounds_change_against_numpy(data_env):
    config = recos_backgrounds.make_config("ci", eval_images=50, seeds=2, **TINY)
    result = recos_backgrounds.run(config)
    m, arrays = result.metrics, result.arrays
    # per-image changes of seed 0 recomputed from the stored Fig. 8 example: blank (0) vs scene (1) of one digit
    r1 = arrays["fig8_layer1"]
    direct = np.linalg.norm(r1[1] - r1[0]) / np.linalg.norm(r1[0])
    data, (net,) = _recos_common.trained_lenets(config, 1, torch.device("cpu"), scenes_contrast=0.6)
    x = torch.as_tensor(arrays["fig8_inputs"][:2, None])
    with torch.no_grad():
        y = torch.relu(net.model.c1(x)).numpy()
    assert direct == pytest.approx(np.linalg.norm(y[1] - y[0]) / np.linalg.norm(y[0]), rel=1e-6)
    assert m["seed0_fade_ratio"] == pytest.approx(
        arrays["per_image_change_layer2"].mean() / arrays["per_image_change_layer1"].mean(), rel=1e-12
    )
    assert m["fade_ratio_replicates"][0] == m["seed0_fade_ratio"] and len(m["fade_ratio_replicates"]) == 2
    assert len(m["fade_ratio_control"]) == config.control_seeds
    assert m["fade_ratio_below_one_replicates"] == pytest.approx([1 - r for r in m["fade_ratio_replicates"]])
    # the plain-digit model is the cascade's network (no scenes), not a scenes model
    _, (plain,) = _recos_common.trained_lenets(config, 1, torch.device("cpu"), scenes_contrast=None)
    assert "reused" in plain.note and plain.cache_file != net.cache_file
    assert any(plain.cache_file in n for n in result.provenance["notes"])
    assert "Fig. 8" in " ".join(recos_backgrounds.EXPERIMENT.findings_for(m))
    with pytest.raises(ValueError, match="does not take dataset"):
        recos_backgrounds.make_config("ci", dataset="fsdd")


@pytest.mark.parametrize(
    "ratios,controls,fades,learned",
    [
        ([0.50, 0.52, 0.48], [0.90, 0.95, 0.85, 0.92, 0.88, 0.91, 0.93, 0.87, 0.9, 0.94], "supported", "supported"),
        ([0.90, 0.92, 0.91], [0.90, 0.95, 0.85, 0.92, 0.88, 0.91, 0.93, 0.87, 0.9, 0.94], "supported", "inconclusive"),
        (
            [1.50, 1.52, 1.48],
            [0.90, 0.95, 0.85, 0.92, 0.88, 0.91, 0.93, 0.87, 0.9, 0.94],
            "contradicted",
            "contradicted",
        ),
        ([0.5, 1.5, 1.0], [0.90, 0.95, 0.85, 0.92], "inconclusive", "inconclusive"),
    ],
)
def test_backgrounds_verdicts_on_hand_made_metrics(ratios, controls, fades, learned):
    """Each outcome from metrics built by hand: flipping a claim's direction fails here."""
    m = {
        "fade_ratio_replicates": ratios,
        "fade_ratio_control": controls,
        "fade_ratio_below_one_replicates": [1 - r for r in ratios],
    }
    v = recos_backgrounds.EXPERIMENT.verdicts(m)
    assert (v["fades"].outcome, v["fade_is_learned"].outcome) == (fades, learned)


def test_scales_follow_the_paper_protocol():
    for module in (recos_anchors, recos_cascade, recos_backgrounds):
        full = module.make_config("full")
        assert full.train_limit is None and not full.allow_test_split and full.epochs == 20
        assert module.make_config("ci").allow_test_split


def test_missing_data_is_a_clear_error(empty_data_root):
    from sigcnn.data import DatasetUnavailable

    with pytest.raises(DatasetUnavailable):
        recos_anchors.run(recos_anchors.make_config("ci", **TINY))
