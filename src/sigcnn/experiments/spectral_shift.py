"""Wu et al. (2022), §3.1.3, §3.2, §3.3 and §4: energy-spectrum "generalised shifts" inside a trained
1-D audio CNN (Network-audio-1, a VGG-11 for waveforms).

A VGG-11 with 1-D convolutions is trained to classify spoken digits (FSDD; UrbanSound8K, the
paper's data, at ``full`` scale when present). Streaming forward hooks then average the energy
spectra of the input and output of every convolution (psi^x, psi^y, Eqs. 15-20), activation
(psi^a, Eq. 26) and pooling layer over the analysed recordings. Each claim of the paper becomes a
number: the spectral centroid and low-band energy fraction before and after every layer (do
convolutions move energy down and activations move it up?), the per-layer differences CDIFF and
ADIFF (Eqs. 31-32), their sums ACDIFF and AADIFF (Eqs. 33-34), their correlation, amplitude
ratio and the lambda of Eq. 36.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from ..data import load_fsdd, load_urbansound8k
from ..data.audio_features import fixed_length_waveforms
from ..models import AudioVGG11
from ..probes.spectra import record_spectra
from ..provenance import Stopwatch, make_provenance
from ..results import Result
from ..runtime import resolve_device, set_seed
from ..signals.modulation import spectral_pool
from ..signals.spectra import accumulate_on_grid, frequency_axis, low_band_fraction, spectral_centroid
from ..training import accuracy, train_classifier
from ._config import scale_and_overrides, scaled_config

NAME = "spectral-shift"
ORDER = 20  # 20s: modulation
TITLE = "Energy-spectrum generalised shifts in a trained 1-D audio CNN (Network-audio-1)"
PAPER = "wu2022modulation"
REPRODUCES = "Wu et al. (2022) §3.1.3-§4, Figs. 9-12, 16, 17 and Eq. 36; pooling spectra of §3.3"
DATASETS = ("fsdd", "urbansound8k")

REPORT_ROWS = [
    {"reproduces": "Wu §3.1.3 (Fig. 9)", "quantity": "Conv2: change of spectral centroid, out - in "
     "(cycles/sample; < 0 = energy moves down)", "paper": "moves to low frequency (no number)",
     "metric": "conv2_centroid_shift"},
    {"reproduces": "Wu §3.2 (Fig. 11)", "quantity": "ReLU2: change of spectral centroid, out - in "
     "(cycles/sample; > 0 = energy moves up)", "paper": "moves to high frequency (no number)",
     "metric": "act2_centroid_shift"},
    {"reproduces": "Wu §3.1.3 (Fig. 10)", "quantity": "fraction of convolutions that lower the spectral centroid",
     "paper": "generalised shift in every layer (no number)", "metric": "conv_moves_down_fraction"},
    {"reproduces": "Wu §3.2 (Fig. 12)", "quantity": "fraction of ReLUs that raise the spectral centroid",
     "paper": "opposite to the convolutions (no number)", "metric": "act_moves_up_fraction"},
    {"reproduces": "Wu §4 (Fig. 17)", "quantity": "correlation of ACDIFF and AADIFF",
     "paper": "opposite directions (negative; no number)", "metric": "acdiff_aadiff_correlation"},
    {"reproduces": "Wu §4 (Fig. 17)", "quantity": "amplitude ratio norm(AADIFF) / norm(ACDIFF)",
     "paper": "close amplitudes (about 1; no number)", "metric": "aadiff_acdiff_amplitude_ratio"},
    {"reproduces": "Wu §4 (Eq. 36)", "quantity": "lambda in AADIFF = -lambda ACDIFF (least squares)",
     "paper": "no number", "metric": "lambda_eq36"},
    {"reproduces": "Wu §4 (Fig. 16)", "quantity": "frequency bins where CDIFF and ADIFF have opposite signs (fraction)",
     "paper": "opposite directions (no number)", "metric": "cdiff_adiff_opposite_fraction"},
    {"reproduces": "Wu §3.3 (Fig. 14)", "quantity": "Pool1, max pooling: change of spectral centroid, out - in (cycles/sample)",
     "paper": "pooling shifts the spectrum (no number)", "metric": "pool1_centroid_shift"},
    {"reproduces": "Wu §3.3 (Fig. 14)", "quantity": "Pool1, average pooling: change of spectral centroid (cycles/sample)",
     "paper": "pooling shifts the spectrum (no number)", "metric": "pool1_avg_centroid_shift"},
    {"reproduces": "Wu §3.3 (Fig. 14)", "quantity": "Pool1, spectral pooling: change of spectral centroid (cycles/sample)",
     "paper": "pooling shifts the spectrum (no number)", "metric": "pool1_spectral_centroid_shift"},
    {"reproduces": "Wu §3.1.3 (Network-audio-1)", "quantity": "test accuracy of the analysed network",
     "paper": "not reported", "metric": "test_accuracy"},
]

SAMPLE_RATE = 8000


@dataclass(frozen=True)
class Config:
    """Settings of one run; :func:`make_config` gives the ones of each scale."""

    scale: str
    seed: int = 0
    device: str = "auto"
    dataset: str = "fsdd"
    length: int = 2048            # samples per recording after decimation
    decimate: int = 2             # 8 kHz -> 4 kHz
    width: float = 0.125          # VGG-11 channel multiplier
    pool_size: int = 4
    batch_norm: bool = False
    activation: str = "relu"
    epochs: int = 8
    batch_size: int = 32
    lr: float = 2e-3
    analysed: int | None = None   # recordings analysed (None: the whole test split)
    low_band: float = 0.125       # cycles/sample: the "low band" of low_band_fraction
    grid_points: int = 257        # common frequency grid of ACDIFF / AADIFF


_SCALES = {
    "ci": dict(length=2048, decimate=2, width=0.125, pool_size=4, epochs=8, analysed=None),
    "laptop": dict(length=4096, decimate=2, width=0.25, pool_size=4, epochs=15, analysed=None),
    "full": dict(dataset="urbansound8k", length=16000, decimate=2, width=1.0, pool_size=2, epochs=30,
                 analysed=1000),
}


def make_config(scale: str | None = None, **overrides) -> Config:
    """The configuration of a scale profile, with optional overrides (``seed=1``, ``dataset=...``)."""
    scale, overrides = scale_and_overrides(scale, overrides)
    if "dataset" in overrides and overrides["dataset"] not in DATASETS:
        raise ValueError(f"{NAME} needs an audio data set: choose one of {', '.join(DATASETS)}")
    return scaled_config(Config, _SCALES, scale, overrides)


# --------------------------------------------------------------------------------------------
# data


def load_audio(config: Config):
    """``(x_train, y_train, x_test, y_test, data_source, sample_rate)`` as fixed-length tensors."""
    if config.dataset == "fsdd":
        audio = load_fsdd()
        waves, labels, is_test, source = audio.waveforms, audio.labels, audio.is_test, audio.data_source
    elif config.dataset == "urbansound8k":
        audio = load_urbansound8k(SAMPLE_RATE)
        waves, labels, is_test, source = audio.waveforms, audio.labels, audio.is_test, audio.data_source
    else:
        raise ValueError(f"{NAME} needs an audio data set: choose one of {', '.join(DATASETS)}")
    x = fixed_length_waveforms(waves, config.length, decimate=config.decimate)
    y = torch.as_tensor(labels, dtype=torch.long)
    test = torch.as_tensor(is_test)
    return x[~test], y[~test], x[test], y[test], source, SAMPLE_RATE / config.decimate


# --------------------------------------------------------------------------------------------
# analysis


def layer_names(model: AudioVGG11) -> dict[str, list[str]]:
    """Names (without the ``features.`` prefix) of the convolution, activation and pooling layers."""
    names = [name for name, _ in model.features.named_children()]
    return {kind: [n for n in names if n.startswith(kind)] for kind in ("conv", "act", "pool")}


def _spectral_pool_torch(pool_size: int):
    def pool(x: torch.Tensor) -> torch.Tensor:
        b, c, n = x.shape
        out = spectral_pool(x.reshape(b * c, n).double().cpu().numpy(), n // pool_size)
        return torch.from_numpy(out).reshape(b, c, -1)
    return pool


def analyse_network(model: AudioVGG11, inputs: torch.Tensor, sample_rate: float, low_band: float,
                    grid_points: int, pooling_alternatives: bool = True) -> tuple[dict, dict]:
    """Average spectra of every layer of a trained network and the numbers that test Wu's claims.

    Returns ``(metrics, arrays)``; see the module docstring. Centroids and low-band fractions
    are in cycles per sample of each layer's own signal (0.5 = its Nyquist frequency).
    """
    kinds = layer_names(model)
    layers = [f"features.{n}" for kind in ("conv", "act", "pool") for n in kinds[kind]]
    derived = {}
    if pooling_alternatives:
        for name in kinds["pool"]:
            derived[f"{name}_avg"] = (f"features.{name}",
                                      lambda x, s=model.pool_size: F.avg_pool1d(x, s))
            derived[f"{name}_spectral"] = (f"features.{name}", _spectral_pool_torch(model.pool_size))
    with Stopwatch() as clock:
        spectra = record_spectra(model, inputs, layers, derived=derived)
    spectra = {name.removeprefix("features."): s for name, s in spectra.items()}

    metrics: dict = {"analysed_recordings": int(inputs.shape[0]), "spectra_seconds": clock.seconds}
    arrays: dict = {}
    n_input = inputs.shape[-1]
    for name, s in spectra.items():
        arrays[f"{name}_psi_in"], arrays[f"{name}_psi_out"] = s.psi_in, s.psi_out
        arrays[f"{name}_rate_in"] = np.array(sample_rate * s.psi_in.shape[-1] / n_input)
        arrays[f"{name}_rate_out"] = np.array(sample_rate * s.psi_out.shape[-1] / n_input)
        for side, psi in (("in", s.psi_in), ("out", s.psi_out)):
            metrics[f"{name}_centroid_{side}"] = float(spectral_centroid(psi))
            metrics[f"{name}_centroid_no_dc_{side}"] = float(spectral_centroid(psi, exclude_dc=True))
            metrics[f"{name}_lowband_{side}"] = float(low_band_fraction(psi, low_band))
        for stem in ("centroid", "centroid_no_dc", "lowband"):
            metrics[f"{name}_{stem}_shift"] = metrics[f"{name}_{stem}_out"] - metrics[f"{name}_{stem}_in"]

    for kind, sign, label in (("conv", -1, "conv_moves_down"), ("act", +1, "act_moves_up")):
        for stem, suffix in (("centroid", ""), ("centroid_no_dc", "_no_dc")):
            shifts = np.array([metrics[f"{n}_{stem}_shift"] for n in kinds[kind]])
            metrics[f"{label}_fraction{suffix}"] = float(np.mean(sign * shifts > 0))

    # Eqs. 31-34 on a common grid (cycles/sample), each difference divided by its layer length
    # so that layers of different lengths add as power spectra (Parseval: mean over bins = power).
    grid = np.linspace(-0.5, 0.5, grid_points)
    arrays.update(grid=grid, conv_layers=np.array(kinds["conv"]), act_layers=np.array(kinds["act"]),
                  pool_layers=np.array(kinds["pool"]))
    # "raw": the paper's differences (total energy changes included); "shape": each spectrum first
    # scaled to unit total energy, so only the redistribution over frequency counts.
    for variant, suffix in (("raw", ""), ("shape", "_shape")):
        diffs = {}
        for kind in ("conv", "act"):
            rows = []
            for n in kinds[kind]:
                s = spectra[n]
                length = s.psi_in.shape[-1]
                if variant == "raw":
                    diff = (s.psi_out - s.psi_in) / length
                else:
                    diff = s.psi_out / s.psi_out.sum() - s.psi_in / s.psi_in.sum()
                rows.append(accumulate_on_grid([(frequency_axis(length), diff)], grid))
            diffs[kind] = np.stack(rows)
        acdiff, aadiff = diffs["conv"].sum(axis=0), diffs["act"].sum(axis=0)
        arrays.update({f"cdiff{suffix}": diffs["conv"], f"adiff{suffix}": diffs["act"],
                       f"acdiff{suffix}": acdiff, f"aadiff{suffix}": aadiff})
        metrics[f"acdiff_aadiff_correlation{suffix}"] = float(np.corrcoef(acdiff, aadiff)[0, 1])
        metrics[f"aadiff_acdiff_amplitude_ratio{suffix}"] = float(np.linalg.norm(aadiff) / np.linalg.norm(acdiff))
        metrics[f"lambda_eq36{suffix}"] = float(-(aadiff @ acdiff) / (acdiff @ acdiff))
        per_layer = [np.corrcoef(c, a)[0, 1] for c, a in zip(diffs["conv"], diffs["act"])]
        metrics[f"cdiff_adiff_opposite_fraction{suffix}"] = float(np.mean(np.array(per_layer) < 0))
    return metrics, arrays


def train_network(config: Config, x_train, y_train, device, progress: bool, seed_offset: int = 0,
                  activation: str | None = None, batch_norm: bool | None = None):
    """Train Network-audio-1 with the configuration's settings; returns ``(model, loss per epoch)``."""
    generator = set_seed(config.seed + seed_offset)
    model = AudioVGG11(num_classes=int(y_train.max()) + 1, activation=activation or config.activation,
                       batch_norm=config.batch_norm if batch_norm is None else batch_norm,
                       width=config.width, pool_size=config.pool_size).to(device)
    log = train_classifier(model, x_train, y_train, epochs=config.epochs, batch_size=config.batch_size,
                           lr=config.lr, generator=generator, progress=progress,
                           desc=f"Network-audio-1 ({model.activation_name})")
    return model, np.array(log.loss)


def run(config: Config, progress: bool = False) -> Result:
    """Run the experiment and return its :class:`~sigcnn.results.Result`."""
    device = resolve_device(config.device)
    with Stopwatch() as clock:
        x_train, y_train, x_test, y_test, source, rate = load_audio(config)
        x_train, y_train = x_train.to(device), y_train.to(device)
        x_test, y_test = x_test.to(device), y_test.to(device)
        model, loss = train_network(config, x_train, y_train, device, progress)
        metrics: dict = {"train_recordings": int(x_train.shape[0]), "test_recordings": int(x_test.shape[0]),
                         "test_accuracy": accuracy(model, x_test, y_test),
                         "train_accuracy": accuracy(model, x_train, y_train)}
        analysed = x_test
        if config.analysed is not None and config.analysed < x_test.shape[0]:
            pick = torch.randperm(x_test.shape[0], generator=torch.Generator().manual_seed(config.seed))
            analysed = x_test[pick[:config.analysed].to(device)]
        found, arrays = analyse_network(model, analysed, rate, config.low_band, config.grid_points)
        metrics.update(found)
        arrays["loss"] = loss
        arrays["input_sample_rate"] = np.array(rate)
    notes = [f"Recordings centre-cropped or zero-padded to {config.length} samples at {rate:g} Hz "
             f"(decimated by {config.decimate}); analysed: {metrics['analysed_recordings']} test recordings."]
    if config.dataset == "fsdd":
        notes.append("FSDD stands in for the paper's UrbanSound8K (not available offline); "
                     "test split = recordings 0-4 of each speaker and digit.")
    return Result(NAME, config.scale, metrics, arrays, make_provenance(config, device, source, clock.seconds, notes))


# --------------------------------------------------------------------------------------------
# verdicts


def _direction(value: float, down: str = "down", up: str = "up") -> str:
    return down if value < 0 else up


def findings(metrics: dict) -> list[str]:
    """Plain-language verdicts on Wu et al.'s claims, computed from the measured ``metrics``."""
    out = []
    c2, a2 = metrics["conv2_centroid_shift"], metrics["act2_centroid_shift"]
    c2n = metrics["conv2_centroid_no_dc_shift"]
    out.append(
        f"Conv2 moves the spectral centroid {_direction(c2)} by {abs(c2):.4f} cycles/sample "
        f"({_direction(c2n)} by {abs(c2n):.4f} without the DC bin; low-band fraction "
        f"{metrics['conv2_lowband_in']:.3f} -> {metrics['conv2_lowband_out']:.3f}); the paper reports a move to low "
        "frequency (Fig. 9): " + ("supported." if c2 < 0 and c2n < 0 else
                                  "supported only once the DC bin is left out." if c2n < 0 else
                                  "supported only with the DC bin included." if c2 < 0 else
                                  "NOT supported by our network."))
    a2n = metrics["act2_centroid_no_dc_shift"]
    out.append(
        f"ReLU2 moves the centroid {_direction(a2)} by {abs(a2):.4f} cycles/sample "
        f"({_direction(a2n)} by {abs(a2n):.4f} when the DC bin is left out); the paper reports a move to high "
        "frequency (Fig. 11): " + ("supported." if a2 > 0 else
                                   "NOT supported with the DC bin included" + (
                                       ", but supported once the DC bin (the mean that rectification creates) "
                                       "is left out." if a2n > 0 else ", nor without it.")))
    n_conv, n_conv_dc = metrics["conv_moves_down_fraction"], metrics["conv_moves_down_fraction_no_dc"]
    n_act, n_act_dc = metrics["act_moves_up_fraction"], metrics["act_moves_up_fraction_no_dc"]
    out.append(
        f"Across layers, {100 * n_conv:.0f} % of the convolutions lower the centroid ({100 * n_conv_dc:.0f} % without "
        f"the DC bin) and {100 * n_act:.0f} % of the activations raise it ({100 * n_act_dc:.0f} % without the DC bin). "
        + ("Convolutions and activations mostly push in opposite directions, as the paper says (Figs. 10, 12)."
           if max(n_conv, n_conv_dc) > 0.5 and max(n_act, n_act_dc) > 0.5 else
           "Convolutions mostly move energy down, as the paper says, but most activations do not move it up "
           "(Figs. 10, 12): only half of the picture holds." if max(n_conv, n_conv_dc) > 0.5 else
           "The paper's picture of convolutions moving energy down and activations moving it up does not hold "
           "for most layers of our network."))
    r, ratio, lam = (metrics["acdiff_aadiff_correlation"], metrics["aadiff_acdiff_amplitude_ratio"],
                     metrics["lambda_eq36"])
    opposite = r < 0
    close = 0.5 <= ratio <= 2.0
    out.append(
        f"ACDIFF and AADIFF (Fig. 17) have correlation {r:+.3f} and amplitude ratio {ratio:.2f}; the least-squares "
        f"lambda of Eq. 36 is {lam:.3f}. "
        + ("Opposite directions and comparable amplitudes: supports the paper." if opposite and close else
           "Opposite directions but amplitudes far apart: partly supports the paper." if opposite else
           "They do not point in opposite directions: does NOT support the paper."))
    rs, ratio_s = metrics["acdiff_aadiff_correlation_shape"], metrics["aadiff_acdiff_amplitude_ratio_shape"]
    out.append(
        f"These differences include changes of total energy (a convolution's gain, the energy a rectifier "
        f"removes). With every spectrum first scaled to unit energy, so that only the redistribution over "
        f"frequency counts, the correlation is {rs:+.3f} and the amplitude ratio {ratio_s:.2f}: "
        + ("the opposition survives as a statement about spectral shape." if rs < -0.5 else
           "the opposition is weak or absent in shape, so much of Fig. 17's agreement comes from energy gains "
           "and losses rather than from moving energy along the frequency axis."))
    return out
