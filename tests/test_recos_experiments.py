"""The RECOS experiments on tiny configurations: metrics, determinism, cache keying, findings."""

import os

import numpy as np
import pytest

from sigcnn import experiments
from sigcnn.experiments import _recos_common, recos_anchors, recos_backgrounds, recos_cascade

TINY = dict(epochs=1, train_limit=600)


@pytest.fixture(scope="module")
def data_env(tmp_path_factory):
    from conftest import CONFIGURED_DATA_ROOT

    if CONFIGURED_DATA_ROOT is None:
        pytest.skip("no data root with the offline data sets")
    old = {k: os.environ.get(k) for k in ("SIGCNN_DATA", "SIGCNN_RESULTS")}
    os.environ["SIGCNN_DATA"] = str(CONFIGURED_DATA_ROOT)
    os.environ["SIGCNN_RESULTS"] = str(tmp_path_factory.mktemp("results"))
    yield
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="module")
def anchors_result(data_env):
    return recos_anchors.run(recos_anchors.make_config("ci", n_patches=3000, random_draws=30,
                                                       n_centroids_large=12, kmeans_init=1, **TINY))


def test_all_recos_experiments_are_registered():
    names = experiments.names()
    for name in ("recos-sphere", "recos-anchors", "recos-cascade", "recos-backgrounds"):
        assert name in names
    assert names.index("recos-negative") < names.index("recos-sphere") < names.index("recos-backgrounds")


def test_anchors_metrics_and_findings(anchors_result):
    m = anchors_result.metrics
    for row in recos_anchors.REPORT_ROWS:
        assert np.isfinite(m[row["metric"]])
    assert 0 < m["matched_angle_mean_deg"] <= m["matched_angle_max_deg"] <= 180
    assert m["translated_sphere_max_abs_diff"] < 1e-12
    assert anchors_result.arrays["centroids"].shape == (6, 1, 5, 5)
    text = " ".join(recos_anchors.findings(m))
    assert "k-means centroids" in text
    closer = dict(m, matched_angle_mean_deg=10.0, random_matched_angle_p05_deg=50.0)
    assert "clearly nearer the centroids than chance" in " ".join(recos_anchors.findings(closer))
    farther = dict(m, matched_angle_mean_deg=80.0, random_matched_angle_p05_deg=50.0)
    assert "does not support" in " ".join(recos_anchors.findings(farther))


def test_cache_is_keyed_by_the_full_configuration(anchors_result, data_env):
    notes = " ".join(anchors_result.provenance["notes"])
    assert "trained in this run" in notes or "reused" in notes
    base = recos_anchors.make_config("ci", **TINY)
    spec = _recos_common.training_spec(base)
    import torch
    key = lambda s: _recos_common.cache_key(s, "src", torch.device("cpu"), 10)  # noqa: E731
    from dataclasses import replace
    assert key(spec) == key(_recos_common.training_spec(recos_cascade.make_config("ci", **TINY)))
    for change in (dict(seed=1), dict(epochs=2), dict(lr=1e-3), dict(train_limit=601), dict(scenes_contrast=0.5)):
        assert key(replace(spec, **change)) != key(spec)
    # A second run reuses the cached weights and gives the same numbers.
    again = recos_anchors.run(recos_anchors.make_config("ci", n_patches=3000, random_draws=30,
                                                        n_centroids_large=12, kmeans_init=1, **TINY))
    assert "reused" in " ".join(again.provenance["notes"])
    assert again.metrics == anchors_result.metrics


def test_cascade_experiment(data_env):
    result = recos_cascade.run(recos_cascade.make_config("ci", eval_images=100, scatter_points=500, **TINY))
    m = result.metrics
    for row in recos_cascade.REPORT_ROWS:
        assert -1 <= m[row["metric"]] <= 1
    assert m["ab_product_vs_conv_max_abs_diff"] < 1e-12
    assert result.arrays["average_compound"].shape == (16, 14, 14)
    assert result.arrays["subsample_compound"].shape == (16, 13, 13)
    assert result.arrays["average_scatter"].shape == (500, 4)
    assert len(recos_cascade.findings(m)) == 5
    assert 0 <= m["units_without_rectified_inputs"] <= 1 and 0 < m["c1_rectified_fraction"] < 1
    with pytest.raises(ValueError, match="strong_quantile"):
        recos_cascade.make_config("ci", strong_quantile=1.5)


def test_backgrounds_experiment(data_env):
    result = recos_backgrounds.run(recos_backgrounds.make_config("ci", eval_images=100, **TINY))
    m = result.metrics
    for key in ("change_layer1", "change_layer2", "untrained_change_layer1", "plain_change_layer2"):
        assert m[key] > 0
    assert 0 <= m["accuracy_scenes"] <= 1
    assert result.arrays["fig8_layer1"].shape == (3, 6, 28, 28)
    assert result.arrays["fig8_layer2"].shape == (3, 16, 10, 10)
    assert result.arrays["gallery"].shape == (10, 32, 32)
    fade = dict(m, change_layer1=0.5, change_layer2=0.2)
    assert "fades in the second layer" in " ".join(recos_backgrounds.findings(fade))
    no_fade = dict(m, change_layer1=0.2, change_layer2=0.5)
    assert "does NOT fade" in " ".join(recos_backgrounds.findings(no_fade))
    with pytest.raises(ValueError, match="28x28"):
        recos_backgrounds.make_config("ci", dataset="fsdd")


def test_scales_follow_the_paper_protocol():
    for module in (recos_anchors, recos_cascade, recos_backgrounds):
        full = module.make_config("full")
        assert full.train_limit is None and not full.allow_test_split and full.epochs == 20
        assert module.make_config("ci").allow_test_split


def test_missing_data_is_a_clear_error(empty_data_root):
    from sigcnn.data import DatasetUnavailable

    with pytest.raises(DatasetUnavailable):
        recos_anchors.run(recos_anchors.make_config("ci", **TINY))
