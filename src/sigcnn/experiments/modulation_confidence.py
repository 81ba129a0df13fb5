"""Wu et al. (2022) §5.1.3, Table 5: are confidently classified images closer to an "optimal" spectrum?

The paper never defines the optimal spectrum. Ours (stated on the page): for class ``c``, the
mean normalised feature energy spectrum (Algorithm 1 at one layer) of the *training* images
of ``c`` that the network classifies correctly. For every test image of ``c`` we measure the
total-variation distance of its own normalised feature spectrum to that optimum and the
network's probability of ``c``; the claim becomes a negative rank correlation (Spearman, within
each class, averaged over classes) between distance and probability, and a top-20 vs bottom-20
gap in distance.

Two kinds of control. (1) Untrained networks (many initialisation seeds, no training cost):
is the link learned at all? (2) Baselines on the *same* trained networks: the same
procedure with the distance taken between raw pixels, or between raw ``block2`` feature maps,
and the class mean of the correctly classified training images (Euclidean). Closeness to a
class's typical member goes with confidence whatever the representation; the *spectral* claim
holds only if the spectrum tracks confidence better than these (a more negative rho, paired
by network seed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import torch

from ..core.runtime import set_seed
from ..data.images import load_image_dataset
from ..models.small_nets import SmallResNet
from ..models.training import train_seeded
from ..probes.feature_spectra import layer_outputs
from ..verdicts import Claim, Verdict, sentence
from ._base import BaseConfig, Experiment, Measured, ReportRow, RunContext
from ._metrics import Replicated, mean_of

LAYER = "block2"
MIN_CORRECT = 10
"""Fewer correctly classified training images of a class than this: its optimum uses all of them."""
CONTROL_SEED_OFFSET = 1000
"""Untrained control networks use initialisation seeds ``100 * seed + 1000`` onwards (none is a trained seed)."""
REPRESENTATIONS = ("spectrum", "pixels", "feature_maps")


@dataclass(frozen=True)
class Config(BaseConfig):
    """``seeds`` trained networks; ``control_seeds`` untrained ones (they cost no training)."""

    train_size: int = 2000
    per_class_test: int = 60
    epochs: int = 3
    batch_size: int = 64
    lr: float = 1e-3
    seeds: int = 3
    control_seeds: int = 12
    top: int = 20


def per_image_spectra(maps: np.ndarray) -> np.ndarray:
    """Normalised energy spectrum of each image (channel mean of sum-1 channel spectra; dead channels skipped)."""
    e = np.abs(np.fft.fft2(maps)) ** 2
    tot = e.sum(axis=(-2, -1), keepdims=True)
    alive = tot > 0
    e = np.where(alive, e / np.where(alive, tot, 1.0), 0.0)
    out = e.sum(axis=1) / np.maximum(alive.sum(axis=1), 1)
    return np.fft.fftshift(out, axes=(-2, -1))


def rank_correlation(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman's rho: Pearson correlation of the ranks (ties broken by order; continuous data here)."""
    rx, ry = np.argsort(np.argsort(x)), np.argsort(np.argsort(y))
    return float(np.corrcoef(rx, ry)[0, 1])


def distances_to_optimum(
    f_tr: np.ndarray,
    y_tr: np.ndarray,
    correct_tr: np.ndarray,
    f_te: np.ndarray,
    y_te: np.ndarray,
    metric: Literal["tv", "l2"],
) -> tuple[np.ndarray, int]:
    """Distance of each test item to its class's optimum, and how many classes fell back to all images.

    The optimum of class ``c`` is the mean of ``f_tr`` over the training items of ``c`` with
    ``correct_tr`` (all items of ``c`` when fewer than :data:`MIN_CORRECT`). ``metric="tv"``:
    total variation ``½ Σ |f − optimum|`` (for sum-1 spectra); ``"l2"``: Euclidean distance.

    Raises
    ------
    ValueError
        For an unknown metric, or a test class without training items.
    """
    if metric not in ("tv", "l2"):
        raise ValueError(f"metric must be 'tv' or 'l2', got {metric!r}")
    f_tr = f_tr.reshape(len(f_tr), -1)
    f_te = f_te.reshape(len(f_te), -1)
    dist, fallbacks = np.zeros(len(y_te)), 0
    for c in np.unique(y_te):
        sel = (y_tr == c) & correct_tr
        if sel.sum() < MIN_CORRECT:
            sel, fallbacks = (y_tr == c), fallbacks + 1
        if not sel.any():
            raise ValueError(f"class {c} has no training items")
        idx = np.flatnonzero(y_te == c)
        delta = f_te[idx] - f_tr[sel].mean(axis=0)
        dist[idx] = 0.5 * np.abs(delta).sum(axis=1) if metric == "tv" else np.sqrt((delta**2).sum(axis=1))
    return dist, fallbacks


def within_class_rho(dist: np.ndarray, prob: np.ndarray, labels: np.ndarray) -> float:
    """Spearman rho between distance and probability inside each class, averaged over classes."""
    return float(np.mean([rank_correlation(dist[labels == c], prob[labels == c]) for c in np.unique(labels)]))


def top_bottom_gap(dist: np.ndarray, prob: np.ndarray, labels: np.ndarray, top: int) -> float:
    """Mean distance of each class's ``top`` least confident test images minus that of its ``top``
    most confident ones (Table 5's two rows), averaged over classes: positive = confident ones closer."""
    gaps = []
    for c in np.unique(labels):
        idx = np.flatnonzero(labels == c)
        order = idx[np.argsort(-prob[idx], kind="stable")]
        gaps.append(dist[order[-top:]].mean() - dist[order[:top]].mean())
    return float(np.mean(gaps))


@dataclass
class Analysis:
    """One network's numbers: rho per representation, the gap, fallbacks, accuracy, per-image values."""

    rho: dict[str, float]
    gap: float
    fallbacks: int
    accuracy: float
    dist: np.ndarray
    prob: np.ndarray


@torch.no_grad()
def _predict(model: torch.nn.Module, x: torch.Tensor) -> np.ndarray:
    model.eval()
    return torch.cat([torch.softmax(model(x[i : i + 500]), 1) for i in range(0, len(x), 500)]).cpu().numpy()


def analyse(
    model: torch.nn.Module,
    x_tr: torch.Tensor,
    y_tr: torch.Tensor,
    x_te: torch.Tensor,
    y_te: torch.Tensor,
    top: int,
    baselines: bool = True,
) -> Analysis:
    """Distance-to-optimum vs class probability for one network (see the module docstring).

    With ``baselines``, also the rho of the pixel and raw-feature-map distances (same network,
    same probabilities, same optimum images).
    """
    correct = _predict(model, x_tr).argmax(1) == y_tr.cpu().numpy()
    prob_te = _predict(model, x_te)
    y_tr_np, y_te_np = y_tr.cpu().numpy(), y_te.cpu().numpy()
    maps_tr = layer_outputs(model, x_tr, (LAYER,), batch_size=500)[LAYER]
    maps_te = layer_outputs(model, x_te, (LAYER,), batch_size=500)[LAYER]
    prob = prob_te[np.arange(len(y_te_np)), y_te_np]
    dist, fallbacks = distances_to_optimum(
        per_image_spectra(maps_tr), y_tr_np, correct, per_image_spectra(maps_te), y_te_np, "tv"
    )
    rho = {"spectrum": within_class_rho(dist, prob, y_te_np)}
    if baselines:
        for name, (a, b) in (
            ("pixels", (x_tr.cpu().numpy(), x_te.cpu().numpy())),
            ("feature_maps", (maps_tr, maps_te)),
        ):
            d, _ = distances_to_optimum(a, y_tr_np, correct, b, y_te_np, "l2")
            rho[name] = within_class_rho(d, prob, y_te_np)
    return Analysis(
        rho=rho,
        gap=top_bottom_gap(dist, prob, y_te_np, top),
        fallbacks=fallbacks,
        accuracy=float((prob_te.argmax(1) == y_te_np).mean()),
        dist=dist,
        prob=prob,
    )


@dataclass(frozen=True)
class Metrics:
    """What a run measures. ``rho``/``gap`` hold one value per trained seed beside ``control_seeds``
    untrained networks; the baselines and the paired differences hold one value per trained seed."""

    test_images: int
    seeds: int
    control_seeds: int
    top: int
    test_accuracy: float
    untrained_accuracy: float
    trained_fallback_classes: int
    control_fallback_classes: int
    rho: Replicated
    gap: Replicated
    rho_pixels: Replicated
    rho_feature_maps: Replicated
    spectrum_minus_pixels: Replicated
    """rho(spectrum) − rho(pixels) per trained seed: below 0 = the spectrum tracks confidence better."""
    spectrum_minus_feature_maps: Replicated


def measure(config: Config, ctx: RunContext) -> Measured:
    rng = np.random.default_rng(config.seed)
    split = load_image_dataset("fashion-mnist")
    tr = rng.permutation(split.train_images.shape[0])[: config.train_size]
    te = np.concatenate(
        [rng.permutation(np.flatnonzero(split.test_labels.numpy() == c))[: config.per_class_test] for c in range(10)]
    )
    f = lambda x: ((x.float() / 255.0 - 0.5) / 0.25)[:, None].to(ctx.device)  # noqa: E731 (a one-line factory passed on)
    x_tr, y_tr = f(split.train_images[tr]), split.train_labels[tr].to(ctx.device)
    x_te, y_te = f(split.test_images[te]), split.test_labels[te].to(ctx.device)
    trained = []
    for s in range(config.seeds):
        run = train_seeded(
            SmallResNet,
            x_tr,
            y_tr,
            seed=config.seed * 100 + s,
            epochs=config.epochs,
            batch_size=config.batch_size,
            lr=config.lr,
        )
        trained.append(analyse(run.model, x_tr, y_tr, x_te, y_te, config.top))
    untrained = []
    for s in range(config.control_seeds):
        set_seed(config.seed * 100 + CONTROL_SEED_OFFSET + s)
        model = SmallResNet().to(ctx.device)
        untrained.append(analyse(model, x_tr, y_tr, x_te, y_te, config.top, baselines=False))
    rho = {r: [a.rho[r] for a in trained] for r in REPRESENTATIONS}
    metrics = Metrics(
        test_images=len(te),
        seeds=config.seeds,
        control_seeds=config.control_seeds,
        top=config.top,
        test_accuracy=mean_of([a.accuracy for a in trained]),
        untrained_accuracy=mean_of([a.accuracy for a in untrained]),
        trained_fallback_classes=sum(a.fallbacks for a in trained),
        control_fallback_classes=sum(a.fallbacks for a in untrained),
        rho=Replicated.of(rho["spectrum"], [a.rho["spectrum"] for a in untrained]),
        gap=Replicated.of([a.gap for a in trained], [a.gap for a in untrained]),
        rho_pixels=Replicated.of(rho["pixels"]),
        rho_feature_maps=Replicated.of(rho["feature_maps"]),
        spectrum_minus_pixels=Replicated.of(np.subtract(rho["spectrum"], rho["pixels"])),
        spectrum_minus_feature_maps=Replicated.of(np.subtract(rho["spectrum"], rho["feature_maps"])),
    )
    arrays = {
        "trained_distance": trained[0].dist,
        "trained_probability": trained[0].prob,
        "untrained_distance": untrained[0].dist,
        "untrained_probability": untrained[0].prob,
        "test_labels": y_te.cpu().numpy(),
    }
    notes = [
        f"Fashion-MNIST, {config.train_size} training images, {config.per_class_test} test images per class; "
        f"ResNet-like net (BN), {config.epochs} epochs, {config.seeds} trained seeds; spectra at {LAYER} (14 x 14).",
        "Optimal spectrum (ours; the paper gives no definition): class mean of the normalised feature spectra of "
        f"correctly classified training images; fewer than {MIN_CORRECT} correct -> all training images of the "
        f"class (untrained controls: {metrics.control_fallback_classes} class fallbacks over all seeds).",
        "Statistic: Spearman rho between TV distance and class probability within each class, averaged over "
        "classes; one value per network.",
        f"Controls: {config.control_seeds} untrained networks (initialisation seeds "
        f"{config.seed * 100 + CONTROL_SEED_OFFSET} onwards); baselines on the same trained networks: Euclidean "
        f"distance of the pixels, and of the raw {LAYER} feature maps, to the same images' class mean.",
    ]
    return Measured(metrics, arrays, split.data_source, notes)


_PAIRED = (
    "paired within each trained network (same test images, same probabilities, same optimum images); "
    "0 = the spectrum tracks confidence no better than the baseline"
)
CLAIMS = (
    Claim(
        "closer_is_more_confident",
        "test images closer to the optimal spectrum are classified more confidently (within-class Spearman rho "
        "between distance and probability below that of untrained networks)",
        "rho_replicates",
        "less",
        "training seeds",
        control="rho_control",
        control_label="untrained networks",
        source="paper",
    ),
    Claim(
        "confident_images_closer",
        "the 20 most confident test images of a class lie closer to the optimal spectrum than the 20 least "
        "confident ones (a larger gap than in untrained networks)",
        "gap_replicates",
        "greater",
        "training seeds",
        control="gap_control",
        control_label="untrained networks",
        source="paper",
    ),
    Claim(
        "spectrum_beats_pixels",
        "the feature spectrum's distance tracks confidence better than the raw pixels' distance (a more negative rho)",
        "spectrum_minus_pixels_replicates",
        "less",
        "training seeds",
        no_control=_PAIRED,
        source="ours",
    ),
    Claim(
        "spectrum_beats_feature_maps",
        f"the feature spectrum's distance tracks confidence better than the raw {LAYER} feature maps' distance "
        "(a more negative rho)",
        "spectrum_minus_feature_maps_replicates",
        "less",
        "training seeds",
        no_control=_PAIRED,
        source="ours",
    ),
)
_CLAIMS = {c.id: c for c in CLAIMS}


def spectral_link_is_specific(verdicts: dict[str, Verdict]) -> bool:
    """Table 5's spectral reading holds only if the link is there *and* beats both baselines."""
    return all(
        verdicts[i].outcome == "supported"
        for i in ("closer_is_more_confident", "spectrum_beats_pixels", "spectrum_beats_feature_maps")
    )


def findings(m: dict, verdicts: dict[str, Verdict]) -> list[str]:
    """Plain-language verdicts, computed from the metrics and the engine's verdicts."""
    f = lambda v: f"{v:+.3f}"  # noqa: E731
    out = [
        f"Trained networks (test accuracy {m['test_accuracy']:.1%}, {m['seeds']} seeds): within-class Spearman rho "
        f"between distance and class probability {m['rho']:.3f} for the feature spectrum, "
        f"{m['rho_pixels']:.3f} for pixels, {m['rho_feature_maps']:.3f} for raw {LAYER} feature maps; "
        f"{m['control_seeds']} untrained networks: {mean_of(m['rho_control']):.3f}.",
        "Wu Table 5 (closer is more confident): "
        + sentence(_CLAIMS["closer_is_more_confident"], verdicts["closer_is_more_confident"], f),
        f"Top-{m['top']} vs bottom-{m['top']} (Table 5's rows): "
        + sentence(_CLAIMS["confident_images_closer"], verdicts["confident_images_closer"], f),
        "Against pixels: " + sentence(_CLAIMS["spectrum_beats_pixels"], verdicts["spectrum_beats_pixels"], f),
        "Against raw feature maps: "
        + sentence(_CLAIMS["spectrum_beats_feature_maps"], verdicts["spectrum_beats_feature_maps"], f),
    ]
    specific = spectral_link_is_specific(verdicts)
    out.append(
        "Taken together, the link is specific to the spectrum here: it holds and beats both baselines."
        if specific
        else "Taken together, a spectral reading of Table 5 is not established here: "
        + ", ".join(
            f"{i.replace('_', ' ')} is {verdicts[i].outcome}"
            for i in ("closer_is_more_confident", "spectrum_beats_pixels", "spectrum_beats_feature_maps")
        )
        + " (it needs all three supported)."
    )
    return out


_UNTRAINED = "untrained networks"
EXPERIMENT = Experiment(
    name="modulation-confidence",
    title="Distance to an 'optimal' feature spectrum vs classification confidence (Table 5)",
    paper="wu2022modulation",
    reproduces="Wu et al. (2022) §5.1.3, Table 5",
    config=Config,
    scales={
        "ci": dict(train_size=1000, per_class_test=40, epochs=2, seeds=3, control_seeds=12),
        "laptop": dict(train_size=10000, per_class_test=200, epochs=6, seeds=3, control_seeds=12),
        "full": dict(train_size=60000, per_class_test=1000, epochs=15, seeds=3, control_seeds=12),
    },
    measure=measure,
    notebook="notebooks/modulation_confidence",
    report_rows=(
        ReportRow(
            "Wu Table 5",
            "Spearman rho, distance to the optimal spectrum vs class probability (negative = claim)",
            "rho",
            "negative (no number)",
            source="derived",
            control=_UNTRAINED,
            claim="closer_is_more_confident",
        ),
        ReportRow(
            "Wu Table 5",
            "bottom-20 minus top-20 mean distance to the optimum",
            "gap",
            "positive (no number)",
            source="derived",
            control=_UNTRAINED,
            claim="confident_images_closer",
        ),
        ReportRow(
            "Wu Table 5 (baseline, ours)",
            "rho(spectrum) minus rho(pixel distance to the class mean), same networks",
            "spectrum_minus_pixels",
            "no claim",
            source="ours",
            claim="spectrum_beats_pixels",
        ),
        ReportRow(
            "Wu Table 5 (baseline, ours)",
            f"rho(spectrum) minus rho(raw {LAYER} feature-map distance to the class mean), same networks",
            "spectrum_minus_feature_maps",
            "no claim",
            source="ours",
            claim="spectrum_beats_feature_maps",
        ),
    ),
    findings=findings,
    metrics=Metrics,
    claims=CLAIMS,
)
make_config, run = EXPERIMENT.make_config, EXPERIMENT.run
