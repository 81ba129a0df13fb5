"""All five lenses on the modulation chapter's audio network (Network-audio-1, a 1-D VGG-11) on FSDD.

The network is trained here with the spectral-shift chapter's ``ci`` settings (one seed); the
baseline is the same architecture untrained. The claims are our cross-lens predictions (see
``book/five_lenses.md``); on a waveform, "grey-scale reversal" is the sign flip ``lo + hi − x``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..data.audio_features import AUDIO_DATASETS, load_audio_split
from ..lenses import LensSettings
from ..models.audio_vgg import AudioVGG11
from ..models.training import train_seeded
from ._base import BaseConfig, Experiment, Measured, RunContext
from ._lenses_common import CLAIMS, REPORT_ROWS, Metrics, check_reading_sizes, findings, five_lenses


@dataclass(frozen=True)
class Config(BaseConfig):
    """Network-audio-1 settings (as the spectral-shift chapter's) and how many recordings are read."""

    dataset: str = "fsdd"
    length: int = 2048
    decimate: int = 2
    width: float = 0.125
    pool_size: int = 4
    epochs: int = 8
    batch_size: int = 32
    lr: float = 2e-3
    train_limit: int | None = 900
    examples: int = 80
    untrained_seeds: int = 5
    max_gain_examples: int = 8

    def __post_init__(self):
        check_reading_sizes(self.examples, self.untrained_seeds, self.max_gain_examples)


def measure(config: Config, ctx: RunContext) -> Measured:
    """Train Network-audio-1 (one seed), then read it and its untrained copies through the five lenses."""
    data = load_audio_split(config.dataset, config.length, config.decimate, config.train_limit, config.seed, 8000)

    def build() -> AudioVGG11:
        return AudioVGG11(num_classes=data.classes, width=config.width, pool_size=config.pool_size)

    run = train_seeded(
        build,
        data.x_train.to(ctx.device),
        data.y_train.to(ctx.device),
        seed=config.seed,
        epochs=config.epochs,
        batch_size=config.batch_size,
        lr=config.lr,
        progress=ctx.progress,
        desc="Network-audio-1 (five lenses)",
    )
    x, y = data.x_test[: config.examples].to(ctx.device), data.y_test[: config.examples]
    settings = LensSettings(max_gain_examples=config.max_gain_examples, seed=config.seed)
    metrics, arrays, notes = five_lenses(run.model.eval(), x, y, settings, config.untrained_seeds)
    note = (
        f"Network-audio-1 (width {config.width}, pool {config.pool_size}) trained {config.epochs} epochs on "
        f"{data.x_train.shape[0]} recordings, seed {config.seed}; {x.shape[0]} test recordings read."
    )
    return Measured(metrics, arrays, data.data_source, [note, data.note, *notes])


EXPERIMENT = Experiment(
    name="lenses-audio",
    title="All five lenses on the audio network (Network-audio-1 on FSDD)",
    paper="ours",
    reproduces="our synthesis of Kuo, Wu, Stamatescu–McDonnell, Koushik/Mallat and Ge et al.",
    config=Config,
    scales={
        "ci": dict(examples=80, untrained_seeds=4),
        "laptop": dict(examples=300, untrained_seeds=10, epochs=30, train_limit=None, length=4096, width=0.25),
        "full": dict(examples=600, untrained_seeds=20, epochs=60, train_limit=None, length=8000, width=1.0),
    },
    measure=measure,
    notebook="notebooks/lenses_audio",
    datasets=AUDIO_DATASETS,
    report_rows=REPORT_ROWS,
    findings=findings,
    metrics=Metrics,
    claims=CLAIMS,
)
make_config, run = EXPERIMENT.make_config, EXPERIMENT.run
