"""Displacement fields and the deformation ``x ↦ x(u - τ(u))`` of images (Koushik §1.4, Eq. 4; Theorem 3, Eq. 13).

One generator serves both experiments of the scattering chapter: a translation is the constant
field (``shift_field``), a small deformation is a smooth random field scaled to a chosen
``sup |∇τ|`` (``smooth_displacement_field``). :func:`warp` applies either with bilinear
interpolation and zeros outside the image.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.ndimage import gaussian_filter, map_coordinates

from ._validate import Array, Int, IntPair, Real, accepts


def _field(field, shape=None) -> np.ndarray:
    field = np.asarray(field, dtype=np.float64)
    if field.ndim != 3 or field.shape[0] != 2:
        raise ValueError(f"field must have shape (2, H, W) (rows, columns displacement), got {field.shape}")
    if shape is not None and field.shape[1:] != tuple(shape):
        raise ValueError(f"field shape {field.shape[1:]} does not match image shape {tuple(shape)}")
    if not np.isfinite(field).all():
        raise ValueError("field has non-finite values")
    return field


@accepts(shape=IntPair(), shift=Array(ndim=1, what="a shift (rows, columns) in pixels"))
def shift_field(shape: tuple[int, int], shift: tuple[float, float]) -> np.ndarray:
    """The constant field τ(u) = ``shift`` (rows, columns): warping with it translates by ``shift`` pixels."""
    h, w = (int(s) for s in shape)
    if h < 1 or w < 1:
        raise ValueError(f"shape must be two positive integers, got {shape!r}")
    dy, dx = (float(s) for s in shift)
    return np.stack([np.full((h, w), dy), np.full((h, w), dx)])


@accepts(shape=IntPair(), max_gradient=Real(nonnegative=True), smoothness=Real(positive=True), seed=Int(min=0))
def smooth_displacement_field(
    shape: tuple[int, int], max_gradient: float, smoothness: float = 3.0, seed: int = 0
) -> np.ndarray:
    """A random smooth field τ with ``sup_u ‖∇τ(u)‖ = max_gradient`` (spectral norm of the 2×2 Jacobian).

    White Gaussian noise per component, low-passed by a Gaussian of ``smoothness`` pixels, then
    scaled. The same ``seed`` gives the same shape of field for every ``max_gradient``, so a
    sweep over ``max_gradient`` grows one deformation.
    """
    if not np.isfinite(max_gradient) or max_gradient < 0:
        raise ValueError(f"max_gradient must be a finite number >= 0, got {max_gradient!r}")
    if not np.isfinite(smoothness) or smoothness <= 0:
        raise ValueError(f"smoothness must be > 0 pixels, got {smoothness!r}")
    rng = np.random.default_rng(seed)
    h, w = (int(s) for s in shape)
    raw = np.stack([gaussian_filter(rng.standard_normal((h, w)), smoothness, mode="wrap") for _ in range(2)])
    grad = max_jacobian_norm(raw)
    return raw * (max_gradient / grad) if max_gradient > 0 else np.zeros_like(raw)


@accepts(field=Array(ndim=3, what="a displacement field (2, H, W)"))
def jacobian(field: npt.ArrayLike) -> np.ndarray:
    """∇τ at every pixel, shape (H, W, 2, 2): ``J[..., i, k] = ∂τ_i/∂u_k`` (central differences)."""
    field = _field(field)
    rows = np.stack(np.gradient(field[0]), axis=-1)  # ∂τ_0/∂u_0, ∂τ_0/∂u_1
    cols = np.stack(np.gradient(field[1]), axis=-1)
    return np.stack([rows, cols], axis=-2)


@accepts(field=Array(ndim=3, what="a displacement field (2, H, W)"))
def max_jacobian_norm(field: npt.ArrayLike) -> float:
    """``sup_u ‖∇τ(u)‖``: the largest spectral norm of the Jacobian over the image."""
    return float(np.linalg.norm(jacobian(field), ord=2, axis=(-2, -1)).max())


@accepts(field=Array(ndim=3, what="a displacement field (2, H, W)"))
def max_displacement(field: npt.ArrayLike) -> float:
    """``sup_u |τ(u)|`` in pixels (Euclidean length of the displacement)."""
    field = _field(field)
    return float(np.sqrt((field**2).sum(axis=0)).max())


@accepts(field=Array(ndim=3, what="a displacement field (2, H, W)"), J=Int(min=0))
def deformation_size(field: npt.ArrayLike, J: int) -> float:
    """Theorem 3's ``|g| = 2^{-J} sup|τ| + sup|∇τ|`` for the field τ and averaging scale ``2^J``."""
    if isinstance(J, bool) or int(J) != J or J < 0:
        raise ValueError(f"J must be an integer >= 0, got {J!r}")
    return 2.0 ** (-int(J)) * max_displacement(field) + max_jacobian_norm(field)


@accepts(
    image=Array(ndim=(2, 3), what="an image (H, W) or a stack of images (N, H, W)"),
    field=Array(ndim=3, what="a displacement field (2, H, W)"),
)
def warp(image: npt.ArrayLike, field: npt.ArrayLike) -> np.ndarray:
    """``x(u - τ(u))``: the image deformed by the field (bilinear, zeros outside).

    Accepts one image (H, W) or a stack (N, H, W) deformed by the same field. With the zero
    field it returns the image; with a constant integer field ``(dy, dx)`` it is the translation
    that moves content down by ``dy`` rows and right by ``dx`` columns.
    """
    image = np.asarray(image, dtype=np.float64)
    if image.ndim not in (2, 3):
        raise ValueError(f"image must have shape (H, W) or (N, H, W), got {image.shape}")
    if not np.isfinite(image).all():
        raise ValueError("image has non-finite values")
    field = _field(field, image.shape[-2:])
    h, w = image.shape[-2:]
    grid = np.mgrid[0:h, 0:w].astype(np.float64)
    coords = grid - field
    stack = image.reshape(-1, h, w)
    out = np.stack([map_coordinates(img, coords, order=1, mode="constant", cval=0.0) for img in stack])
    return out.reshape(image.shape)


@accepts(
    image=Array(ndim=(2, 3), what="an image (H, W) or a stack of images (N, H, W)"),
    shift=Array(ndim=1, what="a shift (rows, columns) in pixels"),
)
def translate(image: npt.ArrayLike, shift: tuple[int, int]) -> np.ndarray:
    """Translation by ``shift`` pixels with zeros entering: :func:`warp` with :func:`shift_field`."""
    image = np.asarray(image)
    return warp(image, shift_field(image.shape[-2:], shift))
