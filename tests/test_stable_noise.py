"""SαS noise, the three SNR definitions and BPSK bit-error rates, against independent routes."""

import numpy as np
import pytest
from scipy import stats
from scipy.special import erfc

from sigcnn.signals import stable_noise as sn

ALPHAS = (0.5, 0.9, 1.0, 1.5, 2.0)


def test_alpha_two_is_gaussian_with_variance_two_gamma_squared():
    gamma = 0.7
    x = sn.symmetric_stable(2.0, 200_000, gamma, rng=1)
    # closed form: N(0, 2 gamma^2)
    assert stats.kstest(x, "norm", args=(0, np.sqrt(2) * gamma)).pvalue > 1e-3
    var = x.var()
    assert abs(var - 2 * gamma**2) < 4 * np.sqrt(2 / x.size) * 2 * gamma**2


def test_alpha_one_is_cauchy_with_scale_gamma():
    gamma = 1.3
    x = sn.symmetric_stable(1.0, 200_000, gamma, rng=2)
    assert stats.kstest(x, "cauchy", args=(0, gamma)).pvalue > 1e-3
    # the Cauchy quartiles are at +-gamma
    q1, q3 = np.quantile(x, [0.25, 0.75])
    assert abs(q3 - gamma) < 0.02 * gamma and abs(q1 + gamma) < 0.02 * gamma


@pytest.mark.parametrize("alpha", ALPHAS)
def test_empirical_characteristic_function(alpha):
    gamma, n = 0.8, 100_000
    x = sn.symmetric_stable(alpha, n, gamma, rng=3)
    for t in (0.2, 0.7, 1.5, 3.0):
        c = np.cos(t * x)  # the sine part vanishes by symmetry
        expected = np.exp(-(abs(gamma * t) ** alpha))
        assert abs(c.mean() - expected) < 4 * c.std() / np.sqrt(n) + 1e-4, (alpha, t)


def test_bad_alpha_and_scale():
    with pytest.raises(ValueError, match="alpha"):
        sn.symmetric_stable(2.5, 10)
    with pytest.raises(ValueError, match="scale"):
        sn.symmetric_stable(1.0, 10, scale=0)


def test_scale_snr_is_the_usual_snr_at_alpha_two():
    snr_db = 7.0
    gamma = sn.scale_for_snr(snr_db, amplitude=2.0)
    noise = sn.symmetric_stable(2.0, 400_000, gamma, rng=4)
    measured = 10 * np.log10(2.0**2 / noise.var())
    assert abs(measured - snr_db) < 0.03
    assert abs(sn.scale_snr_db(2.0, gamma) - snr_db) < 1e-12


def test_scale_blocks_to_snr_loop():
    rng = np.random.default_rng(5)
    signal = rng.choice([-1.0, 1.0], 600)
    noise = sn.symmetric_stable(0.9, 600, 1.0, rng)
    scaled = sn.scale_blocks_to_snr(signal, noise, 3.0, 200)
    for b in range(3):
        s, n = signal[200 * b : 200 * (b + 1)], scaled[200 * b : 200 * (b + 1)]
        snr = 10 * np.log10(sum(v * v for v in s) / sum(v * v for v in n))
        assert abs(snr - 3.0) < 1e-9
        # the shape of the noise is kept: scaled = positive constant times the original
        ratio = n / noise[200 * b : 200 * (b + 1)]
        assert np.allclose(ratio, ratio[0]) and ratio[0] > 0


def _images(n=12, seed=6):
    rng = np.random.default_rng(seed)
    img = np.zeros((n, 16, 16))
    for i in range(n):  # a bright blob on a dark background, MNIST-like
        r, c = rng.integers(3, 10, 2)
        img[i, r : r + 5, c : c + 4] = rng.uniform(0.5, 1.0, (5, 4))
    return img


@pytest.mark.parametrize("alpha", (0.5, 0.9, 1.5, 2.0))
@pytest.mark.parametrize("snr_db", (0.0, 6.0, 15.0))
def test_per_image_snr_after_clipping_hits_target(alpha, snr_db):
    img = _images()
    noise = sn.symmetric_stable(alpha, img.shape, 1.0, rng=7)
    noisy = sn.noisy_images_at_snr(img, noise, snr_db)
    assert noisy.min() >= 0 and noisy.max() <= 1
    for clean, received in zip(img, noisy):  # Eq. 1 recomputed by a loop over pixels
        num = sum(float(v) ** 2 for v in clean.ravel())
        den = sum((float(a) - float(b)) ** 2 for a, b in zip(clean.ravel(), received.ravel()))
        assert abs(10 * np.log10(num / den) - snr_db) < 0.1


def test_clipping_floor_raises_with_the_minimum():
    img = _images()
    noise = sn.symmetric_stable(0.9, img.shape, 1.0, rng=8)
    # independent route to the floor: an enormous scale saturates every noisy pixel
    huge = np.clip(img + 1e12 * noise, 0, 1)
    floor = (10 * np.log10((img**2).sum((1, 2)) / ((huge - img) ** 2).sum((1, 2)))).max()
    assert abs(sn.minimum_reachable_snr_db(img, noise).max() - floor) < 1e-9
    with pytest.raises(ValueError, match=f"minimum reachable SNR is {floor:.3f} dB"):
        sn.noisy_images_at_snr(img, noise, floor - 0.5)
    sn.noisy_images_at_snr(img, noise, floor + 0.5)  # just above the floor works


def test_images_outside_range_rejected():
    with pytest.raises(ValueError, match="images must lie"):
        sn.noisy_images_at_snr(np.full((2, 4, 4), 2.0), np.ones((2, 4, 4)), 10.0)


def test_top_energy_share_gaussian_closed_form():
    x = np.random.default_rng(9).standard_normal((20, 50_000))
    z = stats.norm.isf(0.025)
    expected = 2 * (z * stats.norm.pdf(z) + stats.norm.sf(z))
    assert abs(sn.top_energy_share(x, 0.05).mean() - expected) < 0.005
    # a single impulse carries everything
    spike = np.zeros((1, 100))
    spike[0, 17] = 5.0
    assert sn.top_energy_share(spike, 0.05)[0] == 1.0


def test_ber_levy_stable_matches_closed_forms():
    snr = np.linspace(-10, 20, 7)
    assert np.allclose(sn.bpsk_ber_scale(2.0, snr), sn.bpsk_ber_closed_form(2.0, snr), rtol=1e-4, atol=1e-12)
    assert np.allclose(sn.bpsk_ber_scale(1.0, snr), sn.bpsk_ber_closed_form(1.0, snr), rtol=1e-4)
    # and the Gaussian closed form is the textbook Q(sqrt(snr))
    assert np.allclose(sn.bpsk_ber_closed_form(2.0, 0.0), stats.norm.sf(1.0))


def _within_3_sigma(errors, n, p):
    sigma = np.sqrt(n * p * (1 - p))
    return np.abs(errors - n * p) <= 3 * sigma + 1.0  # +1: one count of slack where n p is tiny


@pytest.mark.parametrize("alpha", ALPHAS)
def test_bpsk_monte_carlo_agrees_with_exact_within_3_sigma(alpha):
    snr = np.arange(-10, 21, 5.0)
    n = 40_000
    errors = sn.simulate_bpsk(alpha, snr, n, "scale", rng=10)
    exact = sn.bpsk_ber_scale(alpha, snr)
    assert np.all(_within_3_sigma(errors, n, exact)), (errors / n, exact)


def test_empirical_definition_gaussian_closed_form():
    snr = np.array([-10.0, -5, 0, 5, 10, 15])
    n, block = 60_000, 100
    errors = sn.simulate_bpsk(2.0, snr, n, "empirical", block=block, rng=11)
    exact = sn.bpsk_ber_empirical_gaussian(snr, block)
    # blocks make the counts slightly non-binomial; they are negatively correlated within a block
    assert np.all(_within_3_sigma(errors, n, exact)), (errors / n, exact)
    # for long blocks the per-block scaling hardly matters: Q(sqrt(snr))
    assert np.allclose(
        sn.bpsk_ber_empirical_gaussian(snr, 100_000), 0.5 * erfc(np.sqrt(10 ** (snr / 10) / 2)), rtol=2e-3, atol=1e-9
    )


def test_simulate_bpsk_bad_definition():
    with pytest.raises(ValueError, match="definition"):
        sn.simulate_bpsk(1.0, 0.0, 100, "variance")


def test_generalised_snr_uses_the_dispersion_gamma_to_the_alpha():
    # by hand: gamma^alpha = A^2 / (2 * 10^(snr/10)); equal to the scale SNR at alpha = 2 only
    for alpha in ALPHAS:
        gamma = sn.scale_for_generalised_snr(3.0, alpha, amplitude=1.5)
        assert gamma**alpha == pytest.approx(1.5**2 / (2 * 10**0.3))
        assert sn.generalised_snr_db(1.5, gamma, alpha) == pytest.approx(3.0)
    assert sn.scale_for_generalised_snr(3.0, 2.0, 1.5) == pytest.approx(sn.scale_for_snr(3.0, 1.5))
    assert sn.scale_for_generalised_snr(3.0, 0.5, 1.5) != pytest.approx(sn.scale_for_snr(3.0, 1.5))


def test_generalised_ber_cauchy_closed_form():
    # alpha = 1: gamma = A^2 / (2 snr) with A = 1, and P(N > 1) = 1/2 - arctan(1/gamma)/pi
    snr_db = np.array([-10.0, 0.0, 10.0])
    gamma = 1.0 / (2 * 10 ** (snr_db / 10))
    assert np.allclose(sn.bpsk_ber_generalised(1.0, snr_db), 0.5 - np.arctan(1 / gamma) / np.pi, rtol=1e-4)


def _ber_by_integral(alpha, snr_db):
    """Eq. channel-ber-exact by quadrature of the characteristic function (no levy_stable)."""
    from scipy.integrate import quad

    gamma = 1.0 / np.sqrt(2 * 10 ** (snr_db / 10))
    value, _ = quad(lambda t: np.sin(t) / t * np.exp(-((gamma * t) ** alpha)), 0, np.inf, limit=500)
    return 0.5 - value / np.pi


def test_crossing_of_alpha_half_and_two_is_root_found_near_minus_5_36_db():
    from scipy.optimize import brentq

    independent = brentq(lambda s: _ber_by_integral(0.5, s) - _ber_by_integral(2.0, s), -10, 0, xtol=1e-6)
    roots = sn.ber_crossings_db(0.5, 2.0, "scale")
    assert roots.shape == (1,) and abs(roots[0] - independent) < 1e-3
    assert abs(roots[0] + 5.357) < 2e-3  # not "near -6 dB"
    assert sn.ber_crossings_db(0.5, 2.0, "generalised").size == 0  # no crossing: smaller alpha worse throughout


def test_repetition_median_detector_matches_the_binomial_tail():
    # the median of L samples errs when at least (L + 1)/2 of them err: a binomial tail of the one-sample BER
    from scipy.stats import binom

    n, L = 40_000, 5
    errors = sn.repetition_bit_errors(1.0, 0.0, n, L, rng=12)
    q = float(sn.bpsk_ber_closed_form(1.0, 0.0))
    expected = binom.sf((L - 1) // 2, L, q)
    assert abs(errors["median"].mean() - expected) < 4 * np.sqrt(expected * (1 - expected) / n)
    # the linear sum of Cauchy samples is Cauchy of L times the scale: the same BER as one sample
    assert abs(errors["linear"].mean() - q) < 4 * np.sqrt(q * (1 - q) / n)
    one = sn.repetition_bit_errors(0.7, 3.0, 5000, 1, rng=13)
    assert np.array_equal(one["linear"], one["median"]) and np.array_equal(one["linear"], one["myriad"])
