"""The lens figures (one module, sigcnn.plots.lenses): each draws from a lenses result's arrays."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from sigcnn.plots import lenses as lens_plots


def _arrays(n: int = 4) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    arrays = {
        "layer_names": np.array([f"features.{i}" for i in range(n)]),
        "layer_kinds": np.array(["conv", "relu", "pool", "linear"][:n]),
        "layer_downsampling": np.array([1, 1, 2, 2][:n]),
        "scattering_j": np.array([1, 2]),
        "scattering_translation_change": np.array([0.1, 0.05]),
        "scattering_deformation_change": np.array([0.2, 0.1]),
    }
    for panels in lens_plots.LENS_PANELS.values():
        for key, _ in panels:
            for which in ("trained", "untrained"):
                arrays[f"{which}_{key}"] = rng.normal(size=n)
    arrays["trained_anchor_angle_deg"][1:] = np.nan  # read on convolutions only
    arrays["untrained_anchor_angle_deg"][1:] = np.nan
    return arrays


def test_the_overview_shows_one_reading_of_each_lens_in_the_panels_order():
    assert list(lens_plots.OVERVIEW) == list(lens_plots.LENS_PANELS)
    for lens, key in lens_plots.OVERVIEW.items():
        assert key in dict(lens_plots.LENS_PANELS[lens])


def test_lenses_across_layers_draws_trained_and_untrained_per_lens():
    a = _arrays()
    fig = lens_plots.lenses_across_layers(a)
    axes = fig.axes
    assert len(axes) == 5
    # the first panel's solid line is the trained rectified fraction (an independent read of the arrays)
    np.testing.assert_allclose(axes[0].lines[0].get_ydata(), a["trained_rectified_fraction"])
    assert [ax.get_ylabel() for ax in axes] == [
        dict(lens_plots.LENS_PANELS[lens])[key] for lens, key in lens_plots.OVERVIEW.items()
    ]
    plt.close(fig)


def test_layer_card_shows_the_anchor_angle_on_a_convolution_and_refuses_a_bad_index():
    a = _arrays()
    fig = lens_plots.layer_card(a, 0)
    heights = [p.get_height() for p in fig.axes[0].patches]
    np.testing.assert_allclose(heights, [a["trained_anchor_angle_deg"][0], a["untrained_anchor_angle_deg"][0]])
    plt.close(fig)
    fig = lens_plots.layer_card(a, 1)  # a ReLU: the rectified fraction
    heights = [p.get_height() for p in fig.axes[0].patches]
    np.testing.assert_allclose(heights, [a["trained_rectified_fraction"][1], a["untrained_rectified_fraction"][1]])
    plt.close(fig)
    with pytest.raises(ValueError, match="layer index"):
        lens_plots.layer_card(a, 4)


def test_lens_figure_draws_every_reading_of_a_lens_and_names_an_unknown_lens():
    fig = lens_plots.lens_figure(_arrays(), "scattering (Mallat)")
    assert len(fig.axes) == len(lens_plots.LENS_PANELS["scattering (Mallat)"])
    plt.close(fig)
    with pytest.raises(KeyError, match="unknown lens"):
        lens_plots.lens_figure(_arrays(), "no such lens")
