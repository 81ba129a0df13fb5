"""Overhead of MaxGainMonitor on an epoch of LeNet training at ci scale (target: < 2 %).

Prints the time of one training epoch (max-gain-training's ci configuration: WideLeNet x1,
600 training images, batches of 100, SGD) with and without the monitor, and the time of one
monitor call measured directly. Run: ``python benchmarks/bench_max_gain.py [repeats]``.
"""

from __future__ import annotations

import statistics
import sys
import time

import torch

from sigcnn.core.runtime import set_seed
from sigcnn.data.transforms import to_symmetric
from sigcnn.experiments import max_gain_training
from sigcnn.models import WideLeNet
from sigcnn.models.training import train_classifier
from sigcnn.probes.max_gain import MaxGainMonitor, impulse_image


def main(repeats: int = 5) -> None:
    config = max_gain_training.make_config("ci")
    n = config.train_limit
    try:
        from sigcnn.data import load_image_dataset

        data = load_image_dataset(config.dataset, allow_test_split=True)
        x, y = to_symmetric(data.train_images[:n]), data.train_labels[:n]
        source = config.dataset
    except Exception as exc:  # no data root: the timing does not depend on the pixel values
        x, y = torch.randn(n, 1, 32, 32), torch.randint(0, 10, (n,))
        source = f"random tensors ({exc.__class__.__name__})"
    model = WideLeNet(1.0)
    monitor = MaxGainMonitor(to_symmetric(impulse_image(32)))

    def epoch(callbacks):
        start = time.perf_counter()
        train_classifier(
            model,
            x,
            y,
            epochs=1,
            batch_size=config.batch_size,
            lr=config.mnist_lr,
            generator=set_seed(0),
            optimizer=config.optimizer,
            callbacks=callbacks,
        )
        return time.perf_counter() - start

    epoch([])  # warm-up
    plain, monitored, calls = [], [], []
    for _ in range(repeats):
        plain.append(epoch([]))
        monitored.append(epoch([monitor]))
        start = time.perf_counter()
        monitor.measure(model)
        calls.append(time.perf_counter() - start)
    t_plain, t_mon, t_call = statistics.median(plain), statistics.median(monitored), statistics.median(calls)
    print(f"data: {source}, {n} images, batch {config.batch_size}, torch threads {torch.get_num_threads()}")
    print(f"epoch without monitor : {1000 * t_plain:8.1f} ms (median of {repeats})")
    print(f"epoch with monitor    : {1000 * t_mon:8.1f} ms")
    print(f"one monitor call      : {1000 * t_call:8.2f} ms")
    direct = 100 * t_call / t_plain
    best = 100 * min(calls) / min(plain)
    print(
        f"overhead (monitor call / epoch, medians): {direct:.2f} %  "
        f"(target < 2 %: {'met' if direct < 2 else 'NOT met'})"
    )
    print(f"overhead (monitor call / epoch, fastest of each; least disturbed by other load): {best:.2f} %")
    print(f"overhead (difference of medians, noisy): {100 * (t_mon - t_plain) / t_plain:+.2f} %")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
