"""Transfer functions (Eq. 5) and the toy CNN of Stamatescu & McDonnell §III-B, each checked
against an independent route: a brute-force DFT/DTFT loop, numpy's Hann window, a closed-form
Dirichlet kernel, and central finite differences for the data derivative."""

import numpy as np
import pytest
import torch

from sigcnn.experiments import spectral_toy
from sigcnn.probes.max_gain import data_derivative
from sigcnn.signals.transfer import (
    continuous_gaussian_transfer_db,
    dirichlet_db,
    frequency_response_db,
    gaussian_kernel,
    gaussian_transfer_db,
    hann_window_2d,
    maximum_gain_db,
)


@pytest.fixture
def rng():
    """A fresh seeded generator per test."""
    return np.random.default_rng(12345)


def brute_dft_db(x: np.ndarray) -> np.ndarray:
    """20 log10 |sum_mn x[m, n] exp(-2 pi i (k m / M + l n / N))| by an explicit double loop."""
    m_, n_ = x.shape
    out = np.empty((m_, n_))
    m, n = np.arange(m_)[:, None], np.arange(n_)[None, :]
    for k in range(m_):
        for ell in range(n_):
            out[k, ell] = abs(np.sum(x * np.exp(-2j * np.pi * (k * m / m_ + ell * n / n_))))
    return 20 * np.log10(out)


def brute_dtft_db(kernel: np.ndarray, fy, fx) -> np.ndarray:
    """|DTFT| (dB) of a kernel centred at the origin, at arbitrary frequencies, by summing its taps."""
    r = kernel.shape[0] // 2
    taps = np.arange(-r, r + 1)
    phase = np.exp(
        -2j * np.pi * (np.multiply.outer(fy, taps)[..., :, None] + np.multiply.outer(fx, taps)[..., None, :])
    )
    return 20 * np.log10(np.abs((phase * kernel).sum(axis=(-2, -1))))


def test_frequency_response_equals_a_brute_force_dft(rng):
    x = rng.standard_normal((6, 9))
    assert np.max(np.abs(frequency_response_db(x) - brute_dft_db(x))) < 1e-9
    stack = rng.standard_normal((2, 5, 4))
    gains = maximum_gain_db(stack)
    assert gains.shape == (2,)
    assert np.allclose(gains, [brute_dft_db(s).max() for s in stack], atol=1e-9)


def test_hann_window_is_numpys_periodic_hann():
    # numpy's symmetric Hann of N + 1 points without its last point is the periodic Hann of N points.
    w = hann_window_2d(64, 32)
    expected = np.outer(np.hanning(65)[:-1], np.hanning(33)[:-1])
    assert w.shape == (64, 32)
    assert np.max(np.abs(w - expected)) < 1e-12
    assert w[32, 16] == pytest.approx(1.0)  # the impulse sits at (H // 2, W // 2)


def test_windowed_response_is_the_dft_of_the_windowed_map(rng):
    x = rng.standard_normal((8, 6))
    w = np.outer(np.hanning(9)[:-1], np.hanning(7)[:-1])
    assert np.max(np.abs(frequency_response_db(x, window=True) - brute_dft_db(x * w))) < 1e-9


def test_gaussian_closed_form_equals_brute_force_dtft(rng):
    k = gaussian_kernel(7, 1.0)
    n = np.arange(-3, 4)
    g = np.exp(-(n[:, None] ** 2 + n[None, :] ** 2) / 2.0)
    assert np.max(np.abs(k - g / g.sum())) < 1e-15  # fspecial('gaussian', 7, 1)
    fy, fx = rng.uniform(-0.5, 0.5, 50), rng.uniform(-0.5, 0.5, 50)  # off the FFT grid
    assert np.max(np.abs(gaussian_transfer_db(fy, fx, 7, 1.0) - brute_dtft_db(k, fy, fx))) < 1e-9
    k5 = gaussian_kernel(5, 2.0)
    assert np.max(np.abs(gaussian_transfer_db(fy, fx, 5, 2.0) - brute_dtft_db(k5, fy, fx))) < 1e-9


def test_continuous_gaussian_is_its_fourier_transform():
    # FT of exp(-|x|^2 / 2 sigma^2) / (2 pi sigma^2) is exp(-2 pi^2 sigma^2 |f|^2); check at a point by quadrature.
    sigma, f = 1.5, (0.1, 0.2)
    t = np.linspace(-12, 12, 961)
    xx, yy = np.meshgrid(t, t, indexing="ij")
    g = np.exp(-(xx**2 + yy**2) / (2 * sigma**2)) / (2 * np.pi * sigma**2)
    ft = np.sum(g * np.cos(2 * np.pi * (f[0] * xx + f[1] * yy))) * (t[1] - t[0]) ** 2
    assert continuous_gaussian_transfer_db(*f, sigma) == pytest.approx(20 * np.log10(ft), abs=1e-6)


def test_dirichlet_equals_a_sum_of_exponentials(rng):
    f = np.r_[0.0, rng.uniform(-0.5, 0.5, 20)]
    for n in (1, 4, 7):
        brute = 20 * np.log10(np.abs(np.exp(-2j * np.pi * np.multiply.outer(f, np.arange(n))).sum(-1)))
        assert np.max(np.abs(dirichlet_db(f, n) - brute)) < 1e-9


@pytest.mark.parametrize("bad", [np.zeros(5), np.zeros((2, 2, 2, 2)), np.full((4, 4), np.nan), np.zeros((1, 5))])
def test_bad_derivatives_are_rejected(bad):
    with pytest.raises(ValueError):
        frequency_response_db(bad)


def test_bad_kernel_arguments():
    with pytest.raises(ValueError, match="odd"):
        gaussian_kernel(6)
    with pytest.raises(ValueError, match="sigma"):
        gaussian_kernel(7, 0.0)


def finite_difference_derivative(f, x: torch.Tensor, p: torch.Tensor, pixels) -> np.ndarray:
    """d<p, f(x)>/dx at ``pixels`` by central differences (float64)."""
    h, out = 1e-6, []
    for idx in pixels:
        e = torch.zeros_like(x)
        e[(0, *idx)] = h
        out.append(float(((f(x + e) - f(x - e)) * p).sum() / (2 * h)))
    return np.array(out)


def test_data_derivative_matches_finite_differences(rng):
    kernel = rng.standard_normal((5, 5))
    f = spectral_toy.toy_cnn(kernel)
    x = torch.from_numpy(rng.standard_normal((1, 1, 16, 16)))
    p = torch.from_numpy(rng.standard_normal((1, 1, 16, 16)))
    grad = data_derivative(f, x, p).numpy()
    pixels = [(0, int(i), int(j)) for i, j in rng.integers(0, 16, (12, 2))]
    fd = finite_difference_derivative(f, x, p, pixels)
    assert np.max(np.abs(grad[tuple(np.array(pixels).T)] - fd)) < 1e-6


def test_toy_cnn_is_a_true_convolution():
    # conv2d correlates; toy_cnn flips the kernel, so an impulse reproduces the kernel itself (not its flip).
    kernel = np.arange(9.0).reshape(3, 3) + 1
    x = torch.zeros(1, 1, 7, 7, dtype=torch.float64)
    x[0, 0, 3, 3] = 1.0
    out = spectral_toy.toy_cnn(kernel)(x)[0, 0].numpy()
    assert np.array_equal(out[2:5, 2:5], kernel)


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


def test_toy_derivative_is_the_kernel_at_the_probe(toy):
    # p one-hot on an active output (r, c): dz/dx is the kernel's mirror image centred at (r, c), computed here
    # from the kernel alone, and its spectrum is the kernel's DTFT.
    m, a = toy.metrics, toy.arrays
    r, c = m["probe_nonzero_row"], m["probe_nonzero_col"]
    expected = np.zeros_like(a["derivative_nonzero"], dtype=np.float64)
    expected[r - 3 : r + 4, c - 3 : c + 4] = a["kernel"][::-1, ::-1]
    assert np.max(np.abs(a["derivative_nonzero"] - expected)) < 1e-7
    assert m["gaussian_match_max_abs_db"] < 1e-9
    assert abs(m["max_gain_nonzero_db"]) < 1e-9  # the kernel sums to one: 0 dB at DC
    assert m["impulse_unwindowed_match_max_abs_db"] < 1e-9


def test_toy_zero_output_gives_zero_derivative(toy):
    m = toy.metrics
    assert m["zero_output_derivative_max_abs"] == 0.0
    out = toy.arrays["output"]
    assert out[m["probe_zero_row"], m["probe_zero_col"]] == 0
    assert out[m["probe_nonzero_row"], m["probe_nonzero_col"]] > 0


def test_toy_all_ones_derivative_counts_active_outputs(toy):
    # With p = 1, sum(dz/dx) = sum over active outputs of the kernel mass that lands inside the image
    # (1 away from the border): the active-output mask convolved with the kernel, computed by scipy.
    from scipy.signal import convolve2d

    a, m = toy.arrays, toy.metrics
    active = (a["output"] > 0).astype(np.float64)
    expected = convolve2d(active, a["kernel"], mode="same").sum()
    assert a["derivative_all_ones"].astype(np.float64).sum() == pytest.approx(expected, rel=1e-5)
    assert m["output_fraction_zero"] == pytest.approx(1.0 - active.mean())


def test_toy_config():
    assert spectral_toy.make_config("ci").image == "chelsea"
    with pytest.raises(ValueError, match="unknown image"):
        spectral_toy.make_config("ci", image="nope")
    with pytest.raises(ValueError, match="no dataset"):
        spectral_toy.make_config("ci", dataset="mnist")


def test_toy_findings_text(toy):
    findings = spectral_toy.EXPERIMENT.findings_for(toy.metrics)
    verdicts = spectral_toy.EXPERIMENT.verdicts(toy.metrics)
    assert {v.outcome for v in verdicts.values()} == {"supported"}
    for claim in spectral_toy.CLAIMS:  # each verdict is stated, computed from the engine's verdict
        assert any(claim.statement in f and "**supported**" in f for f in findings)


_EXACT = {
    "gaussian_match_max_abs_db": 3e-12,
    "zero_output_derivative_max_abs": 0.0,
    "max_gain_nonzero_db": -1e-15,
    "impulse_unwindowed_match_max_abs_db": 4e-10,
}


@pytest.mark.parametrize("key", sorted(_EXACT))
def test_toy_verdicts_on_hand_made_metrics(key):
    """Each identity is supported at rounding level and contradicted just beyond its tolerance."""
    assert {v.outcome for v in spectral_toy.EXPERIMENT.verdicts(_EXACT).values()} == {"supported"}
    claim = next(c for c in spectral_toy.CLAIMS if c.quantity == key)
    off = {**_EXACT, key: claim.tolerance * 1.5 + 1e-300}
    verdicts = spectral_toy.EXPERIMENT.verdicts(off)
    assert verdicts[claim.id].outcome == "contradicted"
    assert {v.outcome for c, v in verdicts.items() if c != claim.id} == {"supported"}
