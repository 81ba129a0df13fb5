"""Add replicate lists to the stored RECOS reference runs, so that today's engine can decide them.

Usage (from the repository root, with the offline data)::

    PYTHONPATH=src SIGCNN_OFFLINE=1 SIGCNN_DATA=... python benchmarks/recos_stored_replicates.py [--check]

What it adds, and from where (nothing is retrained; every added number is either a stored number or
a measurement on networks that need no training):

- ``recos-cascade`` (``laptop``, ``full``; written into the run of seed 0): the trained replicates
  of each claim's quantity are the stored values of the three single-seed runs (seed-0, seed-1,
  seed-2 directories, same scale); the untrained control lists are measured now, with today's
  ``recos_cascade.agreement_of`` on ``control_seeds`` untrained LeNet-5s (initialisation seeds
  ``1000`` onwards) over the same test images the stored run used (``eval_images`` of its data set).
- ``recos-anchors`` (``laptop``): the trained replicates of the three angles are rebuilt exactly
  from the stored min, mean and max of three seeds (the third value is ``3 * mean - min - max``);
  the untrained controls and the random draws are measured now: the k-means centroids are
  recomputed from the stored configuration, and the script refuses to write unless the recomputed
  centroids reproduce the stored yardstick means (``random_*_mean_deg``, to 1e-9 degrees), which
  shows they are the stored run's centroids. ``negated_minus_matched_deg`` was stored for seed 0
  only: that claim stays "no test".

``recos-negative`` needs per-image paired differences, which no stored run kept: it needs re-running.
Each file gets a provenance note saying what was added and by which commit. ``--check`` only prints.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import numpy as np
import torch

from sigcnn.core.provenance import git_commit
from sigcnn.experiments import recos_anchors, recos_cascade
from sigcnn.experiments._lenet import training_spec
from sigcnn.models.trained_lenet import load_data, untrained_lenet
from sigcnn.probes.anchors import (
    dc_matched_directions,
    mean_matched_angle_deg,
    nearest_angle,
    remove_dc,
    sample_patches,
    spherical_kmeans,
)

ROOT = Path("results/reference")
CONTROL_SEEDS = 12


def _write(path: Path, payload: dict) -> None:
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(payload, indent=2, allow_nan=False) + "\n")
    tmp.replace(path)


def _note(payload: dict, text: str) -> None:
    notes = payload["provenance"].setdefault("notes", [])
    notes.append(f"{text} (added by benchmarks/recos_stored_replicates.py at commit {git_commit()}).")


def _config(module, payload: dict):
    cfg = dict(payload["provenance"]["config"])
    scale = cfg.pop("scale")
    keep = {f for f in module.Config.__dataclass_fields__} - {"scale"}
    cfg = {k: (tuple(v) if isinstance(v, list) else v) for k, v in cfg.items() if k in keep}
    return module.make_config(scale, **cfg)


def cascade(scale: str, check: bool) -> None:
    runs = [json.loads((ROOT / f"seed-{s}" / "recos-cascade" / scale / "result.json").read_text()) for s in range(3)]
    target = ROOT / "seed-0" / "recos-cascade" / scale / "result.json"
    payload = runs[0]
    config = _config(recos_cascade, payload)
    x = load_data(training_spec(config)).x_test[: config.eval_images]
    control = [
        recos_cascade.agreement_of(
            untrained_lenet(config.seed + recos_cascade.CONTROL_SEED_OFFSET + s, 10, "cpu"),
            x,
            "average",
            config.strong_quantile,
        )[0]
        for s in range(CONTROL_SEEDS)
    ]
    m = payload["metrics"]
    for name in recos_cascade.Agreement.__dataclass_fields__:
        if name == "strong_fraction":
            continue
        m[f"average_{name}_replicates"] = [r["metrics"][f"average_{name}"] for r in runs]
        m[f"average_{name}_control"] = [getattr(a, name) for a in control]
    for key, f in (
        ("strong_minus_rest_corr_z", lambda d: d["corr_z_strong"] - d["corr_z_rest"]),
        ("zrect_minus_z_corr_strong", lambda d: d["corr_zrect_strong"] - d["corr_z_strong"]),
    ):
        m[f"average_{key}_replicates"] = [
            f({k: r["metrics"][f"average_{k}"] for k in ("corr_z_strong", "corr_z_rest", "corr_zrect_strong")})
            for r in runs
        ]
        m[f"average_{key}_control"] = [f({k: getattr(a, k) for k in vars(a)}) for a in control]
    m["control_seeds"] = CONTROL_SEEDS
    for cid, v in recos_cascade.EXPERIMENT.verdicts(m).items():
        print(f"recos-cascade {scale}: {cid}: {v.outcome} {v.effect_text()}", flush=True)
    if not check:
        _note(
            payload,
            f"Replicates: the stored single-seed runs of seeds 0, 1, 2 at this scale; control: {CONTROL_SEEDS} "
            "untrained LeNet-5s (initialisation seeds 1000 onwards) measured afterwards on the same test images",
        )
        _write(target, payload)


def anchors(scale: str, check: bool) -> None:
    target = ROOT / "seed-0" / "recos-anchors" / scale / "result.json"
    payload = json.loads(target.read_text())
    m = payload["metrics"]
    config = _config(recos_anchors, payload)
    data = load_data(training_spec(config))
    patches = sample_patches(data.x_train[:, 0].numpy(), config.n_patches, config.min_patch_std, config.seed)
    centroids = spherical_kmeans(patches, 6, seed=config.seed, n_init=config.kmeans_init)
    large = spherical_kmeans(patches, config.n_centroids_large, seed=config.seed, n_init=1)
    k = 6
    rng = np.random.default_rng(config.seed + 1)
    random_means = np.array(
        [mean_matched_angle_deg(rng.standard_normal((k, 25)), centroids) for _ in range(config.random_draws)]
    )
    rng_dc = np.random.default_rng(config.seed + 2)
    dc_means = np.array(
        [
            mean_matched_angle_deg(dc_matched_directions(centroids, rng_dc), centroids)
            for _ in range(config.random_draws)
        ]
    )
    without_dc = lambda a: mean_matched_angle_deg(remove_dc(a), remove_dc(centroids))  # noqa: E731
    rng_zero = np.random.default_rng(config.seed + 3)
    zero_means = np.array([without_dc(rng_zero.standard_normal((k, 25))) for _ in range(config.random_draws)])
    for key, draws in (
        ("random_matched_angle_mean_deg", random_means),
        ("random_centroid_dc_matched_angle_mean_deg", dc_means),
        ("dc_removed_random_matched_angle_mean_deg", zero_means),
    ):
        if abs(draws.mean() - m[key]) > 1e-9:
            raise SystemExit(f"recos-anchors {scale}: recomputed {key} {draws.mean()} != stored {m[key]}: not written")
    # Draws with the anchors' own DC need the trained anchors of every seed (not stored): no list added.
    untrained = [
        untrained_lenet(config.seed + recos_anchors.CONTROL_SEED_OFFSET + s, 10, "cpu")
        .c1.weight.detach()
        .double()
        .numpy()
        for s in range(CONTROL_SEEDS)
    ]
    measures = {
        "matched_angle_mean_deg": lambda a: mean_matched_angle_deg(a, centroids),
        "nearest_of_large_angle_mean_deg": lambda a: float(np.degrees(nearest_angle(a, large).mean())),
        "dc_removed_matched_angle_mean_deg": without_dc,
    }
    for key, f in measures.items():
        lo, mean, hi = m[f"{key}_trained_min"], m[key], m[f"{key}_trained_max"]
        m[f"{key}_replicates"] = [lo, 3 * mean - lo - hi, hi]
        m[f"{key}_control"] = [f(u) for u in untrained]
    m["dc_removed_random_matched_angle_draws_deg"] = zero_means.tolist()
    m["random_matched_angle_draws_deg"] = random_means.tolist()
    m["random_centroid_dc_matched_angle_draws_deg"] = dc_means.tolist()
    m["control_seeds"] = CONTROL_SEEDS
    for cid, v in recos_anchors.EXPERIMENT.verdicts(m).items():
        print(f"recos-anchors {scale}: {cid}: {v.outcome} {v.effect_text()} {v.reason}", flush=True)
    if not check:
        _note(
            payload,
            "Replicates rebuilt from the stored min, mean and max of three seeds; control: "
            f"{CONTROL_SEEDS} untrained LeNet-5s (initialisation seeds 1000 onwards) and the random draws, "
            "measured afterwards against the recomputed centroids (which reproduce the stored yardstick means)",
        )
        _write(target, payload)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="print the verdicts, write nothing")
    args = parser.parse_args()
    torch.set_num_threads(1)
    for scale in ("laptop", "full"):
        cascade(scale, args.check)
    anchors("laptop", args.check)


if __name__ == "__main__":
    main()
