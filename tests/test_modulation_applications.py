"""Section 5 of Wu et al. (2022): Algorithm 1, the (mu, nu) fit, the post-shift, probes and scores.

Each test reaches the number by another route (explicit DFT sums, brute force, closed forms, scipy).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy import stats

from sigcnn.data import DatasetUnavailable
from sigcnn.data.mosaics import make_mosaics, segmentation_scores
from sigcnn.experiments.modulation_confidence import rank_correlation
from sigcnn.models.small_nets import SMALL_NETS, FeatureCNN1d, SkipFCN
from sigcnn.models.training import train_classifier
from sigcnn.probes.feature_spectra import SpectrumFitMonitor, layer_outputs
from sigcnn.signals.spectral_summaries import (
    apply_spectral_shift,
    average_normalised_spectrum,
    contour_area_fraction,
    energy_contour_levels,
    power_law_fit,
    power_law_noise,
    random_shift_like,
    spectral_shift_gain,
    total_variation_distance,
)


def _dft2_energy(x):
    """|X(a, b)|^2 by the explicit double sum of Eq. 39 (no FFT)."""
    h, w = x.shape
    u, v = np.arange(h), np.arange(w)
    out = np.zeros((h, w))
    for a in range(h):
        for b in range(w):
            phase = np.exp(-2j * np.pi * (a * u[:, None] / h + b * v[None, :] / w))
            out[a, b] = abs((x * phase).sum()) ** 2
    return out


def test_average_spectrum_matches_explicit_sums_and_skips_dead_channels():
    rng = np.random.default_rng(0)
    maps = rng.standard_normal((2, 3, 5, 6))
    maps[1, 2] = 0.0  # a dead channel: the paper's line 4 would divide 0 by 0
    spectrum, skipped = average_normalised_spectrum(maps)
    parts = [_dft2_energy(maps[i, c]) for i in range(2) for c in range(3) if not (i == 1 and c == 2)]
    expected = np.fft.fftshift(np.mean([p / p.sum() for p in parts], axis=0))
    assert skipped == 1
    np.testing.assert_allclose(spectrum, expected, rtol=1e-10, atol=1e-14)
    with pytest.raises(ValueError, match="zero energy"):
        average_normalised_spectrum(np.zeros((1, 1, 4, 4)))


def test_contour_level_is_the_nearest_cumulative_fraction_by_brute_force():
    rng = np.random.default_rng(1)
    spec = rng.random((9, 9)) ** 3
    for q, level in energy_contour_levels(spec).items():
        candidates = np.unique(spec)
        fractions = np.array([spec[spec >= c].sum() / spec.sum() for c in candidates])
        assert level == candidates[np.argmin(np.abs(fractions - q))]
    # the printed line 10 would use the minimum *value* |cumsum - q| as an index: almost always 0
    values = np.sort(spec.ravel())[::-1]
    wrong = values[int(np.min(np.abs(np.cumsum(values) / spec.sum() - 0.9)))]
    assert wrong != energy_contour_levels(spec, (0.9,))[0.9]
    assert 0 < contour_area_fraction(spec, 0.6) < contour_area_fraction(spec, 0.9) < 1


def test_power_law_fit_recovers_an_exact_law_and_counts_radii():
    n = 33
    k = np.arange(n) - n // 2
    ring = np.rint(np.hypot(k[:, None], k[None, :]))
    ring[n // 2, n // 2] = 1.0
    for a in (0.5, 1.0, 1.2):
        # constant on each integer ring and exactly 3 / rho^(2a): amplitude 1/f^a, so mu = a, nu = log 3
        mu, nu, radii = power_law_fit(3.0 * ring ** (-2 * a))
        assert mu == pytest.approx(a, abs=1e-10) and nu == pytest.approx(np.log(3.0), abs=1e-10)
        assert radii == n // 2
    assert power_law_fit(np.random.default_rng(0).random((7, 7)))[2] == 3
    with pytest.raises(ValueError, match="two radii"):
        power_law_fit(np.ones((3, 3)))


def test_power_law_noise_has_the_requested_amplitude_exponent():
    rng = np.random.default_rng(2)
    noise = power_law_noise((64, 64), 1.2, rng, n=8)
    mu, _, _ = power_law_fit(average_normalised_spectrum(noise)[0])
    assert mu == pytest.approx(1.2, abs=0.05)


def test_post_shift_multiplies_the_energy_spectrum_by_exp_diff():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 32))
    gain = rng.standard_normal(17) * 0.3
    y = apply_spectral_shift(x, gain)
    ratio = np.abs(np.fft.fft(y)) ** 2 / np.abs(np.fft.fft(x)) ** 2
    np.testing.assert_allclose(ratio[:, :17], np.exp(gain)[None].repeat(4, 0), rtol=1e-9)
    np.testing.assert_allclose(apply_spectral_shift(x, np.zeros(17)), x, atol=1e-12)
    # 2-D with a gain that depends on |f| only (Hermitian-consistent)
    img = rng.standard_normal((2, 16, 16))
    f = np.hypot(np.fft.fftfreq(16)[:, None], np.fft.rfftfreq(16)[None, :])
    g2 = -2.0 * f
    out = apply_spectral_shift(img, g2, axes=2)
    np.testing.assert_allclose(np.abs(np.fft.rfft2(out)) ** 2, np.abs(np.fft.rfft2(img)) ** 2 * np.exp(g2), rtol=1e-9)
    with pytest.raises(ValueError, match="log_gain"):
        apply_spectral_shift(x, np.zeros(5))


def test_diff_and_random_diff():
    i = np.array([4.0, 2.0, 1.0, 1.0])
    f = np.array([1.0, 1.0, 2.0, 4.0])
    np.testing.assert_allclose(spectral_shift_gain(i, f), np.log(f / 8) - np.log(i / 8))
    diff = np.linspace(-1, 2, 20)
    r = random_shift_like(diff, np.random.default_rng(0))
    assert r[0] == diff[0] and np.array_equal(np.sort(r), np.sort(diff)) and not np.array_equal(r, diff)
    assert total_variation_distance(i, f) == pytest.approx(0.5 * np.abs(i / 8 - f / 8).sum())


def test_monitor_does_not_change_the_training_run():
    x = torch.randn(64, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    y = torch.randint(0, 10, (64,), generator=torch.Generator().manual_seed(1))
    weights = []
    for with_monitor in (False, True):
        torch.manual_seed(5)
        model = SMALL_NETS["resnet"]()
        monitor = SpectrumFitMonitor(x[:16], ("block2", "block3"))
        if with_monitor:
            monitor(-1, model)
        train_classifier(
            model,
            x,
            y,
            epochs=2,
            batch_size=16,
            lr=1e-3,
            generator=torch.Generator().manual_seed(2),
            callbacks=(monitor,) if with_monitor else (),
        )
        weights.append({k: v.clone() for k, v in model.state_dict().items()})
    assert all(torch.equal(weights[0][k], weights[1][k]) for k in weights[0])
    rows = monitor.as_array("block3")
    assert rows.shape == (3, 4) and list(rows[:, 0]) == [-1, 0, 1] and set(rows[:, 3]) == {3}
    assert set(monitor.as_array("block2")[:, 3]) == {7}


def test_layer_outputs_in_train_mode_restores_batch_norm_statistics():
    torch.manual_seed(0)
    model = SMALL_NETS["vgg-bn"]().eval()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    x = torch.randn(8, 1, 28, 28) * 3 + 1
    eval_out = layer_outputs(model, x, ("block1",))["block1"]
    train_out = layer_outputs(model, x, ("block1",), train_mode=True)["block1"]
    assert not np.allclose(eval_out, train_out)
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items()) and not model.training
    with pytest.raises(ValueError, match="unknown layers"):
        layer_outputs(model, x, ("nope",))


def test_segmentation_scores_against_a_loop():
    rng = np.random.default_rng(4)
    target = rng.integers(0, 4, (3, 10, 10))
    pred = np.where(rng.random(target.shape) < 0.7, target, rng.integers(0, 4, target.shape))
    accs, ius = [], []
    for c in range(4):
        t, p = target == c, pred == c
        accs.append((t & p).sum() / t.sum())
        ius.append((t & p).sum() / (t | p).sum())
    acc, iu = segmentation_scores(pred, target, 4)
    assert acc == pytest.approx(np.mean(accs)) and iu == pytest.approx(np.mean(ius))
    assert segmentation_scores(target, target, 4) == (1.0, 1.0)


def test_mosaic_masks_mark_exactly_the_pasted_item_pixels():
    rng = np.random.default_rng(5)
    item = rng.integers(0, 256, (28, 28)).astype(np.uint8)
    items = np.stack([item] * 3)
    labels = np.array([1, 5, 8])
    x, mask = make_mosaics(items, labels, 4, rng, size=40, items=1, threshold=40)
    covered = item > 40
    for i in range(4):
        region = mask[i] > 0
        assert region.sum() == covered.sum()
        np.testing.assert_allclose(np.sort(x[i][region]), np.sort(item[covered] / 255.0), rtol=1e-6)
        assert set(np.unique(mask[i])) <= {0, 1, 2, 3}
    with pytest.raises(ValueError, match="size"):
        make_mosaics(items, labels, 1, rng, size=20)


def test_rank_correlation_matches_scipy():
    rng = np.random.default_rng(6)
    x = rng.random(30)
    y = -x + 0.1 * rng.random(30)
    assert rank_correlation(x, y) == pytest.approx(stats.spearmanr(x, y).statistic)
    assert rank_correlation(x, -x) == pytest.approx(-1.0)


def test_small_networks_shapes():
    assert FeatureCNN1d(pooling=False).encoder(torch.randn(2, 1, 212)).shape[-1] == 212
    assert FeatureCNN1d(pooling=True)(torch.randn(2, 1, 212)).shape == (2, 10)
    assert SkipFCN(4)(torch.randn(2, 1, 48, 48)).shape == (2, 4, 48, 48)


@pytest.mark.parametrize(
    "name",
    [
        "modulation-normalisation",
        "modulation-training-spectra",
        "modulation-postshift-audio",
        "modulation-postshift-segmentation",
    ],
)
def test_full_scale_names_the_paper_data_and_fails_offline(name, empty_data_root):
    import importlib

    module = importlib.import_module("sigcnn.experiments." + name.replace("-", "_"))
    config = module.make_config("full")
    assert config.dataset in {"imagenette", "urbansound8k-dcase2016", "voc2012"}
    with pytest.raises(DatasetUnavailable):
        module.run(config)


def test_torchaudio_agrees_with_librosa_on_fsdd(real_data_root):
    import soundfile

    from sigcnn.data.six_features import librosa_reference, torchaudio_features

    files = sorted((real_data_root / "FSDD" / "recordings").glob("*.wav"))[:3]
    for path in files:
        wave, rate = soundfile.read(path, dtype="float32")
        a, b = torchaudio_features(wave, rate), librosa_reference(wave, rate)
        for key in ("stft", "mel", "mfcc"):
            np.testing.assert_allclose(a[key], b[key], rtol=1e-4, atol=1e-4 * np.abs(b[key]).max())


def test_paper_networks_have_the_probed_layers():
    from sigcnn.experiments.modulation_training_spectra import (
        PAPER_ARCHITECTURES,
        PROBES,
        build_network,
    )

    x = torch.randn(2, 3, 96, 96)
    for arch in PAPER_ARCHITECTURES:
        torch.manual_seed(0)
        model = build_network(arch, 3)
        monitor = SpectrumFitMonitor(x, PROBES[arch])
        monitor(-1, model)
        radii = [int(monitor.as_array(layer)[0, 3]) for layer in PROBES[arch]]
        assert radii[0] > radii[1] >= 2, (arch, radii)
    bn = [m for m in build_network("alexnet-bn-tv", 3).features if isinstance(m, torch.nn.BatchNorm2d)]
    assert len(bn) == 5  # one after each of AlexNet's five convolutions


def test_paper_data_sets_are_registered_and_fail_offline(empty_data_root):
    from sigcnn.data.paper_sets import imagenette_folder, load_dcase2016, voc2012_root
    from sigcnn.data.status import dataset_status

    states = {s.name: s.state for s in dataset_status()}
    assert {states[n] for n in ("imagenette", "voc2012", "dcase2016")} == {"missing"}
    for loader, words in (
        (imagenette_folder, "imagenette2-160.tgz"),
        (voc2012_root, "VOCtrainval_11-May-2012.tar"),
        (load_dcase2016, "TUT-acoustic-scenes-2016-development.meta.zip"),
    ):
        with pytest.raises(DatasetUnavailable, match=words):
            loader()


# --- Wu §5.1.3 (confidence) and §5.2 (post-shift): the measured quantities and the verdict logic ---


def test_distances_to_optimum_against_a_loop():
    from sigcnn.experiments.modulation_confidence import MIN_CORRECT, distances_to_optimum

    rng = np.random.default_rng(7)
    f_tr = rng.random((60, 2, 3))
    f_tr /= f_tr.sum(axis=(1, 2), keepdims=True)
    y_tr = np.repeat([0, 1, 2], 20)
    correct = rng.random(60) < 0.8
    correct[40:] = False  # class 2: no correct image -> falls back to all of its images
    f_te = rng.random((9, 2, 3))
    f_te /= f_te.sum(axis=(1, 2), keepdims=True)
    y_te = np.repeat([0, 1, 2], 3)
    for metric in ("tv", "l2"):
        dist, fallbacks = distances_to_optimum(f_tr, y_tr, correct, f_te, y_te, metric)
        assert fallbacks == 1
        for i in range(9):
            c = y_te[i]
            members = [
                j for j in range(60) if y_tr[j] == c and (correct[j] or (correct & (y_tr == c)).sum() < MIN_CORRECT)
            ]
            optimum = sum(f_tr[j] for j in members) / len(members)
            diff = f_te[i] - optimum
            expected = 0.5 * np.abs(diff).sum() if metric == "tv" else np.sqrt((diff**2).sum())
            assert dist[i] == pytest.approx(expected) and dist[i] >= 0
    # an image equal to its class optimum is at distance 0; the others are farther
    optimum0 = f_tr[(y_tr == 0) & correct].mean(axis=0)
    dist, _ = distances_to_optimum(f_tr, y_tr, correct, np.stack([optimum0, f_te[1]]), np.array([0, 0]), "tv")
    assert dist[0] == pytest.approx(0.0, abs=1e-15) and dist[1] > 0
    with pytest.raises(ValueError, match="metric"):
        distances_to_optimum(f_tr, y_tr, correct, f_te, y_te, "cosine")


def test_closer_more_confident_gives_negative_rho_and_positive_gap():
    from sigcnn.experiments.modulation_confidence import top_bottom_gap, within_class_rho

    rng = np.random.default_rng(8)
    labels = np.repeat([0, 1], 50)
    dist = rng.random(100)
    prob = 1.0 - dist + 0.01 * rng.random(100)  # closer -> more confident, in each class
    assert within_class_rho(dist, prob, labels) < -0.95
    assert within_class_rho(dist, -prob, labels) > 0.95
    # by hand: the 5 most confident of each class are the 5 nearest
    expected = np.mean([np.sort(dist[labels == c])[-5:].mean() - np.sort(dist[labels == c])[:5].mean() for c in (0, 1)])
    assert top_bottom_gap(dist, prob, labels, 5) == pytest.approx(expected) and expected > 0


def _confidence_metrics(rho, control, minus_pixels, minus_maps, gap=(0.03, 0.031, 0.029)):
    return {
        "rho_replicates": list(rho),
        "rho_control": list(control),
        "gap_replicates": list(gap),
        "gap_control": [0.001 * k for k in range(-6, 6)],
        "spectrum_minus_pixels_replicates": list(minus_pixels),
        "spectrum_minus_feature_maps_replicates": list(minus_maps),
    }


def test_confidence_verdicts_on_hand_made_metrics():
    from sigcnn.experiments.modulation_confidence import EXPERIMENT, spectral_link_is_specific

    control = [0.01 * k for k in range(-6, 6)]  # 12 untrained networks around 0
    negative, positive = (-0.50, -0.52, -0.51), (0.50, 0.52, 0.51)
    better, worse = (-0.10, -0.11, -0.09), (0.10, 0.11, 0.09)
    v = EXPERIMENT.verdicts(_confidence_metrics(negative, control, better, better))
    assert {k: x.outcome for k, x in v.items()} == dict.fromkeys(v, "supported")
    assert spectral_link_is_specific(v)
    v = EXPERIMENT.verdicts(_confidence_metrics(positive, control, worse, worse, gap=(-0.03, -0.031, -0.029)))
    assert {k: x.outcome for k, x in v.items()} == dict.fromkeys(v, "contradicted")
    assert not spectral_link_is_specific(v)
    # the link holds but a baseline tracks confidence as well (Issue 21 item 13): not specific
    v = EXPERIMENT.verdicts(_confidence_metrics(negative, control, better, worse))
    assert v["closer_is_more_confident"].outcome == "supported"
    assert v["spectrum_beats_feature_maps"].outcome == "contradicted" and not spectral_link_is_specific(v)
    v = EXPERIMENT.verdicts(_confidence_metrics(control[:3], control, (-0.1, 0.1, 0.0), (-0.1, 0.1, 0.0)))
    assert v["closer_is_more_confident"].outcome == v["spectrum_beats_pixels"].outcome == "inconclusive"
    text = EXPERIMENT.findings_for({**_confidence_metrics(negative, control, better, worse), **_summary_keys()})
    assert any("not established" in line for line in text)


def _summary_keys():
    return {
        "test_accuracy": 0.8,
        "seeds": 3,
        "rho": -0.5,
        "rho_pixels": -0.4,
        "rho_feature_maps": -0.6,
        "control_seeds": 12,
        "top": 20,
    }


def test_three_arms_share_each_seed_and_shift_by_that_seeds_diff():
    from sigcnn.experiments._postshift import ARMS, arm_seed, three_arms

    rng = np.random.default_rng(9)
    train, test = rng.standard_normal((6, 32)), rng.standard_normal((4, 32))
    asked, seen = [], []

    def diff_for_seed(seed):
        asked.append(seed)
        return np.random.default_rng(seed).standard_normal(17) * 0.5

    def score(arm, seed, tr, te):
        seen.append((arm, seed))
        return tr, te

    scores, diffs = three_arms(train, test, seeds=2, base_seed=3, diff_for_seed=diff_for_seed, score=score)
    assert asked == [arm_seed(3, 0), arm_seed(3, 1)] == [300, 301]
    assert seen == [(arm, seed) for seed in asked for arm in ARMS]
    energy = lambda x: np.abs(np.fft.rfft(x, axis=-1)) ** 2  # noqa: E731
    for s, diff in enumerate(diffs):
        np.testing.assert_array_equal(scores["original"][s][0], train)
        tr, te = scores["post-shift"][s]
        assert np.sqrt(np.mean(tr**2)) == pytest.approx(np.sqrt(np.mean(train**2)))
        # post-shift: energy times exp(DIFF), up to one global factor shared by train and test
        for shifted, orig in ((tr, train), (te, test)):
            ratio = np.log(energy(shifted) / energy(orig)) - diff
            np.testing.assert_allclose(ratio, ratio[0, 0], atol=1e-8)
        # random shift: the same seed's DIFF values, permuted (DC kept)
        rtr, _ = scores["random-shift"][s]
        g = np.log(energy(rtr) / energy(train))
        g = g - g[0, 0] + diff[0]
        np.testing.assert_allclose(g, g[0][None].repeat(6, 0), atol=1e-8)
        np.testing.assert_allclose(np.sort(g[0]), np.sort(diff), atol=1e-8)
        assert not np.allclose(g[0], diff)
    asked.clear()
    _, once = three_arms(
        train, test, seeds=3, base_seed=3, diff_for_seed=diff_for_seed, score=score, diff_per_seed=False
    )
    assert asked == [300] and all(d is once[0] for d in once)


def test_paired_interval_matches_scipy():
    from sigcnn.experiments._postshift import paired_interval

    d = np.array([0.02, -0.01, 0.04, 0.03])
    mean, lo, hi = paired_interval(d)
    ci = stats.ttest_1samp(d, 0.0).confidence_interval(0.95)
    assert mean == pytest.approx(d.mean()) and (lo, hi) == pytest.approx((ci.low, ci.high))


def _audio_accuracies(post_minus_random):
    base = np.array([0.70, 0.72, 0.71, 0.69, 0.73])
    return {
        ("original", True): list(base + 0.10),
        ("original", False): list(base),
        ("random-shift", True): list(base + 0.08),
        ("random-shift", False): list(base - 0.01),
        ("post-shift", True): list(base + 0.08 + post_minus_random),
        ("post-shift", False): list(base - 0.01 + post_minus_random),
    }


def test_audio_summary_and_verdicts_on_hand_made_accuracies():
    from sigcnn.experiments._metrics import flatten
    from sigcnn.experiments.modulation_postshift_audio import EXPERIMENT, summarise

    counts = dict(source_recordings=1, target_train=1, target_test=1)
    diffs = [np.array([0.0, 1.0, -1.0]), np.array([0.0, 1.0, -0.5])]
    jitter = np.array([0.0, 0.01, -0.01, 0.005, -0.005])

    def verdicts(post_minus_random):
        return EXPERIMENT.verdicts(flatten(summarise(_audio_accuracies(post_minus_random), diffs, **counts)))

    m = summarise(_audio_accuracies(0.05 + jitter), diffs, **counts)
    acc = _audio_accuracies(0.05 + jitter)
    np.testing.assert_allclose(m.post_vs_random_pool.replicates, 0.05 + jitter)
    np.testing.assert_allclose(
        m.delta_paper_comparison.replicates, np.subtract(acc[("post-shift", False)], acc[("original", True)])
    )
    np.testing.assert_allclose(m.delta_paper_comparison.replicates, -0.06 + jitter)
    np.testing.assert_allclose(m.delta_dropping_pooling.replicates, -0.10)
    np.testing.assert_allclose(m.delta_post_pool.replicates, -0.02 + 0.05 + jitter)
    assert m.diff_agreement == pytest.approx(np.corrcoef(*diffs)[0, 1])
    v = verdicts(0.05 + jitter)
    assert v["post_shift_helps_pool"].outcome == v["post_shift_helps_nopool"].outcome == "supported"
    assert v["paper_comparison"].outcome == "contradicted"  # -0.11 + 0.05 < 0
    v = verdicts(-0.05 + jitter)
    assert v["post_shift_helps_pool"].outcome == v["post_shift_helps_nopool"].outcome == "contradicted"
    v = verdicts(jitter)
    assert v["post_shift_helps_pool"].outcome == "inconclusive"
    assert verdicts(0.2 + jitter)["paper_comparison"].outcome == "supported"
    text = EXPERIMENT.findings_for(flatten(m))
    assert any("Dropping pooling alone" in line and "-10.0 points" in line for line in text)


def _segmentation_scores(post_minus_random, guide_effect):
    base = np.array([0.60, 0.62, 0.61])
    jitter = np.array([0.0, 0.004, -0.004])
    pair = lambda a: [(float(x), float(x) - 0.1) for x in a]  # noqa: E731
    return {
        "original": pair(base),
        "random-shift": pair(base - 0.01),
        "post-shift": pair(base - 0.01 + post_minus_random + jitter),
        "zero-guide": pair(base - guide_effect + jitter),
    }


def test_segmentation_summary_and_verdicts_on_hand_made_scores():
    from sigcnn.experiments._metrics import flatten
    from sigcnn.experiments.modulation_postshift_segmentation import EXPERIMENT, summarise

    fixed = dict(classes_with_background=4, network_a_mean_accuracy=0.7, network_a_mean_iu=0.6)
    diffs = [np.arange(6.0).reshape(3, 2), np.arange(6.0)[::-1].reshape(3, 2)]
    m = summarise(_segmentation_scores(0.05, 0.2), diffs, **fixed)
    np.testing.assert_allclose(m.post_vs_random_mean_iu.replicates, [0.05, 0.054, 0.046])
    np.testing.assert_allclose(m.delta_mean_accuracy.replicates, [0.04, 0.044, 0.036])
    np.testing.assert_allclose(m.guide_effect_mean_accuracy.replicates, [0.2, 0.196, 0.204])
    assert m.mean_accuracy_zero_guide == pytest.approx(0.41)
    v = EXPERIMENT.verdicts(flatten(m))
    assert {k: x.outcome for k, x in v.items()} == dict.fromkeys(v, "supported")
    v = EXPERIMENT.verdicts(flatten(summarise(_segmentation_scores(-0.05, -0.2), diffs, **fixed)))
    assert {k: x.outcome for k, x in v.items()} == dict.fromkeys(v, "contradicted")
    v = EXPERIMENT.verdicts(flatten(summarise(_segmentation_scores(0.01, 0.0), diffs, **fixed)))
    assert v["guide_matters"].outcome == "inconclusive"
    assert v["post_shift_beats_original_mean_accuracy"].outcome == "inconclusive"  # 0 on average
    assert any("zeros" in line for line in EXPERIMENT.findings_for(flatten(m)))


def test_skip_is_the_only_full_resolution_path_of_the_segmenter():
    """Issue 21 item 12: with the encoder's bottleneck held fixed, the output depends on the guide only.

    The old SkipFCN also fed the encoder's full-resolution stem to the last layer, so the
    network could ignore its guide (zeros, the original or another image: 0.686 / 0.693 / 0.690).
    """
    torch.manual_seed(0)
    model = SkipFCN(4).eval()
    x1, x2, guide = (torch.randn(2, 1, 24, 24, generator=torch.Generator().manual_seed(k)) for k in range(3))
    fixed = model.down(model.stem(x1)).detach()
    handle = model.down.register_forward_hook(lambda _m, _i, _o: fixed)
    try:
        with torch.no_grad():
            same = model(x1, guide), model(x2, guide)
            other_guide = model(x1, torch.zeros_like(guide))
    finally:
        handle.remove()
    torch.testing.assert_close(same[0], same[1])
    assert (other_guide - same[0]).abs().max() > 1e-3
    with torch.no_grad():
        assert not torch.allclose(model(x1, x1), model(x1, torch.zeros_like(x1)))


def test_paper_architectures_agree_with_docstring_and_page():
    """Issue 21 item 14: code, docstring and page name the same networks and data set at ``full``."""
    from pathlib import Path

    from sigcnn.experiments import modulation_training_spectra as ts

    full = ts.make_config("full")
    assert full.dataset == "imagenette" and tuple(full.architectures) == ts.PAPER_ARCHITECTURES
    names = {"alexnet-bn-tv": "AlexNet", "vgg19-bn": "VGG19_bn", "resnet18": "ResNet18"}
    assert set(ts.PAPER_ARCHITECTURES) == set(names)
    doc = " ".join(ts.__doc__.split())
    assert "Imagenette" in doc and "CIFAR" not in doc
    assert all(names[a] in doc for a in ts.PAPER_ARCHITECTURES)
    assert "ResNet152 and ResNeXt50 are not run" in doc
    page = (Path(__file__).resolve().parents[1] / "book" / "modulation_applications.md").read_text()
    section = page[page.index("## 5.1.2") : page.index("## 5.1.3")]
    assert "trains three, on Imagenette: AlexNet_bn, VGG19_bn and ResNet18" in section
    assert "ResNet152 and ResNeXt50 are not run" in section and "CIFAR" not in section


def test_per_image_spectra_against_explicit_sums():
    from sigcnn.experiments.modulation_confidence import per_image_spectra

    rng = np.random.default_rng(10)
    maps = rng.standard_normal((2, 3, 4, 5))
    maps[0, 1] = 0.0  # a dead channel is skipped, not averaged in as zeros
    out = per_image_spectra(maps)
    for i in range(2):
        alive = [c for c in range(3) if maps[i, c].any()]
        expected = np.mean([_dft2_energy(maps[i, c]) / _dft2_energy(maps[i, c]).sum() for c in alive], axis=0)
        np.testing.assert_allclose(out[i], np.fft.fftshift(expected), rtol=1e-10)
        assert out[i].sum() == pytest.approx(1.0)


def test_top_bottom_gap_takes_each_class_on_its_own():
    from sigcnn.experiments.modulation_confidence import top_bottom_gap

    rng = np.random.default_rng(11)
    labels = np.repeat([0, 1, 2], [10, 6, 8])
    dist, prob = rng.random(24), rng.random(24)
    gaps = []
    for c in (0, 1, 2):
        members = sorted((p, d) for p, d, lab in zip(prob, dist, labels) if lab == c)
        gaps.append(np.mean([d for _, d in members[:3]]) - np.mean([d for _, d in members[-3:]]))
    assert top_bottom_gap(dist, prob, labels, 3) == pytest.approx(np.mean(gaps))


def test_analyse_builds_the_optimum_from_correctly_classified_training_images(monkeypatch):
    from sigcnn.experiments import modulation_confidence as mc

    monkeypatch.setattr(mc, "MIN_CORRECT", 1)
    torch.manual_seed(0)
    model = SMALL_NETS["resnet"]().eval()
    x = torch.randn(60, 1, 28, 28, generator=torch.Generator().manual_seed(12))
    with torch.no_grad():
        pred = model(x).argmax(1)
    y = torch.where(torch.arange(60) < 40, pred, (pred + 1) % 10)  # 40 correct, 20 wrong
    a = mc.analyse(model, x, y, x[:30], y[:30], top=3)
    with torch.no_grad():
        p = torch.softmax(model(x), 1).numpy()
    correct = np.arange(60) < 40
    maps = layer_outputs(model, x, (mc.LAYER,))[mc.LAYER]
    spectra = mc.per_image_spectra(maps)
    dist, _ = mc.distances_to_optimum(spectra, y.numpy(), correct, spectra[:30], y[:30].numpy(), "tv")
    np.testing.assert_allclose(a.dist, dist, rtol=1e-9)
    np.testing.assert_allclose(a.prob, p[np.arange(30), y[:30].numpy()], rtol=1e-5)
    assert a.accuracy == pytest.approx(np.mean(p[:30].argmax(1) == y[:30].numpy()))
    assert set(a.rho) == {"spectrum", "pixels", "feature_maps"}


def test_standardise_is_a_z_score_against_the_reference():
    from sigcnn.experiments.modulation_postshift_audio import standardise

    rng = np.random.default_rng(13)
    ref = rng.standard_normal((20, 4)) * 3 + 1
    ref[:, 2] = 5.0  # constant column: left centred, not divided by 0
    x = rng.standard_normal((5, 4))
    out = standardise(x, ref)
    np.testing.assert_allclose(
        out[:, [0, 1, 3]], (x[:, [0, 1, 3]] - ref[:, [0, 1, 3]].mean(0)) / ref[:, [0, 1, 3]].std(0)
    )
    np.testing.assert_allclose(out[:, 2], x[:, 2] - 5.0)
