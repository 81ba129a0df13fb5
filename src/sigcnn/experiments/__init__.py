"""One module per paper experiment: ``make_config(scale, **overrides)`` and ``run(config) -> Result``.

Each module also names its paper (``PAPER``, a key of ``book/references.bib``), what it
reproduces (``REPRODUCES``), the data sets it accepts (``DATASETS``, or ``None``) and the
rows it contributes to the reproduction report (``REPORT_ROWS``).
"""

from __future__ import annotations

import pkgutil
from functools import lru_cache
from importlib import import_module
from types import ModuleType

from ..results import Result, load_result, result_path, results_dir, save_result


@lru_cache(maxsize=1)
def _discover() -> dict[str, str]:
    """Experiment modules of this package: every module with ``NAME`` and ``run``, sorted by
    ``ORDER`` (the book's order), then name. Adding an experiment needs no registry edit."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = import_module(f"{__name__}.{info.name}")
        if hasattr(module, "NAME") and hasattr(module, "run"):
            found.append((getattr(module, "ORDER", 100), module.NAME, module.__name__))
    return {name: mod for _, name, mod in sorted(found)}


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


def make_config(name: str, scale: str | None = None, **overrides):
    """The configuration of experiment ``name`` at ``scale`` (``None`` overrides are ignored)."""
    return get(name).make_config(scale, **overrides)


def run_experiment(name: str, scale: str | None = None, progress: bool = False, **overrides) -> Result:
    """Build the configuration and run experiment ``name``."""
    module = get(name)
    return module.run(module.make_config(scale, **overrides), progress=progress)


def load_or_run(name: str, scale: str | None = None, out_dir=None, **overrides) -> Result:
    """Reuse the result file of ``name`` if it was made by this code with this configuration,
    else run the experiment and save its result file. Used by the reproduction report.
    """
    from dataclasses import asdict

    from ..provenance import git_commit

    config = make_config(name, scale, **overrides)
    out_dir = out_dir if out_dir is not None else results_dir()
    path = result_path(out_dir, name, config.scale)
    if path.exists():
        stored = load_result(path)
        same_config = stored.provenance.get("config") == _plain(asdict(config))
        commit = git_commit()
        same_code = stored.provenance.get("git_commit") == commit and not commit.endswith("-dirty")
        if same_config and same_code:
            return stored
    result = get(name).run(config)
    save_result(result, out_dir)
    return result


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


__all__ = ["Result", "get", "load_or_run", "make_config", "names", "run_experiment", "save_result"]
