"""The RECOS experiments on tiny configurations, checked against independent routes."""

import itertools
from dataclasses import replace

import numpy as np
import pytest
import torch

from sigcnn import experiments
from sigcnn.experiments import recos_anchors, recos_backgrounds, recos_cascade
from sigcnn.experiments._lenet import training_spec
from sigcnn.models import trained_lenet as tl

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


def test_anchor_controls_are_untrained_networks(anchors_result):
    """The control angles recomputed from untrained LeNet-5s built here (disjoint initialisation seeds)."""
    from sigcnn.models import LeNet5
    from sigcnn.probes.anchors import mean_matched_angle_deg

    m, a = anchors_result.metrics, anchors_result.arrays
    centroids = a["centroids"].reshape(6, -1)
    expected = []
    for s in range(recos_anchors.CONTROL_SEED_OFFSET, recos_anchors.CONTROL_SEED_OFFSET + m["control_seeds"]):
        torch.manual_seed(s)
        expected.append(mean_matched_angle_deg(LeNet5().c1.weight.detach().double().numpy(), centroids))
    assert m["matched_angle_mean_deg_control"] == pytest.approx(expected, abs=1e-9)
    assert len(m["matched_angle_mean_deg_replicates"]) == m["seeds"] == 2
    assert m["matched_angle_mean_deg_replicates"][0] == pytest.approx(m["seed0_matched_angle_mean_deg"], abs=1e-9)
    assert m["negated_minus_matched_deg_replicates"][0] == pytest.approx(
        m["negated_matched_angle_mean_deg"] - m["seed0_matched_angle_mean_deg"], abs=1e-9
    )
    draws = a["dc_removed_random_matched_means_deg"]
    assert m["dc_removed_random_matched_angle_draws_deg"] == pytest.approx(draws.tolist())
    assert m["dc_removed_random_matched_angle_p05_deg"] == pytest.approx(np.percentile(draws, 5))
    shares = [m[f"variance_share_{k}"] for k in ("zero_mean_part", "local_mean_part", "cross_term")]
    assert abs(sum(shares) - 1) < 1e-9


def _anchor_metrics(trained, untrained, random, negated_gap):
    return {
        "dc_removed_matched_angle_mean_deg_replicates": trained,
        "dc_removed_matched_angle_mean_deg_control": untrained,
        "dc_removed_random_matched_angle_draws_deg": random,
        "matched_angle_mean_deg_replicates": trained,
        "random_anchor_dc_matched_angle_draws_deg": random,
        "negated_minus_matched_deg_replicates": negated_gap,
    }


_UNTRAINED = [77.0, 78.0, 76.5, 77.5, 78.5, 76.0, 77.2, 77.8, 76.8, 78.2, 77.1, 76.9]
_RANDOM = [77.0 + 2.0 * np.sin(i) for i in range(200)]


@pytest.mark.parametrize(
    "trained,gap,outcomes",
    [
        ([70.0, 70.5, 69.5], [3.0, 3.5, 2.5], ("supported",) * 4),
        ([85.0, 85.5, 84.5], [-3.0, -3.5, -2.5], ("contradicted",) * 4),
        ([70.0, 84.0, 77.0], [3.0, -3.0, 0.5], ("inconclusive",) * 4),
    ],
)
def test_anchor_verdicts_on_hand_made_metrics(trained, gap, outcomes):
    """Each outcome from metrics built by hand: flipping any claim's direction fails here."""
    v = recos_anchors.EXPERIMENT.verdicts(_anchor_metrics(trained, _UNTRAINED, _RANDOM, gap))
    ids = ("anchors_nearer_than_chance", "raw_anchors_nearer_than_chance", "closeness_is_learned", "polarity_matters")
    assert tuple(v[i].outcome for i in ids) == outcomes


def test_anchor_findings_follow_the_verdicts(anchors_result):
    m = dict(anchors_result.metrics, **_anchor_metrics([70.0, 70.5], _UNTRAINED, _RANDOM, [3.0, 3.5]))
    text = " ".join(recos_anchors.EXPERIMENT.findings_for(m))
    assert "Kuo's k-means remark: **supported**" in text and "Is it learned? **supported**" in text
    far = dict(m, **_anchor_metrics([85.0, 85.5], _UNTRAINED, _RANDOM, [3.0, 3.5]))
    assert "Kuo's k-means remark: **contradicted**" in " ".join(recos_anchors.EXPERIMENT.findings_for(far))
    assert "not that element" in text
    stored = {k: v for k, v in anchors_result.metrics.items() if not k.endswith(("_replicates", "_control"))}
    assert {x.outcome for x in recos_anchors.EXPERIMENT.verdicts(stored).values()} == {"no test"}


def test_cache_is_keyed_by_the_full_configuration(anchors_result, data_env):
    assert any("trained in this run" in n or "reused" in n for n in anchors_result.provenance.notes)
    assert not any(str(tl.cache_root()) in n for n in anchors_result.provenance.notes)  # no machine path
    spec = training_spec(recos_anchors.make_config("ci", **TINY))
    key = lambda s: tl.cache_key(s, "src", torch.device("cpu"), 10)  # noqa: E731
    assert key(spec) == key(training_spec(recos_cascade.make_config("ci", **TINY)))
    for change in (dict(seed=1), dict(epochs=2), dict(lr=1e-3), dict(train_limit=601), dict(scenes_contrast=0.5)):
        assert key(replace(spec, **change)) != key(spec)
    again = recos_anchors.run(
        recos_anchors.make_config(
            "ci", n_patches=3000, random_draws=30, seeds=2, n_centroids_large=12, kmeans_init=1, **TINY
        )
    )
    assert "reused" in " ".join(again.provenance.notes)
    assert again.metrics == anchors_result.metrics


def test_cascade_counts_against_a_loop_over_the_10x10_blocks(data_env):
    config = recos_cascade.make_config("ci", eval_images=20, scatter_points=500, **TINY)
    m = recos_cascade.run(config).metrics
    _, (net,) = tl.trained_lenets(training_spec(config), 1, torch.device("cpu"))
    with torch.no_grad():
        neg = (net.model.cpu().c1(tl.load_data(training_spec(config)).x_test[:20]) < 0).numpy()
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


def _direct_agreement(model, x, quantile):
    """corr(z, z'') where z'' is in its channel's top decile and positive, by a route independent of the probes."""
    import torch.nn.functional as F

    with torch.no_grad():
        m = model.double()
        x = x.double()
        z = F.conv2d(F.avg_pool2d(F.conv2d(x, m.c1.weight, m.c1.bias), 2), m.c3.weight, m.c3.bias).numpy()
        real = m.c3(F.max_pool2d(F.relu(m.c1(x)), 2)).numpy()
    strong = np.zeros(real.shape, dtype=bool)
    for ch in range(real.shape[1]):
        strong[:, ch] = (real[:, ch] >= np.quantile(real[:, ch], quantile)) & (real[:, ch] > 0)
    corr = lambda mask: np.corrcoef(z[mask], real[mask])[0, 1]  # noqa: E731
    return corr(strong), corr(~strong)


def test_cascade_control_is_untrained_networks_recomputed_directly(data_env):
    """Issue 21 item 19: the z-vs-z'' rows have a control (untrained networks, many seeds), recomputed here."""
    from sigcnn.models import LeNet5

    config = recos_cascade.make_config("ci", eval_images=40, scatter_points=100, seeds=2, control_seeds=3, **TINY)
    m = recos_cascade.run(config).metrics
    x = tl.load_data(training_spec(config)).x_test[:40]
    for i, s in enumerate(range(recos_cascade.CONTROL_SEED_OFFSET, recos_cascade.CONTROL_SEED_OFFSET + 3)):
        torch.manual_seed(s)
        strong, rest = _direct_agreement(LeNet5().eval(), x, config.strong_quantile)
        assert m["average_corr_z_strong_control"][i] == pytest.approx(strong, abs=1e-9)
        assert m["average_corr_z_rest_control"][i] == pytest.approx(rest, abs=1e-9)
        assert m["average_strong_minus_rest_corr_z_control"][i] == pytest.approx(strong - rest, abs=1e-9)
    _, nets = tl.trained_lenets(training_spec(config), 2, torch.device("cpu"))
    for i, net in enumerate(nets):
        strong, _ = _direct_agreement(net.model.cpu().eval(), x, config.strong_quantile)
        assert m["average_corr_z_strong_replicates"][i] == pytest.approx(strong, abs=1e-9)
    rows = [r for r in recos_cascade.EXPERIMENT.report_rows if "z''" in r.quantity]
    assert rows and all(r.control for r in rows)
    for claim in recos_cascade.CLAIMS:
        assert len(m[claim.control]) == 3 and len(m[claim.quantity]) == 2


_CASCADE_KEYS = [(c.quantity, c.control) for c in recos_cascade.CLAIMS]


@pytest.mark.parametrize(
    "trained,outcome",
    [([0.80, 0.82, 0.81], "supported"), ([0.10, 0.12, 0.11], "contradicted"), ([0.2, 0.8, 0.5], "inconclusive")],
)
def test_cascade_verdicts_on_hand_made_metrics(trained, outcome):
    """Each claim gets each outcome against hand-made untrained controls: flipping a direction fails here."""
    control = [0.45, 0.5, 0.55, 0.48, 0.52, 0.47, 0.53, 0.5, 0.49, 0.51]
    metrics = {k: v for q, c in _CASCADE_KEYS for k, v in ((q, trained), (c, control))}
    v = recos_cascade.EXPERIMENT.verdicts(metrics)
    assert {cid: x.outcome for cid, x in v.items()} == {c.id: outcome for c in recos_cascade.CLAIMS}
    text = " ".join(recos_cascade.findings({**_CASCADE_FINDINGS_METRICS, **metrics}, v))
    assert f"Kuo's approximation z ≈ z'': **{outcome}**" in text
    assert "the exact regime does not occur here" in text
    with_exact = recos_cascade.findings(
        {**_CASCADE_FINDINGS_METRICS, **metrics, "units_without_rectified_inputs": 0.2}, v
    )
    assert "the exact regime does not occur here" not in " ".join(with_exact)


_CASCADE_FINDINGS_METRICS = {
    "seeds": 3,
    **{
        f"{p}_{k}": 0.5
        for p in ("average", "subsample")
        for k in (
            "strong_fraction corr_z_strong relerr_z_strong corr_zrect_strong relerr_zrect_strong corr_z_rest "
            "corr_zrect_rest compound_negative_fraction rectification_change"
        ).split()
    },
    "average_corr_z_rest_control": [0.6] * 10,
    "c1_rectified_fraction": 0.5,
    "rectified_inputs_per_unit_mean": 0.5,
    "units_without_rectified_inputs": 0.0,
    "ab_product_vs_conv_max_abs_diff": 1e-16,
}


def test_backgrounds_change_against_numpy(data_env):
    config = recos_backgrounds.make_config("ci", eval_images=50, seeds=2, **TINY)
    result = recos_backgrounds.run(config)
    m, arrays = result.metrics, result.arrays
    # per-image changes of seed 0 recomputed from the stored Fig. 8 example: blank (0) vs scene (1) of one digit
    r1 = arrays["fig8_layer1"]
    direct = np.linalg.norm(r1[1] - r1[0]) / np.linalg.norm(r1[0])
    data, (net,) = tl.trained_lenets(training_spec(config, scenes_contrast=0.6), 1, torch.device("cpu"))
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
    _, (plain,) = tl.trained_lenets(training_spec(config, scenes_contrast=None), 1, torch.device("cpu"))
    assert "reused" in plain.note and plain.cache_file != net.cache_file
    assert any(plain.cache_entry in n for n in result.provenance.notes)
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
