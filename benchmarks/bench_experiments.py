"""Wall time of each experiment at each requested scale (prints numbers; not a test).

Usage::

    python benchmarks/bench_experiments.py                     # every experiment at ci
    python benchmarks/bench_experiments.py --scale ci full --only recos-negative
    python benchmarks/bench_experiments.py --scale full --only recos-negative --dataset fashion-mnist --main-only

``--main-only`` runs recos-negative with its main LeNet-5 only (the paper's protocol: one
network, 20 epochs at full), without the remedy and activation variants.
Goals (issue 2): recos-negative at ci <= 30 s on 2 CPU cores; at full <= 3 min on 2 CPU cores
and <= 20 s on one GPU.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import torch

from sigcnn import experiments
from sigcnn.data import DatasetUnavailable


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", nargs="+", default=["ci"])
    parser.add_argument("--only", nargs="+", default=None, help="experiment names")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--dataset", default=None)
    parser.add_argument("--main-only", action="store_true")
    args = parser.parse_args()

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, "
        f"{torch.get_num_threads()} threads, cuda={torch.cuda.is_available()}"
    )
    print(f"{'experiment':<24} {'scale':<7} {'device':<6} {'wall s':>8}  note")
    for name in args.only or experiments.names():
        module = experiments.get(name)
        for scale in args.scale:
            overrides = {"device": args.device}
            if args.dataset and module.DATASETS:
                overrides["dataset"] = args.dataset
            if args.main_only and name == "recos-negative":
                overrides.update(activations=(), remedy_channels=())
            try:
                config = module.make_config(scale, **overrides)
                start = time.perf_counter()
                result = module.run(config)
                wall = time.perf_counter() - start
            except DatasetUnavailable as exc:
                print(f"{name:<24} {scale:<7} {'-':<6} {'-':>8}  skipped: {exc}")
                continue
            device = result.provenance.device_name
            note = "main network only" if args.main_only and name == "recos-negative" else ""
            print(f"{name:<24} {scale:<7} {device:<6} {wall:>8.1f}  {note}", flush=True)


if __name__ == "__main__":
    main()
