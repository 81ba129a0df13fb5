"""Kuo (2016), section 2 (Eqs. 1-10, Fig. 4) and Tables 1-2: sphere identities on real images.

No training. The grey cat photograph of scikit-image and its negative are checked to be
opposite points of the sphere after mean removal (correlation -1, geodesic distance pi);
the translated-sphere forms (Eqs. 6, 8, 10) are checked against each other on the cat's
5x5 patches; and the RECOS tables are read from the PyTorch modules.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..probes.anchors import translated_sphere_check
from ..probes.recos_tables import PAPER_TABLE_1, recos_tables
from ..signals.patches import extract_patches
from ..signals.sphere import (
    geodesic_distance,
    mean_removed,
    mean_removed_correlation,
)
from ..verdicts import Claim, Verdict, sentence
from ._base import BaseConfig, Experiment, Measured, ReportRow, RunContext

IDENTITY_TOLERANCE = 1e-12
"""Largest allowed deviation of a float64 identity (the sphere's antipode, Eqs. 6, 8, 10)."""


@dataclass(frozen=True)
class Config(BaseConfig):
    """Settings of one run (no training: the scales differ only in how many patches are checked)."""

    device: str = "cpu"
    n_anchors: int = 6
    patch_stride: int = 3


def grey_cat() -> np.ndarray:
    """``skimage.data.chelsea()`` converted to grey, float64 in [0, 255] (Kuo's Fig. 4 uses a cat too)."""
    import skimage.data  # heavy (~0.3 s) and needed only here: importing the experiments stays without it
    from skimage.color import rgb2gray  # same reason

    return rgb2gray(skimage.data.chelsea()) * 255.0


def negative_image(image: np.ndarray) -> np.ndarray:
    """Grey-scale negative ``255 - u`` of an image in [0, 255]."""
    return 255.0 - np.asarray(image, dtype=np.float64)


@dataclass(frozen=True)
class Metrics:
    """What a run measures: deterministic identities (no replicates; the claims check them to a tolerance)."""

    cat_correlation: float
    cat_geodesic_distance: float
    cat_raw_correlation: float
    cat_geodesic_error: float
    patches: int
    eq6_vs_direct_max_abs_diff: float
    eq6_vs_eq8_max_abs_diff: float
    eq6_vs_eq10_max_abs_diff: float
    translated_sphere_max_abs_diff: float
    translated_sphere_identity_holds: bool
    response_scale: float
    table1_rows: int
    table1_matching_rows: int
    table2_rows: int
    table2_matching_rows: int


def measure(config: Config, ctx: RunContext) -> Measured:
    """The sphere checks and the tables (Kuo Fig. 4, Eqs. 6-10, Tables 1-2)."""
    cat = grey_cat()
    neg = negative_image(cat)
    distance = float(geodesic_distance(mean_removed(cat.ravel()), mean_removed(neg.ravel())[None])[0])
    patches = extract_patches(cat, 5, stride=config.patch_stride) / 255.0
    rng = np.random.default_rng(config.seed)
    anchors = rng.standard_normal((config.n_anchors, 25))
    tables = recos_tables()
    matching = {
        label: sum((r["N"], r["K"]) == (r["paper_N"], r["paper_K"]) for r in rows)
        for label, rows in (("table1", tables["lenet5"]), ("table2", tables["alexnet"]))
    }
    metrics = Metrics(
        cat_correlation=mean_removed_correlation(cat, neg),
        cat_geodesic_distance=distance,
        cat_raw_correlation=float(cat.ravel() @ neg.ravel() / np.linalg.norm(cat) / np.linalg.norm(neg)),
        cat_geodesic_error=abs(distance - np.pi),
        patches=int(patches.shape[0]),
        **translated_sphere_check(patches, anchors),
        table1_rows=len(tables["lenet5"]),
        table1_matching_rows=matching["table1"],
        table2_rows=len(tables["alexnet"]),
        table2_matching_rows=matching["table2"],
    )
    arrays = {
        "cat": cat,
        "table1_NK": np.array([[r["N"], r["K"]] for r in tables["lenet5"]]),
        "table2_NK": np.array([[r["N"], r["K"]] for r in tables["alexnet"]]),
    }
    notes = [
        "Image: skimage.data.chelsea() in grey (ships with scikit-image). Patches scaled to [0, 1]; "
        f"{config.n_anchors} Gaussian random anchors (seed {config.seed}).",
        "AlexNet: torchvision.models.alexnet(weights=None), the single-GPU variant (64-192-384-256-256 "
        "channels), not the two-GPU original of Kuo's Table 2.",
    ]
    return Measured(metrics, arrays, "scikit-image sample data (offline)", notes)


CLAIMS = (
    Claim(
        "cat_antipode_correlation",
        "after mean removal a grey image and its negative are opposite points of the sphere (correlation −1)",
        "cat_correlation",
        "equal",
        "one image (deterministic)",
        null=-1.0,
        tolerance=IDENTITY_TOLERANCE,
    ),
    Claim(
        "cat_antipode_distance",
        "the geodesic distance between a grey image and its negative is π",
        "cat_geodesic_distance",
        "equal",
        "one image (deterministic)",
        null=float(np.pi),
        tolerance=IDENTITY_TOLERANCE,
    ),
    Claim(
        "translated_sphere_forms_agree",
        "Eqs. 6, 8 and 10 (and the mean-removed unit) are one computation: largest difference on real patches 0",
        "translated_sphere_max_abs_diff",
        "equal",
        "image patches (deterministic)",
        null=0.0,
        tolerance=IDENTITY_TOLERANCE,
    ),
    Claim(
        "table1_matches",
        f"Table 1: all {len(PAPER_TABLE_1)} RECOS units of LeNet-5 have the paper's N and K "
        "(without Kuo's +1 for the augmented element)",
        "table1_matching_rows",
        "equal",
        "table rows (deterministic)",
        null=float(len(PAPER_TABLE_1)),
        tolerance=0.0,
    ),
)


def findings(metrics: dict, verdicts: dict[str, Verdict]) -> list[str]:
    """Plain-language findings, computed from the measured ``metrics`` and the engine's ``verdicts``."""
    claims = {c.id: c for c in CLAIMS}
    say = lambda cid, digits=3: sentence(claims[cid], verdicts[cid], fmt=lambda v: f"{v:.{digits}g}")  # noqa: E731
    return [
        f"After mean removal the cat and its negative have correlation {metrics['cat_correlation']:.12f} and geodesic "
        f"distance {metrics['cat_geodesic_distance']:.12f} rad (π = {np.pi:.12f}). Kuo's Fig. 4: "
        + say("cat_antipode_correlation")
        + " "
        + say("cat_antipode_distance", 13)
        + f" Without mean removal their correlation is {metrics['cat_raw_correlation']:.3f}, which is why the "
        "mean has to go first.",
        f"On {metrics['patches']:,} patches of the cat, Eqs. 6, 8 and 10 differ by at most "
        f"{metrics['translated_sphere_max_abs_diff']:.1e} (responses up to {metrics['response_scale']:.2f}): "
        + say("translated_sphere_forms_agree"),
        f"Table 1: {metrics['table1_matching_rows']} of {metrics['table1_rows']} LeNet-5 units match the paper's N "
        "and K. " + say("table1_matches") + " "
        f"Table 2 (an illustration, no verdict): {metrics['table2_matching_rows']} of {metrics['table2_rows']} units "
        "of torchvision's AlexNet match; the differences come from torchvision's single-GPU channel counts and from "
        "FC_6, which reads a 256×6×6 map (Kuo prints 256×1×1).",
    ]


EXPERIMENT = Experiment(
    name="recos-sphere",
    title="RECOS sphere identities: the negative cat, the translated sphere, Tables 1-2",
    paper="kuo2016recos",
    reproduces="Kuo (2016) §2, Fig. 4, Eqs. 1-10; Tables 1-2",
    config=Config,
    scales={"ci": dict(patch_stride=3), "laptop": dict(patch_stride=1), "full": dict(patch_stride=1)},
    measure=measure,
    notebook="notebooks/recos_sphere",
    report_rows=(
        ReportRow(
            "Kuo Fig. 4",
            "cat vs its negative: correlation after mean removal",
            "cat_correlation",
            -1.0,
            source="derived",
            claim="cat_antipode_correlation",
        ),
        ReportRow(
            "Kuo Fig. 4",
            "cat vs its negative: geodesic distance (rad)",
            "cat_geodesic_distance",
            float(np.pi),
            source="derived",
            format="rad",
            claim="cat_antipode_distance",
        ),
        ReportRow(
            "Kuo Eqs. 6, 8, 10",
            "cat patches, random anchors: the three forms agree (max abs diff < 1e-12)",
            "translated_sphere_identity_holds",
            "identity",
            format="bool",
            claim="translated_sphere_forms_agree",
        ),
        ReportRow(
            "Kuo Table 1",
            "LeNet-5 RECOS units whose N and K match the paper",
            "table1_matching_rows",
            len(PAPER_TABLE_1),
            format="int",
            claim="table1_matches",
        ),
        ReportRow(
            "Kuo Table 2 (illustration)",
            "torchvision AlexNet units whose N and K match the paper "
            "(a different AlexNet: an illustration, not a reproduction)",
            "table2_matching_rows",
            8,
            format="int",
        ),
    ),
    findings=findings,
    metrics=Metrics,
    claims=CLAIMS,
)
make_config, run = EXPERIMENT.make_config, EXPERIMENT.run
