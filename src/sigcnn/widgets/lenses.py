"""Step through a network's layers: the five lenses' readings of the chosen layer (five-lenses chapter)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from ..plots.five_lenses import layer_card
from . import slider_view, static_build

if TYPE_CHECKING:
    import ipywidgets


def layer_widget(arrays: Mapping[str, np.ndarray]) -> ipywidgets.VBox | None:
    """A slider over the layers; each move redraws :func:`~sigcnn.plots.five_lenses.layer_card`.

    Returns ``None`` in the static book build (the figure drawn before it shows layer 0).
    """
    if static_build():
        return None
    import ipywidgets as w

    slider = w.IntSlider(
        value=0,
        min=0,
        max=len(arrays["layer_names"]) - 1,
        description="layer",
        continuous_update=False,
        style={"description_width": "initial"},
        layout=w.Layout(width="420px"),
    )
    return slider_view(lambda index: layer_card(arrays, index), {"index": slider})
