"""Dependencies in their roles: runtime = what the library imports; book, test and dev tools are
extras; environment.yml pins the same packages; `make install` installs what both commands need."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src" / "sigcnn"

# Runtime pins that the library does not import (yet), each with its reason. Keep this short.
RUNTIME_NOT_IMPORTED = {
    "torchaudio": "part of the pinned torch stack (same release as torch/torchvision)",
    "kymatio": "the wavelet-scattering chapter's library (pinned with scipy<1.17)",
    "librosa": "audio features of the audio chapters",
}
# Tools that must never be runtime dependencies.
TOOLS = {
    "jupyter-book",
    "sphinx",
    "myst-nb",
    "sphinx-exercise",
    "sphinxcontrib-bibtex",
    "nbclient",
    "nbformat",
    "ipykernel",
    "jupyterlab",
    "pytest",
    "ruff",
}


def _name(requirement: str) -> str:
    """The normalised distribution name of a requirement string such as ``scipy>=1.11,<1.17``."""
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].strip().lower().replace("_", "-")


def _project():
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def _environment_pins():
    pins, in_pip = [], False
    for line in (REPO / "environment.yml").read_text().splitlines():
        stripped = line.strip()
        if stripped == "- pip:":
            in_pip = True
            continue
        if in_pip and stripped.startswith("- ") and not stripped.startswith("- -e "):
            pins.append(stripped[2:].strip())
    return pins


def _imports(path: Path) -> list[tuple[str, bool]]:
    """Top-level module names imported by a file, with True where the import is at module level
    (run by ``import sigcnn...``) and False where it sits inside a function (run on use)."""
    tree = ast.parse(path.read_text())
    module_level = {id(node) for node in tree.body}
    for node in tree.body:  # imports under a module-level if/try also run at import time
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            continue  # type-only imports never run: they count as imports on use
        if isinstance(node, ast.If | ast.Try):
            module_level.update(id(child) for child in ast.walk(node))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name.split(".")[0], id(node) in module_level) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module.split(".")[0], id(node) in module_level))
    return found


def _third_party_imports() -> dict[str, bool]:
    """Distribution name -> True if some module of sigcnn imports it at module level."""
    distributions = packages_distributions()
    result: dict[str, bool] = {}
    for path in SRC.rglob("*.py"):
        for module, eager in _imports(path):
            if module in sys.stdlib_module_names or module in ("sigcnn", "__future__"):
                continue
            if module not in distributions:
                pytest.fail(f"{path.relative_to(REPO)} imports {module!r}, which no installed distribution provides")
            dist = distributions[module][0].lower().replace("_", "-")
            result[dist] = result.get(dist, False) or eager
    return result


def test_environment_mirrors_pyproject():
    project = _project()
    every = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        every += extra
    pins = _environment_pins()
    assert len(pins) == len(set(pins)), "environment.yml names a package twice"
    # a package may appear in two extras, but always with the same pin
    by_name: dict[str, set[str]] = {}
    for requirement in every:
        by_name.setdefault(_name(requirement), set()).add(requirement)
    assert all(len(v) == 1 for v in by_name.values()), f"one package pinned two ways: {by_name}"
    assert sorted({r for v in by_name.values() for r in v}) == sorted(pins)


def test_extras_are_the_roles():
    extras = _project()["optional-dependencies"]
    assert set(extras) == {"book", "test", "dev", "weightwatcher"}
    names = {role: {_name(r) for r in reqs} for role, reqs in extras.items()}
    assert {
        "jupyter-book",
        "sphinx",
        "myst-nb",
        "sphinx-exercise",
        "sphinxcontrib-bibtex",
        "nbclient",
        "nbformat",
        "ipykernel",
        "jupyterlab",
    } <= names["book"]
    assert "pytest" in names["test"]
    assert "ruff" in names["dev"]


def test_runtime_is_what_the_library_imports():
    runtime = {_name(r) for r in _project()["dependencies"]}
    assert not runtime & TOOLS, f"tools listed as runtime dependencies: {sorted(runtime & TOOLS)}"
    imported = _third_party_imports()
    extras = {_name(r) for reqs in _project()["optional-dependencies"].values() for r in reqs}
    eager_missing = sorted(d for d, eager in imported.items() if eager and d not in runtime)
    assert not eager_missing, f"imported when sigcnn is imported but not runtime dependencies: {eager_missing}"
    # Imports inside functions (IPython for display, ipywidgets for the widgets) may come from the book extra.
    # ipython and matplotlib-inline come with ipykernel, pillow with matplotlib.
    lazy_missing = sorted(d for d in imported if d not in runtime | extras | {"ipython", "matplotlib-inline", "pillow"})
    assert not lazy_missing, f"imported on use but declared nowhere: {lazy_missing}"
    unused = sorted(runtime - set(imported) - set(RUNTIME_NOT_IMPORTED))
    assert not unused, f"runtime dependencies the library never imports (move them to an extra): {unused}"


def test_required_pins_present():
    deps = _project()["dependencies"]
    for pin in ["torch==2.11.0", "torchvision==0.26.0", "torchaudio==2.11.0", "kymatio==0.3.0", "scipy>=1.11,<1.17"]:
        assert pin in deps
    assert "jupyter-book==1.0.4.post1" in _project()["optional-dependencies"]["book"]


def test_make_install_installs_every_role():
    makefile = (REPO / "Makefile").read_text()
    assert re.search(r"pip install .*-e ['\"]?\.\[book,test,dev,weightwatcher\]", makefile), (
        "make install must install .[book,test,dev,weightwatcher]"
    )


def test_console_script_declared():
    scripts = _project()["scripts"]
    assert scripts["sigcnn"] == "sigcnn.cli:main"
