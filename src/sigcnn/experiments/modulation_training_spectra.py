"""Wu et al. (2022) §5.1.2, Eqs. 40-42, Fig. 21: the (mu, nu) fit of feature spectra during training.

After every epoch a callback (:class:`~sigcnn.probes.feature_spectra.SpectrumFitMonitor`, which
does not change the run) fits ``log AE(rho) = mu log(1/rho^2) + nu`` to the class-pooled,
normalised energy spectrum of a layer's feature maps on a fixed probe batch. ``ci``: small
BN AlexNet-, VGG- and ResNet-like networks on Fashion-MNIST; ``full``: torchvision's
AlexNet (+ BatchNorm, ours), VGG19_bn, ResNet18 on Imagenette (three of the paper's five
networks; ResNet152 and ResNeXt50 are not run). Controls: the same networks
untrained (3 initialisation seeds). The external anchor: natural images have amplitude
spectra falling as 1/f^1.2 on average (Tolhurst et al. 1992), i.e. mu = 1.2; we fit mu on
natural photographs and on the training inputs with the same code (Eq. 42's 1/rho^2 law is stated
for natural images; the training inputs' mu is a measurement, not a test of it).

Claims (decided by :mod:`sigcnn.verdicts`): per architecture, training moves mu at the middle layer
away from where untrained networks put it (the distance of each trained network's mu from the
untrained mean, against each untrained network's distance from the mean of the others: the paper
gives no direction); and the architectures end closer together (the spread of mu across the
architectures, one network each, trained seeds against untrained seeds).
"""

from __future__ import annotations

from dataclasses import dataclass, make_dataclass
from functools import partial

import numpy as np
import numpy.typing as npt
import skimage.data
import torch
from skimage.color import rgb2gray

from ..data.tensors import load_tensor_split
from ..models.small_nets import SMALL_NETS, alexnet_bn
from ..models.training import accuracy, initial_model, train_seeded
from ..probes.feature_spectra import SpectrumFitMonitor
from ..signals.spectral_summaries import average_normalised_spectrum, power_law_fit
from ..verdicts import Claim, Verdict, sentence
from ._base import BaseConfig, Experiment, Measured, ReportRow, RunContext
from ._metrics import Replicated
from ._seeds import Seeds

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
    import torchvision  # heavy (seconds to import): imported only for the paper's networks (full scale)

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
    control_seeds: int = 12  # untrained networks per architecture (no training: cheap)

    def __post_init__(self):
        if self.seeds < 1 or self.control_seeds < max(2, self.seeds):
            raise ValueError(
                f"seeds must be >= 1 and control_seeds >= max(2, seeds), got {self.seeds} and {self.control_seeds}"
            )
        unknown = [a for a in self.architectures if a not in PROBES]
        if unknown:
            raise ValueError(f"unknown architecture(s) {unknown}: choose among {sorted(PROBES)}")


def natural_image_mu(size: int = 256) -> tuple[float, int]:
    """mu of Eq. 42 fitted on centre crops of scikit-image's grey photographs (camera, grass, brick, ...)."""
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


@dataclass(frozen=True)
class Architecture:
    """One architecture: mu at the middle layer over trained and untrained seeds, and what it reaches."""

    mu: Seeds
    """``{arch}_mu``: the trained mean, ``_replicates`` per training seed, ``_control`` per untrained seed."""
    mu_moved: Replicated
    """``{arch}_mu_moved``: each trained network's distance from the untrained mean (``_replicates``) and
    each untrained network's distance from the mean of the other untrained ones (``_control``)."""
    mu_untrained_mean: float
    test_accuracy: float
    block2_radii: int
    block3_radii: int


ALL_ARCHITECTURES = tuple(PROBES)
Metrics = make_dataclass(
    "Metrics",
    [
        ("input_mu", float),
        ("input_radii", int),
        ("natural_mu", float),
        ("natural_radii", int),
        ("seeds", int),
        ("control_seeds", int),
        *((a.replace("-", "_"), Architecture) for a in ALL_ARCHITECTURES),
        ("mu_spread_untrained", float),
        ("mu_spread_trained", float),
        ("mu_spread", Replicated),
    ],
    frozen=True,
)
Metrics.__module__ = __name__
Metrics.__doc__ = (
    "What a run measures. ``mu_spread``: the spread (max - min) of mu across the architectures, one "
    "network each, per training seed (``_replicates``) and per untrained seed (``_control``)."
)


def _field(arch: str) -> str:
    return arch.replace("-", "_")


def moved(trained: npt.ArrayLike, untrained: npt.ArrayLike) -> Replicated:
    """Distances from the untrained centre: each trained value from the untrained mean, each untrained
    value from the mean of the *other* untrained ones (leave-one-out, so both arms are new draws)."""
    t, u = np.asarray(trained, dtype=float), np.asarray(untrained, dtype=float)
    loo = (u.sum() - u) / (u.size - 1)
    return Replicated.of(np.abs(t - u.mean()), np.abs(u - loo))


def spreads(mu_by_arch: list[list[float]]) -> list[float]:
    """Per seed index, the spread (max - min) across architectures of mu."""
    return np.ptp(np.asarray(mu_by_arch, dtype=float), axis=0).tolist()


def _untrained_arch() -> Architecture:
    nan = float("nan")
    return Architecture(Seeds.of([]), Replicated.of([]), nan, nan, 0, 0)


def measure(config: Config, ctx: RunContext) -> Measured:
    rng = np.random.default_rng(config.seed)
    data = load_tensor_split(config.dataset, config.train_size, config.test_size, config.size, rng, config.seed)
    x_tr, y_tr, x_te, y_te = (t.to(ctx.device) for t in (data.train_x, data.train_y, data.test_x, data.test_y))
    probe = x_te[: config.probe_size]
    in_channels = x_tr.shape[1]
    arrays: dict = {}
    centred = probe.double().cpu().numpy() - probe.double().cpu().numpy().mean(axis=(-2, -1), keepdims=True)
    input_mu, _, input_radii = power_law_fit(average_normalised_spectrum(centred)[0])
    natural_mu, natural_radii = natural_image_mu()
    archs = {_field(a): _untrained_arch() for a in ALL_ARCHITECTURES}
    trained_by_arch, untrained_by_arch = [], []
    for arch in config.architectures:
        mid, last = PROBES[arch]
        factory = partial(build_network, arch, in_channels)
        trained_mu, untrained_mu, accs = [], [], []
        for s in range(config.seeds):
            monitor = SpectrumFitMonitor(probe, (mid, last))
            model = train_seeded(
                factory,
                x_tr,
                y_tr,
                seed=config.seed * 100 + s,
                epochs=config.epochs,
                batch_size=config.batch_size,
                lr=config.lr,
                callbacks=(monitor,),
                before_training=partial(monitor, -1),
            ).model
            untrained_mu.append(monitor.as_array(mid)[0, 1])
            accs.append(accuracy(model, x_te, y_te))
            for role, layer in (("block2", mid), ("block3", last)):
                arrays[f"{arch}_{role}_seed{s}"] = monitor.as_array(layer)
            trained_mu.append(monitor.as_array(mid)[-1, 1])
            radii = (int(monitor.as_array(mid)[0, 3]), int(monitor.as_array(last)[0, 3]))
        # Untrained networks cost no training: more initialisation seeds give the control a distribution
        # (the first ones are the trained networks' own initialisations, read before training above).
        for s in range(config.seeds, config.control_seeds):
            monitor = SpectrumFitMonitor(probe, (mid,))
            monitor(-1, initial_model(factory, config.seed * 100 + s, ctx.device))
            untrained_mu.append(monitor.as_array(mid)[0, 1])
        archs[_field(arch)] = Architecture(
            mu=Seeds.of(trained_mu, untrained_mu),
            mu_moved=moved(trained_mu, untrained_mu),
            mu_untrained_mean=float(np.mean(untrained_mu)),
            test_accuracy=float(np.mean(accs)),
            block2_radii=radii[0],
            block3_radii=radii[1],
        )
        trained_by_arch.append(trained_mu)
        untrained_by_arch.append(untrained_mu)
        arrays[f"{arch}_untrained_mu"] = np.array(untrained_mu)
    runs = [archs[_field(a)] for a in config.architectures]
    metrics = Metrics(
        input_mu=input_mu,
        input_radii=input_radii,
        natural_mu=natural_mu,
        natural_radii=natural_radii,
        seeds=config.seeds,
        control_seeds=config.control_seeds,
        **archs,
        mu_spread_untrained=float(np.ptp([r.mu_untrained_mean for r in runs])),
        mu_spread_trained=float(np.ptp([r.mu.value for r in runs])),
        mu_spread=Replicated.of(spreads(trained_by_arch), spreads(untrained_by_arch)),
    )
    mid_note = ", ".join(f"{a}: {PROBES[a][0]}, {archs[_field(a)].block2_radii} radii" for a in config.architectures)
    late_note = ", ".join(f"{PROBES[a][1]}: {archs[_field(a)].block3_radii} radii" for a in config.architectures)
    notes = [
        f"{data.data_source}; {config.train_size} training and {config.test_size} test images, {config.epochs} epochs, "
        f"Adam lr {config.lr}, {config.seeds} seeds per architecture; {config.control_seeds} untrained networks "
        "per architecture (the first ones are the trained networks' initialisations).",
        f"The fit reads the probe batch ({config.probe_size} test images) at a middle layer ({mid_note}) and a "
        f"late one ({late_note}; few radii make mu rough there).",
        "At full scale three of the paper's five networks come from torchvision (random init), on Imagenette: "
        "AlexNet with a BatchNorm2d added after each convolution (torchvision has none; ours), VGG19_bn, "
        "ResNet18; ResNet152 and ResNeXt50 are not run.",
        "Natural-image mu: scikit-image grey photographs, mean removed, Hann-windowed, 256 px; "
        "Tolhurst et al. (1992) report amplitude spectra ~1/f^1.2, i.e. mu ~ 1.2.",
    ]
    return Measured(metrics, arrays, data.data_source, notes)


CLAIMS = (
    *(
        Claim(
            f"{_field(a)}_mu_moves",
            f"training moves mu at the middle layer of {a} (Fig. 21: the paths move; no direction given)",
            f"{_field(a)}_mu_moved_replicates",
            "greater",
            "training seeds",
            control=f"{_field(a)}_mu_moved_control",
            control_label="untrained networks' distance from the other untrained ones",
        )
        for a in ALL_ARCHITECTURES
    ),
    Claim(
        "architectures_converge",
        "the architectures move mu towards a similar end (Fig. 21: a smaller spread across architectures "
        "after training than before)",
        "mu_spread_replicates",
        "less",
        "seeds (one network per architecture each)",
        control="mu_spread_control",
        control_label="untrained networks",
    ),
)


NATURAL_DATA = "scikit-image grey photographs (camera, astronaut, ... horse), 256 px centre crops"
"""What the natural-image mu is fitted on (whatever the run's training data)."""
_ROW_LABELS = {
    "alexnet-bn": "AlexNet-like (BN)",
    "vgg-bn": "VGG-like (BN)",
    "resnet": "ResNet-like",
    "alexnet-bn-tv": "AlexNet + BN (torchvision)",
    "vgg19-bn": "VGG19_bn",
    "resnet18": "ResNet18",
}


def findings(m: dict, verdicts: dict[str, Verdict]) -> list[str]:
    claims = {c.id: c for c in CLAIMS}
    out = [
        f"Natural photographs: mu = {m['natural_mu']:.2f} over {m['natural_radii']} radii (Tolhurst et al.: "
        f"about 1.2; Eq. 42's 1/rho^2 law for natural images: 1). The training inputs (not natural images, "
        f"so Eq. 42 makes no statement about them): mu = {m['input_mu']:.2f} ({m['input_radii']} radii)."
    ]
    for arch in ALL_ARCHITECTURES:
        a = _field(arch)
        if not m.get(f"{a}_mu_replicates"):
            continue
        out.append(
            f"{arch}: mu at block2 is {m[f'{a}_mu_untrained_mean']:.2f} untrained (mean of "
            f"{len(m[f'{a}_mu_control'])}) and {m[f'{a}_mu']:.2f} after training (mean of "
            f"{len(m[f'{a}_mu_replicates'])}; test accuracy {m[f'{a}_test_accuracy']:.1%}): "
            + sentence(claims[f"{a}_mu_moves"], verdicts[f"{a}_mu_moves"])
        )
    out.append(
        f"Spread of mu across architectures (max - min of the means): {m['mu_spread_untrained']:.3f} untrained, "
        f"{m['mu_spread_trained']:.3f} trained. Tested per seed: "
        + sentence(claims["architectures_converge"], verdicts["architectures_converge"])
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
            data=NATURAL_DATA,
        ),
        ReportRow(
            "Wu Eq. 42 (stated for natural images only)",
            "mu of the training inputs (measured: not natural images, so no reference value)",
            "input_mu",
            "no number",
            source="ours",
        ),
        *(
            ReportRow(
                "Wu Fig. 21",
                f"{label}: mu at the middle layer after training (mean; the claim: distance from untrained)",
                f"{_field(arch)}_mu",
                "moves (no number, no direction)",
                source="derived",
                control="untrained networks",
                claim=f"{_field(arch)}_mu_moves",
            )
            for arch, label in _ROW_LABELS.items()
        ),
        ReportRow(
            "Wu Fig. 21",
            "spread of mu across architectures after training (one network each, mean over seeds)",
            "mu_spread",
            "smaller than before training (no number)",
            source="derived",
            claim="architectures_converge",
        ),
    ),
    findings=findings,
    metrics=Metrics,
    claims=CLAIMS,
)
make_config, run = EXPERIMENT.make_config, EXPERIMENT.run
