"""Square patches of images, flattened to vectors (the inputs x of a first-layer RECOS unit)."""

from __future__ import annotations

import numpy as np

from ._validate import Array, Int, accepts


@accepts(images=Array(ndim=(2, 3), what="images of shape (H, W) or (M, H, W)"), size=Int(), stride=Int())
def extract_patches(images, size: int, stride: int = 1) -> np.ndarray:
    """All ``size`` x ``size`` patches of one image (H, W) or a stack (M, H, W), as rows.

    Returns an array of shape ``(P, size * size)`` (row-major pixels, as in a conv weight).

    Raises
    ------
    ValueError
        If the images are not 2-D/3-D or are smaller than a patch, or ``size``/``stride`` < 1.
    """
    x = np.asarray(images)
    if x.ndim == 2:
        x = x[None]
    if x.ndim != 3:
        raise ValueError(f"images must have shape (H, W) or (M, H, W), got {np.shape(images)}")
    if size < 1 or stride < 1:
        raise ValueError(f"size and stride must be >= 1, got {size} and {stride}")
    if x.shape[1] < size or x.shape[2] < size:
        raise ValueError(f"images of {x.shape[1]}x{x.shape[2]} are smaller than a {size}x{size} patch")
    windows = np.lib.stride_tricks.sliding_window_view(x, (size, size), axis=(1, 2))[:, ::stride, ::stride]
    return windows.reshape(-1, size * size)
