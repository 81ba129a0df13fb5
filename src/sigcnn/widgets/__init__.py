"""Interactive views (ipywidgets). Each has a static default rendering, so a headless book build
still shows a figure; one module per chapter."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt

if TYPE_CHECKING:
    import ipywidgets


def slider_view(draw: Callable[..., object], sliders: Mapping[str, ipywidgets.ValueWidget]) -> ipywidgets.VBox:
    """Sliders above an output area that ``draw(**values)`` redraws when a slider moves.

    Nothing is drawn when the view is built (the static figure drawn just before it shows the
    default state), so executing the notebook headless sends no figure through a widget.
    """
    import ipywidgets as widgets

    out = widgets.Output()

    def redraw(change=None):
        with out:
            out.clear_output(wait=True)
            draw(**{name: slider.value for name, slider in sliders.items()})
            plt.show()

    for slider in sliders.values():
        slider.observe(redraw, names="value")
    return widgets.VBox([*sliders.values(), out])
