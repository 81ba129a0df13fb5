"""Ge et al., Fig. 4: does concentrating impulse noise into blobs hurt a CNN more, at equal SNR?

Noise and Eq. 1 apply to the unframed image (28×28 for MNIST); the black 32×32 frame is added
afterwards and stays clean. The claims are paired by test image on the same trained networks.

For each corrupted-pixel budget ``p`` (ImageNet-C's salt-and-pepper amounts), every test image gets
the same budget of ±1 impulses shaped as single points (salt-and-pepper), squares, triangles or
rhombi (one sign per blob), and, as the paper's baseline, α = 0.9 SαS noise on every pixel. Each
noise is scaled so that the image's Eq. 1 SNR after clipping equals a target shared by all kinds:
the highest clipping floor of the kinds for that image, plus ``margin_db`` (so every kind reaches it).
Classic saturated salt-and-pepper at amount ``p`` (ImageNet-C's impulse noise) is measured too, at
whatever SNR it gives, which places ImageNet-C's severities on the SNR axis.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from ..signals import stable_noise as sn
from ..verdicts import Claim, Verdict, sentence
from ._base import Experiment, Measured, ReportRow, RunContext
from ._channel_common import (
    CHANNEL_DATASETS,
    ChannelConfig,
    build_bench,
    channel_scales,
    check_grid,
    correct_on,
    stable_unit_noise,
)
from ._metrics import Replicated

IMAGENET_C_AMOUNTS = (0.03, 0.06, 0.09, 0.17, 0.27)
"""Salt-and-pepper amounts of ImageNet-C's impulse noise, severities 1-5 (Hendrycks & Dietterich 2019)."""


ALL_SHAPES = (
    ("square", 2),
    ("square", 3),
    ("triangle", 3),
    ("rhombus", 2),
    ("square", 5),
    ("triangle", 5),
    ("rhombus", 3),
)
"""The (shape, size) stamps of the ``laptop`` and ``full`` scales."""


@dataclass(frozen=True)
class Config(ChannelConfig):
    """Budgets (share of pixels), blob sizes, the stable baseline's α and the SNR margin above the floor.

    The target of each image is the highest clipping floor of the kinds for that image plus ``margin_db``.
    """

    budgets: tuple = (0.03, 0.09, 0.27)
    shapes: tuple = (("square", 3), ("triangle", 3), ("rhombus", 2))  # ci; laptop and full: ALL_SHAPES
    stable_alpha: float = 0.9
    margin_db: float = 0.5


def kind_names(config: Config) -> list[str]:
    """Names of the noise kinds compared at equal SNR (``stable0.9``, ``points``, ``square3``, ...)."""
    return [f"stable{config.stable_alpha:g}", "points"] + [f"{s}{k}" for s, k in config.shapes]


def patterns_for(config: Config, shape: tuple[int, ...], budget: float, seed: int) -> dict[str, np.ndarray]:
    """Unit noise patterns of every kind for images of ``shape`` (N, H, W)."""
    rng = np.random.default_rng(seed)
    out = {
        f"stable{config.stable_alpha:g}": stable_unit_noise(shape, config.stable_alpha, seed),
        "points": sn.impulse_pattern(shape, budget, "points", 1, rng),
    }
    for s, k in config.shapes:
        out[f"{s}{k}"] = sn.impulse_pattern(shape, budget, s, k, rng)
    return out


@dataclass(frozen=True)
class Metrics:
    """What a run measures. Per-budget lists follow ``budgets``; per-kind lists follow ``kinds``.

    The claims' replicates are test images: per image, a drop averaged over the trained networks
    (each with its own noise patterns), paired by image across noise kinds.
    """

    n_seeds: int
    test_images: int
    budgets: tuple[float, ...]
    target_snr_db: tuple[float, ...]
    images_left_out: tuple[int, ...]
    saltpepper_snr_db: tuple[float, ...]
    saltpepper_drop: tuple[float, ...]
    drops_largest_budget: tuple[float, ...]
    """Mean drop of each kind at the largest budget (order of ``kind_names``)."""
    shapes_hurt_more_than_points_share: float
    """Share of (shape, budget) cases where the shape's mean drop exceeds the points' (a description)."""
    shape_gap_vs_points_largest_budget: Replicated
    """Per image at the largest budget: mean drop over the blob shapes minus the drop of single points."""
    shape_gap_vs_points_all_budgets: Replicated
    """Per image, averaged over the budgets at which it is kept: shapes minus points."""
    shape_gap_vs_stable_largest_budget: Replicated
    """Per image at the largest budget: shapes minus α-stable noise on every pixel (support *and* amplitude differ)."""
    saltpepper_snr_db_p027: float | None = None
    """Eq. 1 SNR of ImageNet-C severity 5 (amount 0.27), when 0.27 is a budget."""


def measure(config: Config, ctx: RunContext) -> Measured:
    """Per-image correctness per kind and budget at a common SNR; classic salt-and-pepper beside them."""
    check_grid((config.stable_alpha,), (), config.budgets)
    bench = build_bench(config, ctx.device, ctx.progress)
    x, y = bench.images, bench.labels
    kinds = kind_names(config)
    budgets = tuple(map(float, config.budgets))
    n_img, n_seeds = len(x), len(bench.seeds)
    # per (kind, budget, seed, image): clean minus noisy correctness; NaN where the image is left out
    drop = np.full((len(kinds), len(budgets), n_seeds, n_img), np.nan)
    sp_drop = np.zeros((len(budgets), n_seeds))
    targets = np.zeros((len(budgets), n_seeds))
    sp_snr = np.zeros((len(budgets), n_seeds))
    dropped = np.zeros((len(budgets), n_seeds), dtype=int)
    covered = np.zeros((len(kinds), len(budgets)))
    for i, (seed, net) in enumerate(zip(bench.seeds, bench.trained)):
        clean = correct_on(net, x, y)
        for b, budget in enumerate(budgets):
            pats = patterns_for(config, x.shape, budget, 20_000 + 131 * seed + b)
            with np.errstate(divide="ignore"):
                floor = np.max([sn.minimum_reachable_snr_db(x, p) for p in pats.values()], axis=0)
            keep = np.isfinite(floor)  # a pattern of pepper on black background only changes nothing
            target = floor[keep] + config.margin_db
            targets[b, i] = float(target.mean())
            dropped[b, i] = int((~keep).sum())
            for k, kind in enumerate(kinds):
                noisy = sn.noisy_images_at_snr(x[keep], pats[kind][keep], target)
                covered[k, b] += float(np.mean(pats[kind] != 0)) / n_seeds
                drop[k, b, i, keep] = clean[keep] - correct_on(net, noisy, y[keep])
            sp = sn.salt_and_pepper(x, budget, np.random.default_rng(30_000 + 131 * seed + b))
            sp_snr[b, i] = float(np.mean(sn.empirical_snr_db(x, sp, axis=(1, 2))))
            sp_drop[b, i] = float(np.mean(clean - correct_on(net, sp, y)))
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an image left out for every seed: NaN, dropped below
        per_image = np.nanmean(drop, axis=2)  # (kind, budget, image)
    shape_idx = list(range(2, len(kinds)))
    pts, stb, last = kinds.index("points"), 0, len(budgets) - 1
    shapes_mean = per_image[shape_idx].mean(0)  # (budget, image)
    gap_points = shapes_mean - per_image[pts]
    gap_stable = shapes_mean - per_image[stb]
    finite = lambda v: v[np.isfinite(v)]  # noqa: E731
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        pooled = np.nanmean(gap_points, axis=0)
        mean = np.nanmean(drop, axis=(2, 3))  # (kind, budget)
    metrics = Metrics(
        n_seeds=n_seeds,
        test_images=n_img,
        budgets=budgets,
        target_snr_db=tuple(float(v) for v in targets.mean(1)),
        images_left_out=tuple(int(v) for v in dropped.max(1)),
        saltpepper_snr_db=tuple(float(v) for v in sp_snr.mean(1)),
        saltpepper_drop=tuple(float(v) for v in sp_drop.mean(1)),
        drops_largest_budget=tuple(float(v) for v in mean[:, last]),
        shapes_hurt_more_than_points_share=float(np.mean(mean[shape_idx] > mean[pts])),
        shape_gap_vs_points_largest_budget=Replicated.of(finite(gap_points[last])),
        shape_gap_vs_points_all_budgets=Replicated.of(finite(pooled)),
        shape_gap_vs_stable_largest_budget=Replicated.of(finite(gap_stable[last])),
        saltpepper_snr_db_p027=float(sp_snr[budgets.index(0.27)].mean()) if 0.27 in budgets else None,
    )
    arrays = {
        "budgets": np.array(budgets),
        "drop": np.nanmean(drop, axis=3),  # (kind, budget, seed)
        "target_snr_db": targets,
        "saltpepper_drop": sp_drop,
        "saltpepper_snr_db": sp_snr,
        "kinds": np.array(kinds),
        "covered": covered,
    }
    pats = patterns_for(config, x[:1].shape, budgets[last], 5)
    t = max(float(sn.minimum_reachable_snr_db(x[:1], p)[0]) for p in pats.values()) + config.margin_db
    arrays["example_snr_db"] = np.array(t)
    for kind in kinds:
        arrays[f"example_{kind}"] = sn.noisy_images_at_snr(x[:1], pats[kind], t)[0]
    notes = bench.notes + [
        "Blobs: "
        + ", ".join(f"{s} of size {k} ({int(sn.shape_stamp(s, k).sum())} pixels)" for s, k in config.shapes)
        + "; one random sign per blob, single pixels for 'points'. Budgets are shares of the unframed image "
        "(28×28 for MNIST); noise and Eq. 1 apply to it, and the black 32×32 frame added afterwards stays clean.",
        f"Equal SNR: for each image and budget one target T = (highest clipping floor over the kinds) + "
        f"{config.margin_db} dB, the same for every kind; each noise is scaled so the image's Eq. 1 SNR after clipping "
        "is T (the page shows the mean T). Images where some pattern cannot change the image at all (pepper blobs on "
        "black background only) are left out of that budget's comparison (images_left_out).",
        "Replicates of the claims: test images, each image's drop averaged over the trained networks (each with its "
        "own patterns), paired by image across kinds. Blobs and points share the ±1 amplitude law and the budget, so "
        "shapes − points isolates spatial concentration; shapes − α-stable changes support and amplitude law at once.",
        "ImageNet-C reference: classic salt-and-pepper (pixels set to 0 or 1) at the same amounts, at its own SNR.",
    ]
    return Measured(metrics, arrays, bench.data_source, notes)


_PAIRED = "paired by test image on the same trained networks: drop(shapes) − drop({}), 0 if the shape does not matter"
CLAIMS = (
    Claim(
        "shapes_hurt_more_than_points",
        "at equal Eq. 1 SNR and equal pixel budget, ±1 impulses concentrated into blobs cost more accuracy than "
        "the same impulses scattered as points (largest budget)",
        "shape_gap_vs_points_largest_budget_replicates",
        "greater",
        "test images",
        no_control=_PAIRED.format("points"),
    ),
    Claim(
        "shapes_hurt_more_than_points_all_budgets",
        "blobs cost more accuracy than points at equal SNR and budget, averaged over the budgets",
        "shape_gap_vs_points_all_budgets_replicates",
        "greater",
        "test images",
        no_control=_PAIRED.format("points"),
    ),
    Claim(
        "shapes_hurt_more_than_stable",
        "±1 blobs cost more accuracy than α = 0.9 stable noise on every pixel at equal SNR (largest budget; "
        "not a matched comparison: support and amplitude law both differ)",
        "shape_gap_vs_stable_largest_budget_replicates",
        "greater",
        "test images",
        no_control=_PAIRED.format("α = 0.9 stable noise"),
    ),
)


def findings(m: dict, verdicts: dict[str, Verdict]) -> list[str]:
    """Plain-language results, computed from the measured numbers and the engine's verdicts."""
    claims = {c.id: c for c in CLAIMS}
    pts = lambda v: f"{100 * v:+.2f} points"  # noqa: E731
    say = lambda cid: sentence(claims[cid], verdicts[cid], pts)  # noqa: E731
    budgets = m["budgets"]
    out = [
        f"Budget {p:.0%} of the pixels: equal-SNR target {t:.1f} dB (mean); classic salt-and-pepper at amount {p:g} "
        f"gives {s:.1f} dB and a drop of {d:.1%}."
        for p, t, s, d in zip(budgets, m["target_snr_db"], m["saltpepper_snr_db"], m["saltpepper_drop"])
    ]
    out.append(
        f"Shapes have a larger mean drop than single points in {m['shapes_hurt_more_than_points_share']:.0%} of "
        "(shape, budget) cases (a description). Ge et al.'s Fig. 4 (matched: same ±1 amplitudes, same budget): "
        + say("shapes_hurt_more_than_points")
        + " Over all budgets: "
        + say("shapes_hurt_more_than_points_all_budgets")
    )
    out.append(
        "Against the paper's α = 0.9 baseline (which differs in support and amplitude law, so it cannot tell "
        "which of the two matters): " + say("shapes_hurt_more_than_stable")
    )
    return out


EXPERIMENT = Experiment(
    name="channel-concentrated",
    title="Concentrated impulse noise (squares, triangles, rhombi) vs points at equal SNR (Ge et al. Fig. 4)",
    paper="ge2021communication",
    reproduces="Ge et al. Fig. 4",
    config=Config,
    scales=channel_scales(
        laptop=dict(budgets=IMAGENET_C_AMOUNTS, shapes=ALL_SHAPES),
        full=dict(budgets=IMAGENET_C_AMOUNTS, shapes=ALL_SHAPES),
    ),
    measure=measure,
    notebook="notebooks/channel_concentrated",
    datasets=CHANNEL_DATASETS,
    report_rows=(
        ReportRow(
            "Ge Fig. 4",
            "largest budget, equal Eq. 1 SNR: drop(shapes, mean) − drop(points), per test image",
            "shape_gap_vs_points_largest_budget",
            "> 0 (shapes hurt more)",
            source="derived",
            format="percent",
            claim="shapes_hurt_more_than_points",
        ),
        ReportRow(
            "Ge Fig. 4",
            "all budgets, equal Eq. 1 SNR: drop(shapes, mean) − drop(points), per test image",
            "shape_gap_vs_points_all_budgets",
            "> 0 (shapes hurt more)",
            source="derived",
            format="percent",
            claim="shapes_hurt_more_than_points_all_budgets",
        ),
        ReportRow(
            "Ge Fig. 4",
            "largest budget: drop(±1 shapes) − drop(α = 0.9 stable, every pixel) — support and amplitude law differ",
            "shape_gap_vs_stable_largest_budget",
            "> 0 (shapes hurt more)",
            source="derived",
            format="percent",
            claim="shapes_hurt_more_than_stable",
        ),
        ReportRow(
            "Ge Fig. 4",
            "share of (shape, budget) cases where the shape drops more than points",
            "shapes_hurt_more_than_points_share",
            1.0,
            source="derived",
            format="percent",
        ),
        ReportRow(
            "Hendrycks & Dietterich 2019",
            "Eq. 1 SNR of ImageNet-C impulse noise at severity 5 (amount 0.27)",
            "saltpepper_snr_db_p027",
            "no SNR given (severity 5 is amount 0.27)",
            source="external",
            format="db",
            cite="hendrycks2019benchmarking",
        ),
    ),
    findings=findings,
    metrics=Metrics,
    claims=CLAIMS,
)
make_config, run = EXPERIMENT.make_config, EXPERIMENT.run
