"""kymatio wrappers: input checks, the on-disk cache, channel tables and the energy correction."""

import numpy as np
import pytest

from sigcnn.models import scattering as sc


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SIGCNN_CACHE", str(tmp_path))


@pytest.mark.parametrize("shape,J", [((28, 28), 3), ((30, 30), 2), ((4, 4), 3)])
def test_image_size_must_fit_J(shape, J):
    with pytest.raises(ValueError, match="2\\^J"):
        sc.scatter_images(np.zeros(shape), J)


def test_non_finite_and_short_inputs_are_refused():
    img = np.zeros((28, 28))
    img[3, 4] = np.nan
    with pytest.raises(ValueError, match="non-finite"):
        sc.scatter_images(img, 2)
    with pytest.raises(ValueError, match="shorter than 2\\^J"):
        sc.scatter_signals(np.zeros(100), 8)
    with pytest.raises(ValueError, match="non-finite"):
        sc.scatter_signals(np.full(512, np.inf), 4)
    with pytest.raises(ValueError, match="J must be"):
        sc.scatter_images(np.zeros((28, 28)), 0)


def test_cache_second_call_reads_and_data_change_misses(tmp_path):
    x = np.random.default_rng(0).random((3, 16, 16)).astype(np.float32)
    a, hit_a = sc.scatter_images(x, 2)
    b, hit_b = sc.scatter_images(x, 2)
    assert (hit_a, hit_b) == (False, True)
    np.testing.assert_array_equal(a, b)
    assert len(list((tmp_path / "scattering").glob("*.npy"))) == 1
    x2 = x.copy()
    x2[0, 0, 0] += 1e-3
    _, hit_c = sc.scatter_images(x2, 2)
    _, hit_d = sc.scatter_images(x, 1)
    assert not hit_c and not hit_d


@pytest.mark.parametrize("J,L", [(1, 8), (2, 8), (3, 4)])
def test_channel_table_counts_and_matches_output(J, L):
    rows = sc.channels_2d(J, L)
    # closed form: 1 + J L + L^2 J (J - 1) / 2 channels; order-2 paths need j1 < j2
    assert len(rows) == 1 + J * L + L * L * J * (J - 1) // 2
    assert sum(r["order"] == 1 for r in rows) == J * L
    assert all(r["j"][0] < r["j"][1] for r in rows if r["order"] == 2)
    out, _ = sc.scatter_images(np.zeros((32, 32)), J, L, use_cache=False)
    assert out.shape[1] == len(rows)


def test_channels_1d_frequencies_in_hz():
    rows = sc.channels_1d(6, 8, sample_rate=8000.0)
    first = [r["frequency"] for r in rows if r["order"] == 1]
    assert len(first) > 8 and all(0 < f < 4000 for f in first)
    assert all(a > b for a, b in zip(first, first[1:]))  # kymatio orders wavelets from high to low
    # doubling the sample rate doubles every centre frequency (xi is in cycles per sample)
    rows2 = sc.channels_1d(6, 8, sample_rate=16000.0)
    assert [r["frequency"] for r in rows2] == pytest.approx([2 * r["frequency"] for r in rows])


def test_energy_correction_on_a_constant_image():
    # x * phi_J of a constant is the constant (phi integrates to 1): after the 4^J correction the
    # order-0 energy equals ||x||^2 and the wavelet orders are zero (zero-mean wavelets).
    x = np.full((32, 32), 2.0)
    rows = sc.channels_2d(2)
    coef, _ = sc.scatter_images(x, 2, use_cache=False)
    energy = sc.energy_per_order(x, coef[0], [r["order"] for r in rows], J=2)
    assert energy[0] == pytest.approx(1.0, rel=1e-3)
    assert energy[1] < 1e-6 and energy[2] < 1e-6


def test_numpy_frontend_on_cpu():
    assert sc.frontend_for("cpu") == "numpy" and sc.frontend_for("cuda:0") == "torch"


def test_first_order_centre_frequencies_match_the_filters_peaks():
    # independent route: the peak of each first-order filter's frequency response (kymatio's filter bank),
    # located between bins by a parabola through the log-magnitude at the argmax and its neighbours (exact
    # for a Gaussian bump). Relative tolerance: adjacent wavelets (Q = 8) differ by 2^(1/8), i.e. 9 %.
    bank = sc.filters_1d(4096, 8, 8)
    psi = np.abs(bank["psi"])
    n = psi.shape[-1]
    k = np.argmax(psi[:, : n // 2], axis=1)
    rows_i = np.arange(len(k))
    below, at, above = (np.log(psi[rows_i, k + d]) for d in (-1, 0, 1))
    peaks = (k + 0.5 * (below - above) / (below - 2 * at + above)) / n  # cycles per sample
    rows = [r for r in sc.channels_1d(8, 8, sample_rate=1.0, length=4096) if r["order"] == 1]
    assert len(rows) == len(peaks)
    np.testing.assert_allclose([r["frequency"] for r in rows], peaks, rtol=0.005)


def test_filters_2d_are_zero_mean_wavelets_and_a_unit_mass_average():
    bank = sc.filters_2d(2, 4, 32)
    assert bank["psi"].shape == (2, 4, 32, 32)
    assert np.abs(bank["psi"].sum(axis=(-2, -1))).max() < 1e-3 * np.abs(bank["psi"]).sum(axis=(-2, -1)).min()
    assert bank["phi"].sum() == pytest.approx(1.0, rel=1e-3)


def test_scattering_tree_has_one_node_per_kymatio_path():
    """The tree's paths against kymatio's own channel labels with one angle (L = 1)."""
    import matplotlib

    matplotlib.use("Agg")
    from sigcnn.plots import scattering as scat_plots

    for J in (1, 2, 3, 4):
        rows = sc.channels_2d(J, 1)
        assert sorted(scat_plots.scattering_paths(J)) == sorted(tuple(r["j"]) for r in rows)
    fig = scat_plots.scattering_tree_figure(3)
    outputs = [t for t in fig.axes[0].texts if t.get_gid() == "output"]
    assert len(outputs) == len(sc.channels_2d(3, 1)) == 7
    with pytest.raises(ValueError, match="J must be"):
        scat_plots.scattering_paths(0)
