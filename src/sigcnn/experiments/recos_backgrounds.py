"""Kuo (2016), Fig. 8: do background scenes fade between the first and the second layer?

LeNet-5s trained on MNIST digits on a blank background or one of ten scenes; per test digit, the
relative change ``|r_scene - r_blank| / |r_blank|`` of the C1 and C3 responses (after ReLU). The
same networks untrained are the control; a network trained on plain digits is a comparison.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..controls import compare_to_controls, control_metrics
from ..data.scenes import SCENE_NAMES, put_on_backgrounds
from ..data.transforms import to_symmetric
from ..probes.backgrounds import BackgroundChange, background_change, layer_responses
from ..training import accuracy
from ._base import Experiment, Measured, ReportRow, RunContext
from ._recos_common import DATASETS, LeNetConfig, evaluation_scales, trained_lenets, untrained_lenet


@dataclass(frozen=True)
class Config(LeNetConfig):
    """Settings of one run; ``seeds`` networks are trained on scenes (seeds ``seed``, ``seed + 1``, ...)."""

    seeds: int = 3
    scenes_contrast: float = 0.6
    eval_images: int = 1000
    plain_control: bool = True

    def __post_init__(self):
        if not 0.0 < self.scenes_contrast <= 1.0:
            raise ValueError(f"scenes_contrast must be in (0, 1], got {self.scenes_contrast}")


def _store(metrics: dict, prefix: str, change: BackgroundChange) -> None:
    metrics[f"{prefix}change_layer1"], metrics[f"{prefix}change_layer2"] = (
        float(change.layer1.mean()),
        float(change.layer2.mean()),
    )
    metrics[f"{prefix}fade_ratio"] = change.ratio


def measure(config: Config, ctx: RunContext) -> Measured:
    """Train on scenes, measure the per-layer change; untrained networks of the same seeds as the control."""
    dev = ctx.device
    data, nets = trained_lenets(config, config.seeds, dev, ctx.progress, scenes_contrast=config.scenes_contrast)
    model = nets[0].model
    x_test, y_test, which = data.x_test.to(dev), data.y_test.to(dev), data.which_test
    metrics: dict = {
        "train_images": int(data.x_train.shape[0]),
        "test_images": int(x_test.shape[0]),
        "seeds": len(nets),
        "accuracy_scenes": accuracy(model, x_test[which >= 0], y_test[which >= 0]),
        "accuracy_blank": accuracy(model, x_test[which < 0], y_test[which < 0]),
    }
    backgrounds, digits = data.backgrounds, data.test_u8[: config.eval_images]
    n = digits.shape[0]
    scene_idx = torch.randint(0, len(backgrounds), (n,), generator=torch.Generator().manual_seed(config.seed + 11))
    x_blank = to_symmetric(put_on_backgrounds(digits, backgrounds, torch.full((n,), -1)), pad_to=None).to(dev)
    x_scene = to_symmetric(put_on_backgrounds(digits, backgrounds, scene_idx), pad_to=None).to(dev)
    metrics["eval_images"] = n
    trained = [background_change(net.model, x_blank, x_scene) for net in nets]
    controls = [
        background_change(untrained_lenet(config.seed + s, data.num_classes, dev), x_blank, x_scene)
        for s in range(len(nets))
    ]
    _store(metrics, "seed0_", trained[0])
    metrics["fraction_images_fading"] = float((trained[0].layer2 < trained[0].layer1).mean())
    for metric, of in (
        ("change_layer1", lambda c: c.layer1.mean()),
        ("change_layer2", lambda c: c.layer2.mean()),
        ("fade_ratio", lambda c: c.ratio),
    ):
        values, ctrl = [of(c) for c in trained], [of(c) for c in controls]
        metrics.update(control_metrics(metric, compare_to_controls(values, ctrl)))
        metrics[f"untrained_{metric}"] = float(np.mean(ctrl))
    notes = [
        data.split.split_note,
        *("Scenes model: " + net.note for net in nets),
        f"Backgrounds: skimage.data {', '.join(SCENE_NAMES)} (grey, 32x32, contrast {config.scenes_contrast}).",
        f"{len(nets)} training seeds; the control is the same networks untrained (same initialisation seeds). "
        "Shuffled-label controls are not run at this scale.",
    ]
    if config.plain_control:
        _, (plain,) = trained_lenets(config, 1, dev, ctx.progress, scenes_contrast=None)
        _store(metrics, "plain_", background_change(plain.model, x_blank, x_scene))
        metrics["plain_accuracy_scenes"] = accuracy(plain.model, x_scene, data.y_test[:n].to(dev))
        notes.append("Plain-digit model (one seed): " + plain.note)

    # Fig. 8: one digit on a blank background and on two scenes, with its 6 + 16 channel images.
    examples = to_symmetric(
        put_on_backgrounds(digits[torch.tensor([0, 0, 0])], backgrounds, torch.tensor([-1, 0, 3])), pad_to=None
    )
    r1, r2 = layer_responses(model, examples.to(dev))
    arrays = {
        "fig8_inputs": examples[:, 0].cpu().numpy(),
        "fig8_layer1": r1.cpu().numpy(),
        "fig8_layer2": r2.cpu().numpy(),
        "backgrounds": backgrounds,
        "gallery": put_on_backgrounds(digits[torch.arange(1, 11)], backgrounds, torch.arange(10)).numpy(),
        "per_image_change_layer1": trained[0].layer1,
        "per_image_change_layer2": trained[0].layer2,
        "loss": nets[0].loss,
    }
    return Measured(metrics, arrays, data.split.data_source, notes)


def findings(metrics: dict) -> list[str]:
    """Plain-language verdicts on Kuo's claim, computed from the measured ``metrics``."""
    pct = lambda key: f"{100 * metrics[key]:.0f} %"  # noqa: E731
    fades = metrics["fade_ratio"] < 1.0
    learned = metrics.get("fade_ratio_outside_controls", False)
    out = [
        f"Putting a scene behind a digit changes the trained networks' C1 response by {pct('change_layer1')} and their "
        f"C3 response by {pct('change_layer2')} (mean of {metrics['seeds']} seeds; ratio "
        f"{metrics['fade_ratio']:.2f}; for "
        f"seed {0} the second layer changes less for {pct('fraction_images_fading')} of the digits). "
        + (
            "The background fades in the second layer, as Kuo's Fig. 8 shows."
            if fades
            else "The background does NOT fade in the second layer: this does not support Kuo's Fig. 8."
        ),
        f"Control: the same networks untrained give ratios {metrics['fade_ratio_control_min']:.2f}–"
        f"{metrics['fade_ratio_control_max']:.2f} ({pct('untrained_change_layer1')} vs "
        f"{pct('untrained_change_layer2')}). "
        + (
            "The trained ratio lies outside that spread, so the fade is an effect of training."
            if fades and learned
            else "The trained ratio lies inside that spread: the fade holds at initialisation and comes from the "
            "architecture (pooling, biases, ReLU), not from training."
            if fades
            else ""
        ),
        f"The seed-0 network reaches {100 * metrics['accuracy_scenes']:.2f} % on digits with scenes and "
        f"{100 * metrics['accuracy_blank']:.2f} % on blank backgrounds.",
    ]
    if "plain_fade_ratio" in metrics:
        out.append(
            f"A network trained on plain digits only gives a ratio of {metrics['plain_fade_ratio']:.2f} and reaches "
            f"{100 * metrics['plain_accuracy_scenes']:.2f} % on digits with scenes: training with backgrounds is what "
            + (
                "makes it robust to them."
                if metrics["accuracy_scenes"] > metrics["plain_accuracy_scenes"] + 0.02
                else "(here) does not change much."
            )
        )
    return out


_UNTRAINED = "untrained, same seeds"
EXPERIMENT = Experiment(
    name="recos-backgrounds",
    title="Background scenes fade in the second layer (LeNet-5 on MNIST with ten scenes)",
    paper="kuo2016recos",
    reproduces="Kuo (2016) §3, Fig. 8",
    config=Config,
    scales=evaluation_scales(),
    measure=measure,
    notebook="notebooks/recos_cascade",
    datasets=DATASETS,
    report_rows=(
        ReportRow(
            "Kuo Fig. 8",
            "relative change of C1 response, scene vs blank background",
            "change_layer1",
            "large (no number)",
            format="percent",
            control=_UNTRAINED,
            figure="fig-recos-backgrounds-bars",
        ),
        ReportRow(
            "Kuo Fig. 8",
            "relative change of C3 response, scene vs blank background",
            "change_layer2",
            "diminishes (no number)",
            format="percent",
            control=_UNTRAINED,
            figure="fig-recos-backgrounds-bars",
        ),
        ReportRow(
            "Kuo Fig. 8",
            "C3 change / C1 change (below 1: the background fades)",
            "fade_ratio",
            "< 1 (no number)",
            source="derived",
            control=_UNTRAINED,
        ),
        ReportRow(
            "Kuo Fig. 8", "LeNet-5 accuracy on digits with scenes", "accuracy_scenes", "no number", format="percent"
        ),
    ),
    findings=findings,
)
make_config, run = EXPERIMENT.make_config, EXPERIMENT.run
NAME = EXPERIMENT.name
