"""Channel chapter: noise shapes, receivers, experiments at tiny sizes, the tf_flowers registry entry."""

import hashlib
import io
import tarfile

import numpy as np
import pytest
import torch

from sigcnn.data import DatasetUnavailable, registry
from sigcnn.data.flowers import load_tf_flowers, read_flower_archive
from sigcnn.experiments import _channel_common as common
from sigcnn.experiments import channel_ber, channel_cnn_noise, channel_concentrated, channel_receivers
from sigcnn.experiments._lenet import LeNetConfig, training_spec
from sigcnn.models import LeNet5
from sigcnn.models import trained_lenet as tl
from sigcnn.models.trained_lenet import load_data
from sigcnn.models.training import SeededTraining, TrainingLog
from sigcnn.signals import stable_noise as sn


@pytest.mark.parametrize(
    "shape,size,pixels",
    [
        ("square", 3, 9),
        ("square", 5, 25),
        ("triangle", 3, 9),
        ("triangle", 5, 25),
        ("rhombus", 2, 5),
        ("rhombus", 3, 13),
        ("points", 1, 1),
    ],
)
def test_stamp_pixel_counts(shape, size, pixels):
    # closed forms: k^2 for squares and triangles of k rows (1 + 3 + ... + 2k-1), 2r^2 + 2r + 1 for rhombi
    assert int(sn.shape_stamp(shape, size).sum()) == pixels


def test_impulse_pattern_budget_and_signs():
    pat = sn.impulse_pattern((20, 32, 32), 0.09, "square", 3, rng=0)
    covered = (pat != 0).sum((1, 2))
    target = round(0.09 * 1024)
    assert np.all(covered >= target) and np.all(covered < target + 9)
    assert set(np.unique(pat)) <= {-1.0, 0.0, 1.0}
    points = sn.impulse_pattern((5, 32, 32), 0.09, "points", 1, rng=1)
    assert np.all((points != 0).sum((1, 2)) == target)
    with pytest.raises(ValueError, match="budget"):
        sn.impulse_pattern((1, 8, 8), 1.5)
    with pytest.raises(ValueError, match="shape"):
        sn.impulse_pattern((1, 8, 8), 0.1, "circle", 2)


def test_salt_and_pepper_sets_exactly_the_amount():
    x = np.full((4, 32, 32), 0.5)
    y = sn.salt_and_pepper(x, 0.27, rng=2)
    changed = (y != 0.5).sum((1, 2))
    assert np.all(changed == round(0.27 * 1024))
    assert set(np.unique(y)) == {0.0, 0.5, 1.0}


def test_per_image_targets():
    rng = np.random.default_rng(3)
    x = rng.uniform(0.2, 0.8, (6, 10, 10))
    noise = sn.symmetric_stable(1.2, x.shape, 1.0, rng)
    targets = np.array([0.0, 3.0, 6.0, 9.0, 12.0, 15.0])
    y = sn.noisy_images_at_snr(x, noise, targets)
    for k in range(6):  # loop over images, Eq. 1 by hand
        snr = 10 * np.log10((x[k] ** 2).sum() / ((x[k] - y[k]) ** 2).sum())
        assert abs(snr - targets[k]) < 0.1


def test_median_front_end_removes_an_isolated_impulse():
    img = np.full((1, 9, 9), 0.3)
    noisy = img.copy()
    noisy[0, 4, 4] = 1.0
    assert np.array_equal(common.median_front_end(noisy), img)


def test_network_input_matches_training_scaling():
    from sigcnn.data.transforms import to_symmetric

    u8 = torch.randint(0, 256, (3, 28, 28), dtype=torch.uint8)
    via_unit = common.network_input(common.framed_unit_images(u8))
    assert torch.allclose(via_unit, to_symmetric(u8), atol=1e-6)


def test_familywise_check_keeps_its_false_rejection_rate():
    # independent route: error counts drawn from the exact binomial law (a correct simulator), at the ci grid
    snr = np.arange(-10, 20.01, 2.5)
    p = np.concatenate([sn.bpsk_ber_scale(a, snr) for a in channel_ber.ALPHAS])
    n, draws = 20_000, 300
    rng = np.random.default_rng(0)
    counts = rng.binomial(n, p, size=(draws, p.size))
    rejected = np.mean([channel_ber.familywise_agreement(c, p, n)[1] > 1 for c in counts])
    assert rejected <= 0.05 + 3 * np.sqrt(0.05 * 0.95 / draws)
    # the old rule, every point within 3 sigma (+1 count), rejects a correct simulator far more often
    sigma = np.sqrt(n * p * (1 - p))
    old = np.mean([not np.all(np.abs(c - n * p) <= 3 * sigma + 1) for c in counts])
    assert old > rejected
    # and a wrong simulator (BER 10 % too high at every point) is caught
    assert channel_ber.familywise_agreement(rng.binomial(n, 1.1 * p), p, n)[1] > 1


def test_channel_ber_experiment_small():
    config = channel_ber.make_config("ci", n_bits=5000, snr_step_db=5.0, batches=25, samples=5)
    result = channel_ber.run(config)
    m = result.metrics
    assert m["closed_form_max_abs_gap"] < 1e-6
    # the scale BER at 0 dB for alpha = 2 is Q(1); the crossing is root-found, not a grid midpoint
    assert m["scale_ber_large_at_0db"] == pytest.approx(0.158655, abs=1e-5)
    assert m["scale_crossings_db"] == pytest.approx([-5.357], abs=2e-3)
    # the range where alpha 0.5 is better is [-20, crossing]
    assert m["scale_snr_range_small_alpha_better_db"] == pytest.approx(-5.357 + 20, abs=2e-3)
    assert m["generalised_snr_range_small_alpha_better_db"] == 0
    v = channel_ber.EXPERIMENT.verdicts(m)
    assert v["scale_snr_smaller_alpha_worse"].outcome == "contradicted"
    assert v["generalised_snr_smaller_alpha_worse"].outcome == "supported"
    assert v["one_sample_detectors_agree"].outcome == "supported"
    # the per-batch replicates average to the reported BER
    assert np.mean(m["empirical_ber_low_snr_replicates"]) == pytest.approx(m["empirical_ber_low_snr"])
    assert len(m["empirical_ber_low_snr_control"]) == 25


def _ber_metrics(**changes):
    rng = np.random.default_rng(1)
    spread = lambda centre: list(centre + 0.002 * rng.standard_normal(30))  # noqa: E731
    m = {
        "mc_worst_over_threshold": 0.4,
        "closed_form_max_abs_gap": 1e-12,
        "scale_snr_range_small_alpha_better_db": 14.6,
        "generalised_snr_range_small_alpha_better_db": 0.0,
        "empirical_ber_low_snr_replicates": spread(0.01),
        "empirical_ber_low_snr_control": spread(0.15),
        "empirical_ber_high_snr_replicates": spread(0.008),
        "empirical_ber_high_snr_control": spread(0.001),
        "repetition_one_sample_disagreement": 0.0,
        "repetition_median_gain_replicates": spread(0.18),
        "repetition_myriad_gain_replicates": spread(0.19),
        "repetition_gaussian_linear_gain_replicates": spread(0.006),
    }
    m.update(changes)
    return m


def test_ber_verdicts_on_hand_made_metrics():
    """Each outcome from metrics built by hand: flipping a claim's direction or tolerance fails here."""
    v = channel_ber.EXPERIMENT.verdicts(_ber_metrics())
    assert {k: x.outcome for k, x in v.items()} == {
        "monte_carlo_matches_exact": "supported",
        "closed_forms_agree": "supported",
        "scale_snr_smaller_alpha_worse": "contradicted",
        "generalised_snr_smaller_alpha_worse": "supported",
        "empirical_smaller_alpha_worse_low_snr": "contradicted",
        "empirical_smaller_alpha_worse_high_snr": "supported",
        "one_sample_detectors_agree": "supported",
        "median_helps_with_several_samples": "supported",
        "myriad_helps_with_several_samples": "supported",
        "linear_best_in_gaussian_noise": "supported",
    }
    rng = np.random.default_rng(2)
    flipped = channel_ber.EXPERIMENT.verdicts(
        _ber_metrics(
            mc_worst_over_threshold=1.3,
            closed_form_max_abs_gap=1e-3,
            repetition_one_sample_disagreement=0.001,
            repetition_median_gain_replicates=list(-0.1 + 0.01 * rng.standard_normal(30)),
            repetition_myriad_gain_replicates=list(0.01 * rng.standard_normal(30)),
            repetition_gaussian_linear_gain_replicates=list(-0.1 + 0.01 * rng.standard_normal(30)),
        )
    )
    assert flipped["monte_carlo_matches_exact"].outcome == "contradicted"
    assert flipped["closed_forms_agree"].outcome == "contradicted"
    assert flipped["one_sample_detectors_agree"].outcome == "contradicted"
    assert flipped["median_helps_with_several_samples"].outcome == "contradicted"
    assert flipped["myriad_helps_with_several_samples"].outcome == "inconclusive"
    assert flipped["linear_best_in_gaussian_noise"].outcome == "contradicted"
    missing = channel_ber.EXPERIMENT.verdicts({})
    assert all(x.outcome == "no test" for x in missing.values())


def test_channel_configs_reject_unknown_dataset():
    with pytest.raises(ValueError, match="dataset"):
        channel_cnn_noise.make_config("ci", dataset="imagenet")


def test_cnn_noise_and_receivers_tiny(real_data_root, results_root):
    small = dict(n_seeds=1, epochs=1, train_limit=300, test_limit=60, control_seeds=2)
    r = channel_cnn_noise.run(
        channel_cnn_noise.make_config("ci", alphas=(0.5, 2.0), snrs_db=(0.0, 10.0), noise_draws=1, **small)
    )
    m = r.metrics
    # independent route: the 28 x 28 test digits from the data set, noise and Eq. 1 on them, then a black frame
    config = channel_cnn_noise.make_config("ci", **small)
    data = load_data(training_spec(config))
    u8, labels = data.test_u8[:60], data.y_test[:60]
    x = u8.numpy().astype(np.float64) / 255.0
    assert x.shape[1:] == (28, 28)
    unit = sn.symmetric_stable(2.0, x.shape, 1.0, np.random.default_rng(10_000 + 97 * 0 + 1))  # alpha index 1
    noisy = sn.noisy_images_at_snr(x, unit, 0.0)
    eq1 = 10 * np.log10((x**2).sum((1, 2)) / ((x - noisy) ** 2).sum((1, 2)))
    assert np.allclose(eq1, 0.0, atol=0.02)  # the digit itself is at the target (the old framed noise gave ~1 dB more)
    net = common.build_bench(config, torch.device("cpu")).trained[0]
    framed = lambda im: torch.nn.functional.pad(torch.from_numpy(im).float(), (2, 2, 2, 2))  # noqa: E731
    with torch.no_grad():
        correct = lambda im: (net((2 * framed(im) - 1)[:, None]).argmax(1) == labels).numpy()  # noqa: E731
        expected = correct(x).astype(float) - correct(noisy).astype(float)
    assert np.allclose(r.arrays["drop_per_image"][1, 0], expected)
    assert m["drops_lowest_snr"][1] == pytest.approx(expected.mean())
    assert len(m["gap_lowest_snr_replicates"]) == 60 and len(m["clean_accuracy_control"]) == 2
    assert m["top_share_small"] > m["top_share_large"]
    rc = channel_receivers.run(channel_receivers.make_config("ci", alphas=(0.5,), snrs_db=(0.0,), **small))
    # the plain receiver is the clean-trained network itself: same accuracies as channel-cnn-noise
    assert rc.metrics["clean_accuracy_plain"] - rc.arrays["accuracy"][0, 0, 0, 0] == pytest.approx(
        m["drops_lowest_snr"][0], abs=1e-6
    )
    assert len(rc.metrics["gain_median_lowest_snr_replicates"]) == 60


def test_channel_config_is_the_lenet_config_and_maps_to_its_training_spec():
    """The channel settings are the shared LeNet-5 settings (shorter defaults) plus the bench's own."""
    config = channel_cnn_noise.make_config("ci", epochs=2, train_limit=300, lr=1e-3, seed=4)
    assert isinstance(config, common.ChannelConfig) and isinstance(config, LeNetConfig)
    spec = training_spec(config)
    assert (spec.dataset, spec.seed, spec.epochs, spec.batch_size, spec.lr, spec.train_limit) == (
        "mnist",
        4,
        2,
        128,
        1e-3,
        300,
    )
    assert spec.scenes_contrast is None
    assert (common.ChannelConfig.epochs, common.ChannelConfig.train_limit) == (3, 4000)  # not LeNetConfig's 6, 8000


def test_build_bench_trains_on_its_device(real_data_root, results_root, monkeypatch):
    """Before: build_bench trained on the CPU whatever ``device`` it was given. A spy in place of the
    training loop records where the training images are; the 'meta' device holds no data, so nothing
    trains, and the spy hands back an untrained CPU network."""
    seen = []

    def spy(factory, inputs, labels, *, seed, **kw):
        seen.append((inputs.device.type, labels.device.type, seed))
        return SeededTraining(factory(), TrainingLog(loss=[float(kw["epochs"])]))

    monkeypatch.setattr(tl, "train_seeded", spy)
    config = channel_cnn_noise.make_config("ci", n_seeds=2, epochs=1, train_limit=300, test_limit=20, seed=3)
    bench = common.build_bench(config, torch.device("meta"))
    assert seen == [("meta", "meta", 3), ("meta", "meta", 4)]
    assert bench.seeds == [3, 4] and isinstance(bench.train, tl.LeNetData)
    # the bench holds CPU networks in eval mode, whatever device trained them
    for net in bench.trained + bench.untrained:
        assert isinstance(net, LeNet5) and not net.training
        assert {p.device.type for p in net.parameters()} == {"cpu"}
    assert bench.images.shape == (20, 28, 28) and bench.train.x_train.shape[0] == 300


def test_the_augmented_receivers_train_on_the_run_device(monkeypatch):
    """Before: train_on trained the augmented networks on the CPU whatever the run's device. A spy in
    place of the training loop records where the images are (the 'meta' device holds no data)."""
    seen = []

    def spy(factory, inputs, labels, *, seed, **kw):
        seen.append((inputs.device.type, labels.device.type, seed))
        return SeededTraining(factory(), TrainingLog(loss=[0.0]))

    monkeypatch.setattr(channel_receivers, "train_seeded", spy)
    config = channel_receivers.make_config("ci")
    images, labels = torch.zeros(4, 1, 32, 32), torch.zeros(4, dtype=torch.long)
    net = channel_receivers.train_on(config, images, labels, 5, 10, torch.device("meta"))
    assert seen == [("meta", "meta", 5)]
    assert isinstance(net, LeNet5) and not net.training and {p.device.type for p in net.parameters()} == {"cpu"}


def test_concentrated_tiny(real_data_root, results_root):
    cfg = channel_concentrated.make_config(
        "ci", n_seeds=1, epochs=1, train_limit=300, test_limit=40, budgets=(0.09,), shapes=(("square", 3),)
    )
    r = channel_concentrated.run(cfg)
    m = r.metrics
    assert r.arrays["drop"].shape == (3, 1, 1)  # stable0.9, points, square3
    # classic salt-and-pepper at 9 % on digits is below the equal-SNR target (it saturates every impulse)
    assert m["saltpepper_snr_db"][0] <= m["target_snr_db"][0]
    # one shape: the per-image gap averages to the difference of the two kinds' mean drops
    d = r.arrays["drop"][:, 0, 0]
    assert m["shape_gap_vs_points_largest_budget"] == pytest.approx(d[2] - d[1])
    assert m["shape_gap_vs_stable_largest_budget"] == pytest.approx(d[2] - d[0])


def _spread(centre, n=200, sd=0.3, seed=0):
    return list(centre + sd * np.random.default_rng(seed).standard_normal(n))


@pytest.mark.parametrize(
    "low,high,expected",
    [
        (0.1, 0.1, ("supported", "supported")),
        (-0.1, 0.0, ("contradicted", "inconclusive")),
        (0.0, -0.1, ("inconclusive", "contradicted")),
    ],
)
def test_cnn_noise_verdicts_on_hand_made_metrics(low, high, expected):
    """Flipping a claim's direction or key fails here."""
    m = {
        "gap_lowest_snr_replicates": _spread(low, seed=1),
        "gap_high_snr_replicates": _spread(high, seed=2),
        "concentration_gap_replicates": _spread(0.5, sd=0.05),
        "clean_accuracy_replicates": [0.95, 0.96, 0.94],
        "clean_accuracy_control": _spread(0.1, n=12, sd=0.02),
    }
    v = channel_cnn_noise.EXPERIMENT.verdicts(m)
    assert (v["smaller_alpha_hurts_more_low_snr"].outcome, v["smaller_alpha_hurts_more_high_snr"].outcome) == expected
    assert v["smaller_alpha_concentrates_energy"].outcome == "supported"
    assert v["networks_learned"].outcome == "supported"
    m["clean_accuracy_replicates"] = [0.1, 0.11, 0.09]
    assert channel_cnn_noise.EXPERIMENT.verdicts(m)["networks_learned"].outcome == "inconclusive"
    m["concentration_gap_replicates"] = _spread(-0.5, sd=0.05)
    assert channel_cnn_noise.EXPERIMENT.verdicts(m)["smaller_alpha_concentrates_energy"].outcome == "contradicted"


@pytest.mark.parametrize(
    "points,stable,expected", [(0.2, -0.2, ("supported", "contradicted")), (0.0, 0.2, ("inconclusive", "supported"))]
)
def test_concentrated_verdicts_on_hand_made_metrics(points, stable, expected):
    m = {
        "shape_gap_vs_points_largest_budget_replicates": _spread(points, seed=3),
        "shape_gap_vs_points_all_budgets_replicates": _spread(points, seed=4),
        "shape_gap_vs_stable_largest_budget_replicates": _spread(stable, seed=5),
    }
    v = channel_concentrated.EXPERIMENT.verdicts(m)
    assert (v["shapes_hurt_more_than_points"].outcome, v["shapes_hurt_more_than_stable"].outcome) == expected
    assert v["shapes_hurt_more_than_points_all_budgets"].outcome == expected[0]


@pytest.mark.parametrize("sign,expected", [(1, "supported"), (-1, "contradicted"), (0, "inconclusive")])
def test_receivers_verdicts_on_hand_made_metrics(sign, expected):
    keys = ("median", "augmented", "median_augmented")
    m = {f"gain_{k}_lowest_snr_replicates": _spread(0.1 * sign, seed=i) for i, k in enumerate(keys)}
    m["median_clean_cost_replicates"] = _spread(-0.1 * sign, seed=9)
    v = channel_receivers.EXPERIMENT.verdicts(m)
    assert [v[c].outcome for c in ("median_helps", "augmentation_helps", "median_and_augmentation_help")] == [
        expected
    ] * 3
    flipped = {"supported": "contradicted", "contradicted": "supported", "inconclusive": "inconclusive"}
    assert v["median_costs_clean_accuracy"].outcome == flipped[expected]


def _fake_flowers(path):
    from PIL import Image

    with tarfile.open(path, "w:gz") as tar:
        for c, name in enumerate(registry.TF_FLOWERS.extra["classes"]):
            for k in range(2):
                buf = io.BytesIO()
                Image.fromarray(np.full((40, 60, 3), 40 * c + k, dtype=np.uint8)).save(buf, format="JPEG")
                info = tarfile.TarInfo(f"flower_photos/{name}/{k}.jpg")
                info.size = buf.tell()
                buf.seek(0)
                tar.addfile(info, buf)


def test_tf_flowers_offline_is_unavailable(empty_data_root):
    with pytest.raises(DatasetUnavailable, match="flower_photos.tgz"):
        load_tf_flowers()


def test_tf_flowers_local_archive(monkeypatch, empty_data_root):
    folder = empty_data_root / "tf_flowers"
    folder.mkdir()
    _fake_flowers(folder / "flower_photos.tgz")
    # the real checksum rejects the fake archive ...
    with pytest.raises(DatasetUnavailable):
        load_tf_flowers()
    # ... and a registry entry carrying the fake archive's SHA-256 accepts it
    sha = hashlib.sha256((folder / "flower_photos.tgz").read_bytes()).hexdigest()
    remote = registry.TF_FLOWERS.files[0]
    fake = registry.RemoteFile(remote.path, None, None, (), sha256=sha)
    spec = registry.DatasetSpec(**{**registry.TF_FLOWERS.__dict__, "files": (fake,)})
    monkeypatch.setattr("sigcnn.data.flowers.TF_FLOWERS", spec)
    split = load_tf_flowers(size=16, test_share=0.2)
    assert split.train_images.shape[1:] == (16, 16) and split.train_images.dtype == torch.uint8
    assert len(split.train_labels) + len(split.test_labels) == 10
    images, labels, _ = read_flower_archive(folder / "flower_photos.tgz", 16)
    assert sorted(np.bincount(labels)) == [2] * 5
    # a constant image stays (almost) constant through crop, resize and grey conversion
    assert np.ptp(images[0].astype(int)) <= 1


def test_reachable_snrs_leaves_out_points_below_the_floor():
    rng = np.random.default_rng(4)
    bright = rng.uniform(0.6, 1.0, (5, 12, 12))  # bright images: high clipping floor
    kept, floor = common.reachable_snrs(bright, (1.0,), (0,), (-20.0, 0.0, 30.0))
    unit = common.stable_unit_noise(bright.shape, 1.0, common.noise_seed(0, 0))
    huge = np.clip(bright + 1e12 * unit, 0, 1)  # independent route: saturate every pixel
    expected = (10 * np.log10((bright**2).sum((1, 2)) / ((huge - bright) ** 2).sum((1, 2)))).max()
    assert floor == pytest.approx(expected)
    assert kept == tuple(v for v in (-20.0, 0.0, 30.0) if v >= expected + 0.1)
    with pytest.raises(ValueError, match="snrs_db"):
        common.reachable_snrs(bright, (1.0,), (0,), (floor - 5,))


def test_bad_grid_rejected_before_training(results_root):
    with pytest.raises(ValueError, match="alphas"):
        channel_cnn_noise.run(channel_cnn_noise.make_config("ci", alphas=(0.5, 2.5)))
    with pytest.raises(ValueError, match="budgets"):
        channel_concentrated.run(channel_concentrated.make_config("ci", budgets=(0.03, 1.2)))


def test_augmented_training_set_snrs():
    rng = np.random.default_rng(5)
    u8 = torch.from_numpy(rng.integers(0, 256, (40, 28, 28)).astype(np.uint8))
    clean = u8.numpy() / 255.0  # Eq. 1 on the 28 x 28 image itself, not the framed one
    noisy01 = common.augmented_training_set(u8, (0.5, 2.0), 3.0, 12.0, 0.5, seed=6)
    assert noisy01.shape == (40, 28, 28)
    changed = [k for k in range(40) if not np.allclose(noisy01[k], clean[k], atol=1e-6)]
    assert 8 <= len(changed) <= 32  # about half of the images
    for k in changed:  # Eq. 1 by hand: inside the drawn range (or just above an image's clipping floor)
        snr = 10 * np.log10((clean[k] ** 2).sum() / ((clean[k] - noisy01[k]) ** 2).sum())
        assert 3.0 - 0.05 <= snr <= 12.0 + 0.05


def test_channel_configs_reject_bad_claim_settings():
    with pytest.raises(ValueError, match="batches"):
        channel_ber.make_config("ci", n_bits=20_050)
    with pytest.raises(ValueError, match="batches"):
        channel_ber.make_config("ci", batches=80)  # 250 bits per batch: not a multiple of block=100
    for bad in ((10.0, 0.0), (0.0, 0.0), (0.0, 5.0, 10.0)):
        with pytest.raises(ValueError, match="claim_snrs_db"):
            channel_ber.make_config("ci", claim_snrs_db=bad)
    for small, large in ((2.0, 0.5), (1.0, 1.0)):
        with pytest.raises(ValueError, match="alpha_small"):
            channel_ber.make_config("ci", alpha_small=small, alpha_large=large)
    channel_ber.make_config("ci", claim_snrs_db=(-1.0, 1.0), alpha_small=0.9, alpha_large=1.0)  # valid
    with pytest.raises(ValueError, match="alpha_small"):
        channel_cnn_noise.make_config("ci", alphas=(0.9, 2.0))
    with pytest.raises(ValueError, match="high_snr_db"):
        channel_cnn_noise.make_config("ci", high_snr_db=7.0)
    for module in (channel_cnn_noise, channel_receivers):
        with pytest.raises(ValueError, match="noise_draws"):
            module.make_config("ci", noise_draws=0)
        module.make_config("ci", noise_draws=1)  # valid


def test_ber_helpers_by_hand():
    # _crossing: linear interpolation of the first sign change
    assert channel_ber._crossing(np.array([0.0, 1.0, 2.0]), np.array([1.0, -1.0, -2.0])) == pytest.approx(0.5)
    assert channel_ber._crossing(np.array([0.0, 1.0]), np.array([1.0, 2.0])) is None
    cfg = channel_ber.make_config("ci", alphas=(0.5, 2.0), n_bits=2000, batches=10, samples=3)
    scale, gen = channel_ber._exact_curves(cfg, "scale"), channel_ber._exact_curves(cfg, "generalised")
    # alpha 0.5 is better exactly on [-20, crossing]; never under the generalised SNR
    assert scale.snr_range_small_alpha_better_db == pytest.approx(scale.crossings_db[0] + 20, abs=1e-6)
    assert gen.snr_range_small_alpha_better_db == 0 and gen.crossings_db == ()
    assert scale.largest_gap > 0 and scale.ber_small_at_20db > scale.ber_large_at_20db
    rep = channel_ber._repetition(cfg, np.random.default_rng(0))
    assert rep.one_sample_disagreement == 0.0 and rep.ber_median < rep.ber_linear
