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
    """Sliders above an output area that ``draw(**values)`` draws at once (the initial state) and
    redraws when a slider moves. Each slider's label gets the width it needs (never cut).

    In the static book build the factories return ``None`` before calling this, so no figure goes
    through a widget there.
    """
    import ipywidgets as widgets  # optional: the book extra

    out = widgets.Output()

    def redraw(change=None):
        with out:
            out.clear_output(wait=True)
            draw(**{name: slider.value for name, slider in sliders.items()})
            plt.show()

    for slider in sliders.values():
        slider.style.description_width = "initial"  # "window (ms)", not "window (…"
        slider.observe(redraw, names="value")
    redraw()
    return widgets.VBox([*sliders.values(), out])
