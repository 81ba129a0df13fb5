"""Network-audio-1, the streaming spectrum probe and the spectral-shift experiments."""

import numpy as np
import pytest
import torch
from torch import nn

from sigcnn.data import DatasetUnavailable
from sigcnn.data.audio_features import fixed_length_waveforms
from sigcnn.models import AUDIO_ACTIVATIONS, AudioVGG11
from sigcnn.probes.spectra import SpectrumRecorder, record_spectra
from sigcnn.signals.spectra import energy_spectrum


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


def test_spectral_shift_config_and_missing_urbansound(empty_data_root):
    from sigcnn.experiments import spectral_shift as ss

    with pytest.raises(ValueError):
        ss.make_config("ci", dataset="mnist")
    assert ss.make_config("full").dataset == "urbansound8k"
    with pytest.raises(DatasetUnavailable, match="UrbanSound8K"):
        ss.load_audio(ss.make_config("ci", dataset="urbansound8k"))


def test_analysis_on_an_untrained_network_gives_every_report_metric():
    from sigcnn.experiments import spectral_shift as ss

    model = AudioVGG11(width=0.05, pool_size=2)
    metrics, arrays = ss.analyse_network(model, torch.randn(6, 1, 128), 4000.0, 0.125, 65)
    for row in ss.REPORT_ROWS:
        if row["metric"] != "test_accuracy":
            assert np.isfinite(metrics[row["metric"]])
    assert arrays["cdiff"].shape == (8, 65) and arrays["acdiff"].shape == (65,)
    np.testing.assert_allclose(arrays["acdiff"], arrays["cdiff"].sum(axis=0))
    assert arrays["pool1_spectral_psi_out"].shape == (64,)
    assert all(isinstance(s, str) for s in ss.findings(dict(metrics, test_accuracy=0.1)))


def test_spectral_shift_ci_run_writes_its_result(real_data_root, results_root):
    from sigcnn.experiments import load_or_run, spectral_shift as ss

    result = load_or_run(ss.NAME, "ci", out_dir=results_root, epochs=1)
    assert result.metrics["test_recordings"] == 300
    assert 0.1 <= result.metrics["test_accuracy"] <= 1.0
    assert (results_root / ss.NAME / "ci" / "result.json").exists()


def test_activation_variants_config_and_a_tiny_run(real_data_root):
    from sigcnn.experiments import spectral_shift_activations as ssa

    with pytest.raises(ValueError, match="unknown variant"):
        ssa.make_config("ci", variants=("swish",))
    assert ssa.make_config("full").variant_batch_norm is False
    config = ssa.make_config("ci", variants=("sigmoid", "relu_bn"), epochs=0, train_limit=40)
    result = ssa.run(config)
    assert result.metrics["train_recordings"] == 40
    for row in ssa.REPORT_ROWS:
        if row["metric"].split("_")[0] in ("sigmoid", "relu"):
            assert np.isfinite(result.metrics[row["metric"]])
    assert result.arrays["sigmoid_acdiff"].shape == result.arrays["grid"].shape
    assert len(ssa.findings(result.metrics)) == 3
