import pytest
import torch

from sigcnn.models import LeNet5, make_activation


def test_lenet5_shapes_follow_kuo_fig1():
    model = LeNet5()
    x = torch.zeros(4, 1, 32, 32)
    assert model.c1(x).shape == (4, 6, 28, 28)
    assert model.features(x).shape == (4, 16, 5, 5)
    assert model(x).shape == (4, 10)
    assert model.c3.weight.shape == (16, 6, 5, 5)
    assert model.c5.weight.shape == (120, 16, 5, 5)
    assert model.f6.weight.shape == (84, 120)


def test_lenet5_twelve_anchors():
    model = LeNet5(c1_channels=12)
    assert model.c1.weight.shape == (12, 1, 5, 5)
    assert model(torch.zeros(1, 1, 32, 32)).shape == (1, 10)


def test_lenet5_rejects_wrong_input_shape():
    with pytest.raises(ValueError, match="32, 32"):
        LeNet5()(torch.zeros(2, 1, 28, 28))


def test_unknown_activation():
    with pytest.raises(ValueError, match="unknown activation"):
        make_activation("swish")
