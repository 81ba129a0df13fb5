"""Anchor geometry and the two-layer cascade (Kuo 2016, Eqs. 11-23), on random and real weights."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from sigcnn.models import LeNet5
from sigcnn.probes.anchors import (POOLINGS, cascade_responses, compound_anchors, compound_bias,
                                   first_layer_matrix, match_on_angle, nearest_angle, second_layer_matrix,
                                   spherical_kmeans, unit_anchors)
from sigcnn.data.scenes import SCENE_NAMES, mnist_with_scenes, put_on_backgrounds, scene_backgrounds


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
    assert c.shape == (16, 14, 14) if pooling == "average" else (16, 13, 13)
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
    assert (out["z_rect"].shape == out["z"].shape == (3, 16, 10, 10))


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
    assert (out[:, 12:20, 14:18] == 255).all()            # strokes stay white
    assert out[0].sum() == 255 * 32                       # blank: only the digit
    assert torch.equal(out[1, :2], torch.as_tensor(bg[0, :2]))
    imgs, which = mnist_with_scenes(digits, bg, torch.Generator().manual_seed(0))
    assert imgs.shape == (3, 32, 32) and which.min() >= -1
    with pytest.raises(ValueError, match="one index"):
        put_on_backgrounds(digits, bg, torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="uint8"):
        put_on_backgrounds(digits.float(), bg, torch.tensor([0, 1, 2]))
