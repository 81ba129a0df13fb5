"""Anchor geometry of a trained network (Kuo 2016, sections 2-3).

Filters as unit anchor vectors, k-means centroids of patches and their matching on angle
(Coates et al. 2011, cited by Kuo), and the compound anchors ``C = A B`` of the C1 -> C3
cascade of LeNet-5 in pixel space (Eqs. 11-23).
"""

from __future__ import annotations

from typing import TypedDict

import numpy as np
import numpy.typing as npt
import torch
import torch.nn.functional as F
from scipy.optimize import linear_sum_assignment

from ..models.lenet import LeNet5
from ..signals._validate import Array, Choice, Int, Real, accepts
from ..signals.patches import extract_patches
from ..signals.sphere import (
    augment_anchors,
    augment_inputs,
    augmented_responses,
    geodesic_distance,
    mean_removed,
    rectified_correlations,
    scaled_responses,
    translated_sphere_responses,
    unit_vectors,
)

POOLINGS = ("average", "subsample")
"""Linear stand-ins for LeNet-5's 2x2 max pooling in the cascade analysis: ``"average"`` (2x2 mean,
14x14 receptive field) or ``"subsample"`` (keep every second C1 output, Kuo's 13x13 field)."""


def _weights(weight) -> np.ndarray:
    if isinstance(weight, torch.Tensor):
        weight = weight.detach().cpu().numpy()
    return np.asarray(weight, dtype=np.float64)


@accepts(weight=Array(ndim=(2, 4), what="a conv weight (K, C, h, w) or anchors (K, N)"))
def unit_anchors(weight: npt.ArrayLike | torch.Tensor) -> np.ndarray:
    """Filters as unit anchor vectors, one per row: a conv weight (K, C, h, w) or a matrix (K, N)."""
    w = _weights(weight)
    if w.ndim not in (2, 4):
        raise ValueError(f"expected a conv weight (K, C, h, w) or anchors (K, N), got shape {w.shape}")
    return unit_vectors(w.reshape(w.shape[0], -1))


@accepts(vectors=Array(ndim=2), k=Int(), seed=Int(min=0), n_init=Int())
def spherical_kmeans(vectors: npt.ArrayLike, k: int, seed: int = 0, n_init: int = 4) -> np.ndarray:
    """``k`` centroids of unit vectors, themselves on the unit sphere (K, N).

    K-means (scikit-learn, ``random_state=seed``) on the unit-normalised rows; for unit vectors
    the Euclidean distance is a monotone function of the angle, so the clusters are angular.
    """
    from sklearn.cluster import KMeans

    u = unit_vectors(vectors)
    if u.ndim != 2 or u.shape[0] < k or k < 1:
        raise ValueError(f"need a 2-D array with at least k={k} rows, got shape {np.shape(vectors)}")
    km = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(u)
    return unit_vectors(km.cluster_centers_)


@accepts(
    anchors=Array(ndim=(2, 4), what="a conv weight (K, C, h, w) or anchors (K, N)"),
    centroids=Array(ndim=(2, 4), what="a conv weight (K, C, h, w) or anchors (K, N)"),
)
def match_on_angle(
    anchors: npt.ArrayLike | torch.Tensor, centroids: npt.ArrayLike
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hungarian assignment of anchors to centroids minimising the total angle.

    Returns ``(anchor_index, centroid_index, angle)`` arrays, angles in radians, one row per
    anchor (needs at least as many centroids as anchors).
    """
    a = unit_anchors(anchors)
    c = unit_anchors(centroids)
    if c.shape[0] < a.shape[0]:
        raise ValueError(f"{a.shape[0]} anchors but only {c.shape[0]} centroids to match them with")
    angles = geodesic_distance(a, c)
    rows, cols = linear_sum_assignment(angles)
    return rows, cols, angles[rows, cols]


@accepts(
    anchors=Array(ndim=(2, 4), what="a conv weight (K, C, h, w) or anchors (K, N)"),
    centroids=Array(ndim=(2, 4), what="a conv weight (K, C, h, w) or anchors (K, N)"),
)
def nearest_angle(anchors: npt.ArrayLike | torch.Tensor, centroids: npt.ArrayLike) -> np.ndarray:
    """Angle (radians) from each anchor to its nearest centroid, no one-to-one constraint."""
    return geodesic_distance(unit_anchors(anchors), unit_anchors(centroids)).min(axis=1)


class TranslatedSphereCheck(TypedDict):
    """What :func:`translated_sphere_check` returns."""

    eq6_vs_direct_max_abs_diff: float
    eq6_vs_eq8_max_abs_diff: float
    eq6_vs_eq10_max_abs_diff: float
    translated_sphere_max_abs_diff: float
    translated_sphere_identity_holds: bool
    response_scale: float


@accepts(
    patches=Array(ndim=2, what="patches (M, N), one per row"),
    anchors=Array(ndim=2, what="anchors (K, N), one per row"),
)
def translated_sphere_check(patches: npt.ArrayLike, anchors: npt.ArrayLike) -> TranslatedSphereCheck:
    """Kuo's Eqs. 6, 8 and 10 against each other and against ``Rec(a^T (x - mu 1))`` on ``patches`` (M, N).

    Returns ``eq6_vs_{direct,eq8,eq10}_max_abs_diff``, their maximum ``translated_sphere_max_abs_diff``,
    ``translated_sphere_identity_holds`` (below 1e-12) and ``response_scale`` (largest Eq. 6 response).
    """
    eq6 = translated_sphere_responses(patches, anchors)
    direct, eq8, eq10 = (
        float(np.abs(eq6 - other).max())
        for other in (
            rectified_correlations(mean_removed(patches), anchors),
            augmented_responses(patches, anchors),
            scaled_responses(augment_inputs(patches), augment_anchors(anchors)),
        )
    )
    largest = max(direct, eq8, eq10)
    return TranslatedSphereCheck(
        eq6_vs_direct_max_abs_diff=direct,
        eq6_vs_eq8_max_abs_diff=eq8,
        eq6_vs_eq10_max_abs_diff=eq10,
        translated_sphere_max_abs_diff=largest,
        translated_sphere_identity_holds=bool(largest < 1e-12),
        response_scale=float(np.abs(eq6).max()),
    )


@accepts(
    images=Array(ndim=(2, 3), what="images (M, H, W) or one image (H, W)"),
    n=Int(),
    min_std=Real(),
    seed=Int(min=0),
)
def sample_patches(images: np.ndarray, n: int, min_std: float, seed: int) -> np.ndarray:
    """``n`` random 5x5 patches (rows of 25) of images (M, H, W) whose pixel std exceeds ``min_std``
    (plain background patches are all alike and would form a cluster of their own)."""
    patches = extract_patches(images, 5)
    patches = patches[patches.std(axis=1) > min_std]
    take = np.random.default_rng(seed).choice(patches.shape[0], size=min(n, patches.shape[0]), replace=False)
    return patches[take].astype(np.float64)


@accepts(
    anchors=Array(ndim=(2, 4), what="a conv weight (K, C, h, w) or anchors (K, N)"),
    centroids=Array(ndim=(2, 4), what="a conv weight (K, C, h, w) or anchors (K, N)"),
)
def mean_matched_angle_deg(anchors: npt.ArrayLike | torch.Tensor, centroids: npt.ArrayLike) -> float:
    """Mean angle (degrees) of the Hungarian matching of ``anchors`` to ``centroids``."""
    return float(np.degrees(match_on_angle(anchors, centroids)[2].mean()))


@accepts(vectors=Array(min_ndim=2, what="rows (M, N) or conv filters (K, C, h, w)"))
def remove_dc(vectors: npt.ArrayLike | torch.Tensor) -> np.ndarray:
    """Rows (or conv filters, flattened) minus their own mean: the component orthogonal to ``1``."""
    v = _weights(vectors)
    v = v.reshape(v.shape[0], -1)
    return v - v.mean(axis=1, keepdims=True)


@accepts(reference=Array(ndim=(2, 4), what="a conv weight (K, C, h, w) or anchors (K, N)"))
def dc_matched_directions(reference: npt.ArrayLike | torch.Tensor, rng: np.random.Generator) -> np.ndarray:
    """Random unit directions with the same DC component as each row of ``reference``.

    Row ``k`` is ``d_k e + sqrt(1 - d_k^2) u_k`` with ``e = 1/sqrt(N)`` the unit constant vector,
    ``d_k = e^T r_k`` the DC cosine of the unit reference row and ``u_k`` a random unit vector
    orthogonal to ``e`` (isotropic in that subspace): the yardstick for a set of directions
    that share their DC content with ``reference`` but are otherwise random.
    """
    r = unit_anchors(reference)
    n = r.shape[1]
    e = np.ones(n) / np.sqrt(n)
    d = r @ e
    u = unit_vectors(remove_dc(rng.standard_normal(r.shape)))
    return d[:, None] * e + np.sqrt(np.clip(1.0 - d**2, 0.0, None))[:, None] * u


@accepts(
    patches=Array(ndim=2, what="patches (M, N), one per row"),
    anchors=Array(ndim=(2, 4), what="a conv weight (K, C, h, w) or anchors (K, N)"),
)
def variance_split(patches: npt.ArrayLike, anchors: npt.ArrayLike | torch.Tensor) -> dict[str, float]:
    """Shares of the variance of ``a^T x`` over patches, averaged over anchors; they add up to 1.

    ``a^T x = a^T (x - mu 1) + mu sum(a)`` (Kuo Eq. 6 before rectification), so
    ``var(a^T x) = var(a^T (x - mu 1)) + var(mu sum a) + 2 cov(...)``: the returned
    ``zero_mean_part``, ``local_mean_part`` and ``cross_term`` are these three terms divided
    by ``var(a^T x)``, per anchor, then averaged.
    """
    x = np.asarray(patches, dtype=np.float64)
    a = _weights(anchors).reshape(_weights(anchors).shape[0], -1)
    if x.ndim != 2 or x.shape[1] != a.shape[1]:
        raise ValueError(f"patches must be (M, {a.shape[1]}), got shape {x.shape}")
    total = x @ a.T
    mean_part = x.mean(axis=1, keepdims=True) * a.sum(axis=1)
    zero_mean = total - mean_part
    var = total.var(axis=0)
    cov = ((zero_mean - zero_mean.mean(0)) * (mean_part - mean_part.mean(0))).mean(axis=0)
    return {
        "zero_mean_part": float(np.mean(zero_mean.var(axis=0) / var)),
        "local_mean_part": float(np.mean(mean_part.var(axis=0) / var)),
        "cross_term": float(np.mean(2 * cov / var)),
    }


@accepts(kernel=Int(), pool=Int())
def c3_field_on_c1(kernel: int = 5, pool: int = 2) -> int:
    """Side of the block of C1 outputs that one C3 unit reads: ``(kernel - 1) * pool + pool`` (10 for LeNet-5).

    A C3 unit at (i, j) reads pooled positions i..i+kernel-1, i.e. C1 rows ``pool*i`` to
    ``pool*(i + kernel) - 1``. (Its field in *pixels* is 4 larger: 14x14.)
    """
    return (kernel - 1) * pool + pool


@accepts(c1_mask=Array(ndim=4, kind="torch", what="a 0/1 mask (M, K, H, W) of C1 outputs"), kernel=Int(), pool=Int())
def count_in_c3_fields(c1_mask: torch.Tensor, kernel: int = 5, pool: int = 2) -> torch.Tensor:
    """For each C3 unit, how many entries of ``c1_mask`` (M, K, 28, 28; 0/1) lie in the C1 block it reads.

    Returns (M, 1, 10, 10) counts (all K channels together) for LeNet-5.
    """
    side = c3_field_on_c1(kernel, pool)
    m = c1_mask.to(torch.float64)
    return F.conv2d(m, torch.ones(1, m.shape[1], side, side, dtype=torch.float64), stride=pool)


@accepts(b=Array(ndim=4, kind="torch"), pooling=Choice(POOLINGS))
def pooling_spread(b: torch.Tensor, pooling: str) -> torch.Tensor:
    """Map second-layer weights on the pooled grid back to the first layer's output grid.

    ``b`` is a C3 weight (L, K, h, w). ``"average"``: each weight is spread as ``b/4`` over its
    2x2 pooling window (2h x 2w). ``"subsample"``: each weight sits on every second position
    (2h-1 x 2w-1), the dilation that gives Kuo's 13x13 receptive field.
    """
    if pooling not in POOLINGS:
        raise ValueError(f"unknown pooling {pooling!r}: choose one of {', '.join(POOLINGS)}")
    if b.ndim != 4:
        raise ValueError(f"expected a conv weight (L, K, h, w), got shape {tuple(b.shape)}")
    if pooling == "average":
        return b.repeat_interleave(2, dim=2).repeat_interleave(2, dim=3) / 4.0
    L, K, h, w = b.shape
    out = b.new_zeros(L, K, 2 * h - 1, 2 * w - 1)
    out[:, :, ::2, ::2] = b
    return out


@accepts(c1_weight=Array(ndim=4), c3_weight=Array(ndim=4), pooling=Choice(POOLINGS))
def compound_anchors(
    c1_weight: npt.ArrayLike | torch.Tensor, c3_weight: npt.ArrayLike | torch.Tensor, pooling: str = "average"
) -> np.ndarray:
    """Compound anchors ``C = A B`` of the C1 -> C3 cascade in pixel space (Eqs. 12, 21).

    Parameters
    ----------
    c1_weight
        First-layer anchors ``A``: conv weight (K, 1, 5, 5).
    c3_weight
        Second-layer anchors ``B``: conv weight (L, K, 5, 5).
    pooling
        Linear stand-in for S2 (see :data:`POOLINGS`).

    Returns
    -------
    ndarray (L, R, R)
        One pixel-space anchor per C3 channel; ``R = 14`` for ``"average"``, 13 for ``"subsample"``.
        ``conv2d(x, C, stride=2)`` equals C3(pool(C1(x))) without rectification and biases.
    """
    a = torch.as_tensor(_weights(c1_weight))
    b = torch.as_tensor(_weights(c3_weight))
    if a.ndim != 4 or a.shape[1] != 1:
        raise ValueError(f"c1_weight must have shape (K, 1, h, w), got {tuple(a.shape)}")
    if b.ndim != 4 or b.shape[1] != a.shape[0]:
        raise ValueError(f"c3_weight must have shape (L, {a.shape[0]}, h, w), got {tuple(b.shape)}")
    spread = pooling_spread(b, pooling)
    return F.conv_transpose2d(spread, a)[:, 0].numpy()


@accepts(c1_bias=Array(ndim=1), c3_weight=Array(ndim=4), c3_bias=Array(ndim=1))
def compound_bias(
    c1_bias: npt.ArrayLike | torch.Tensor,
    c3_weight: npt.ArrayLike | torch.Tensor,
    c3_bias: npt.ArrayLike | torch.Tensor,
) -> np.ndarray:
    """Offset of the linear cascade: ``c0_l = b3_l + sum_{k,i,j} B[l,k,i,j] b1_k`` (any pooling above)."""
    b1, w3, b3 = _weights(c1_bias), _weights(c3_weight), _weights(c3_bias)
    if w3.ndim != 4 or b1.shape != (w3.shape[1],) or b3.shape != (w3.shape[0],):
        raise ValueError("need c1_bias (K,), c3_weight (L, K, h, w) and c3_bias (L,)")
    return b3 + np.einsum("lkij,k->l", w3, b1)


@accepts(c1_weight=Array(ndim=4), pooling=Choice(POOLINGS))
def first_layer_matrix(c1_weight: npt.ArrayLike | torch.Tensor, pooling: str = "average") -> np.ndarray:
    """The matrix ``A`` of the many-to-one cascade (Eqs. 18-19) in pixel space, pooling included.

    Row ``n`` is the anchor-position vector ``alpha_n`` (Eq. 15): how pixel ``n`` of the R x R
    receptive field feeds every first-layer response ``y_{p,k}`` that the C3 unit reads
    (P positions x K channels). Shape ``(R*R, P*K)``; with :func:`second_layer_matrix`,
    ``first_layer_matrix @ second_layer_matrix`` equals :func:`compound_anchors`, flattened.
    """
    a = torch.as_tensor(_weights(c1_weight))
    if a.ndim != 4 or a.shape[1] != 1:
        raise ValueError(f"c1_weight must have shape (K, 1, h, w), got {tuple(a.shape)}")
    K, _, h, _ = a.shape
    side = 5 * 2 + h - 1 if pooling == "average" else 4 * 2 + h
    if pooling not in POOLINGS:
        raise ValueError(f"unknown pooling {pooling!r}: choose one of {', '.join(POOLINGS)}")
    eye = torch.eye(side * side, dtype=a.dtype).reshape(side * side, 1, side, side)
    y = F.conv2d(eye, a)  # pixel n -> C1 correlations
    y = F.avg_pool2d(y, 2) if pooling == "average" else y[:, :, ::2, ::2]
    return y.permute(0, 2, 3, 1).reshape(side * side, -1).numpy()  # columns: (position, channel)


@accepts(c3_weight=Array(ndim=4))
def second_layer_matrix(c3_weight: npt.ArrayLike | torch.Tensor) -> np.ndarray:
    """The matrix ``B`` (P*K, L) of Eq. 20: C3 weights with rows ordered (position, channel)."""
    b = _weights(c3_weight)
    if b.ndim != 4:
        raise ValueError(f"expected a conv weight (L, K, h, w), got shape {b.shape}")
    return b.transpose(2, 3, 1, 0).reshape(-1, b.shape[0])


@torch.no_grad()
@accepts(x=Array(ndim=4, kind="torch"), pooling=Choice(POOLINGS))
def cascade_responses(model: LeNet5, x: torch.Tensor, pooling: str = "average") -> dict:
    """The three second-layer outputs of Kuo's section 3 for a LeNet-5 and images ``x`` (M, 1, 32, 32).

    - ``z``: linear cascade ``C^T x + c0`` (both rectifications removed, pooling linear; Eq. 12),
    - ``z_rect``: rectified compound anchors ``C'^T x + c0`` (Eqs. 16-17, Kuo's ``z'``),
    - ``z_real_pre`` / ``z_real``: the trained network's C3 output before / after its ReLU
      (Kuo's ``z''``; the real network rectifies both layers and uses max pooling).

    All have shape (M, L, 10, 10), float64.
    """
    b1, b3 = model.c1.bias, model.c3.bias
    if b1 is None or b3 is None:
        raise ValueError("cascade_responses needs a LeNet-5 whose C1 and C3 have biases")
    x64 = x.detach().to(torch.float64).cpu()
    c = torch.as_tensor(compound_anchors(model.c1.weight, model.c3.weight, pooling)).unsqueeze(1)
    c0 = torch.as_tensor(compound_bias(b1, model.c3.weight, b3))
    z = F.conv2d(x64, c, stride=2) + c0[None, :, None, None]
    z_rect = F.conv2d(x64, c.clamp(min=0), stride=2) + c0[None, :, None, None]
    net = {
        k: v.detach().to(torch.float64).cpu()
        for k, v in (("w1", model.c1.weight), ("b1", b1), ("w3", model.c3.weight), ("b3", b3))
    }
    y = F.max_pool2d(F.relu(F.conv2d(x64, net["w1"], net["b1"])), 2)
    pre = F.conv2d(y, net["w3"], net["b3"])
    return {"z": z.numpy(), "z_rect": z_rect.numpy(), "z_real_pre": pre.numpy(), "z_real": F.relu(pre).numpy()}


@accepts(real=Array(ndim=4, what="correlations (images, channels, H, W)"), quantile=Real(nonnegative=True))
def strong_mask(real: np.ndarray, quantile: float) -> np.ndarray:
    """Units (image, channel, position) whose real correlation is positive and in the top
    ``1 - quantile`` of its channel over all images and positions."""
    thresholds = np.quantile(real, quantile, axis=(0, 2, 3), keepdims=True)
    return (real >= thresholds) & (real > 0)


@accepts(model_values=Array(), real=Array())
def agreement(model_values: np.ndarray, real: np.ndarray) -> tuple[float, float]:
    """Pearson correlation and relative RMS error ``|m - r| / |r|`` of two sets of values."""
    m, r = model_values.ravel(), real.ravel()
    corr = float(np.corrcoef(m, r)[0, 1]) if m.size > 1 and m.std() > 0 and r.std() > 0 else float("nan")
    return corr, float(np.linalg.norm(m - r) / max(float(np.linalg.norm(r)), 1e-300))
