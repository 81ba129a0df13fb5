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
``min_loss``. The control is the untrained twin behind the same front end.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np
import torch

from ..controls import compare_to_controls, control_metrics
from ..models import LeNet5
from ..signals import stable_noise as sn
from ..training import train_seeded
from ._base import Experiment, Measured, ReportRow, RunContext
from ._channel_common import (
    CHANNEL_DATASETS,
    ChannelConfig,
    accuracy_on,
    augmented_training_set,
    build_bench,
    channel_scales,
    check_grid,
    median_front_end,
    network_input,
    noise_seed,
    reachable_snrs,
    stable_unit_noise,
)

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


def train_on(config: Config, inputs: torch.Tensor, labels: torch.Tensor, seed: int, n_classes: int) -> LeNet5:
    """LeNet-5 with init seed ``seed`` trained on ``inputs`` with the clean network's settings."""
    run = train_seeded(
        partial(LeNet5, num_classes=n_classes),
        inputs,
        labels,
        seed=seed,
        epochs=config.epochs,
        batch_size=config.batch_size,
        lr=config.lr,
    )
    return run.model.eval()


def measure(config: Config, ctx: RunContext) -> Measured:
    """Accuracy of each receiver for every (α, SNR, seed); clean accuracy; untrained control."""
    check_grid(tuple(config.alphas) + tuple(config.augment_alphas), config.snrs_db)
    bench = build_bench(config, ctx.device, ctx.progress)
    x, y = bench.images, bench.labels
    alphas = tuple(map(float, config.alphas))
    snrs, floor = reachable_snrs(x, alphas, bench.seeds, config.snrs_db)
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
        aug_nets.append(train_on(config, aug, data.y_train, seed, n_classes))
        aug01 = (aug[:, 0].numpy().astype(np.float64) + 1.0) / 2.0
        aug_med_nets.append(train_on(config, network_input(filt(aug01)), data.y_train, seed, n_classes))
    # (receiver, front end) for trained and for control networks
    setups = {
        "plain": (bench.trained, None, bench.untrained),
        "median": (bench.trained, filt, bench.untrained),
        "augmented": (aug_nets, None, bench.untrained),
        "median+augmented": (aug_med_nets, filt, bench.untrained),
    }
    acc = np.zeros((len(RECEIVERS), len(alphas), len(snrs), len(bench.seeds)))
    ctrl = np.zeros_like(acc)
    clean = np.zeros((len(RECEIVERS), len(bench.seeds)))
    for i, seed in enumerate(bench.seeds):
        for r, name in enumerate(RECEIVERS):
            nets, front, _ = setups[name]
            clean[r, i] = accuracy_on(nets[i], front(x) if front else x, y)
        for a, alpha in enumerate(alphas):
            unit = stable_unit_noise(x.shape, alpha, noise_seed(seed, a))
            for s, snr in enumerate(snrs):
                noisy = sn.noisy_images_at_snr(x, unit, snr)
                filtered = filt(noisy)
                # the untrained twin sees either the noisy or the filtered images: two evaluations serve all four
                control_acc = {
                    False: accuracy_on(bench.untrained[i], noisy, y),
                    True: accuracy_on(bench.untrained[i], filtered, y),
                }
                for r, name in enumerate(RECEIVERS):
                    nets, front, _ = setups[name]
                    acc[r, a, s, i] = accuracy_on(nets[i], filtered if front else noisy, y)
                    ctrl[r, a, s, i] = control_acc[front is not None]
    m: dict = {
        "n_seeds": len(bench.seeds),
        "test_images": int(len(x)),
        "lowest_snr_db": snrs[0],
        "clipping_floor_db": floor,
    }
    lost = clean[0][None, None] - acc[0]  # plain network: clean minus noisy, per (α, SNR, seed)
    for r, name in enumerate(RECEIVERS):
        tag = name.replace("+", "_")
        m[f"clean_accuracy_{tag}"] = float(clean[r].mean())
        for a, alpha in enumerate(alphas):
            for s, snr in enumerate(snrs):
                k = f"{tag}_a{alpha:g}_snr{snr:g}"
                m[f"accuracy_{k}"] = float(acc[r, a, s].mean())
                m[f"accuracy_{k}_min"], m[f"accuracy_{k}_max"] = float(acc[r, a, s].min()), float(acc[r, a, s].max())
                if r:  # ratio of seed means, only where the plain network loses enough to divide by
                    enough = lost[a, s].mean() >= config.min_loss
                    m[f"recovered_{k}"] = (
                        float((acc[r, a, s] - acc[0, a, s]).mean() / lost[a, s].mean()) if enough else None
                    )
        if r:
            hard = lost.mean(2) >= config.min_loss  # (α, SNR) points where the plain network loses enough
            m[f"recovered_mean_{tag}"] = (
                float((acc[r] - acc[0]).mean(2)[hard].sum() / lost.mean(2)[hard].sum()) if hard.any() else None
            )
            # accuracy gain over the plain receiver at the hardest point, trained vs untrained twins
            gain = acc[r, :, 0].mean(0) - acc[0, :, 0].mean(0)
            cgain = ctrl[r, :, 0].mean(0) - ctrl[0, :, 0].mean(0)
            m.update(
                control_metrics(
                    f"gain_{tag}_lowest_snr", compare_to_controls(gain, cgain, "untrained, same init seeds")
                )
            )
    best = max(RECEIVERS[1:], key=lambda n: m[f"recovered_mean_{n.replace('+', '_')}"] or -np.inf)
    m["best_receiver_index"] = RECEIVERS.index(best)
    arrays = {
        "alphas": np.array(alphas),
        "snrs_db": np.array(snrs),
        "accuracy": acc,
        "control_accuracy": ctrl,
        "clean_accuracy": clean,
        "receivers": np.array(RECEIVERS),
    }
    notes = bench.notes + [
        f"Median front end: {config.median_size}×{config.median_size}, edges by nearest value. SNR points tested: "
        f"{', '.join(f'{v:g}' for v in snrs)} dB (clipping floor of these images {floor:.2f} dB).",
        f"Augmentation: {config.augment_share:.0%} of the {n_train:,} training images carry SαS noise with α drawn from "
        f"{tuple(config.augment_alphas)} and Eq. 1 SNR uniform in [{config.augment_snr_low_db:g}, "
        f"{config.augment_snr_high_db:g}] dB (one fixed noisy copy, raised to 0.5 dB above an image's clipping floor "
        "where needed); same epochs, learning rate and init seeds as the clean networks.",
        f"Recovered share = mean(receiver − plain) / mean(clean − plain) over seeds, only where the plain network "
        f"loses at least {config.min_loss:.0%} (the grid mean pools those points); the control is the untrained "
        "twin behind the same front end (for augmented receivers: the clean network's untrained twin).",
    ]
    return Measured(m, arrays, bench.data_source, notes)


def findings(m: dict) -> list[str]:
    """Plain-language results from the measured numbers."""
    out = [
        "Clean accuracy: "
        + ", ".join(f"{r} {m['clean_accuracy_' + r.replace('+', '_')]:.1%}" for r in RECEIVERS)
        + " (a front end costs some clean accuracy when the network never saw it)."
    ]
    for r in RECEIVERS[1:]:
        tag = r.replace("+", "_")
        g = f"gain_{tag}_lowest_snr"
        rec = m["recovered_mean_" + tag]
        out.append(
            f"{r}: recovers {'n/a' if rec is None else f'{rec:.0%}'} of the accuracy the plain network loses "
            "(pooled over the grid points where it loses at least 2 points); "
            f"at the lowest SNR ({m['lowest_snr_db']:g} dB) its accuracy gain is {m[g]:+.1%} (seeds {m[g + '_trained_min']:+.1%} to "
            f"{m[g + '_trained_max']:+.1%}; untrained twins {m[g + '_control_min']:+.1%} to "
            f"{m[g + '_control_max']:+.1%})."
        )
    out.append(f"Best receiver on average: {RECEIVERS[m['best_receiver_index']]}.")
    return out


GAIN_ROWS = (
    ("median", "median 3×3 front end", "0 dB on MNIST; "),
    ("augmented", "α-stable augmentation", ""),
    ("median_augmented", "median + augmentation", ""),
)
"""(metric key, front end in words, SNR in words) of the three controlled gain rows of the report."""

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
                f"{front_end}: accuracy gain at the lowest SNR ({where}mean over α)",
                f"gain_{key}_lowest_snr",
                None,
                source="ours",
                format="percent",
                control="untrained, same init seeds",
            )
            for key, front_end, where in GAIN_ROWS
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
)
make_config, run = EXPERIMENT.make_config, EXPERIMENT.run
NAME = EXPERIMENT.name
