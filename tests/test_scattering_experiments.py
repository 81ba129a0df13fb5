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


def test_log_scattering_features_are_log_modulus_time_averages_without_order_zero(tmp_path, monkeypatch):
    """Independent route: properties, not the formula. The scattering modulus is homogeneous of degree 1,
    so scaling a recording by a adds log a to every log-feature (a log of |S|, not of |S|² or |S| itself);
    order 0 (the local mean) is dropped, so adding a constant offset leaves the features unchanged."""
    monkeypatch.setenv("SIGCNN_CACHE", str(tmp_path))
    cfg = scattering_audio.make_config("ci", J=4, Q=2, length=256, log_eps=1e-12)
    rng = np.random.default_rng(0)
    waves = rng.standard_normal((3, 256)).astype(np.float32)
    feats, hit, orders = scattering_audio.scattering_features(waves, cfg, "cpu")
    assert not hit and set(orders) == {1, 2} and feats.shape[0] == 3
    scaled, _, _ = scattering_audio.scattering_features(4.0 * waves, cfg, "cpu")
    np.testing.assert_allclose(scaled - feats, np.log(4.0), atol=1e-3)
    offset, _, _ = scattering_audio.scattering_features(waves + 3.0, cfg, "cpu")
    np.testing.assert_allclose(offset, feats, atol=0.05)
    assert scattering_audio.scattering_features(waves, cfg, "cpu")[1]  # second call: from the cache


def test_time_frequency_runs(real_data_root, monkeypatch, tmp_path):
    monkeypatch.setenv("SIGCNN_RESULTS", str(tmp_path))
    result = scattering_time_frequency.run(scattering_time_frequency.make_config("ci"))
    m = result.metrics
    assert abs(m["gaussian_product"] - 1 / (4 * np.pi)) < 1e-3
    assert m["hann_over_bound"] > 1
    assert m["fourier_dilation_change_high"] > m["scattering_dilation_change_high"]
    ratios = np.array(m["dilation_fourier_minus_scattering_replicates"])
    assert ratios.size == len(scattering_time_frequency.ATOM_FREQUENCIES)
    assert ratios[0] == pytest.approx(np.log(m["fourier_dilation_change_low"] / m["scattering_dilation_change_low"]))


# --- Theorem 3: the ratio's conventions and the slope, against independent routes -----------------------


def test_theorem3_ratio_divides_order_zero_and_one_by_g_and_order_two_by_2g():
    change, sizes, norms = np.array([0.3, 0.3, 0.3]), np.array([0.1, 0.1, 0.1]), np.array([2.0, 2.0, 2.0])
    by_order = [scattering_theorems.theorem3_ratios(change, m, sizes, norms)[0] for m in (0, 1, 2)]
    assert by_order == pytest.approx([1.5, 1.5, 0.75])  # max(m, 1): order 0 is not divided by 0


def test_loglog_slopes_match_polyfit():
    rng = np.random.default_rng(0)
    sizes = np.exp(rng.uniform(-5, -1, (4, 5)))
    changes = np.exp(rng.normal(0, 0.2, (4, 5))) * sizes ** np.array([[0.5], [1.0], [1.3], [2.0]])
    expected = [np.polyfit(np.log(s), np.log(c), 1)[0] for s, c in zip(sizes, changes)]
    np.testing.assert_allclose(scattering_theorems.loglog_slopes(sizes, changes), expected, rtol=1e-10)


def test_order_change_norms_undo_kymatio_subsampling_per_order():
    base = np.zeros((1, 3, 2, 2))
    moved = base.copy()
    moved[0, 1] = 1.0  # one order-1 channel changes by 1 at its 4 samples
    out = scattering_theorems.order_change_norms(base, moved, np.array([0, 1, 1]), J=2)
    assert out[0][0] == 0 and out[1][0] == pytest.approx(4 * 2.0)  # 2^J × sqrt(4)


# --- each experiment's claims, decided on hand-made metrics (flipping a direction fails here) -------------

_SLOPE_UP = list(np.linspace(0.95, 1.05, 20))
_SLOPE_DOWN = list(np.linspace(0.55, 0.65, 20))


@pytest.mark.parametrize(
    "j_slope,fourier,c5,f6,deform,shift,expected",
    [
        (
            list(np.linspace(-1.1, -0.9, 20)),
            1e-16,
            ([0.30, 0.31, 0.29], [0.40, 0.42, 0.38, 0.41, 0.39, 0.43, 0.40, 0.41, 0.42, 0.38, 0.40, 0.39]),
            ([0.50, 0.51, 0.49], [0.30, 0.32, 0.28, 0.31, 0.29, 0.33, 0.30, 0.31, 0.32, 0.28, 0.30, 0.29]),
            _SLOPE_UP,
            _SLOPE_DOWN,
            ("supported", "supported", "supported", "contradicted", "supported", "contradicted"),
        ),
        (
            list(np.linspace(0.9, 1.1, 20)),
            1e-3,
            ([0.30, 0.50, 0.40], [0.40, 0.42, 0.38, 0.41, 0.39, 0.43, 0.40, 0.41, 0.42, 0.38, 0.40, 0.39]),
            ([0.30, 0.50, 0.40], [0.40, 0.42, 0.38, 0.41, 0.39, 0.43, 0.40, 0.41, 0.42, 0.38, 0.40, 0.39]),
            list(np.linspace(0.5, 1.3, 20)),
            _SLOPE_UP,
            ("contradicted", "contradicted", "inconclusive", "inconclusive", "inconclusive", "supported"),
        ),
    ],
)
def test_theorems_verdicts_on_hand_made_metrics(j_slope, fourier, c5, f6, deform, shift, expected):
    m = {
        "translation_J_slope_replicates": j_slope,
        "shift2_fourier": fourier,
        "shift2_lenet_c5_replicates": c5[0],
        "shift2_lenet_c5_control": c5[1],
        "shift2_lenet_f6_replicates": f6[0],
        "shift2_lenet_f6_control": f6[1],
        "theorem3_slope_deform_replicates": deform,
        "theorem3_slope_shift_replicates": shift,
    }
    v = scattering_theorems.EXPERIMENT.verdicts(m)
    ids = [c.id for c in scattering_theorems.CLAIMS]
    assert tuple(v[i].outcome for i in ids) == expected


@pytest.mark.parametrize(
    "gauss,boxcar,log_ratio,expected",
    [
        (1.0002, 0.501, [0.5, 1.0, 1.5, 2.0, 1.8, 2.1], ("supported", "supported", "supported")),
        (1.01, 0.6, [-0.5, -1.0, -1.5, -2.0, -1.8, -2.1], ("contradicted", "contradicted", "contradicted")),
        (0.9995, 0.49, [1.0, -1.0, 0.5, -0.5, 0.2, -0.2], ("supported", "supported", "inconclusive")),
    ],
)
def test_time_frequency_verdicts_on_hand_made_metrics(gauss, boxcar, log_ratio, expected):
    m = {
        "gaussian_over_bound": gauss,
        "boxcar_growth_per_4x": boxcar,
        "dilation_fourier_minus_scattering_replicates": log_ratio,
    }
    v = scattering_time_frequency.EXPERIMENT.verdicts(m)
    assert tuple(v[c.id].outcome for c in scattering_time_frequency.CLAIMS) == expected


_UNTRAINED = [0.09, 0.10, 0.11, 0.10, 0.095, 0.105, 0.10, 0.098, 0.102, 0.11, 0.09, 0.10]


@pytest.mark.parametrize(
    "small,large,lenet,expected",
    [
        ([1] * 30 + [0] * 60 + [-1] * 10, [1] * 20 + [0] * 75 + [-1] * 5, [0.97, 0.975, 0.98], ("supported",) * 3),
        (
            [-1] * 30 + [0] * 60 + [1] * 10,
            [1] * 10 + [0] * 80 + [-1] * 10,
            [0.05, 0.06, 0.055],
            ("contradicted", "inconclusive", "contradicted"),
        ),
    ],
)
def test_classifiers_verdicts_on_hand_made_metrics(small, large, lenet, expected):
    m = {
        "scattering_minus_pixels_smallest_replicates": small,
        "scattering_minus_pixels_largest_replicates": large,
        "lenet_accuracy_largest_replicates": lenet,
        "lenet_accuracy_largest_control": _UNTRAINED,
    }
    v = scattering_classifiers.EXPERIMENT.verdicts(m)
    assert tuple(v[c.id].outcome for c in scattering_classifiers.CLAIMS) == expected


@pytest.mark.parametrize(
    "gain,cnn,diff,expected",
    [
        ([1] * 30 + [0] * 265 + [-1] * 5, [0.80, 0.82, 0.84], [0.12, 0.14, 0.13], ("supported",) * 3),
        ([-1] * 20 + [0] * 270 + [1] * 2, [0.05, 0.06, 0.055], [-0.12, -0.14, -0.13], ("contradicted",) * 3),
        ([1] * 5 + [0] * 290 + [-1] * 5, [], [], ("inconclusive", "no test", "no test")),
    ],
)
def test_audio_verdicts_on_hand_made_metrics(gain, cnn, diff, expected):
    m = {
        "order2_gain_replicates": gain,
        "cnn_accuracy_replicates": cnn,
        "cnn_accuracy_control": _UNTRAINED if cnn else [],
        "scattering_minus_cnn_replicates": diff,
    }
    v = scattering_audio.EXPERIMENT.verdicts(m)
    assert tuple(v[c.id].outcome for c in scattering_audio.CLAIMS) == expected


# --- each experiment's measure at a tiny size -----------------------------------------------------------


def _scattering_ratio_of_a_shift(image: np.ndarray, J: int, shift: int) -> float:
    """Independent route: kymatio directly, order-1 paths from its own labels, |g| = 2^-J |c|."""
    from kymatio.numpy import Scattering2D

    transform = Scattering2D(J=J, shape=image.shape, L=8, out_type="list")
    moved = np.zeros_like(image)
    moved[:, shift:] = image[:, :-shift]

    def order1(x):
        return np.stack([c["coef"] for c in transform(x.astype(np.float32)) if len(c["j"]) == 1])

    diff = 2.0**J * np.linalg.norm(order1(moved) - order1(image))
    return float(diff / (2.0**-J * shift * np.linalg.norm(image)))


def test_theorems_tiny_run_bounds_c_by_translations_too(real_data_root, results_root):
    """The old estimator left translations out: its C (0.19-0.50 at J = 3) sat below the ratio of a 1-px shift."""
    cfg = scattering_theorems.make_config(
        "ci", n_images=4, lenet_seeds=2, control_seeds=3, lenet_train=64, lenet_epochs=1, gradients=(0.01, 0.02, 0.05)
    )
    m = scattering_theorems.run(cfg).metrics
    from sigcnn.data import load_image_dataset

    images = scattering_theorems.pad_to_32(load_image_dataset("mnist", allow_test_split=True).test_images[:4])
    independent = max(_scattering_ratio_of_a_shift(img, 3, s) for img in images for s in (1, 2, 3, 4))
    assert m["theorem3_C_J3_m1"] >= independent * (1 - 1e-4)
    assert m["theorem3_C_shift_J3_m1"] == pytest.approx(independent, rel=1e-3)
    assert len(m["theorem3_slope_deform_replicates"]) == 4 and len(m["shift2_lenet_c5_control"]) == 3
    assert m["theorem3_C_J3_m1_quarter_sample"] <= m["theorem3_C_J3_m1"]
    assert set(scattering_theorems.EXPERIMENT.verdicts(m)) == {c.id for c in scattering_theorems.CLAIMS}


def test_classifiers_tiny_run(real_data_root, results_root, tmp_path, monkeypatch):
    monkeypatch.setenv("SIGCNN_CACHE", str(tmp_path))
    cfg = scattering_classifiers.make_config("ci", sizes=(40, 80), lenet_epochs=1, lenet_seeds=2, control_seeds=2)
    m = scattering_classifiers.run(cfg).metrics
    n_test = m["n_test"]
    diff = np.array(m["scattering_minus_pixels_largest_replicates"])
    assert diff.size == n_test and set(np.unique(diff)) <= {-1.0, 0.0, 1.0}
    # paired differences add up to the difference of the two accuracies
    assert diff.mean() == pytest.approx(m["pixels_error_rate_largest"] - m["scattering_error_rate_largest"])
    assert len(m["lenet_accuracy_largest_replicates"]) == 2 and len(m["lenet_accuracy_largest_control"]) == 2
    assert (m["smallest_size"], m["largest_size"]) == (40, 80)


def test_audio_tiny_run(real_data_root, results_root, tmp_path, monkeypatch):
    monkeypatch.setenv("SIGCNN_CACHE", str(tmp_path))
    cfg = scattering_audio.make_config("ci", J=6, Q=4, train_stride=20)
    m = scattering_audio.run(cfg).metrics
    gain = np.array(m["order2_gain_replicates"])
    assert gain.size == m["n_test"] == 300
    assert gain.mean() == pytest.approx(m["scattering_accuracy"] - m["order1_accuracy"])
    assert m["cnn_accuracy_replicates"] == [] and not np.isfinite(
        np.nan if m["cnn_accuracy"] is None else m["cnn_accuracy"]
    )
    assert scattering_audio.EXPERIMENT.verdicts(m)["cnn_learns"].outcome == "no test"


def test_audio_tiny_run_beside_network_audio_1(real_data_root, results_root, tmp_path, monkeypatch):
    """The comparison arm: Network-audio-1 with spectral-shift's ci settings on the same split."""
    monkeypatch.setenv("SIGCNN_CACHE", str(tmp_path))
    cfg = scattering_audio.make_config(
        "ci", J=6, Q=4, train_stride=20, compare_cnn=True, cnn_scale="ci", cnn_seeds=1, control_seeds=2
    )
    result = scattering_audio.run(cfg)
    m = result.metrics
    assert len(m["cnn_accuracy_replicates"]) == 1 and len(m["cnn_accuracy_control"]) == 2
    assert m["scattering_minus_cnn_replicates"] == [m["scattering_accuracy"] - m["cnn_accuracy_replicates"][0]]
    assert all(0 <= a <= 1 for a in m["cnn_accuracy_replicates"] + m["cnn_accuracy_control"])
    assert any("'ci' settings: 2048 samples at 4000 Hz" in n for n in result.provenance.notes)
    assert result.provenance.notes[0].startswith("Data set: FSDD")
