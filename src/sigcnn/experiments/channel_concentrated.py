"""Ge et al., Fig. 4: does concentrating impulse noise into blobs hurt a CNN more, at equal SNR?

For each corrupted-pixel budget ``p`` (ImageNet-C's salt-and-pepper amounts), every test image gets
the same budget of ±1 impulses shaped as single points (salt-and-pepper), squares, triangles or
rhombi (one sign per blob), and, as the paper's baseline, α = 0.9 SαS noise on every pixel. Each
noise is scaled so that the image's Eq. 1 SNR after clipping equals a target shared by all kinds:
the highest clipping floor of the kinds for that image, plus ``margin_db`` (so every kind reaches it).
Classic saturated salt-and-pepper at amount ``p`` (ImageNet-C's impulse noise) is measured too, at
whatever SNR it gives, which places ImageNet-C's severities on the SNR axis.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..controls import compare_to_controls, control_metrics
from ..signals import stable_noise as sn
from ._base import Experiment, Measured, ReportRow, RunContext
from ._channel_common import (
    CHANNEL_DATASETS,
    ChannelConfig,
    accuracy_on,
    build_bench,
    channel_scales,
    check_grid,
    stable_unit_noise,
)

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


def measure(config: Config, ctx: RunContext) -> Measured:
    """Accuracy drops per kind and budget at a common SNR; classic salt-and-pepper beside them."""
    check_grid((config.stable_alpha,), (), config.budgets)
    bench = build_bench(config, ctx.device, ctx.progress)
    x, y = bench.images, bench.labels
    kinds = kind_names(config)
    budgets = tuple(map(float, config.budgets))
    nets = [bench.trained, bench.untrained]
    drop = np.zeros((2, len(kinds), len(budgets), len(bench.seeds)))
    sp_drop = np.zeros((2, len(budgets), len(bench.seeds)))
    targets = np.zeros((len(budgets), len(bench.seeds)))
    sp_snr = np.zeros((len(budgets), len(bench.seeds)))
    dropped = np.zeros((len(budgets), len(bench.seeds)), dtype=int)
    covered = np.zeros((len(kinds), len(budgets)))
    for i, seed in enumerate(bench.seeds):
        clean = [accuracy_on(models[i], x, y) for models in nets]
        for b, budget in enumerate(budgets):
            pats = patterns_for(config, x.shape, budget, 20_000 + 131 * seed + b)
            with np.errstate(divide="ignore"):
                floor = np.max([sn.minimum_reachable_snr_db(x, p) for p in pats.values()], axis=0)
            keep = np.isfinite(floor)  # a pattern of pepper on black background only changes nothing
            target = floor[keep] + config.margin_db
            targets[b, i] = float(target.mean())
            dropped[b, i] = int((~keep).sum())
            xk, yk = x[keep], y[keep]
            clean_k = [accuracy_on(models[i], xk, yk) for models in nets]
            for k, kind in enumerate(kinds):
                noisy = sn.noisy_images_at_snr(xk, pats[kind][keep], target)
                covered[k, b] += float(np.mean(pats[kind] != 0)) / len(bench.seeds)
                for j in range(2):
                    drop[j, k, b, i] = clean_k[j] - accuracy_on(nets[j][i], noisy, yk)
            sp = sn.salt_and_pepper(x, budget, np.random.default_rng(30_000 + 131 * seed + b))
            sp_snr[b, i] = float(np.mean(sn.empirical_snr_db(x, sp, axis=(1, 2))))
            for j in range(2):
                sp_drop[j, b, i] = clean[j] - accuracy_on(nets[j][i], sp, y)
    m: dict = {"n_seeds": len(bench.seeds), "test_images": int(len(x))}
    for b, budget in enumerate(budgets):
        m[f"target_snr_db_p{budget:g}"] = float(targets[b].mean())
        m[f"images_left_out_p{budget:g}"] = int(dropped[b].max())
        m[f"saltpepper_snr_db_p{budget:g}"] = float(sp_snr[b].mean())
        m[f"saltpepper_drop_p{budget:g}"] = float(sp_drop[0, b].mean())
        for k, kind in enumerate(kinds):
            d = drop[0, k, b]
            m[f"drop_{kind}_p{budget:g}"] = float(d.mean())
            m[f"drop_{kind}_p{budget:g}_min"], m[f"drop_{kind}_p{budget:g}_max"] = float(d.min()), float(d.max())
            m[f"covered_{kind}_p{budget:g}"] = float(covered[k, b])
    shape_idx = list(range(2, len(kinds)))
    pts, stb = kinds.index("points"), 0
    mean = drop[0].mean(2)
    m["shapes_hurt_more_than_points_share"] = float(np.mean(mean[shape_idx] > mean[pts]))
    m["shapes_hurt_more_than_stable_share"] = float(np.mean(mean[shape_idx] > mean[stb]))
    bmax = len(budgets) - 1
    for j, name in ((pts, "points"), (stb, "stable")):
        gap = drop[0, shape_idx, bmax].mean(0) - drop[0, j, bmax]  # per seed: mean over shapes minus baseline
        cgap = drop[1, shape_idx, bmax].mean(0) - drop[1, j, bmax]
        m.update(
            control_metrics(
                f"shape_gap_vs_{name}_largest_budget", compare_to_controls(gap, cgap, "untrained, same init seeds")
            )
        )
        m[f"shapes_hurt_more_than_{name}_every_seed"] = bool(gap.min() > 0)
    arrays = {
        "budgets": np.array(budgets),
        "drop": drop[0],
        "control_drop": drop[1],
        "target_snr_db": targets,
        "saltpepper_drop": sp_drop[0],
        "saltpepper_snr_db": sp_snr,
        "kinds": np.array(kinds),
        "covered": covered,
    }
    pats = patterns_for(config, x[:1].shape, budgets[bmax], 5)
    t = max(float(sn.minimum_reachable_snr_db(x[:1], p)[0]) for p in pats.values()) + config.margin_db
    arrays["example_snr_db"] = np.array(t)
    for kind in kinds:
        arrays[f"example_{kind}"] = sn.noisy_images_at_snr(x[:1], pats[kind], t)[0]
    notes = bench.notes + [
        "Blobs: "
        + ", ".join(f"{s} of size {k} ({int(sn.shape_stamp(s, k).sum())} pixels)" for s, k in config.shapes)
        + "; one random sign per blob, single pixels for 'points'. Budgets are shares of the 32×32 framed image.",
        f"Equal SNR: for each image and budget one target T = (highest clipping floor over the kinds) + "
        f"{config.margin_db} dB, the same for every kind; each noise is scaled so the image's Eq. 1 SNR after clipping "
        "is T (the page shows the mean T). Images where some pattern cannot change the image at all (pepper blobs on "
        "black background only) are left out of that budget's comparison (count in images_left_out_p*).",
        "ImageNet-C reference: classic salt-and-pepper (pixels set to 0 or 1) at the same amounts, at its own SNR.",
    ]
    return Measured(m, arrays, bench.data_source, notes)


def findings(m: dict) -> list[str]:
    """Plain-language verdicts from the measured numbers."""
    budgets = sorted(float(k.split("_p")[1]) for k in m if k.startswith("target_snr_db_p"))
    kinds = [
        k[len("drop_") : -len(f"_p{budgets[0]:g}")]
        for k in m
        if k.startswith("drop_") and k.endswith(f"_p{budgets[0]:g}")
    ]
    out = []
    for p in budgets:
        out.append(
            f"Budget {p:.0%} of the pixels, equal SNR per image (mean {m[f'target_snr_db_p{p:g}']:.1f} dB): drop "
            + ", ".join(
                f"{k} {m[f'drop_{k}_p{p:g}']:.1%} ({m[f'drop_{k}_p{p:g}_min']:.1%}–{m[f'drop_{k}_p{p:g}_max']:.1%})"
                for k in kinds
            )
            + f". Classic salt-and-pepper at amount {p:g} gives {m[f'saltpepper_snr_db_p{p:g}']:.1f} dB and a "
            f"drop of {m[f'saltpepper_drop_p{p:g}']:.1%}."
        )
    g = "shape_gap_vs_points_largest_budget"
    verdict = (
        "supports Ge et al.'s Fig. 4"
        if m["shapes_hurt_more_than_points_every_seed"]
        else "does not support Ge et al.'s Fig. 4 in every seed"
    )
    out.append(
        f"Shapes have a larger mean drop than single points in {m['shapes_hurt_more_than_points_share']:.0%} "
        f"of (shape, budget) cases and than α-stable noise in {m['shapes_hurt_more_than_stable_share']:.0%}. "
        f"At the largest budget, shapes minus points = {m[g]:+.1%} (seeds {m[g + '_trained_min']:+.1%} to "
        f"{m[g + '_trained_max']:+.1%}; untrained {m[g + '_control_min']:+.1%} to {m[g + '_control_max']:+.1%}): "
        f"this {verdict}."
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
            "largest budget, equal Eq. 1 SNR: drop(shapes, mean) − drop(points)",
            "shape_gap_vs_points_largest_budget",
            "> 0 (shapes hurt more)",
            source="derived",
            format="percent",
            control="untrained, same init seeds",
        ),
        ReportRow(
            "Ge Fig. 4",
            "largest budget, equal Eq. 1 SNR: drop(shapes, mean) − drop(α = 0.9 stable)",
            "shape_gap_vs_stable_largest_budget",
            "> 0 (shapes hurt more)",
            source="derived",
            format="percent",
            control="untrained, same init seeds",
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
            "saltpepper_snr_db_p0.27",
            "no SNR given (severity 5 is amount 0.27)",
            source="external",
            format="db",
            cite="hendrycks2019benchmarking",
        ),
    ),
    findings=findings,
)
make_config, run = EXPERIMENT.make_config, EXPERIMENT.run
NAME = EXPERIMENT.name
