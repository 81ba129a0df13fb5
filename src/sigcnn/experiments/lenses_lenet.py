"""All five lenses on the book's LeNet-5 (the RECOS chapter's checkpoint, from the cache).

The trained network is the one :mod:`.recos_negative` and the other RECOS experiments train
(same training spec, so the cache returns it); the baseline is the same architecture untrained,
several initialisation seeds. The claims are our cross-lens predictions (see
``book/five_lenses.md``), except the reversal claim, which is Kuo's.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..lenses import LensSettings
from ..models.trained_lenet import trained_lenets
from ._base import Experiment, Measured, RunContext
from ._lenet import DATASETS, LeNetConfig, lenet_scales, training_spec
from ._lenses_common import CLAIMS, REPORT_ROWS, Metrics, check_reading_sizes, findings, five_lenses


@dataclass(frozen=True)
class Config(LeNetConfig):
    """Settings of one run: ``examples`` test images are read; ``untrained_seeds`` copies are the baseline."""

    examples: int = 200
    untrained_seeds: int = 5
    max_gain_examples: int = 8

    def __post_init__(self):
        check_reading_sizes(self.examples, self.untrained_seeds, self.max_gain_examples)


def measure(config: Config, ctx: RunContext) -> Measured:
    """Read the cached trained LeNet-5 and its untrained copies through the five lenses."""
    data, (net,) = trained_lenets(training_spec(config), 1, ctx.device, ctx.progress)
    x, y = data.x_test[: config.examples].to(ctx.device), data.y_test[: config.examples]
    settings = LensSettings(max_gain_examples=config.max_gain_examples, seed=config.seed)
    metrics, arrays, notes = five_lenses(net.model, x, y, settings, config.untrained_seeds)
    return Measured(metrics, arrays, data.split.data_source, ["LeNet-5: " + net.note, *notes])


EXPERIMENT = Experiment(
    name="lenses-lenet",
    title="All five lenses on the book's LeNet-5",
    paper="ours",
    reproduces="our synthesis of Kuo, Wu, Stamatescu–McDonnell, Koushik/Mallat and Ge et al.",
    config=Config,
    scales=lenet_scales(
        ci=dict(examples=200, untrained_seeds=5),
        laptop=dict(examples=1000, untrained_seeds=10),
        full=dict(examples=2000, untrained_seeds=20, max_gain_examples=32),
    ),
    measure=measure,
    notebook="notebooks/lenses_lenet",
    datasets=DATASETS,
    report_rows=REPORT_ROWS,
    findings=findings,
    metrics=Metrics,
    claims=CLAIMS,
)
make_config, run = EXPERIMENT.make_config, EXPERIMENT.run
