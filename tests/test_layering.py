"""Every module of sigcnn sits in its layer and imports only downward (issue 8, item 2).

Layers, lowest first::

    signals                     pure maths on arrays and tensors; imports nothing else from sigcnn
    foundation                  the package root, runtime, results, provenance (usable by all but signals)
    data -> models -> probes -> experiments -> plots / widgets -> report / book / cli

A module may import its own layer, any lower layer, ``signals`` and the foundation, never a
higher layer; ``plots`` and ``widgets`` never import ``experiments``. The imports are read with
``ast`` from the source files (every ``import``, including those inside functions), so the test
needs neither the data nor the optional packages.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "sigcnn"

LAYERS = {
    "signals": 0,
    "foundation": 1,
    "data": 2,
    "models": 3,
    "probes": 4,
    "experiments": 5,
    "plots": 6,
    "widgets": 6,
    "frontends": 7,
}
# Top-level modules and packages of sigcnn -> layer. A new top-level module must be added here.
PLACES = {
    "sigcnn": "foundation",
    "sigcnn.core": "foundation",
    "sigcnn.verdicts": "foundation",
    "sigcnn.signals": "signals",
    "sigcnn.data": "data",
    "sigcnn.models": "models",
    "sigcnn.probes": "probes",
    "sigcnn.experiments": "experiments",
    "sigcnn.lenses": "experiments",
    "sigcnn.plots": "plots",
    "sigcnn.widgets": "widgets",
    "sigcnn.report": "frontends",
    "sigcnn.book": "frontends",
    "sigcnn.cli": "frontends",
    "sigcnn.reference": "frontends",
    "sigcnn.course": "frontends",
    "sigcnn.inspect": "frontends",
}
# Modules and names that are being moved into their layer (issue 8, item 2). Until they move they
# are layered where they belong; the lead empties this table once the moves are merged.
EXPECTED_TO_MOVE: dict[str, tuple[str, str]] = {}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@functools.cache
def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def sigcnn_imports(name: str, path: Path) -> set[str]:
    """The sigcnn modules that ``name`` imports (absolute and relative, at any depth)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "sigcnn"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "sigcnn":
                continue
            found.add(target)
            # `from sigcnn import experiments` / `from . import book` import a submodule
            found |= {f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in modules()}
    return found


def layer_of(name: str) -> str:
    """The layer of a module: its entry in EXPECTED_TO_MOVE or PLACES (longest matching prefix)."""
    if name in EXPECTED_TO_MOVE:
        return EXPECTED_TO_MOVE[name][0]
    for prefix in sorted(PLACES, key=len, reverse=True):
        if name == prefix or name.startswith(prefix + "."):
            if prefix == "sigcnn" and name != "sigcnn":
                break
            return PLACES[prefix]
    raise KeyError(name)


def test_every_module_has_a_layer():
    unplaced = []
    for name in modules():
        try:
            layer_of(name)
        except KeyError:
            unplaced.append(name)
    assert not unplaced, f"modules without a layer (add them to PLACES in {Path(__file__).name}): {unplaced}"


def violations(name: str, targets: set[str]) -> list[str]:
    """The imports of module ``name`` that break a layering rule, each with the rule."""
    own = layer_of(name)
    wrong = []
    for target in sorted(targets):
        if target not in modules():  # e.g. `import sigcnn.data.store` also names sigcnn.data
            continue
        layer = layer_of(target)
        if own == "signals" and layer != "signals":
            wrong.append(f"{target} (signals imports nothing else from sigcnn)")
        elif own in ("plots", "widgets") and layer == "experiments":
            wrong.append(f"{target} (plots and widgets never import experiments)")
        elif LAYERS[layer] > LAYERS[own]:
            wrong.append(f"{target} ({layer} is above {own})")
    return wrong


@pytest.mark.parametrize("name", sorted(modules()))
def test_imports_go_downward(name):
    wrong = violations(name, sigcnn_imports(name, modules()[name]))
    assert not wrong, f"{name} ({layer_of(name)}) imports upward: {wrong}"


def test_the_rules_catch_violations(tmp_path):
    """The checker itself, on a scratch file and on hand-written import sets."""
    scratch = tmp_path / "sigcnn" / "signals" / "sphere.py"
    scratch.parent.mkdir(parents=True)
    scratch.write_text("from ..experiments import run\nfrom sigcnn.core.runtime import set_seed\nimport numpy\n")
    found = sigcnn_imports("sigcnn.signals.sphere", scratch)
    assert found == {"sigcnn.experiments", "sigcnn.core.runtime"}
    assert len(violations("sigcnn.signals.sphere", found)) == 2  # even the foundation is off-limits
    assert violations("sigcnn.plots.recos", {"sigcnn.experiments"})
    assert violations("sigcnn.data.images", {"sigcnn.models"})
    assert violations("sigcnn.probes.anchors", {"sigcnn.experiments.recos_sphere"})
    assert not violations("sigcnn.experiments.recos_sphere", {"sigcnn.probes.anchors", "sigcnn.signals.sphere"})
    assert not violations("sigcnn.widgets.modulation", {"sigcnn.plots.modulation", "sigcnn.signals.spectra"})


def sibling_experiments(name: str, targets: set[str]) -> list[str]:
    """The experiment modules that experiment module ``name`` imports (shared code lives in a
    ``_``-prefixed helper module of ``sigcnn.experiments`` or in a lower layer)."""
    if not name.startswith("sigcnn.experiments.") or name.count(".") != 2:
        return []
    return sorted(
        t
        for t in targets
        if t.startswith("sigcnn.experiments.") and t != name and not t.rpartition(".")[2].startswith("_")
    )


@pytest.mark.parametrize("name", sorted(n for n in modules() if n.startswith("sigcnn.experiments.")))
def test_no_experiment_imports_a_sibling_experiment(name):
    siblings = sibling_experiments(name, sigcnn_imports(name, modules()[name]))
    assert not siblings, f"{name} imports sibling experiment(s) {siblings}: move what they share to a _ module"


def test_the_sibling_rule_catches_sibling_imports(tmp_path):
    scratch = tmp_path / "sigcnn" / "experiments" / "spectral_shift_activations.py"
    scratch.parent.mkdir(parents=True)
    scratch.write_text("from . import spectral_shift as base\nfrom ._spectral_common import SIDES\n")
    found = sigcnn_imports("sigcnn.experiments.spectral_shift_activations", scratch)
    assert sibling_experiments("sigcnn.experiments.spectral_shift_activations", found) == [
        "sigcnn.experiments.spectral_shift"
    ]
    assert not sibling_experiments("sigcnn.experiments._postshift", {"sigcnn.experiments._base"})
