"""Step through a network's layers: the five lenses' readings of the chosen layer (five-lenses chapter)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from ..core.results import load_result, result_path, results_dir
from ..core.runtime import resolve_scale
from ..plots.lenses import layer_card
from . import slider_view, static_build

if TYPE_CHECKING:
    import ipywidgets


def stored_lenses_arrays(name: str = "lenses-lenet") -> Mapping[str, np.ndarray]:
    """The arrays of the result file of ``name`` at the current scale (``$SIGCNN_SCALE``) in the results folder.

    Raises
    ------
    ValueError
        When there is none yet: run the chapter's notebook (or ``sigcnn run NAME``) first.
    """
    path = result_path(results_dir(), name, resolve_scale(None))
    if not path.exists():
        raise ValueError(f"no {name} result at this scale yet: run `sigcnn run {name}` (or its notebook) first")
    return load_result(path).arrays


def layer_widget(arrays: Mapping[str, np.ndarray] | None = None) -> ipywidgets.VBox | None:
    """A slider over the layers; each move redraws :func:`~sigcnn.plots.lenses.layer_card`.

    ``arrays`` are a ``lenses-*`` result's arrays (default: :func:`stored_lenses_arrays`). Returns
    ``None`` in the static book build (the figure drawn before it shows layer 0).
    """
    if static_build():
        return None
    import ipywidgets as w  # optional: the book extra

    if arrays is None:
        arrays = stored_lenses_arrays()

    slider = w.IntSlider(
        value=0,
        min=0,
        max=len(arrays["layer_names"]) - 1,
        description="layer",
        continuous_update=False,
        style={"description_width": "initial"},
        layout=w.Layout(width="420px"),
    )
    shown = arrays
    return slider_view(lambda index: layer_card(shown, index), {"index": slider})
