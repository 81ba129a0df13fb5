"""Kuo (2016), section 3 (Eqs. 11-23): the two-layer cascade C1 -> C3 of a trained LeNet-5.

The compound anchors ``C = A B`` (and ``C'``, Eq. 17) against the real network's C3 correlation
``z''`` on test images, where it is strongly positive (Kuo's approximation) and elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

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
from ..training import accuracy
from ._base import Experiment, Measured, ReportRow, RunContext
from ._recos_common import DATASETS, LeNetConfig, evaluation_scales, trained_lenets


@dataclass(frozen=True)
class Config(LeNetConfig):
    """Settings of one run."""

    eval_images: int = 1000
    strong_quantile: float = 0.9
    scatter_points: int = 4000

    def __post_init__(self):
        if not 0.0 < self.strong_quantile < 1.0:
            raise ValueError(f"strong_quantile must be in (0, 1), got {self.strong_quantile}")


def measure(config: Config, ctx: RunContext) -> Measured:
    """z, z' and z'' over real test images, for both linear stand-ins of the pooling."""
    data, (net,) = trained_lenets(config, 1, ctx.device, ctx.progress)
    model = net.model.cpu()
    x = data.x_test[: config.eval_images]
    metrics: dict = {
        "train_images": int(data.x_train.shape[0]),
        "eval_images": int(x.shape[0]),
        "test_accuracy": accuracy(model, data.x_test, data.y_test),
    }
    arrays: dict = {"loss": net.loss}
    rng = np.random.default_rng(config.seed)
    for pooling in POOLINGS:
        out = cascade_responses(model, x, pooling)
        real = out["z_real_pre"]
        strong = strong_mask(real, config.strong_quantile)
        metrics[f"{pooling}_strong_fraction"] = float(strong.mean())
        for label, key in (("z", "z"), ("zrect", "z_rect")):
            for region, mask in (("strong", strong), ("rest", ~strong)):
                corr, rel = agreement(out[key][mask], real[mask])
                metrics[f"{pooling}_corr_{label}_{region}"], metrics[f"{pooling}_relerr_{label}_{region}"] = corr, rel
        c = compound_anchors(model.c1.weight, model.c3.weight, pooling)
        metrics[f"{pooling}_compound_negative_fraction"] = float((c < 0).mean())
        metrics[f"{pooling}_rectification_change"] = float(np.linalg.norm(np.minimum(c, 0)) / np.linalg.norm(c))
        arrays[f"{pooling}_compound"] = c
        pick = rng.choice(real.size, size=min(config.scatter_points, real.size), replace=False)
        arrays[f"{pooling}_scatter"] = np.stack(
            [real.ravel()[pick], out["z"].ravel()[pick], out["z_rect"].ravel()[pick], strong.ravel()[pick]], axis=1
        )
    # Kuo's exact regime: no first-layer correlation in the block of C1 outputs a C3 unit reads is rectified.
    with torch.no_grad():
        negative = model.c1(x) < 0  # (M, 6, 28, 28)
    per_unit = count_in_c3_fields(negative)  # (M, 1, 10, 10)
    side = c3_field_on_c1()
    metrics["c3_field_on_c1"] = side
    metrics["c1_rectified_fraction"] = float(negative.to(torch.float64).mean())
    metrics["units_without_rectified_inputs"] = float((per_unit == 0).to(torch.float64).mean())
    metrics["rectified_inputs_per_unit_mean"] = float(per_unit.mean() / (negative.shape[1] * side * side))
    a_mat, b_mat = first_layer_matrix(model.c1.weight, "subsample"), second_layer_matrix(model.c3.weight)
    c_mat = a_mat @ b_mat
    metrics["ab_product_vs_conv_max_abs_diff"] = float(
        np.abs(c_mat - arrays["subsample_compound"].reshape(c_mat.shape[1], -1).T).max()
    )
    k, centre = model.c1.weight.shape[0], (13 // 2) * 13 + 13 // 2
    arrays["alpha_centre"] = a_mat[centre].reshape(5, 5, k).transpose(2, 0, 1)  # (K, 5, 5) over positions
    arrays["alpha_corner"] = a_mat[0].reshape(5, 5, k).transpose(2, 0, 1)
    arrays["coverage"] = compound_anchors(np.ones((1, 1, 5, 5)), np.ones((1, 1, 5, 5)), "subsample")[0]
    arrays["c1_weights"] = model.c1.weight.detach().numpy()
    notes = [
        data.split.split_note,
        net.note,
        "Max pooling (S2) is not linear; the compound anchors use a linear stand-in, 2x2 averaging "
        "(14x14 field, reported as 'average') or keeping every second C1 output (Kuo's 13x13 field, "
        "'subsample'). z'' is the real network (max pooling, both ReLUs), compared before its ReLU.",
        f"A C3 unit reads a {side}x{side} block of C1 outputs (6 channels); its field in pixels is 14x14.",
    ]
    return Measured(metrics, arrays, data.split.data_source, notes)


def findings(metrics: dict) -> list[str]:
    """Plain-language verdicts on Kuo's claims, computed from the measured ``metrics``."""
    out = []
    for pooling, field in (("average", "14x14, 2x2 averaging"), ("subsample", "13x13, subsampling")):
        g = lambda key, p=pooling: metrics[f"{p}_{key}"]  # noqa: E731
        close = g("corr_z_strong") > 0.9 and g("relerr_z_strong") < 0.3
        out.append(
            f"Compound anchors {field}: where the real C3 correlation is strongly positive (top "
            f"{100 * g('strong_fraction'):.0f} % of units), z follows the real z'' with correlation "
            f"{g('corr_z_strong'):.3f} (relative error {g('relerr_z_strong'):.2f}) and z' with "
            f"{g('corr_zrect_strong'):.3f} (relative error {g('relerr_zrect_strong'):.2f}); elsewhere z reaches "
            f"{g('corr_z_rest'):.3f} and z' {g('corr_zrect_rest'):.3f}. "
            + (
                "Kuo's approximation z ≈ z'' holds well there."
                if close
                else "Kuo's approximation z ≈ z'' is only rough even there."
            )
        )
    better = metrics["average_relerr_zrect_strong"] < metrics["average_relerr_z_strong"]
    out.append(
        f"{100 * metrics['average_compound_negative_fraction']:.0f} % of the entries of C are negative, and "
        f"rectifying them (C') changes C by {100 * metrics['average_rectification_change']:.0f} % of its norm. "
        + (
            "Using C' brings the prediction closer to the real network where correlations are strong."
            if better
            else "Using C' instead of C does not bring the prediction closer to the real network: the clipping of "
            "Eq. 17 is not what the real network's two ReLUs do."
        )
    )
    side = metrics.get("c3_field_on_c1", 10)
    out.append(
        f"Kuo's analysis is exact only where no first-layer correlation is rectified. In LeNet-5 on these images "
        f"{100 * metrics['c1_rectified_fraction']:.0f} % of the C1 correlations are negative (clipped by the ReLU); "
        f"a C3 unit sees {100 * metrics['rectified_inputs_per_unit_mean']:.0f} % clipped inputs in the {side}x{side} "
        f"block of C1 outputs it reads, and {100 * metrics['units_without_rectified_inputs']:.2f} % of the C3 "
        "units see "
        "none. "
        + (
            "So the exact regime essentially never occurs; the approximation has to carry the whole argument."
            if metrics["units_without_rectified_inputs"] < 0.01
            else "So the exact regime does occur for some units."
        )
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
    scales=evaluation_scales(),
    measure=measure,
    notebook="notebooks/recos_cascade",
    datasets=DATASETS,
    report_rows=(
        ReportRow(
            "Kuo §3 (Eq. 12, 16)",
            "z vs real z'' where z'' is strongly positive: correlation",
            "average_corr_z_strong",
            _NO_NUMBER,
            figure="fig-recos-cascade-scatter",
        ),
        ReportRow(
            "Kuo §3 (Eq. 16-17)",
            "z' (rectified C') vs real z'' where strongly positive: correlation",
            "average_corr_zrect_strong",
            _NO_NUMBER,
            figure="fig-recos-cascade-scatter",
        ),
        ReportRow("Kuo §3", "z vs real z'' elsewhere: correlation", "average_corr_z_rest", "may differ (no number)"),
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
)
make_config, run = EXPERIMENT.make_config, EXPERIMENT.run
NAME = EXPERIMENT.name
