"""Add the replicate lists the verdict engine reads to the stored spectral-response reference runs.

The stored runs of ``max-gain-training`` and ``pretrained-max-gain`` (results/reference/seed-0/*/laptop)
were written before the claims were declared: their metrics hold means and min/max spreads, but
their arrays file holds every per-seed curve and correlation. This script rebuilds, from those
arrays only (nothing is re-run), the flat keys the claims read, checks that each rebuilt mean
equals the stored one where one was stored, and writes the result file back (the arrays file is
untouched, so its recorded SHA-256 still holds).

With ``--untrained N`` the untrained control is extended to ``N`` initialisations, measured now
with today's code: an untrained network is a deterministic function of its seed, so the script
first re-measures the stored run's untrained controls and stops unless they agree (to 1e-6); the
trained values stay the stored ones. (For pretrained-max-gain the untrained test errors need the
run's data set under ``$SIGCNN_DATA``.)

Usage::

    python benchmarks/add_spectral_replicates.py [RESULTS_REFERENCE_DIR] [--untrained N]   # default results/reference
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
from pathlib import Path

import numpy as np

from sigcnn.core.provenance import Provenance
from sigcnn.core.results import load_result
from sigcnn.experiments.max_gain_training import chance_agreement, jitter_log_ratio


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


def _config(module, provenance: Provenance):
    stored = {k: tuple(v) if isinstance(v, list) else v for k, v in provenance.config.items()}
    names = {f.name for f in dataclasses.fields(module.Config)}
    return module.Config(**{k: v for k, v in stored.items() if k in names})


def _check(name: str, again, stored) -> None:
    if not np.allclose(np.asarray(again, float), np.asarray(stored, float), rtol=0, atol=1e-6, equal_nan=True):
        raise SystemExit(f"{name}: re-measured untrained controls {list(again)} differ from the stored {list(stored)}")


def untrained_gains(provenance: Provenance, n: int, stored) -> list[float]:
    """Gains of ``n`` untrained base networks of a stored max-gain-training run (seeds as its code makes them)."""
    import torch

    from sigcnn.experiments import max_gain_training as mgt
    from sigcnn.probes.epoch_metrics import load_split, train_with_curves

    config = _config(mgt, provenance)
    runs = mgt._runs(config)
    base = next(k for k, r in enumerate(runs) if r.study == "mnist_lr" and r.lr == config.mnist_lr)
    split = load_split(config.dataset, torch.device("cpu"), config.allow_test_split, 1000, 100)
    build = lambda: runs[base].build(split.source.name, split.x_train.shape[1])  # noqa: E731
    gains = [
        float(train_with_curves(config.seed + base + 100 * i, build, split, epochs=0, lr=1.0)["gain"][0])
        for i in range(n)
    ]
    _check("max-gain-training", gains[: len(stored)], stored)
    return gains


def untrained_spearman(provenance: Provenance, n: int, stored) -> list[float]:
    """Spearman correlations of ``n`` untrained initialisations of a stored pretrained-max-gain run."""
    import torch

    from sigcnn.experiments import pretrained_max_gain as pmg
    from sigcnn.probes.epoch_metrics import load_split

    config = _config(pmg, provenance)
    split = load_split(
        config.dataset, torch.device("cpu"), config.allow_test_split, config.train_limit, config.test_limit
    )
    rho = [pmg._measure_own(config, split, 100 * i, False, epochs=0).spearman() for i in range(n)]
    _check("pretrained-max-gain", rho[: len(stored)], stored)
    return rho


def max_gain_training(metrics: dict, a: dict, provenance: Provenance, untrained_n: int) -> None:
    trained, untrained = a["base_trained_gain"], a["base_untrained_gain"]
    if untrained_n > len(untrained):
        untrained = untrained_gains(provenance, untrained_n, untrained)
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


def pretrained_max_gain(metrics: dict, a: dict, provenance: Provenance, untrained_n: int) -> None:
    untrained = a["own_spearman_untrained"]
    if untrained_n > len(untrained):
        untrained = untrained_spearman(provenance, untrained_n, untrained)
    _replicated(metrics, "own_spearman_gain_vs_error", a["own_spearman_trained"], untrained)
    measured = metrics.get("imagenet_spearman_gain_vs_top5_error")
    _replicated(metrics, "imagenet_spearman_gain_vs_top5_error", [] if measured is None else [measured])
    shuffled = [v for v in a.get("own_spearman_shuffled", []) if np.isfinite(v)]
    metrics["own_spearman_shuffled"] = float(np.mean(shuffled)) if shuffled else None
    metrics["untrained_seed_count"] = len(untrained)


def main(root: Path, untrained_n: int = 0) -> None:
    for name, rebuild in (("max-gain-training", max_gain_training), ("pretrained-max-gain", pretrained_max_gain)):
        for path in sorted(root.glob(f"seed-*/{name}/*/result.json")):
            result = load_result(path)  # checks the arrays file against its recorded SHA-256
            data = json.loads(path.read_text())
            rebuild(data["metrics"], result.arrays, result.provenance, untrained_n)
            if untrained_n:
                data["provenance"].setdefault("notes", []).append(
                    f"Untrained control extended to {data['metrics']['untrained_seed_count']} initialisations "
                    "afterwards by benchmarks/add_spectral_replicates.py (today's code; the stored ones re-measured "
                    "identically first); the trained values are this run's."
                )
            tmp = path.with_suffix(".json.tmp")
            tmp.write_text(json.dumps(data, indent=2) + "\n")
            tmp.replace(path)
            print(f"{path}: replicate lists added")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("root", nargs="?", default="results/reference")
    parser.add_argument("--untrained", type=int, default=0, help="extend the untrained control to N initialisations")
    args = parser.parse_args()
    main(Path(args.root), args.untrained)
