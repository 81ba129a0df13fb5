"""Pixel scalings shared by the image experiments."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def _check_uint8_images(images: torch.Tensor) -> None:
    if images.dtype != torch.uint8 or images.ndim not in (3, 4):
        raise ValueError(
            f"expected uint8 images of shape (N, H, W) or (N, C, H, W), got {images.dtype} {tuple(images.shape)}"
        )


def pad_images(images: torch.Tensor, size: int = 32) -> torch.Tensor:
    """Centre uint8 images (N x H x W or N x C x H x W) in a black ``size`` x ``size`` frame
    (MNIST 28 -> LeNet-5 32)."""
    _check_uint8_images(images)
    h, w = images.shape[-2:]
    if h > size or w > size:
        raise ValueError(f"images of {h}x{w} do not fit a {size}x{size} frame")
    top, left = (size - h) // 2, (size - w) // 2
    return F.pad(images, (left, size - w - left, top, size - h - top), value=0)


def to_symmetric(images: torch.Tensor, pad_to: int | None = 32) -> torch.Tensor:
    """Map uint8 images to float32 in [-1, 1] as ``(2u - 255) / 255``: grey images N x H x W give
    N x 1 x H' x W', colour images N x C x H x W give N x C x H' x W'.

    With this scaling grey-scale reversal ``u -> 255 - u`` is *exactly* negation in float32:
    the numerator ``2u - 255`` is an exact integer and IEEE division is sign-symmetric.
    Images are first framed by :func:`pad_images` to ``pad_to`` pixels; the framed image is
    the image, so reversing it reverses the frame too (``-to_symmetric(u)``).
    """
    _check_uint8_images(images)
    if pad_to is not None:
        images = pad_images(images, pad_to)
    x = (images.unsqueeze(1) if images.ndim == 3 else images).to(torch.float32)
    return (2.0 * x - 255.0) / 255.0


def reverse_greyscale(images: torch.Tensor) -> torch.Tensor:
    """Grey-scale reversal ``255 - u`` of uint8 images (Kuo, Fig. 5)."""
    if images.dtype != torch.uint8:
        raise ValueError(f"expected uint8 images, got {images.dtype}")
    return 255 - images
