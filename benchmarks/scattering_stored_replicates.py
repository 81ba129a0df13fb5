"""Add replicate lists to the scattering chapter's stored reference runs where the stored numbers fix them.

Run once from the repository root (``python benchmarks/scattering_stored_replicates.py``); it rewrites
``results/reference/seed-*/{scattering-time-frequency,scattering-audio}/*/result.json`` in place:

- ``scattering-time-frequency``: ``dilation_fourier_minus_scattering_replicates`` = log(Fourier change /
  scattering change) per atom, from the arrays file the run stored (``fourier_dilation_change``,
  ``scattering_dilation_change``), its mean, and ``dilation`` (0.05, the only value any scale used);
- ``scattering-audio``: with 3 network seeds, min, mean and max fix the three values (the middle one is
  3·mean − min − max): ``cnn_accuracy_replicates``, ``cnn_accuracy_control`` (all three untrained seeds
  gave min = max = 10 %) and ``scattering_minus_cnn_replicates``.

Nothing else is reconstructable (per-image and per-recording replicates, 12 control seeds): those claims
say "no test" on the stored runs until they are re-run.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1] / "results" / "reference"


def _three(lo: float, mean: float, hi: float) -> list[float]:
    return [lo, 3 * mean - lo - hi, hi]


def time_frequency(payload: dict, folder: Path) -> None:
    arrays = np.load(folder / payload["arrays_file"])
    reps = np.log(arrays["fourier_dilation_change"] / arrays["scattering_dilation_change"]).tolist()
    m = payload["metrics"]
    m["dilation"] = 0.05
    m["dilation_fourier_minus_scattering"] = float(np.mean(reps))
    m["dilation_fourier_minus_scattering_replicates"] = reps
    m["dilation_fourier_minus_scattering_control"] = []


def audio(payload: dict, folder: Path) -> None:
    m = payload["metrics"]
    notes = " ".join(payload["provenance"].get("notes", []))
    if "3 seeds" not in notes or "cnn_accuracy_trained_min" not in m:
        return
    trained = _three(m["cnn_accuracy_trained_min"], m["cnn_accuracy"], m["cnn_accuracy_trained_max"])
    lo, hi = m["cnn_accuracy_control_min"], m["cnn_accuracy_control_max"]
    if not math.isclose(lo, hi):
        return  # three distinct control values: their mean was not stored
    m["cnn_accuracy_replicates"] = trained
    m["cnn_accuracy_control"] = [lo] * 3
    m["scattering_minus_cnn_replicates"] = [m["scattering_accuracy"] - t for t in trained]
    m["scattering_minus_cnn"] = float(np.mean(m["scattering_minus_cnn_replicates"]))
    m["scattering_minus_cnn_control"] = []


def main() -> None:
    for name, fill in (("scattering-time-frequency", time_frequency), ("scattering-audio", audio)):
        for path in sorted(ROOT.glob(f"seed-*/{name}/*/result.json")):
            payload = json.loads(path.read_text())
            fill(payload, path.parent)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(payload, indent=2, allow_nan=False) + "\n")
            tmp.replace(path)
            print(f"updated {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
