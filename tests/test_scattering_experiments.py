"""The scattering chapter's experiments: configurations, helpers against loops, and (with the data)
a tiny run of each measurement."""

import numpy as np
import pytest

from sigcnn import experiments
from sigcnn.experiments import scattering_audio, scattering_classifiers, scattering_theorems, scattering_time_frequency
from sigcnn.models.linear import logistic_regression_accuracy

NAMES = ("scattering-time-frequency", "scattering-theorems", "scattering-classifiers", "scattering-audio")


@pytest.mark.parametrize("name", NAMES)
def test_registered_with_notebook_and_rows(name):
    exp = experiments.describe(name)
    assert exp.notebook.startswith("notebooks/scattering_")
    assert exp.report_rows
    for scale in ("ci", "laptop", "full"):
        exp.make_config(scale)


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="no setting"):
        scattering_theorems.make_config("ci", wavelets=3)
    with pytest.raises(ValueError, match="dataset"):
        scattering_classifiers.make_config("ci", dataset="cifar10")


def test_ci_budget_settings():
    cfg = scattering_classifiers.make_config("ci")
    assert len(cfg.sizes) >= 4 and max(cfg.sizes) <= 4000 and cfg.dataset == "mnist"
    audio = scattering_audio.make_config("ci")
    assert (audio.J, audio.Q, audio.length) == (8, 12, 8192)  # kymatio's FSDD example
    assert scattering_audio.make_config("full").train_stride == 1


def test_mean_relative_change_matches_a_loop():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((5, 3, 4)), rng.standard_normal((5, 3, 4))
    expected = np.mean([np.sqrt(((a[i] - b[i]) ** 2).sum()) / np.sqrt((a[i] ** 2).sum()) for i in range(5)])
    assert scattering_theorems.mean_relative_change(a, b) == pytest.approx(expected, rel=1e-12)


def test_lenet_features_shapes_and_padding():
    import torch

    from sigcnn.models import LeNet5

    torch.manual_seed(0)
    feats = scattering_theorems.lenet_features(LeNet5().eval(), np.zeros((2, 32, 32)))
    assert feats["c5"].shape == (2, 120) and feats["f6"].shape == (2, 84)
    x = torch.zeros(3, 28, 28, dtype=torch.uint8)
    x[:, 0, 0] = 255
    padded = scattering_theorems.pad_to_32(x)
    assert padded.shape == (3, 32, 32) and padded[0, 2, 2] == 1.0 and padded.sum() == 3.0


def test_gabor_atom_peaks_at_its_frequency():
    atom = scattering_time_frequency.gabor_atom(4096, 500.0, 8000.0, 0.01)
    freqs = np.fft.rfftfreq(4096, 1 / 8000.0)
    assert freqs[np.argmax(np.abs(np.fft.rfft(atom)))] == pytest.approx(500.0, abs=2)


def test_logistic_regression_separates_separable_classes():
    rng = np.random.default_rng(0)
    centres = rng.standard_normal((3, 10)) * 5
    y = np.repeat(np.arange(3), 40)
    x = centres[y] + rng.standard_normal((120, 10))
    acc = logistic_regression_accuracy(x[::2], y[::2], x[1::2], y[1::2], 1.0, 0)
    assert acc == 1.0
    acc_img = scattering_classifiers.logistic_regression(x[::2], y[::2], x[1::2], y[1::2], 1.0, 0)
    assert acc_img == 1.0


def test_logistic_regression_matches_a_hand_standardised_sklearn_fit():
    """The same fit done by hand: standardise with the training mean and std, then sklearn's default lbfgs."""
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(1)
    y = rng.integers(0, 3, 90)
    x = rng.standard_normal((90, 6)) * [1, 10, 100, 1, 1, 1] + y[:, None] * 0.7  # overlapping, unequal scales
    xt, yt, xs, ys = x[:60], y[:60], x[60:], y[60:]
    m, s = xt.mean(0), xt.std(0)
    expected = LogisticRegression(C=0.5, max_iter=3000, random_state=0).fit((xt - m) / s, yt).score((xs - m) / s, ys)
    assert logistic_regression_accuracy(xt, yt, xs, ys, 0.5, 0) == pytest.approx(expected)
    assert 0.4 < expected < 1.0  # not a degenerate case
    # the image classifier's settings: 300 lbfgs iterations, std + 1e-6
    s6 = xt.std(0) + 1e-6
    images = LogisticRegression(C=0.5, max_iter=300, random_state=0).fit((xt - m) / s6, yt).score((xs - m) / s6, ys)
    assert scattering_classifiers.logistic_regression(xt, yt, xs, ys, 0.5, 0) == pytest.approx(images)


def test_log_scattering_features_drop_order_zero(tmp_path, monkeypatch):
    monkeypatch.setenv("SIGCNN_CACHE", str(tmp_path))
    cfg = scattering_audio.make_config("ci", J=4, Q=2, length=256)
    waves = np.random.default_rng(0).standard_normal((3, 256)).astype(np.float32)
    feats, hit, orders = scattering_audio.scattering_features(waves, cfg, "cpu")
    from kymatio.numpy import Scattering1D

    meta_orders = np.array(Scattering1D(J=4, shape=256, Q=2).meta()["order"])
    assert feats.shape == (3, int((meta_orders > 0).sum())) and not hit and set(orders) == {1, 2}
    # independent route: kymatio directly, log, time average
    direct = Scattering1D(J=4, shape=256, Q=2)(waves)[:, meta_orders > 0]
    np.testing.assert_allclose(feats, np.log(np.abs(direct) + cfg.log_eps).mean(-1), rtol=1e-5)
    assert scattering_audio.scattering_features(waves, cfg, "cpu")[1]  # second call: from the cache


def test_time_frequency_runs(real_data_root, monkeypatch, tmp_path):
    monkeypatch.setenv("SIGCNN_RESULTS", str(tmp_path))
    result = scattering_time_frequency.run(scattering_time_frequency.make_config("ci"))
    m = result.metrics
    assert abs(m["gaussian_product"] - 1 / (4 * np.pi)) < 1e-3
    assert m["hann_over_bound"] > 1
    assert m["fourier_dilation_change_high"] > m["scattering_dilation_change_high"]
