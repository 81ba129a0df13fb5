"""The recos-negative experiment on a tiny configuration: swap, determinism, result file."""

import json

import pytest

from sigcnn import experiments
from sigcnn.experiments import recos_negative
from sigcnn.results import load_result, save_result

TINY = dict(epochs=1, train_limit=600, seeds=2, activations=("identity",), remedy_channels=(6, 12))


@pytest.fixture(scope="module")
def tiny_result(tmp_path_factory, configured_data_root):
    if configured_data_root is None:
        pytest.skip("no data root with the offline data sets")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SIGCNN_DATA", str(configured_data_root))
        yield recos_negative.run(recos_negative.make_config("ci", **TINY))


def test_swap_is_exact(tiny_result):
    m = tiny_result.metrics
    assert m["swap_exact"] is True
    assert m["negated_c1_accuracy_reversed"] == m["accuracy_original"]
    assert m["negated_c1_accuracy_original"] == m["accuracy_reversed"]


def test_untrained_control_against_a_direct_count(tiny_result):
    """The control spread recomputed by hand: same init seeds, argmax over logits, numpy counts."""
    import torch

    from sigcnn.data import limit_training_set, load_image_dataset
    from sigcnn.data.transforms import to_symmetric
    from sigcnn.models import LeNet5

    split = limit_training_set(load_image_dataset("mnist", allow_test_split=True), 600)
    x, y = to_symmetric(split.test_images), split.test_labels.numpy()
    drops = []
    for seed in (0, 1):
        torch.manual_seed(seed)
        net = LeNet5(num_classes=10).eval()
        with torch.no_grad():
            drops.append((net(x).argmax(1).numpy() == y).mean() - (net(-x).argmax(1).numpy() == y).mean())
    m = tiny_result.metrics
    assert m["reversal_accuracy_drop_control_min"] == pytest.approx(min(drops), abs=1e-6)
    assert m["reversal_accuracy_drop_control_max"] == pytest.approx(max(drops), abs=1e-6)
    assert m["reversal_accuracy_drop"] == pytest.approx(m["accuracy_original"] - m["accuracy_reversed"], abs=1e-12)
    assert m["accuracy_original_trained_min"] <= m["relu_seed0_accuracy_original"] <= m["accuracy_original_trained_max"]


def test_provenance(tiny_result):
    prov = tiny_result.provenance
    for key in ["config", "scale", "seed", "device", "versions", "git_commit", "data_source", "wall_time_s"]:
        assert key in prov
    assert prov["data_source"]
    assert prov["config"]["train_limit"] == 600


def test_deterministic_for_a_seed(tiny_result):
    again = recos_negative.run(recos_negative.make_config("ci", **TINY))
    assert again.metrics == tiny_result.metrics
    other = recos_negative.run(recos_negative.make_config("ci", seed=1, **TINY))
    assert other.metrics["swap_exact"]


def test_result_file_roundtrip(tiny_result, tmp_path):
    path = save_result(tiny_result, tmp_path)
    assert path == tmp_path / "recos-negative" / "ci" / "result.json"
    payload = json.loads(path.read_text())
    assert payload["metrics"]["accuracy_original"] == tiny_result.metrics["accuracy_original"]
    assert payload["provenance"]["data_source"]
    loaded = load_result(path)
    assert loaded.arrays["c1_weights"].shape == (6, 1, 5, 5)
    assert sorted(p.name[:7] for p in path.parent.iterdir()) == ["arrays-", "result."]


def test_findings_are_generated_from_metrics(tiny_result):
    sentences = recos_negative.findings(tiny_result.metrics)
    assert any("swaps the two accuracies exactly" in s for s in sentences)
    fake = dict(tiny_result.metrics, swap_exact=False)
    assert any("did NOT swap" in s for s in recos_negative.findings(fake))


def test_config_validation():
    with pytest.raises(ValueError, match="scale"):
        recos_negative.make_config("huge")
    with pytest.raises(ValueError, match="does not take dataset"):
        recos_negative.make_config("ci", dataset="fsdd")
    assert recos_negative.make_config("full").epochs == 20
    assert recos_negative.make_config("ci").seeds >= 3
    assert recos_negative.make_config("full").train_limit is None


def test_registry_lists_paper_and_figure():
    for name in experiments.names():
        described = experiments.describe(name)
        assert described.paper and described.reproduces and described.report_rows
    with pytest.raises(ValueError, match="unknown experiment"):
        experiments.get("nope")
