"""Add the replicate lists the verdict engine reads to the stored spectral-response reference runs.

The stored runs of ``max-gain-training`` and ``pretrained-max-gain`` (results/reference/seed-0/*/laptop)
were written before the claims were declared: their metrics hold means and min/max spreads, but
their arrays file holds every per-seed curve and correlation. This script rebuilds, from those
arrays only (nothing is re-run), the flat keys the claims read, checks that each rebuilt mean
equals the stored one where one was stored, and writes the result file back (the arrays file is
untouched, so its recorded SHA-256 still holds).

Usage::

    python benchmarks/add_spectral_replicates.py [RESULTS_REFERENCE_DIR]   # default results/reference
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np

from sigcnn.experiments.max_gain_training import chance_agreement, jitter_log_ratio
from sigcnn.results import load_result


def _replicated(metrics: dict, key: str, values, control=()) -> None:
    values = [float(v) for v in values if np.isfinite(v)]
    control = [float(v) for v in control if np.isfinite(v)]
    mean = float(np.mean(values)) if values else math.nan
    if key in metrics and metrics[key] is not None and values:
        stored = float(metrics[key])
        if not math.isclose(stored, mean, rel_tol=1e-9, abs_tol=1e-12):
            raise SystemExit(f"{key}: rebuilt mean {mean} differs from the stored {stored}")
    metrics[key] = None if math.isnan(mean) else mean
    metrics[f"{key}_replicates"] = values
    metrics[f"{key}_control"] = control


def max_gain_training(metrics: dict, a: dict) -> None:
    trained, untrained = a["base_trained_gain"], a["base_untrained_gain"]
    _replicated(metrics, "mnist_base_final_gain_db", trained[:, -1], untrained)
    rises = trained[:, -1] - trained[:, 0]
    shuffled = a["base_shuffled_gain"][:, -1] - a["base_shuffled_gain"][:, 0] if "base_shuffled_gain" in a else []
    _replicated(metrics, "mnist_base_gain_rise_db", rises, shuffled)
    _replicated(metrics, "mnist_base_gain_rise_vs_shuffled_db", [t - s for t, s in zip(rises, shuffled)])
    # only seed 0 trained the highest rate: one replicate of the log ratio
    high = max((k for k in a["run_keys"] if str(k).startswith("mnist_lr__")), key=lambda k: metrics[f"{k}__lr"])
    log_ratio = jitter_log_ratio(a[f"{high}__gain"], a["mnist_lr__x1__gain"])
    stored = metrics.get("mnist_jitter_ratio_high_vs_base")
    if stored is not None and not math.isclose(10**log_ratio, stored, rel_tol=1e-9):
        raise SystemExit(f"jitter ratio: rebuilt {10**log_ratio} differs from the stored {stored}")
    _replicated(metrics, "mnist_jitter_log_ratio", [log_ratio])
    gains, losses = list(map(str, a["verdict_gain"])), list(map(str, a["verdict_loss"]))
    chance = chance_agreement(gains, losses)
    metrics["diagnosis_agreement_chance"] = chance
    _replicated(metrics, "diagnosis_agreement_above_chance", [float(g == v) - chance for g, v in zip(gains, losses)])
    _replicated(metrics, "gain_val_loss_spearman", a["spearman_gain_val_loss"])
    metrics["untrained_seed_count"] = len(untrained)


def pretrained_max_gain(metrics: dict, a: dict) -> None:
    _replicated(metrics, "own_spearman_gain_vs_error", a["own_spearman_trained"], a["own_spearman_untrained"])
    measured = metrics.get("imagenet_spearman_gain_vs_top5_error")
    _replicated(metrics, "imagenet_spearman_gain_vs_top5_error", [] if measured is None else [measured])
    shuffled = [v for v in a.get("own_spearman_shuffled", []) if np.isfinite(v)]
    metrics["own_spearman_shuffled"] = float(np.mean(shuffled)) if shuffled else None
    metrics["untrained_seed_count"] = len(a["own_spearman_untrained"])


def main(root: Path) -> None:
    for name, rebuild in (("max-gain-training", max_gain_training), ("pretrained-max-gain", pretrained_max_gain)):
        for path in sorted(root.glob(f"seed-*/{name}/*/result.json")):
            result = load_result(path)  # checks the arrays file against its recorded SHA-256
            data = json.loads(path.read_text())
            rebuild(data["metrics"], result.arrays)
            tmp = path.with_suffix(".json.tmp")
            tmp.write_text(json.dumps(data, indent=2) + "\n")
            tmp.replace(path)
            print(f"{path}: replicate lists added")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("results/reference"))
