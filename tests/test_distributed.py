"""Data-parallel training (sigcnn.core.distributed + train_classifier) against the single-process run.

Two gloo processes started by torchrun (``python -m torch.distributed.run``) train a small
network without batch norm on random data; the final weights and the per-epoch losses must match
one process training on the same full batches.

Tolerance: the two runs do the same arithmetic up to the order of floating-point sums (each rank
sums its share of the batch, then the all-reduce adds the two partial gradients, where one
process reduces the whole batch at once) and DDP's bucketed all-reduce. In float32 that is a
relative rounding of about 1e-7 per gradient entry and step; over the few steps here (Adam,
which divides by the gradient's running RMS, can amplify it somewhat) the weights stay within
``ATOL`` = 1e-5 (measured: 2e-8 with SGD, 6e-8 with Adam; 3 epochs of 6
steps). A bug in the sharding, the loss scaling or the gradient
average (a rank training on the wrong rows, the mean of means on the uneven last batch, a missing
all-reduce of the log) changes the weights by 1e-3 or more.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch
from torch import nn

ATOL = 1e-5
SRC = Path(__file__).resolve().parents[1] / "src"

SCRIPT = textwrap.dedent("""
    import json, sys
    import torch
    from torch import nn
    from sigcnn.core import distributed
    from sigcnn.models.training import train_classifier

    distributed.init_from_environment("cpu")
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(0)
    x = torch.randn(53, 1, 8, 8, generator=g)     # 53 = 5 batches of 10 + 3: an uneven last batch
    y = torch.randint(0, 3, (53,), generator=g)
    out = {"world": distributed.world_size()}
    for optimizer in ("sgd", "adam"):
        torch.manual_seed(1)
        model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 36, 3))
        log = train_classifier(model, x, y, epochs=3, batch_size=10, lr=1e-2, optimizer=optimizer,
                               generator=torch.Generator().manual_seed(2))
        weights = torch.cat([p.detach().flatten() for p in model.parameters()])
        out[optimizer] = {"weights": weights.tolist(), "loss": log.loss, "accuracy": log.accuracy}
    if distributed.is_main():
        json.dump(out, open(sys.argv[1], "w"))
    distributed.shutdown()
""")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _gloo_available() -> bool:
    import torch.distributed as dist

    return dist.is_available() and dist.is_gloo_available()


def _run(args: list[str], tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", ""), OMP_NUM_THREADS="1")
    for name in ("RANK", "LOCAL_RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"):
        env.pop(name, None)
    done = subprocess.run([sys.executable, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]


@pytest.mark.skipif(not _gloo_available(), reason="torch.distributed with the gloo backend is not available")
def test_two_gloo_ranks_match_one_process(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    _run([str(script), str(tmp_path / "single.json")], tmp_path)
    _run(
        [
            "-m",
            "torch.distributed.run",
            "--nproc_per_node=2",
            "--master_addr=127.0.0.1",
            f"--master_port={_free_port()}",
            str(script),
            str(tmp_path / "ddp.json"),
        ],
        tmp_path,
    )
    single = json.loads((tmp_path / "single.json").read_text())
    ddp = json.loads((tmp_path / "ddp.json").read_text())
    assert single["world"] == 1 and ddp["world"] == 2
    torch.manual_seed(1)
    start = torch.cat(
        [
            p.detach().flatten()
            for p in nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 36, 3)).parameters()
        ]
    )
    for optimizer in ("sgd", "adam"):
        w1, w2 = torch.tensor(single[optimizer]["weights"]), torch.tensor(ddp[optimizer]["weights"])
        assert float((w1 - start).abs().max()) > 1e-3  # training moved the weights (well above ATOL)
        diff = float((w1 - w2).abs().max())
        print(f"{optimizer}: max |w_ddp - w_single| = {diff:.3g}")
        assert diff <= ATOL, optimizer
        assert ddp[optimizer]["loss"] == pytest.approx(single[optimizer]["loss"], abs=ATOL)
        assert ddp[optimizer]["accuracy"] == single[optimizer]["accuracy"]  # correct counts, all-reduced


def test_single_process_is_world_of_one(monkeypatch):
    from sigcnn.core import distributed

    for name in ("RANK", "LOCAL_RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"):
        monkeypatch.delenv(name, raising=False)
    assert distributed.init_from_environment("cpu") is False
    assert (distributed.world_size(), distributed.rank(), distributed.is_main()) == (1, 0, True)
    values = torch.tensor([1.5, 2.0])
    assert distributed.all_reduce_sum(values) is values
    monkeypatch.setenv("WORLD_SIZE", "2")  # torchrun's other variables missing: say so before joining
    with pytest.raises(ValueError, match="MASTER_ADDR"):
        distributed.init_from_environment("cpu")
