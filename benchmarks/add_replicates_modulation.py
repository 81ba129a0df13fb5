"""Add the replicate lists the verdict engine reads to the stored reference runs of modulation part I.

Usage (from the repository root)::

    python benchmarks/add_replicates_modulation.py [RESULTS_ROOT]   # default results/reference

What is reconstructed, and how (nothing is invented; what the stored keys cannot give stays absent,
and its claim is decided "no test: needs re-running"):

* 3 replicates stored as min / mean / max: the middle one is ``3 * mean - min - max`` (exact up to
  rounding). Used for the trained seeds of ``spectral-shift`` and ``spectral-shift-activations``
  (their 3 untrained controls were stored as min / max only, so the "is it learned?" claims get no
  control list) and for the per-seed layer4 TV of ``modulation-normalisation``.
* ``modulation-training-spectra``: the per-seed mu trajectories and untrained mu in the run's arrays file
  give every value exactly; keys are renamed ``alexnet-bn_mu`` -> ``alexnet_bn_mu`` (the typed metrics'
  field names) and the old keys kept.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np


def three(m: dict, key: str, low: str, high: str) -> list[float] | None:
    """``[min, middle, max]`` of 3 replicates stored as ``key`` (mean), ``low`` and ``high``."""
    if key not in m or low not in m or high not in m:
        return None
    return [m[low], 3 * m[key] - m[low] - m[high], m[high]]


def closeness(r: float) -> float:
    return 1.0 - abs(math.log2(r))


def spectral(m: dict, prefix: str = "") -> None:
    from sigcnn.experiments._spectral_common import SIDES

    for key in SIDES:
        k = f"{prefix}{key}_mean"
        t = three(m, k, f"{k}_trained_min", f"{k}_trained_max")
        if t is not None:
            m[f"{k}_replicates"] = t
    ratio = m.get(f"{prefix}aadiff_acdiff_amplitude_ratio_mean_replicates")
    if ratio:
        m[f"{prefix}amplitude_closeness_mean_replicates"] = [closeness(r) for r in ratio]


def normalisation(m: dict, config: dict) -> None:
    for key, ref, name in (
        ("layer4_tv", "input_tv", "output_minus_input_tv"),
        ("layer4_tv", "layer4_resampled_input_tv", "output_minus_resampled_input_tv"),
        ("layer4_white_to_natural_tv", "input_white_to_natural_tv", "white_noise_approach"),
    ):
        t = three(m, key, f"{key}_seed_min", f"{key}_seed_max")
        m[f"{name}_replicates"] = [v - m[ref] for v in t]
    m.setdefault("input_size", config.get("size"))


def training_spectra(m: dict, arrays: dict) -> None:
    from sigcnn.experiments.modulation_training_spectra import moved, spreads

    archs = sorted({k.split("_block2_seed")[0] for k in arrays if "_block2_seed" in k})
    trained_by, untrained_by = [], []
    for arch in archs:
        f = arch.replace("-", "_")
        seeds = sorted(int(k.rsplit("seed", 1)[1]) for k in arrays if k.startswith(f"{arch}_block2_seed"))
        trained = [float(arrays[f"{arch}_block2_seed{s}"][-1, 1]) for s in seeds]
        untrained = [float(v) for v in arrays[f"{arch}_untrained_mu"]]
        mv = moved(trained, untrained)
        m.update(
            {
                f"{f}_mu": float(np.mean(trained)),
                f"{f}_mu_replicates": trained,
                f"{f}_mu_control": untrained,
                f"{f}_mu_moved": mv.value,
                f"{f}_mu_moved_replicates": list(mv.replicates),
                f"{f}_mu_moved_control": list(mv.control),
                f"{f}_mu_untrained_mean": float(np.mean(untrained)),
                f"{f}_test_accuracy": m.get(f"{arch}_test_accuracy"),
            }
        )
        trained_by.append(trained)
        untrained_by.append(untrained)
    m["mu_spread_replicates"] = spreads(trained_by)
    m["mu_spread_control"] = spreads(untrained_by)
    m["mu_spread"] = float(np.mean(m["mu_spread_replicates"]))


def main(root: str = "results/reference") -> None:
    for path in sorted(Path(root).glob("seed-*/*/*/result.json")):
        name = path.parent.parent.name
        if name not in (
            "spectral-shift",
            "spectral-shift-activations",
            "modulation-normalisation",
            "modulation-training-spectra",
        ):
            continue
        data = json.loads(path.read_text())
        m = data["metrics"]
        if name == "spectral-shift":
            spectral(m)
        elif name == "spectral-shift-activations":
            from sigcnn.experiments.spectral_shift_activations import VARIANTS

            for v in VARIANTS:
                spectral(m, f"{v}_")
        elif name == "modulation-normalisation":
            normalisation(m, data["provenance"].get("config", {}))
        else:
            with np.load(path.parent / data["arrays_file"]) as npz:
                training_spectra(m, dict(npz))
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2))
        tmp.replace(path)
        print(f"{path}: replicate lists added")


if __name__ == "__main__":
    main(*sys.argv[1:])
