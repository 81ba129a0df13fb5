"""One module per paper experiment, each declaring an :class:`~sigcnn.experiments._base.Experiment`.

A module's ``EXPERIMENT`` names its paper (a key of ``book/references.bib``), what it
reproduces, the data sets it accepts, its scale table, its report rows and its notebook; the
module exposes ``make_config = EXPERIMENT.make_config`` and ``run = EXPERIMENT.run``.
Experiments are discovered (a new module needs no registry edit) and ordered by
:data:`BOOK_ORDER`, the order of the book's chapters; two modules declaring one name are refused.
"""

from __future__ import annotations

import pkgutil
import warnings
from dataclasses import asdict
from functools import lru_cache
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any

from ..core import provenance as core_provenance
from ..core.provenance import plain
from ..core.results import Result, ResultFileError, load_result, result_path, results_dir, save_result
from ._base import BaseConfig, Experiment, Measured, ReportRow, RunContext

BOOK_ORDER = (
    "recos-sphere",
    "recos-negative",
    "recos-anchors",
    "recos-backgrounds",
    "recos-cascade",
    "modulation-identities",
    "spectral-shift",
    "spectral-shift-activations",
    "modulation-normalisation",
    "modulation-training-spectra",
    "modulation-confidence",
    "modulation-postshift-audio",
    "modulation-postshift-segmentation",
    "spectral-toy",
    "pretrained-max-gain",
    "max-gain-training",
    "scattering-time-frequency",
    "scattering-theorems",
    "scattering-classifiers",
    "scattering-audio",
    "channel-ber",
    "channel-cnn-noise",
    "channel-concentrated",
    "channel-receivers",
    "lenses-lenet",
    "lenses-audio",
)
"""The experiments in the order of the book's chapters (a test checks it against ``_toc.yml``).
An experiment missing here is listed after these, by name."""


@lru_cache(maxsize=1)
def _discover() -> dict[str, str]:
    """Experiment modules of this package (each declares ``EXPERIMENT``), in :data:`BOOK_ORDER`.

    Raises
    ------
    ValueError
        When two modules declare the same experiment name.
    """
    found: dict[str, str] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = import_module(f"{__name__}.{info.name}")
        exp = getattr(module, "EXPERIMENT", None)
        if not isinstance(exp, Experiment):
            continue
        if exp.name in found:
            raise ValueError(
                f"experiment name {exp.name!r} is declared by both {found[exp.name]} and {module.__name__}"
            )
        found[exp.name] = module.__name__
    rank = {name: i for i, name in enumerate(BOOK_ORDER)}
    return dict(sorted(found.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0])))


def describe(name: str) -> Experiment:
    """The :class:`Experiment` declared as ``name``."""
    return get(name).EXPERIMENT


def names() -> list[str]:
    """Names of all experiments, in the order of the book."""
    return list(_discover())


def get(name: str) -> ModuleType:
    """The module of experiment ``name``.

    Raises
    ------
    ValueError
        If there is no such experiment.
    """
    modules = _discover()
    if name not in modules:
        raise ValueError(f"unknown experiment {name!r}: choose one of {', '.join(modules)}")
    return import_module(modules[name])


def make_config(name: str, scale: str | None = None, **overrides: Any) -> BaseConfig:
    """The configuration of experiment ``name`` at ``scale`` (``None`` overrides are ignored)."""
    return describe(name).make_config(scale, **overrides)


def run_experiment(name: str, scale: str | None = None, progress: bool = False, **overrides) -> Result:
    """Build the configuration and run experiment ``name``."""
    exp = describe(name)
    return exp.run(exp.make_config(scale, **overrides), progress=progress)


def load_or_run(name: str, scale: str | None = None, out_dir: Path | str | None = None, **overrides: Any) -> Result:
    """Reuse the result file of ``name`` if it was made by this code with this configuration,
    else run the experiment and save its result file. Used by the reproduction report.

    "This code" means: the stored commit is the current one, known (not ``unknown``, as without
    git) and clean, and the stored ``source_sha256`` (when the file has one) equals
    :func:`sigcnn.core.provenance.source_digest` now. A stored file that cannot be read (truncated,
    arrays missing) is run again too, with a warning naming it.
    """
    config = make_config(name, scale, **overrides)
    out_dir = out_dir if out_dir is not None else results_dir()
    path = result_path(out_dir, name, config.scale)
    if path.exists():
        try:
            stored = load_result(path)
        except (OSError, ResultFileError) as exc:
            warnings.warn(f"{path} cannot be reused ({exc}); running {name} again", stacklevel=2)
        else:
            if is_current(stored, config, core_provenance.git_commit(), core_provenance.source_digest()):
                return stored
    result = describe(name).run(config)
    save_result(result, out_dir)
    return result


def is_current(stored: Result, config: BaseConfig, commit: str, source: str) -> bool:
    """Whether ``stored`` was made with ``config`` by the code at ``commit`` (known and clean) whose
    source digest is ``source`` (checked when ``stored`` records one)."""
    provenance = stored.provenance
    same_config = provenance.config == plain(asdict(config))
    known = commit not in ("", "unknown") and not commit.endswith("-dirty")
    same_commit = known and provenance.git_commit == commit
    recorded = provenance.source_sha256
    same_source = recorded is None or recorded == source
    return same_config and same_commit and same_source


__all__ = [
    "BaseConfig",
    "Experiment",
    "Measured",
    "ReportRow",
    "Result",
    "RunContext",
    "describe",
    "get",
    "load_or_run",
    "make_config",
    "names",
    "run_experiment",
    "save_result",
]
