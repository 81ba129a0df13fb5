"""Maximum Gain of classifiers, the monitor callback, models and the section IV-C1 diagnosis."""

import numpy as np
import pytest
import torch

from sigcnn.probes.diagnosis import diagnose_losses, diagnose_max_gain, jitter
from sigcnn.models import NIN, LeNet5, WideLeNet
from sigcnn.probes.max_gain import (MaxGainMonitor, classifier_data_derivative, impulse_image, maximum_gain,
                                    winning_class_projection)
from sigcnn.runtime import set_seed
from sigcnn.training import train_classifier
from sigcnn.transforms import to_symmetric


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
    train_classifier(model, x, y, epochs=2, batch_size=50, lr=0.01, generator=generator, optimizer="sgd",
                     callbacks=[monitor] if with_monitor else [])
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


def test_jitter_is_zero_on_straight_lines():
    assert np.max(jitter(np.linspace(-30, -10, 12))) < 1e-12


def test_diagnosis_rules_on_shaped_curves():
    t = np.arange(20.0)
    rng = np.random.default_rng(0)
    small = 0.02 * rng.standard_normal(20)
    converged = -30 + 20 * (1 - np.exp(-t / 3)) + small
    rising = -30 + 1.0 * t + small
    noisy = -20 + 3.0 * rng.standard_normal(20)
    overfit = converged.copy()
    overfit[13:] += 2.0 * rng.standard_normal(7)
    assert diagnose_max_gain(converged).verdict == "converged"
    assert diagnose_max_gain(rising).verdict == "keep_training"
    assert diagnose_max_gain(noisy).verdict == "lr_too_high"
    assert diagnose_max_gain(overfit).verdict == "overfitting"
    # the same noisy curve is not "too high" when trial rates show this much jitter is normal
    ref = float(np.median(jitter(noisy)))
    assert diagnose_max_gain(noisy, reference_jitter_db=ref).verdict != "lr_too_high"


def test_diagnosis_rejects_bad_curves():
    with pytest.raises(ValueError, match="at least 5"):
        diagnose_max_gain([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="NaN"):
        diagnose_max_gain([1.0, 2.0, np.nan, 3.0, 4.0])
    with pytest.raises(ValueError, match="1-D"):
        diagnose_max_gain(np.zeros((5, 2)))


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
        diagnose_losses(falling, falling[:6])
