"""Exact identities of Wu et al. (2022) §2-3, asserted in float64 against closed forms and PyTorch."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from sigcnn.signals import modulation as mod
from sigcnn.signals.spectra import (
    accumulate_on_grid,
    energy_spectrum,
    energy_spectrum_2d,
    frequency_axis,
    low_band_fraction,
    spectral_centroid,
)

TOL = 1e-6


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


def test_energy_spectrum_closed_form_and_conventions(rng):
    n = 32
    x = np.cos(2 * np.pi * 5 * np.arange(n) / n)  # two lines at f = +-5/32, each (N/2)^2
    e = energy_spectrum(x)
    f = frequency_axis(n)
    assert f[0] == -0.5 and f[n // 2] == 0.0
    expected = np.where(np.isclose(np.abs(f), 5 / n), (n / 2) ** 2, 0.0)
    assert np.abs(e - expected).max() < 1e-9
    y = rng.standard_normal((3, 50))
    assert np.abs(energy_spectrum(y).sum(-1) - 50 * (y**2).sum(-1)).max() < 1e-9  # Parseval
    t = torch.tensor(y)
    assert isinstance(energy_spectrum(t), torch.Tensor)
    assert np.abs(energy_spectrum(t).numpy() - energy_spectrum(y)).max() < 1e-9


def test_energy_spectrum_2d_matches_separable_closed_form(rng):
    a, b = rng.standard_normal(8), rng.standard_normal(12)
    img = np.outer(a, b)
    expected = np.outer(energy_spectrum(a), energy_spectrum(b))
    assert np.abs(energy_spectrum_2d(img) - expected).max() < 1e-9


def test_centroid_and_low_band_of_a_pure_tone():
    n = 64
    e = energy_spectrum(np.cos(2 * np.pi * 8 * np.arange(n) / n))
    assert spectral_centroid(e) == pytest.approx(8 / 64)
    assert low_band_fraction(e, 0.1) == pytest.approx(0.0)
    assert low_band_fraction(e, 0.2) == pytest.approx(1.0)
    dc = energy_spectrum(np.ones(n) + np.cos(2 * np.pi * 8 * np.arange(n) / n))
    assert spectral_centroid(dc, exclude_dc=True) == pytest.approx(8 / 64)
    assert spectral_centroid(dc) < 8 / 64


def test_accumulate_on_grid_adds_resampled_spectra():
    grid = np.linspace(-0.5, 0.5, 11)
    f8, f16 = frequency_axis(8), frequency_axis(16)
    total = accumulate_on_grid([(f8, f8**2), (f16, np.ones(16))], grid)
    assert total[5] == pytest.approx(1.0)  # f = 0: 0 + 1
    with pytest.raises(ValueError):
        accumulate_on_grid([(f8, np.ones(9))], grid)


@pytest.mark.parametrize("fc", [0.05, 0.1234, 0.3])
def test_dsb_sc_spectrum_identity_eq3(fc, rng):
    x = rng.standard_normal(48)
    freqs = np.linspace(-0.5, 0.5, 301)
    lhs = np.abs(mod.dtft(mod.dsb_sc(x, fc), freqs)) ** 2
    rhs = mod.dsb_sc_energy_spectrum(x, fc, freqs)
    assert np.abs(lhs - rhs).max() < TOL
    # on the DFT grid the DTFT is the FFT
    assert np.abs(mod.dtft(x, frequency_axis(48)) - np.fft.fftshift(np.fft.fft(x))).max() < 1e-9


def _band_limited(n, bins, rng):
    spec = np.zeros(n, dtype=complex)
    for b in bins:
        c = rng.standard_normal() + 1j * rng.standard_normal()
        spec[b], spec[-b] = c, np.conj(c)
    spec[0] = rng.standard_normal()
    return np.fft.ifft(spec).real


def test_multicarrier_fdm_eq7_exact_when_bands_are_disjoint(rng):
    n = 128
    streams = np.stack([_band_limited(n, [1, 2], rng) for _ in range(3)])  # baseband, |k| <= 2
    fk = np.array([10, 25, 40]) / n  # carriers far apart: Eq. 6 holds
    freqs = frequency_axis(n)
    s = mod.multi_carrier(streams, fk)
    assert np.abs(s - sum(x * np.cos(2 * np.pi * f * np.arange(n)) for x, f in zip(streams, fk))).max() < 1e-12
    lhs = energy_spectrum(s)
    rhs = mod.multi_carrier_energy_spectrum(streams, fk, freqs)
    assert np.abs(lhs - rhs).max() < TOL
    # overlapping carriers break Eq. 6 and the sum of energy spectra is no longer exact
    close = np.array([10, 11, 12]) / n
    gap = np.abs(
        energy_spectrum(mod.multi_carrier(streams, close)) - mod.multi_carrier_energy_spectrum(streams, close, freqs)
    ).max()
    assert gap > 1e-3


def test_mimo_eq11_and_eq12(rng):
    n, i_m, k_m, o_m = 256, 2, 3, 4
    streams = np.stack([[_band_limited(n, [1], rng) for _ in range(k_m)] for _ in range(i_m)])
    fpk = np.array([[10, 30, 50], [70, 90, 110]]) / n  # all I*K bands disjoint
    h = rng.standard_normal((o_m, i_m))
    r = mod.mimo(streams, fpk, h)
    direct = np.stack(
        [
            sum(
                h[q, p] * streams[p, k] * np.cos(2 * np.pi * fpk[p, k] * np.arange(n))
                for p in range(i_m)
                for k in range(k_m)
            )
            for q in range(o_m)
        ]
    )
    assert np.abs(r - direct).max() < 1e-12
    assert np.abs(energy_spectrum(r) - mod.mimo_energy_spectrum(streams, fpk, h, frequency_axis(n))).max() < TOL


def test_ofdm_subcarriers_are_orthogonal():
    c = mod.ofdm_subcarriers(6, 64)
    gram = c @ c.T
    assert np.abs(gram - 32 * np.eye(6)).max() < 1e-9


def test_single_channel_conv1d_is_a_multicarrier_modulator_eq14_vs_eq5(rng):
    x, w = rng.standard_normal(40), rng.standard_normal(3)
    ours = mod.conv1d_as_multicarrier(x, w)
    torch_out = F.conv1d(torch.tensor(x)[None, None], torch.tensor(w)[None, None])[0, 0].numpy()
    assert ours.shape == (40 - 3 + 1,)
    assert np.abs(ours - torch_out).max() < TOL
    streams = mod.shifted_copies(x, 3)
    assert np.array_equal(streams[2], x[2:40])


def test_multichannel_conv1d_is_a_multicarrier_mimo_receiver_eq13_vs_eq11(rng):
    x, w = rng.standard_normal((4, 30)), rng.standard_normal((5, 4, 3))
    ours = mod.conv1d_as_mimo(x, w)
    torch_out = F.conv1d(torch.tensor(x)[None], torch.tensor(w))[0].numpy()
    assert ours.shape == (5, 28)
    assert np.abs(ours - torch_out).max() < TOL
    channel, carriers = mod.conv_weights_as_mimo(w)
    assert np.abs(channel[..., None] * carriers - w).max() < 1e-12
    assert np.abs(np.linalg.norm(carriers, axis=-1) - 1).max() < 1e-12


def test_factorised_weights_give_shared_carriers(rng):
    """When w[q,p,k] = h[q,p] c[p,k] the MIMO system has one carrier set per transmit antenna."""
    x = rng.standard_normal((3, 20))
    h, c = rng.standard_normal((2, 3)), rng.standard_normal((3, 3))
    w = h[:, :, None] * c[None]
    streams = mod.shifted_copies(x, 3)
    s = np.stack([mod.modulate(streams[p], c[p]) for p in range(3)])
    torch_out = F.conv1d(torch.tensor(x)[None], torch.tensor(w))[0].numpy()
    assert np.abs(h @ s - torch_out).max() < TOL


def test_table2_correspondence_counts_what_torch_and_the_mimo_construction_hold(rng):
    """Every number of Table 2 counted on a real Conv1d and on its MIMO rebuild (Eqs. 11, 13)."""
    n, i_c, o_c, k_c, s_c = 100, 4, 8, 3, 10
    conv = torch.nn.Conv1d(i_c, o_c, k_c, bias=False).double()
    x = torch.tensor(rng.standard_normal((s_c, i_c, n)))
    y = conv(x)
    weight = conv.weight.detach().numpy()
    channel, carriers = mod.conv_weights_as_mimo(weight)
    received = mod.conv1d_as_mimo(x[0].numpy(), weight)
    rows = {
        name: (conv_value, mimo_value)
        for name, conv_value, _, mimo_value in mod.table2_correspondence(n, i_c, o_c, k_c, n_signals=s_c)
    }
    assert rows["data samples S_C"] == (x.shape[0], x.shape[0])
    assert rows["input feature maps I_C"] == (conv.in_channels, channel.shape[1])
    assert rows["output feature maps O_C"] == (conv.out_channels, received.shape[0])
    assert rows["input length N_C"] == (x.shape[-1], x.shape[-1])
    assert rows["kernel parameters O_C x I_C x K_C"] == (conv.weight.numel(), carriers.size)
    assert rows["output values O_C x (N_C - K_C + 1)"] == (y[0].numel(), received.size)
    assert len(rows) == 6


def test_convolution_reshapes_the_energy_spectrum_by_the_kernel_response(rng):
    x, w = rng.standard_normal(64), rng.standard_normal(3)
    lhs = energy_spectrum(mod.circular_correlate(x, w))
    assert np.abs(lhs - mod.kernel_energy_response(w, 64) * energy_spectrum(x)).max() < TOL * lhs.max()


def test_relu_is_dsb_sc_with_heaviside_carrier_eq22(rng):
    y = rng.standard_normal((3, 4, 50))
    y[0, 0, :5] = 0.0
    assert np.abs(mod.relu_as_dsb_sc(y) - torch.relu(torch.tensor(y)).numpy()).max() == 0.0
    # modulation theorem on the DFT grid: spectrum of a product = circular convolution of spectra / N
    s = y[1, 2]
    lhs = np.fft.fft(mod.relu_as_dsb_sc(s))
    yf, hf = np.fft.fft(s), np.fft.fft(mod.heaviside(s))
    rhs = np.array([sum(yf[m] * hf[(k - m) % 50] for m in range(50)) for k in range(50)]) / 50
    assert np.abs(lhs - rhs).max() < TOL


def test_average_pooling_is_a_strided_box_convolution_eq27(rng):
    x = rng.standard_normal((3, 40))
    for size, stride in ((2, 2), (4, 4), (3, 1)):
        torch_out = F.avg_pool1d(torch.tensor(x)[None], size, stride)[0].numpy()
        assert np.abs(mod.average_pool_as_convolution(x, size, stride) - torch_out).max() < TOL


@pytest.mark.parametrize("n, keep", [(64, 16), (64, 15), (60, 20), (48, 7), (96, 24), (96, 12)])
def test_spectral_pooling_is_a_box_in_frequency_and_a_circular_convolution_eqs28_30(n, keep, rng):
    x = rng.standard_normal(n)
    box = mod.spectral_box(n, keep)
    assert np.array_equal(box, box[::-1][np.r_[-1, : n - 1]] if n % 2 == 0 else box[::-1])  # even in f
    low = mod.spectral_lowpass(x, keep)
    assert np.abs(np.fft.fftshift(np.fft.fft(low)) - np.fft.fftshift(np.fft.fft(x)) * box).max() < TOL  # Eq. 28
    h = mod.spectral_box_kernel(n, keep)
    assert np.abs(low - mod.circular_convolve(x, h)).max() < TOL  # Eq. 30
    pooled = mod.spectral_pool(x, keep)
    assert pooled.shape == (keep,)
    if n % keep == 0:
        assert np.abs(pooled - low[:: n // keep]).max() < TOL


@pytest.mark.parametrize("n, keep", [(96, 24), (60, 15), (64, 16)])
def test_spectral_pooling_of_cosines_has_a_closed_form_eqs28_30(n, keep):
    """A sum of cosines below keep/2 bins survives, one above is removed; h is the Dirichlet kernel."""
    t = np.arange(n)
    k_low, k_high = keep // 2 - 2, keep // 2 + 3
    x = (
        1.5 * np.cos(2 * np.pi * k_low * t / n + 0.4)
        + 0.7 * np.cos(2 * np.pi * 3 * t / n)
        + np.sin(2 * np.pi * k_high * t / n)
    )
    kept = 1.5 * np.cos(2 * np.pi * k_low * t / n + 0.4) + 0.7 * np.cos(2 * np.pi * 3 * t / n)
    assert np.abs(mod.spectral_lowpass(x, keep) - kept).max() < 1e-9  # Eq. 28: the box keeps |k| < keep/2
    m = np.arange(keep)  # Eq. 28 then crop: the same cosines, now on keep samples
    pooled = 1.5 * np.cos(2 * np.pi * k_low * m / keep + 0.4) + 0.7 * np.cos(2 * np.pi * 3 * m / keep)
    assert np.abs(mod.spectral_pool(x, keep) - pooled).max() < 1e-9
    # Eq. 30: h[j] = (1/N) sum over kept bins of exp(2 pi i k j / N), summed in a loop
    h = np.array(
        [
            sum(mod.spectral_box(n, keep)[b] * np.exp(2j * np.pi * (b - n // 2) * j / n) for b in range(n)).real / n
            for j in range(n)
        ]
    )
    assert np.abs(mod.spectral_box_kernel(n, keep) - h).max() < 1e-12
    if keep % 2:  # odd keep: the closed-form Dirichlet kernel sin(pi keep j / N) / (N sin(pi j / N))
        j = np.arange(1, n)
        assert np.abs(h[1:] - np.sin(np.pi * keep * j / n) / (n * np.sin(np.pi * j / n))).max() < 1e-12


def test_band_limited_generators_have_no_energy_outside_their_band(rng):
    x = mod.band_limited_signal(64, 3, rng)
    spec = np.abs(np.fft.fft(x)) ** 2
    k = np.abs(np.rint(np.fft.fftfreq(64) * 64))
    assert spec[k > 3].max() < 1e-20 * spec.max() and spec[k <= 3].min() > 0
    y = mod.baseband_signal(128, bandwidth=0.05)
    assert np.abs(y).max() == pytest.approx(1.0)
    spec = energy_spectrum(y)
    assert spec[np.abs(frequency_axis(128)) > 0.05].max() < 1e-20 * spec.max()
    for bad in (
        lambda: mod.baseband_signal(0),
        lambda: mod.baseband_signal(16, bandwidth=0.7),
        lambda: mod.band_limited_signal(8, 4, rng),
    ):
        with pytest.raises(ValueError):
            bad()


@pytest.mark.parametrize(
    "call",
    [
        lambda: mod.dsb_sc(np.ones((2, 2, 2)), 0.1),
        lambda: mod.dsb_sc(np.array([1.0, np.nan]), 0.1),
        lambda: mod.dsb_sc(np.ones(4), np.inf),
        lambda: mod.shifted_copies(np.ones(3), 5),
        lambda: mod.conv1d_as_multicarrier(np.ones(3), np.ones(4)),
        lambda: mod.conv1d_as_mimo(np.ones((2, 10)), np.ones((3, 4, 3))),
        lambda: mod.multi_carrier(np.ones((3, 10)), [0.1, 0.2]),
        lambda: mod.mimo(np.ones((2, 3, 10)), np.ones((2, 3)), np.ones((4, 3))),
        lambda: mod.ofdm_subcarriers(10, 16),
        lambda: mod.spectral_pool(np.ones(8), 9),
        lambda: mod.kernel_energy_response(np.ones(9), 8),
        lambda: energy_spectrum(np.array([np.inf, 1.0])),
        lambda: energy_spectrum_2d(np.ones(4)),
        lambda: low_band_fraction(np.ones(4), -1.0),
        lambda: spectral_centroid(-np.ones(4)),
    ],
)
def test_bad_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()


def test_modulation_identities_experiment_holds_every_identity():
    from sigcnn.experiments import modulation_identities as mi

    result = mi.run(mi.make_config("ci", trials=2))
    assert result.metrics["all_within_tolerance"]
    for row in mi.EXPERIMENT.report_rows:
        assert result.metrics[row.metric] <= 1e-6
    verdicts = mi.EXPERIMENT.verdicts(result.metrics)
    assert all(v.outcome == "supported" for v in verdicts.values())
    assert len(mi.EXPERIMENT.findings_for(result.metrics)) == len(mi.IDENTITIES) + 1
    with pytest.raises(ValueError):
        mi.run(mi.make_config("ci", length=50))
    with pytest.raises(ValueError):
        mi.make_config("ci", dataset="fsdd")


def test_widgets_draw_their_default_state_headless():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sigcnn.widgets import modulation as mw

    for fig in (mw.dsb_sc_figure(), mw.kernel_carriers_figure(-0.5, 1.0, -0.5)):
        assert fig.axes and "Wu et al." in fig._suptitle.get_text()
        plt.close(fig)
    assert mw.dsb_sc_widget() is not None and mw.kernel_carriers_widget() is not None
    plt.close("all")


@pytest.mark.parametrize("n", [15, 16])
def test_summed_energy_spectrum_equals_the_full_transform(n, rng):
    from sigcnn.signals.spectra import summed_energy_spectrum

    x = torch.tensor(rng.standard_normal((3, 4, n)))
    expected = energy_spectrum(x).sum(dim=(0, 1))
    assert torch.allclose(summed_energy_spectrum(x), expected, rtol=1e-12, atol=1e-9)
    with pytest.raises(ValueError):
        summed_energy_spectrum(torch.ones(4, dtype=torch.complex64))


def test_summed_energy_spectrum_rejects_non_finite_values():
    from sigcnn.signals.spectra import summed_energy_spectrum

    x = torch.randn(2, 3, 8)
    x[1, 2, 5] = float("nan")
    with pytest.raises(ValueError, match="non-finite"):
        summed_energy_spectrum(x)
