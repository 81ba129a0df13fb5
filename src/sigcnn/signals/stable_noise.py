"""Symmetric α-stable (SαS) noise and three definitions of its signal-to-noise ratio.

Ge et al. add stable noise to images and to a communication channel and compare the damage
"at the same SNR" (their Eq. 1). A stable law with α < 2 has no finite variance, so an SNR
needs a definition. Three are implemented here:

* the **scale SNR** ``10 log10(A² / (2 γ²))`` of a signal of amplitude ``A`` in noise of
  scale ``γ`` (scipy's parameterisation, characteristic function ``exp(-|γ t|^α)``); at α = 2
  the noise is Gaussian with variance ``2 γ²``, so this is the usual SNR there;
* the **generalised SNR** of the stable-noise literature, ``10 log10(A² / (2 γ^α))``, with the
  *dispersion* ``γ^α`` in place of ``γ²`` (equal to the scale SNR at α = 2);
* the **empirical SNR** of Ge et al.'s Eq. 1, ``10 log10(Σ x² / Σ (x - x̃)²)``, computed per
  block of samples (per image for images), where ``x̃`` is the received (noisy) signal.

Samples come from :data:`scipy.stats.levy_stable` (β = 0), never from a hand-written sampler.
For images whose pixels must stay in a valid range, :func:`noisy_images_at_snr` solves for the
noise scale of each image so that the SNR *after* clipping is the target.
"""

from __future__ import annotations

from typing import Literal, overload

import numpy as np
import numpy.typing as npt

from ._validate import Array, Choice, Int, Real, Spec, accepts

__all__ = [
    "symmetric_stable",
    "scale_for_snr",
    "scale_snr_db",
    "scale_for_generalised_snr",
    "generalised_snr_db",
    "empirical_snr_db",
    "scale_blocks_to_snr",
    "clipped_error_energy",
    "minimum_reachable_snr_db",
    "noisy_images_at_snr",
    "top_energy_share",
    "bpsk_ber_scale",
    "bpsk_ber_generalised",
    "bpsk_ber",
    "ber_crossings_db",
    "bpsk_ber_closed_form",
    "bpsk_ber_empirical_gaussian",
    "simulate_bpsk",
    "bpsk_bit_errors",
    "DETECTORS",
    "repetition_bit_errors",
    "SNR_DEFINITIONS",
    "SHAPES",
    "shape_stamp",
    "impulse_pattern",
    "salt_and_pepper",
]

SNR_DEFINITIONS = ("scale", "generalised", "empirical")
"""The SNR definitions of :func:`simulate_bpsk`; the first two have exact BERs (:func:`bpsk_ber`)."""


def _check_alpha(alpha: float) -> float:
    alpha = float(alpha)
    if not 0.0 < alpha <= 2.0:
        raise ValueError(f"alpha must be in (0, 2], got {alpha}")
    return alpha


@accepts(
    alpha=Real(positive=True),
    size=Array(ndim=(0, 1), dtype="integer", what="an output shape: an integer or a tuple of integers"),
    scale=Real(positive=True),
)
def symmetric_stable(
    alpha: float, size: int | tuple[int, ...], scale: float = 1.0, rng: np.random.Generator | int | None = None
) -> np.ndarray:
    """SαS samples (β = 0, location 0) of ``scale`` γ: characteristic function ``exp(-|γ t|^α)``.

    Drawn with :data:`scipy.stats.levy_stable` (Chambers-Mallows-Stuck). α = 2 is Gaussian with
    variance ``2 γ²``; α = 1 is Cauchy with scale γ.

    Parameters
    ----------
    alpha : characteristic exponent in (0, 2].
    size : output shape.
    scale : γ > 0.
    rng : ``numpy.random.Generator``, seed or ``None``.
    """
    from scipy.stats import levy_stable

    alpha = _check_alpha(alpha)
    if not scale > 0:
        raise ValueError(f"scale must be > 0, got {scale}")
    rng = np.random.default_rng(rng)
    return np.asarray(levy_stable.rvs(alpha, 0.0, loc=0.0, scale=scale, size=size, random_state=rng), dtype=np.float64)


@accepts(snr_db=Array(), amplitude=Real(positive=True))
def scale_for_snr(snr_db: npt.ArrayLike, amplitude: float = 1.0) -> np.ndarray:
    """Scale γ giving scale SNR ``10 log10(A² / (2 γ²)) = snr_db`` for amplitude ``A``."""
    return amplitude / np.sqrt(2.0 * 10.0 ** (np.asarray(snr_db, dtype=np.float64) / 10.0))


@accepts(amplitude=Real(positive=True), scale=Array())
def scale_snr_db(amplitude: float, scale: npt.ArrayLike) -> np.ndarray:
    """Scale SNR ``10 log10(A² / (2 γ²))`` in dB."""
    return 10.0 * np.log10(amplitude**2 / (2.0 * np.asarray(scale, dtype=np.float64) ** 2))


@accepts(snr_db=Array(), alpha=Real(positive=True), amplitude=Real(positive=True))
def scale_for_generalised_snr(snr_db: npt.ArrayLike, alpha: float, amplitude: float = 1.0) -> np.ndarray:
    """Scale γ giving generalised SNR ``10 log10(A² / (2 γ^α)) = snr_db``: ``γ = (A² / (2·10^(snr/10)))^(1/α)``."""
    alpha = _check_alpha(alpha)
    return (amplitude**2 / (2.0 * 10.0 ** (np.asarray(snr_db, dtype=np.float64) / 10.0))) ** (1.0 / alpha)


@accepts(amplitude=Real(positive=True), scale=Array(), alpha=Real(positive=True))
def generalised_snr_db(amplitude: float, scale: npt.ArrayLike, alpha: float) -> np.ndarray:
    """Generalised SNR ``10 log10(A² / (2 γ^α))`` in dB (the dispersion γ^α in the denominator)."""
    alpha = _check_alpha(alpha)
    return 10.0 * np.log10(amplitude**2 / (2.0 * np.asarray(scale, dtype=np.float64) ** alpha))


def _scale_for(definition: str, snr_db: npt.ArrayLike, alpha: float, amplitude: float) -> np.ndarray:
    if definition == "scale":
        return scale_for_snr(snr_db, amplitude)
    if definition == "generalised":
        return scale_for_generalised_snr(snr_db, alpha, amplitude)
    raise ValueError(f"definition must be 'scale' or 'generalised' for a fixed noise scale, got {definition!r}")


@accepts(clean=Array(), received=Array())
def empirical_snr_db(
    clean: npt.ArrayLike, received: npt.ArrayLike, axis: int | tuple[int, ...] | None = None
) -> np.ndarray:
    """Ge et al.'s Eq. 1: ``10 log10(Σ x² / Σ (x - x̃)²)`` in dB, summed over ``axis``.

    ``axis=None`` sums everything; for a batch of images pass ``axis=(1, 2)`` (or the pixel axes).
    No noise gives ``+inf`` dB and an all-zero clean signal with noise ``-inf`` dB; both at once
    (0/0) is a ``ValueError``.
    """
    clean = np.asarray(clean, dtype=np.float64)
    received = np.asarray(received, dtype=np.float64)
    if clean.shape != received.shape:
        raise ValueError(f"clean {clean.shape} and received {received.shape} must have the same shape")
    signal = np.sum(clean**2, axis=axis)
    noise = np.sum((clean - received) ** 2, axis=axis)
    if np.any((signal == 0) & (noise == 0)):
        raise ValueError("SNR undefined: a clean signal is all zero and received without noise (0/0)")
    with np.errstate(divide="ignore"):
        return 10.0 * np.log10(signal / noise)


@accepts(signal=Array(ndim=1), noise=Array(ndim=1), snr_db=Real(), block=Int())
def scale_blocks_to_snr(signal: npt.ArrayLike, noise: npt.ArrayLike, snr_db: float, block: int) -> np.ndarray:
    """Scale ``noise`` block by block so that every block of ``block`` samples has Eq. 1's SNR ``snr_db``.

    ``signal`` and ``noise`` are 1-D of the same length, a multiple of ``block``. Without
    clipping the scaling is exact: block ``b`` is multiplied by ``sqrt(Σ_b x² / (10^(snr/10) Σ_b n²))``.
    """
    signal = np.asarray(signal, dtype=np.float64)
    noise = np.asarray(noise, dtype=np.float64)
    if signal.ndim != 1 or signal.shape != noise.shape:
        raise ValueError(f"signal and noise must be 1-D of one length, got {signal.shape} and {noise.shape}")
    if block < 1 or signal.size % block:
        raise ValueError(f"block must be >= 1 and divide the length {signal.size}, got {block}")
    s = signal.reshape(-1, block)
    n = noise.reshape(-1, block)
    factor = np.sqrt(np.sum(s**2, 1) / (10.0 ** (snr_db / 10.0) * np.sum(n**2, 1)))
    return (n * factor[:, None]).ravel()


@accepts(images=Array(min_ndim=1), noise=Array(min_ndim=1), scale=Array(ndim=(0, 1)), low=Real(), high=Real())
def clipped_error_energy(
    images: npt.ArrayLike, noise: npt.ArrayLike, scale: npt.ArrayLike, low: float = 0.0, high: float = 1.0
) -> np.ndarray:
    """``Σ (clip(x + c n) - x)²`` per image (rows of the flattened arrays), for scales ``c`` per image."""
    x = np.asarray(images, dtype=np.float64)
    x = x.reshape(len(x), -1)
    n = np.asarray(noise, dtype=np.float64).reshape(len(x), -1)
    c = np.broadcast_to(np.asarray(scale, dtype=np.float64), (x.shape[0],))
    return np.sum((np.clip(x + c[:, None] * n, low, high) - x) ** 2, axis=1)


def _saturated_error_energy(x, n, low, high):
    """The limit of the clipped error energy as the scale grows: every noisy pixel hits a bound."""
    return np.sum(np.where(n > 0, (high - x) ** 2, np.where(n < 0, (x - low) ** 2, 0.0)), axis=1)


@accepts(images=Array(min_ndim=1), noise=Array(min_ndim=1), low=Real(), high=Real())
def minimum_reachable_snr_db(
    images: npt.ArrayLike, noise: npt.ArrayLike, low: float = 0.0, high: float = 1.0
) -> np.ndarray:
    """Per image, the lowest Eq. 1 SNR that noise of this *shape* can reach after clipping to [low, high].

    As the scale grows each pixel with ``n > 0`` saturates at ``high`` and each with ``n < 0`` at
    ``low``; the error energy cannot exceed that, so the SNR has this floor.
    """
    x = np.asarray(images, dtype=np.float64)
    x = x.reshape(len(x), -1)
    n = np.asarray(noise, dtype=np.float64).reshape(len(x), -1)
    return 10.0 * np.log10(np.sum(x**2, 1) / _saturated_error_energy(x, n, low, high))


@overload
def noisy_images_at_snr(
    images: npt.ArrayLike,
    noise: npt.ArrayLike,
    snr_db: npt.ArrayLike,
    low: float = ...,
    high: float = ...,
    tolerance_db: float = ...,
    return_scale: Literal[False] = ...,
) -> np.ndarray: ...


@overload
def noisy_images_at_snr(
    images: npt.ArrayLike,
    noise: npt.ArrayLike,
    snr_db: npt.ArrayLike,
    low: float = ...,
    high: float = ...,
    tolerance_db: float = ...,
    *,
    return_scale: Literal[True],
) -> tuple[np.ndarray, np.ndarray]: ...


@accepts(
    images=Array(min_ndim=2, what="images (N, ...)"),
    noise=Array(min_ndim=2, what="noise (N, ...) of the images' shape"),
    snr_db=Array(ndim=(0, 1)),
    low=Real(),
    high=Real(),
    tolerance_db=Real(positive=True),
)
def noisy_images_at_snr(
    images: npt.ArrayLike,
    noise: npt.ArrayLike,
    snr_db: npt.ArrayLike,
    low: float = 0.0,
    high: float = 1.0,
    tolerance_db: float = 1e-2,
    return_scale: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """``clip(x + c n, low, high)`` with ``c`` per image chosen so Eq. 1's SNR after clipping is ``snr_db``.

    The clipped error energy ``E(c) = Σ (clip(x + c n) - x)²`` is continuous and non-decreasing in
    ``c`` (each term is), so ``c`` is found by a bracketed (safeguarded) Newton iteration, for all
    images at once.

    Parameters
    ----------
    images : array (N, ...) of clean images inside [low, high] (Eq. 1 uses these values as they are).
    noise : array of the same shape: the noise *shape* (any scale; e.g. unit SαS samples).
    snr_db : target SNR in dB: one for every image, or one per image (shape (N,)).
    tolerance_db : the achieved SNR is within this of the target.
    return_scale : also return the scale ``c`` of each image.

    Raises
    ------
    ValueError
        If an image lies outside [low, high], or if the target is below the floor
        :func:`minimum_reachable_snr_db` of some image (the message names the minimum).
    """
    x = np.asarray(images, dtype=np.float64)
    n = np.asarray(noise, dtype=np.float64)
    if x.shape != n.shape or x.ndim < 2:
        raise ValueError(f"images and noise must have one shape (N, ...), got {x.shape} and {n.shape}")
    if x.min() < low or x.max() > high:
        raise ValueError(f"images must lie in [{low}, {high}], got [{x.min()}, {x.max()}]")
    shape = x.shape
    x = x.reshape(shape[0], -1)
    n = n.reshape(shape[0], -1)
    signal_energy = np.sum(x**2, 1)
    if np.any(signal_energy == 0):
        raise ValueError("images: an all-zero image has no SNR (Eq. 1 divides its energy)")
    target_db = np.broadcast_to(np.asarray(snr_db, dtype=np.float64), (shape[0],))
    with np.errstate(divide="ignore"):
        floor = 10.0 * np.log10(signal_energy / _saturated_error_energy(x, n, low, high))
    if np.any(floor > target_db - tolerance_db):
        bad = int(np.argmax(floor - target_db))
        raise ValueError(
            f"snr_db={target_db[bad]:g} dB is below the floor set by clipping to [{low}, {high}]: "
            f"the minimum reachable SNR is {floor.max():.3f} dB for this noise and these images "
            f"(image {bad}: {floor[bad]:.3f} dB)"
        )
    target_energy = signal_energy / 10.0 ** (target_db / 10.0)
    # Clipping only removes error energy (|clip(x + c n) - x| <= |c n| for x in range), so the
    # unclipped solution c0 is a lower bound; widen an upper bound until it overshoots.
    c0 = np.sqrt(target_energy / np.sum(n**2, 1))
    lo, hi = c0.copy(), 2.0 * c0
    for _ in range(200):
        short = clipped_error_energy(x, n, hi, low, high) < target_energy
        if not short.any():
            break
        lo, hi = np.where(short, hi, lo), np.where(short, 4.0 * hi, hi)
    # Safeguarded Newton on E(c) = target: E'(c) = 2 c Σ n² over the pixels that are not clipped;
    # a step that leaves the bracket [lo, hi] is replaced by the geometric midpoint.
    c = np.sqrt(lo * hi)
    active = np.arange(shape[0])  # images not yet within tolerance: only these are iterated
    for _ in range(200):
        xa, na, ca = x[active], n[active], c[active]
        y = xa + ca[:, None] * na
        inside = (y > low) & (y < high)
        energy = np.sum((np.clip(y, low, high) - xa) ** 2, 1)
        with np.errstate(divide="ignore"):
            achieved = 10.0 * np.log10(signal_energy[active] / energy)
        done = np.abs(achieved - target_db[active]) < tolerance_db
        if done.all():
            break
        active, energy, inside, xa, na, ca = (v[~done] for v in (active, energy, inside, xa, na, ca))
        te = target_energy[active]
        below = energy < te
        lo[active], hi[active] = np.where(below, ca, lo[active]), np.where(below, hi[active], ca)
        slope = 2.0 * ca * np.sum(np.where(inside, na**2, 0.0), 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = ca - (energy - te) / slope
        ok = np.isfinite(step) & (step > lo[active]) & (step < hi[active])
        c[active] = np.where(ok, step, np.sqrt(lo[active] * hi[active]))
    out = np.clip(x + c[:, None] * n, low, high).reshape(shape)
    return (out, c) if return_scale else out


@accepts(noise=Array(min_ndim=1), fraction=Real(positive=True))
def top_energy_share(noise: npt.ArrayLike, fraction: float = 0.05, axis: int | tuple = -1) -> np.ndarray:
    """Share of the noise energy Σ n² carried by the largest ``fraction`` of samples, per block.

    ``noise`` is (N, ...); each row (flattened) is one block (one image). Gaussian noise puts
    about 28 % of its energy in the top 5 % of samples (``2 (z φ(z) + Q(z))`` at ``z = 1.96``);
    impulsive noise puts most of it there. A block with no energy (all zero) is a ``ValueError``.
    """
    if not 0.0 < fraction <= 1.0:
        raise ValueError(f"fraction must be in (0, 1], got {fraction}")
    e = np.asarray(noise, dtype=np.float64)
    e = e.reshape(len(e), -1) ** 2
    total = e.sum(1)
    if np.any(total == 0):
        raise ValueError(
            f"block(s) {np.flatnonzero(total == 0)[:5].tolist()} of noise are all zero: no energy to share"
        )
    k = max(1, int(round(fraction * e.shape[1])))
    top = -np.sort(-e, axis=1)[:, :k]
    return top.sum(1) / total


# --- BPSK over an additive SαS channel with a sign detector -----------------------------------


@accepts(alpha=Real(positive=True), snr_db=Array(), definition=Choice(("scale", "generalised")))
def bpsk_ber(alpha: float, snr_db: npt.ArrayLike, definition: str = "scale") -> np.ndarray:
    """Exact bit-error rate of BPSK (±1) in SαS noise with a sign detector, SNR in dB.

    An error happens when the noise pushes the symbol across zero: ``P(N > A) = sf(A/γ)``, with γ
    from the scale SNR (``A/γ = sqrt(2 · 10^(snr/10))``) or from the generalised SNR
    (``γ = (A² / (2 · 10^(snr/10)))^(1/α)``). Computed with ``levy_stable.sf`` (numerical for general α).
    """
    from scipy.stats import levy_stable

    alpha = _check_alpha(alpha)
    ratio = 1.0 / _scale_for(definition, snr_db, alpha, 1.0)
    return np.asarray(levy_stable.sf(ratio, alpha, 0.0), dtype=np.float64)


@accepts(alpha=Real(positive=True), snr_db=Array())
def bpsk_ber_scale(alpha: float, snr_db: npt.ArrayLike) -> np.ndarray:
    """:func:`bpsk_ber` under the scale SNR ``10 log10(A²/(2γ²))``."""
    return bpsk_ber(alpha, snr_db, "scale")


@accepts(alpha=Real(positive=True), snr_db=Array())
def bpsk_ber_generalised(alpha: float, snr_db: npt.ArrayLike) -> np.ndarray:
    """:func:`bpsk_ber` under the generalised SNR ``10 log10(A²/(2γ^α))``."""
    return bpsk_ber(alpha, snr_db, "generalised")


@accepts(
    alpha_small=Real(positive=True),
    alpha_large=Real(positive=True),
    definition=Choice(("scale", "generalised")),
    low_db=Real(),
    high_db=Real(),
    step_db=Real(positive=True),
)
def ber_crossings_db(
    alpha_small: float,
    alpha_large: float,
    definition: str = "scale",
    low_db: float = -20.0,
    high_db: float = 30.0,
    step_db: float = 0.25,
) -> np.ndarray:
    """SNRs in [``low_db``, ``high_db``] where the exact BER curves of two α cross, root-found.

    The difference ``BER(alpha_small) - BER(alpha_large)`` is bracketed on a search grid of
    ``step_db`` and each sign change is refined by Brent's method (to 1e-9 dB); the result does
    not depend on any experiment's SNR grid.
    """
    from scipy.optimize import brentq

    if not low_db < high_db:
        raise ValueError(f"low_db must be below high_db, got {low_db} and {high_db}")
    f = lambda s: float(bpsk_ber(alpha_small, s, definition) - bpsk_ber(alpha_large, s, definition))  # noqa: E731
    grid = np.arange(low_db, high_db + step_db / 2, step_db)
    values = bpsk_ber(alpha_small, grid, definition) - bpsk_ber(alpha_large, grid, definition)
    roots = [
        brentq(f, grid[k], grid[k + 1], xtol=1e-9)
        for k in np.nonzero(np.sign(values[:-1]) * np.sign(values[1:]) < 0)[0]
    ]
    roots += [float(s) for s, v in zip(grid, values) if v == 0.0]
    return np.array(sorted(roots))


@accepts(alpha=Real(positive=True), snr_db=Array())
def bpsk_ber_closed_form(alpha: float, snr_db: npt.ArrayLike) -> np.ndarray:
    """Closed forms of :func:`bpsk_ber_scale` at α = 2 (``Q(sqrt(snr))``) and α = 1 (Cauchy).

    α = 2: noise N(0, 2γ²), so ``P(N > A) = Q(A / (sqrt 2 γ)) = Q(sqrt(snr))``;
    α = 1: Cauchy of scale γ, ``P(N > A) = 1/2 - arctan(A/γ)/π``.
    """
    from scipy.special import erfc

    snr = 10.0 ** (np.asarray(snr_db, dtype=np.float64) / 10.0)
    if alpha == 2:
        return 0.5 * erfc(np.sqrt(snr) / np.sqrt(2.0))
    if alpha == 1:
        return 0.5 - np.arctan(np.sqrt(2.0 * snr)) / np.pi
    raise ValueError(f"closed forms exist for alpha 1 and 2 only, got {alpha}")


@accepts(snr_db=Array(), block=Int(min=2))
def bpsk_ber_empirical_gaussian(snr_db: npt.ArrayLike, block: int) -> np.ndarray:
    """Exact BER at α = 2 when Gaussian noise is scaled per block of ``block`` samples to Eq. 1's SNR.

    Per block the noise is ``A sqrt(n / snr) · u`` with ``u`` uniform on the unit sphere, so an error
    on one sample is ``u_i < -sqrt(snr / n)``; ``u_i²`` is Beta(1/2, (n-1)/2), giving
    ``P = ½ · I_{1 - snr/n}((n-1)/2, 1/2)`` (zero when snr ≥ n).
    """
    from scipy.special import betainc

    if block < 2:
        raise ValueError(f"block must be >= 2, got {block}")
    t = 10.0 ** (np.asarray(snr_db, dtype=np.float64) / 10.0) / block
    return np.where(t < 1.0, 0.5 * betainc((block - 1) / 2.0, 0.5, np.clip(1.0 - t, 0.0, 1.0)), 0.0)


_BPSK_ARGUMENTS: dict[str, Spec] = dict(
    alpha=Real(positive=True),
    snr_db=Array(ndim=(0, 1)),
    n_bits=Int(),
    definition=Choice(SNR_DEFINITIONS),
    block=Int(),
    amplitude=Real(positive=True),
)
"""The arguments the two BPSK simulators share, checked the same way."""


@accepts(**_BPSK_ARGUMENTS)
def bpsk_bit_errors(
    alpha: float,
    snr_db: npt.ArrayLike,
    n_bits: int,
    definition: str = "scale",
    block: int = 100,
    rng: np.random.Generator | int | None = None,
    amplitude: float = 1.0,
) -> np.ndarray:
    """Monte Carlo errors of BPSK (±A) in SαS noise with a sign detector: one boolean per (SNR, bit).

    ``definition="scale"`` or ``"generalised"``: noise ``γ S`` with γ from that SNR;
    ``definition="empirical"``: each block of ``block`` bits gets noise scaled to Eq. 1's SNR
    (:func:`scale_blocks_to_snr`). The same bits and unit noise serve every SNR (common random
    numbers).

    Returns
    -------
    errors : bool array (number of SNRs, ``n_bits``).
    """
    if definition not in SNR_DEFINITIONS:
        raise ValueError(f"definition must be one of {SNR_DEFINITIONS}, got {definition!r}")
    if n_bits < 1 or (definition == "empirical" and n_bits % block):
        raise ValueError(f"n_bits must be >= 1 (and a multiple of block={block} for 'empirical'), got {n_bits}")
    rng = np.random.default_rng(rng)
    bits = rng.integers(0, 2, n_bits)
    symbols = amplitude * (2.0 * bits - 1.0)
    unit = symmetric_stable(alpha, n_bits, 1.0, rng)
    errors = []
    for snr in np.atleast_1d(np.asarray(snr_db, dtype=np.float64)):
        if definition == "empirical":
            noise = scale_blocks_to_snr(symbols, unit, float(snr), block)
        else:
            noise = float(_scale_for(definition, snr, alpha, amplitude)) * unit
        decided = (symbols + noise) > 0
        errors.append(decided != (bits == 1))
    return np.array(errors)


@accepts(**_BPSK_ARGUMENTS)
def simulate_bpsk(
    alpha: float,
    snr_db: npt.ArrayLike,
    n_bits: int,
    definition: str = "scale",
    block: int = 100,
    rng: np.random.Generator | int | None = None,
    amplitude: float = 1.0,
) -> np.ndarray:
    """Monte Carlo error counts of :func:`bpsk_bit_errors`, one binomial count of ``n_bits`` per SNR."""
    return bpsk_bit_errors(alpha, snr_db, n_bits, definition, block, rng, amplitude).sum(1)


DETECTORS = ("linear", "median", "myriad")
"""Detectors of :func:`repetition_bit_errors`: sign of the sum, of the median, and the myriad
(Cauchy likelihood-ratio) detector ``Σ log((K² + (r + A)²) / (K² + (r - A)²)) > 0``."""


@accepts(
    alpha=Real(positive=True),
    snr_db=Real(),
    n_bits=Int(),
    samples=Int(),
    amplitude=Real(positive=True),
)
def repetition_bit_errors(
    alpha: float,
    snr_db: float,
    n_bits: int,
    samples: int,
    rng: np.random.Generator | int | None = None,
    amplitude: float = 1.0,
) -> dict[str, np.ndarray]:
    """BPSK with ``samples`` noisy copies of each bit: the errors of each of :data:`DETECTORS`.

    Every copy carries independent SαS noise of scale γ from the *scale* SNR per sample
    (:func:`scale_for_snr`); the myriad detector uses ``K = γ`` (its maximum-likelihood value at
    α = 1). With one sample all three decide ``sign(r)``, which is maximum likelihood for any
    symmetric unimodal noise; with several, the linear sum is optimal only for Gaussian noise.

    Returns
    -------
    ``{detector: bool array (n_bits,)}``, True where the detector decides the wrong bit.
    """
    if n_bits < 1 or samples < 1:
        raise ValueError(f"n_bits and samples must be >= 1, got {n_bits} and {samples}")
    rng = np.random.default_rng(rng)
    bits = rng.integers(0, 2, n_bits)
    symbols = amplitude * (2.0 * bits - 1.0)
    gamma = float(scale_for_snr(snr_db, amplitude))
    received = symbols[:, None] + gamma * symmetric_stable(alpha, (n_bits, samples), 1.0, rng)
    k2 = gamma**2
    stats = {
        "linear": received.sum(1),
        "median": np.median(received, axis=1),
        "myriad": np.sum(np.log(k2 + (received + amplitude) ** 2) - np.log(k2 + (received - amplitude) ** 2), 1),
    }
    return {name: (stat > 0) != (bits == 1) for name, stat in stats.items()}


# --- concentrated impulse noise (Ge et al., Fig. 4) ---------------------------------------------

SHAPES = ("points", "square", "triangle", "rhombus")


@accepts(shape=Choice(SHAPES), size=Int())
def shape_stamp(shape: str, size: int) -> np.ndarray:
    """Boolean stamp of a noise blob: ``square`` size×size, ``triangle`` isosceles with ``size`` rows
    (row i covers 2i + 1 pixels), ``rhombus`` ``|i| + |j| <= size - 1``; ``points`` a single pixel."""
    if size < 1:
        raise ValueError(f"size must be >= 1, got {size}")
    if shape == "points":
        return np.ones((1, 1), dtype=bool)
    if shape == "square":
        return np.ones((size, size), dtype=bool)
    i, j = np.mgrid[0:size, 0 : 2 * size - 1]
    if shape == "triangle":
        return np.abs(j - (size - 1)) <= i
    if shape == "rhombus":
        i, j = np.mgrid[0 : 2 * size - 1, 0 : 2 * size - 1]
        return np.abs(i - (size - 1)) + np.abs(j - (size - 1)) <= size - 1
    raise ValueError(f"shape must be one of {SHAPES}, got {shape!r}")


@accepts(
    image_shape=Array(ndim=1, dtype="integer", what="an image shape (N, H, W)"),
    budget=Real(positive=True),
    shape=Choice(SHAPES),
    size=Int(),
)
def impulse_pattern(
    image_shape: npt.ArrayLike,
    budget: float,
    shape: str = "points",
    size: int = 1,
    rng: np.random.Generator | int | None = None,
) -> np.ndarray:
    """A ±1 impulse pattern (0 elsewhere) covering about ``budget`` of the pixels with blobs of ``shape``.

    Blobs are stamped at uniformly random positions (wholly inside the image, overlaps allowed) until
    the covered share reaches ``budget``; each blob has one random sign (salt or pepper), the
    ``points`` pattern one sign per pixel. ``image_shape`` is (N, H, W); returns float64 of that shape.
    """
    if not 0.0 < budget < 1.0:
        raise ValueError(f"budget must be in (0, 1), got {budget}")
    rng = np.random.default_rng(rng)
    stamp = shape_stamp(shape, size)
    n, h, w = np.asarray(image_shape)  # already an integer array (@accepts): three NumPy integers
    sh, sw = stamp.shape
    if sh > h or sw > w:
        raise ValueError(f"a {shape} of size {size} does not fit a {h}x{w} image")
    target = int(round(budget * h * w))
    out = np.zeros((n, h, w))
    if shape == "points":
        for k in range(n):
            idx = rng.choice(h * w, target, replace=False)
            out[k].flat[idx] = rng.choice([-1.0, 1.0], target)
        return out
    rows, cols = np.nonzero(stamp)
    for k in range(n):
        covered = 0
        while covered < target:
            r, c = rng.integers(0, h - sh + 1), rng.integers(0, w - sw + 1)
            out[k, r + rows, c + cols] = rng.choice([-1.0, 1.0])
            covered = int(np.count_nonzero(out[k]))
    return out


@accepts(images=Array(ndim=3, what="images (N, H, W)"), amount=Real(positive=True), low=Real(), high=Real())
def salt_and_pepper(
    images: npt.ArrayLike,
    amount: float,
    rng: np.random.Generator | int | None = None,
    low: float = 0.0,
    high: float = 1.0,
) -> np.ndarray:
    """Classic salt-and-pepper noise (as ImageNet-C's impulse noise): ``amount`` of the pixels,
    chosen at random, set to ``low`` or ``high`` with equal probability."""
    if not 0.0 < amount < 1.0:
        raise ValueError(f"amount must be in (0, 1), got {amount}")
    x = np.array(images, dtype=np.float64)
    pattern = impulse_pattern(x.shape, amount, "points", 1, rng)
    return np.where(pattern > 0, high, np.where(pattern < 0, low, x))
