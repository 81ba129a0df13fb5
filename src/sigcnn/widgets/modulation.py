"""Interactive views of the modulation chapter: a carrier-frequency slider for DSB-SC and kernel
taps as carriers. Each ``*_figure`` function draws the default state (for the static book); each
``*_widget`` function returns sliders that redraw it in a live notebook."""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np

from ..plots.modulation import modulation_figure
from ..signals.modulation import baseband_signal, circular_correlate, dsb_sc, kernel_energy_response
from ..signals.spectra import energy_spectrum, frequency_axis
from . import slider_view, static_build

if TYPE_CHECKING:
    import ipywidgets
    from matplotlib.figure import Figure

N_SAMPLES = 256


def dsb_sc_figure(carrier_frequency: float = 0.2, bandwidth: float = 0.03) -> Figure:
    """DSB-SC of a baseband signal at ``carrier_frequency`` (Wu Fig. 1, Eq. 3)."""
    x = baseband_signal(N_SAMPLES, bandwidth=bandwidth)
    m = dsb_sc(x, carrier_frequency)
    freqs = frequency_axis(len(x))
    return modulation_figure(np.arange(len(x)), x, m, freqs, energy_spectrum(x), energy_spectrum(m), carrier_frequency)


def dsb_sc_widget() -> ipywidgets.VBox | None:
    """Slider for the carrier frequency: the spectrum follows the carrier to ±f_c."""
    if static_build():
        return None
    import ipywidgets as widgets  # optional: the book extra

    return slider_view(
        dsb_sc_figure,
        {
            "carrier_frequency": widgets.FloatSlider(
                0.2, min=0.0, max=0.5, step=0.01, description="f_c", continuous_update=False
            ),
            "bandwidth": widgets.FloatSlider(
                0.03, min=0.01, max=0.2, step=0.01, description="bandwidth", continuous_update=False
            ),
        },
    )


def kernel_carriers_figure(w0: float = 0.25, w1: float = 0.5, w2: float = 0.25, seed: int = 1) -> Figure:
    """A 3-tap kernel's taps are the "carriers" of a 3-carrier modulator (Fig. 6); what it does to the
    energy spectrum is to multiply it by ``|W(f)|^2`` (white-noise input shown)."""
    kernel = np.array([w0, w1, w2])
    x = np.random.default_rng(seed).standard_normal(N_SAMPLES)
    y = circular_correlate(x, kernel)
    freqs = frequency_axis(N_SAMPLES)
    fig, (ax_w, ax_s) = plt.subplots(1, 2, figsize=(9, 3.2))
    ax_w.stem(np.arange(3), kernel)
    ax_w.set_xticks([0, 1, 2], ["w[0]", "w[1]", "w[2]"])
    ax_w.set_ylabel("carrier amplitude (tap value)")
    ax_w.set_title("kernel taps = carriers", fontsize=9)
    ax_s.plot(freqs, energy_spectrum(x), color="C3", lw=0.6, alpha=0.6, label="input E_x(f) (white noise)")
    ax_s.plot(freqs, energy_spectrum(y), color="C0", lw=0.8, label="output E_y(f)")
    ax_s.plot(freqs, kernel_energy_response(kernel, N_SAMPLES) * N_SAMPLES, color="k", lw=1.5, label="N·|W(f)|²")
    ax_s.set_xlabel("frequency f (cycles/sample)")
    ax_s.set_ylabel("energy")
    ax_s.legend(fontsize=7)
    ax_s.set_title("the kernel reshapes the energy spectrum", fontsize=9)
    fig.suptitle("Wu et al. Fig. 6, ours: kernel taps as carriers of a multi-carrier modulator")
    fig.tight_layout()
    return fig


def kernel_carriers_widget() -> ipywidgets.VBox | None:
    """Sliders for the three taps: a smoothing kernel moves energy down, a differencing one up."""
    if static_build():
        return None
    import ipywidgets as widgets  # optional: the book extra

    return slider_view(
        kernel_carriers_figure,
        {
            name: widgets.FloatSlider(value, min=-1.0, max=1.0, step=0.05, description=name, continuous_update=False)
            for name, value in (("w0", 0.25), ("w1", 0.5), ("w2", 0.25))
        },
    )
