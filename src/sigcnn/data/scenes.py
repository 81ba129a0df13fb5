"""MNIST with ten background scenes (Kuo 2016, Fig. 8), built offline from scikit-image photographs.

Kuo enlarges MNIST by putting the digits on ten background scenes. His scenes are not
published; we use ten photographs that ship with scikit-image (no download), cropped to a
square, reduced to 32x32 grey and scaled to ``[0, contrast * 255]``, so that the white digit
stays brighter than the scene where its strokes are.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import skimage.data
import torch
from skimage.color import rgb2gray
from skimage.transform import resize

from .transforms import pad_images

SCENE_NAMES = ("brick", "grass", "gravel", "camera", "coins", "moon", "text", "page", "coffee", "rocket")
"""The ten ``skimage.data`` photographs used as backgrounds (all ship with scikit-image)."""


def scene_backgrounds(size: int = 32, contrast: float = 0.6, names: Sequence[str] = SCENE_NAMES) -> np.ndarray:
    """The background scenes as uint8 images (B, size, size) in ``[0, contrast * 255]``.

    Each photograph is converted to grey, cropped to its central square, resized with
    anti-aliasing and stretched to the full range before scaling by ``contrast``.
    """
    if not 0.0 < contrast <= 1.0 or size < 4:
        raise ValueError(f"need 0 < contrast <= 1 and size >= 4, got contrast={contrast}, size={size}")
    out = []
    for name in names:
        img = np.asarray(getattr(skimage.data, name)(), dtype=np.float64)
        if img.ndim == 3:
            img = rgb2gray(img[..., :3] / 255.0)
        elif img.max() > 1.0:
            img = img / 255.0
        h, w = img.shape
        side = min(h, w)
        top, left = (h - side) // 2, (w - side) // 2
        small = resize(img[top : top + side, left : left + side], (size, size), anti_aliasing=True)
        small = (small - small.min()) / max(small.max() - small.min(), 1e-12)
        out.append(np.round(small * contrast * 255.0))
    return np.stack(out).astype(np.uint8)


def put_on_backgrounds(
    digits: torch.Tensor, backgrounds: np.ndarray, which: torch.Tensor | npt.ArrayLike
) -> torch.Tensor:
    """Composite white digits over backgrounds: ``u + (1 - u/255) s``, rounded to uint8.

    Parameters
    ----------
    digits
        uint8 digits (N, 28, 28) or (N, 32, 32); 28x28 ones are centred in a 32x32 frame first.
    backgrounds
        uint8 scenes (B, 32, 32).
    which
        Background index of each digit (N,); ``-1`` means a blank (black) background.
    """
    if digits.dtype != torch.uint8 or digits.ndim != 3:
        raise ValueError(f"digits must be uint8 (N, H, W), got {digits.dtype} {tuple(digits.shape)}")
    framed = pad_images(digits, 32) if digits.shape[-1] != 32 else digits
    scenes = torch.as_tensor(np.asarray(backgrounds))
    if scenes.ndim != 3 or scenes.shape[1:] != (32, 32):
        raise ValueError(f"backgrounds must have shape (B, 32, 32), got {tuple(scenes.shape)}")
    which = torch.as_tensor(np.asarray(which), dtype=torch.long)
    if which.shape != (framed.shape[0],) or which.min() < -1 or which.max() >= scenes.shape[0]:
        raise ValueError(f"which must hold one index in [-1, {scenes.shape[0] - 1}] per digit")
    padded = torch.cat([torch.zeros(1, 32, 32, dtype=torch.uint8), scenes])
    s = padded[which + 1].to(torch.float64)
    u = framed.to(torch.float64)
    return torch.round(u + (1.0 - u / 255.0) * s).clamp(0, 255).to(torch.uint8)


def mnist_with_scenes(
    digits: torch.Tensor, backgrounds: np.ndarray, generator: torch.Generator, include_blank: bool = True
) -> tuple[torch.Tensor, torch.Tensor]:
    """Each digit on a background drawn at random (blank included when ``include_blank``).

    Returns the composited uint8 images (N, 32, 32) and the background index of each (-1 = blank).
    """
    low = -1 if include_blank else 0
    which = torch.randint(low, len(backgrounds), (digits.shape[0],), generator=generator)
    return put_on_backgrounds(digits, backgrounds, which), which
