"""Beyond Ge et al.: a better receiver. How much accuracy lost to α-stable noise comes back?

Communication engineers answer impulsive noise with a nonlinear front end. Four receivers are
compared on the same noisy test images (Eq. 1 SNR per image after clipping, as in
``channel-cnn-noise``):

* ``plain``: the clean-trained LeNet-5 (clipping to the pixel range is already part of the channel);
* ``median``: a 3×3 median filter in front of the clean-trained network;
* ``augmented``: LeNet-5 trained on images of which a share carries SαS noise of random α and SNR;
* ``median+augmented``: the median filter in front of a network trained on median-filtered augmented images.

The recovered share is ``mean(acc_receiver - acc_plain) / mean(acc_clean - acc_plain)`` over seeds,
with ``acc_clean`` the plain network's clean accuracy, only where the plain network loses at least
``min_loss`` (a description). The claims are paired by test image: per image, the receiver's
correctness minus the plain network's on the same noisy image, averaged over α, training seeds and
noise draws, at the lowest reachable SNR (an untrained network at chance is no control for them).
Noise and Eq. 1 apply to the unframed image; the median filter too; the black frame comes last.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np
import torch

from ..models import LeNet5
from ..models.training import train_seeded
from ..signals import stable_noise as sn
from ..verdicts import Claim, Verdict, sentence
from ._base import Experiment, Measured, ReportRow, RunContext
from ._channel_common import (
    CHANNEL_DATASETS,
    ChannelConfig,
    augmented_training_set,
    build_bench,
    channel_scales,
    check_grid,
    correct_on,
    median_front_end,
    network_input,
    noise_seed,
    reachable_snrs,
    stable_unit_noise,
)
from ._metrics import Replicated

RECEIVERS = ("plain", "median", "augmented", "median+augmented")


@dataclass(frozen=True)
class Config(ChannelConfig):
    """α and SNR grid of the test, and the augmentation: α set, SNR range (dB), share of noisy images."""

    alphas: tuple = (0.5, 1.0, 2.0)
    snrs_db: tuple = (0.0, 5.0, 10.0)
    median_size: int = 3
    augment_alphas: tuple = (0.5, 0.9, 1.0, 1.5, 2.0)
    augment_snr_low_db: float = 0.0
    augment_snr_high_db: float = 20.0
    augment_share: float = 0.5
    min_loss: float = 0.02
    noise_draws: int = 1

    def __post_init__(self):
        if self.noise_draws < 1:
            raise ValueError(f"noise_draws must be >= 1, got {self.noise_draws}")


@dataclass(frozen=True)
class Metrics:
    """What a run measures. Gains hold one replicate per test image (paired with the plain receiver)."""

    n_seeds: int
    test_images: int
    noise_draws: int
    lowest_snr_db: float
    clipping_floor_db: float
    clean_accuracy_plain: float
    clean_accuracy_median: float
    clean_accuracy_augmented: float
    clean_accuracy_median_augmented: float
    median_clean_cost: Replicated
    """Per image: clean correctness of the plain network minus that behind the median filter."""
    gain_median_lowest_snr: Replicated
    gain_augmented_lowest_snr: Replicated
    gain_median_augmented_lowest_snr: Replicated
    recovered_mean_median: float | None
    recovered_mean_augmented: float | None
    recovered_mean_median_augmented: float | None
    best_receiver_index: int


def train_on(
    config: Config, inputs: torch.Tensor, labels: torch.Tensor, seed: int, n_classes: int, device: torch.device
) -> LeNet5:
    """LeNet-5 with init seed ``seed`` trained on ``device`` on ``inputs`` with the clean network's settings;
    returned on the CPU, in eval mode, like the bench's networks."""
    run = train_seeded(
        partial(LeNet5, num_classes=n_classes),
        inputs.to(device),
        labels.to(device),
        seed=seed,
        epochs=config.epochs,
        batch_size=config.batch_size,
        lr=config.lr,
    )
    return run.model.cpu().eval()


def measure(config: Config, ctx: RunContext) -> Measured:
    """Per-image correctness of each receiver for every (α, SNR, seed, draw); clean accuracy."""
    check_grid(tuple(config.alphas) + tuple(config.augment_alphas), config.snrs_db)
    bench = build_bench(config, ctx.device, ctx.progress)
    x, y = bench.images, bench.labels
    alphas = tuple(map(float, config.alphas))
    draws = config.noise_draws
    snrs, floor = reachable_snrs(x, alphas, bench.seeds, config.snrs_db, draws=draws)
    data = bench.train
    n_train = data.x_train.shape[0]
    n_classes = data.num_classes
    filt = lambda images: median_front_end(images, config.median_size)  # noqa: E731
    aug_nets, aug_med_nets = [], []
    for seed in bench.seeds:
        aug = augmented_training_set(
            data.split.train_images[:n_train],
            config.augment_alphas,
            config.augment_snr_low_db,
            config.augment_snr_high_db,
            config.augment_share,
            seed + 1000,
        )
        aug_nets.append(train_on(config, network_input(aug), data.y_train, seed, n_classes, ctx.device))
        aug_med_nets.append(train_on(config, network_input(filt(aug)), data.y_train, seed, n_classes, ctx.device))
    setups = {  # receiver: (networks, front end)
        "plain": (bench.trained, None),
        "median": (bench.trained, filt),
        "augmented": (aug_nets, None),
        "median+augmented": (aug_med_nets, filt),
    }
    n_img, n_seeds = len(x), len(bench.seeds)
    correct = np.zeros((len(RECEIVERS), len(alphas), len(snrs), n_seeds, draws, n_img))
    clean = np.zeros((len(RECEIVERS), n_seeds, n_img))
    x_filtered = filt(x)
    for i, seed in enumerate(bench.seeds):
        for r, name in enumerate(RECEIVERS):
            nets, front = setups[name]
            clean[r, i] = correct_on(nets[i], x_filtered if front else x, y)
        for a, alpha in enumerate(alphas):
            for d in range(draws):
                unit = stable_unit_noise(x.shape, alpha, noise_seed(seed, a, d))
                for s, snr in enumerate(snrs):
                    noisy = sn.noisy_images_at_snr(x, unit, snr)
                    filtered = filt(noisy)
                    for r, name in enumerate(RECEIVERS):
                        nets, front = setups[name]
                        correct[r, a, s, i, d] = correct_on(nets[i], filtered if front else noisy, y)
    acc = correct.mean((4, 5))  # (receiver, α, SNR, seed)
    clean_acc = clean.mean(2)  # (receiver, seed)
    lost = clean_acc[0][None, None] - acc[0]  # plain network: clean minus noisy, per (α, SNR, seed)
    hard = lost.mean(2) >= config.min_loss  # (α, SNR) points where the plain network loses enough
    recovered, gains = {}, {}
    for r, name in enumerate(RECEIVERS[1:], 1):
        recovered[name] = (
            float((acc[r] - acc[0]).mean(2)[hard].sum() / lost.mean(2)[hard].sum()) if hard.any() else None
        )
        gains[name] = Replicated.of((correct[r, :, 0] - correct[0, :, 0]).mean((0, 1, 2)))  # per image
    best = max(RECEIVERS[1:], key=lambda n: -np.inf if (share := recovered[n]) is None else share)
    metrics = Metrics(
        n_seeds=n_seeds,
        test_images=n_img,
        noise_draws=draws,
        lowest_snr_db=snrs[0],
        clipping_floor_db=floor,
        clean_accuracy_plain=float(clean_acc[0].mean()),
        clean_accuracy_median=float(clean_acc[1].mean()),
        clean_accuracy_augmented=float(clean_acc[2].mean()),
        clean_accuracy_median_augmented=float(clean_acc[3].mean()),
        median_clean_cost=Replicated.of((clean[0] - clean[1]).mean(0)),
        gain_median_lowest_snr=gains["median"],
        gain_augmented_lowest_snr=gains["augmented"],
        gain_median_augmented_lowest_snr=gains["median+augmented"],
        recovered_mean_median=recovered["median"],
        recovered_mean_augmented=recovered["augmented"],
        recovered_mean_median_augmented=recovered["median+augmented"],
        best_receiver_index=RECEIVERS.index(best),
    )
    arrays = {
        "alphas": np.array(alphas),
        "snrs_db": np.array(snrs),
        "accuracy": acc,
        "clean_accuracy": clean_acc,
        "receivers": np.array(RECEIVERS),
    }
    notes = bench.notes + [
        f"Median front end: {config.median_size}×{config.median_size} on the unframed image, edges by nearest value. "
        f"SNR points tested: {', '.join(f'{v:g}' for v in snrs)} dB (clipping floor of these images {floor:.2f} dB).",
        f"Augmentation: {config.augment_share:.0%} of the {n_train:,} training images carry SαS noise with α drawn from "
        f"{tuple(config.augment_alphas)} and Eq. 1 SNR uniform in [{config.augment_snr_low_db:g}, "
        f"{config.augment_snr_high_db:g}] dB (one fixed noisy copy, raised to 0.5 dB above an image's clipping floor "
        "where needed); same epochs, learning rate and init seeds as the clean networks.",
        f"Claims: per test image ({n_img}), the receiver's correctness minus the plain network's on the same noisy "
        f"image, averaged over α, {n_seeds} training seeds and {draws} noise draw(s), at the lowest SNR. Recovered "
        f"share (a description) = mean(receiver − plain) / mean(clean − plain) over seeds, only where the plain "
        f"network loses at least {config.min_loss:.0%} (the grid mean pools those points).",
    ]
    return Measured(metrics, arrays, bench.data_source, notes)


_PAIRED = (
    "paired by test image on the same noisy images and training seeds: receiver's correctness minus the plain "
    "network's, 0 if the receiver changes nothing"
)
CLAIMS = (
    Claim(
        "median_helps",
        "a 3×3 median front end raises a clean-trained LeNet-5's accuracy under α-stable noise at the lowest SNR "
        "(mean over α)",
        "gain_median_lowest_snr_replicates",
        "greater",
        "test images",
        no_control=_PAIRED,
        source="ours",
    ),
    Claim(
        "augmentation_helps",
        "training with α-stable noise raises the accuracy under α-stable noise at the lowest SNR (mean over α)",
        "gain_augmented_lowest_snr_replicates",
        "greater",
        "test images",
        no_control=_PAIRED,
        source="ours",
    ),
    Claim(
        "median_and_augmentation_help",
        "a median front end with a network trained on filtered noisy images raises the accuracy at the lowest SNR",
        "gain_median_augmented_lowest_snr_replicates",
        "greater",
        "test images",
        no_control=_PAIRED,
        source="ours",
    ),
    Claim(
        "median_costs_clean_accuracy",
        "the median front end costs the clean-trained network accuracy on clean images",
        "median_clean_cost_replicates",
        "greater",
        "test images",
        no_control="paired by clean test image: plain correctness minus correctness behind the median, 0 if no cost",
        source="ours",
    ),
)


def findings(m: dict, verdicts: dict[str, Verdict]) -> list[str]:
    """Plain-language results, computed from the measured numbers and the engine's verdicts."""
    claims = {c.id: c for c in CLAIMS}
    pts = lambda v: f"{100 * v:+.2f} points"  # noqa: E731
    say = lambda cid: sentence(claims[cid], verdicts[cid], pts)  # noqa: E731
    out = [
        "Clean accuracy: "
        + ", ".join(f"{r} {m['clean_accuracy_' + r.replace('+', '_')]:.1%}" for r in RECEIVERS)
        + ". "
        + say("median_costs_clean_accuracy")
    ]
    for r, cid in zip(RECEIVERS[1:], ("median_helps", "augmentation_helps", "median_and_augmentation_help")):
        rec = m["recovered_mean_" + r.replace("+", "_")]
        out.append(
            f"{r}: recovers {'n/a' if rec is None else f'{rec:.0%}'} of the accuracy the plain network loses "
            "(pooled over the grid points where it loses at least 2 points; a description). "
            f"At the lowest SNR ({m['lowest_snr_db']:g} dB): " + say(cid)
        )
    out.append(f"Largest recovered share: {RECEIVERS[m['best_receiver_index']]} (a description, not a test).")
    return out


GAIN_ROWS = (
    ("median", "median 3×3 front end", "0 dB on MNIST; ", "median_helps"),
    ("augmented", "α-stable augmentation", "", "augmentation_helps"),
    ("median_augmented", "median + augmentation", "", "median_and_augmentation_help"),
)
"""(metric key, front end in words, SNR in words, claim) of the three gain rows of the report."""

EXPERIMENT = Experiment(
    name="channel-receivers",
    title="Nonlinear front ends and noise augmentation against α-stable noise (beyond Ge et al.)",
    paper="ge2021communication",
    reproduces="beyond Ge et al. (receiver study)",
    config=Config,
    scales=channel_scales(
        laptop=dict(alphas=(0.5, 0.9, 1.0, 1.5, 2.0), snrs_db=(0.0, 5.0, 10.0, 20.0)),
        full=dict(alphas=(0.5, 0.9, 1.0, 1.5, 2.0), snrs_db=(0.0, 2.5, 5.0, 7.5, 10.0, 15.0, 20.0)),
    ),
    measure=measure,
    notebook="notebooks/channel_receivers",
    datasets=CHANNEL_DATASETS,
    report_rows=(
        *(
            ReportRow(
                "beyond Ge",
                f"{front_end}: accuracy gain at the lowest SNR ({where}mean over α), per test image",
                f"gain_{key}_lowest_snr",
                None,
                source="ours",
                format="percent",
                claim=claim,
            )
            for key, front_end, where, claim in GAIN_ROWS
        ),
        ReportRow(
            "beyond Ge",
            "median + augmentation: share of the lost accuracy recovered (grid mean)",
            "recovered_mean_median_augmented",
            None,
            source="ours",
            format="percent",
        ),
    ),
    findings=findings,
    metrics=Metrics,
    claims=CLAIMS,
)
make_config, run = EXPERIMENT.make_config, EXPERIMENT.run
