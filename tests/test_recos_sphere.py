"""Kuo (2016) Eqs. 1-10 and Fig. 4: sphere identities, asserted in float64."""

import numpy as np
import pytest

from sigcnn.experiments import recos_sphere
from sigcnn.probes.recos_tables import recos_tables, recos_units, table_markdown
from sigcnn.signals.patches import extract_patches
from sigcnn.signals.sphere import (
    augment_anchors,
    augment_inputs,
    augmented_responses,
    correlations,
    geodesic_distance,
    mean_removed,
    mean_removed_correlation,
    rectified_correlations,
    scaled_responses,
    translated_sphere_responses,
    unit_vectors,
)


def test_unit_circle_example_of_fig3():
    x = np.array([np.cos(np.radians(20)), np.sin(np.radians(20))])
    anchors = np.array([[np.cos(np.radians(d)), np.sin(np.radians(d))] for d in (0, 60, 170)])
    np.testing.assert_allclose(correlations(x, anchors), np.cos(np.radians([20, 40, 150])), atol=1e-15)
    np.testing.assert_allclose(rectified_correlations(x, anchors), [np.cos(np.radians(20)), np.cos(np.radians(40)), 0])
    np.testing.assert_allclose(geodesic_distance(x, anchors), np.radians([20, 40, 150]), atol=1e-14)


def test_geodesic_distance_is_exactly_pi_for_opposite_vectors():
    x = np.random.default_rng(0).standard_normal(50)
    assert geodesic_distance(x, -x[None])[0] == np.pi
    assert geodesic_distance(x, 3 * x[None])[0] < 1e-15  # parallel: zero up to rounding of the norms
    tiny = 1e-9  # arccos(cos(1e-9)) would return ~2e-8: the stable branch must give 1e-9
    d = geodesic_distance([1.0, 0.0], [[np.cos(tiny), np.sin(tiny)], [-np.cos(tiny), np.sin(tiny)]])
    assert abs(d[0] - tiny) < 1e-20 and abs(d[1] - (np.pi - tiny)) < 1e-15


def test_negative_cat_is_the_antipode():
    cat = recos_sphere.grey_cat()
    neg = recos_sphere.negative_image(cat)
    assert cat.ndim == 2 and cat.shape == (300, 451)
    corr = mean_removed_correlation(cat, neg)
    assert abs(corr + 1.0) < 1e-12, corr  # max abs diff from -1: below 1e-12
    dist = geodesic_distance(mean_removed(cat.ravel()), mean_removed(neg.ravel())[None])[0]
    assert abs(dist - np.pi) < 1e-6, dist  # stable formula: far below 1e-6
    # Without mean removal the two images are positively correlated (both mostly mid-grey).
    assert cat.ravel() @ neg.ravel() > 0


@pytest.fixture
def real_patches():
    cat = recos_sphere.grey_cat()
    return extract_patches(cat[100:160, 200:260], 5) / 255.0


def test_translated_sphere_forms_agree_on_real_patches(real_patches):
    anchors = np.random.default_rng(1).standard_normal((6, 25))
    direct = rectified_correlations(mean_removed(real_patches), anchors)
    eq6 = translated_sphere_responses(real_patches, anchors)
    eq8 = augmented_responses(real_patches, anchors)
    eq10 = scaled_responses(augment_inputs(real_patches), augment_anchors(anchors))
    assert np.abs(eq6).max() > 0.1  # the check is not vacuous
    assert (eq6 > 0).mean() > 0.1 and (eq6 == 0).mean() > 0.1
    assert np.abs(eq6 - direct).max() < 1e-12
    assert np.abs(eq6 - eq8).max() < 1e-12
    assert np.abs(eq6 - eq10).max() < 1e-12


def test_augmented_vectors_have_the_mean_and_minus_sum_first():
    x = np.array([1.0, 2.0, 6.0])
    a = np.array([[1.0, -1.0, 2.0]])
    np.testing.assert_array_equal(augment_inputs(x), [3.0, 1.0, 2.0, 6.0])
    np.testing.assert_array_equal(augment_anchors(a), [[-2.0, 1.0, -1.0, 2.0]])
    assert augmented_responses(x, a)[0] == max(0.0, 1 - 2 + 12 - 6)


def test_bad_shapes_raise_clear_errors():
    with pytest.raises(ValueError, match="2-D array"):
        correlations(np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match="length 4 but the inputs have length 3"):
        correlations(np.ones(3), np.ones((2, 4)))
    with pytest.raises(ValueError, match="vector"):
        correlations(np.ones((2, 2, 3)), np.ones((2, 3)))
    with pytest.raises(ValueError, match="zero vector"):
        unit_vectors(np.zeros(3))
    with pytest.raises(ValueError, match="same number of pixels"):
        mean_removed_correlation(np.ones((4, 4)), np.ones((4, 5)))
    with pytest.raises(ValueError, match=r"\(H, W\) or \(M, H, W\)"):
        extract_patches(np.ones((2, 3, 8, 8)), 5)
    with pytest.raises(ValueError, match="smaller than"):
        extract_patches(np.ones((4, 4)), 5)


def test_patches_are_row_major_windows():
    img = np.arange(36.0).reshape(6, 6)
    p = extract_patches(img, 5)
    assert p.shape == (4, 25)
    np.testing.assert_array_equal(p[1], img[0:5, 1:6].ravel())
    assert extract_patches(np.stack([img, img]), 5, stride=2).shape == (2, 25)


def test_recos_tables_from_modules():
    t = recos_tables()
    lenet = t["lenet5"]
    assert [(r["N"], r["K"]) for r in lenet] == [(25, 6), (150, 16), (400, 120), (120, 84), (84, 10)]
    assert all(r["bias"] for r in lenet)
    alex = t["alexnet"]
    assert [(r["N"], r["K"]) for r in alex] == [
        (363, 64),
        (1600, 192),
        (1728, 384),
        (3456, 256),
        (2304, 256),
        (9216, 4096),
        (4096, 4096),
        (4096, 1000),
    ]
    assert [r["unit"] for r in alex] == [f"S^{i}" for i in range(1, 9)]
    md = table_markdown(alex)
    assert md.count("**no**") == 6 and md.count("| yes |") == 2


def test_recos_units_reads_grouped_convolutions():
    from torch import nn

    rows = recos_units(nn.Sequential(nn.Conv2d(96, 256, 5, groups=2), nn.Linear(10, 3, bias=False)))
    assert rows[0]["N"] == 48 * 25 and rows[0]["K"] == 256
    assert rows[1] == {"layer": "1", "unit": "S^2", "shape": (10, 1, 1), "N": 10, "K": 3, "bias": False}


def test_sphere_experiment_runs_and_says_so():
    result = recos_sphere.run(recos_sphere.make_config("ci", patch_stride=9))
    m = result.metrics
    assert abs(m["cat_correlation"] + 1) < 1e-12 and m["cat_geodesic_error"] < 1e-6
    assert m["translated_sphere_max_abs_diff"] < 1e-12
    assert (m["table1_matching_rows"], m["table2_matching_rows"]) == (5, 2)
    text = " ".join(recos_sphere.EXPERIMENT.findings_for(m))
    assert "Kuo's Fig. 4: **supported**" in text and "opposite points of the sphere" in text
    verdicts = recos_sphere.EXPERIMENT.verdicts(m)
    assert {v.outcome for v in verdicts.values()} == {"supported"}


@pytest.mark.parametrize(
    "change,claim",
    [
        (dict(cat_correlation=-1 + 1e-9), "cat_antipode_correlation"),
        (dict(cat_correlation=1.0), "cat_antipode_correlation"),
        (dict(cat_geodesic_distance=np.pi - 1e-9), "cat_antipode_distance"),
        (dict(translated_sphere_max_abs_diff=1e-9), "translated_sphere_forms_agree"),
        (dict(table1_matching_rows=4), "table1_matches"),
    ],
)
def test_sphere_verdicts_on_hand_made_metrics(change, claim):
    """An identity off by more than its tolerance is contradicted; the others stay supported."""
    exact = dict(
        cat_correlation=-1.0, cat_geodesic_distance=np.pi, translated_sphere_max_abs_diff=0.0, table1_matching_rows=5
    )
    v = recos_sphere.EXPERIMENT.verdicts({**exact, **change})
    assert v[claim].outcome == "contradicted"
    assert all(x.outcome == "supported" for cid, x in v.items() if cid != claim)
    assert all(x.outcome == "supported" for x in recos_sphere.EXPERIMENT.verdicts(exact).values())
    with pytest.raises(ValueError, match="takes no dataset"):
        recos_sphere.make_config("ci", dataset="mnist")
