"""Golden tests: outputs without a closed form, compared with the files that
``tests/golden/make_golden.py`` wrote (regenerate them only after a deliberate change).

Tolerances: the float64 computations (spectra, diagnosis numbers) to 1e-9 relative, which allows
a different summation order (thread count, BLAS) but not a changed formula; the float32 LeNet-5
Maximum Gain to 1e-4 dB; k-means centroids to 1e-7 per coordinate after matching clusters (the
cluster numbering may change with scikit-learn); verdicts exactly.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
import torch

GOLDEN = Path(__file__).resolve().parent / "golden"


def _load_script():
    spec = importlib.util.spec_from_file_location("make_golden", GOLDEN / "make_golden.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_golden = _load_script()


def golden(name: str) -> dict[str, np.ndarray]:
    with np.load(GOLDEN / f"{name}.npz") as data:
        return {key: data[key] for key in data.files}


def test_kmeans_anchors_match_golden():
    """A change in the normalisation, the seed handling or n_init moves the centroids."""
    data = golden("anchors")
    centroids = make_golden.anchors_outputs(data["vectors"])["centroids"]
    expected = data["centroids"]
    assert centroids.shape == expected.shape == (6, 25)
    cosines = expected @ centroids.T
    match = cosines.argmax(axis=1)
    assert sorted(match) == list(range(6)), "the clusters do not pair one to one"
    np.testing.assert_allclose(centroids[match], expected, rtol=0, atol=1e-7)


def test_streaming_spectra_match_golden():
    """Batches of 7 over 30 recordings: a wrong running mean (last, uneven batch), a wrong
    normalisation per channel or sample, or a hook on the wrong tensor changes these spectra."""
    data = golden("spectra")
    got = make_golden.spectra_outputs(torch.from_numpy(data["inputs"]))
    assert set(got) == {k for k in data if k != "inputs"}
    for key, value in got.items():
        np.testing.assert_allclose(value, data[key], rtol=1e-9, atol=0, err_msg=key)


def test_maximum_gain_matches_golden():
    """The Hann window, the projection on the winning class, or the dB scale changed."""
    data = golden("max_gain")
    model = make_golden.max_gain_network()
    head = model.c1.weight.detach().flatten()[:8].numpy()
    if not np.array_equal(head, data["c1_weight_head"]):
        pytest.fail(
            "torch initialised the seeded LeNet-5 differently (torch's RNG or init changed): "
            "check, then regenerate with tests/golden/make_golden.py"
        )
    got = make_golden.max_gain_outputs(torch.from_numpy(data["image"]))
    np.testing.assert_allclose(got["gain_window_db"], data["gain_window_db"], rtol=0, atol=1e-4)
    np.testing.assert_allclose(got["gain_no_window_db"], data["gain_no_window_db"], rtol=0, atol=1e-4)
    # the window matters for this image: the two golden values differ by far more than the tolerance
    assert abs(data["gain_window_db"][0] - data["gain_no_window_db"][0]) > 1.0


def test_diagnosis_verdicts_match_golden():
    """Each rule of section IV-C1 gives its verdict on the curve shaped for it; the numbers the
    verdicts are read from (thresholds, jitter, span, late rise) are unchanged."""
    data = golden("diagnosis")
    curves = {k: data[k] for k in make_golden.diagnosis_curves()}
    got = make_golden.diagnosis_outputs(curves)
    for key, value in got.items():
        if key.endswith("_verdict"):
            assert str(value) == str(data[key]), key
        else:
            np.testing.assert_allclose(value, data[key], rtol=1e-9, atol=1e-12, err_msg=key)
    # the four curves exercise the four verdicts, and the loss curves three of them
    assert {str(data[f"{n}_verdict"]) for n in make_golden.GAIN_CURVES} == {
        "lr_too_high",
        "overfitting",
        "keep_training",
        "converged",
    }
    assert len({str(data[f"{n}_verdict"]) for n in make_golden.LOSS_CASES}) == 3
