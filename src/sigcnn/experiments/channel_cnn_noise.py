"""Ge et al., Fig. 3: accuracy drop of a clean-trained CNN under α-stable noise at equal Eq. 1 SNR.

LeNet-5 (the RECOS chapter's) is trained on clean images with ``n_seeds`` seeds. Each test image
(28×28, unframed) gets SαS noise scaled so that its Eq. 1 SNR *after clipping to the pixel range*
is the target, and is then framed to the network's 32×32 input (black, noise-free frame). Each
(α, training seed) gets ``noise_draws`` independent noise draws, each rescaled for every SNR. The
drop is clean accuracy minus noisy accuracy.

The paper's claims: smaller α hurts more at the same SNR, especially at low SNR. They are
robustness claims about the *same* trained networks, so the replicate is the test image: per
image, the drop of α = ``alpha_small`` minus the drop of α = ``alpha_large`` (averaged over the
networks and noise draws; paired by image), tested against 0. An untrained network sits at
chance and cannot show a drop, so it is no control for these claims; untrained networks
(``control_seeds`` of them) serve only as the control of the clean accuracy. We also measure how
concentrated each noise is: the share of its energy in the top 5 % of pixels, per image.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..signals import stable_noise as sn
from ..verdicts import Claim, Verdict, sentence
from ._base import Experiment, Measured, ReportRow, RunContext
from ._channel_common import (
    CHANNEL_DATASETS,
    ChannelConfig,
    build_bench,
    channel_scales,
    check_grid,
    correct_on,
    noise_seed,
    reachable_snrs,
    stable_unit_noise,
    untrained_accuracies,
)
from ._metrics import Replicated

ALPHAS = (0.5, 0.9, 1.0, 1.5, 2.0)


@dataclass(frozen=True)
class Config(ChannelConfig):
    """α values, Eq. 1 SNR grid (dB), noise draws, the compared pair and the SNR of the concentration measure.

    The claims compare ``alpha_small`` with ``alpha_large`` (both must be in ``alphas``) at the lowest
    reachable SNR of the grid and at ``high_snr_db`` (a grid point).
    """

    alphas: tuple = ALPHAS
    snrs_db: tuple = (0.0, 5.0, 10.0, 20.0)
    noise_draws: int = 2
    alpha_small: float = 0.5
    alpha_large: float = 2.0
    high_snr_db: float = 10.0
    concentration_snr_db: float = 10.0
    top_fraction: float = 0.05

    def __post_init__(self):
        if self.noise_draws < 1:
            raise ValueError(f"noise_draws must be >= 1, got {self.noise_draws}")
        missing = [a for a in (self.alpha_small, self.alpha_large) if float(a) not in map(float, self.alphas)]
        if missing:
            raise ValueError(f"alpha_small and alpha_large must be among alphas {tuple(self.alphas)}, got {missing}")
        if float(self.high_snr_db) not in map(float, self.snrs_db):
            raise ValueError(f"high_snr_db ({self.high_snr_db}) must be one of snrs_db {tuple(self.snrs_db)}")


@dataclass(frozen=True)
class Metrics:
    """What a run measures. Per-α lists follow ``alphas``; per-image replicates hold one value per test image."""

    n_seeds: int
    test_images: int
    noise_draws: int
    control_seeds: int
    clipping_floor_db: float
    alphas: tuple[float, ...]
    snrs_db: tuple[float, ...]
    lowest_snr_db: float
    high_snr_db: float
    clean_accuracy: Replicated
    """Clean accuracy per training seed; control: untrained networks."""
    drops_lowest_snr: tuple[float, ...]
    drops_high_snr: tuple[float, ...]
    gap_lowest_snr: Replicated
    """Per image: drop(α_small) − drop(α_large) at the lowest SNR, mean over networks and noise draws."""
    gap_high_snr: Replicated
    smaller_alpha_hurts_more_share: float
    """Share of adjacent-α comparisons over the whole grid where the smaller α has the larger mean drop."""
    top_share: tuple[float, ...]
    top_share_raw: tuple[float, ...]
    top_share_small: float
    top_share_large: float
    concentration_gap: Replicated
    """Per image: top-5 % energy share of α_small minus that of α_large (clipped noise)."""


def measure(config: Config, ctx: RunContext) -> Measured:
    """Per-image correctness for every (α, SNR, seed, draw) on the trained networks; concentration per image."""
    check_grid(config.alphas, config.snrs_db)
    bench = build_bench(config, ctx.device, ctx.progress)
    alphas = tuple(map(float, config.alphas))
    x, y = bench.images, bench.labels
    draws = config.noise_draws
    snrs, floor = reachable_snrs(x, alphas, bench.seeds, config.snrs_db, draws=draws)
    left_out = sorted(set(map(float, config.snrs_db)) - set(snrs))
    n_img = len(x)
    clean = np.stack([correct_on(net, x, y) for net in bench.trained])  # (seed, image)
    noisy = np.zeros((len(alphas), len(snrs), len(bench.seeds), draws, n_img))
    for i, (seed, net) in enumerate(zip(bench.seeds, bench.trained)):
        for a, alpha in enumerate(alphas):
            for d in range(draws):
                unit = stable_unit_noise(x.shape, alpha, noise_seed(seed, a, d))
                for s, snr in enumerate(snrs):
                    noisy[a, s, i, d] = correct_on(net, sn.noisy_images_at_snr(x, unit, snr), y)
    drop_img = clean[None, None, :, None, :] - noisy  # (α, SNR, seed, draw, image)
    drop = drop_img.mean((3, 4))  # (α, SNR, seed)
    ilo, ihi = alphas.index(float(config.alpha_small)), alphas.index(float(config.alpha_large))
    s0 = 0  # snrs is sorted: the lowest reachable point
    sh = snrs.index(float(config.high_snr_db)) if float(config.high_snr_db) in snrs else len(snrs) - 1
    per_image = drop_img.mean((2, 3))  # (α, SNR, image)
    order = np.argsort(alphas)
    means = drop.mean(2)[order]
    # concentration: share of the added (clipped) noise energy in the top pixels, per image
    conc_snr = max(config.concentration_snr_db, floor + 0.5)
    shares, raw_shares, share_img = [], [], []
    for a, alpha in enumerate(alphas):
        unit = stable_unit_noise(x.shape, alpha, noise_seed(bench.seeds[0], a))
        added = sn.noisy_images_at_snr(x, unit, conc_snr) - x
        share_img.append(sn.top_energy_share(added, config.top_fraction))
        shares.append(float(share_img[-1].mean()))
        raw_shares.append(float(np.median(sn.top_energy_share(unit, config.top_fraction))))
    controls = untrained_accuracies(config, x, y, bench.train.num_classes)
    metrics = Metrics(
        n_seeds=len(bench.seeds),
        test_images=n_img,
        noise_draws=draws,
        control_seeds=config.control_seeds,
        clipping_floor_db=floor,
        alphas=alphas,
        snrs_db=snrs,
        lowest_snr_db=snrs[s0],
        high_snr_db=snrs[sh],
        clean_accuracy=Replicated.of(clean.mean(1), controls),
        drops_lowest_snr=tuple(float(v) for v in drop[:, s0].mean(1)),
        drops_high_snr=tuple(float(v) for v in drop[:, sh].mean(1)),
        gap_lowest_snr=Replicated.of(per_image[ilo, s0] - per_image[ihi, s0]),
        gap_high_snr=Replicated.of(per_image[ilo, sh] - per_image[ihi, sh]),
        smaller_alpha_hurts_more_share=float(np.mean(means[:-1] > means[1:])),
        top_share=tuple(shares),
        top_share_raw=tuple(raw_shares),
        top_share_small=shares[ilo],
        top_share_large=shares[ihi],
        concentration_gap=Replicated.of(share_img[ilo] - share_img[ihi]),
    )
    arrays = {
        "alphas": np.array(alphas),
        "snrs_db": np.array(snrs),
        "drop": drop,
        "drop_per_image": per_image,
        "clean_accuracy": clean.mean(1),
        "top_share": np.array(shares),
        "top_share_raw": np.array(raw_shares),
        "example_images": x[:4],
    }
    for a, alpha in enumerate(alphas):
        unit = stable_unit_noise(x[:4].shape, alpha, 77 + a)
        arrays[f"example_a{alpha:g}"] = sn.noisy_images_at_snr(
            x[:4], unit, max(config.concentration_snr_db, float(sn.minimum_reachable_snr_db(x[:4], unit).max()) + 0.5)
        )
    notes = bench.notes + [
        "Noise on the unframed image (28×28 for MNIST/Fashion-MNIST) in [0, 1]; Eq. 1 on those pixels; the SNR after "
        "clipping to [0, 1] is the target for every image (solver tolerance 0.01 dB); the noisy image is then framed "
        "to 32×32 with a black, noise-free frame, as in training.",
        f"Noise: {draws} unit SαS draw(s) per (α, training seed), each rescaled for every SNR. Replicates of the claims: "
        f"the {n_img} test images, each image's drop averaged over the {len(bench.seeds)} trained networks and the "
        "noise draws (paired by image across α). Concentration measured at "
        f"{conc_snr:g} dB, top {config.top_fraction:.0%} of pixels.",
        f"Clean-accuracy control: {config.control_seeds} untrained networks; they are no control for the robustness "
        "claims (at chance, they cannot lose accuracy).",
        f"Clipping floor of these images (highest over images, α, seeds and draws): {floor:.2f} dB"
        + (f"; SNR points below it left out: {', '.join(f'{v:g}' for v in left_out)} dB." if left_out else "."),
    ]
    return Measured(metrics, arrays, bench.data_source, notes)


_PAIRED = (
    "paired by test image on the same trained networks and noise draws: drop(α = 0.5) − drop(α = 2), "
    "0 if α does not matter at equal Eq. 1 SNR"
)
CLAIMS = (
    Claim(
        "smaller_alpha_hurts_more_low_snr",
        "at equal Eq. 1 SNR, α = 0.5 noise costs a clean-trained CNN more accuracy than α = 2 noise, "
        "at the lowest reachable SNR of the grid",
        "gap_lowest_snr_replicates",
        "greater",
        "test images",
        no_control=_PAIRED,
    ),
    Claim(
        "smaller_alpha_hurts_more_high_snr",
        "at equal Eq. 1 SNR, α = 0.5 noise costs a clean-trained CNN more accuracy than α = 2 noise, at high_snr_db",
        "gap_high_snr_replicates",
        "greater",
        "test images",
        no_control=_PAIRED,
    ),
    Claim(
        "smaller_alpha_concentrates_energy",
        "smaller α concentrates the noise energy on fewer pixels (top-5 % share of α = 0.5 above that of α = 2)",
        "concentration_gap_replicates",
        "greater",
        "test images",
        no_control="paired by test image: top-5 % share of α = 0.5 minus that of α = 2, 0 if equally concentrated",
    ),
    Claim(
        "networks_learned",
        "the clean-trained networks classify clean test images better than untrained ones",
        "clean_accuracy_replicates",
        "greater",
        "training seeds",
        control="clean_accuracy_control",
        control_label="untrained networks",
        source="ours",
    ),
)


def findings(m: dict, verdicts: dict[str, Verdict]) -> list[str]:
    """Plain-language verdicts, computed from the measured numbers and the engine's verdicts."""
    claims = {c.id: c for c in CLAIMS}
    say = lambda cid, fmt=lambda v: f"{100 * v:+.2f} points": sentence(claims[cid], verdicts[cid], fmt)  # noqa: E731
    alphas, s0, sh = m["alphas"], m["lowest_snr_db"], m["high_snr_db"]
    return [
        f"Clean accuracy {m['clean_accuracy']:.1%} (mean of {m['n_seeds']} seeds); "
        + say("networks_learned", lambda v: f"{v:+.1%}"),
        f"At {s0:g} dB (Eq. 1 on the unframed image, after clipping) the drop is "
        + ", ".join(f"{d:.1%} for α = {a:g}" for a, d in zip(alphas, m["drops_lowest_snr"]))
        + ". "
        + say("smaller_alpha_hurts_more_low_snr"),
        f"At {sh:g} dB the drop is "
        + ", ".join(f"{d:.1%} for α = {a:g}" for a, d in zip(alphas, m["drops_high_snr"]))
        + ". "
        + say("smaller_alpha_hurts_more_high_snr"),
        f"Across the grid, the smaller α has the larger mean drop in {m['smaller_alpha_hurts_more_share']:.0%} of "
        "adjacent-α comparisons (a description, not a test).",
        "Share of the added noise energy in the top 5 % of pixels: "
        + ", ".join(f"{s:.0%} (α = {a:g})" for a, s in zip(alphas, m["top_share"]))
        + ". "
        + say("smaller_alpha_concentrates_energy", lambda v: f"{100 * v:+.1f} points"),
    ]


EXPERIMENT = Experiment(
    name="channel-cnn-noise",
    title="Accuracy drop of a clean-trained LeNet-5 under α-stable noise at equal Eq. 1 SNR (Ge et al. Fig. 3)",
    paper="ge2021communication",
    reproduces="Ge et al. Fig. 3, Eq. 1",
    config=Config,
    scales=channel_scales(
        ci=dict(noise_draws=1),
        laptop=dict(snrs_db=(0.0, 2.5, 5.0, 7.5, 10.0, 15.0, 20.0)),
        full=dict(snrs_db=(0.0, 2.5, 5.0, 7.5, 10.0, 12.5, 15.0, 17.5, 20.0), noise_draws=3),
    ),
    measure=measure,
    notebook="notebooks/channel_cnn_noise",
    datasets=CHANNEL_DATASETS,
    report_rows=(
        ReportRow(
            "Ge Fig. 3",
            "lowest reachable Eq. 1 SNR (0 dB on MNIST): drop(α = 0.5) − drop(α = 2), LeNet-5, per test image "
            "(positive = smaller α hurts more)",
            "gap_lowest_snr",
            "> 0 (smaller α hurts more)",
            source="derived",
            format="percent",
            claim="smaller_alpha_hurts_more_low_snr",
        ),
        ReportRow(
            "Ge Fig. 3",
            "Eq. 1 SNR 10 dB: drop(α = 0.5) − drop(α = 2), per test image",
            "gap_high_snr",
            "> 0 (smaller α hurts more)",
            source="derived",
            format="percent",
            claim="smaller_alpha_hurts_more_high_snr",
        ),
        ReportRow(
            "Ge Fig. 3",
            "share of adjacent-α comparisons (all SNRs) where smaller α drops more",
            "smaller_alpha_hurts_more_share",
            1.0,
            source="derived",
            format="percent",
        ),
        ReportRow(
            "Ge §4",
            "energy share of the top 5 % pixels, α = 0.5 (clipped noise, 10 dB)",
            "top_share_small",
            "concentrated as α falls",
            source="derived",
            format="percent",
        ),
        ReportRow(
            "Ge §4",
            "top-5 % energy share, α = 0.5 minus α = 2, per test image",
            "concentration_gap",
            "> 0 (more concentrated)",
            source="derived",
            format="percent",
            claim="smaller_alpha_concentrates_energy",
        ),
        ReportRow(
            "ours",
            "clean accuracy of the clean-trained LeNet-5s (against untrained networks)",
            "clean_accuracy",
            None,
            source="ours",
            format="percent",
            control="untrained networks",
            claim="networks_learned",
        ),
    ),
    findings=findings,
    metrics=Metrics,
    claims=CLAIMS,
)
make_config, run = EXPERIMENT.make_config, EXPERIMENT.run
