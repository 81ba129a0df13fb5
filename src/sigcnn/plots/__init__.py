"""Figures from results: each names the paper figure it reproduces. No computation happens here."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

STYLE = Path(__file__).with_name("book.mplstyle")


def use_book_style() -> None:
    """Apply the book's matplotlib style (colour-blind-safe palette, labelled axes).

    In a notebook, figures are also sent as SVG beside the PNG the page shows, so the book
    build can save every figure in both formats for slides (``_build/figures/``).
    """
    plt.style.use(str(STYLE))
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:
        return
    if get_ipython() is not None:
        set_matplotlib_formats("png", "svg")


def _bare(ax) -> None:
    """An image axis: no ticks, grid or spines (labels still show)."""
    ax.set_xticks([]), ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
