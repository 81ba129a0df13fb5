"""Stamatescu & McDonnell, section III-B and Figs. 1-4: the transfer function of a toy CNN.

A 7x7 Gaussian filter (sigma = 1 px) followed by a ReLU is applied to the mean-subtracted red
channel of a colour photograph; one backward pass per projection tensor ``p`` gives the data
derivative ``dz/dx`` (Eqs. 3-4) and its frequency response (Eq. 5). The response is checked
against the Gaussian's closed-form transfer function and the impulse image's analytic response.
No training and no randomness: the claims are identities (``"equal"`` claims checked to a tolerance
by :mod:`sigcnn.verdicts`), so no control applies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import skimage.data
import torch
import torch.nn.functional as F

from ..probes.max_gain import data_derivative
from ..signals.transfer import (
    continuous_gaussian_transfer_db,
    dirichlet_db,
    frequency_grid,
    frequency_response_db,
    gaussian_kernel,
    gaussian_transfer_db,
    maximum_gain_db,
)
from ..verdicts import Claim, Verdict, sentence
from ._base import BaseConfig, Experiment, Measured, ReportRow, RunContext

IMAGES = ("chelsea", "astronaut", "coffee", "rocket")


@dataclass(frozen=True)
class Config(BaseConfig):
    """Settings of one run (the toy is cheap: every scale runs the same computation)."""

    image: str = "chelsea"
    kernel_size: int = 7
    sigma: float = 1.0
    probe_row: int = 150
    probe_col: int = 100
    impulse_size: int = 64
    low_band: float = 0.25


@dataclass(frozen=True)
class Metrics:
    """What a run measures (deterministic: one value each, float64)."""

    image_height: int
    image_width: int
    probe_nonzero_row: int
    probe_nonzero_col: int
    probe_zero_row: int
    probe_zero_col: int
    output_fraction_zero: float
    gaussian_match_max_abs_db: float
    continuous_match_low_band_max_abs_db: float
    continuous_match_all_max_abs_db: float
    zero_output_derivative_max_abs: float
    max_gain_nonzero_db: float
    max_gain_all_ones_db: float
    max_gain_impulse_db: float
    impulse_unwindowed_match_max_abs_db: float
    low_band_cycles_per_px: float


ROUNDING_DB = 1e-6
"""Largest difference (dB) a float64 identity may show: rounding, orders of magnitude above 1e-12 dB."""


def photograph(name: str = "chelsea") -> np.ndarray:
    """A colour photograph (uint8, H x W x 3) shipped with scikit-image (paper, Fig. 1a)."""
    if name not in IMAGES:
        raise ValueError(f"unknown image {name!r}: choose one of {', '.join(IMAGES)}")
    return getattr(skimage.data, name)()


def red_channel(name: str = "chelsea") -> np.ndarray:
    """Mean-subtracted red channel (float64) of :func:`photograph` (the toy CNN's input, Fig. 2a)."""
    red = photograph(name)[..., 0].astype(np.float64)
    return red - red.mean()


def toy_cnn(kernel: np.ndarray) -> Callable[[torch.Tensor], torch.Tensor]:
    """The toy CNN ``z = relu(w * x)`` ('same' size output) as a function of a (1, 1, H, W) tensor."""
    w = torch.from_numpy(np.ascontiguousarray(kernel[::-1, ::-1]))[None, None]  # conv2d correlates

    def f(x):
        return torch.relu(F.conv2d(x, w.to(x), padding=kernel.shape[0] // 2))

    return f


def _nearest(mask: np.ndarray, row: int, col: int, margin: int) -> tuple[int, int]:
    """The pixel of ``mask`` nearest to (row, col), at least ``margin`` pixels from the border."""
    inner = np.zeros_like(mask)
    inner[margin:-margin, margin:-margin] = mask[margin:-margin, margin:-margin]
    rows, cols = np.nonzero(inner)
    if rows.size == 0:
        raise ValueError("no suitable output unit away from the image border")
    k = np.argmin((rows - row) ** 2 + (cols - col) ** 2)
    return int(rows[k]), int(cols[k])


def _one_hot(shape, index) -> np.ndarray:
    p = np.zeros(shape)
    p[index] = 1.0
    return p


def measure(config: Config, ctx: RunContext) -> Measured:
    """Derivatives for three projections and the impulse image; their responses beside closed forms."""
    red, kernel = red_channel(config.image), gaussian_kernel(config.kernel_size, config.sigma)
    f = toy_cnn(kernel)
    x = torch.from_numpy(red)[None, None].to(ctx.device)
    pre = (
        F.conv2d(x, torch.from_numpy(kernel[::-1, ::-1].copy())[None, None].to(x), padding=config.kernel_size // 2)[
            0, 0
        ]
        .cpu()
        .numpy()
    )
    z = f(x)[0, 0].cpu().numpy()
    on = _nearest(z > 0, config.probe_row, config.probe_col, config.kernel_size)
    off = _nearest(z == 0, config.probe_row, config.probe_col, config.kernel_size)

    def derivative(p):
        return data_derivative(f, x, torch.from_numpy(p)[None, None].to(x))[0].cpu().numpy()

    d_on, d_off, d_ones = (
        derivative(_one_hot(z.shape, on)),
        derivative(_one_hot(z.shape, off)),
        derivative(np.ones_like(z)),
    )
    h_on, h_ones = frequency_response_db(d_on), frequency_response_db(d_ones)
    fy, fx = frequency_grid(*d_on.shape)
    closed = gaussian_transfer_db(fy, fx, config.kernel_size, config.sigma)
    continuous = continuous_gaussian_transfer_db(fy, fx, config.sigma)
    low = np.hypot(fy, fx) <= config.low_band
    n = config.impulse_size
    impulse = np.zeros((n, n))
    impulse[n // 2, n // 2] = 255.0
    xi = torch.from_numpy(impulse)[None, None].to(ctx.device)
    d_imp = data_derivative(f, xi, torch.ones(1, 1, n, n, dtype=xi.dtype, device=ctx.device))[0].cpu().numpy()
    # Unwindowed, the impulse response is exact: every output in the 7x7 support is positive, so
    # dz/dx = (Gaussian) * (7x7 box of ones) and |H| = |G| |D7(fy)| |D7(fx)|.
    fyi, fxi = frequency_grid(n, n)
    analytic_imp = (
        gaussian_transfer_db(fyi, fxi, config.kernel_size, config.sigma)
        + dirichlet_db(fyi, config.kernel_size)
        + dirichlet_db(fxi, config.kernel_size)
    )
    metrics = Metrics(
        image_height=int(red.shape[0]),
        image_width=int(red.shape[1]),
        probe_nonzero_row=on[0],
        probe_nonzero_col=on[1],
        probe_zero_row=off[0],
        probe_zero_col=off[1],
        output_fraction_zero=float(np.mean(z == 0)),
        gaussian_match_max_abs_db=float(np.max(np.abs(h_on - closed))),
        continuous_match_low_band_max_abs_db=float(np.max(np.abs(h_on - continuous)[low])),
        continuous_match_all_max_abs_db=float(np.max(np.abs(h_on - continuous))),
        zero_output_derivative_max_abs=float(np.max(np.abs(d_off))),
        max_gain_nonzero_db=float(maximum_gain_db(d_on)),
        max_gain_all_ones_db=float(maximum_gain_db(d_ones)),
        max_gain_impulse_db=float(maximum_gain_db(d_imp, window=True)),
        impulse_unwindowed_match_max_abs_db=float(np.max(np.abs(frequency_response_db(d_imp) - analytic_imp))),
        low_band_cycles_per_px=config.low_band,
    )
    shift, f32 = np.fft.fftshift, np.float32
    arrays = {
        "rgb": photograph(config.image),
        "kernel": kernel,
        "input": red.astype(f32),
        "conv_output": pre.astype(f32),
        "output": z.astype(f32),
        "derivative_nonzero": d_on.astype(f32),
        "derivative_all_ones": d_ones.astype(f32),
        "response_nonzero_db": shift(h_on).astype(f32),
        "response_all_ones_db": shift(h_ones).astype(f32),
        "response_closed_form_db": shift(closed).astype(f32),
        "response_continuous_db": shift(continuous).astype(f32),
        "impulse_output": f(xi)[0, 0].cpu().numpy().astype(f32),
        "impulse_derivative": d_imp,
        "impulse_response_db": shift(frequency_response_db(d_imp, window=True)),
    }
    return Measured(
        metrics,
        arrays,
        f"skimage.data.{config.image}() (ships with scikit-image)",
        [f"scikit-image's '{config.image}' photograph; the toy network runs in float64."],
    )


CLAIMS = (
    Claim(
        "response_is_the_gaussian",
        "for p one-hot on a non-zero output, the toy CNN's frequency response is the Gaussian filter's "
        "transfer function (largest difference, dB)",
        "gaussian_match_max_abs_db",
        "equal",
        "one deterministic computation",
        null=0.0,
        tolerance=ROUNDING_DB,
    ),
    Claim(
        "zero_output_zero_derivative",
        "for p one-hot on an output the ReLU set to zero, the data derivative is zero everywhere (largest |dz/dx|)",
        "zero_output_derivative_max_abs",
        "equal",
        "one deterministic computation",
        null=0.0,
        tolerance=0.0,
    ),
    Claim(
        "unit_dc_gain",
        "the Maximum Gain for p one-hot is the filter's DC gain, 0 dB for weights summing to one (dB)",
        "max_gain_nonzero_db",
        "equal",
        "one deterministic computation",
        null=0.0,
        tolerance=ROUNDING_DB,
        source="ours",
    ),
    Claim(
        "impulse_response_is_gaussian_times_box",
        "the impulse image's unwindowed response is the Gaussian times a 7x7 box (largest difference, dB)",
        "impulse_unwindowed_match_max_abs_db",
        "equal",
        "one deterministic computation",
        null=0.0,
        tolerance=ROUNDING_DB,
        source="ours",
    ),
)


def findings(metrics: dict, verdicts: dict[str, Verdict]) -> list[str]:
    """Plain-language verdicts on the paper's toy-CNN statements, computed from ``metrics`` and the engine's verdicts."""
    claims = {c.id: c for c in CLAIMS}
    say = lambda cid: sentence(claims[cid], verdicts[cid], fmt=lambda v: f"{v:.2e}")  # noqa: E731
    return [
        "Fig. 3a, the linearised toy CNN as a filter: " + say("response_is_the_gaussian"),
        f"The continuous Gaussian exp(-2 pi^2 sigma^2 f^2) agrees within "
        f"{metrics['continuous_match_low_band_max_abs_db']:.2f} dB up to {metrics['low_band_cycles_per_px']} "
        f"cycles/px; near the Nyquist frequency truncation and sampling separate them by up to "
        f"{metrics['continuous_match_all_max_abs_db']:.1f} dB.",
        "Maximum Gain for p one-hot: " + say("unit_dc_gain"),
        "A projection on an output that the ReLU set to zero: " + say("zero_output_zero_derivative"),
        f"With p all ones, {100 * metrics['output_fraction_zero']:.0f} % of the outputs are zero and contribute "
        f"nothing, so the derivative is a sum of shifted filter copies over the active outputs only "
        f"(Maximum Gain {metrics['max_gain_all_ones_db']:.1f} dB).",
        "Fig. 4, the impulse image: "
        + say("impulse_response_is_gaussian_times_box")
        + f" With the Hann window the Maximum Gain is {metrics['max_gain_impulse_db']:.1f} dB.",
    ]


EXPERIMENT = Experiment(
    name="spectral-toy",
    title="Transfer function of a toy CNN (Gaussian filter + ReLU)",
    paper="stamatescu2018spectral",
    reproduces="Stamatescu & McDonnell §III-B, Figs. 1-4",
    config=Config,
    scales={"ci": {}, "laptop": {}, "full": {}},
    measure=measure,
    notebook="notebooks/spectral_toy",
    choices={"image": IMAGES},
    report_rows=(
        ReportRow(
            "S&M §III-B (Fig. 3a)",
            "toy CNN response vs closed-form Gaussian transfer function, largest absolute difference",
            "gaussian_match_max_abs_db",
            "equal (no number)",
            source="derived",
            format="db",
            figure="fig-toy-derivatives",
            claim="response_is_the_gaussian",
        ),
        ReportRow(
            "S&M §III-B",
            "p on a zero output: largest absolute value of dz/dx",
            "zero_output_derivative_max_abs",
            0.0,
            source="derived",
            format="sci",
            claim="zero_output_zero_derivative",
        ),
        ReportRow(
            "S&M §III-B (Fig. 3a)",
            "Maximum Gain, p one-hot on a non-zero output",
            "max_gain_nonzero_db",
            "no number",
            source="ours",
            format="db",
            claim="unit_dc_gain",
        ),
        ReportRow(
            "S&M §III-B (Fig. 4)",
            "impulse image, unwindowed response vs Gaussian times a 7x7 box, largest absolute difference",
            "impulse_unwindowed_match_max_abs_db",
            "no number",
            source="ours",
            format="db",
            claim="impulse_response_is_gaussian_times_box",
        ),
        ReportRow(
            "S&M §III-B (Fig. 4)",
            "Maximum Gain of the impulse image, p all ones, Hann window",
            "max_gain_impulse_db",
            "no number",
            source="ours",
            format="db",
            figure="fig-toy-impulse",
        ),
    ),
    findings=findings,
    metrics=Metrics,
    claims=CLAIMS,
)
make_config, run = EXPERIMENT.make_config, EXPERIMENT.run
