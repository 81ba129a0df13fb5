"""What every experiment shares: its description, its configuration and the runner.

An experiment module holds only its science. It declares one :class:`Experiment`::

    @dataclass(frozen=True)
    class Config(BaseConfig):
        n_anchors: int = 6

    def measure(config: Config, ctx: RunContext) -> Measured:
        ...
        return Measured(metrics={...}, arrays={...}, data_source="...", notes=[...])

    EXPERIMENT = Experiment(
        name="recos-sphere", title="...", paper="kuo2016recos", reproduces="Kuo (2016) §2",
        config=Config, scales={"ci": {...}, "laptop": {...}, "full": {...}},
        measure=measure, notebook="notebooks/recos_sphere",
        report_rows=(ReportRow(...), ...), findings=findings)
    make_config, run = EXPERIMENT.make_config, EXPERIMENT.run

and :meth:`Experiment.run` owns device choice, seeding, the stopwatch, provenance and the
:class:`~sigcnn.core.results.Result`. Scale resolution, override checking and data-set
validation happen once, in :meth:`Experiment.make_config`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from ..core.runtime import resolve_device, resolve_scale, set_seed
from ..verdicts import Claim, Verdict, check_claims, decide
from ._metrics import flatten, metric_keys

if TYPE_CHECKING:
    from ..core.results import Result

SOURCES = ("paper", "derived", "external", "ours")
"""Where a report row's reference value comes from: a number printed in the paper, a value
derived from the paper's words, another publication (cited), or our own measurement only."""

FORMATS = ("number", "percent", "int", "bool", "db", "deg", "rad", "sci")


@dataclass(frozen=True)
class BaseConfig:
    """Settings every experiment has. Subclasses add fields with defaults."""

    scale: str
    seed: int = 0
    device: str = "auto"


@dataclass(frozen=True)
class ReportRow:
    """One row of the reproduction report: what is reproduced and which metric holds ours.

    Parameters
    ----------
    reproduces : the paper's figure/table/equation (``"Kuo Fig. 4"``).
    quantity : what the number is, in words, with its unit.
    metric : key of :attr:`Result.metrics` holding our value.
    paper : the reference value (a number, or words such as ``"no number"``).
    source : one of :data:`SOURCES` (see there).
    format : how to show the numbers, one of :data:`FORMATS`.
    control : description of the control (``"untrained, 3 seeds"``) when the metric has one;
        the result then holds ``{metric}_control_min`` and ``{metric}_control_max``.
    figure : a MyST label of the figure showing it (for ``{numref}``), if any.
    cite : the key of ``book/references.bib`` an ``external`` value comes from.
    claim : the id of the experiment's :class:`~sigcnn.verdicts.Claim` this row's verdict comes
        from (``None``: a measurement shown without a verdict).
    data : the data this row's number is measured on, when it is not the run's data set (the
        report's data column shows it instead of the run's ``data_source``).
    """

    reproduces: str
    quantity: str
    metric: str
    paper: float | int | str | bool | None = None
    source: Literal["paper", "derived", "external", "ours"] = "paper"
    format: str = "number"
    control: str | None = None
    figure: str | None = None
    cite: str | None = None
    claim: str | None = None
    data: str | None = None

    def __post_init__(self):
        if self.source not in SOURCES:
            raise ValueError(f"report row {self.metric!r}: source must be one of {SOURCES}, got {self.source!r}")
        if self.format not in FORMATS:
            raise ValueError(f"report row {self.metric!r}: format must be one of {FORMATS}, got {self.format!r}")


@dataclass
class Measured:
    """What an experiment's ``measure`` returns: numbers, arrays, where the data came from, notes.

    ``metrics`` is the experiment's metrics dataclass (see :mod:`._metrics`), or a flat dict of
    numbers, booleans and lists of numbers (replicates); no formatted strings: the report formats them.
    """

    metrics: Any
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    data_source: str = "none (no data set)"
    notes: list[str] = field(default_factory=list)


@dataclass
class RunContext:
    """What the runner hands to ``measure``: the torch device, a seeded CPU generator, progress."""

    device: Any
    generator: Any
    progress: bool = False


def _accepted_datasets(names: tuple[str, ...]) -> str:
    return ", ".join(names)


def canonical_dataset(name: str, accepted: tuple[str, ...] | None, experiment: str) -> str:
    """The registry name of ``name`` (case- and ``_``/``-``-insensitive) if ``accepted`` takes it.

    Raises
    ------
    ValueError
        When the experiment takes no data set, or not this one.
    """
    if accepted is None:
        raise ValueError(f"{experiment} takes no dataset")
    key = str(name).strip().lower().replace("_", "-")
    if key not in accepted:
        raise ValueError(f"{experiment} does not take dataset {name!r}: choose one of {_accepted_datasets(accepted)}")
    return key


@dataclass(frozen=True)
class Experiment:
    """One paper experiment: its description, its scales and its ``measure`` function."""

    name: str
    title: str
    paper: str
    reproduces: str
    config: type
    scales: Mapping[str, Mapping[str, Any]]
    measure: Callable[[Any, RunContext], Measured]
    notebook: str | None = None
    datasets: tuple[str, ...] | None = None
    report_rows: tuple[ReportRow, ...] = ()
    findings: Callable[..., list[str]] | None = None
    """``findings(metrics)``, or ``findings(metrics, verdicts)`` when the experiment declares claims."""
    choices: Mapping[str, tuple] = field(default_factory=dict)
    """Fields restricted to a set of values (``{"image": ("chelsea", "astronaut")}``), checked by make_config."""
    metrics: type | None = None
    """The metrics dataclass ``measure`` returns; claims and report rows name its flat keys."""
    claims: tuple[Claim, ...] = ()
    """The claims tested on every run, decided together (one family) by :func:`sigcnn.verdicts.decide`."""

    def __post_init__(self):
        missing = {"ci", "laptop", "full"} - set(self.scales)
        if missing:
            raise ValueError(f"experiment {self.name}: scale table lacks {sorted(missing)}")
        if not (dataclasses.is_dataclass(self.config) and issubclass(self.config, BaseConfig)):
            raise TypeError(f"experiment {self.name}: config must be a dataclass derived from BaseConfig")
        object.__setattr__(
            self,
            "report_rows",
            tuple(self.report_rows),
        )
        if self.claims and self.metrics is None:
            raise ValueError(f"experiment {self.name}: claims need a metrics dataclass to check their keys against")
        if self.metrics is not None:
            keys = metric_keys(self.metrics)
            check_claims(self.claims, keys, f"experiment {self.name}")
            unknown = [r.metric for r in self.report_rows if r.metric not in keys]
            if unknown:
                raise ValueError(
                    f"experiment {self.name}: report rows read {unknown}, which the metrics do not declare"
                )
        ids = {c.id for c in self.claims}
        for row in self.report_rows:
            if row.claim is not None and row.claim not in ids:
                raise ValueError(f"experiment {self.name}: report row {row.metric!r} names unknown claim {row.claim!r}")

    def make_config(self, scale: str | None = None, **overrides: Any) -> BaseConfig:
        """The configuration at ``scale`` (default ``$SIGCNN_SCALE`` or ``ci``) with ``overrides``.

        ``None`` overrides are ignored (unset CLI options).

        Raises
        ------
        ValueError
            For an unknown scale, an unknown setting, a data set this experiment does not take,
            a value outside :attr:`choices` or a negative seed.
        """
        scale = resolve_scale(scale)
        overrides = {k: v for k, v in overrides.items() if v is not None}
        names = {f.name for f in dataclasses.fields(self.config)}
        unknown = sorted(set(overrides) - names - {"dataset"})
        if unknown:
            raise ValueError(
                f"{self.name} has no setting {', '.join(map(repr, unknown))}: "
                f"choose among {', '.join(sorted(names - {'scale'}))}"
            )
        if "dataset" in overrides:
            if "dataset" not in names:
                raise ValueError(f"{self.name} takes no dataset")
            overrides["dataset"] = canonical_dataset(overrides["dataset"], self.datasets, self.name)
        if "seed" in overrides:
            seed = overrides["seed"]
            if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
                raise ValueError(f"seed must be an integer in [0, 2**63), got {seed!r}")
        for key, allowed in self.choices.items():
            if key in overrides and overrides[key] not in allowed:
                raise ValueError(
                    f"{self.name}: unknown {key} {overrides[key]!r}: choose one of {', '.join(map(str, allowed))}"
                )
        return dataclasses.replace(self.config(scale=scale, **self.scales[scale]), **overrides)

    def run(self, config: BaseConfig, progress: bool = False) -> Result:
        """Run ``measure`` on ``config``: device, seed, stopwatch, provenance, :class:`Result`."""
        from ..core.code_state import module_digest
        from ..core.provenance import Stopwatch, git_commit, make_provenance, source_digest
        from ..core.results import Result

        if not isinstance(config, self.config):
            raise TypeError(
                f"{self.name}.run needs a {self.config.__name__} (use make_config), got {type(config).__name__}"
            )
        device = resolve_device(config.device)
        generator = set_seed(config.seed)
        commit = git_commit()  # the code that runs, not the tree at the end of a long run
        source = source_digest()
        try:  # the code this run's claims come from (an experiment defined outside sigcnn has none)
            experiment_source: str | None = module_digest(self.measure.__module__)
        except ValueError:
            experiment_source = None
        with Stopwatch() as clock:
            measured = self.measure(config, RunContext(device=device, generator=generator, progress=progress))
        if not isinstance(measured, Measured):
            raise TypeError(f"{self.name}: measure must return Measured, got {type(measured).__name__}")
        if self.metrics is not None and not isinstance(measured.metrics, self.metrics):
            raise TypeError(
                f"{self.name}: measure must return {self.metrics.__name__} metrics, got {type(measured.metrics).__name__}"
            )
        try:
            metrics = flatten(measured.metrics)
        except TypeError as exc:
            raise TypeError(f"{self.name}: {exc}") from None
        provenance = make_provenance(
            config, device, measured.data_source, clock.seconds, measured.notes, commit, source, experiment_source
        )
        return Result(self.name, config.scale, metrics, dict(measured.arrays), provenance)

    def verdicts(self, metrics: Mapping[str, Any]) -> dict[str, Verdict]:
        """The engine's verdict on each claim, from a result's (flat) ``metrics``: today's engine
        on whatever run wrote them, stored reference runs included."""
        return decide(self.claims, metrics)

    def claim(self, claim_id: str) -> Claim:
        """The declared claim ``claim_id``.

        Raises
        ------
        KeyError
            When the experiment declares no such claim.
        """
        for c in self.claims:
            if c.id == claim_id:
                return c
        raise KeyError(f"{self.name} declares no claim {claim_id!r}")

    def findings_for(self, metrics: dict) -> list[str]:
        """The plain-language findings for ``metrics`` (empty when the experiment has none).

        An experiment that declares claims gets the engine's verdicts as a second argument.
        """
        if not self.findings:
            return []
        if self.claims:
            return list(self.findings(metrics, self.verdicts(metrics)))
        return list(self.findings(metrics))
