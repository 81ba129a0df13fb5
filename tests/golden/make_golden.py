"""Regenerate the golden ``.npz`` files of ``tests/test_golden.py`` (issue 8, item 8).

They hold outputs that have no closed form, computed once from fixed inputs and fixed seeds:

* ``anchors.npz``: spherical k-means centroids (:func:`sigcnn.probes.anchors.spherical_kmeans`)
  of 240 unit vectors in R^25 drawn around 6 directions;
* ``spectra.npz``: the streaming spectrum recorder (:func:`sigcnn.probes.spectra.record_spectra`)
  on a seeded 1-D convolutional network, 30 recordings of 256 samples in batches of 7;
* ``max_gain.npz``: :func:`sigcnn.probes.max_gain.maximum_gain` of a seeded LeNet-5 for the
  impulse image mapped to [-1, 1], with and without the Hann window;
* ``diagnosis.npz``: the verdicts and numbers of ``diagnose_max_gain`` and ``diagnose_losses``
  on four synthetic training curves (one per verdict the rules are meant to give).

The inputs are stored next to the outputs, so a change in a random generator cannot pass for a
change of the code under test. Run from the repository root after a deliberate change of one of
these functions, and say in the commit why the numbers moved::

    python tests/golden/make_golden.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import nn

HERE = Path(__file__).resolve().parent


def _diagnosis_module():
    try:  # the diagnosis is moving into the probes layer (issue 8, item 2)
        from sigcnn.probes import diagnosis
    except ImportError:
        from sigcnn import diagnosis
    return diagnosis


# --- inputs (deterministic, also used by the test to rebuild the networks) ------------------------


def anchor_inputs() -> np.ndarray:
    rng = np.random.default_rng(7)
    directions = rng.standard_normal((6, 25))
    labels = np.repeat(np.arange(6), 40)
    return directions[labels] + 0.35 * rng.standard_normal((240, 25))


def spectra_network() -> nn.Module:
    torch.manual_seed(3)
    return nn.Sequential(
        nn.Conv1d(1, 4, 9, padding=4), nn.ReLU(), nn.Conv1d(4, 6, 9, padding=4), nn.MaxPool1d(2), nn.Tanh()
    ).double()


def spectra_inputs() -> torch.Tensor:
    generator = torch.Generator().manual_seed(5)
    return torch.randn(30, 1, 256, generator=generator, dtype=torch.float64)


SPECTRA_LAYERS = ["0", "1", "3", "4"]


def max_gain_network() -> nn.Module:
    from sigcnn.models import LeNet5

    torch.manual_seed(11)
    return LeNet5()


def max_gain_image() -> torch.Tensor:
    from sigcnn.probes.max_gain import impulse_image

    return (impulse_image(32).to(torch.float32) / 127.5 - 1.0).unsqueeze(0)


def diagnosis_curves() -> dict[str, np.ndarray]:
    """Max Gain (dB) and loss curves over 30 epochs, shaped after the four verdicts."""
    rng = np.random.default_rng(13)
    t = np.arange(30, dtype=np.float64)
    return {
        # erratic from the first epoch on
        "noisy_gain": 10 + 3.0 * rng.standard_normal(30),
        # smooth rise, plateau, then jitter in the last third
        "overfit_gain": np.where(t < 20, 10 + 5 * (1 - np.exp(-t / 4)), 15 + 2.0 * rng.standard_normal(30)),
        # a rise that has not flattened
        "rising_gain": 5 + 0.5 * t + 0.02 * rng.standard_normal(30),
        # rise then flat
        "converged_gain": 10 + 5 * (1 - np.exp(-t / 3)) + 0.02 * rng.standard_normal(30),
        "train_loss": 2.0 * np.exp(-t / 6) + 0.05,
        "val_loss_overfit": 1.0 * np.exp(-t / 5) + 0.2 + 0.004 * np.maximum(t - 15, 0) ** 2,
        "val_loss_falling": 2.0 * np.exp(-t / 40),
        "val_loss_flat": 1.0 * np.exp(-t / 3) + 0.3,
    }


GAIN_CURVES = ("noisy_gain", "overfit_gain", "rising_gain", "converged_gain")
LOSS_CASES = ("val_loss_overfit", "val_loss_falling", "val_loss_flat")
DIAGNOSIS_FIELDS = ("span_db", "high_jitter_db")


# --- outputs --------------------------------------------------------------------------------------


def anchors_outputs(vectors: np.ndarray) -> dict[str, np.ndarray]:
    from sigcnn.probes.anchors import spherical_kmeans

    return {"centroids": spherical_kmeans(vectors, 6, seed=0)}


def spectra_outputs(inputs: torch.Tensor) -> dict[str, np.ndarray]:
    from sigcnn.probes.spectra import record_spectra

    spectra = record_spectra(spectra_network(), inputs, SPECTRA_LAYERS, batch_size=7)
    out = {}
    for name, layer in spectra.items():
        out[f"{name}_psi_in"] = layer.psi_in
        out[f"{name}_psi_out"] = layer.psi_out
    return out


def max_gain_outputs(image: torch.Tensor) -> dict[str, np.ndarray]:
    from sigcnn.probes.max_gain import maximum_gain

    model = max_gain_network()
    return {
        "gain_window_db": maximum_gain(model, image, window=True),
        "gain_no_window_db": maximum_gain(model, image, window=False),
        "c1_weight_head": model.c1.weight.detach().flatten()[:8].numpy(),
    }


def diagnosis_outputs(curves: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    diagnosis = _diagnosis_module()
    out: dict[str, np.ndarray] = {}
    for name in GAIN_CURVES:
        d = diagnosis.diagnose_max_gain(curves[name])
        out[f"{name}_verdict"] = np.array(d.verdict)
        out[f"{name}_numbers"] = np.array(
            [getattr(d, f) for f in DIAGNOSIS_FIELDS] + list(d.thirds_jitter_db) + list(d.thirds_rise_db)
        )
    for name in LOSS_CASES:
        out[f"{name}_verdict"] = np.array(diagnosis.diagnose_losses(curves["train_loss"], curves[name]))
    return out


def main() -> None:
    vectors = anchor_inputs()
    np.savez_compressed(HERE / "anchors.npz", vectors=vectors, **anchors_outputs(vectors))
    inputs = spectra_inputs()
    np.savez_compressed(HERE / "spectra.npz", inputs=inputs.numpy(), **spectra_outputs(inputs))
    image = max_gain_image()
    np.savez_compressed(HERE / "max_gain.npz", image=image.numpy(), **max_gain_outputs(image))
    curves = diagnosis_curves()
    np.savez_compressed(HERE / "diagnosis.npz", **curves, **diagnosis_outputs(curves))
    for path in sorted(HERE.glob("*.npz")):
        print(f"{path.name}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
