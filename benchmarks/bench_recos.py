"""Timings of the RECOS chapter: library kernels, and each experiment at a scale (cold and cached).

Usage: python benchmarks/bench_recos.py [--scale ci] [--skip-experiments]
Prints wall times; the ci budget is <= 40 s of compute per notebook (see the book's README).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

import numpy as np
import torch


def best_of(fn, repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bench_kernels():
    from sigcnn.probes.anchors import compound_anchors, first_layer_matrix, second_layer_matrix
    from sigcnn.signals.sphere import correlations, geodesic_distance, translated_sphere_responses

    rng = np.random.default_rng(0)
    x, a = rng.standard_normal((100_000, 25)), rng.standard_normal((6, 25))
    t_geo = best_of(lambda: geodesic_distance(x, a))
    t_acos = best_of(
        lambda: np.arccos(
            np.clip(
                correlations(
                    x / np.linalg.norm(x, axis=1, keepdims=True), a / np.linalg.norm(a, axis=1, keepdims=True)
                ),
                -1,
                1,
            )
        )
    )
    t_eq6 = best_of(lambda: translated_sphere_responses(x, a))
    print(
        f"geodesic_distance, 100k x 6 (arccos + atan2 at ends): {1e3 * t_geo:8.1f} ms "
        f"(plain arccos: {1e3 * t_acos:.1f} ms, ratio {t_geo / t_acos:.1f})"
    )
    print(f"translated_sphere_responses, 100k x 6:          {1e3 * t_eq6:8.1f} ms")
    w1, w3 = torch.randn(6, 1, 5, 5, dtype=torch.float64), torch.randn(16, 6, 5, 5, dtype=torch.float64)
    t_conv = best_of(lambda: compound_anchors(w1, w3))
    t_mat = best_of(lambda: first_layer_matrix(w1) @ second_layer_matrix(w3))
    print(
        f"compound_anchors (transposed conv):             {1e3 * t_conv:8.2f} ms (explicit A @ B: {1e3 * t_mat:.2f} ms)"
    )


def bench_experiments(scale: str):
    from sigcnn import experiments

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["SIGCNN_RESULTS"] = tmp
        for name in ("recos-sphere", "recos-anchors", "recos-cascade", "recos-backgrounds"):
            for label in ("cold", "cached"):
                start = time.perf_counter()
                experiments.run_experiment(name, scale)
                print(f"{name:<20} {scale:<7} {label:<7} {time.perf_counter() - start:7.1f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="ci")
    parser.add_argument("--skip-experiments", action="store_true")
    args = parser.parse_args()
    print(f"torch threads: {torch.get_num_threads()}, cpu count: {os.cpu_count()}")
    bench_kernels()
    if not args.skip_experiments:
        bench_experiments(args.scale)


if __name__ == "__main__":
    main()
