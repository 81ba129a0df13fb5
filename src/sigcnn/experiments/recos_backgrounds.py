"""Kuo (2016), Fig. 8: do background scenes fade between the first and the second layer?

LeNet-5s trained on MNIST digits on a blank background or one of ten scenes; per test digit, the
relative change ``|r_scene - r_blank| / |r_blank|`` of the C1 and C3 responses (after ReLU). The
same networks untrained are the control; a network trained on plain digits is a comparison.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..data.scenes import SCENE_NAMES, put_on_backgrounds
from ..data.transforms import to_symmetric
from ..models.trained_lenet import trained_lenets, untrained_lenet
from ..models.training import accuracy
from ..probes.backgrounds import BackgroundChange, background_change, layer_responses
from ..verdicts import Claim, Verdict, sentence
from ._base import Experiment, Measured, ReportRow, RunContext
from ._lenet import DATASETS, LeNetConfig, evaluation_scales, training_spec
from ._metrics import Replicated, mean_of

CONTROL_SEED_OFFSET = 1000
"""Untrained control networks use initialisation seeds ``seed + 1000`` onwards (none is a trained seed)."""


@dataclass(frozen=True)
class Config(LeNetConfig):
    """Settings of one run; ``seeds`` networks are trained on scenes (seeds ``seed``, ``seed + 1``, ...)."""

    seeds: int = 3
    control_seeds: int = 12
    scenes_contrast: float = 0.6
    eval_images: int = 1000
    plain_control: bool = True

    def __post_init__(self):
        if not 0.0 < self.scenes_contrast <= 1.0:
            raise ValueError(f"scenes_contrast must be in (0, 1], got {self.scenes_contrast}")


@dataclass(frozen=True)
class LayerChange:
    """The per-layer relative change of one network (mean over the evaluation digits)."""

    change_layer1: float
    change_layer2: float
    fade_ratio: float


@dataclass(frozen=True)
class Metrics:
    """What a run measures. ``change_layer*``/``fade_ratio`` hold one value per trained seed
    beside ``control_seeds`` untrained networks."""

    train_images: int
    test_images: int
    seeds: int
    control_seeds: int
    eval_images: int
    accuracy_scenes: float
    accuracy_blank: float
    seed0: LayerChange
    fraction_images_fading: float
    change_layer1: Replicated
    change_layer2: Replicated
    fade_ratio: Replicated
    fade_ratio_below_one: Replicated
    """1 − ratio per trained seed (the paper's "fades": above 0)."""
    plain: LayerChange | None = None
    plain_accuracy_scenes: float | None = None


def _layer_change(change: BackgroundChange) -> LayerChange:
    return LayerChange(float(change.layer1.mean()), float(change.layer2.mean()), float(change.ratio))


def measure(config: Config, ctx: RunContext) -> Measured:
    """Train on scenes, measure the per-layer change; many untrained networks as the control."""
    dev = ctx.device
    data, nets = trained_lenets(
        training_spec(config, scenes_contrast=config.scenes_contrast), config.seeds, dev, ctx.progress
    )
    model = nets[0].model
    if data.backgrounds is None or data.which_test is None:  # a spec with scenes_contrast loads both
        raise ValueError("the LeNet-5 data were loaded without scenes")
    x_test, y_test, which = data.x_test.to(dev), data.y_test.to(dev), data.which_test
    backgrounds, digits = data.backgrounds, data.test_u8[: config.eval_images]
    n = digits.shape[0]
    scene_idx = torch.randint(0, len(backgrounds), (n,), generator=torch.Generator().manual_seed(config.seed + 11))
    x_blank = to_symmetric(put_on_backgrounds(digits, backgrounds, torch.full((n,), -1)), pad_to=None).to(dev)
    x_scene = to_symmetric(put_on_backgrounds(digits, backgrounds, scene_idx), pad_to=None).to(dev)
    trained = [_layer_change(background_change(net.model, x_blank, x_scene)) for net in nets]
    seed0 = background_change(nets[0].model, x_blank, x_scene)
    # Untrained networks cost no training: many seeds (disjoint from the trained ones) give the control a
    # real distribution for the test.
    controls = [
        _layer_change(
            background_change(
                untrained_lenet(config.seed + CONTROL_SEED_OFFSET + s, data.num_classes, dev), x_blank, x_scene
            )
        )
        for s in range(config.control_seeds)
    ]
    field = lambda rows, name: [getattr(r, name) for r in rows]  # noqa: E731
    plain = plain_accuracy = None
    notes = [
        data.split.split_note,
        *("Scenes model: " + net.note for net in nets),
        f"Backgrounds: skimage.data {', '.join(SCENE_NAMES)} (grey, 32x32, contrast {config.scenes_contrast}).",
        f"{len(nets)} training seeds; the control is {config.control_seeds} untrained networks "
        f"(initialisation seeds {config.seed + CONTROL_SEED_OFFSET} onwards). "
        "Shuffled-label controls are not run at this scale.",
    ]
    if config.plain_control:
        _, (plain_net,) = trained_lenets(training_spec(config, scenes_contrast=None), 1, dev, ctx.progress)
        plain = _layer_change(background_change(plain_net.model, x_blank, x_scene))
        plain_accuracy = accuracy(plain_net.model, x_scene, data.y_test[:n].to(dev))
        notes.append("Plain-digit model (one seed): " + plain_net.note)
    metrics = Metrics(
        train_images=int(data.x_train.shape[0]),
        test_images=int(x_test.shape[0]),
        seeds=len(nets),
        control_seeds=config.control_seeds,
        eval_images=n,
        accuracy_scenes=accuracy(model, x_test[which >= 0], y_test[which >= 0]),
        accuracy_blank=accuracy(model, x_test[which < 0], y_test[which < 0]),
        seed0=trained[0],
        fraction_images_fading=float((seed0.layer2 < seed0.layer1).mean()),
        change_layer1=Replicated.of(field(trained, "change_layer1"), field(controls, "change_layer1")),
        change_layer2=Replicated.of(field(trained, "change_layer2"), field(controls, "change_layer2")),
        fade_ratio=Replicated.of(field(trained, "fade_ratio"), field(controls, "fade_ratio")),
        fade_ratio_below_one=Replicated.of([1.0 - r for r in field(trained, "fade_ratio")]),
        plain=plain,
        plain_accuracy_scenes=plain_accuracy,
    )

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
        "per_image_change_layer1": seed0.layer1,
        "per_image_change_layer2": seed0.layer2,
        "loss": nets[0].loss,
    }
    return Measured(metrics, arrays, data.split.data_source, notes)


CLAIMS = (
    Claim(
        "fades",
        "the background's effect diminishes from the first to the second layer (C3/C1 change ratio below 1)",
        "fade_ratio_below_one_replicates",
        "greater",
        "training seeds",
        no_control="the paper's statement is about the trained network's own ratio; 1 − ratio against 0 (no fade)",
    ),
    Claim(
        "fade_is_learned",
        "training makes the fade stronger than it is at initialisation (a lower ratio than untrained networks)",
        "fade_ratio_replicates",
        "less",
        "training seeds",
        control="fade_ratio_control",
        control_label="untrained networks",
        source="ours",
    ),
)


def findings(metrics: dict, verdicts: dict[str, Verdict]) -> list[str]:
    """Plain-language verdicts on Kuo's claim, computed from the measured ``metrics`` and the engine's verdicts."""
    pct = lambda key: f"{100 * metrics[key]:.0f} %"  # noqa: E731
    claims = {c.id: c for c in CLAIMS}
    fades, learned = verdicts["fades"], verdicts["fade_is_learned"]
    out = [
        f"Putting a scene behind a digit changes the trained networks' C1 response by {pct('change_layer1')} and their "
        f"C3 response by {pct('change_layer2')} (mean of {metrics['seeds']} seeds; ratio "
        f"{metrics['fade_ratio']:.2f}; for seed 0 the second layer changes less for "
        f"{pct('fraction_images_fading')} of the digits).",
        "Kuo's Fig. 8 (the background fades): " + sentence(claims["fades"], fades),
        f"Is the fade learned? {metrics['control_seeds']} untrained networks give a mean ratio of "
        f"{mean_of(metrics['fade_ratio_control']):.2f}: " + sentence(claims["fade_is_learned"], learned),
        f"The seed-0 network reaches {100 * metrics['accuracy_scenes']:.2f} % on digits with scenes and "
        f"{100 * metrics['accuracy_blank']:.2f} % on blank backgrounds.",
    ]
    if metrics.get("plain_fade_ratio") is not None:
        out.append(
            f"A network trained on plain digits only (one seed, a comparison, not a test) gives a ratio of "
            f"{metrics['plain_fade_ratio']:.2f} and reaches {100 * metrics['plain_accuracy_scenes']:.2f} % on digits "
            "with scenes."
        )
    return out


_UNTRAINED = "untrained networks"
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
            claim="fades",
        ),
        ReportRow(
            "Kuo Fig. 8",
            "C3/C1 change ratio of trained networks against untrained ones (ours: is the fade learned?)",
            "fade_ratio",
            "no claim",
            source="ours",
            control=_UNTRAINED,
            claim="fade_is_learned",
        ),
        ReportRow(
            "Kuo Fig. 8", "LeNet-5 accuracy on digits with scenes", "accuracy_scenes", "no number", format="percent"
        ),
    ),
    findings=findings,
    metrics=Metrics,
    claims=CLAIMS,
)
make_config, run = EXPERIMENT.make_config, EXPERIMENT.run
