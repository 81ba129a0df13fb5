"""`import sigcnn` sets OpenMP's passive wait policy before torch loads, unless the user chose
one, and leaves torch's thread count (and so every result) as it was (issue 8, item 10).

Each case runs in a fresh interpreter: OpenMP reads its environment once per process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PROBE = """
import json, os, sys
{before}
import sigcnn
torch_loaded_by_sigcnn = "torch" in sys.modules and not sigcnn.TORCH_IMPORTED_FIRST
import torch
from sigcnn.core.runtime import thread_settings
print(json.dumps({{"policy": os.environ.get("OMP_WAIT_POLICY"), "threads": torch.get_num_threads(),
                  "loaded_by_sigcnn": torch_loaded_by_sigcnn, "settings": thread_settings()}}))
"""


def probe(before: str = "", **env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OMP_", "GOMP_", "MKL_"))}
    clean["PYTHONPATH"] = os.pathsep.join([str(SRC), clean.get("PYTHONPATH", "")])
    clean.update(env)
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(before=before)], env=clean, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def plain_torch_threads() -> int:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OMP_", "GOMP_", "MKL_"))}
    out = subprocess.run(
        [sys.executable, "-c", "import torch; print(torch.get_num_threads())"],
        env=clean,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(out)


def test_import_sets_passive_before_torch_and_keeps_the_thread_count():
    seen = probe()
    assert seen["policy"] == "PASSIVE"
    assert not seen["loaded_by_sigcnn"], "import sigcnn must not import torch (OpenMP must see the variable)"
    assert seen["settings"] == {"threads": seen["threads"], "omp_wait_policy": "PASSIVE", "torch_imported_first": False}
    assert seen["threads"] == plain_torch_threads()


def test_a_users_choice_is_kept():
    assert probe(OMP_WAIT_POLICY="ACTIVE")["policy"] == "ACTIVE"


def test_torch_imported_first_is_reported():
    seen = probe(before="import torch")
    assert seen["settings"]["torch_imported_first"] is True
