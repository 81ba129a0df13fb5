"""The five lenses on one network: each reading against an independent route."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

from sigcnn.lenses import LensSettings, read_network, untrained_copy
from sigcnn.lenses import readings as r
from sigcnn.lenses.gabor import gabor_bank, gabor_residual
from sigcnn.lenses.network import _reversed, max_gain_upto, noise_scale
from sigcnn.lenses.walk import output_of, trace
from sigcnn.models.lenet import LeNet5
from sigcnn.probes.max_gain import data_derivative


def test_rectified_fraction_against_a_loop():
    x = torch.randn(3, 2, 5, 5)
    expected = [sum(v < 0 for v in x[i].flatten().tolist()) / 50 for i in range(3)]
    assert r.rectified_fraction(x) == pytest.approx(expected)


def test_centroid_of_a_cosine_is_its_frequency_and_unit_energy_weighs_channels_equally():
    n = 32
    t = torch.arange(n, dtype=torch.float64)
    one = torch.cos(2 * math.pi * 4 / n * t)  # 0.125 cycles/sample
    two = 10 * torch.cos(2 * math.pi * 8 / n * t)  # 0.25, 100x the energy
    x = torch.stack([one, two])[None]  # (1, 2, 32)
    assert r.spectral_centroid(x[:, :1]) == pytest.approx([0.125])
    assert r.spectral_centroid(x, unit_energy=True) == pytest.approx([(0.125 + 0.25) / 2])
    assert r.spectral_centroid(x) == pytest.approx([(0.125 + 100 * 0.25) / 101])
    img = torch.cos(2 * math.pi * 4 / n * t)[None, :].repeat(n, 1)[None, None]  # varies along width only
    assert r.spectral_centroid(img) == pytest.approx([0.125])
    # downsampled by 2, the same 0.25 cycles/sample of a 16-sample map is 0.125 per input sample
    assert r.centroid_in_input_units(x[:, 1:, :16], 32) == pytest.approx([0.125])


def test_gabor_residual_zero_for_an_atom_high_for_noise():
    bank = gabor_bank(5, 2)
    atom = (0.3 * bank[17, 0] - 1.2 * bank[17, 1]).reshape(5, 5)
    noise = np.random.default_rng(0).standard_normal((50, 5, 5))
    assert gabor_residual(atom[None])[0] == pytest.approx(0.0, abs=1e-9)
    assert np.median(gabor_residual(noise)) > 0.5
    bank1 = gabor_bank(9, 1)
    assert gabor_residual((bank1[5, 0] + bank1[5, 1])[None])[0] == pytest.approx(0.0, abs=1e-9)
    with pytest.raises(ValueError, match="size >= 3"):
        gabor_residual(np.ones((2, 2, 2)))


def test_output_snr_closed_form():
    clean = torch.ones(2, 1, 10)
    noisy = clean + torch.tensor([0.1, 1.0])[:, None, None]
    assert r.output_snr_db(clean, noisy) == pytest.approx([20.0, 0.0])


def test_noise_scale_definitions():
    a = np.array([2.0])
    assert noise_scale(a, 10.0, 2.0, "generalised") == pytest.approx(noise_scale(a, 10.0, 2.0, "scale"))
    gamma = noise_scale(a, 3.0, 0.5, "generalised")
    assert 10 * np.log10(a**2 / (2 * gamma**0.5)) == pytest.approx([3.0])
    with pytest.raises(ValueError, match="definition"):
        noise_scale(a, 3.0, 1.0, "dispersion")


def test_output_of_matches_the_layers_by_hand_and_stops_early():
    torch.manual_seed(0)
    m = LeNet5().eval()
    x = torch.randn(2, 1, 32, 32)
    with torch.no_grad():
        by_hand = m.s2(m.act1(m.c1(x)))
        assert torch.allclose(output_of(m, "s2")(x), by_hand)
    with pytest.raises(KeyError, match="no layer"):
        output_of(m, "nope")


def test_trace_names_repeated_calls():
    class Twice(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(1, 2, 3, padding=1)
            self.relu = nn.ReLU()

        def forward(self, x):
            return self.relu(self.conv(self.relu(x)))

    names = [c.name for c in trace(Twice(), torch.randn(2, 1, 8, 8))]
    assert names == ["relu", "conv", "relu#2"]
    assert output_of(Twice(), "relu#2")(torch.randn(1, 1, 8, 8)).shape == (1, 2, 8, 8)


def test_max_gain_of_a_conv_layer_matches_the_probe_data_derivative():
    torch.manual_seed(1)
    m = nn.Sequential(nn.Conv2d(1, 3, 5, bias=False)).eval()
    x = torch.randn(1, 1, 16, 16)
    out = m(x).detach()
    grad = data_derivative(m, x, out / out.square().sum())
    expected = 20 * np.log10(np.abs(np.fft.fft2(grad.double().numpy())).max())
    assert max_gain_upto(m, "0", x) == pytest.approx(expected, rel=1e-6)


def test_anchor_angle_is_zero_when_filters_are_the_patch_centroids():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 9))
    a, b = a - a.mean(), b - b.mean()
    patches = np.concatenate([np.tile(a, (40, 1)), np.tile(b, (40, 1))])
    patches = patches * rng.uniform(0.5, 2.0, (80, 1)) + rng.normal(0, 0.001, (80, 9))
    x = torch.as_tensor(patches.reshape(80, 1, 3, 3))  # each example is one 3x3 patch
    conv = nn.Conv2d(1, 2, 3, bias=False).double()
    with torch.no_grad():
        conv.weight.copy_(torch.as_tensor(np.stack([a, b]).reshape(2, 1, 3, 3)))
    assert r.anchor_angle_deg(conv, x, limit=80) == pytest.approx(0.0, abs=1.0)


def test_patches_are_the_unfolded_inputs_and_string_padding_is_refused():
    x = torch.arange(2 * 1 * 4 * 4, dtype=torch.float64).reshape(2, 1, 4, 4)
    rows = r.patches(x, nn.Conv2d(1, 1, 3), limit=100, seed=0)
    by_hand = {
        tuple(x[n, 0, i : i + 3, j : j + 3].reshape(-1).tolist()) for n in range(2) for i in (0, 1) for j in (0, 1)
    }
    assert rows.shape == (8, 9) and {tuple(row) for row in rows} == by_hand
    with pytest.raises(ValueError, match="numeric padding"):
        r.patches(x, nn.Conv2d(1, 1, 3, padding="same"), limit=100, seed=0)


def test_reversal_in_a_symmetric_range_is_negation():
    x = torch.tensor([[-1.0, 0.2, 1.0]])[:, None]
    assert torch.allclose(_reversed(x), -x)


def test_read_network_names_unknown_layers_and_refuses_bad_shapes():
    class Odd(nn.Module):
        def forward(self, x):
            return x * 2

    m = nn.Sequential(nn.Conv2d(1, 2, 3), Odd(), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(2, 3))
    x, y = torch.randn(6, 1, 16, 16), torch.randint(0, 3, (6,))
    reading = read_network(m, x, y, LensSettings(scattering=False, max_gain_examples=2, alphas=(2.0,)))
    assert reading.skipped == ["1 (Odd: unknown layer type, skipped)"]
    assert [layer.kind for layer in reading.layers] == ["conv", "activation", "pool"]
    with pytest.raises(ValueError, match=r"shape \(6, 1, 20\)"):
        read_network(m, torch.randn(6, 1, 20))


def test_untrained_copy_has_new_weights_and_leaves_the_model_alone():
    torch.manual_seed(0)
    m = LeNet5()
    before = m.c1.weight.clone()
    u = untrained_copy(m, 5)
    assert torch.equal(m.c1.weight, before) and not torch.equal(u.c1.weight, before)
    assert torch.equal(untrained_copy(m, 5).c1.weight, u.c1.weight)


def test_identity_network_keeps_the_snr_and_does_not_move_the_centroid():
    m = nn.Sequential(nn.Identity(), nn.ReLU()).eval()
    x = torch.rand(8, 1, 16, 16) + 0.5  # positive: the ReLU is the identity here
    reading = read_network(m, x, None, LensSettings(scattering=False, max_gain_examples=2, alphas=(2.0,)))
    (relu,) = reading.layers
    assert relu.centroid_shift == pytest.approx(np.zeros(8), abs=1e-12)
    assert relu.rectified_fraction == pytest.approx(np.zeros(8))
    # the output SNR of an identity equals the SNR of the noise actually added (Gaussian scale SNR: 10 dB)
    assert np.mean(relu.snr_db["scale_2"]) == pytest.approx(10.0, abs=1.5)


@pytest.mark.parametrize(
    "claim,quantity,values,expected",
    [
        ("filters_gabor_like", "gabor_first_conv", ([0.3, 0.35, 0.32, 0.31, 0.3, 0.33], [0.7, 0.68] * 10), "supported"),
        (
            "filters_gabor_like",
            "gabor_first_conv",
            ([0.9, 0.95, 0.92, 0.91, 0.9, 0.93], [0.7, 0.68] * 10),
            "contradicted",
        ),
        ("reversal_hurts", "reversal_drop", ([1.0, 1.0, 0.0, 1.0] * 20, None), "supported"),
        ("reversal_hurts", "reversal_drop", ([-1.0, 0.0, 0.0, 0.0] * 20, None), "contradicted"),
        ("training_lowers_centroid", "trained_lowers_centroid", ([-0.1, -0.05, -0.08] * 20, None), "supported"),
        ("gaussian_noise_suppressed", "gaussian_snr_gain_db", ([-3.0, -2.5, -4.0] * 10, None), "contradicted"),
        ("lower_centroid_more_stable", "centroid_deformation_rho", ([0.5, -0.5, 0.1, -0.1], None), "inconclusive"),
        ("gain_predicts_noise", "gain_noise_rho", ([0.6, 0.7, 0.8, 0.65, 0.75], None), "supported"),
    ],
)
def test_lens_claims_on_hand_made_metrics(claim, quantity, values, expected):
    from sigcnn.experiments import lenses_lenet

    replicates, control = values
    metrics = {f"{quantity}_replicates": replicates}
    if control is not None:
        metrics[f"{quantity}_control"] = control
    exp = lenses_lenet.EXPERIMENT
    assert exp.verdicts(metrics)[claim].outcome == expected


def test_training_lowers_centroid_reads_the_deepest_layer_with_a_map():
    """A global pool (1x1 output, LeNet's C5 likewise) has centroid 0 whatever the weights: the claim
    reads the deepest layer whose map has more than one sample (before the fix: all zeros)."""
    from sigcnn.experiments._lenses_common import five_lenses

    torch.manual_seed(2)
    m = nn.Sequential(nn.Conv2d(1, 3, 5, padding=2), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(3, 3))
    x, y = torch.randn(6, 1, 16, 16), torch.randint(0, 3, (6,))
    settings = LensSettings(scattering=False, max_gain_examples=2, alphas=(2.0,))
    metrics, _, _ = five_lenses(m.eval(), x, y, settings, 2)
    trained = read_network(m.eval(), x, y, settings)
    controls = [read_network(untrained_copy(m, 1000 + s), x, y, settings) for s in range(2)]
    relu = 1  # conv, relu, pool: the ReLU's 16x16 map is the deepest with a spectrum
    shift = trained.layers[relu].centroid_input_units - trained.layers[0].centroid_in
    base = np.mean([c.layers[relu].centroid_input_units - c.layers[0].centroid_in for c in controls], axis=0)
    assert np.any(np.asarray(metrics.trained_lowers_centroid.replicates) != 0)
    assert metrics.trained_lowers_centroid.replicates == pytest.approx(shift - base)
