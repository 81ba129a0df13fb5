"""Kuo (2016), section 2 (Eqs. 5-10 and the k-means remark): anchor vectors as cluster centroids.

The six C1 filters of trained LeNet-5s (several seeds), as unit anchor vectors, are matched
(Hungarian assignment on angle) to the k-means centroids of unit-normalised 5x5 patches of the
training images (Coates et al. 2011). Yardsticks: the same networks untrained (the control),
random directions (isotropic, and with the centroids' DC component), and the comparison with the
DC removed from both. The control of "training moved the anchors towards the centroids" is many
untrained networks (they cost no training). On the same real patches Eqs. 6, 8 and 10 are checked against each other,
and the trained unit's response variance is split into its zero-mean and local-mean parts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..models.trained_lenet import trained_lenets, untrained_lenet
from ..models.training import accuracy
from ..probes.anchors import (
    dc_matched_directions,
    match_on_angle,
    mean_matched_angle_deg,
    nearest_angle,
    remove_dc,
    sample_patches,
    spherical_kmeans,
    translated_sphere_check,
    unit_anchors,
    variance_split,
)
from ..signals.sphere import translated_sphere_responses
from ..verdicts import Claim, Verdict, sentence
from ._base import Experiment, Measured, ReportRow, RunContext
from ._lenet import DATASETS, LeNetConfig, lenet_scales, training_spec
from ._metrics import Replicated, mean_of

CONTROL_SEED_OFFSET = 1000
"""Untrained control networks use initialisation seeds ``seed + 1000`` onwards (none is a trained seed)."""


@dataclass(frozen=True)
class Config(LeNetConfig):
    """Settings of one run; ``seeds`` networks are trained (seeds ``seed``, ``seed + 1``, ...)."""

    seeds: int = 3
    control_seeds: int = 12
    n_patches: int = 20000
    min_patch_std: float = 0.1
    n_centroids_large: int = 64
    kmeans_init: int = 4
    random_draws: int = 500


@dataclass(frozen=True)
class RandomYardstick:
    """Mean matched angle of sets of random directions: the mean and 5th percentile over draws, and the draws."""

    mean_deg: float
    p05_deg: float
    draws_deg: tuple[float, ...]

    @classmethod
    def of(cls, draws: np.ndarray) -> RandomYardstick:
        return cls(float(draws.mean()), float(np.percentile(draws, 5)), tuple(float(d) for d in draws))


@dataclass(frozen=True)
class Metrics:
    """What a run measures. The ``Replicated`` angles hold one value per trained seed beside
    ``control_seeds`` untrained networks; the yardsticks hold their random draws."""

    train_images: int
    test_images: int
    seeds: int
    control_seeds: int
    test_accuracy: float
    patches: int
    centroids_large: int
    matched_angle_mean_deg: Replicated
    nearest_of_large_angle_mean_deg: Replicated
    dc_removed_matched_angle_mean_deg: Replicated
    negated_minus_matched_deg: Replicated
    """Per trained seed: the negated anchors' mean matched angle minus the anchors' own (above 0: polarity matters)."""
    seed0_matched_angle_mean_deg: float
    matched_angle_max_deg: float
    init_matched_angle_mean_deg: float
    negated_matched_angle_mean_deg: float
    random_matched_angle: RandomYardstick
    random_centroid_dc_matched_angle: RandomYardstick
    random_anchor_dc_matched_angle: RandomYardstick
    dc_removed_random_matched_angle: RandomYardstick
    fraction_random_closer: float
    fraction_random_anchor_dc_closer: float
    centroid_abs_cos_to_constant_mean: float
    c1_abs_cos_to_constant_mean: float
    eq6_vs_direct_max_abs_diff: float
    eq6_vs_eq8_max_abs_diff: float
    eq6_vs_eq10_max_abs_diff: float
    translated_sphere_max_abs_diff: float
    translated_sphere_identity_holds: bool
    response_scale: float
    sign_agreement_trained_vs_eq6: float
    variance_share_zero_mean_part: float
    variance_share_local_mean_part: float
    variance_share_cross_term: float


def _draws(make, centroids, n: int) -> np.ndarray:
    return np.array([mean_matched_angle_deg(make(), centroids) for _ in range(n)])


def measure(config: Config, ctx: RunContext) -> Measured:
    """Anchors vs centroids with controls and yardsticks; the translated sphere on real patches."""
    data, nets = trained_lenets(training_spec(config), config.seeds, ctx.device, ctx.progress)
    model = nets[0].model
    weights = [n.model.c1.weight.detach().cpu().numpy().astype(np.float64) for n in nets]
    if model.c1.bias is None:  # LeNet5 builds C1 with a bias; nn.Conv2d types it as optional
        raise ValueError("the trained LeNet-5 has no C1 bias")
    w, bias, k = weights[0], model.c1.bias.detach().cpu().numpy().astype(np.float64), weights[0].shape[0]
    # Untrained networks cost no training: many seeds (disjoint from the trained ones) give the control a
    # real distribution for the test.
    untrained = [
        untrained_lenet(config.seed + CONTROL_SEED_OFFSET + s, data.num_classes, "cpu").c1.weight.detach().numpy()
        for s in range(config.control_seeds)
    ]
    untrained = [u.astype(np.float64) for u in untrained]
    patches = sample_patches(data.x_train[:, 0].numpy(), config.n_patches, config.min_patch_std, config.seed)
    centroids = spherical_kmeans(patches, k, seed=config.seed, n_init=config.kmeans_init)
    large = spherical_kmeans(patches, config.n_centroids_large, seed=config.seed, n_init=1)

    matched = lambda a: mean_matched_angle_deg(a, centroids)  # noqa: E731
    nearest = lambda a: float(np.degrees(nearest_angle(a, large).mean()))  # noqa: E731
    without_dc = lambda a: mean_matched_angle_deg(remove_dc(a), remove_dc(centroids))  # noqa: E731
    replicated = lambda f: Replicated.of([f(x) for x in weights], [f(u) for u in untrained])  # noqa: E731
    rows, cols, angles = match_on_angle(w, centroids)

    rng = np.random.default_rng(config.seed + 1)
    random_means = _draws(lambda: rng.standard_normal((k, 25)), centroids, config.random_draws)
    rng_dc = np.random.default_rng(config.seed + 2)
    dc_means = _draws(lambda: dc_matched_directions(centroids, rng_dc), centroids, config.random_draws)
    rng_adc, turn = np.random.default_rng(config.seed + 4), iter(range(config.random_draws))
    anchor_dc_means = _draws(
        lambda: dc_matched_directions(weights[next(turn) % len(weights)], rng_adc), centroids, config.random_draws
    )  # draw i keeps the DC of the anchors of seed i mod seeds
    rng_zero = np.random.default_rng(config.seed + 3)
    zero_means = np.array([without_dc(rng_zero.standard_normal((k, 25))) for _ in range(config.random_draws)])
    matched_angle = replicated(matched)

    # Translated sphere, Eqs. 5-10, on the real patches with the trained anchors of seed 0.
    a = w.reshape(k, -1)
    # The trained unit computes Rec(a^T x + b) = Rec(a^T (x - mu 1) + mu sum(a) + b).
    eq6 = translated_sphere_responses(patches, a)
    shares = variance_split(patches, a)
    metrics = Metrics(
        train_images=int(data.x_train.shape[0]),
        test_images=int(data.x_test.shape[0]),
        seeds=len(nets),
        control_seeds=config.control_seeds,
        test_accuracy=accuracy(model, data.x_test.to(ctx.device), data.y_test.to(ctx.device)),
        patches=int(patches.shape[0]),
        centroids_large=int(large.shape[0]),
        matched_angle_mean_deg=matched_angle,
        nearest_of_large_angle_mean_deg=replicated(nearest),
        dc_removed_matched_angle_mean_deg=replicated(without_dc),
        negated_minus_matched_deg=Replicated.of([matched(-x) - matched(x) for x in weights]),
        seed0_matched_angle_mean_deg=float(np.degrees(angles.mean())),
        matched_angle_max_deg=float(np.degrees(angles.max())),
        init_matched_angle_mean_deg=matched(nets[0].init_c1),
        negated_matched_angle_mean_deg=matched(-w),  # polarity matters in RECOS
        random_matched_angle=RandomYardstick.of(random_means),
        random_centroid_dc_matched_angle=RandomYardstick.of(dc_means),
        random_anchor_dc_matched_angle=RandomYardstick.of(anchor_dc_means),
        dc_removed_random_matched_angle=RandomYardstick.of(zero_means),
        fraction_random_closer=float((random_means <= matched_angle.value).mean()),
        fraction_random_anchor_dc_closer=float((anchor_dc_means <= matched_angle.value).mean()),
        centroid_abs_cos_to_constant_mean=float(np.abs(centroids @ (np.ones(25) / 5.0)).mean()),
        c1_abs_cos_to_constant_mean=float(np.abs(unit_anchors(w) @ (np.ones(25) / 5.0)).mean()),
        **translated_sphere_check(patches, a),
        sign_agreement_trained_vs_eq6=float(((patches @ a.T + bias > 0) == (eq6 > 0)).mean()),
        variance_share_zero_mean_part=shares["zero_mean_part"],
        variance_share_local_mean_part=shares["local_mean_part"],
        variance_share_cross_term=shares["cross_term"],
    )

    arrays = {
        "c1_weights": w,
        "c1_bias": bias,
        "a_k0": -a.sum(axis=1),
        "init_c1": nets[0].init_c1,
        "centroids": centroids.reshape(k, 1, 5, 5),
        "match_filter": rows,
        "match_centroid": cols,
        "match_angle_deg": np.degrees(angles),
        "random_matched_means_deg": random_means,
        "random_centroid_dc_matched_means_deg": dc_means,
        "random_anchor_dc_matched_means_deg": anchor_dc_means,
        "dc_removed_random_matched_means_deg": zero_means,
        "centroids_large": large.reshape(-1, 1, 5, 5),
        "loss": nets[0].loss,
    }
    notes = [
        data.split.split_note,
        *(n.note for n in nets),
        f"{len(nets)} training seeds ({config.seed}..{config.seed + len(nets) - 1}); the control is "
        f"{config.control_seeds} untrained networks (initialisation seeds {config.seed + CONTROL_SEED_OFFSET} "
        "onwards). Shuffled-label controls are not run at this scale.",
    ]
    return Measured(metrics, arrays, data.split.data_source, notes)


_UNTRAINED = "untrained networks"
CLAIMS = (
    Claim(
        "anchors_nearer_than_chance",
        "the trained C1 anchors lie near the k-means centroids of the patches: with the DC removed from both, "
        "nearer than zero-mean random directions",
        "dc_removed_matched_angle_mean_deg_replicates",
        "less",
        "training seeds",
        control="dc_removed_random_matched_angle_draws_deg",
        control_label="zero-mean random directions (random draws)",
    ),
    Claim(
        "raw_anchors_nearer_than_chance",
        "the trained C1 anchors (DC kept) lie nearer the centroids than random directions with the anchors' own DC",
        "matched_angle_mean_deg_replicates",
        "less",
        "training seeds",
        control="random_anchor_dc_matched_angle_draws_deg",
        control_label="random directions with the anchors' DC (random draws)",
    ),
    Claim(
        "closeness_is_learned",
        "training moves the anchors towards the centroids (DC removed: a smaller angle than untrained networks)",
        "dc_removed_matched_angle_mean_deg_replicates",
        "less",
        "training seeds",
        control="dc_removed_matched_angle_mean_deg_control",
        control_label=_UNTRAINED,
        source="ours",
    ),
    Claim(
        "polarity_matters",
        "polarity matters (RECOS): the negated anchors match the centroids worse than the anchors themselves",
        "negated_minus_matched_deg_replicates",
        "greater",
        "training seeds",
        no_control="paired per training seed: the same anchors negated; 0 = the match does not see the polarity",
    ),
)


def findings(metrics: dict, verdicts: dict[str, Verdict]) -> list[str]:
    """Plain-language findings on Kuo's claims, computed from the measured ``metrics`` and the engine's ``verdicts``."""
    m = metrics
    claims = {c.id: c for c in CLAIMS}
    deg = lambda key: f"{m[key]:.1f}°"  # noqa: E731
    ctrl = lambda key: f"{mean_of(m[key + '_control']):.1f}°"  # noqa: E731
    say = lambda cid: sentence(claims[cid], verdicts[cid], fmt=lambda v: f"{v:+.1f}°")  # noqa: E731
    return [
        f"Matched one to one, the trained C1 anchors (mean of {m['seeds']} seeds) lie "
        f"{deg('matched_angle_mean_deg')} from the k-means centroids of the patches; {m['control_seeds']} untrained "
        f"networks lie {ctrl('matched_angle_mean_deg')} on average, isotropic random directions "
        f"{deg('random_matched_angle_mean_deg')}. The centroids are far from zero-mean (mean |cos| to the constant "
        f"vector {m['centroid_abs_cos_to_constant_mean']:.2f}, anchors {m['c1_abs_cos_to_constant_mean']:.2f}), so "
        f"the yardstick must control the DC: random directions with the anchors' own DC component lie "
        f"{deg('random_anchor_dc_matched_angle_mean_deg')} (5th percentile "
        f"{deg('random_anchor_dc_matched_angle_p05_deg')}); random directions given the centroids' DC lie "
        f"{deg('random_centroid_dc_matched_angle_mean_deg')}. " + say("raw_anchors_nearer_than_chance"),
        f"With the DC removed from anchors and centroids alike (our main test), the trained anchors lie "
        f"{deg('dc_removed_matched_angle_mean_deg')}, the untrained {ctrl('dc_removed_matched_angle_mean_deg')}, "
        f"zero-mean random directions {deg('dc_removed_random_matched_angle_mean_deg')} (5th percentile "
        f"{deg('dc_removed_random_matched_angle_p05_deg')}). Kuo's k-means remark: "
        + say("anchors_nearer_than_chance")
        + " Is it learned? "
        + say("closeness_is_learned"),
        f"Against {m['centroids_large']} centroids, each anchor's nearest centroid is on average "
        f"{deg('nearest_of_large_angle_mean_deg')} away (untrained {ctrl('nearest_of_large_angle_mean_deg')}). "
        f"Negated anchors (seed 0) match the 6 centroids at {deg('negated_matched_angle_mean_deg')} against "
        f"{deg('seed0_matched_angle_mean_deg')} for the anchors themselves. " + say("polarity_matters"),
        f"Eqs. 6, 8 and 10 agree on {m['patches']:,} real patches to {m['translated_sphere_max_abs_diff']:.1e} "
        f"(responses up to {m['response_scale']:.2f}): the translated-sphere, augmented and scaled forms are the "
        "same computation.",
        f"The trained C1 does not remove the local mean: its rectification decision agrees with the mean-removed "
        f"unit of Eq. 6 on {100 * m['sign_agreement_trained_vs_eq6']:.1f} % of patch-anchor pairs. Its response "
        f"variance splits into the zero-mean part {100 * m['variance_share_zero_mean_part']:.0f} %, the local-mean "
        f"part μΣa {100 * m['variance_share_local_mean_part']:.0f} % and twice their covariance "
        f"{100 * m['variance_share_cross_term']:+.0f} % (these add up to 100 %). Kuo's augmented element is the "
        "patch mean μ with weight a_{k,0} = −Σa_k (Eq. 7), which changes from patch to patch and cancels the "
        "local-mean part; the learned bias is a constant and is not that element (our reading).",
    ]


EXPERIMENT = Experiment(
    name="recos-anchors",
    title="Anchor vectors vs k-means centroids; translated sphere (LeNet-5 C1)",
    paper="kuo2016recos",
    reproduces="Kuo (2016) §2, Eqs. 5-10 and the k-means observation of Coates et al. (2011)",
    config=Config,
    scales=lenet_scales(
        ci=dict(n_patches=20000, kmeans_init=4),
        laptop=dict(n_patches=100000, kmeans_init=8),
        full=dict(n_patches=400000, kmeans_init=10),
    ),
    measure=measure,
    notebook="notebooks/recos_anchors",
    datasets=DATASETS,
    report_rows=(
        ReportRow(
            "Kuo §2 (k-means remark)",
            "C1 anchors vs k-means centroids: mean matched angle (deg)",
            "matched_angle_mean_deg",
            "anchors ≈ centroids (no number)",
            format="deg",
            control=_UNTRAINED,
            figure="fig-recos-anchors-hist",
        ),
        ReportRow(
            "Kuo §2 (k-means remark)",
            "same, 6 random directions with the anchors' DC (mean of draws, deg)",
            "random_anchor_dc_matched_angle_mean_deg",
            "no number",
            source="ours",
            format="deg",
        ),
        ReportRow(
            "Kuo §2 (k-means remark)",
            "C1 anchors vs centroids against random directions with the anchors' DC (deg)",
            "matched_angle_mean_deg",
            "anchors ≈ centroids (no number)",
            format="deg",
            claim="raw_anchors_nearer_than_chance",
        ),
        ReportRow(
            "Kuo §2 (k-means remark)",
            "same, 6 random directions with the centroids' DC (mean of draws, deg)",
            "random_centroid_dc_matched_angle_mean_deg",
            "no number",
            source="ours",
            format="deg",
        ),
        ReportRow(
            "Kuo §2 (k-means remark)",
            "same, 6 isotropic random directions (mean of draws, deg)",
            "random_matched_angle_mean_deg",
            "no number",
            source="ours",
            format="deg",
        ),
        ReportRow(
            "Kuo §2 (k-means remark)",
            "DC removed from anchors and centroids: mean matched angle (deg), against zero-mean random directions",
            "dc_removed_matched_angle_mean_deg",
            "anchors ≈ centroids (no number)",
            format="deg",
            claim="anchors_nearer_than_chance",
        ),
        ReportRow(
            "Kuo §2 (k-means remark)",
            "DC removed: trained against untrained networks (ours: is the closeness learned?)",
            "dc_removed_matched_angle_mean_deg",
            "no claim",
            source="ours",
            format="deg",
            control=_UNTRAINED,
            claim="closeness_is_learned",
        ),
        ReportRow(
            "Kuo §2 (RECOS: polarity matters)",
            "negated anchors' matched angle minus the anchors' own (deg, per seed)",
            "negated_minus_matched_deg",
            "> 0 (no number)",
            source="derived",
            format="deg",
            claim="polarity_matters",
        ),
        ReportRow(
            "Kuo §2 (k-means remark)",
            "DC removed: 6 zero-mean random directions (mean of draws, deg)",
            "dc_removed_random_matched_angle_mean_deg",
            "no number",
            source="ours",
            format="deg",
        ),
        ReportRow(
            "Kuo Eqs. 6, 8, 10",
            "Eqs. 6, 8 and 10 agree on real patches (max abs diff < 1e-12)",
            "translated_sphere_identity_holds",
            "identity",
            format="bool",
        ),
    ),
    findings=findings,
    metrics=Metrics,
    claims=CLAIMS,
)
make_config, run = EXPERIMENT.make_config, EXPERIMENT.run
