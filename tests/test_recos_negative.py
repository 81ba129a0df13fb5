"""The recos-negative experiment on a tiny configuration: swap, determinism, result file."""

import json

import pytest

from sigcnn import experiments
from sigcnn.experiments import recos_negative
from sigcnn.results import load_result, save_result

TINY = dict(epochs=1, variant_epochs=1, train_limit=600, activations=("identity",), remedy_channels=(6, 12))


@pytest.fixture(scope="module")
def tiny_result(tmp_path_factory):
    import os

    from conftest import CONFIGURED_DATA_ROOT

    root = CONFIGURED_DATA_ROOT
    if root is None:
        pytest.skip("no data root with the offline data sets")
    os.environ["SIGCNN_DATA"] = str(root)
    config = recos_negative.make_config("ci", **TINY)
    return recos_negative.run(config)


def test_swap_is_exact(tiny_result):
    m = tiny_result.metrics
    assert m["swap_exact"] is True
    assert m["negated_c1_accuracy_reversed"] == m["accuracy_original"]
    assert m["negated_c1_accuracy_original"] == m["accuracy_reversed"]


def test_required_metrics_and_provenance(tiny_result):
    for key in ["accuracy_original", "accuracy_reversed", "negated_c1_accuracy_original",
                "negated_c1_accuracy_reversed", "remedy_c1_12_accuracy_reversed",
                "remedy_c1_6_accuracy_reversed", "activation_identity_accuracy_reversed"]:
        assert 0.0 <= tiny_result.metrics[key] <= 1.0
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
    with pytest.raises(ValueError, match="28x28"):
        recos_negative.make_config("ci", dataset="fsdd")
    assert recos_negative.make_config("full").epochs == 20
    assert recos_negative.make_config("full").train_limit is None


def test_registry_lists_paper_and_figure():
    for name in experiments.names():
        module = experiments.get(name)
        assert module.PAPER and module.REPRODUCES and module.REPORT_ROWS
    with pytest.raises(ValueError, match="unknown experiment"):
        experiments.get("nope")
