"""train_seeded (one seeded training entry point) and limit_training_set (one data helper)."""

import pytest
import torch
from torch import nn

from sigcnn.data import ImageSplit, limit_training_set
from sigcnn.models.training import train_classifier, train_seeded


def _data():
    g = torch.Generator().manual_seed(5)
    return torch.randn(64, 3, generator=g), torch.randint(0, 2, (64,), generator=g)


def test_train_seeded_is_set_seed_then_factory_then_train_classifier():
    x, y = _data()
    run = train_seeded(lambda: nn.Linear(3, 2), x, y, seed=4, epochs=2, batch_size=8, lr=0.05)
    # the same steps written out by hand: seed torch, build, shuffle with a generator seeded alike
    torch.manual_seed(4)
    model = nn.Linear(3, 2)
    log = train_classifier(model, x, y, epochs=2, batch_size=8, lr=0.05, generator=torch.Generator().manual_seed(4))
    assert torch.equal(run.model.weight, model.weight) and run.log.loss == log.loss
    other = train_seeded(lambda: nn.Linear(3, 2), x, y, seed=5, epochs=2, batch_size=8, lr=0.05)
    assert not torch.equal(other.model.weight, run.model.weight)
    seen = []
    train_seeded(
        lambda: nn.Linear(3, 2),
        x,
        y,
        seed=4,
        epochs=0,
        batch_size=8,
        lr=0.05,
        before_training=lambda m: seen.append(m.weight.detach().clone()),
    )
    torch.manual_seed(4)
    assert torch.equal(seen[0], nn.Linear(3, 2).weight)
    with pytest.raises(ValueError, match="seed"):
        train_seeded(lambda: nn.Linear(3, 2), x, y, seed=-1, epochs=1, batch_size=8, lr=0.05)


def test_initial_model_is_the_weights_train_seeded_starts_from():
    from sigcnn.models.training import initial_model

    x, y = _data()
    seen = []
    train_seeded(
        lambda: nn.Linear(3, 2),
        x,
        y,
        seed=9,
        epochs=1,
        batch_size=8,
        lr=0.05,
        before_training=lambda m: seen.append(m.weight.detach().clone()),
    )
    init = initial_model(lambda: nn.Linear(3, 2), seed=9)
    assert torch.equal(init.weight, seen[0]) and not init.training
    torch.manual_seed(10)  # independent route: torch's own seeding, another seed
    expected = nn.Linear(3, 2).weight.detach().clone()
    other = initial_model(lambda: nn.Linear(3, 2), seed=10, device="cpu")
    assert torch.equal(other.weight, expected) and not torch.equal(other.weight, seen[0])
    with pytest.raises(ValueError, match="seed"):
        initial_model(lambda: nn.Linear(3, 2), seed=-2)


def test_limit_training_set_keeps_the_first_images_and_says_so():
    imgs = torch.arange(10, dtype=torch.uint8).reshape(10, 1, 1).expand(10, 2, 2).contiguous()
    split = ImageSplit("toy", imgs, torch.arange(10), imgs[:3], torch.arange(3), "src", "Split note.", True)
    cut = limit_training_set(split, 4)
    assert cut.train_images[:, 0, 0].tolist() == [0, 1, 2, 3] and cut.train_labels.tolist() == [0, 1, 2, 3]
    assert torch.equal(cut.test_images, split.test_images) and "first 4 training images" in cut.split_note
    assert limit_training_set(split, None) is split and limit_training_set(split, 10) is split
    for bad in (0, -3, 2.5, True):
        with pytest.raises(ValueError, match="limit"):
            limit_training_set(split, bad)
