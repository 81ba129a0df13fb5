"""Koushik (2016) Theorems 2 and 3, measured on MNIST digits with kymatio's ``Scattering2D``.

The paper proves, without experiments, that the first-order transform Φ_J x = |x ∗ ψ_{j,k}| ∗ φ_J
is locally translation-invariant at scale 2^J and Lipschitz-stable to deformations (Theorem 2), and
that every scattering path of order m satisfies ‖S_J[p] g·x − S_J[p] x‖ ≤ C m |g| ‖x‖ with
|g| = 2^{-J} sup|τ| + sup|∇τ| (Theorem 3). We measure, on digits padded to 32×32:

- translation: the relative change ‖Φ(shifted x) − Φ(x)‖ / ‖Φ(x)‖ for shifts of 1-4 pixels, for
  S_J (J = 1, 2, 3), pixels, the Fourier modulus and the C5/F6 features of LeNet-5, trained
  (``lenet_seeds``) and untrained (``control_seeds``, disjoint initialisation seeds);
- deformation: the same for smooth random displacement fields of growing sup|∇τ|;
- Theorem 3: per digit and order, the ratio ‖ΔS_J[m]‖ / (max(m, 1) |g| ‖x‖) over a stated family of
  deformations (the random fields *and* the 1-4 px translations, which are diffeomorphisms too);
  its maximum over the sample is a *lower bound* on C (it can only grow with more digits or
  fields). The falsifiable part is the form of the bound: per digit, the log-log slope of ‖ΔS‖
  against |g| at the smallest sizes must not fall below 1 (else the ratio grows without bound as
  the deformation shrinks); ``SLOPE_MARGIN`` is the margin we test against;
- energy per order with kymatio's subsampling corrected (×4^J), and the filter bank.

Norms are per order m (all paths of that order together), not per path.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..data import load_image_dataset
from ..models import LeNet5
from ..models import scattering as sc
from ..models.trained_lenet import TrainingSpec, trained_lenets
from ..models.training import accuracy, initial_model
from ..signals import deformation as dfm
from ..verdicts import Claim, Verdict, sentence
from ._base import BaseConfig, Experiment, Measured, ReportRow, RunContext
from ._metrics import Replicated, mean_of

JS = (1, 2, 3)
SHIFTS = (1, 2, 3, 4)
SIZE = 32
ORDERS = {J: tuple(range(min(J, 2) + 1)) for J in JS}
"""The orders kymatio computes at each J (order 2 needs j1 < j2 < J)."""
CONTROL_SEED_OFFSET = 1000
"""Untrained control LeNet-5s use initialisation seeds ``seed + 1000`` onwards (none is a trained seed)."""
SLOPE_MAX_GRADIENT = 0.05
"""The log-log slope of Theorem 3 is fitted over the fields with sup|∇τ| at most this (the smallest sizes)."""
SLOPE_SHIFTS = (1, 2)
"""... and over these translations (pixels)."""
SLOPE_MARGIN = 0.9
"""Our margin: a slope above it counts as (at least) linear growth of ‖ΔS‖ with |g|."""


@dataclass(frozen=True)
class Config(BaseConfig):
    """Settings of one run."""

    device: str = "cpu"
    n_images: int = 48  # digits measured
    gradients: tuple = (0.01, 0.02, 0.05, 0.1, 0.2)  # sup |∇τ| of the displacement fields
    smoothness: float = 4.0  # pixels (Gaussian low-pass of the random field)
    lenet_seeds: int = 3
    control_seeds: int = 12
    lenet_train: int = 2000
    lenet_epochs: int = 3
    L: int = 8

    def __post_init__(self):
        if self.n_images < 4:
            raise ValueError(f"n_images must be at least 4, got {self.n_images}")
        small = [g for g in self.gradients if g <= SLOPE_MAX_GRADIENT]
        if len(small) < 2 or any(g <= 0 for g in self.gradients):
            raise ValueError(
                f"gradients must be positive with at least two at most {SLOPE_MAX_GRADIENT} (for the slope), "
                f"got {self.gradients}"
            )


@dataclass(frozen=True)
class Changes:
    """Mean relative change of each representation under one shift or deformation; LeNet-5's per seed
    (trained) beside its untrained control networks."""

    pixels: float
    fourier: float
    scattering_J1: float
    scattering_J2: float
    scattering_J3: float
    lenet_c5: Replicated
    lenet_f6: Replicated


@dataclass(frozen=True)
class Theorem3:
    """Theorem 3 measured. ``C_J{J}_m{m}``: the largest ratio ‖ΔS_J[m]‖ / (max(m, 1) |g| ‖x‖) over the
    digits, the random fields and the translations: a lower bound on C for this family and sample."""

    n_images: int
    C_J1_m0: float
    C_J1_m1: float
    C_J2_m0: float
    C_J2_m1: float
    C_J2_m2: float
    C_J3_m0: float
    C_J3_m1: float
    C_J3_m2: float
    C_deform_J3_m1: float
    """Order 1, J = 3: the random fields alone."""
    C_shift_J3_m1: float
    """Order 1, J = 3: the translations alone."""
    C_J3_m1_quarter_sample: float
    """The same maximum over the first quarter of the digits (the bound grows with the sample)."""
    slope_deform: Replicated
    """Per digit: slope of log ‖ΔS_3[1]‖ against log |g| over the fields with sup|∇τ| ≤ 0.05."""
    slope_shift: Replicated
    """Per digit: the same slope over the 1- and 2-pixel translations."""


@dataclass(frozen=True)
class Energy:
    """‖S_m x‖² / ‖x‖² per order, kymatio's subsampling corrected (×4^J), and the uncorrected totals."""

    J1_order0: float
    J1_order1: float
    J1_total: float
    J1_uncorrected: float
    J2_order0: float
    J2_order1: float
    J2_order2: float
    J2_total: float
    J2_uncorrected: float
    J3_order0: float
    J3_order1: float
    J3_order2: float
    J3_total: float
    J3_uncorrected: float


@dataclass(frozen=True)
class Metrics:
    """What a run measures (flat keys as before the typed metrics: ``shift2_pixels``, ``theorem3_C_J3_m1``)."""

    lenet_test_accuracy: float
    n_images: int
    lenet_seeds: int
    control_seeds: int
    shift1: Changes
    shift2: Changes
    shift3: Changes
    shift4: Changes
    deform_largest: Changes
    deform_largest_gradient: float
    mean_max_displacement_px_largest: float
    translation_decreases_with_J: bool
    translation_J_slope: Replicated
    """Per digit: slope of log2 of S_J's change under a 2-px shift against J (Theorem 2: about −1)."""
    translation_pixels_over_J3_at_2px: float
    theorem3: Theorem3
    energy: Energy


def pad_to_32(images_u8: torch.Tensor) -> np.ndarray:
    """uint8 (N, 28, 28) -> float64 (N, 32, 32) in [0, 1], a 2-pixel zero frame (LeNet-5's input size)."""
    x = images_u8.numpy().astype(np.float64) / 255.0
    return np.pad(x, ((0, 0), (2, 2), (2, 2)))


def lenet_features(model: LeNet5, images: np.ndarray) -> dict[str, np.ndarray]:
    """C5 (120) and F6 (84) activations of ``model`` for [0, 1] images, fed as ``2x - 1`` like training."""
    x = torch.from_numpy(2 * images[:, None] - 1).float()
    with torch.no_grad():
        c5 = model.act5(model.c5(model.features(x))).flatten(1)
        f6 = model.act6(model.f6(c5))
    return {"c5": c5.numpy().astype(np.float64), "f6": f6.numpy().astype(np.float64)}


def _relative_changes(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a.reshape(a.shape[0], -1)
    b = b.reshape(b.shape[0], -1)
    return np.linalg.norm(a - b, axis=1) / np.linalg.norm(a, axis=1)


def mean_relative_change(a: np.ndarray, b: np.ndarray) -> float:
    """Mean over images of ``‖a_i − b_i‖ / ‖a_i‖`` (first axis indexes images)."""
    return float(np.mean(_relative_changes(a, b)))


def fixed_representations(images: np.ndarray, L: int) -> dict[str, np.ndarray]:
    """Pixels, Fourier modulus and S_J (J = 1, 2, 3) of a stack of 32×32 images."""
    out = {"pixels": images, "fourier": np.abs(np.fft.fft2(images))}
    for J in JS:
        out[f"scattering_J{J}"] = sc.scatter_images(images, J, L, use_cache=False)[0].astype(np.float64)
    return out


def _trained_lenets(config: Config, data) -> tuple[list, list, list]:
    # The shared cached training (models.trained_lenet): its inputs (2u - 255) / 255 are bitwise those
    # of 2 * pad_to_32(u) - 1 in float32, so the weights are those of the former loop here.
    spec = TrainingSpec(
        dataset="mnist",
        seed=config.seed,
        epochs=config.lenet_epochs,
        batch_size=64,
        lr=2e-3,
        train_limit=config.lenet_train,
        allow_test_split=True,
    )
    _, nets = trained_lenets(spec, config.lenet_seeds, torch.device("cpu"))
    x_test = torch.from_numpy(2 * pad_to_32(data.test_images)[:, None] - 1).float()
    trained = [net.model for net in nets]
    accs = [accuracy(model, x_test, data.test_labels) for model in trained]
    # Untrained networks cost no training: many seeds, disjoint from the trained ones, as the control.
    untrained = [initial_model(LeNet5, config.seed + CONTROL_SEED_OFFSET + k) for k in range(config.control_seeds)]
    return trained, untrained, accs


def order_change_norms(base: np.ndarray, moved: np.ndarray, orders: np.ndarray, J: int) -> dict[int, np.ndarray]:
    """Per image and order m: ‖S_J[m] moved − S_J[m] base‖ of the full-resolution average, all paths of
    order m together (kymatio keeps one sample in 2^J per axis: ×2^J on the norm)."""
    out = {}
    for order in np.unique(orders):
        diff = (moved - base)[:, orders == order]
        out[int(order)] = 2.0**J * np.linalg.norm(diff.reshape(len(diff), -1), axis=1)
    return out


def theorem3_ratios(change: np.ndarray, order: int, sizes: np.ndarray, norms: np.ndarray) -> np.ndarray:
    """‖ΔS_J[m]‖ / (max(m, 1) |g| ‖x‖): order 0 is divided by |g| alone (m = 0 would make the bound 0)."""
    return np.asarray(change) / (max(int(order), 1) * np.asarray(sizes) * np.asarray(norms))


def loglog_slopes(sizes: np.ndarray, changes: np.ndarray) -> np.ndarray:
    """Per row (image), the least-squares slope of log(change) against log(size).

    ``sizes`` and ``changes`` are (images, sizes); a slope of 1 means the change is linear in the size.
    """
    x, y = np.log(np.asarray(sizes, dtype=float)), np.log(np.asarray(changes, dtype=float))
    xc = x - x.mean(axis=1, keepdims=True)
    yc = y - y.mean(axis=1, keepdims=True)
    return (xc * yc).sum(axis=1) / (xc**2).sum(axis=1)


def measure(config: Config, ctx: RunContext) -> Measured:
    """Translation, deformation, Theorem 3, energy and the filter bank (see the module docstring)."""
    data = load_image_dataset("mnist", allow_test_split=True)
    images = pad_to_32(data.test_images[: config.n_images])
    n = images.shape[0]
    norms = np.linalg.norm(images.reshape(n, -1), axis=1)
    channel_orders = {J: np.array([r["order"] for r in sc.channels_2d(J, config.L)]) for J in JS}
    trained, untrained, accs = _trained_lenets(config, data)
    base = fixed_representations(images, config.L)
    base_lenet = {
        "trained": [lenet_features(net, images) for net in trained],
        "untrained": [lenet_features(net, images) for net in untrained],
    }
    names = list(base) + [f"lenet_{layer}" for layer in ("c5", "f6")]
    # per J, order, family: per-image ‖ΔS‖ (columns: sizes) and |g|
    norms_by: dict[tuple[int, int, str], list[np.ndarray]] = {
        (J, o, fam): [] for J in JS for o in ORDERS[J] for fam in ("shift", "deform")
    }
    sizes_by: dict[tuple[int, str], list[np.ndarray]] = {(J, fam): [] for J in JS for fam in ("shift", "deform")}
    per_image_J = []  # per image, S_J's change under a 2-px shift, J = 1, 2, 3

    def changes(moved: np.ndarray, family: str, fields: list[np.ndarray]) -> Changes:
        rep = fixed_representations(moved, config.L)
        lenet = {}
        for layer in ("c5", "f6"):
            runs = {
                kind: [
                    mean_relative_change(b[layer], lenet_features(net, moved)[layer])
                    for b, net in zip(base_lenet[kind], nets)
                ]
                for kind, nets in (("trained", trained), ("untrained", untrained))
            }
            lenet[layer] = Replicated.of(runs["trained"], runs["untrained"])
        for J in JS:
            key = f"scattering_J{J}"
            for order, value in order_change_norms(base[key], rep[key], channel_orders[J], J).items():
                norms_by[(J, order, family)].append(value)
            sizes_by[(J, family)].append(np.array([dfm.deformation_size(f, J) for f in fields]))
        if family == "shift" and len(sizes_by[(1, "shift")]) == 2:  # the 2-px shift
            per_image_J.append([_relative_changes(base[f"scattering_J{J}"], rep[f"scattering_J{J}"]) for J in JS])
        return Changes(
            pixels=mean_relative_change(base["pixels"], rep["pixels"]),
            fourier=mean_relative_change(base["fourier"], rep["fourier"]),
            scattering_J1=mean_relative_change(base["scattering_J1"], rep["scattering_J1"]),
            scattering_J2=mean_relative_change(base["scattering_J2"], rep["scattering_J2"]),
            scattering_J3=mean_relative_change(base["scattering_J3"], rep["scattering_J3"]),
            lenet_c5=lenet["c5"],
            lenet_f6=lenet["f6"],
        )

    # Translation invariance (Theorem 2): horizontal shifts with zeros entering (a constant field)
    shift = {}
    for s in SHIFTS:
        field = dfm.shift_field((SIZE, SIZE), (0, s))
        shift[s] = changes(dfm.translate(images, (0, s)), "shift", [field] * n)
    # Deformation stability (Theorems 2-3): one smooth field per image, scaled to each sup|∇τ|
    deform, sizes_px = [], []
    for eps in config.gradients:
        fields = [
            dfm.smooth_displacement_field((SIZE, SIZE), eps, config.smoothness, seed=config.seed + i) for i in range(n)
        ]
        moved = np.stack([dfm.warp(img, f) for img, f in zip(images, fields)])
        deform.append(changes(moved, "deform", fields))
        sizes_px.append([dfm.max_displacement(f) for f in fields])

    # Theorem 3: ratios over both families; the maximum is a lower bound on C
    C, C_table = {}, np.zeros((len(JS), 3, 2))
    ratios = {}
    for J in JS:
        for order in ORDERS[J]:
            for k, fam in enumerate(("deform", "shift")):
                change = np.array(norms_by[(J, order, fam)]).T  # (images, sizes)
                g = np.array(sizes_by[(J, fam)]).T
                ratios[(J, order, fam)] = theorem3_ratios(change, order, g, norms[:, None])
                C_table[J - 1, order, k] = ratios[(J, order, fam)].max()
            C[(J, order)] = float(C_table[J - 1, order].max())
    both = np.concatenate([ratios[(3, 1, "deform")], ratios[(3, 1, "shift")]], axis=1)
    small = np.array(config.gradients) <= SLOPE_MAX_GRADIENT
    slope_deform = loglog_slopes(
        np.array(sizes_by[(3, "deform")]).T[:, small], np.array(norms_by[(3, 1, "deform")]).T[:, small]
    )
    pick = [SHIFTS.index(s) for s in SLOPE_SHIFTS]
    slope_shift = loglog_slopes(
        np.array(sizes_by[(3, "shift")]).T[:, pick], np.array(norms_by[(3, 1, "shift")]).T[:, pick]
    )
    theorem3 = Theorem3(
        n_images=n,
        **{f"C_J{J}_m{o}": C[(J, o)] for J in JS for o in ORDERS[J]},
        C_deform_J3_m1=float(C_table[2, 1, 0]),
        C_shift_J3_m1=float(C_table[2, 1, 1]),
        C_J3_m1_quarter_sample=float(both[: max(n // 4, 1)].max()),
        slope_deform=Replicated.of(slope_deform),
        slope_shift=Replicated.of(slope_shift),
    )

    # Energy per order, corrected and not
    energy = {}
    for J in JS:
        per = [sc.energy_per_order(x, c, channel_orders[J], J) for x, c in zip(images, base[f"scattering_J{J}"])]
        for order in ORDERS[J]:
            energy[f"J{J}_order{order}"] = float(np.mean([p[order] for p in per]))
        energy[f"J{J}_total"] = sum(energy[f"J{J}_order{o}"] for o in ORDERS[J])
        energy[f"J{J}_uncorrected"] = energy[f"J{J}_total"] / 4.0**J

    j_changes = np.array(per_image_J[0]).T  # (images, J = 1, 2, 3)
    metrics = Metrics(
        lenet_test_accuracy=float(np.mean(accs)),
        n_images=n,
        lenet_seeds=config.lenet_seeds,
        control_seeds=config.control_seeds,
        shift1=shift[1],
        shift2=shift[2],
        shift3=shift[3],
        shift4=shift[4],
        deform_largest=deform[-1],
        deform_largest_gradient=float(config.gradients[-1]),
        mean_max_displacement_px_largest=float(np.mean(sizes_px[-1])),
        translation_decreases_with_J=bool(
            all(shift[s].scattering_J1 > shift[s].scattering_J2 > shift[s].scattering_J3 for s in SHIFTS)
        ),
        translation_J_slope=Replicated.of(loglog_slopes(np.tile(2.0 ** np.array(JS), (n, 1)), j_changes)),
        translation_pixels_over_J3_at_2px=shift[2].pixels / shift[2].scattering_J3,
        theorem3=theorem3,
        energy=Energy(**energy),
    )

    table = np.array(
        [
            [getattr(shift[s], k) if not k.startswith("lenet") else getattr(shift[s], k).value for s in SHIFTS]
            for k in names
        ]
    )
    deform_table = np.array(
        [[getattr(d, k) if not k.startswith("lenet") else getattr(d, k).value for d in deform] for k in names]
    )

    def band(rows: list[Changes], layer: str) -> np.ndarray:
        ctl = [np.array(getattr(r, f"lenet_{layer}").control) for r in rows]
        return np.array([[c.min() for c in ctl], [c.max() for c in ctl]])

    filters = sc.filters_2d(3, config.L, SIZE)
    example_field = dfm.smooth_displacement_field(
        (SIZE, SIZE), config.gradients[-1], config.smoothness, seed=config.seed
    )
    arrays = {
        "representations": np.array(names),
        "shifts": np.array(SHIFTS),
        "translation_table": table,
        "gradients": np.array(config.gradients),
        "deformation_table": deform_table,
        **{f"translation_control_{layer}": band([shift[s] for s in SHIFTS], layer) for layer in ("c5", "f6")},
        **{f"deformation_control_{layer}": band(deform, layer) for layer in ("c5", "f6")},
        "theorem3_C_table": C_table,
        **{f"theorem3_median_C_J{J}_m{o}": np.median(ratios[(J, o, "deform")], axis=0) for J in JS for o in ORDERS[J]},
        "theorem3_ratios_J3_m1_deform": ratios[(3, 1, "deform")],
        "theorem3_ratios_J3_m1_shift": ratios[(3, 1, "shift")],
        "example_image": images[0],
        "example_deformed": dfm.warp(images[0], example_field),
        "example_field": example_field,
        "psi": filters["psi"],
        "phi": filters["phi"],
    }
    notes = [
        data.split_note,
        f"{n} test digits padded to 32x32 in [0, 1]; kymatio Scattering2D (L={config.L}, numpy "
        "frontend); shifts are horizontal with zeros entering; Fourier modulus = |FFT2| of the 32x32 image.",
        f"LeNet-5: {config.lenet_seeds} seeds trained {config.lenet_epochs} epochs on the first "
        f"{config.lenet_train} training images (test accuracy {100 * np.mean(accs):.1f} %); control: "
        f"{config.control_seeds} untrained networks (initialisation seeds {config.seed + CONTROL_SEED_OFFSET} onwards).",
        f"Deformations: one random field per digit (Gaussian-smoothed white noise, {config.smoothness:g} px), "
        f"scaled to sup|∇τ| in {list(config.gradients)}; translations by {list(SHIFTS)} px.",
        "Theorem 3: ratio ‖ΔS_J[m]‖ / (max(m, 1) |g| ‖x‖) per digit, with the norm over all paths of order m "
        "together; C is its maximum over the digits, the fields and the translations (a lower bound).",
        "Norms of S_J are of the full-resolution average: kymatio's output (one sample per 2^J x 2^J block) "
        "has its squared norm multiplied by 4^J.",
    ]
    return Measured(metrics, arrays, data.data_source, notes)


_UNTRAINED = "untrained LeNet-5s"
_SLOPE_NULL = (
    f"a Lipschitz bound needs ‖ΔS‖ to grow at least linearly in |g| as |g| → 0 (slope ≥ 1, else the ratio "
    f"grows without bound); {SLOPE_MARGIN} is our margin below 1"
)
CLAIMS = (
    Claim(
        "translation_invariance_grows_with_J",
        "S_J's change under a 2-px shift falls as J grows (Theorem 2: local invariance at scale 2^J)",
        "translation_J_slope_replicates",
        "less",
        "test digits",
        null=0.0,
        no_control="the slope of log2(change) against J, against 0 (no change with J); the bound predicts about −1",
    ),
    Claim(
        "fourier_modulus_shift_invariant",
        "the Fourier modulus does not change under a 2-px shift of a digit that stays inside the frame",
        "shift2_fourier",
        "equal",
        "test digits",
        null=0.0,
        tolerance=1e-9,
        source="ours",
    ),
    Claim(
        "lenet_c5_shift_invariance_learned",
        "training makes LeNet-5's C5 features change less under a 2-px shift than at initialisation",
        "shift2_lenet_c5_replicates",
        "less",
        "training seeds",
        control="shift2_lenet_c5_control",
        control_label=_UNTRAINED,
        source="ours",
    ),
    Claim(
        "lenet_f6_shift_invariance_learned",
        "training makes LeNet-5's F6 features change less under a 2-px shift than at initialisation",
        "shift2_lenet_f6_replicates",
        "less",
        "training seeds",
        control="shift2_lenet_f6_control",
        control_label=_UNTRAINED,
        source="ours",
    ),
    Claim(
        "theorem3_linear_in_deformation",
        f"‖ΔS_3‖ of order 1 grows at least linearly with |g| for small random deformations "
        f"(log-log slope above {SLOPE_MARGIN}; Theorem 3's form)",
        "theorem3_slope_deform_replicates",
        "greater",
        "test digits",
        null=SLOPE_MARGIN,
        no_control=_SLOPE_NULL,
    ),
    Claim(
        "theorem3_linear_in_translation",
        f"‖ΔS_3‖ of order 1 grows at least linearly with |g| = 2^-J |c| for 1- and 2-px translations "
        f"(log-log slope above {SLOPE_MARGIN}; Theorem 3's form)",
        "theorem3_slope_shift_replicates",
        "greater",
        "test digits",
        null=SLOPE_MARGIN,
        no_control=_SLOPE_NULL,
    ),
)


def findings(m: dict, verdicts: dict[str, Verdict]) -> list[str]:
    """Findings in words, each verdict sentence computed by the engine."""
    claims = {c.id: c for c in CLAIMS}

    def pct(key):
        return f"{100 * m[key]:.1f} %"

    say = lambda cid: sentence(claims[cid], verdicts[cid])  # noqa: E731
    g = m["deform_largest_gradient"]
    out = [
        f"Translation (Theorem 2): a 2-pixel shift changes the pixels by {pct('shift2_pixels')}, and S_J by "
        f"{pct('shift2_scattering_J1')} (J=1), {pct('shift2_scattering_J2')} (J=2), {pct('shift2_scattering_J3')} "
        f"(J=3); per digit, log2 of the change falls by {-m['translation_J_slope']:.2f} per step of J. "
        + say("translation_invariance_grows_with_J"),
        f"The Fourier modulus changes by {m['shift2_fourier']:.0e} under a 2-px shift (the digit stays inside the "
        "frame, so the shift is circular): " + say("fourier_modulus_shift_invariant") + " Under the largest "
        f"deformation (sup|∇τ| = {g:g}) it changes by {pct('deform_largest_fourier')}, against "
        f"{pct('deform_largest_scattering_J3')} for S_3 and {pct('deform_largest_pixels')} for the pixels.",
    ]
    for layer in ("c5", "f6"):
        key = f"shift2_lenet_{layer}"
        out.append(
            f"LeNet-5 {layer.upper()}: a 2-pixel shift changes the features by {pct(key)} ({m['lenet_seeds']} trained "
            f"seeds), {100 * mean_of(m[f'{key}_control']):.1f} % for {m['control_seeds']} untrained networks. "
            + say(f"lenet_{layer}_shift_invariance_learned")
        )
    c = [m[f"theorem3_C_J3_m{o}"] for o in (0, 1, 2)]
    out += [
        f"Theorem 3, lower bound on C: over {m['theorem3_n_images']} digits, the random fields and the 1-4 px "
        f"translations, the largest ratio ‖ΔS_3[m]‖ / (max(m, 1) |g| ‖x‖) is {c[0]:.2f}, {c[1]:.2f}, {c[2]:.2f} for "
        f"orders 0, 1, 2 (order 1: {m['theorem3_C_deform_J3_m1']:.2f} from the fields, "
        f"{m['theorem3_C_shift_J3_m1']:.2f} from the translations; {m['theorem3_C_J3_m1_quarter_sample']:.2f} over "
        "the first quarter of the digits). A maximum over a sample can only grow with more digits or "
        "deformations: any C the theorem allows is at least this large.",
        f"Theorem 3's form (change linear in |g|): per digit, the log-log slope of ‖ΔS_3‖ (order 1) against |g| "
        f"is {m['theorem3_slope_deform']:.3f} for the smallest random fields. "
        + say("theorem3_linear_in_deformation")
        + f" For the 1- and 2-px translations it is {m['theorem3_slope_shift']:.3f}. "
        + say("theorem3_linear_in_translation"),
        f"Energy: with the 4^J correction, orders 0-2 keep {pct('energy_J1_total')}, {pct('energy_J2_total')}, "
        f"{pct('energy_J3_total')} of ‖x‖² for J = 1, 2, 3; without it the same ratio reads "
        f"{pct('energy_J3_uncorrected')} at J = 3, a factor 64 too small.",
    ]
    return out


EXPERIMENT = Experiment(
    name="scattering-theorems",
    title="Theorems 2 and 3 measured: translation invariance, deformation stability, energy",
    paper="koushik2016scattering",
    reproduces="Koushik (2016) Theorems 2-3, Eqs. 13-17",
    config=Config,
    scales={
        "ci": {},
        "laptop": dict(n_images=200, lenet_train=8000, lenet_epochs=6, gradients=(0.01, 0.02, 0.05, 0.1, 0.2, 0.3)),
        "full": dict(n_images=1000, lenet_train=8000, lenet_epochs=10, gradients=(0.01, 0.02, 0.05, 0.1, 0.2, 0.3)),
    },
    measure=measure,
    notebook="notebooks/scattering_theorems",
    report_rows=(
        ReportRow(
            "Koushik Theorem 2",
            "relative change of S_3 x under a 2-px shift (pixels: see next row)",
            "shift2_scattering_J3",
            "small (local invariance)",
            source="derived",
            format="percent",
        ),
        ReportRow(
            "Koushik Theorem 2",
            "relative change of the pixels under a 2-px shift",
            "shift2_pixels",
            "no number",
            source="ours",
            format="percent",
        ),
        ReportRow(
            "Koushik Theorem 2",
            "per digit, slope of log2 (S_J's change under a 2-px shift) against J = 1, 2, 3",
            "translation_J_slope",
            "< 0 (about −1)",
            source="derived",
            claim="translation_invariance_grows_with_J",
        ),
        ReportRow(
            "ours (no paper claim)",
            "Fourier modulus: relative change under a 2-px shift",
            "shift2_fourier",
            0.0,
            source="ours",
            format="sci",
            claim="fourier_modulus_shift_invariant",
        ),
        ReportRow(
            "ours (no paper claim)",
            "LeNet-5 C5 features: relative change under a 2-px shift",
            "shift2_lenet_c5",
            "no number",
            source="ours",
            format="percent",
            control=_UNTRAINED,
            claim="lenet_c5_shift_invariance_learned",
        ),
        ReportRow(
            "ours (no paper claim)",
            "LeNet-5 F6 features: relative change under a 2-px shift",
            "shift2_lenet_f6",
            "no number",
            source="ours",
            format="percent",
            control=_UNTRAINED,
            claim="lenet_f6_shift_invariance_learned",
        ),
        ReportRow(
            "Koushik Theorem 3",
            "lower bound on C, order 1, J = 3 (max over the digits, random fields and 1-4 px translations)",
            "theorem3_C_J3_m1",
            "C > 0 exists",
            source="derived",
        ),
        ReportRow(
            "Koushik Theorem 3",
            "lower bound on C, order 2, J = 3 (same family)",
            "theorem3_C_J3_m2",
            "C > 0 exists",
            source="derived",
        ),
        ReportRow(
            "Koushik Theorem 3",
            "per digit, log-log slope of ‖ΔS_3‖ (order 1) against |g|, smallest random fields",
            "theorem3_slope_deform",
            "≥ 1 (linear bound)",
            source="derived",
            claim="theorem3_linear_in_deformation",
        ),
        ReportRow(
            "Koushik Theorem 3",
            "per digit, log-log slope of ‖ΔS_3‖ (order 1) against |g|, 1- and 2-px translations",
            "theorem3_slope_shift",
            "≥ 1 (linear bound)",
            source="derived",
            claim="theorem3_linear_in_translation",
        ),
        ReportRow(
            "ours",
            "energy of orders 0-2 over ‖x‖², J = 2, subsampling corrected",
            "energy_J2_total",
            "no number",
            source="ours",
            format="percent",
        ),
    ),
    findings=findings,
    metrics=Metrics,
    claims=CLAIMS,
)
make_config, run = EXPERIMENT.make_config, EXPERIMENT.run
