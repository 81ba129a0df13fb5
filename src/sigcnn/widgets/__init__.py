"""Interactive views (ipywidgets). Each has a static default rendering, so a headless book build
still shows a figure; one module per chapter.

In the book build (``SIGCNN_STATIC_WIDGETS=1``, set by ``make book``) every ``*_widget`` factory
returns ``None`` before it creates a single widget: a notebook that created widgets would carry
widget state, and its page would then load the widget JavaScript from a CDN, which a reader
offline does not have. The static figure drawn before each widget is what the page shows.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt

if TYPE_CHECKING:
    import ipywidgets


def static_build() -> bool:
    """``True`` in the static book build (``SIGCNN_STATIC_WIDGETS=1``): factories then return ``None``."""
    return os.environ.get("SIGCNN_STATIC_WIDGETS", "").strip().lower() in ("1", "true", "yes")


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
