"""Kuo (2016), section 2 (Eqs. 5-10 and the k-means remark): anchor vectors as cluster centroids.

The six C1 filters of a trained LeNet-5, as unit anchor vectors, are matched (Hungarian
assignment on angle) to the k-means centroids of unit-normalised 5x5 patches of the same
training images (Coates et al. 2011). Random directions and the untrained filters are the
yardsticks. On the same real patches, the translated-sphere forms of Eqs. 6, 8 and 10 are
checked against each other, and the trained C1 bias is set beside the paper's ``mu a_{k,0}``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data import IMAGE_DATASETS
from ..probes.anchors import match_on_angle, nearest_angle, spherical_kmeans, unit_anchors
from ..provenance import Stopwatch, make_provenance
from ..results import Result
from ..runtime import resolve_device
from ..signals.patches import extract_patches
from ..signals.sphere import (augmented_responses, mean_removed, rectified_correlations, scaled_responses,
                              augment_anchors, augment_inputs, translated_sphere_responses)
from ..training import accuracy
from ._recos_common import LeNetConfig, build_config, cache_note, lenet_scales, load_data, trained_lenet, training_spec

NAME = "recos-anchors"
ORDER = 12
TITLE = "Anchor vectors vs k-means centroids; translated sphere (LeNet-5 C1)"
PAPER = "kuo2016recos"
REPRODUCES = "Kuo (2016) §2, Eqs. 5-10 and the k-means observation of Coates et al. (2011)"
DATASETS = IMAGE_DATASETS

REPORT_ROWS = [
    {"reproduces": "Kuo §2 (k-means remark)", "quantity": "C1 anchors vs k-means centroids: mean matched angle (deg)",
     "paper": "anchors ≈ centroids (no number)", "metric": "matched_angle_mean_deg", "format": "number"},
    {"reproduces": "Kuo §2 (k-means remark)", "quantity": "same, 6 random directions (mean over draws, deg)",
     "paper": "no number", "metric": "random_matched_angle_mean_deg", "format": "number"},
    {"reproduces": "Kuo Eqs. 6, 8, 10", "quantity": "Eqs. 6, 8 and 10 agree on real patches (max abs diff < 1e-12)",
     "paper": "identity", "metric": "translated_sphere_identity_holds"},
]


@dataclass(frozen=True)
class Config(LeNetConfig):
    """Settings of one run; :func:`make_config` gives the ones of each scale."""

    n_patches: int = 20000
    min_patch_std: float = 0.1
    n_centroids_large: int = 64
    kmeans_init: int = 4
    random_draws: int = 500


_SCALES = lenet_scales(
    ci=dict(n_patches=20000, kmeans_init=4),
    laptop=dict(n_patches=100000, kmeans_init=8),
    full=dict(n_patches=400000, kmeans_init=10),
)


def make_config(scale: str | None = None, **overrides) -> Config:
    """The configuration of a scale profile, with optional overrides (``seed=1``, ``dataset=...``)."""
    return build_config(Config, _SCALES, NAME, DATASETS, scale, overrides)


def sample_patches(images: np.ndarray, n: int, min_std: float, seed: int) -> np.ndarray:
    """``n`` random 5x5 patches (rows of 25) of images (M, 32, 32) whose pixel std exceeds ``min_std``
    (plain background patches are all alike and would form a cluster of their own)."""
    patches = extract_patches(images, 5)
    patches = patches[patches.std(axis=1) > min_std]
    rng = np.random.default_rng(seed)
    take = rng.choice(patches.shape[0], size=min(n, patches.shape[0]), replace=False)
    return patches[take].astype(np.float64)


def run(config: Config, progress: bool = False) -> Result:
    """Run the experiment and return its :class:`~sigcnn.results.Result`."""
    device = resolve_device(config.device)
    with Stopwatch() as clock:
        spec = training_spec(config)
        data = load_data(spec)
        model, info = trained_lenet(spec, data, device, progress)
        metrics: dict = {"train_images": int(data["x_train"].shape[0]),
                         "test_images": int(data["x_test"].shape[0]),
                         "test_accuracy": accuracy(model, data["x_test"].to(device), data["y_test"].to(device))}
        w = model.c1.weight.detach().cpu().numpy().astype(np.float64)   # (6, 1, 5, 5)
        bias = model.c1.bias.detach().cpu().numpy().astype(np.float64)
        k = w.shape[0]

        patches = sample_patches(data["x_train"][:, 0].numpy(), config.n_patches, config.min_patch_std, config.seed)
        metrics["patches"] = int(patches.shape[0])
        centroids = spherical_kmeans(patches, k, seed=config.seed, n_init=config.kmeans_init)
        rows, cols, angles = match_on_angle(w, centroids)
        metrics["matched_angle_mean_deg"] = float(np.degrees(angles.mean()))
        metrics["matched_angle_max_deg"] = float(np.degrees(angles.max()))
        _, _, init_angles = match_on_angle(info["init_c1"], centroids)
        metrics["init_matched_angle_mean_deg"] = float(np.degrees(init_angles.mean()))
        rng = np.random.default_rng(config.seed + 1)
        random_means = np.array([np.degrees(match_on_angle(rng.standard_normal((k, 25)), centroids)[2].mean())
                                 for _ in range(config.random_draws)])
        metrics["random_matched_angle_mean_deg"] = float(random_means.mean())
        metrics["random_matched_angle_p05_deg"] = float(np.percentile(random_means, 5))
        metrics["fraction_random_closer"] = float((random_means <= metrics["matched_angle_mean_deg"]).mean())
        large = spherical_kmeans(patches, config.n_centroids_large, seed=config.seed, n_init=1)
        metrics["centroids_large"] = int(large.shape[0])
        metrics["nearest_of_large_angle_mean_deg"] = float(np.degrees(nearest_angle(w, large).mean()))
        metrics["init_nearest_of_large_angle_mean_deg"] = float(np.degrees(nearest_angle(info["init_c1"], large).mean()))
        # Same test with the sign flipped: RECOS says the polarity of an anchor matters.
        _, _, neg_angles = match_on_angle(-w, centroids)
        metrics["negated_matched_angle_mean_deg"] = float(np.degrees(neg_angles.mean()))

        # Translated sphere, Eqs. 5-10, on the real patches with the trained anchors.
        a = w.reshape(k, -1)
        direct = rectified_correlations(mean_removed(patches), a)        # Rec(a^T (x - mu 1))
        eq6 = translated_sphere_responses(patches, a)
        eq8 = augmented_responses(patches, a)
        eq10 = scaled_responses(augment_inputs(patches), augment_anchors(a))
        metrics["eq6_vs_direct_max_abs_diff"] = float(np.abs(eq6 - direct).max())
        metrics["eq6_vs_eq8_max_abs_diff"] = float(np.abs(eq6 - eq8).max())
        metrics["eq6_vs_eq10_max_abs_diff"] = float(np.abs(eq6 - eq10).max())
        metrics["translated_sphere_max_abs_diff"] = max(metrics["eq6_vs_eq8_max_abs_diff"],
                                                        metrics["eq6_vs_eq10_max_abs_diff"],
                                                        metrics["eq6_vs_direct_max_abs_diff"])
        metrics["translated_sphere_identity_holds"] = bool(metrics["translated_sphere_max_abs_diff"] < 1e-12)
        metrics["response_scale"] = float(np.abs(eq6).max())
        # The trained unit computes Rec(a^T x + b) = Rec(a^T (x - mu 1) + mu sum(a) + b).
        raw = patches @ a.T + bias
        mu_term = patches.mean(axis=1, keepdims=True) * a.sum(axis=1)
        metrics["sign_agreement_trained_vs_eq6"] = float(((raw > 0) == (eq6 > 0)).mean())
        metrics["mean_term_variance_share"] = float(np.mean(mu_term.var(axis=0) / (patches @ a.T).var(axis=0)))
        ones = np.ones(25) / 5.0
        metrics["c1_abs_cos_to_constant_mean"] = float(np.abs(unit_anchors(w) @ ones).mean())

        arrays = {"c1_weights": w, "c1_bias": bias, "a_k0": -a.sum(axis=1), "init_c1": info["init_c1"],
                  "centroids": centroids.reshape(k, 1, 5, 5), "match_filter": rows, "match_centroid": cols,
                  "match_angle_deg": np.degrees(angles), "random_matched_means_deg": random_means,
                  "centroids_large": large.reshape(-1, 1, 5, 5), "loss": info["loss"]}
    notes = [data["data"].split_note, cache_note(info)]
    if config.train_limit is not None and metrics["train_images"] == config.train_limit:
        notes.append(f"Training used the first {config.train_limit:,} training images ({config.scale} scale).")
    provenance = make_provenance(config, device, data["data"].data_source, clock.seconds, notes)
    return Result(NAME, config.scale, metrics, arrays, provenance)


def findings(metrics: dict) -> list[str]:
    """Plain-language verdicts on Kuo's claims, computed from the measured ``metrics``."""
    deg = lambda key: f"{metrics[key]:.1f}°"  # noqa: E731
    out = []
    closer = metrics["matched_angle_mean_deg"] < metrics["random_matched_angle_p05_deg"]
    out.append(
        f"Matched one to one, the trained C1 anchors lie on average {deg('matched_angle_mean_deg')} "
        f"(worst {deg('matched_angle_max_deg')}) from the k-means centroids of the patches; random directions "
        f"lie {deg('random_matched_angle_mean_deg')} away and the untrained filters {deg('init_matched_angle_mean_deg')}. "
        + ("So the trained anchors are clearly nearer the centroids than chance, which supports Kuo's picture of "
           "anchors as cluster centres" if closer else
           "So the trained anchors are not clearly nearer the centroids than random directions: this does not "
           "support the idea that C1 anchors are the k-means centroids")
        + f" (a fraction {metrics['fraction_random_closer']:.3f} of random draws came as close).")
    out.append(
        f"Against a larger dictionary of {metrics['centroids_large']} centroids, each anchor's "
        f"nearest centroid is on average {deg('nearest_of_large_angle_mean_deg')} away (untrained: "
        f"{deg('init_nearest_of_large_angle_mean_deg')}). Negated anchors match the 6 centroids at "
        f"{deg('negated_matched_angle_mean_deg')}, "
        + ("farther than the anchors themselves: polarity matters, as RECOS says."
           if metrics["negated_matched_angle_mean_deg"] > metrics["matched_angle_mean_deg"] else
           "no farther than the anchors themselves: the match does not single out the anchors' polarity."))
    out.append(
        f"Eqs. 6, 8 and 10 agree on {metrics['patches']:,} real patches to {metrics['translated_sphere_max_abs_diff']:.1e} "
        f"(responses up to {metrics['response_scale']:.2f}): the translated-sphere, augmented and scaled forms are "
        "the same computation.")
    out.append(
        f"The trained C1 does not remove the local mean: its rectification decision agrees with the mean-removed "
        f"unit of Eq. 6 on {100 * metrics['sign_agreement_trained_vs_eq6']:.1f} % of patch-anchor pairs, and the "
        f"local-mean term carries {100 * metrics['mean_term_variance_share']:.0f} % of the response variance (mean "
        f"|cos| between an anchor and the constant vector: {metrics['c1_abs_cos_to_constant_mean']:.2f}). "
        "The learned bias and the anchors' DC component play the role of Kuo's augmented element a_{k,0}.")
    return out
