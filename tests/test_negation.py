"""Exact identities of the negative-image test (Kuo §2)."""

import pytest
import torch

from sigcnn.data.transforms import pad_images, reverse_greyscale, to_symmetric
from sigcnn.models import ACTIVATIONS, LeNet5, negate_first_layer


def test_reversal_is_exact_negation_for_every_grey_level():
    levels = torch.arange(256, dtype=torch.uint8).reshape(1, 16, 16)
    assert torch.equal(to_symmetric(reverse_greyscale(levels), pad_to=None), -to_symmetric(levels, pad_to=None))
    x = to_symmetric(levels, pad_to=None)
    assert x.min() == -1.0 and x.max() == 1.0


def test_reversing_the_framed_image_is_negation():
    images = torch.randint(0, 256, (3, 28, 28), dtype=torch.uint8)
    x = to_symmetric(images)
    assert x.shape == (3, 1, 32, 32)
    assert torch.equal(x[:, :, :2], -torch.ones_like(x[:, :, :2]))  # black frame
    framed = pad_images(images)
    assert torch.equal(to_symmetric(reverse_greyscale(framed), pad_to=None), -x)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("channels", [6, 12])
def test_negated_c1_on_reversed_equals_original_bitwise(activation, channels):
    torch.manual_seed(0)
    model = LeNet5(c1_channels=channels, activation=activation).eval()
    images = torch.randint(0, 256, (64, 28, 28), dtype=torch.uint8)
    x = to_symmetric(images)
    with torch.no_grad():
        before = model(x)
        bias_before = model.c1.bias.clone()
        negate_first_layer(model)
        after = model(to_symmetric(reverse_greyscale(pad_images(images)), pad_to=None))
    assert torch.equal(before, after)
    assert torch.equal(model.c1.bias, bias_before)


def test_swap_of_accuracies_on_random_network():
    from sigcnn.models.training import accuracy

    torch.manual_seed(1)
    model = LeNet5()
    x = to_symmetric(torch.randint(0, 256, (200, 28, 28), dtype=torch.uint8))
    labels = model(x).argmax(1).detach()
    labels[::3] = (labels[::3] + 1) % 10  # make the accuracy non-trivial
    a_orig, a_rev = accuracy(model, x, labels), accuracy(model, -x, labels)
    negate_first_layer(model)
    assert accuracy(model, -x, labels) == a_orig
    assert accuracy(model, x, labels) == a_rev


def test_transforms_reject_bad_input():
    with pytest.raises(ValueError, match="uint8"):
        to_symmetric(torch.zeros(2, 28, 28))
    with pytest.raises(ValueError, match="fit"):
        to_symmetric(torch.zeros(2, 40, 40, dtype=torch.uint8))
    with pytest.raises(ValueError, match="uint8"):
        reverse_greyscale(torch.zeros(2, 28, 28))
