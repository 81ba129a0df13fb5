"""Maximum Gain of classifiers, the monitor callback, models and the section IV-C1 diagnosis."""

import numpy as np
import pytest
import torch

from sigcnn.core.runtime import set_seed
from sigcnn.data.transforms import to_symmetric
from sigcnn.models import NIN, LeNet5, WideLeNet
from sigcnn.models.training import train_classifier
from sigcnn.probes.diagnosis import diagnose_losses, diagnose_max_gain, jitter
from sigcnn.probes.max_gain import (
    MaxGainMonitor,
    classifier_data_derivative,
    impulse_image,
    maximum_gain,
    winning_class_projection,
)


def test_impulse_image():
    img = impulse_image(32, channels=3)
    assert img.dtype == torch.uint8 and img.shape == (3, 32, 32)
    assert int(img.sum()) == 3 * 255 and img[:, 16, 16].tolist() == [255] * 3
    with pytest.raises(ValueError):
        impulse_image(1)
    with pytest.raises(ValueError):
        impulse_image(8, value=300)


def test_winning_class_projection():
    logits = torch.tensor([0.0, 2.0, 1.0])
    p, i, score = winning_class_projection(logits)
    probs = torch.softmax(logits.double(), 0)
    assert i == 1 and abs(score - float(probs[1])) < 1e-15
    assert p[1] == 1.0 / score and p[0] == 0 and p[2] == 0
    with pytest.raises(ValueError):
        winning_class_projection(torch.zeros(2, 3))


def test_classifier_derivative_is_gradient_of_log_probability():
    torch.manual_seed(0)
    model = LeNet5().double().eval()
    x = torch.randn(1, 32, 32, dtype=torch.float64)
    grad, i, _ = classifier_data_derivative(model, x)
    xr = x.unsqueeze(0).clone().requires_grad_(True)
    torch.log_softmax(model(xr), 1)[0, i].backward()
    assert torch.max(torch.abs(grad - xr.grad[0])) < 1e-12  # (1/score) dz_i/dx = d log z_i / dx


def test_wrong_impulse_size_and_non_image():
    model = WideLeNet(0.25).eval()
    with pytest.raises(ValueError, match="expects 32x32"):
        maximum_gain(model, to_symmetric(impulse_image(28), pad_to=None)[0], expected_size=32)
    with pytest.raises(ValueError, match="WideLeNet expects"):
        maximum_gain(model, to_symmetric(impulse_image(28), pad_to=None)[0])
    with pytest.raises(ValueError, match="one image"):
        maximum_gain(model, torch.zeros(10))
    with pytest.raises(ValueError, match="float"):
        maximum_gain(model, impulse_image(32))


def test_maximum_gain_restores_mode_and_leaves_grads():
    model = NIN((4, 4, 4))
    model.train()
    gain = maximum_gain(model, to_symmetric(impulse_image(32))[0])
    assert model.training and gain.shape == (1,) and np.isfinite(gain).all()
    assert all(p.grad is None for p in model.parameters())
    model.eval()
    maximum_gain(model, to_symmetric(impulse_image(32))[0])
    assert not model.training


def test_diverged_network_gives_nan():
    model = WideLeNet(0.25)
    with torch.no_grad():
        model.fc.weight.fill_(float("nan"))
    assert np.isnan(maximum_gain(model, to_symmetric(impulse_image(32))[0])).all()


class Dropouty(torch.nn.Module):
    """A model with dropout and batch norm: eval-mode measurement must not touch RNG or running stats."""

    def __init__(self):
        super().__init__()
        self.body = WideLeNet(0.25)
        self.bn = torch.nn.BatchNorm2d(1)
        self.drop = torch.nn.Dropout(0.3)

    def forward(self, x):
        return self.drop(self.body(self.bn(x)))


def _train(with_monitor):
    generator = set_seed(0)
    model = Dropouty()
    x = torch.randn(300, 1, 32, 32)
    y = torch.randint(0, 10, (300,), generator=torch.Generator().manual_seed(1))
    monitor = MaxGainMonitor(to_symmetric(impulse_image(32)))
    train_classifier(
        model,
        x,
        y,
        epochs=2,
        batch_size=50,
        lr=0.01,
        generator=generator,
        optimizer="sgd",
        callbacks=[monitor] if with_monitor else [],
    )
    return model, monitor


def test_monitor_does_not_change_training():
    with_m, monitor = _train(True)
    without, _ = _train(False)
    state_a, state_b = with_m.state_dict(), without.state_dict()
    assert state_a.keys() == state_b.keys()
    for key in state_a:
        assert torch.equal(state_a[key], state_b[key]), key  # bit-identical weights and BN statistics
    assert len(monitor.gains) == 2 and monitor.epochs == [0, 1]
    assert np.isfinite(monitor.gains).all()


def test_monitor_in_a_plain_loop():
    model = WideLeNet(0.25)
    monitor = MaxGainMonitor(to_symmetric(impulse_image(32)))
    for epoch in range(3):
        monitor(epoch, model)
    assert monitor.gains[0] == monitor.gains[2]  # no training between calls: same gain
    assert monitor.per_channel[0].shape == (1,)


def test_models_shapes_and_errors():
    x = torch.zeros(2, 1, 32, 32)
    for model in (WideLeNet(0.25), WideLeNet(1.0), NIN((4, 6, 8))):
        assert model(x).shape == (2, 10)
    assert WideLeNet(4).conv1.out_channels == 80 and WideLeNet(0.25).conv3.out_channels == 125
    with pytest.raises(ValueError):
        WideLeNet(0)
    with pytest.raises(ValueError):
        NIN((4, 4))


def test_jitter_is_the_second_difference_by_a_loop(rng):
    g = rng.standard_normal(9)
    loop = [abs(g[t + 1] - 2 * g[t] + g[t - 1]) for t in range(1, 8)]
    assert np.allclose(jitter(g), loop, atol=1e-12, rtol=0)
    assert np.max(jitter(np.linspace(-30, -10, 12))) < 1e-12


T = np.arange(20.0)


@pytest.fixture
def rng():
    """A fresh seeded generator per test."""
    return np.random.default_rng(7)


@pytest.fixture
def shapes(rng):
    """Synthetic Maximum Gain curves (dB), one per shape named in section IV-C1, and shapes that match none."""
    small = 0.02 * rng.standard_normal(20)
    noise = rng.standard_normal(20)
    converged = -30 + 20 * (1 - np.exp(-T / 3)) + small
    flat = -20 + small
    return {
        "converged": converged,  # rise followed by smooth flattening
        "rising": -30 + 1.0 * T + small,  # smooth gradual rise across all epochs
        "noisy": -20 + 3.0 * noise,  # high variability across all epochs
        "overfit": np.r_[flat[:12], flat[12:] + 2.0 * noise[12:]],  # smooth, flat, then high variability
        # shapes that must NOT get the verdicts above:
        "falling": -10 - 1.0 * T + small,  # smooth fall: none of the four
        "flat_then_rise": np.r_[flat[:13], -20 + 2.0 * (T[13:] - 12)] + small,  # rises only late
        "noisy_then_smooth": np.r_[-20 + 3.0 * noise[:10], np.full(10, -20.0) + small[10:]],
        "flat_then_smooth_rise": np.r_[flat[:10], -20 + 0.5 * (T[10:] - 9)] + small,
    }


@pytest.mark.parametrize(
    "shape, verdict",
    [
        ("converged", "converged"),
        ("rising", "keep_training"),
        ("noisy", "lr_too_high"),
        ("overfit", "overfitting"),
        ("falling", "no_rule"),
    ],
)
def test_each_rule_matches_its_shape(shapes, shape, verdict):
    assert diagnose_max_gain(shapes[shape]).verdict == verdict


def test_rules_check_the_whole_shape(shapes):
    # A rise confined to the last third is not a "gradual rise across all epochs" (the old rule looked
    # only at the last third and called it keep_training).
    assert diagnose_max_gain(shapes["flat_then_rise"]).verdict != "keep_training"
    # Variability in the first half only is not "high variability across all epochs".
    assert diagnose_max_gain(shapes["noisy_then_smooth"]).verdict != "lr_too_high"
    # A smooth late rise after a plateau is not "followed by high variability".
    assert diagnose_max_gain(shapes["flat_then_smooth_rise"]).verdict != "overfitting"
    # A converged curve is not still rising.
    assert diagnose_max_gain(shapes["converged"]).verdict != "keep_training"


def test_high_variability_is_relative_to_trial_rates(shapes):
    noisy = shapes["noisy"]
    ref = float(np.median(jitter(noisy)))  # trial rates that are all this jagged: not "high" for this setup
    assert diagnose_max_gain(noisy, reference_jitter_db=ref).verdict != "lr_too_high"
    assert diagnose_max_gain(noisy, reference_jitter_db=0.01).verdict == "lr_too_high"


def test_overfitting_split_is_found_where_the_variability_starts(shapes):
    reason = diagnose_max_gain(shapes["overfit"]).reason
    assert "up to epoch 12" in reason


def test_diagnosis_rejects_bad_curves():
    with pytest.raises(ValueError, match="at least 6"):
        diagnose_max_gain([1.0, 2.0, 3.0, 4.0, 5.0])
    with pytest.raises(ValueError, match="NaN"):
        diagnose_max_gain([1.0, 2.0, np.nan, 3.0, 4.0, 5.0])
    with pytest.raises(ValueError, match="1-D"):
        diagnose_max_gain(np.zeros((6, 2)))


def test_loss_verdicts():
    t = np.arange(10.0)
    falling = 2.0 * np.exp(-t / 2) + 0.3
    assert diagnose_losses(falling, falling) == "converged"
    assert diagnose_losses(2.0 - 0.1 * t, 2.0 - 0.1 * t) == "keep_training"
    val = falling.copy()
    val[6:] += 0.1 * (t[6:] - 5)
    assert diagnose_losses(falling, val) == "overfitting"
    assert diagnose_losses(np.r_[falling[:5], falling[:5][::-1] * 3], falling) == "lr_too_high"
    with pytest.raises(ValueError, match="epochs"):
        diagnose_losses(falling, falling[:7])


def test_cifar_lenet_has_the_papers_layer_counts_and_shapes():
    from collections import Counter

    from sigcnn.models.lenet_wide import CifarLeNet

    model = CifarLeNet()
    counts = Counter(type(m).__name__ for m in model.modules())
    # section IV-B: four conv, two average pool, two max pool, four ReLU, one fully connected
    assert (counts["Conv2d"], counts["AvgPool2d"], counts["MaxPool2d"], counts["ReLU"], counts["Linear"]) == (
        4,
        2,
        2,
        4,
        1,
    )
    x = torch.randn(2, 3, 32, 32)
    sizes = []
    for layer in model.features:
        x = layer(x)
        if isinstance(layer, (torch.nn.MaxPool2d, torch.nn.AvgPool2d)):
            sizes.append(x.shape[-1])
    assert sizes == [16, 8, 4, 2]
    assert model(torch.randn(2, 3, 32, 32)).shape == (2, 10)
    assert CifarLeNet(0.25).features[0].out_channels == 8
    with pytest.raises(ValueError, match="32, 32"):
        model(torch.randn(1, 3, 28, 28))


def test_runs_use_the_other_trial_rates_as_reference(shapes):
    from sigcnn.probes.diagnosis import diagnose_runs

    loss = {"train_loss": np.linspace(2, 1, 20), "val_loss": np.linspace(2, 1.5, 20)}
    noisy, smooth = {**loss, "gain": shapes["noisy"]}, {**loss, "gain": shapes["converged"]}
    # a jagged curve alone in its study is judged on its own span (not against itself): too high
    alone = diagnose_runs(["a"], ["s"], [noisy])
    assert alone.verdicts == ["lr_too_high"]
    # beside a smooth trial rate it is still too high; beside an equally jagged one it is not
    assert diagnose_runs(["a", "b"], ["s", "s"], [noisy, smooth]).verdicts[0] == "lr_too_high"
    twin = {**loss, "gain": shapes["noisy"] + 0.01}
    assert diagnose_runs(["a", "b"], ["s", "s"], [noisy, twin]).verdicts[0] != "lr_too_high"
    # our loss rule on a steadily falling validation loss: still falling over the last third
    assert alone.loss_verdicts == ["keep_training"] and alone.agreement == 0.0
