"""Interactive view of the scattering chapter: the window length of the windowed Fourier transform
traded for frequency resolution (Koushik §2, Theorem 1). The ``*_figure`` function draws the
default state for the static book; the ``*_widget`` function adds a slider in a live notebook."""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np

from ..signals import wavelets as wv
from . import slider_view, static_build

if TYPE_CHECKING:
    import ipywidgets
    from matplotlib.figure import Figure

SAMPLE_RATE = 8000.0


def test_signal() -> np.ndarray:
    """Two tones (500 Hz and 560 Hz, 60 Hz apart) plus clicks 10 ms apart: resolving both needs a long
    window, resolving the clicks a short one."""
    t = wv.time_axis(int(0.5 * SAMPLE_RATE), SAMPLE_RATE)
    tones = np.cos(2 * np.pi * 500 * t) + np.cos(2 * np.pi * 560 * t)
    clicks = 8 * wv.click_train(0.5, SAMPLE_RATE, 0.01, first=0.3)[: t.size] * (t < 0.36)
    return tones * (t < 0.25) + clicks


def window_tradeoff_figure(window_ms: float = 16.0) -> Figure:
    """STFT of :func:`test_signal` with a Hann window of ``window_ms`` ms and its σ_t, σ_f."""
    x = test_signal()
    win = max(8, int(round(window_ms * 1e-3 * SAMPLE_RATE)))
    t, f, mag = wv.stft_magnitude(x, win, SAMPLE_RATE, hop=max(1, win // 8))
    sigma_t, sigma_f = wv.time_frequency_spread(np.hanning(win + 2)[1:-1], SAMPLE_RATE)
    fig, ax = plt.subplots(figsize=(7, 3.4))
    ax.pcolormesh(t, f, 20 * np.log10(mag + 1e-4 * mag.max()), shading="auto", cmap="magma")
    ax.set_ylim(0, 1500)
    ax.grid(False)
    ax.set(
        xlabel="time (s)",
        ylabel="frequency (Hz)",
        title=f"Hann {window_ms:g} ms: σ_t = {1e3 * sigma_t:.1f} ms, σ_f = {sigma_f:.1f} Hz\n"
        "(tones 60 Hz apart until 0.25 s; clicks 10 ms apart from 0.3 s)",
    )
    fig.tight_layout()
    return fig


def window_tradeoff_widget() -> ipywidgets.VBox | None:
    """Slider for the window length (ms); returns ``None`` without ipywidgets."""
    if static_build():
        return None
    try:
        import ipywidgets as widgets  # optional: the book extra
    except ImportError:  # pragma: no cover
        return None
    return slider_view(
        window_tradeoff_figure,
        {
            "window_ms": widgets.FloatLogSlider(
                16.0, base=2, min=0, max=7, step=0.5, description="window (ms)", continuous_update=False
            )
        },
    )
