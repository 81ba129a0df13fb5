"""Anchor geometry and the two-layer cascade (Kuo 2016, Eqs. 11-23), on random and real weights."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from sigcnn.data.scenes import SCENE_NAMES, mnist_with_scenes, put_on_backgrounds, scene_backgrounds
from sigcnn.models import LeNet5
from sigcnn.probes.anchors import (
    POOLINGS,
    c3_field_on_c1,
    cascade_responses,
    compound_anchors,
    compound_bias,
    count_in_c3_fields,
    dc_matched_directions,
    first_layer_matrix,
    match_on_angle,
    nearest_angle,
    remove_dc,
    second_layer_matrix,
    spherical_kmeans,
    unit_anchors,
    variance_split,
)


@pytest.fixture
def net():
    torch.manual_seed(0)
    return LeNet5().double().eval()


def _linear_cascade(model, x, pooling):
    y = F.conv2d(x, model.c1.weight, model.c1.bias)
    y = F.avg_pool2d(y, 2) if pooling == "average" else y[:, :, ::2, ::2][:, :, :14, :14]
    return F.conv2d(y, model.c3.weight, model.c3.bias)


@pytest.mark.parametrize("pooling", POOLINGS)
def test_compound_anchors_equal_the_linear_cascade(net, pooling):
    x = torch.randn(4, 1, 32, 32, dtype=torch.float64)
    c = compound_anchors(net.c1.weight, net.c3.weight, pooling)
    assert c.shape == ((16, 14, 14) if pooling == "average" else (16, 13, 13))
    c0 = compound_bias(net.c1.bias, net.c3.weight, net.c3.bias)
    z = F.conv2d(x, torch.as_tensor(c).unsqueeze(1), stride=2) + torch.as_tensor(c0)[None, :, None, None]
    with torch.no_grad():
        expected = _linear_cascade(net, x, pooling)
    assert (z - expected).abs().max() < 1e-12
    out = cascade_responses(net, x, pooling)
    assert np.abs(out["z"] - expected.numpy()).max() < 1e-12


@pytest.mark.parametrize("pooling", POOLINGS)
def test_compound_anchors_are_the_matrix_product_ab(net, pooling):
    a = first_layer_matrix(net.c1.weight, pooling)
    b = second_layer_matrix(net.c3.weight)
    c = compound_anchors(net.c1.weight, net.c3.weight, pooling)
    assert a.shape[1] == b.shape[0] == 25 * 6
    assert np.abs(a @ b - c.reshape(16, -1).T).max() < 1e-14


def test_cascade_real_output_is_the_network(net):
    x = torch.randn(3, 1, 32, 32, dtype=torch.float64)
    out = cascade_responses(net, x)
    with torch.no_grad():
        real = net.act3(net.c3(net.s2(net.act1(net.c1(x)))))
    assert np.abs(out["z_real"] - real.numpy()).max() < 1e-12
    assert out["z_rect"].shape == out["z"].shape == (3, 16, 10, 10)


def test_coverage_of_the_13x13_field():
    cov = compound_anchors(np.ones((1, 1, 5, 5)), np.ones((1, 1, 5, 5)), "subsample")[0]
    assert cov.shape == (13, 13)
    assert cov[0, 0] == 1 and cov[0, 2] == 2 and cov[2, 2] == 4 and cov.max() == 9


def test_hungarian_matching_recovers_a_permutation():
    rng = np.random.default_rng(0)
    anchors = unit_anchors(rng.standard_normal((6, 25)))
    perm = rng.permutation(6)
    rows, cols, angles = match_on_angle(anchors, anchors[perm] * 3.0)
    np.testing.assert_array_equal(perm[cols], rows)
    assert angles.max() < 1e-7
    assert nearest_angle(anchors, anchors[perm]).max() < 1e-7


def test_spherical_kmeans_finds_clusters():
    rng = np.random.default_rng(0)
    centres = unit_anchors(rng.standard_normal((3, 10)))
    points = np.repeat(centres, 50, axis=0) + 0.01 * rng.standard_normal((150, 10))
    found = spherical_kmeans(points, 3, seed=0)
    assert np.allclose(np.linalg.norm(found, axis=1), 1.0)
    assert np.degrees(match_on_angle(centres, found)[2]).max() < 2.0


def test_bad_anchor_shapes():
    with pytest.raises(ValueError, match=r"\(K, C, h, w\) or anchors \(K, N\)"):
        unit_anchors(np.ones(5))
    with pytest.raises(ValueError, match="only 2 centroids"):
        match_on_angle(np.eye(3), np.eye(3)[:2])
    with pytest.raises(ValueError, match="c3_weight must have shape"):
        compound_anchors(np.ones((6, 1, 5, 5)), np.ones((16, 5, 5, 5)))
    with pytest.raises(ValueError, match="unknown pooling"):
        compound_anchors(np.ones((6, 1, 5, 5)), np.ones((16, 6, 5, 5)), "max")


def test_scenes_are_offline_photographs_and_compositing_keeps_the_digit():
    bg = scene_backgrounds(contrast=0.5)
    assert bg.shape == (len(SCENE_NAMES), 32, 32) and bg.dtype == np.uint8 and bg.max() <= 128
    digits = torch.zeros(3, 28, 28, dtype=torch.uint8)
    digits[:, 10:18, 12:16] = 255
    out = put_on_backgrounds(digits, bg, torch.tensor([-1, 0, 5]))
    assert out.shape == (3, 32, 32)
    assert (out[:, 12:20, 14:18] == 255).all()  # strokes stay white
    assert out[0].sum() == 255 * 32  # blank: only the digit
    assert torch.equal(out[1, :2], torch.as_tensor(bg[0, :2]))
    imgs, which = mnist_with_scenes(digits, bg, torch.Generator().manual_seed(0))
    assert imgs.shape == (3, 32, 32) and which.min() >= -1
    with pytest.raises(ValueError, match="one index"):
        put_on_backgrounds(digits, bg, torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="uint8"):
        put_on_backgrounds(digits.float(), bg, torch.tensor([0, 1, 2]))


def test_c3_reads_a_10x10_block_of_c1_gradient_probe(net):
    """Gradient of one C3 unit w.r.t. the C1 output (through average pooling, so every entry
    the unit reads gets a nonzero gradient): its support is exactly rows/cols 2i..2i+9."""
    side = c3_field_on_c1()
    assert side == 10
    y = torch.randn(1, 6, 28, 28, dtype=torch.float64, requires_grad=True)
    i, j = 3, 6
    net.c3(F.avg_pool2d(y, 2))[0, 5, i, j].backward()
    rows, cols = np.nonzero(y.grad[0].abs().sum(0).numpy())
    assert (rows.min(), rows.max(), cols.min(), cols.max()) == (2 * i, 2 * i + side - 1, 2 * j, 2 * j + side - 1)
    assert rows.size == side * side  # every entry of the block, nothing else


def test_count_in_c3_fields_against_a_loop():
    rng = np.random.default_rng(3)
    mask = torch.as_tensor(rng.random((2, 6, 28, 28)) < 0.3)
    counts = count_in_c3_fields(mask).numpy()
    assert counts.shape == (2, 1, 10, 10)
    m = mask.numpy()
    for n in range(2):
        for i in range(10):
            for j in range(10):
                assert counts[n, 0, i, j] == m[n, :, 2 * i : 2 * i + 10, 2 * j : 2 * j + 10].sum()


def test_variance_split_adds_up_and_matches_numpy_cov():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((400, 25)) + rng.standard_normal((400, 1))  # patches with a varying mean
    a = rng.standard_normal((3, 25)) + 0.3
    shares = variance_split(x, a)
    assert abs(sum(shares.values()) - 1.0) < 1e-12
    mu = x.mean(axis=1)
    expected = []
    for k in range(3):
        total = x @ a[k]
        mean_part = mu * a[k].sum()
        zero = np.array([a[k] @ (row - row.mean()) for row in x])
        cov = np.cov(zero, mean_part, bias=True)
        expected.append((cov[0, 0] / total.var(), cov[1, 1] / total.var(), 2 * cov[0, 1] / total.var()))
    expected = np.mean(expected, axis=0)
    got = (shares["zero_mean_part"], shares["local_mean_part"], shares["cross_term"])
    np.testing.assert_allclose(got, expected, rtol=1e-10)


def test_dc_matched_directions_keep_the_dc_and_are_random_otherwise():
    rng = np.random.default_rng(2)
    ref = unit_anchors(rng.standard_normal((6, 25)) - 0.4)
    e = np.ones(25) / 5.0
    r = dc_matched_directions(ref, np.random.default_rng(0))
    np.testing.assert_allclose(np.linalg.norm(r, axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(r @ e, ref @ e, atol=1e-12)
    assert np.abs(unit_anchors(remove_dc(r)) @ unit_anchors(remove_dc(ref)).T).max() < 0.99  # not the reference
    np.testing.assert_allclose(remove_dc(np.ones((2, 25))), 0.0)
