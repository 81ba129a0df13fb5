"""numpy vs torch frontends of kymatio's Scattering1D and Scattering2D on the CPU (and CUDA if present).

Prints the best-of-3 wall time and the CPU time for the settings the scattering chapter uses:
Scattering1D J=8, Q=12 on 8,192-sample recordings (kymatio's FSDD example) and Scattering2D
J=2, L=8 on 28x28 digits. CPU time is printed too because on a shared machine wall time is
inflated by other processes; the ratio of CPU times is the fairer comparison there.

Run: ``OMP_NUM_THREADS=1 python benchmarks/bench_scattering.py``
"""

from __future__ import annotations

import time

import numpy as np
import torch


def _best_of(repeats: int, fn) -> tuple[float, float]:
    best_wall, best_cpu = float("inf"), float("inf")
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        best_wall = min(best_wall, time.perf_counter() - w0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return best_wall, best_cpu


def main() -> None:
    from kymatio.numpy import Scattering1D as S1n
    from kymatio.numpy import Scattering2D as S2n
    from kymatio.torch import Scattering1D as S1t
    from kymatio.torch import Scattering2D as S2t

    rng = np.random.default_rng(0)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} torch threads")
    cases = [
        (
            "Scattering1D J=8 Q=12, 64 x 8192",
            S1n(J=8, shape=8192, Q=12),
            S1t(J=8, shape=8192, Q=12),
            rng.standard_normal((64, 8192)).astype(np.float32),
        ),
        (
            "Scattering2D J=2 L=8, 500 x 28x28",
            S2n(J=2, shape=(28, 28)),
            S2t(J=2, shape=(28, 28)),
            rng.random((500, 28, 28)).astype(np.float32),
        ),
    ]
    for label, numpy_op, torch_op, x in cases:
        xt = torch.from_numpy(x)
        numpy_op(x[:2]), torch_op(xt[:2])  # warm-up
        wn, cn = _best_of(3, lambda: numpy_op(x))
        with torch.no_grad():
            wt, ct = _best_of(3, lambda: torch_op(xt))
        print(
            f"{label}: numpy {wn:.2f} s wall / {cn:.2f} s CPU; torch {wt:.2f} s wall / {ct:.2f} s CPU; "
            f"torch / numpy = {wt / wn:.1f}x wall, {ct / cn:.1f}x CPU"
        )
        if torch.cuda.is_available():
            op = torch_op.cuda()
            xc = xt.cuda()
            op(xc[:2])
            torch.cuda.synchronize()

            def run():
                op(xc)
                torch.cuda.synchronize()

            wc, _ = _best_of(3, run)
            print(f"  CUDA torch: {wc:.3f} s")


if __name__ == "__main__":
    main()
