"""Legends of the channel figures sit beside the data, never over it (one covered the α = 1 bars)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np

from sigcnn.plots import channel


def _overlaps(fig, ax) -> bool:
    fig.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    return legend.overlaps(ax.get_window_extent())


def test_the_concentration_bars_legend_is_beside_the_axes():
    alphas = np.array([0.5, 1.0, 1.5, 2.0])
    arrays = {
        "alphas": alphas,
        "top_share_raw": np.array([0.9, 0.8, 0.5, 0.2]),
        "top_share": np.array([0.6, 0.5, 0.3, 0.2]),
    }
    fig = channel.concentration_bars(arrays)
    assert not _overlaps(fig, fig.axes[0])
    # and the saved figure still holds the whole legend
    assert fig.axes[0].get_legend().get_window_extent().x1 <= fig.bbox.x1 + 1


def test_the_accuracy_drop_legend_is_beside_the_axes():
    rng = np.random.default_rng(0)
    arrays = {
        "snrs_db": np.array([0.0, 5.0, 10.0]),
        "alphas": np.array([0.5, 1.0, 2.0]),
        "drop": rng.uniform(0, 0.5, (3, 3, 2)),
        "control_drop": rng.uniform(0, 0.1, (3, 3, 2)),
    }
    fig = channel.accuracy_drop_curves(arrays)
    assert not _overlaps(fig, fig.axes[0])
