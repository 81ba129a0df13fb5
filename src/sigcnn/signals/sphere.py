"""Correlations on a sphere: Kuo (2016), Eqs. 1-10.

Pure array maths (NumPy, float64). An input ``x`` is a vector of length ``N`` or a stack of
``M`` of them (``M x N``); anchors are always a 2-D array ``K x N`` with one anchor vector per row.
"""

from __future__ import annotations

import numpy as np

from ._validate import Array, accepts

VECTORS = "a vector (N,) or a stack of vectors (M, N)"
ANCHORS = "a non-empty 2-D array (K, N) with one anchor vector per row"


def _as_inputs(x, name: str = "x") -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if x.ndim not in (1, 2) or x.shape[-1] == 0:
        raise ValueError(f"{name} must be a vector (N,) or a stack of vectors (M, N), got shape {x.shape}")
    return x


def _as_anchors(anchors, n: int | None = None, name: str = "anchors") -> np.ndarray:
    a = np.asarray(anchors, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] == 0 or a.shape[1] == 0:
        raise ValueError(
            f"{name} must be a non-empty 2-D array (K, N) with one anchor vector per row, got shape {a.shape}"
        )
    if n is not None and a.shape[1] != n:
        raise ValueError(f"{name} have length {a.shape[1]} but the inputs have length {n}")
    return a


@accepts(x=Array(ndim=(1, 2), what=VECTORS))
def unit_vectors(x) -> np.ndarray:
    """Scale each vector (the last axis) to unit length: the projection onto the sphere S of Eq. 1.

    Raises
    ------
    ValueError
        If a vector is zero (it has no direction).
    """
    x = _as_inputs(x)
    scale = np.max(np.abs(x), axis=-1, keepdims=True)  # divided out first: |x| of 1e200 * x would overflow
    if np.any(scale == 0):
        raise ValueError("a zero vector has no direction and cannot be put on the unit sphere")
    x = x / scale
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


@accepts(x=Array(ndim=(1, 2), what=VECTORS), anchors=Array(ndim=2, what=ANCHORS))
def correlations(x, anchors) -> np.ndarray:
    """Correlations ``a_k^T x`` of inputs with every anchor (Kuo, Eq. 4 before rectification).

    Returns shape ``(K,)`` for one input, ``(M, K)`` for a stack.
    """
    x = _as_inputs(x)
    a = _as_anchors(anchors, x.shape[-1])
    return x @ a.T


@accepts(values=Array())
def rectify(values) -> np.ndarray:
    """``Rec(v) = max(0, v)`` element-wise (Kuo, Eq. 4)."""
    return np.maximum(0.0, np.asarray(values, dtype=np.float64))


@accepts(x=Array(ndim=(1, 2), what=VECTORS), anchors=Array(ndim=2, what=ANCHORS))
def rectified_correlations(x, anchors) -> np.ndarray:
    """The RECOS output ``y_k = Rec(a_k^T x)`` (Kuo, Eqs. 3-4): a convolution followed by a ReLU."""
    return rectify(correlations(x, anchors))


@accepts(x=Array(ndim=(1, 2), what=VECTORS), anchors=Array(ndim=2, what=ANCHORS))
def geodesic_distance(x, anchors) -> np.ndarray:
    """Angle between each input and each anchor after both are put on the unit sphere (Eq. 2).

    ``arccos(u^T v)`` for unit vectors ``u, v``; where ``|u^T v| > 0.999`` (angles near 0 or pi,
    where arccos loses accuracy) it is recomputed as ``2 atan2(|u - v|, |u + v|)``, which is exact
    to rounding there (for ``v = -u`` it is exactly pi). Returns radians, shape ``(K,)`` or ``(M, K)``.
    """
    u = unit_vectors(x)
    v = unit_vectors(_as_anchors(anchors, u.shape[-1]))
    cos = np.clip(u @ v.T, -1.0, 1.0)
    theta = np.arccos(cos)
    near = np.abs(cos) > 0.999
    if np.any(near):
        u2 = u.reshape(-1, u.shape[-1])
        t2 = theta.reshape(u2.shape[0], -1)
        rows, cols = np.nonzero(near.reshape(t2.shape))
        diff = np.linalg.norm(u2[rows] - v[cols], axis=1)
        summ = np.linalg.norm(u2[rows] + v[cols], axis=1)
        t2[rows, cols] = 2.0 * np.arctan2(diff, summ)
        theta = t2.reshape(theta.shape)
    return theta


@accepts(x=Array(ndim=(1, 2), what=VECTORS))
def mean_removed(x) -> np.ndarray:
    """``x - mu 1`` with ``mu`` the mean of each vector: the centre of the translated sphere (Eq. 5)."""
    x = _as_inputs(x)
    return x - x.mean(axis=-1, keepdims=True)


@accepts(u=Array(min_ndim=1), v=Array(min_ndim=1))
def mean_removed_correlation(u, v) -> float:
    """Normalised correlation of two images (any equal shape) after removing each one's mean (Fig. 4)."""
    u = np.asarray(u, dtype=np.float64).ravel()
    v = np.asarray(v, dtype=np.float64).ravel()
    if u.shape != v.shape or u.size < 2:
        raise ValueError(f"images must have the same number of pixels (at least 2), got {u.size} and {v.size}")
    cu, cv = mean_removed(u), mean_removed(v)
    return float(unit_vectors(cu) @ unit_vectors(cv))


@accepts(x=Array(ndim=(1, 2), what=VECTORS), anchors=Array(ndim=2, what=ANCHORS))
def translated_sphere_responses(x, anchors) -> np.ndarray:
    """Rectified correlations of ``x - mu 1`` with the anchors, written as in Eq. 6.

    ``y_k = Rec(a_k^T x + mu a_{k,0})`` with ``a_{k,0} = -sum_n a_{k,n}``: the patch mean is
    not removed from the input but enters through one extra anchor weight.
    """
    x = _as_inputs(x)
    a = _as_anchors(anchors, x.shape[-1])
    mu = x.mean(axis=-1)
    a0 = -a.sum(axis=1)
    return rectify(x @ a.T + np.multiply.outer(mu, a0))


@accepts(x=Array(ndim=(1, 2), what=VECTORS))
def augment_inputs(x) -> np.ndarray:
    """``x' = (mu, x_1, ..., x_N)``: the input with its mean prepended (Eq. 7)."""
    x = _as_inputs(x)
    return np.concatenate([x.mean(axis=-1, keepdims=True), x], axis=-1)


@accepts(anchors=Array(ndim=2, what=ANCHORS))
def augment_anchors(anchors) -> np.ndarray:
    """``a'_k = (a_{k,0}, a_{k,1}, ..., a_{k,N})`` with ``a_{k,0} = -sum_n a_{k,n}`` (Eq. 7)."""
    a = _as_anchors(anchors)
    return np.concatenate([-a.sum(axis=1, keepdims=True), a], axis=1)


@accepts(x=Array(ndim=(1, 2), what=VECTORS), anchors=Array(ndim=2, what=ANCHORS))
def augmented_responses(x, anchors) -> np.ndarray:
    """Eq. 8: ``y_k = Rec(a'_k^T x')`` with the augmented vectors of Eq. 7 (equals Eq. 6)."""
    x = _as_inputs(x)
    a = _as_anchors(anchors, x.shape[-1])
    return rectified_correlations(augment_inputs(x), augment_anchors(a))


@accepts(x_aug=Array(ndim=(1, 2), what=VECTORS), anchors_aug=Array(ndim=2, what=ANCHORS))
def scaled_responses(x_aug, anchors_aug) -> np.ndarray:
    """Eq. 10: rectified correlation of vectors of any length, as lengths times a unit-sphere term.

    ``Rec(a''^T x'') = |x''| |a''| Rec(a'^T x')`` with ``x' = x''/|x''|`` and ``a' = a''/|a''|``
    (Eq. 9). Kuo prints the right-hand side with the primes of ``x''``, ``a''`` inside Rec; the
    identity holds with the unit vectors there, as written here.
    """
    x = _as_inputs(x_aug, "x_aug")
    a = _as_anchors(anchors_aug, x.shape[-1], "anchors_aug")
    lengths = np.multiply.outer(np.linalg.norm(x, axis=-1), np.linalg.norm(a, axis=1))
    return lengths * rectified_correlations(unit_vectors(x), unit_vectors(a))
