"""What the Network-audio-1 experiments share: the network and its settings, its data, its training
and the claims of Wu et al. (2022) about the generalised shifts of a trained network.

``spectral-shift`` tests the claims on Network-audio-1, ``spectral-shift-activations`` on its
variants with other activations, and ``scattering-audio`` trains the same network beside the
scattering classifier; each takes from here what it needs (no experiment imports another).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import torch

from ..core.runtime import resolve_scale
from ..data.audio_features import AudioSplit, load_audio_split
from ..models import AudioVGG11
from ..models.training import train_seeded
from ..verdicts import Claim, Direction, Verdict, sentence
from ._base import BaseConfig

SAMPLE_RATE = 8000
CONTROL = "untrained networks"

SIDES: dict[str, Direction] = {
    "conv2_centroid_shift": "less",  # Fig. 9: Conv2 moves energy down
    "act2_centroid_shift": "greater",  # Fig. 11: ReLU2 moves it up
    "conv_moves_down_fraction": "greater",  # Fig. 10
    "act_moves_up_fraction": "greater",  # Fig. 12
    "acdiff_aadiff_correlation": "less",  # Fig. 17: opposite directions
    "acdiff_aadiff_correlation_shape": "less",
    "aadiff_acdiff_amplitude_ratio": "greater",  # Fig. 17: close amplitudes (untrained: about 0.5)
    "lambda_eq36": "greater",  # Eq. 36: activations undo part of the shift
    "cdiff_adiff_opposite_fraction": "greater",  # Fig. 16, bin by bin
    "cdiff_adiff_anticorrelated_pairs": "greater",  # Fig. 16, layer pair by layer pair
}
"""Per quantity measured on every seed: the side on which training would have produced the paper's
property, relative to untrained networks (our "is it learned?" claims)."""

PAPER_CLAIMS: tuple[tuple[str, str, str, Direction, float, Literal["paper", "ours"]], ...] = (
    (
        "conv2_down",
        "Conv2 moves the energy spectrum to lower frequencies (Fig. 9: centroid shift < 0)",
        "conv2_centroid_shift",
        "less",
        0.0,
        "paper",
    ),
    (
        "act2_up",
        "ReLU2 moves it to higher frequencies (Fig. 11: centroid shift > 0)",
        "act2_centroid_shift",
        "greater",
        0.0,
        "paper",
    ),
    (
        "convs_move_down",
        "convolutions lower the spectral centroid (Fig. 10: in more than half of them)",
        "conv_moves_down_fraction",
        "greater",
        0.5,
        "paper",
    ),
    (
        "acts_move_up",
        "activations raise the spectral centroid (Fig. 12: in more than half of them)",
        "act_moves_up_fraction",
        "greater",
        0.5,
        "paper",
    ),
    (
        "accumulated_opposite",
        "ACDIFF and AADIFF point in opposite directions (Fig. 17: correlation < 0)",
        "acdiff_aadiff_correlation",
        "less",
        0.0,
        "paper",
    ),
    (
        "accumulated_opposite_shape",
        "ACDIFF and AADIFF of unit-energy spectra point in opposite directions (correlation < 0)",
        "acdiff_aadiff_correlation_shape",
        "less",
        0.0,
        "ours",
    ),
    (
        "amplitudes_close",
        "the amplitudes of ACDIFF and AADIFF are close (Fig. 17; ours: norm ratio within a "
        "factor 2, i.e. 1 - |log2 ratio| > 0)",
        "amplitude_closeness",
        "greater",
        0.0,
        "paper",
    ),
    (
        "lambda_positive",
        "activations undo part of the convolutions' shift (Eq. 36: lambda > 0)",
        "lambda_eq36",
        "greater",
        0.0,
        "paper",
    ),
    ("lambda_below_one", "they undo only part of it (Eq. 36: lambda < 1)", "lambda_eq36", "less", 1.0, "paper"),
    (
        "bins_opposite",
        "CDIFF and ADIFF have opposite signs (Fig. 16: in more than half of the (layer, frequency) bins)",
        "cdiff_adiff_opposite_fraction",
        "greater",
        0.5,
        "paper",
    ),
    (
        "pairs_anticorrelated",
        "CDIFF and ADIFF of a conv/activation pair are anticorrelated (Fig. 16: in more than half of the pairs)",
        "cdiff_adiff_anticorrelated_pairs",
        "greater",
        0.5,
        "paper",
    ),
)
"""The paper's statements about a trained Network-audio-1: (id, statement, quantity, direction, null, source),
tested on the training seeds against the null (one sample)."""

LEARNED = tuple(SIDES)
"""Quantities whose trained value is also compared with untrained networks (ours: is it learned?)."""


def amplitude_closeness(ratio: float) -> float:
    """``1 - |log2 ratio|``: positive when the norms are within a factor 2 of each other."""
    return 1.0 - abs(math.log2(ratio)) if ratio > 0 and math.isfinite(ratio) else math.nan


def make_claims(
    prefix: str = "", label: str = "", paper: tuple[str, ...] | None = None, learned: tuple[str, ...] | None = None
) -> tuple[Claim, ...]:
    """The paper's claims (one sample, against the null) and ours (trained vs untrained networks),
    reading the keys ``{prefix}{quantity}_mean_replicates`` / ``_control``; ``paper``/``learned`` pick ids/quantities."""
    out = []
    for cid, text, key, direction, null, source in PAPER_CLAIMS:
        if paper is not None and cid not in paper:
            continue
        out.append(
            Claim(
                f"{prefix}{cid}",
                f"{label}{text}",
                f"{prefix}{key}_mean_replicates",
                direction,
                "training seeds",
                null=null,
                source=source,
                no_control=f"a property of the trained network; {null:g} is where the claimed property starts",
            )
        )
    for key in learned if learned is not None else LEARNED:
        side = SIDES[key]
        out.append(
            Claim(
                f"{prefix}{key}_learned",
                f"{label}training moves {key.replace('_', ' ')} to the paper's side "
                f"({'above' if side == 'greater' else 'below'} untrained networks)",
                f"{prefix}{key}_mean_replicates",
                side,
                "training seeds",
                control=f"{prefix}{key}_mean_control",
                control_label=CONTROL,
                source="ours",
            )
        )
    return tuple(out)


def claim_sentences(claims: tuple[Claim, ...], verdicts: dict[str, Verdict], prefix: str = "") -> dict[str, str]:
    """Per claim id (without ``prefix``), the engine's sentence for it."""
    return {c.id.removeprefix(prefix): sentence(c, verdicts[c.id]) for c in claims}


@dataclass(frozen=True)
class NetworkConfig(BaseConfig):
    """Network-audio-1, its data and its training; the seeds of the claims (the settings every
    Network-audio-1 experiment shares)."""

    dataset: str = "fsdd"
    length: int = 2048  # samples per recording after decimation
    decimate: int = 2  # 8 kHz -> 4 kHz
    width: float = 0.125  # VGG-11 channel multiplier
    pool_size: int = 4
    batch_norm: bool = False
    activation: str = "relu"
    epochs: int = 8
    batch_size: int = 32
    lr: float = 2e-3
    train_limit: int | None = None  # training recordings used (None: all)
    analysed: int | None = None  # recordings analysed (None: the whole test split)
    low_band: float = 0.125  # cycles per input sample: the "low band" of low_band_fraction
    grid_points: int = 257  # common frequency grid of ACDIFF / AADIFF
    training_seeds: int = 3  # trained networks: seeds seed, seed + 1000, ...
    control_seeds: int = 20  # untrained networks (no training: cheap), seeds seed, seed + 1000, ...
    shuffled_seeds: int = 0  # networks trained on shuffled labels (a second control, not tested)

    def __post_init__(self) -> None:
        if self.control_seeds < 2:
            raise ValueError(f"control_seeds must be >= 2 (the test needs a spread), got {self.control_seeds}")
        if self.training_seeds < 1 or self.shuffled_seeds < 0:
            raise ValueError(
                f"training_seeds must be >= 1 and shuffled_seeds >= 0, got {self.training_seeds} "
                f"and {self.shuffled_seeds}"
            )
        if self.train_limit is not None and self.train_limit < 1:
            raise ValueError(f"train_limit must be a positive number of recordings or None, got {self.train_limit}")


CI_SETTINGS: dict[str, Any] = dict(
    length=2048, decimate=2, width=0.125, pool_size=4, epochs=8, train_limit=900, analysed=None
)
"""Network-audio-1 and its training at the ``ci`` scale (FSDD)."""
LAPTOP_SETTINGS: dict[str, Any] = dict(length=4096, decimate=2, width=0.25, pool_size=4, epochs=15)
"""The same at the ``laptop`` scale (FSDD), shared with the activation study."""
FULL_SETTINGS: dict[str, Any] = dict(
    dataset="urbansound8k", length=16000, decimate=2, width=1.0, pool_size=2, epochs=30, analysed=1000
)
"""The same at the ``full`` scale: the paper's UrbanSound8K clips, full width, 30 epochs."""
SCALES: dict[str, dict[str, Any]] = {
    "ci": CI_SETTINGS,
    "laptop": dict(LAPTOP_SETTINGS, analysed=None, shuffled_seeds=3),
    "full": dict(FULL_SETTINGS, shuffled_seeds=3),
}
"""The scale table of ``spectral-shift``: the Network-audio-1 of each scale."""


def network_config(scale: str, **overrides: Any) -> NetworkConfig:
    """The ``spectral-shift`` settings of ``scale`` (``ci``, ``laptop`` or ``full``) with ``overrides``.

    Raises
    ------
    ValueError
        For an unknown scale.
    """
    scale = resolve_scale(scale)
    return dataclasses.replace(NetworkConfig(scale=scale, **SCALES[scale]), **overrides)


def load_audio(config: NetworkConfig) -> AudioSplit:
    """The configuration's data set, split (see :func:`~sigcnn.data.audio_features.load_audio_split`)."""
    return load_audio_split(
        config.dataset, config.length, config.decimate, config.train_limit, config.seed, SAMPLE_RATE
    )


def network_factory(
    config: NetworkConfig, classes: int, activation: str | None = None, batch_norm: bool | None = None
) -> Callable[[], AudioVGG11]:
    """A builder of Network-audio-1 with the configuration's settings (no seeding: see ``train_seeded``)."""

    def build() -> AudioVGG11:
        return AudioVGG11(
            num_classes=classes,
            activation=activation or config.activation,
            batch_norm=config.batch_norm if batch_norm is None else batch_norm,
            width=config.width,
            pool_size=config.pool_size,
        )

    return build


def train_network(
    config: NetworkConfig,
    data: AudioSplit,
    seed: int,
    progress: bool = False,
    activation: str | None = None,
    batch_norm: bool | None = None,
    shuffle_labels: bool = False,
) -> tuple[AudioVGG11, np.ndarray]:
    """Network-audio-1 trained by :func:`~sigcnn.models.training.train_seeded` with ``seed``; ``(model, loss per epoch)``.

    ``shuffle_labels`` permutes the training labels (generator seeded with ``seed + 7``): the
    shuffled-label control.
    """
    labels = data.y_train
    if shuffle_labels:
        labels = labels[
            torch.randperm(labels.shape[0], generator=torch.Generator().manual_seed(seed + 7)).to(labels.device)
        ]
    run = train_seeded(
        network_factory(config, data.classes, activation, batch_norm),
        data.x_train,
        labels,
        seed=seed,
        epochs=config.epochs,
        batch_size=config.batch_size,
        lr=config.lr,
        progress=progress,
        desc=f"Network-audio-1 ({activation or config.activation}, seed {seed})",
    )
    model = run.model
    if not isinstance(model, AudioVGG11):  # train_seeded returns the network its factory built
        raise TypeError(f"expected an AudioVGG11 from the factory, got {type(model).__name__}")
    return model, np.array(run.log.loss)
