"""The pinned stack is named the same way in pyproject.toml and environment.yml."""

import tomllib

from conftest import REPO


def _environment_pins():
    pins, in_pip = [], False
    for line in (REPO / "environment.yml").read_text().splitlines():
        stripped = line.strip()
        if stripped == "- pip:":
            in_pip = True
            continue
        if in_pip and stripped.startswith("- ") and stripped != "- -e .":
            pins.append(stripped[2:].strip())
    return pins


def test_environment_mirrors_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert sorted(project["dependencies"]) == sorted(_environment_pins())


def test_required_pins_present():
    deps = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    for pin in ["torch==2.11.0", "torchvision==0.26.0", "torchaudio==2.11.0", "kymatio==0.3.0",
                "scipy>=1.11,<1.17", "jupyter-book==1.0.4.post1"]:
        assert pin in deps


def test_console_script_declared():
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["sigcnn"] == "sigcnn.cli:main"
