"""Kuo (2016) Fig. 3 as a widget: move an input and three anchors on the unit circle."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..plots.recos import unit_circle_state
from . import slider_view, static_build

if TYPE_CHECKING:
    import ipywidgets
    from matplotlib.figure import Figure

DEFAULT_STATE = {"x_deg": 20.0, "a1_deg": 0.0, "a2_deg": 60.0, "a3_deg": 170.0}
"""The representative state shown in the static book: two anchors within 90° of x, one beyond."""


def circle_figure(
    x_deg: float = DEFAULT_STATE["x_deg"],
    a1_deg: float = DEFAULT_STATE["a1_deg"],
    a2_deg: float = DEFAULT_STATE["a2_deg"],
    a3_deg: float = DEFAULT_STATE["a3_deg"],
) -> Figure:
    """The static rendering of one state (angles in degrees): a matplotlib figure."""
    return unit_circle_state(x_deg, [a1_deg, a2_deg, a3_deg])


def circle_widget() -> ipywidgets.VBox | None:
    """Sliders for the four angles; each move redraws :func:`circle_figure`.

    Returns the view (display it in a live notebook). Nothing is drawn when it is built; the
    static figure drawn before it shows the default state, so a headless build never waits on it.
    """
    if static_build():
        return None
    import ipywidgets as w  # optional: the book extra

    sliders = {
        name: w.FloatSlider(
            value=value,
            min=-180.0,
            max=180.0,
            step=5.0,
            description=name.replace("_deg", " (°)"),
            continuous_update=False,
        )
        for name, value in DEFAULT_STATE.items()
    }
    return slider_view(circle_figure, sliders)
