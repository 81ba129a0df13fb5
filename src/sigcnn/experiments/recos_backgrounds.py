"""Kuo (2016), Fig. 8: do background scenes fade between the first and the second layer?

LeNet-5 is trained on MNIST digits put on a blank background or one of ten scenes (scikit-image
photographs). For every test digit we compare the layer responses to the digit on a blank
background with those to the same digit on a scene: the relative change
``|r_scene - r_blank| / |r_blank|`` at C1 (after ReLU) and at C3 (after ReLU), averaged over
the test set. Kuo's claim is that the change is large in layer 1 and diminishes in layer 2.
An untrained network and a network trained on plain digits are the controls.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import torch

from ..data import IMAGE_DATASETS
from ..models import LeNet5
from ..provenance import Stopwatch, make_provenance
from ..results import Result
from ..runtime import resolve_device, set_seed
from ..scenes import SCENE_NAMES, put_on_backgrounds
from ..training import accuracy
from ..transforms import to_symmetric
from ._recos_common import LeNetConfig, build_config, cache_note, lenet_scales, load_data, trained_lenet, training_spec

NAME = "recos-backgrounds"
ORDER = 14
TITLE = "Background scenes fade in the second layer (LeNet-5 on MNIST with ten scenes)"
PAPER = "kuo2016recos"
REPRODUCES = "Kuo (2016) §3, Fig. 8"
DATASETS = IMAGE_DATASETS

REPORT_ROWS = [
    {"reproduces": "Kuo Fig. 8", "quantity": "relative change of C1 response, scene vs blank background",
     "paper": "large (no number)", "metric": "change_layer1"},
    {"reproduces": "Kuo Fig. 8", "quantity": "relative change of C3 response, scene vs blank background",
     "paper": "diminishes (no number)", "metric": "change_layer2"},
    {"reproduces": "Kuo Fig. 8", "quantity": "LeNet-5 accuracy on digits with scenes",
     "paper": "no number", "metric": "accuracy_scenes"},
]


@dataclass(frozen=True)
class Config(LeNetConfig):
    """Settings of one run; :func:`make_config` gives the ones of each scale."""

    scenes_contrast: float = 0.6
    eval_images: int = 1000
    plain_control: bool = True


_SCALES = lenet_scales(
    ci=dict(eval_images=1000), laptop=dict(eval_images=10000), full=dict(eval_images=10000),
)


def make_config(scale: str | None = None, **overrides) -> Config:
    """The configuration of a scale profile, with optional overrides (``seed=1``, ``dataset=...``)."""
    config = build_config(Config, _SCALES, NAME, DATASETS, scale, overrides)
    if not 0.0 < config.scenes_contrast <= 1.0:
        raise ValueError(f"scenes_contrast must be in (0, 1], got {config.scenes_contrast}")
    return config


@torch.no_grad()
def layer_responses(model: LeNet5, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """C1 and C3 responses after their ReLU (the 6 and 16 channel images of Fig. 8)."""
    r1 = model.act1(model.c1(x))
    r2 = model.act3(model.c3(model.s2(r1)))
    return r1, r2


def relative_change(scene: torch.Tensor, blank: torch.Tensor) -> np.ndarray:
    """``|scene - blank| / |blank|`` per image (over channels and positions)."""
    diff = (scene - blank).flatten(1).norm(dim=1)
    return (diff / blank.flatten(1).norm(dim=1).clamp_min(1e-12)).cpu().numpy()


def background_change(model: LeNet5, x_blank: torch.Tensor, x_scene: torch.Tensor) -> dict:
    """Mean relative change of each layer's response when the blank background becomes a scene."""
    b1, b2 = layer_responses(model, x_blank)
    s1, s2 = layer_responses(model, x_scene)
    c1, c2 = relative_change(s1, b1), relative_change(s2, b2)
    return {"layer1": float(c1.mean()), "layer2": float(c2.mean()), "per_image_layer1": c1,
            "per_image_layer2": c2}


def run(config: Config, progress: bool = False) -> Result:
    """Run the experiment and return its :class:`~sigcnn.results.Result`."""
    device = resolve_device(config.device)
    with Stopwatch() as clock:
        spec = training_spec(config)
        data = load_data(spec)
        model, info = trained_lenet(spec, data, device, progress)
        x_test, y_test = data["x_test"].to(device), data["y_test"].to(device)
        which = data["which_test"]
        metrics: dict = {"train_images": int(data["x_train"].shape[0]), "test_images": int(x_test.shape[0]),
                         "accuracy_scenes": accuracy(model, x_test[which >= 0], y_test[which >= 0]),
                         "accuracy_blank": accuracy(model, x_test[which < 0], y_test[which < 0])}
        backgrounds = data["backgrounds"]
        digits = data["test_u8"][:config.eval_images]
        n = digits.shape[0]
        gen = torch.Generator().manual_seed(config.seed + 11)
        scene_idx = torch.randint(0, len(backgrounds), (n,), generator=gen)
        x_blank = to_symmetric(put_on_backgrounds(digits, backgrounds, torch.full((n,), -1)), pad_to=None).to(device)
        x_scene = to_symmetric(put_on_backgrounds(digits, backgrounds, scene_idx), pad_to=None).to(device)
        trained = background_change(model, x_blank, x_scene)
        metrics["eval_images"] = n
        metrics["change_layer1"], metrics["change_layer2"] = trained["layer1"], trained["layer2"]
        metrics["fade_ratio"] = trained["layer2"] / trained["layer1"]
        metrics["fraction_images_fading"] = float((trained["per_image_layer2"] < trained["per_image_layer1"]).mean())

        set_seed(config.seed + 300)
        untrained = LeNet5(num_classes=data["data"].num_classes).to(device).eval()
        ctrl = background_change(untrained, x_blank, x_scene)
        metrics["untrained_change_layer1"], metrics["untrained_change_layer2"] = ctrl["layer1"], ctrl["layer2"]
        metrics["untrained_fade_ratio"] = ctrl["layer2"] / ctrl["layer1"]
        notes = [data["data"].split_note, "Scenes model: " + cache_note(info),
                 f"Backgrounds: skimage.data {', '.join(SCENE_NAMES)} (grey, 32x32, contrast {config.scenes_contrast})."]
        if config.plain_control:
            plain_spec = replace(spec, scenes_contrast=None)
            plain_data = load_data(plain_spec)
            plain, plain_info = trained_lenet(plain_spec, plain_data, device, progress)
            ctrl = background_change(plain, x_blank, x_scene)
            metrics["plain_change_layer1"], metrics["plain_change_layer2"] = ctrl["layer1"], ctrl["layer2"]
            metrics["plain_fade_ratio"] = ctrl["layer2"] / ctrl["layer1"]
            metrics["plain_accuracy_scenes"] = accuracy(plain, x_scene, data["y_test"][:n].to(device))
            notes.append("Plain-digit control model: " + cache_note(plain_info))

        # Fig. 8: one digit on a blank background and on two scenes, with its 6 + 16 channel images.
        pick = torch.tensor([0, 0, 0])
        examples = to_symmetric(put_on_backgrounds(digits[pick], backgrounds, torch.tensor([-1, 0, 3])), pad_to=None)
        r1, r2 = layer_responses(model, examples.to(device))
        gallery_digits = digits[torch.arange(1, 11)]
        gallery = put_on_backgrounds(gallery_digits, backgrounds, torch.arange(10))
        arrays = {"fig8_inputs": examples[:, 0].cpu().numpy(), "fig8_layer1": r1.cpu().numpy(),
                  "fig8_layer2": r2.cpu().numpy(), "gallery": gallery.numpy(), "backgrounds": backgrounds,
                  "per_image_change_layer1": trained["per_image_layer1"],
                  "per_image_change_layer2": trained["per_image_layer2"], "loss": info["loss"]}
    provenance = make_provenance(config, device, data["data"].data_source, clock.seconds, notes)
    return Result(NAME, config.scale, metrics, arrays, provenance)


def findings(metrics: dict) -> list[str]:
    """Plain-language verdicts on Kuo's claim, computed from the measured ``metrics``."""
    pct = lambda key: f"{100 * metrics[key]:.0f} %"  # noqa: E731
    fades = metrics["change_layer2"] < metrics["change_layer1"]
    out = [
        f"Putting a scene behind a digit changes the trained network's C1 response by {pct('change_layer1')} and its "
        f"C3 response by {pct('change_layer2')} (ratio {metrics['fade_ratio']:.2f}; the second layer changes less "
        f"for {pct('fraction_images_fading')} of the digits). "
        + ("The background fades in the second layer, as Kuo's Fig. 8 shows." if fades else
           "The background does NOT fade in the second layer: this does not support Kuo's Fig. 8."),
        f"The network reaches {100 * metrics['accuracy_scenes']:.2f} % on digits with scenes and "
        f"{100 * metrics['accuracy_blank']:.2f} % on blank backgrounds.",
    ]
    u = metrics["untrained_fade_ratio"]
    learned = metrics["fade_ratio"] < 0.9 * u
    out.append(
        f"Control: an untrained LeNet-5 gives a ratio of {u:.2f} ({pct('untrained_change_layer1')} vs "
        f"{pct('untrained_change_layer2')}). "
        + ("So the trained network suppresses backgrounds clearly more than the architecture alone does: the fade "
           "is learned." if learned else
           "So much of the fade, if any, comes from the architecture (pooling, biases, ReLU), not from training."))
    if "plain_fade_ratio" in metrics:
        out.append(
            f"A network trained on plain digits only gives a ratio of {metrics['plain_fade_ratio']:.2f} and reaches "
            f"{100 * metrics['plain_accuracy_scenes']:.2f} % on digits with scenes: training with backgrounds is what "
            + ("makes it robust to them." if metrics["accuracy_scenes"] > metrics["plain_accuracy_scenes"] + 0.02
               else "(here) does not change much."))
    return out
