"""Kuo (2016), section 3 (Eqs. 11-23): the two-layer cascade C1 -> C3 of a trained LeNet-5.

The compound anchors ``C = A B`` (and ``C'``, Eq. 17) against the real network's C3 correlation
``z''`` on test images, where it is strongly positive (Kuo's approximation) and elsewhere, for
several trained seeds. The control is many untrained networks of the same architecture (they cost
no training): the same measurement there shows what the architecture and the top-decile selection
give without learned anchors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..models import LeNet5
from ..models.trained_lenet import trained_lenets, untrained_lenet
from ..models.training import accuracy
from ..probes.anchors import (
    POOLINGS,
    agreement,
    c3_field_on_c1,
    cascade_responses,
    compound_anchors,
    count_in_c3_fields,
    first_layer_matrix,
    second_layer_matrix,
    strong_mask,
)
from ..verdicts import Claim, Verdict, sentence
from ._base import Experiment, Measured, ReportRow, RunContext
from ._lenet import DATASETS, LeNetConfig, evaluation_scales, training_spec
from ._metrics import Replicated, mean_of

CONTROL_SEED_OFFSET = 1000
"""Untrained control networks use initialisation seeds ``seed + 1000`` onwards (none is a trained seed)."""

CONTROL_POOLING = "average"
"""The pooling stand-in the claims (and the untrained controls) use; ``subsample`` is measured on the trained seeds."""


@dataclass(frozen=True)
class Config(LeNetConfig):
    """Settings of one run; ``seeds`` networks are trained (seeds ``seed``, ``seed + 1``, ...)."""

    seeds: int = 3
    control_seeds: int = 12
    eval_images: int = 1000
    strong_quantile: float = 0.9
    scatter_points: int = 4000

    def __post_init__(self):
        if not 0.0 < self.strong_quantile < 1.0:
            raise ValueError(f"strong_quantile must be in (0, 1), got {self.strong_quantile}")


@dataclass(frozen=True)
class Agreement:
    """How one network's linear (z) and rectified-anchor (z') cascades agree with its real C3 (z'')."""

    corr_z_strong: float
    relerr_z_strong: float
    corr_z_rest: float
    relerr_z_rest: float
    corr_zrect_strong: float
    relerr_zrect_strong: float
    corr_zrect_rest: float
    relerr_zrect_rest: float
    strong_fraction: float


def agreement_of(model: LeNet5, x: torch.Tensor, pooling: str, quantile: float) -> tuple[Agreement, dict]:
    """:class:`Agreement` of ``model`` on images ``x`` (and the cascade's outputs and strong mask)."""
    out = cascade_responses(model, x, pooling)
    real = out["z_real_pre"]
    strong = strong_mask(real, quantile)
    values = {"strong_fraction": float(strong.mean())}
    for label, key in (("z", "z"), ("zrect", "z_rect")):
        for region, mask in (("strong", strong), ("rest", ~strong)):
            values[f"corr_{label}_{region}"], values[f"relerr_{label}_{region}"] = agreement(out[key][mask], real[mask])
    return Agreement(**values), {**out, "strong": strong}


@dataclass(frozen=True)
class Cascade:
    """One pooling stand-in: each agreement per trained seed (``_replicates``) beside untrained networks
    (``_control``, :data:`CONTROL_POOLING` only), and seed 0's compound anchors."""

    strong_fraction: float
    corr_z_strong: Replicated
    relerr_z_strong: Replicated
    corr_z_rest: Replicated
    relerr_z_rest: Replicated
    corr_zrect_strong: Replicated
    relerr_zrect_strong: Replicated
    corr_zrect_rest: Replicated
    relerr_zrect_rest: Replicated
    strong_minus_rest_corr_z: Replicated
    """corr(z, z'') where strong minus elsewhere, per network (above 0: the approximation is better where strong)."""
    zrect_minus_z_corr_strong: Replicated
    """corr(z', z'') minus corr(z, z'') where strong, per network (above 0: C' is closer than C)."""
    compound_negative_fraction: float
    rectification_change: float

    @classmethod
    def of(cls, trained: list[Agreement], control: list[Agreement], compound: np.ndarray) -> Cascade:
        rep = lambda f: Replicated.of([f(a) for a in trained], [f(a) for a in control])  # noqa: E731
        fields = {
            name: rep(lambda a, name=name: getattr(a, name))
            for name in Agreement.__dataclass_fields__
            if name != "strong_fraction"
        }
        return cls(
            strong_fraction=trained[0].strong_fraction,
            **fields,
            strong_minus_rest_corr_z=rep(lambda a: a.corr_z_strong - a.corr_z_rest),
            zrect_minus_z_corr_strong=rep(lambda a: a.corr_zrect_strong - a.corr_z_strong),
            compound_negative_fraction=float((compound < 0).mean()),
            rectification_change=float(np.linalg.norm(np.minimum(compound, 0)) / np.linalg.norm(compound)),
        )


@dataclass(frozen=True)
class Metrics:
    """What a run measures (one :class:`Cascade` per pooling stand-in; the exact-regime counts of seed 0)."""

    train_images: int
    eval_images: int
    seeds: int
    control_seeds: int
    test_accuracy: float
    average: Cascade
    subsample: Cascade
    c3_field_on_c1: int
    c1_rectified_fraction: float
    units_without_rectified_inputs: float
    rectified_inputs_per_unit_mean: float
    ab_product_vs_conv_max_abs_diff: float


def measure(config: Config, ctx: RunContext) -> Measured:
    """z, z' and z'' over real test images, for both linear stand-ins of the pooling, trained and untrained."""
    data, nets = trained_lenets(training_spec(config), config.seeds, ctx.device, ctx.progress)
    models = [n.model.cpu() for n in nets]
    model, net = models[0], nets[0]
    x = data.x_test[: config.eval_images]
    arrays: dict = {"loss": net.loss}
    rng = np.random.default_rng(config.seed)
    # Untrained networks cost no training: many seeds (disjoint from the trained ones) give the control a
    # real distribution for the test.
    untrained = [
        untrained_lenet(config.seed + CONTROL_SEED_OFFSET + s, data.num_classes, "cpu")
        for s in range(config.control_seeds)
    ]
    cascades = {}
    for pooling in POOLINGS:
        measured = [agreement_of(m, x, pooling, config.strong_quantile) for m in models]
        control = (
            [agreement_of(u, x, pooling, config.strong_quantile)[0] for u in untrained]
            if pooling == CONTROL_POOLING
            else []
        )
        c = compound_anchors(model.c1.weight, model.c3.weight, pooling)
        cascades[pooling] = Cascade.of([a for a, _ in measured], control, c)
        arrays[f"{pooling}_compound"] = c
        out = measured[0][1]
        real, strong = out["z_real_pre"], out["strong"]
        pick = rng.choice(real.size, size=min(config.scatter_points, real.size), replace=False)
        arrays[f"{pooling}_scatter"] = np.stack(
            [real.ravel()[pick], out["z"].ravel()[pick], out["z_rect"].ravel()[pick], strong.ravel()[pick]], axis=1
        )
    # Kuo's exact regime: no first-layer correlation in the block of C1 outputs a C3 unit reads is rectified.
    with torch.no_grad():
        negative = model.c1(x) < 0  # (M, 6, 28, 28)
    per_unit = count_in_c3_fields(negative)  # (M, 1, 10, 10)
    side = c3_field_on_c1()
    a_mat, b_mat = first_layer_matrix(model.c1.weight, "subsample"), second_layer_matrix(model.c3.weight)
    c_mat = a_mat @ b_mat
    metrics = Metrics(
        train_images=int(data.x_train.shape[0]),
        eval_images=int(x.shape[0]),
        seeds=len(nets),
        control_seeds=config.control_seeds,
        test_accuracy=accuracy(model, data.x_test, data.y_test),
        average=cascades["average"],
        subsample=cascades["subsample"],
        c3_field_on_c1=side,
        c1_rectified_fraction=float(negative.to(torch.float64).mean()),
        units_without_rectified_inputs=float((per_unit == 0).to(torch.float64).mean()),
        rectified_inputs_per_unit_mean=float(per_unit.mean() / (negative.shape[1] * side * side)),
        ab_product_vs_conv_max_abs_diff=float(
            np.abs(c_mat - arrays["subsample_compound"].reshape(c_mat.shape[1], -1).T).max()
        ),
    )
    k, centre = model.c1.weight.shape[0], (13 // 2) * 13 + 13 // 2
    arrays["alpha_centre"] = a_mat[centre].reshape(5, 5, k).transpose(2, 0, 1)  # (K, 5, 5) over positions
    arrays["alpha_corner"] = a_mat[0].reshape(5, 5, k).transpose(2, 0, 1)
    arrays["coverage"] = compound_anchors(np.ones((1, 1, 5, 5)), np.ones((1, 1, 5, 5)), "subsample")[0]
    arrays["c1_weights"] = model.c1.weight.detach().numpy()
    notes = [
        data.split.split_note,
        *(n.note for n in nets),
        f"{len(nets)} training seeds ({config.seed}..{config.seed + len(nets) - 1}); the control is "
        f"{config.control_seeds} untrained networks (initialisation seeds {config.seed + CONTROL_SEED_OFFSET} "
        f"onwards), measured with the '{CONTROL_POOLING}' stand-in. Figures and compound anchors: seed 0.",
        "Max pooling (S2) is not linear; the compound anchors use a linear stand-in, 2x2 averaging "
        "(14x14 field, reported as 'average') or keeping every second C1 output (Kuo's 13x13 field, "
        "'subsample'). z'' is the real network (max pooling, both ReLUs), compared before its ReLU.",
        f"A C3 unit reads a {side}x{side} block of C1 outputs (6 channels); its field in pixels is 14x14.",
    ]
    return Measured(metrics, arrays, data.split.data_source, notes)


_UNTRAINED = "untrained networks"
CLAIMS = (
    Claim(
        "z_tracks_real_strong",
        "where the real C3 correlation z'' is strongly positive, the linear cascade z = Cᵀx approximates it "
        "(Pearson correlation), beyond what untrained networks of the same architecture give",
        "average_corr_z_strong_replicates",
        "greater",
        "training seeds",
        control="average_corr_z_strong_control",
        control_label=_UNTRAINED,
    ),
    Claim(
        "z_better_where_strong",
        "the approximation z ≈ z'' is better where z'' is strongly positive (no rectification there) than "
        "elsewhere (correlation there minus elsewhere; untrained networks share the top-decile selection)",
        "average_strong_minus_rest_corr_z_replicates",
        "greater",
        "training seeds",
        control="average_strong_minus_rest_corr_z_control",
        control_label=_UNTRAINED,
    ),
    Claim(
        "zrect_tracks_real_strong",
        "where z'' is strongly positive, the rectified compound anchors' z' = C'ᵀx approximate it (Eqs. 16-17), "
        "beyond what untrained networks give",
        "average_corr_zrect_strong_replicates",
        "greater",
        "training seeds",
        control="average_corr_zrect_strong_control",
        control_label=_UNTRAINED,
    ),
    Claim(
        "zrect_closer_than_z",
        "rectifying the compound anchors (C') helps the trained networks more than untrained ones where z'' is "
        "strongly positive (correlation of z' with z'' minus that of z)",
        "average_zrect_minus_z_corr_strong_replicates",
        "greater",
        "training seeds",
        control="average_zrect_minus_z_corr_strong_control",
        control_label=_UNTRAINED,
        source="ours",
    ),
)


def findings(metrics: dict, verdicts: dict[str, Verdict]) -> list[str]:
    """Plain-language findings on Kuo's claims, computed from the measured ``metrics`` and the engine's ``verdicts``."""
    claims = {c.id: c for c in CLAIMS}
    say = lambda cid: sentence(claims[cid], verdicts[cid], fmt=lambda v: f"{v:+.3f}")  # noqa: E731
    out = []
    for pooling, field in (("average", "14x14, 2x2 averaging"), ("subsample", "13x13, subsampling")):
        g = lambda key, p=pooling: metrics[f"{p}_{key}"]  # noqa: E731
        text = (
            f"Compound anchors {field} (mean of {metrics['seeds']} trained seeds): where the real C3 correlation is "
            f"strongly positive (top {100 * g('strong_fraction'):.0f} % of units), z follows the real z'' with "
            f"correlation {g('corr_z_strong'):.3f} (relative error {g('relerr_z_strong'):.2f}) and z' with "
            f"{g('corr_zrect_strong'):.3f} (relative error {g('relerr_zrect_strong'):.2f}); elsewhere z reaches "
            f"{g('corr_z_rest'):.3f} and z' {g('corr_zrect_rest'):.3f}."
        )
        control = metrics.get(f"{pooling}_corr_z_strong_control") or []
        if control:
            text += (
                f" In {len(control)} untrained networks z reaches {mean_of(control):.3f} where strong and "
                f"{mean_of(metrics[f'{pooling}_corr_z_rest_control']):.3f} elsewhere (means)."
            )
        out.append(text)
    out += [
        "Kuo's approximation z ≈ z'': " + say("z_tracks_real_strong") + " " + say("z_better_where_strong"),
        "Kuo's z' ≈ z'': " + say("zrect_tracks_real_strong") + " " + say("zrect_closer_than_z"),
        f"{100 * metrics['average_compound_negative_fraction']:.0f} % of the entries of C are negative (seed 0), and "
        f"rectifying them (C') changes C by {100 * metrics['average_rectification_change']:.0f} % of its norm; the "
        "clipping of Eq. 17 acts on the product, the real network's ReLUs on the first-layer responses.",
    ]
    side = metrics.get("c3_field_on_c1", 10)
    none = metrics["units_without_rectified_inputs"]
    out.append(
        f"Kuo's analysis is exact only where no first-layer correlation is rectified. In LeNet-5 (seed 0) on these "
        f"images {100 * metrics['c1_rectified_fraction']:.0f} % of the C1 correlations are negative (clipped by the "
        f"ReLU); a C3 unit sees {100 * metrics['rectified_inputs_per_unit_mean']:.0f} % clipped inputs in the "
        f"{side}x{side} block of C1 outputs it reads, and {100 * none:.2f} % of the C3 units see none"
        + (": the exact regime does not occur here." if none == 0 else ".")
    )
    out.append(
        f"C computed as the matrix product A B (Eq. 21) equals the convolutional computation to "
        f"{metrics['ab_product_vs_conv_max_abs_diff']:.1e}."
    )
    return out


_NO_NUMBER = "z ≈ z' ≈ z'' (no number)"
EXPERIMENT = Experiment(
    name="recos-cascade",
    title="Two-layer RECOS cascade: compound anchors C = AB, C' and z, z', z'' (LeNet-5)",
    paper="kuo2016recos",
    reproduces="Kuo (2016) §3, Eqs. 11-23 and Figs. 6-7",
    config=Config,
    scales={**evaluation_scales(), "ci": {**evaluation_scales()["ci"], "eval_images": 500, "control_seeds": 10}},
    measure=measure,
    notebook="notebooks/recos_cascade",
    datasets=DATASETS,
    report_rows=(
        ReportRow(
            "Kuo §3 (Eq. 12, 16)",
            "z vs real z'' where z'' is strongly positive: correlation",
            "average_corr_z_strong",
            _NO_NUMBER,
            control=_UNTRAINED,
            figure="fig-recos-cascade-scatter",
            claim="z_tracks_real_strong",
        ),
        ReportRow(
            "Kuo §3 (Eq. 16-17)",
            "z' (rectified C') vs real z'' where strongly positive: correlation",
            "average_corr_zrect_strong",
            _NO_NUMBER,
            control=_UNTRAINED,
            figure="fig-recos-cascade-scatter",
            claim="zrect_tracks_real_strong",
        ),
        ReportRow(
            "Kuo §3",
            "z vs real z'' elsewhere: correlation",
            "average_corr_z_rest",
            "may differ (no number)",
            control=_UNTRAINED,
        ),
        ReportRow(
            "Kuo §3",
            "corr(z, z'') where strongly positive minus elsewhere",
            "average_strong_minus_rest_corr_z",
            "> 0 (no number)",
            source="derived",
            control=_UNTRAINED,
            claim="z_better_where_strong",
        ),
        ReportRow(
            "Kuo §3 (exact regime)",
            "C3 units whose 10x10 block of C1 outputs has no rectified entry",
            "units_without_rectified_inputs",
            "no number",
            source="ours",
            format="percent",
        ),
    ),
    findings=findings,
    metrics=Metrics,
    claims=CLAIMS,
)
make_config, run = EXPERIMENT.make_config, EXPERIMENT.run
