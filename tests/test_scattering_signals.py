"""Time-frequency helpers and the deformation generator of the scattering chapter, against
closed forms and explicit loops."""

import numpy as np
import pytest
from scipy.signal import windows

from sigcnn.signals import deformation as dfm
from sigcnn.signals import wavelets as wv


@pytest.mark.parametrize("sigma", [4.0, 16.0, 40.0])
def test_gaussian_attains_one_over_four_pi(sigma):
    # Closed form: |w|^2 ~ exp(-t^2/s^2) -> sigma_t = s/sqrt2;
    # |W|^2 ~ exp(-4 pi^2 s^2 f^2) -> sigma_f = 1/(2 sqrt2 pi s)
    w = wv.gaussian_window(int(16 * sigma), sigma)
    sigma_t, sigma_f = wv.time_frequency_spread(w, sample_rate=1.0)
    assert sigma_t == pytest.approx(sigma / np.sqrt(2), rel=1e-6)
    assert sigma_f == pytest.approx(1 / (2 * np.sqrt(2) * np.pi * sigma), rel=1e-3)
    assert abs(wv.uncertainty_product(w) - 1 / (4 * np.pi)) < 1e-3


def test_uncertainty_product_is_independent_of_sample_rate_and_bounded_below():
    w = windows.hann(101)
    p1, p2 = wv.uncertainty_product(w, 1.0), wv.uncertainty_product(w, 8000.0)
    assert p1 == pytest.approx(p2, rel=1e-12)
    assert p1 > 1 / (4 * np.pi)  # only the Gaussian attains the bound
    assert p1 < 1.1 / (4 * np.pi)


def test_boxcar_product_grows_with_its_sample_count():
    # sigma_t of a boxcar of N samples: sqrt((N^2-1)/12) samples; the product grows ~ sqrt(N)
    products = []
    for n in (16, 64, 256):
        st, sf = wv.time_frequency_spread(np.ones(n))
        assert st == pytest.approx(np.sqrt((n**2 - 1) / 12), rel=1e-12)
        products.append(st * sf)
    assert products[1] / products[0] == pytest.approx(2.0, rel=0.1)
    assert products[2] / products[1] == pytest.approx(2.0, rel=0.1)


def test_stft_of_a_pure_tone_peaks_at_its_frequency():
    fs, f0 = 8000.0, 1000.0
    x = np.cos(2 * np.pi * f0 * np.arange(4000) / fs)
    times, freqs, mag = wv.stft_magnitude(x, 256, fs)
    assert freqs[np.argmax(mag[:, 3])] == pytest.approx(f0)
    assert mag.shape == (129, times.size)


def test_cwt_peak_follows_the_tone_and_morlet_has_zero_mean():
    fs = 8000.0
    psi = wv.morlet_wavelet(1024, 500.0, fs)
    assert abs(psi.sum()) < 1e-12
    x = np.cos(2 * np.pi * 700 * np.arange(2048) / fs)
    freqs = np.array([300.0, 500.0, 700.0, 1000.0, 1500.0])
    out = wv.cwt_magnitude(x, freqs, fs)
    assert freqs[np.argmax(out[:, 1024])] == 700.0


def test_chirp_instantaneous_frequency():
    fs = 8000.0
    x = wv.linear_chirp(1.0, fs, 100.0, 2000.0)
    t, f, mag = wv.stft_magnitude(x, 512, fs)
    peak = f[np.argmax(mag, axis=0)]
    expected = 100.0 + 1900.0 * t  # f(t) = f0 + (f1 - f0) t / duration
    assert np.median(np.abs(peak - expected)) < 2 * fs / 512


def test_dilation_moves_a_tone():
    n = 4096
    x = np.cos(2 * np.pi * 0.1 * (np.arange(n) - (n - 1) / 2))
    y = wv.dilate(x, 1.25)
    spectrum = np.abs(np.fft.rfft(y * np.hanning(n)))
    assert np.fft.rfftfreq(n)[np.argmax(spectrum)] == pytest.approx(0.08, abs=2 / n)


def test_click_train_positions():
    x = wv.click_train(0.1, 1000.0, 0.02, first=0.005)
    assert list(np.flatnonzero(x)) == [5, 25, 45, 65, 85]


@pytest.mark.parametrize("bad", [dict(window=[1.0, np.nan, 1.0]), dict(window=[1.0])])
def test_bad_windows(bad):
    with pytest.raises(ValueError, match="window"):
        wv.time_frequency_spread(**bad)


def test_zero_field_is_identity():
    img = np.random.default_rng(0).random((3, 12, 10))
    np.testing.assert_array_equal(dfm.warp(img, np.zeros((2, 12, 10))), img)


@pytest.mark.parametrize("shift", [(1, 0), (0, 3), (-2, 1), (2, -4)])
def test_constant_field_is_a_translation(shift):
    rng = np.random.default_rng(1)
    img = rng.random((9, 11))
    expected = np.zeros_like(img)
    dy, dx = shift
    for r in range(9):  # loop: out[r, c] = img[r - dy, c - dx] where that pixel exists
        for c in range(11):
            if 0 <= r - dy < 9 and 0 <= c - dx < 11:
                expected[r, c] = img[r - dy, c - dx]
    np.testing.assert_allclose(dfm.translate(img, shift), expected, atol=1e-12)
    np.testing.assert_allclose(dfm.warp(img, dfm.shift_field(img.shape, shift)), expected, atol=1e-12)


def test_linear_field_jacobian_and_sizes():
    a = np.array([[0.1, -0.05], [0.02, 0.2]])
    u = np.mgrid[0:16, 0:16].astype(float)
    field = np.einsum("ik,khw->ihw", a, u)
    assert dfm.max_jacobian_norm(field) == pytest.approx(np.linalg.norm(a, 2), rel=1e-12)
    sup = np.sqrt((field**2).sum(0)).max()
    assert dfm.deformation_size(field, 2) == pytest.approx(sup / 4 + np.linalg.norm(a, 2), rel=1e-12)


def test_smooth_field_has_the_requested_gradient():
    field = dfm.smooth_displacement_field((28, 28), 0.2, smoothness=3.0, seed=4)
    assert dfm.max_jacobian_norm(field) == pytest.approx(0.2, rel=1e-12)
    # same seed, larger gradient: the same field scaled
    other = dfm.smooth_displacement_field((28, 28), 0.4, smoothness=3.0, seed=4)
    np.testing.assert_allclose(other, 2 * field, rtol=1e-12)


def test_bad_fields():
    with pytest.raises(ValueError, match="field"):
        dfm.warp(np.zeros((4, 4)), np.zeros((2, 5, 4)))
    with pytest.raises(ValueError, match="image"):
        dfm.warp(np.full((4, 4), np.inf), np.zeros((2, 4, 4)))
    with pytest.raises(ValueError, match="max_gradient"):
        dfm.smooth_displacement_field((8, 8), -1.0)
