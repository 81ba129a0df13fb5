"""Transfer functions (Eq. 5) and the toy CNN of Stamatescu & McDonnell §III-B against closed forms."""

import numpy as np
import pytest
import torch

from sigcnn.experiments import spectral_toy
from sigcnn.probes.max_gain import data_derivative
from sigcnn.signals.transfer import (continuous_gaussian_transfer_db, frequency_grid, frequency_response_db,
                                     gaussian_kernel, gaussian_transfer_db, hann_window_2d, maximum_gain_db)


def test_frequency_response_of_a_delta_is_flat_zero_db():
    d = np.zeros((8, 10))
    d[3, 4] = 1.0
    h = frequency_response_db(d)
    assert h.shape == (8, 10)
    assert np.max(np.abs(h)) < 1e-12  # |F(delta)| = 1 everywhere: 0 dB, float64


def test_response_scales_by_20log10_and_gain_per_channel():
    rng = np.random.default_rng(0)
    d = rng.standard_normal((3, 16, 16))
    h1, h10 = frequency_response_db(d), frequency_response_db(10 * d)
    assert np.max(np.abs(h10 - h1 - 20.0)) < 1e-10
    gains = maximum_gain_db(d)
    assert gains.shape == (3,)
    assert np.allclose(gains, h1.max(axis=(1, 2)), atol=0)


def test_hann_window_peak_at_centre():
    w = hann_window_2d(64, 32)
    assert w[32, 16] == 1.0 and w[0, 0] == 0.0
    assert np.max(np.abs(w - w.T.T)) == 0


def test_gaussian_closed_form_equals_fft_of_kernel():
    k = gaussian_kernel(7, 1.0)
    assert abs(k.sum() - 1.0) < 1e-15
    pad = np.zeros((40, 52))
    pad[10:17, 20:27] = k  # any position: the magnitude is shift invariant
    fy, fx = frequency_grid(40, 52)
    diff = np.max(np.abs(frequency_response_db(pad) - gaussian_transfer_db(fy, fx, 7, 1.0)))
    assert diff < 1e-9  # float64; measured about 1e-12 dB


def test_continuous_gaussian_is_close_at_low_frequencies_only():
    fy, fx = frequency_grid(64, 64)
    d = np.abs(gaussian_transfer_db(fy, fx) - continuous_gaussian_transfer_db(fy, fx))
    low = np.hypot(fy, fx) <= 0.25
    assert d[low].max() < 0.05   # tolerance: 0.05 dB up to 0.25 cycles/px (measured ~0.011 dB)
    assert d.max() > 1.0         # the truncated, sampled filter departs near Nyquist


@pytest.mark.parametrize("bad", [np.zeros(5), np.zeros((2, 2, 2, 2)), np.full((4, 4), np.nan), np.zeros((1, 5))])
def test_bad_derivatives_are_rejected(bad):
    with pytest.raises(ValueError):
        frequency_response_db(bad)


def test_bad_kernel_arguments():
    with pytest.raises(ValueError, match="odd"):
        gaussian_kernel(6)
    with pytest.raises(ValueError, match="sigma"):
        gaussian_kernel(7, 0.0)


def test_data_derivative_of_a_linear_map_is_its_transpose():
    torch.manual_seed(0)
    a = torch.randn(5, 12, dtype=torch.float64)
    p = torch.randn(5, dtype=torch.float64)
    x = torch.randn(1, 3, 4, dtype=torch.float64)
    d = data_derivative(lambda t: t.flatten(1) @ a.T, x, p)
    assert torch.max(torch.abs(d.flatten() - a.T @ p)) < 1e-12


def test_projection_shape_must_match_output():
    x = torch.zeros(1, 8, 8, dtype=torch.float64)
    with pytest.raises(ValueError, match="projection has shape"):
        data_derivative(lambda t: t * 2, x, torch.ones(7, 7, dtype=torch.float64))
    with pytest.raises(ValueError, match="one image"):
        data_derivative(lambda t: t, torch.zeros(2, 1, 8, 8), torch.ones(2, 1, 8, 8))
    # array-likes are accepted (issue 10): a NumPy image gives the same derivative as a tensor
    from_numpy = data_derivative(lambda t: t * 3, np.zeros((1, 8, 8)), torch.ones(1, 8, 8, dtype=torch.float64))
    assert torch.equal(from_numpy, torch.full((1, 8, 8), 3.0, dtype=torch.float64))
    with pytest.raises(ValueError, match="floating-point"):
        data_derivative(lambda t: t, np.zeros((1, 8, 8), dtype=np.uint8), torch.ones(1, 8, 8))


@pytest.fixture(scope="module")
def toy():
    return spectral_toy.run(spectral_toy.make_config("ci"))


def test_toy_matches_gaussian_transfer_function(toy):
    m = toy.metrics
    assert m["gaussian_match_max_abs_db"] < 1e-9          # exact identity, float64
    assert abs(m["max_gain_nonzero_db"]) < 1e-9            # unit DC gain: 0 dB
    assert m["continuous_match_low_band_max_abs_db"] < 0.05
    assert m["impulse_unwindowed_match_max_abs_db"] < 1e-9


def test_toy_zero_output_gives_zero_derivative(toy):
    m = toy.metrics
    assert m["zero_output_derivative_max_abs"] == 0.0
    out = toy.arrays["output"]
    assert out[m["probe_zero_row"], m["probe_zero_col"]] == 0
    assert out[m["probe_nonzero_row"], m["probe_nonzero_col"]] > 0


def test_toy_findings_and_config():
    assert spectral_toy.make_config("ci").image == "chelsea"
    with pytest.raises(ValueError, match="unknown image"):
        spectral_toy.make_config("ci", image="nope")
    with pytest.raises(ValueError, match="no dataset"):
        spectral_toy.make_config("ci", dataset="mnist")


def test_toy_findings_text(toy):
    text = " ".join(spectral_toy.findings(toy.metrics))
    assert "as the paper says" in text and "exactly zero" in text
