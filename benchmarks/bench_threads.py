"""Training speed alone and next to one busy process, for several thread settings (issue 8, item 10).

Each setting trains LeNet-5 (Kuo's network, 32x32 inputs, batch 64, SGD) for a fixed number of
steps on fixed random data in a fresh Python process, because OpenMP reads its environment
variables once, when torch is imported. Then the same run is repeated next to one
single-threaded busy loop (``while True: pass``) and the slowdown ratio is printed.

Usage::

    python benchmarks/bench_threads.py                     # every setting, alone and loaded
    python benchmarks/bench_threads.py --only sigcnn      # what `import sigcnn` applies
    python benchmarks/bench_threads.py --steps 300 --repeat 3

Settings:

- ``torch-default``: plain ``import torch``, every OpenMP variable removed (torch's default:
  one thread per core, OpenMP's default wait policy);
- ``threads-1``: ``OMP_NUM_THREADS=1``;
- ``passive``: ``OMP_WAIT_POLICY=PASSIVE`` with torch's default thread count;
- ``sigcnn``: ``import sigcnn`` before torch with no OpenMP variable set, i.e. the library's
  fixed setting (see ``sigcnn.core.runtime.configure_threads``).

Goal: next to one busy process at most 2x slower than alone, and alone within 10 % of
``torch-default`` alone. The machine may be shared: run it when it is otherwise idle, or say
that it was not.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

SETTINGS = {
    "torch-default": {},
    "threads-1": {"OMP_NUM_THREADS": "1"},
    "passive": {"OMP_WAIT_POLICY": "PASSIVE"},
    "sigcnn": {},
}
OMP_VARIABLES = (
    "OMP_NUM_THREADS",
    "OMP_WAIT_POLICY",
    "GOMP_SPINCOUNT",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "SIGCNN_NUM_THREADS",
    "SIGCNN_OMP_WAIT_POLICY",
)


def worker(steps: int, via_sigcnn: bool) -> None:
    """Train LeNet-5 for ``steps`` steps and print the wall time of the steps (after a warm-up)."""
    if not via_sigcnn:
        import torch  # (loads OpenMP before sigcnn could set anything: torch's default)
    if via_sigcnn:
        import sigcnn  # noqa: F401  (applies the library's thread setting before torch loads)
    wait_policy = os.environ.get("OMP_WAIT_POLICY", "-")  # what OpenMP read when torch loaded
    import torch

    from sigcnn.models.lenet import LeNet5

    torch.manual_seed(0)
    model = LeNet5()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    images = torch.randn(64, 1, 32, 32)
    labels = torch.randint(0, 10, (64,))

    def step():
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(images), labels)
        loss.backward()
        optimizer.step()

    for _ in range(10):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    seconds = time.perf_counter() - start
    print(f"{seconds:.4f} {torch.get_num_threads()} {wait_policy}")


def run_setting(name: str, steps: int) -> tuple[float, int, str]:
    env = {k: v for k, v in os.environ.items() if k not in OMP_VARIABLES}
    env.update(SETTINGS[name])
    command = [sys.executable, __file__, "--worker", "--steps", str(steps)]
    if name == "sigcnn":
        command.append("--via-sigcnn")
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout.split()
    return float(out[0]), int(out[1]), out[2]


def measure(names: list[str], steps: int, repeat: int, loaded: bool) -> dict[str, tuple[float, int, str]]:
    """Median wall time of each setting over ``repeat`` rounds, the settings interleaved within a
    round (so a change in the machine's background load hits all of them alike), with or without
    one busy loop running beside them."""
    busy = None
    if loaded:
        busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        time.sleep(0.5)
    runs: dict[str, list[tuple[float, int, str]]] = {name: [] for name in names}
    try:
        for _ in range(repeat):
            for name in names:
                runs[name].append(run_setting(name, steps))
    finally:
        if busy is not None:
            busy.kill()
            busy.wait()
    return {name: (statistics.median(r[0] for r in rs), rs[0][1], rs[0][2]) for name, rs in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", nargs="+", choices=sorted(SETTINGS), default=None)
    parser.add_argument("--skip-loaded", action="store_true", help="only the runs without a busy loop")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--via-sigcnn", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.steps, args.via_sigcnn)
        return
    if args.steps < 1 or args.repeat < 1:
        raise ValueError("--steps and --repeat must be >= 1")

    print(
        f"{os.cpu_count()} cores; LeNet-5, batch 64, {args.steps} SGD steps, median of {args.repeat} runs; "
        f"load average before: {os.getloadavg()[0]:.2f}"
    )
    names = args.only or list(SETTINGS)
    alone = measure(names, args.steps, args.repeat, loaded=False)
    print(f"(alone done; load average {os.getloadavg()[0]:.1f})", flush=True)
    loaded = {} if args.skip_loaded else measure(names, args.steps, args.repeat, loaded=True)
    print(f"{'setting':<14} {'threads':>7} {'wait':>8} {'alone s':>8} {'loaded s':>9} {'slowdown':>9}")
    reference = alone.get("torch-default", (None,))[0]
    for name in names:
        seconds, threads, wait = alone[name]
        versus = f"  ({seconds / reference:.2f}x torch-default alone)" if reference else ""
        if name in loaded:
            busy = loaded[name][0]
            print(f"{name:<14} {threads:>7} {wait:>8} {seconds:8.2f} {busy:9.2f} {busy / seconds:8.2f}x{versus}")
        else:
            print(f"{name:<14} {threads:>7} {wait:>8} {seconds:8.2f} {'-':>9} {'-':>9}{versus}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
