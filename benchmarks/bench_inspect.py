"""Timing of ``sigcnn inspect`` on a LeNet-5 (freshly initialised weights) at a scale.

Usage: python benchmarks/bench_inspect.py [--scale ci] [--data mnist]
Prints the wall and CPU time of the whole command and the time spent in the lenses (the result's
``wall_time_s``); the data set must be on disk (``SIGCNN_DATA``).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import torch


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="ci")
    parser.add_argument("--data", default="mnist")
    args = parser.parse_args()
    from sigcnn import cli
    from sigcnn.core.results import load_result
    from sigcnn.models import LeNet5

    with tempfile.TemporaryDirectory() as tmp:
        model = Path(tmp) / "lenet.pt"
        torch.manual_seed(0)
        torch.save(LeNet5().state_dict(), model)
        wall, cpu = time.perf_counter(), time.process_time()
        argv = ["inspect", str(model), "--arch", "lenet5", "--data", args.data, "--scale", args.scale]
        assert cli.main([*argv, "--out", str(Path(tmp) / "out")]) == 0
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        lenses = load_result(Path(tmp) / "out" / "inspect" / args.scale).provenance.wall_time_s
    print(
        f"sigcnn inspect LeNet-5 {args.data} [{args.scale}]: {wall:.1f} s wall, {cpu:.1f} s CPU, {lenses:.1f} s in the lenses"
    )


if __name__ == "__main__":
    main()
