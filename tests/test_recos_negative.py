"""The recos-negative experiment on a tiny configuration: swap, determinism, result file."""

import json

import numpy as np
import pytest
import torch

from sigcnn import experiments
from sigcnn.core.results import load_result, save_result
from sigcnn.experiments import recos_negative
from sigcnn.experiments._lenet import training_spec
from sigcnn.models.trained_lenet import trained_lenets

TINY = dict(epochs=1, train_limit=600, seeds=2, activations=("identity",), remedy_channels=(6, 12))


@pytest.fixture(scope="module")
def tiny_result(tmp_path_factory, configured_data_root):
    if configured_data_root is None:
        pytest.skip("no data root with the offline data sets")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SIGCNN_DATA", str(configured_data_root))
        mp.setenv("SIGCNN_CACHE", str(tmp_path_factory.mktemp("cache")))
        yield recos_negative.run(recos_negative.make_config("ci", **TINY))


def test_swap_is_exact(tiny_result):
    m = tiny_result.metrics
    assert m["swap_exact"] is True
    assert m["negated_c1_accuracy_reversed"] == m["accuracy_original"]
    assert m["negated_c1_accuracy_original"] == m["accuracy_reversed"]


def test_per_image_differences_against_a_direct_count(tiny_result):
    """The per-image paired differences recomputed by hand: the same training calls, argmax over logits in numpy."""
    import numpy as np
    import torch

    from sigcnn.data import limit_training_set, load_image_dataset
    from sigcnn.data.transforms import to_symmetric
    from sigcnn.models import LeNet5
    from sigcnn.models.training import train_seeded

    split = limit_training_set(load_image_dataset("mnist", allow_test_split=True), 600)
    x_train, x, y = to_symmetric(split.train_images), to_symmetric(split.test_images), split.test_labels.numpy()
    drops = []
    for seed in (0, 1):
        net = train_seeded(
            lambda: LeNet5(num_classes=10), x_train, split.train_labels, seed=seed, epochs=1, batch_size=128, lr=2e-3
        ).model.eval()
        with torch.no_grad():
            drops.append((net(x).argmax(1).numpy() == y).astype(float) - (net(-x).argmax(1).numpy() == y))
    m = tiny_result.metrics
    np.testing.assert_allclose(m["reversal_drop_per_image"], np.mean(drops, axis=0), atol=1e-4)
    assert m["reversal_accuracy_drop_replicates"] == pytest.approx([d.mean() for d in drops], abs=1e-6)
    assert np.mean(m["reversal_drop_per_image"]) == pytest.approx(m["reversal_accuracy_drop"], abs=1e-4)
    # the exact swap: negating C1 restores, per image, exactly what reversal took away
    assert m["negated_c1_gain_per_image"] == m["reversal_drop_per_image"]
    assert np.mean(m["remedy_gain_per_image"]) == pytest.approx(
        m["remedy_c1_12_accuracy_reversed"] - m["relu_seed0_accuracy_reversed"], abs=1e-4
    )
    assert np.mean(m["doubling_gain_per_image"]) == pytest.approx(
        m["remedy_c1_12_accuracy_reversed"] - m["remedy_c1_6_accuracy_reversed"], abs=1e-4
    )
    assert m["activation_sigmoid_accuracy_reversed"] is None  # not run in TINY: no number, no claim
    assert recos_negative.EXPERIMENT.verdicts(m)["swap_is_exact"].outcome == "supported"


def test_paired_interval_matches_a_bootstrap_over_test_images(tiny_result):
    """The engine's t interval on per-image differences against scipy's bootstrap over test images."""
    import numpy as np
    from scipy import stats

    d = np.asarray(tiny_result.metrics["reversal_drop_per_image"])
    v = recos_negative.EXPERIMENT.verdicts(tiny_result.metrics)["reversal_hurts"]
    boot = stats.bootstrap((d,), np.mean, n_resamples=4000, method="percentile", rng=np.random.default_rng(0))
    ci = boot.confidence_interval
    width = v.high - v.low
    assert v.n == d.size == tiny_result.metrics["test_images"]
    assert abs(v.low - ci.low) < 0.1 * width and abs(v.high - ci.high) < 0.1 * width


def _claims_metrics(**per_image):
    return {
        "swap_exact": per_image.pop("swap_exact", True),
        **{
            c.quantity: per_image.get(c.id, [1.0, -1.0, 0.0] * 30)
            for c in recos_negative.CLAIMS
            if c.id != "swap_is_exact"
        },
    }


_GAIN, _LOSS, _NOISE = (
    [1.0] * 30 + [0.0] * 60 + [-1.0] * 10,
    [-1.0] * 30 + [0.0] * 60 + [1.0] * 10,
    [1.0, -1.0, 0.0] * 30,
)


@pytest.mark.parametrize("claim", [c.id for c in recos_negative.CLAIMS if c.direction != "equal"])
@pytest.mark.parametrize("values,outcome", [(_GAIN, "supported"), (_LOSS, "contradicted"), (_NOISE, "inconclusive")])
def test_verdicts_on_hand_made_metrics(claim, values, outcome):
    """Each claim alone gets each outcome from hand-made per-image differences: flipping a direction fails."""
    v = recos_negative.EXPERIMENT.verdicts(_claims_metrics(**{claim: values}))
    assert v[claim].outcome == outcome
    assert {k: x.outcome for k, x in v.items() if k not in (claim, "swap_is_exact")} == {
        k: "inconclusive" for k in v if k not in (claim, "swap_is_exact")
    }


def test_swap_verdict_on_hand_made_metrics():
    assert recos_negative.EXPERIMENT.verdicts(_claims_metrics())["swap_is_exact"].outcome == "supported"
    assert recos_negative.EXPERIMENT.verdicts(_claims_metrics(swap_exact=False))["swap_is_exact"].outcome == (
        "contradicted"
    )
    stored = {"swap_exact": True}  # a run stored before the per-image differences: no test, with the reason
    v = recos_negative.EXPERIMENT.verdicts(stored)
    assert v["reversal_hurts"].outcome == "no test" and "reversal_drop_per_image" in v["reversal_hurts"].reason


def test_provenance(tiny_result):
    prov = tiny_result.provenance
    for key in ["config", "scale", "seed", "device", "versions", "git_commit", "data_source", "wall_time_s"]:
        assert key in prov.to_dict()
    assert prov.data_source
    assert prov.config["train_limit"] == 600


def test_relu_networks_are_the_cached_trained_lenets(tiny_result):
    """Before: measure retrained its ReLU LeNet-5s with train_seeded, outside the cache, and stored
    C1 weights negated in place by the swap test (on the CPU .numpy() shared their memory)."""
    config = recos_negative.make_config("ci", **TINY)
    _, nets = trained_lenets(training_spec(config), config.seeds, torch.device("cpu"))
    assert all(net.from_cache for net in nets)  # the run trained these very networks and cached them
    np.testing.assert_array_equal(tiny_result.arrays["c1_weights"], nets[0].model.c1.weight.detach().numpy())
    np.testing.assert_array_equal(tiny_result.arrays["loss_relu"], nets[0].loss)
    notes = [n for n in tiny_result.provenance.notes if n.startswith("ReLU seed ")]
    assert len(notes) == config.seeds and all(net.cache_entry in n for net, n in zip(nets, notes))


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


def test_findings_are_generated_from_the_verdicts(tiny_result):
    m = tiny_result.metrics
    text = " ".join(recos_negative.EXPERIMENT.findings_for(m))
    assert "**supported** (the paper's claim: negating the C1 anchors makes" in text
    assert "Kuo's remedy is to double the C1 anchors" in text  # both remedy networks ran
    one = {k: v for k, v in m.items() if k != "remedy_c1_6_accuracy_reversed"}
    assert "Kuo's remedy is to double" not in " ".join(
        recos_negative.findings(one, recos_negative.EXPERIMENT.verdicts(one))
    )
    fake = dict(m, swap_exact=False)
    assert "**contradicted** (the paper's claim: negating the C1 anchors makes" in " ".join(
        recos_negative.EXPERIMENT.findings_for(fake)
    )
    flipped = dict(m, reversal_drop_per_image=[-v for v in m["reversal_drop_per_image"]])
    before = recos_negative.EXPERIMENT.verdicts(m)["reversal_hurts"].outcome
    after = recos_negative.EXPERIMENT.verdicts(flipped)["reversal_hurts"].outcome
    assert {before, after} == {"supported", "contradicted"}


def test_config_validation():
    with pytest.raises(ValueError, match="scale"):
        recos_negative.make_config("huge")
    with pytest.raises(ValueError, match="does not take dataset"):
        recos_negative.make_config("ci", dataset="fsdd")
    assert recos_negative.make_config("full").epochs == 20
    assert recos_negative.make_config("ci").seeds >= 3
    assert recos_negative.make_config("full").train_limit is None
    with pytest.raises(ValueError, match="unknown activation"):
        recos_negative.make_config("ci", activations=("relu6",))
    with pytest.raises(ValueError, match="remedy_channels"):
        recos_negative.make_config("ci", remedy_channels=(8,))


def test_registry_lists_paper_and_figure():
    for name in experiments.names():
        described = experiments.describe(name)
        assert described.paper and described.reproduces and described.report_rows
    with pytest.raises(ValueError, match="unknown experiment"):
        experiments.get("nope")
