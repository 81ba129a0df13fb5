"""Cost of the streaming spectrum hooks (sigcnn.probes.spectra) relative to plain forward passes.

Prints, for Network-audio-1 at the ci settings of ``spectral-shift`` (and a wider network), the
time of forward passes over random recordings without hooks, with the spectra of every
convolution, activation and pooling layer recorded, and their ratio. The issue's goal: the
spectra cost at most about as much as the forward passes themselves (ratio <= ~2).

Run: ``python benchmarks/bench_modulation.py``
"""

from __future__ import annotations

import time

import torch

from sigcnn.models import AudioVGG11
from sigcnn.probes.spectra import SpectrumRecorder, layer_names


def _best_of(repeats: int, fn) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


@torch.no_grad()
def main(samples: int = 300, batch: int = 100, repeats: int = 3) -> None:
    torch.manual_seed(0)
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads; {samples} recordings per pass, "
        f"batches of {batch}, best of {repeats}"
    )
    for width, pool, length in ((0.125, 4, 2048), (0.5, 4, 2048), (0.25, 2, 4096)):
        model = AudioVGG11(width=width, pool_size=pool).eval()
        x = torch.randn(samples, 1, length)
        kinds = layer_names(model)
        layers = [f"features.{n}" for kind in ("conv", "act", "pool") for n in kinds[kind]]

        def plain():
            for start in range(0, samples, batch):
                model(x[start : start + batch])

        def hooked():
            with SpectrumRecorder(model, layers) as recorder:
                plain()
            recorder.spectra()

        plain()  # warm-up
        t_plain, t_hooked = _best_of(repeats, plain), _best_of(repeats, hooked)
        print(
            f"width {width:<5} pool {pool} length {length}: forward {t_plain:.3f} s, with spectra of "
            f"{len(layers)} layers {t_hooked:.3f} s -> spectra cost {t_hooked / t_plain - 1:.2f} x the forward "
            f"pass (total ratio {t_hooked / t_plain:.2f})"
        )


if __name__ == "__main__":
    main()
