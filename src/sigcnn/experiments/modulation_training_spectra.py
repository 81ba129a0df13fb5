"""Wu et al. (2022) §5.1.2, Eqs. 40-42, Fig. 21: the (mu, nu) fit of feature spectra during training.

After every epoch a callback (:class:`~sigcnn.probes.feature_spectra.SpectrumFitMonitor`, which
does not change the run) fits ``log AE(rho) = mu log(1/rho^2) + nu`` to the class-pooled,
normalised energy spectrum of a layer's feature maps on a fixed probe batch. ``ci``: small
BN AlexNet-, VGG- and ResNet-like networks on Fashion-MNIST; ``full``: torchvision's
AlexNet (+ BatchNorm, ours), VGG19_bn, ResNet18 on Imagenette (three of the paper's five
networks; ResNet152 and ResNeXt50 are not run). Controls: the same networks
untrained (3 initialisation seeds). The external anchor: natural images have amplitude
spectra falling as 1/f^1.2 on average (Tolhurst et al. 1992), i.e. mu = 1.2; we fit mu on
natural photographs and on the training inputs with the same code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np
import torch

from ..controls import compare_to_controls, control_metrics
from ..data.images import load_image_dataset
from ..models.small_nets import SMALL_NETS
from ..probes.feature_spectra import SpectrumFitMonitor
from ..signals.spectral_summaries import average_normalised_spectrum, power_law_fit
from ..training import accuracy, train_seeded
from ._base import BaseConfig, Experiment, Measured, ReportRow, RunContext

ARCHITECTURES = tuple(SMALL_NETS)
PAPER_ARCHITECTURES = ("alexnet-bn-tv", "vgg19-bn", "resnet18")
PROBES = {
    **{a: ("block2", "block3") for a in SMALL_NETS},
    "alexnet-bn-tv": ("features.6", "features.16"),
    "vgg19-bn": ("features.38", "features.51"),
    "resnet18": ("layer2", "layer3"),
}
"""Per architecture: the (middle, last) layers whose outputs are fitted."""


def build_network(arch: str, in_channels: int, num_classes: int = 10) -> torch.nn.Module:
    """A small net of :data:`SMALL_NETS` or one of the paper's torchvision networks (random init)."""
    if arch in SMALL_NETS:
        return SMALL_NETS[arch](in_channels=in_channels, num_classes=num_classes)
    import torchvision

    from ..models.small_nets import alexnet_bn

    if arch == "alexnet-bn-tv":
        return alexnet_bn(num_classes)
    if arch == "vgg19-bn":
        return torchvision.models.vgg19_bn(weights=None, num_classes=num_classes)
    if arch == "resnet18":
        return torchvision.models.resnet18(weights=None, num_classes=num_classes)
    raise ValueError(f"unknown architecture {arch!r}: choose among {sorted(PROBES)}")


@dataclass(frozen=True)
class Config(BaseConfig):
    dataset: str = "fashion-mnist"
    architectures: tuple = ARCHITECTURES
    size: int = 160
    train_size: int = 2000
    test_size: int = 1000
    probe_size: int = 200
    epochs: int = 3
    batch_size: int = 64
    lr: float = 1e-3
    seeds: int = 3


def natural_image_mu(size: int = 256) -> tuple[float, int]:
    """mu of Eq. 42 fitted on centre crops of scikit-image's grey photographs (camera, grass, brick, ...)."""
    import skimage.data
    from skimage.color import rgb2gray

    crops = []
    for name in ("camera", "astronaut", "chelsea", "coffee", "rocket", "grass", "gravel", "brick", "moon", "horse"):
        img = np.asarray(getattr(skimage.data, name)(), dtype=np.float64)
        img = rgb2gray(img) if img.ndim == 3 else img / 255.0
        h, w = img.shape
        s = min(size, h, w)
        crop = img[(h - s) // 2 : (h - s) // 2 + s, (w - s) // 2 : (w - s) // 2 + s]
        crops.append(crop[: min(size, s), : min(size, s)][None])
    side = min(c.shape[-1] for c in crops)
    maps = np.stack([c[..., :side, :side] for c in crops])
    # remove the mean (DC) and window with a Hann taper so the image border adds no cross
    window = np.hanning(side)[:, None] * np.hanning(side)[None, :]
    maps = (maps - maps.mean(axis=(-2, -1), keepdims=True)) * window
    mu, _, n = power_law_fit(average_normalised_spectrum(maps)[0])
    return mu, n


def _load(config: Config, rng: np.random.Generator):
    if config.dataset == "imagenette":
        from ..data.paper_sets import load_imagenette

        x_tr, y_tr, _ = load_imagenette(config.train_size // 10, config.size, "train", config.seed)
        x_te, y_te, _ = load_imagenette(config.test_size // 10, config.size, "val", config.seed)
        f = lambda x: torch.from_numpy((x - 0.45) / 0.25).float()  # noqa: E731 (a one-line factory passed on)
        return f(x_tr), torch.from_numpy(y_tr), f(x_te), torch.from_numpy(y_te), "Imagenette (160 px)"
    if config.dataset == "cifar10":
        from ..data.cifar import load_cifar10

        split = load_cifar10()
        x_tr, y_tr = split.train_images, split.train_labels
        x_te, y_te = split.test_images, split.test_labels
        if x_tr.ndim == 4 and x_tr.shape[-1] == 3:
            x_tr, x_te = x_tr.permute(0, 3, 1, 2), x_te.permute(0, 3, 1, 2)
    else:
        split = load_image_dataset("fashion-mnist")
        x_tr, y_tr = split.train_images[:, None], split.train_labels
        x_te, y_te = split.test_images[:, None], split.test_labels
    tr = rng.permutation(x_tr.shape[0])[: config.train_size]
    te = rng.permutation(x_te.shape[0])[: config.test_size]
    f = lambda x: (x.float() / 255.0 - 0.5) / 0.25  # noqa: E731 (a one-line factory passed on)
    return f(x_tr[tr]), y_tr[tr], f(x_te[te]), y_te[te], split.data_source


def measure(config: Config, ctx: RunContext) -> Measured:
    rng = np.random.default_rng(config.seed)
    x_tr, y_tr, x_te, y_te, source = _load(config, rng)
    x_tr, y_tr, x_te, y_te = (t.to(ctx.device) for t in (x_tr, y_tr, x_te, y_te))
    probe = x_te[: config.probe_size]
    in_channels = x_tr.shape[1]
    metrics: dict = {}
    arrays: dict = {}
    centred = probe.double().cpu().numpy() - probe.double().cpu().numpy().mean(axis=(-2, -1), keepdims=True)
    metrics["input_mu"], _, metrics["input_radii"] = power_law_fit(average_normalised_spectrum(centred)[0])
    metrics["natural_mu"], metrics["natural_radii"] = natural_image_mu()
    final_mu: dict[str, list] = {}
    for arch in config.architectures:
        mid, last = PROBES[arch]
        trained_mu, untrained_mu, accs = [], [], []
        for s in range(config.seeds):
            monitor = SpectrumFitMonitor(probe, (mid, last))
            model = train_seeded(
                partial(build_network, arch, in_channels),
                x_tr,
                y_tr,
                seed=config.seed * 100 + s,
                epochs=config.epochs,
                batch_size=config.batch_size,
                lr=config.lr,
                callbacks=(monitor,),
                before_training=lambda m, monitor=monitor: monitor(-1, m),
            ).model
            untrained_mu.append(monitor.as_array(mid)[0, 1])
            accs.append(accuracy(model, x_te, y_te))
            for role, layer in (("block2", mid), ("block3", last)):
                arrays[f"{arch}_{role}_seed{s}"] = monitor.as_array(layer)
            trained_mu.append(monitor.as_array(mid)[-1, 1])
            metrics[f"{arch}_block2_radii"] = int(monitor.as_array(mid)[0, 3])
            metrics[f"{arch}_block3_radii"] = int(monitor.as_array(last)[0, 3])
            metrics[f"{arch}_block3_mu_final_seed{s}"] = float(monitor.as_array(last)[-1, 1])
        comp = compare_to_controls(trained_mu, untrained_mu, "untrained")
        metrics.update(control_metrics(f"{arch}_mu", comp))
        metrics[f"{arch}_test_accuracy"] = float(np.mean(accs))
        metrics[f"{arch}_mu_untrained_mean"] = float(np.mean(untrained_mu))
        final_mu[arch] = trained_mu
        arrays[f"{arch}_untrained_mu"] = np.array(untrained_mu)
    init_means = [metrics[f"{a}_mu_untrained_mean"] for a in config.architectures]
    final_means = [metrics[f"{a}_mu"] for a in config.architectures]
    metrics["mu_spread_untrained"] = float(np.ptp(init_means))
    metrics["mu_spread_trained"] = float(np.ptp(final_means))
    metrics["architectures_converge"] = bool(metrics["mu_spread_trained"] < metrics["mu_spread_untrained"])
    metrics["all_move_same_direction"] = bool(
        len({np.sign(metrics[f"{a}_mu"] - metrics[f"{a}_mu_untrained_mean"]) for a in config.architectures}) == 1
    )
    metrics["architectures_outside_controls"] = int(
        sum(metrics[f"{a}_mu_outside_controls"] for a in config.architectures)
    )
    mid_note = ", ".join(f"{a}: {PROBES[a][0]}, {metrics[f'{a}_block2_radii']} radii" for a in config.architectures)
    late_note = ", ".join(f"{PROBES[a][1]}: {metrics[f'{a}_block3_radii']} radii" for a in config.architectures)
    notes = [
        f"{source}; {config.train_size} training and {config.test_size} test images, {config.epochs} epochs, "
        f"Adam lr {config.lr}, {config.seeds} seeds per architecture; untrained controls use the same "
        "initialisation seeds.",
        f"The fit reads the probe batch ({config.probe_size} test images) at a middle layer ({mid_note}) and a "
        f"late one ({late_note}; few radii make mu rough there).",
        "At full scale three of the paper's five networks come from torchvision (random init), on Imagenette: "
        "AlexNet with a BatchNorm2d added after each convolution (torchvision has none; ours), VGG19_bn, "
        "ResNet18; ResNet152 and ResNeXt50 are not run.",
        "Natural-image mu: scikit-image grey photographs, mean removed, Hann-windowed, 256 px; "
        "Tolhurst et al. (1992) report amplitude spectra ~1/f^1.2, i.e. mu ~ 1.2.",
    ]
    return Measured(metrics, arrays, source, notes)


def findings(m: dict) -> list[str]:
    out = [
        f"Natural photographs: mu = {m['natural_mu']:.2f} over {m['natural_radii']} radii (Tolhurst et al.: "
        f"about 1.2; Eq. 42's reference: 1). Training inputs: mu = {m['input_mu']:.2f} ({m['input_radii']} radii)."
    ]
    for a in [k[: -len("_mu_untrained_mean")] for k in m if k.endswith("_mu_untrained_mean")]:
        out.append(
            f"{a}: mu at block2 moves from {m[f'{a}_mu_untrained_mean']:.2f} (untrained, "
            f"{m[f'{a}_mu_control_min']:.2f}-{m[f'{a}_mu_control_max']:.2f}) to {m[f'{a}_mu']:.2f} after training "
            f"(test accuracy {m[f'{a}_test_accuracy']:.1%}): "
            + (
                "outside the untrained spread."
                if m[f"{a}_mu_outside_controls"]
                else "inside the untrained spread: no training effect shown."
            )
        )
    out.append(
        f"Spread of mu across architectures: {m['mu_spread_untrained']:.2f} untrained, "
        f"{m['mu_spread_trained']:.2f} trained: "
        + (
            "they end closer together, as Fig. 21 suggests."
            if m["architectures_converge"]
            else "they do not end closer together; Fig. 21's 'similar end' is not supported here."
        )
    )
    return out


EXPERIMENT = Experiment(
    name="modulation-training-spectra",
    title="The (mu, nu) trajectory of feature spectra during training (Eqs. 40-42, Fig. 21)",
    paper="wu2022modulation",
    reproduces="Wu et al. (2022) §5.1.2, Eqs. 40-42, Fig. 21",
    config=Config,
    scales={
        "ci": dict(train_size=1000, test_size=300, probe_size=100, epochs=2, seeds=3),
        "laptop": dict(train_size=10000, test_size=2000, probe_size=300, epochs=8, seeds=3),
        "full": dict(
            dataset="imagenette",
            architectures=PAPER_ARCHITECTURES,
            train_size=9000,
            test_size=3000,
            probe_size=200,
            epochs=30,
            lr=1e-4,
            seeds=3,
        ),
    },
    measure=measure,
    notebook="notebooks/modulation_training_spectra",
    datasets=("fashion-mnist", "cifar10", "imagenette"),
    report_rows=(
        ReportRow(
            "Tolhurst et al. (1992) via Wu Eq. 42",
            "mu of natural photographs (amplitude ~ 1/f^mu)",
            "natural_mu",
            1.2,
            source="external",
            cite="tolhurst1992amplitude",
        ),
        ReportRow("Wu Eq. 42", "mu of the training inputs (Fashion-MNIST at ci)", "input_mu", 1.0, source="derived"),
        ReportRow(
            "Wu Fig. 21",
            "AlexNet-like (BN): mu at block2 after training",
            "alexnet-bn_mu",
            "moves (no number)",
            source="derived",
            control="untrained, 3 seeds",
        ),
        ReportRow(
            "Wu Fig. 21",
            "VGG-like (BN): mu at block2 after training",
            "vgg-bn_mu",
            "moves (no number)",
            source="derived",
            control="untrained, 3 seeds",
        ),
        ReportRow(
            "Wu Fig. 21",
            "ResNet-like: mu at block2 after training",
            "resnet_mu",
            "moves (no number)",
            source="derived",
            control="untrained, 3 seeds",
        ),
        ReportRow(
            "Wu Fig. 21",
            "architectures end closer in mu than they start",
            "architectures_converge",
            True,
            source="derived",
            format="bool",
        ),
    ),
    findings=findings,
)
make_config, run = EXPERIMENT.make_config, EXPERIMENT.run
NAME = EXPERIMENT.name
