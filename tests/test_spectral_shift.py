"""Network-audio-1, the streaming spectrum probe and the spectral-shift experiments."""

import numpy as np
import pytest
import torch
from torch import nn

from sigcnn.data import DatasetUnavailable
from sigcnn.data.audio_features import fixed_length_waveforms
from sigcnn.models import AUDIO_ACTIVATIONS, AudioVGG11
from sigcnn.probes.spectra import (
    LayerSpectra,
    SpectrumRecorder,
    accumulated_differences,
    analyse_network,
    difference_metrics,
    layer_metrics,
    record_spectra,
)
from sigcnn.signals.modulation import spectral_pool
from sigcnn.signals.spectra import energy_spectrum


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


def test_audio_vgg_follows_the_vgg11_plan():
    model = AudioVGG11(width=0.125, pool_size=2, batch_norm=True)
    names = [n for n, _ in model.features.named_children()]
    assert [n for n in names if n.startswith("conv")] == [f"conv{i}" for i in range(1, 9)]
    assert [n for n in names if n.startswith("pool")] == [f"pool{i}" for i in range(1, 6)]
    convs = [m.conv for m in model.features if hasattr(m, "conv")]
    assert [c.out_channels for c in convs] == [8, 16, 32, 32, 64, 64, 64, 64]
    assert all(c.kernel_size == (3,) and c.padding == (1,) for c in convs)
    assert isinstance(model.features.conv1[1], nn.BatchNorm1d)
    assert model(torch.randn(2, 1, 64)).shape == (2, 10)
    for act in AUDIO_ACTIVATIONS:
        AudioVGG11(width=0.05, activation=act)(torch.randn(1, 1, 32))
    with pytest.raises(ValueError):
        AudioVGG11(activation="swish")
    with pytest.raises(ValueError):
        AudioVGG11(pool_size=4)(torch.randn(1, 1, 100))  # shorter than the total stride 1024
    with pytest.raises(ValueError):
        AudioVGG11()(torch.randn(1, 100))


def test_fixed_length_waveforms_crops_pads_and_checks():
    waves = [np.arange(10.0), np.ones(4)]
    x = fixed_length_waveforms(waves, 6, normalize=None)
    assert x.shape == (2, 1, 6) and x.dtype == torch.float32
    assert np.array_equal(x[0, 0].numpy(), np.arange(2.0, 8.0))
    assert np.array_equal(x[1, 0].numpy(), [0, 1, 1, 1, 1, 0])
    assert fixed_length_waveforms(waves, 6, decimate=2).shape == (2, 1, 6)
    for bad in (dict(length=0), dict(length=6, normalize="max"), dict(length=6, decimate=0)):
        with pytest.raises(ValueError):
            fixed_length_waveforms(waves, **bad)
    with pytest.raises(ValueError):
        fixed_length_waveforms([np.array([np.nan, 1.0])], 4)


def _tiny_model():
    torch.manual_seed(0)
    return AudioVGG11(width=0.05, pool_size=2).eval()


def test_recorder_matches_direct_average_of_spectra():
    model = _tiny_model()
    x = torch.randn(12, 1, 64)
    spectra = record_spectra(model, x, ["features.conv2", "features.act2"], batch_size=5)
    # direct: input of conv2 = pool1(act1(conv1(x))), averaged over samples and channels (Eqs. 17-18)
    feats = model.features
    with torch.no_grad():
        x2 = feats.pool1(feats.act1(feats.conv1(x)))
        y2 = feats.conv2(x2)
        a2 = feats.act2(y2)
    for name, inp, out in (("features.conv2", x2, y2), ("features.act2", y2, a2)):
        s = spectra[name]
        assert s.samples == 12
        np.testing.assert_allclose(s.psi_in, energy_spectrum(inp.double()).mean(dim=(0, 1)).numpy(), rtol=1e-5)
        np.testing.assert_allclose(s.psi_out, energy_spectrum(out.double()).mean(dim=(0, 1)).numpy(), rtol=1e-5)
    # an activation's input spectrum is its convolution's output spectrum
    np.testing.assert_allclose(spectra["features.act2"].psi_in, spectra["features.conv2"].psi_out, rtol=1e-6)


def test_recorder_memory_does_not_grow_with_the_number_of_samples():
    model = _tiny_model()
    layers = ["features.conv1", "features.act1", "features.pool1", "features.conv3"]
    sizes = []
    for n_batches in (1, 20):
        with SpectrumRecorder(model, layers) as rec, torch.no_grad():
            for _ in range(n_batches):
                model(torch.randn(8, 1, 128))
        sizes.append(rec.state_nbytes())
        assert rec.spectra()["features.conv1"].samples == 8 * n_batches
    assert sizes[0] == sizes[1] > 0
    # two float64 running sums (input and output spectrum) per layer and nothing else:
    # conv1 128 + 128, act1 128 + 128, pool1 128 + 64, conv3 (after two poolings) 32 + 32 bins
    assert sizes[0] == 8 * (256 + 256 + 192 + 64)


def test_recorder_checks_its_input():
    model = _tiny_model()
    with pytest.raises(ValueError, match="no layer"):
        SpectrumRecorder(model, ["features.conv99"])
    with pytest.raises(ValueError):
        SpectrumRecorder(model, [])
    rec = SpectrumRecorder(model, ["features.conv1"])
    with pytest.raises(ValueError, match="saw no data"):
        rec.spectra()
    with pytest.raises(ValueError, match="fixed length"), SpectrumRecorder(model, ["features.conv1"]), torch.no_grad():
        model(torch.randn(1, 1, 64))
        model(torch.randn(1, 1, 96))
    # hooks are removed on exit
    assert not model.features.conv1._forward_hooks


# --------------------------------------------------------------------------------------------
# Independent implementations (loops over bins, written from the paper's definitions) of the
# quantities of Wu et al. Eqs. 31-36 and of the spectral centroid, compared with the library.


def _freqs(n):
    """Frequency of bin k of an fftshift-ed n-point spectrum, cycles/sample (-1/2 first)."""
    return [(k - n // 2) / n for k in range(n)]


def _centroid(psi, rate=1.0):
    num = den = 0.0
    for f, e in zip(_freqs(len(psi)), psi):
        num += abs(f) * rate * e
        den += e
    return num / den


def _interp(freqs, values, g):
    if g <= freqs[0]:
        return values[0]
    for k in range(1, len(freqs)):
        if g <= freqs[k]:
            t = (g - freqs[k - 1]) / (freqs[k] - freqs[k - 1])
            return values[k - 1] + t * (values[k] - values[k - 1])
    return values[-1]


def _difference(psi_in, psi_out, grid, shape_only):
    n = len(psi_in)
    if shape_only:
        d = [o / sum(psi_out) - i / sum(psi_in) for i, o in zip(psi_in, psi_out)]
    else:
        d = [(o - i) / n for i, o in zip(psi_in, psi_out)]
    return [_interp(_freqs(n), d, g) for g in grid]


def _pearson(a, b):
    ma, mb = sum(a) / len(a), sum(b) / len(b)
    cov = sum((x - ma) * (y - mb) for x, y in zip(a, b))
    return cov / (sum((x - ma) ** 2 for x in a) * sum((y - mb) ** 2 for y in b)) ** 0.5


def _reference(conv, act, grid, shape_only):
    """CDIFF, ADIFF (Eqs. 31-32), ACDIFF, AADIFF (33-34), correlation, ratio, lambda (36), opposite bins."""
    cdiff = [_difference(s.psi_in, s.psi_out, grid, shape_only) for s in conv]
    adiff = [_difference(s.psi_in, s.psi_out, grid, shape_only) for s in act]
    acdiff = [sum(col) for col in zip(*cdiff)]
    aadiff = [sum(col) for col in zip(*adiff)]
    opposite = sum(1 for c, a in zip(cdiff, adiff) for x, y in zip(c, a) if (x > 0 > y) or (x < 0 < y))
    return dict(
        cdiff=cdiff,
        adiff=adiff,
        acdiff=acdiff,
        aadiff=aadiff,
        correlation=_pearson(acdiff, aadiff),
        ratio=sum(a * a for a in aadiff) ** 0.5 / sum(c * c for c in acdiff) ** 0.5,
        lam=-sum(a * c for a, c in zip(aadiff, acdiff)) / sum(c * c for c in acdiff),
        opposite=opposite / (len(cdiff) * len(grid)),
        pairs=sum(_pearson(c, a) < 0 for c, a in zip(cdiff, adiff)) / len(cdiff),
    )


def _random_layers(rng, lengths):
    return [
        LayerSpectra(f"l{i}", rng.uniform(0.1, 2.0, n), rng.uniform(0.1, 2.0, n), 1, 1, 1)
        for i, n in enumerate(lengths)
    ]


@pytest.mark.parametrize("shape_only, suffix", [(False, ""), (True, "_shape")])
def test_cdiff_adiff_and_their_summaries_match_a_loop_implementation(rng, shape_only, suffix):
    conv = _random_layers(rng, [64, 32, 16, 15])
    act = _random_layers(rng, [64, 32, 16, 15])
    spectra = {f"conv{i}": s for i, s in enumerate(conv)} | {f"act{i}": s for i, s in enumerate(act)}
    kinds = {"conv": [f"conv{i}" for i in range(4)], "act": [f"act{i}" for i in range(4)]}
    grid = np.linspace(-0.5, 0.5, 41)
    cdiff, adiff = accumulated_differences(spectra, kinds, grid, shape_only)
    ref = _reference(conv, act, grid, shape_only)
    np.testing.assert_allclose(cdiff, ref["cdiff"], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(adiff, ref["adiff"], rtol=1e-12, atol=1e-15)
    found = difference_metrics(cdiff, adiff, suffix)
    assert found[f"acdiff_aadiff_correlation{suffix}"] == pytest.approx(ref["correlation"], rel=1e-10)
    assert found[f"aadiff_acdiff_amplitude_ratio{suffix}"] == pytest.approx(ref["ratio"], rel=1e-10)
    assert found[f"lambda_eq36{suffix}"] == pytest.approx(ref["lam"], rel=1e-10)
    assert found[f"cdiff_adiff_opposite_fraction{suffix}"] == pytest.approx(ref["opposite"], abs=1e-12)
    assert found[f"cdiff_adiff_anticorrelated_pairs{suffix}"] == pytest.approx(ref["pairs"], abs=1e-12)


def test_opposite_fraction_counts_bins_not_layer_pairs():
    """One layer pair, 4 bins: CDIFF and ADIFF have opposite signs in 3 bins but correlate positively."""
    cdiff = np.array([[1.0, 2.0, 3.0, 10.0]])
    adiff = np.array([[-1.0, -0.5, -0.1, 5.0]])
    found = difference_metrics(cdiff, adiff)
    assert found["cdiff_adiff_opposite_fraction"] == pytest.approx(0.75)
    assert found["cdiff_adiff_anticorrelated_pairs"] == 0.0


def test_layer_centroids_and_shifts_match_a_loop_in_hertz(rng):
    s = LayerSpectra("pool1", rng.uniform(0.1, 1.0, 64), rng.uniform(0.1, 1.0, 16), 1, 1, 1)
    found = layer_metrics("pool1", s, rate_in=4000.0, low_band=0.125)
    assert found["pool1_centroid_in"] == pytest.approx(_centroid(s.psi_in), rel=1e-12)
    assert found["pool1_centroid_out"] == pytest.approx(_centroid(s.psi_out), rel=1e-12)
    expected_hz = _centroid(s.psi_out, rate=1000.0) - _centroid(s.psi_in, rate=4000.0)
    assert found["pool1_centroid_shift_hz"] == pytest.approx(expected_hz, rel=1e-10)
    assert found["pool1_centroid_shift"] == pytest.approx(expected_hz / 4000.0, rel=1e-10)
    same = LayerSpectra("conv1", s.psi_in, rng.uniform(0.1, 1.0, 64), 1, 1, 1)
    conv = layer_metrics("conv1", same, rate_in=4000.0, low_band=0.125)
    assert conv["conv1_centroid_shift"] == pytest.approx(_centroid(same.psi_out) - _centroid(same.psi_in), rel=1e-12)


def test_ideal_decimation_of_a_band_limited_signal_moves_no_energy_in_hertz():
    """Two lines at 5/256 and 12/256 cycles/sample, spectrally pooled by 4: same frequencies in Hz."""
    n, rate = 256, 4000.0
    t = np.arange(n)
    x = np.cos(2 * np.pi * 5 * t / n) + 0.5 * np.cos(2 * np.pi * 12 * t / n + 0.3)
    y = spectral_pool(x, n // 4)
    s = LayerSpectra("pool", energy_spectrum(x), energy_spectrum(y), 1, 1, 1)
    found = layer_metrics("pool", s, rate_in=rate, low_band=0.125)
    expected_hz = (5 * 1.0 + 12 * 0.25) / 1.25 / n * rate  # energy-weighted mean of the two lines
    assert found["pool_centroid_in"] * rate == pytest.approx(expected_hz, rel=1e-9)
    assert abs(found["pool_centroid_shift_hz"]) < 1e-9 * expected_hz
    # the mistake this guards against: comparing cycles/output sample with cycles/input sample
    assert found["pool_centroid_out"] - found["pool_centroid_in"] == pytest.approx(3 * expected_hz / rate, rel=1e-9)


def test_network_analysis_agrees_with_the_loop_implementation_on_recorded_spectra(rng):
    torch.manual_seed(0)
    model = AudioVGG11(width=0.05, pool_size=2).eval()
    x = torch.tensor(rng.standard_normal((6, 1, 128)), dtype=torch.float32)
    found = analyse_network(model, x, 4000.0, 0.125, 65)
    a, m = found.arrays, found.metrics

    def layers(kind):
        return [LayerSpectra(n, a[f"{n}_psi_in"], a[f"{n}_psi_out"], 1, 1, 1) for n in a[f"{kind}_layers"]]

    ref = _reference(layers("conv"), layers("act"), list(a["grid"]), shape_only=False)
    assert m["acdiff_aadiff_correlation"] == pytest.approx(ref["correlation"], rel=1e-9)
    assert m["lambda_eq36"] == pytest.approx(ref["lam"], rel=1e-9)
    assert m["cdiff_adiff_opposite_fraction"] == pytest.approx(ref["opposite"], abs=1e-12)
    np.testing.assert_allclose(a["acdiff"], ref["acdiff"], rtol=1e-9, atol=1e-12)
    shifts = [_centroid(s.psi_out) - _centroid(s.psi_in) for s in layers("act")]
    assert m["act_moves_up_fraction"] == pytest.approx(np.mean(np.array(shifts) > 0))
    assert m["act2_centroid_shift_hz"] == pytest.approx(shifts[1] * 4000.0 / 2, rel=1e-9)  # act2 runs at 2 kHz
    assert a["pool1_spectral_psi_out"].shape == (64,)


def test_spectral_shift_config_and_missing_urbansound(empty_data_root):
    from sigcnn.experiments import _spectral_common as common
    from sigcnn.experiments import spectral_shift as ss

    with pytest.raises(ValueError):
        ss.make_config("ci", dataset="mnist")
    for bad in (dict(training_seeds=0), dict(shuffled_seeds=-1), dict(train_limit=0), dict(control_seeds=1)):
        with pytest.raises(ValueError):
            ss.make_config("ci", **bad)
    assert ss.make_config("full").dataset == "urbansound8k"
    with pytest.raises(DatasetUnavailable, match="UrbanSound8K"):
        common.load_audio(ss.make_config("ci", dataset="urbansound8k"))


def test_shared_network_settings_are_the_spectral_shift_scales():
    """scattering-audio builds Network-audio-1 from ``network_config``: the settings of spectral-shift's scales."""
    import dataclasses

    from sigcnn.experiments import _spectral_common as common
    from sigcnn.experiments import spectral_shift as ss

    for scale in ("ci", "laptop", "full"):
        assert dataclasses.asdict(common.network_config(scale)) == dataclasses.asdict(ss.make_config(scale))
    assert common.network_config("full", dataset="fsdd", seed=3).dataset == "fsdd"
    assert common.network_config("laptop").width == 0.25 and common.network_config("ci").train_limit == 900
    with pytest.raises(ValueError, match="unknown scale"):
        common.network_config("huge")


def test_untrained_control_network_is_the_training_initialisation(real_data_root):
    from sigcnn.experiments import _spectral_common as common
    from sigcnn.experiments import spectral_shift as ss
    from sigcnn.models.training import initial_model

    config = ss.make_config("ci", epochs=0, train_limit=20)
    data = common.load_audio(config)
    assert "FSDD" in data.note and "recordings 0-4" in data.note  # the notes name the data set loaded
    trained, _ = common.train_network(config, data, seed=5)
    control = initial_model(common.network_factory(config, data.classes), seed=5)
    other = initial_model(common.network_factory(config, data.classes), seed=6)
    for a, b, _ in zip(trained.parameters(), control.parameters(), other.parameters()):
        assert torch.equal(a, b)
    assert not all(torch.equal(a, c) for a, c in zip(control.parameters(), other.parameters()))


def test_spectral_shift_tiny_run_has_every_report_metric(real_data_root, results_root):
    from sigcnn.experiments import load_or_run
    from sigcnn.experiments import spectral_shift as ss

    result = load_or_run(
        ss.EXPERIMENT.name,
        "ci",
        out_dir=results_root,
        epochs=1,
        train_limit=60,
        analysed=20,
        training_seeds=2,
        control_seeds=3,
    )
    assert result.metrics["test_recordings"] == 300 and result.metrics["train_recordings"] == 60
    for row in ss.EXPERIMENT.report_rows:
        assert np.isfinite(result.metrics[row.metric]), row.metric
        if row.control:
            assert len(result.metrics[f"{row.metric}_control"]) == 3
    assert len(result.metrics["conv2_centroid_shift_mean_replicates"]) == 2
    assert (results_root / ss.EXPERIMENT.name / "ci" / "result.json").exists()
    verdicts = ss.EXPERIMENT.verdicts(result.metrics)
    assert set(verdicts) == {c.id for c in ss.CLAIMS}
    assert len(ss.EXPERIMENT.findings_for(result.metrics)) == len(ss.CLAIMS) + 2


def test_activation_variants_config_and_a_tiny_run(real_data_root):
    from sigcnn.experiments import spectral_shift_activations as ssa

    with pytest.raises(ValueError, match="unknown variant"):
        ssa.make_config("ci", variants=("swish",))
    assert ssa.make_config("full").variant_batch_norm is False
    config = ssa.make_config(
        "ci", variants=("sigmoid", "relu_bn"), epochs=0, train_limit=40, analysed=10, training_seeds=2, control_seeds=3
    )
    result = ssa.run(config)
    assert result.metrics["train_recordings"] == 40
    for row in ssa.EXPERIMENT.report_rows:
        if row.metric.split("_")[0] in ("sigmoid", "relu"):
            assert np.isfinite(result.metrics[row.metric])
            assert len(result.metrics[f"{row.metric}_replicates"]) == 2
    # epochs=0: the "trained" networks are untrained ones, so no "is it learned?" claim can be supported
    verdicts = ssa.EXPERIMENT.verdicts(result.metrics)
    assert verdicts["sigmoid_acdiff_aadiff_correlation_learned"].outcome != "supported"
    assert verdicts["tanh_accumulated_opposite"].outcome == "no test"  # a variant not run
    assert result.arrays["sigmoid_acdiff"].shape == result.arrays["grid"].shape
    assert len(ssa.EXPERIMENT.findings_for(result.metrics)) == 3


def test_a_network_with_a_dead_relu_layer_is_analysed_without_its_silent_layers(rng):
    """A shuffled-label network can end with every unit of a ReLU layer dead (found at `laptop`):
    its output and the next convolution's input have no energy, so no spectral shape."""
    torch.manual_seed(0)
    model = AudioVGG11(width=0.05, pool_size=2).eval()
    with torch.no_grad():
        unit = model.features.conv3
        unit.conv.weight.zero_()
        (unit[-1] if len(unit) > 1 else unit.conv).bias.fill_(-1.0)  # act3 = ReLU(-1) = 0 everywhere
    x = torch.tensor(rng.standard_normal((6, 1, 128)), dtype=torch.float32)
    found = analyse_network(model, x, 4000.0, 0.125, 65)
    a, m = found.arrays, found.metrics
    silent = {
        n
        for kind in ("conv", "act", "pool")
        for n in a[f"{kind}_layers"]
        if a[f"{n}_psi_in"].sum() == 0 or a[f"{n}_psi_out"].sum() == 0
    }
    assert {"act3", "conv4"} <= silent and m["silent_layers"] == len(silent)
    assert np.isfinite(a["acdiff_shape"]).all() and np.isfinite(m["acdiff_aadiff_correlation_shape"])

    def layers(kind):
        return [
            LayerSpectra(n, a[f"{n}_psi_in"], a[f"{n}_psi_out"], 1, 1, 1)
            for n in a[f"{kind}_layers"]
            if n not in silent
        ]

    ref = _reference(layers("conv"), layers("act"), list(a["grid"]), shape_only=True)
    np.testing.assert_allclose(a["acdiff_shape"], ref["acdiff"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(a["aadiff_shape"], ref["aadiff"], rtol=1e-9, atol=1e-12)
    ups = [_centroid(s.psi_out) - _centroid(s.psi_in) > 0 for s in layers("act")]
    assert m["act_moves_up_fraction"] == pytest.approx(np.mean(ups))


def test_silent_rows_are_left_out_of_the_opposite_fraction_and_the_pair_count():
    cdiff = np.array([[1.0, -1.0, 2.0], [0.0, 0.0, 0.0]])  # the second layer pair is silent
    adiff = np.array([[-1.0, 1.0, -2.0], [0.5, -0.5, 0.1]])
    found = difference_metrics(cdiff, adiff)
    assert found["cdiff_adiff_opposite_fraction"] == 1.0  # 3 of 3 bins of the one shaped pair
    assert found["cdiff_adiff_anticorrelated_pairs"] == 1.0
    silent = difference_metrics(np.zeros((2, 3)), adiff)
    assert np.isnan(silent["cdiff_adiff_opposite_fraction"]) and np.isnan(silent["cdiff_adiff_anticorrelated_pairs"])


def test_an_all_silent_network_gives_undefined_summaries_without_warnings():
    import warnings

    cdiff, adiff = np.zeros((2, 3)), np.array([[0.5, -0.5, 0.1], [0.2, 0.0, -0.2]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a 0/0 must come back as NaN, not as a RuntimeWarning
        found = difference_metrics(cdiff, adiff)
    assert np.isnan(found["acdiff_aadiff_correlation"]) and np.isnan(found["lambda_eq36"])
    assert found["aadiff_acdiff_amplitude_ratio"] == np.inf
    one_bin = difference_metrics(cdiff + [[1.0, 0.0, 0.0], [0.0, 0.0, 0.0]], adiff)
    assert one_bin["lambda_eq36"] == pytest.approx(-0.7)  # -(AADIFF · ACDIFF) / (ACDIFF · ACDIFF), by hand
