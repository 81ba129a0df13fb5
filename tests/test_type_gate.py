"""The type checker in `make lint` (issue 24, item 7): it checks every module, and strictly enough.

``make lint`` runs mypy with the settings of pyproject.toml. These tests run the same mypy, with
the same settings, on a scratch module holding the bug the issue names (a ``LeNetData`` handed to
a field annotated ``dict``, inside an unannotated function), and check that no module of sigcnn
is exempted from it.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"

SCRATCH = """
from dataclasses import dataclass


@dataclass
class LeNetData:
    images: list


@dataclass
class Bench:
    train: dict


def build_bench():  # unannotated: mypy checks its body only with check_untyped_defs
    return Bench(train=LeNetData(images=[]))
"""


def _mypy(path: Path) -> subprocess.CompletedProcess:
    pytest.importorskip("mypy")
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(PYPROJECT), "--no-incremental", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )


def test_mypy_with_the_project_settings_catches_a_wrong_field_type(tmp_path):
    scratch = tmp_path / "scratch_bench.py"
    scratch.write_text(SCRATCH)
    out = _mypy(scratch)
    assert out.returncode == 1, out.stdout + out.stderr
    assert 'Argument "train" to "Bench" has incompatible type "LeNetData"' in out.stdout
    scratch.write_text(SCRATCH.replace("train: dict", "train: LeNetData"))
    fixed = _mypy(scratch)
    assert fixed.returncode == 0, fixed.stdout  # the same file with the right annotation passes


def test_no_module_is_exempt_from_the_type_checker():
    mypy = tomllib.loads(PYPROJECT.read_text())["tool"]["mypy"]
    assert mypy["files"] == ["src/sigcnn"]
    assert mypy["check_untyped_defs"] is True
    exempt = [o["module"] for o in mypy.get("overrides", []) if o.get("ignore_errors")]
    assert not exempt, f"modules whose type errors mypy ignores: {exempt}"
