"""max-gain-training and pretrained-max-gain on tiny configurations."""

import math
import os
from pathlib import Path

import numpy as np
import pytest
import torch
from book_files import toc_files

from sigcnn import experiments
from sigcnn.core.results import load_result, save_result
from sigcnn.data import store
from sigcnn.experiments import max_gain_training, pretrained_max_gain
from sigcnn.models import WideLeNet

TINY = dict(
    studies=("mnist_lr",),
    mnist_factors=(1.0, 4.0),
    mnist_epochs=6,
    train_limit=200,
    val_limit=200,
    shuffled_control=True,
    weightwatcher=False,
)


def _data_root():
    env = os.environ.get("SIGCNN_DATA")
    root = Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "data"
    return root if (root / "MNIST").exists() else None


@pytest.fixture(scope="module")
def tiny_training():
    root = _data_root()
    if root is None:
        pytest.skip("no data root with the offline data sets (set SIGCNN_DATA)")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SIGCNN_DATA", str(root))
        yield max_gain_training.run(max_gain_training.make_config("ci", **TINY))


def ranks(x):
    """Ranks 0..n-1 (no ties in these curves), by a loop."""
    out = np.empty(len(x))
    for i, v in enumerate(x):
        out[i] = sum(w < v for w in x)
    return out


def independent_max_gain_db(model, channels=1) -> float:
    """Maximum Gain by another route: the full Jacobian of log-softmax (torch.autograd.functional),
    its winning-class row, a numpy Hann window and numpy's FFT."""
    image = torch.zeros(1, channels, 32, 32)
    image[..., 16, 16] = 255.0
    x = 2 * image / 255.0 - 1  # the book's symmetric scaling
    model.eval()
    jac = torch.autograd.functional.jacobian(lambda t: torch.log_softmax(model(t), 1), x)[0]  # (10, 1, C, H, W)
    row = jac[int(model(x).argmax())][0].double().numpy()
    hann = np.hanning(33)[:-1]
    spectrum = np.abs(np.fft.fft2(row * np.outer(hann, hann)))
    return float(20 * np.log10(spectrum.max(axis=(-2, -1))).mean())


def test_training_curves_and_verdicts(tiny_training, results_root):
    r = tiny_training
    for key in ("mnist_lr__x1", "mnist_lr__x4"):
        for curve in ("gain", "train_loss", "val_loss", "train_error", "val_error"):
            assert r.arrays[f"{key}__{curve}"].shape == (6,)
    assert r.metrics["diagnosed_runs"] == 2
    # agreement recounted from the stored verdicts
    agree = [g == v for g, v in zip(r.arrays["verdict_gain"], r.arrays["verdict_loss"])]
    assert r.metrics["diagnosis_agreement"] == pytest.approx(sum(agree) / 2)
    # the chance agreement by a loop over verdict pairs; the replicates are agreement minus chance
    gains, losses = list(r.arrays["verdict_gain"]), list(r.arrays["verdict_loss"])
    chance = sum(a == b for a in gains for b in losses) / len(gains) ** 2
    assert r.metrics["diagnosis_agreement_chance"] == pytest.approx(chance)
    assert r.metrics["diagnosis_agreement_above_chance_replicates"] == pytest.approx([a - chance for a in agree])
    # Spearman correlation recomputed as the Pearson correlation of loop ranks
    rhos = []
    for key in ("mnist_lr__x1", "mnist_lr__x4"):
        g, v = r.arrays[f"{key}__gain"], r.arrays[f"{key}__val_loss"]
        if np.all(np.isfinite(g)) and np.all(np.isfinite(v)):
            rhos.append(np.corrcoef(ranks(g), ranks(v))[0, 1])
    assert r.metrics["gain_val_loss_spearman_replicates"] == pytest.approx(rhos, abs=1e-12)
    for row in max_gain_training.EXPERIMENT.report_rows:
        if not row.metric.startswith("alpha"):
            assert row.metric in r.metrics
    assert not any(isinstance(v, str) for v in r.metrics.values())
    back = load_result(save_result(r, results_root))
    assert list(back.arrays["verdict_gain"]) == list(r.arrays["verdict_gain"])
    assert all(isinstance(s, str) for s in max_gain_training.EXPERIMENT.findings_for(r.metrics))


def test_controls_are_the_same_networks(tiny_training, real_data_root):
    r = tiny_training
    seeds = r.arrays["control_seeds"]
    assert len(seeds) == 3 and len(set(seeds)) == 3
    # seed 0 of the controls is the sweep's own base run
    assert np.array_equal(r.arrays["base_trained_gain"][0], r.arrays["mnist_lr__x1__gain"])
    # the untrained control, rebuilt here from its seed and measured by another route
    torch.manual_seed(int(seeds[1]))
    untrained = independent_max_gain_db(WideLeNet(1.0))
    assert r.arrays["base_untrained_gain"][1] == pytest.approx(untrained, abs=1e-3)
    # twelve untrained networks (no training: cheap), the first three from the trained seeds
    untrained_all = r.arrays["untrained_control_gain"]
    assert len(untrained_all) == 12 and len(set(r.arrays["untrained_seeds"])) == 12
    assert list(r.arrays["untrained_seeds"][:3]) == list(seeds)
    torch.manual_seed(int(r.arrays["untrained_seeds"][7]))
    assert untrained_all[7] == pytest.approx(independent_max_gain_db(WideLeNet(1.0)), abs=1e-3)
    finals = r.arrays["base_trained_gain"][:, -1]
    m = r.metrics
    assert m["mnist_base_final_gain_db"] == pytest.approx(finals.mean())
    assert m["mnist_base_final_gain_db_replicates"] == pytest.approx(list(finals))
    assert m["mnist_base_final_gain_db_control"] == pytest.approx(list(untrained_all))
    shuffled = r.arrays["base_shuffled_gain"]
    assert shuffled.shape == (3, 6)
    trained = r.arrays["base_trained_gain"]
    paired = [(t[-1] - t[0]) - (s[-1] - s[0]) for t, s in zip(trained, shuffled)]
    assert m["mnist_base_gain_rise_vs_shuffled_db_replicates"] == pytest.approx(paired)
    # shuffled labels learn nothing that transfers: validation error stays near chance (10 classes)
    assert r.arrays["base_shuffled_val_error"][:, -1].min() > 0.6


def loop_median_jitter(curve):
    """Median |g[t+1] - 2 g[t] + g[t-1]| by a loop and sorting."""
    d = sorted(abs(curve[t + 1] - 2 * curve[t] + curve[t - 1]) for t in range(1, len(curve) - 1))
    n = len(d)
    return d[n // 2] if n % 2 else (d[n // 2 - 1] + d[n // 2]) / 2


def test_jitter_ratio_is_replicated_over_paired_seeds(tiny_training):
    """Issue 21 item 19: the jitter ratio has replicates (one per seed pair, high vs base rate), so the
    engine can test it; the old code measured one ratio (seed 0) with nothing to compare it with."""
    r, m = tiny_training, tiny_training.metrics
    base, high = r.arrays["base_trained_gain"], r.arrays["high_trained_gain"]
    assert base.shape == high.shape == (3, 6)
    assert np.array_equal(high[0], r.arrays["mnist_lr__x4__gain"])  # pair 0: the sweep's own runs
    assert len(set(r.arrays["high_seeds"])) == 3 and not set(r.arrays["high_seeds"]) & set(r.arrays["control_seeds"])
    expected = [math.log10(loop_median_jitter(h) / loop_median_jitter(b)) for h, b in zip(high, base)]
    assert m["mnist_jitter_log_ratio_replicates"] == pytest.approx(expected, rel=1e-9)
    assert m["mnist_jitter_ratio_high_vs_base"] == pytest.approx(10 ** expected[0], rel=1e-9)
    v = max_gain_training.EXPERIMENT.verdicts(m)["higher_lr_more_variable"]
    assert v.n == 3 and v.outcome in ("supported", "contradicted", "inconclusive")


def test_training_is_deterministic(tiny_training):
    again = max_gain_training.run(max_gain_training.make_config("ci", **{**TINY, "shuffled_control": False}))
    assert np.array_equal(again.arrays["mnist_lr__x1__gain"], tiny_training.arrays["mnist_lr__x1__gain"])


def test_weightwatcher_alpha_on_the_same_checkpoints(real_data_root):
    from sigcnn.probes.epoch_metrics import weightwatcher_available

    if not weightwatcher_available():
        pytest.skip("weightwatcher is not installed (optional extra: pip install 'sigcnn[weightwatcher]')")
    cfg = dict(TINY, mnist_factors=(1.0,), control_seeds=1, shuffled_control=False, train_limit=100, val_limit=100)
    with_ww = max_gain_training.run(max_gain_training.make_config("ci", **{**cfg, "weightwatcher": True}))
    without = max_gain_training.run(max_gain_training.make_config("ci", **cfg))
    assert with_ww.metrics["weightwatcher_used"] and not without.metrics["weightwatcher_used"]
    # alpha is read from the weights only: the training run (its gain curve) is unchanged
    assert np.array_equal(with_ww.arrays["mnist_lr__x1__gain"], without.arrays["mnist_lr__x1__gain"])
    assert with_ww.arrays["mnist_lr__x1__alpha"].shape == (6,)
    assert list(with_ww.arrays["alpha_layers"]) == ["conv1", "conv2", "conv3", "fc"]


def test_training_config_errors():
    with pytest.raises(ValueError, match="does not take dataset"):
        max_gain_training.make_config("ci", dataset="cifar10")
    with pytest.raises(ValueError, match="unknown studies"):
        max_gain_training.make_config("ci", studies=("nope",))
    full = max_gain_training.make_config("full")
    assert full.mnist_factors == (0.1, 1 / 3, 1.0, 2.0, 3.0, 4.0) and full.mnist_epochs == 20
    assert full.hard_epochs == 45 and full.arch_epochs == 100
    assert max_gain_training.factor_label(1 / 3) == "1/3"
    assert not max_gain_training.make_config("ci").shuffled_control and full.shuffled_control


def test_experiments_are_discovered():
    # the book's order comes from _toc.yml: the chapter's three notebooks in the order listed there
    names, toc = experiments.names(), toc_files()
    ours = ["spectral-toy", "pretrained-max-gain", "max-gain-training"]
    stems = ["notebooks/spectral_toy", "notebooks/pretrained_max_gain", "notebooks/max_gain_training"]
    by_toc = [n for _, n in sorted(zip([toc.index(s) for s in stems], ours))]
    assert sorted(ours, key=names.index) == by_toc


def test_weights_paths_and_metadata():
    w = pretrained_max_gain.weights_of("resnet18")
    path = pretrained_max_gain.cached_weights_path(w)
    assert path.name == "resnet18-f37072fd.pth" and path.parent.name == "checkpoints"
    assert abs(pretrained_max_gain.published_top5_error(w) - (100 - w.meta["_metrics"]["ImageNet-1K"]["acc@5"])) < 1e-12
    with pytest.raises(ValueError, match="no NOPE weights"):
        pretrained_max_gain.weights_of("resnet18", "NOPE")
    image, offset = pretrained_max_gain.imagenet_impulse(w, torch.device("cpu"))
    assert image.shape == (3, 224, 224) and offset.shape == (3,)


def test_missing_weights_are_not_downloaded(monkeypatch, tmp_path, real_data_root):
    monkeypatch.setenv("SIGCNN_OFFLINE", "1")
    monkeypatch.setattr(torch.hub, "get_dir", lambda: str(tmp_path / "hub"))

    def no_download(*args, **kwargs):
        raise AssertionError("tried to download weights offline")

    monkeypatch.setattr(torch.hub, "load_state_dict_from_url", no_download)
    config = pretrained_max_gain.make_config(
        "ci",
        models=("resnet18", "alexnet"),
        own_models=("lenet_w1-4",),
        own_epochs=1,
        control_seeds=1,
        train_limit=200,
        test_limit=100,
    )
    r = pretrained_max_gain.run(config)
    assert r.metrics["imagenet_models_measured"] == 0 and r.metrics["imagenet_models_missing"] == 2
    assert list(r.arrays["imagenet_missing"]) == ["resnet18", "alexnet"]
    assert np.isnan(r.metrics["imagenet_spearman_gain_vs_top5_error"])
    assert r.metrics["imagenet_spearman_gain_vs_top5_error_replicates"] == []
    assert pretrained_max_gain.EXPERIMENT.verdicts(r.metrics)["imagenet_better_models_higher_gain"].outcome == "no test"
    findings = pretrained_max_gain.EXPERIMENT.findings_for(r.metrics)
    assert findings[0].startswith("None of the 2 torchvision weight files")
    assert not any("/" + "root" in note or "/home/" in note for note in r.provenance.notes)


def test_present_weights_are_measured(monkeypatch, real_data_root):
    """With weights 'present' (stubbed: random initialisation), the ImageNet path measures every model."""
    import torchvision

    names = ("squeezenet1_1", "mobilenet_v3_large", "shufflenet_v2_x1_0")
    monkeypatch.setattr(pretrained_max_gain, "weights_status", lambda models, w: {n: True for n in models})
    monkeypatch.setattr(pretrained_max_gain, "ensure_weights", lambda weights: None)
    real_get = torchvision.models.get_model
    monkeypatch.setattr(torchvision.models, "get_model", lambda name, weights=None: real_get(name, weights=None))
    config = pretrained_max_gain.make_config(
        "ci", models=names, own_models=("lenet_w1-4",), own_epochs=1, control_seeds=1, train_limit=200, test_limit=100
    )
    r = pretrained_max_gain.run(config)
    assert r.metrics["imagenet_models_measured"] == 3
    assert r.arrays["imagenet_gain_db"].shape == (3, 3) and np.isfinite(r.arrays["imagenet_gain_db"]).all()
    assert np.isfinite(r.metrics["imagenet_spearman_gain_vs_top5_error"])


def test_architecture_and_width_studies_run(real_data_root):
    config = max_gain_training.make_config(
        "ci",
        studies=("architecture", "width"),
        arch_epochs=1,
        widths=(0.25, 4.0),
        nin_channels=(4, 4, 4),
        train_limit=100,
        val_limit=50,
    )
    r = max_gain_training.run(config)
    assert list(r.arrays["run_keys"]) == ["architecture__lenet", "architecture__nin", "width__w1-4", "width__w4"]
    assert r.metrics["diagnosed_runs"] == 0 and np.isnan(r.metrics["diagnosis_agreement"])
    assert r.arrays["architecture__nin__gain"].shape == (1,)


def test_failed_download_counts_as_missing(monkeypatch, tmp_path, real_data_root):
    """Online but unreachable (DNS failure): the weights are listed as missing, nothing crashes."""
    import socket

    import torchvision

    monkeypatch.setenv("SIGCNN_OFFLINE", "0")
    monkeypatch.setattr(torch.hub, "get_dir", lambda: str(tmp_path / "hub"))

    def unreachable(*args, **kwargs):
        raise socket.gaierror(-3, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", unreachable)  # sigcnn's downloader resolves the host first
    monkeypatch.setattr(store, "_FAILED_HOSTS", {})
    monkeypatch.setattr(torchvision.models, "get_model", unreachable)
    config = pretrained_max_gain.make_config(
        "ci", models=("resnet18",), own_models=("lenet5",), own_epochs=1, control_seeds=1
    )
    result = pretrained_max_gain.run(config)
    assert result.metrics["imagenet_models_measured"] == 0
    assert result.metrics["imagenet_models_missing"] == 1
    assert "name resolution" in " ".join(result.provenance.notes)  # the reason, not "offline"
    assert "(offline)" not in " ".join(pretrained_max_gain.EXPERIMENT.findings_for(result.metrics))


def test_unlearned_runs_names_the_runs_that_end_at_chance():
    import numpy as np

    from sigcnn.experiments.max_gain_training import unlearned_runs

    arrays = {
        "run_studies": np.array(["hard_lr", "hard_lr", "architecture"]),
        "run_labels": np.array(["LeNet, lr x1", "LeNet, lr x4", "NIN"]),
        "run_keys": np.array(["hard_lr__x1", "hard_lr__x4", "architecture__nin"]),
        "hard_lr__x1__val_error": np.array([0.9, 0.3, 0.14]),  # started at chance, learned
        "hard_lr__x4__val_error": np.array([0.9, 0.9, 0.8986]),
        "architecture__nin__val_error": np.array([0.2, 0.5, 0.84]),  # 0.84 < 0.9 - 0.05: learned a little
    }
    assert unlearned_runs(arrays) == ["hard_lr: LeNet, lr x4"]
    assert unlearned_runs(arrays, margin=0.07) == ["hard_lr: LeNet, lr x4", "architecture: NIN"]
    assert unlearned_runs(arrays, classes=2) == ["hard_lr: LeNet, lr x4", "architecture: NIN"]  # chance 0.5


# Verdict logic on hand-made metrics: each outcome must come out, so flipping a claim's direction or a
# comparison in the engine's use fails here.
_UNTRAINED = [-20.0 + 0.3 * k for k in range(-6, 6)]


def _training_metrics(sign: float, noise: bool = False) -> dict:
    wobble = [0.9, -1.1, 0.2] if noise else [0.0, 0.1, -0.1]
    scale = 0.0 if noise else 1.0
    return {
        "mnist_base_final_gain_db_replicates": [-20.0 + sign * scale * 30 + w * 3 for w in wobble],
        "mnist_base_final_gain_db_control": _UNTRAINED,
        "mnist_base_gain_rise_vs_shuffled_db_replicates": [sign * scale * 20 + w * 5 for w in wobble],
        "mnist_jitter_log_ratio_replicates": [sign * scale * 0.5 + w * 0.2 for w in wobble],
        "diagnosis_agreement_above_chance_replicates": [sign * scale * 0.6 + w * 0.4 for w in wobble * 4],
        "gain_val_loss_spearman_replicates": [-sign * scale * 0.8 + w * 0.3 for w in wobble * 3],
    }


@pytest.mark.parametrize(
    "sign, noise, outcome", [(1.0, False, "supported"), (-1.0, False, "contradicted"), (1.0, True, "inconclusive")]
)
def test_training_verdicts_on_hand_made_metrics(sign, noise, outcome):
    v = max_gain_training.EXPERIMENT.verdicts(_training_metrics(sign, noise))
    assert {c: x.outcome for c, x in v.items()} == {c.id: outcome for c in max_gain_training.CLAIMS}


def test_training_verdict_without_shuffled_labels_is_no_test():
    m = _training_metrics(1.0)
    m["mnist_base_gain_rise_vs_shuffled_db_replicates"] = []
    v = max_gain_training.EXPERIMENT.verdicts(m)
    assert v["rise_needs_true_labels"].outcome == "no test" and v["gain_rises_with_training"].outcome == "supported"


def test_stored_laptop_jitter_ratio_is_one_replicate_and_inconclusive():
    """The stored laptop run's ratio (0.78, seed 0 only) is one replicate: the engine cannot test it."""
    v = max_gain_training.EXPERIMENT.verdicts({"mnist_jitter_log_ratio_replicates": [math.log10(0.782)]})
    assert v["higher_lr_more_variable"].outcome == "inconclusive"
    assert v["higher_lr_more_variable"].effect == pytest.approx(math.log10(0.782))
    stored = Path(__file__).resolve().parents[1] / "results/reference/seed-0/max-gain-training/laptop/result.json"
    if stored.exists():  # the stored run, re-decided: its ratio from its own curves, one replicate
        m = load_result(stored).metrics
        assert m["mnist_jitter_ratio_high_vs_base"] == pytest.approx(0.782, abs=5e-4)
        assert m["mnist_jitter_log_ratio_replicates"] == pytest.approx(
            [math.log10(m["mnist_jitter_ratio_high_vs_base"])]
        )
        v = max_gain_training.EXPERIMENT.verdicts(m)["higher_lr_more_variable"]
        assert (v.outcome, v.n) == ("inconclusive", 1)
        sentences = max_gain_training.EXPERIMENT.findings_for(m)
        assert any("0.78 times as jagged" in f and "**inconclusive**" in f for f in sentences)


def test_jitter_helpers_by_another_route():
    base = [0.0, 1.0, 1.5, 3.0, 2.0, 2.5]
    high = [0.0, 3.0, -1.0, 4.0, 0.0, 5.0]
    expected = math.log10(loop_median_jitter(high) / loop_median_jitter(base))
    assert max_gain_training.jitter_log_ratio(high, base) == pytest.approx(expected)
    assert max_gain_training.jitter_log_ratio(base, high) == pytest.approx(-expected)
    assert math.isnan(max_gain_training.jitter_log_ratio([0, 1, 2, 3], base))  # a straight line has no jitter
    assert max_gain_training.chance_agreement(["a", "a", "b"], ["a", "b", "b"]) == pytest.approx(
        (2 / 3) * (1 / 3) + (1 / 3) * (2 / 3)
    )


@pytest.mark.parametrize(
    "own, imagenet, outcome_own, outcome_in",
    [
        ([-0.8, -0.7, -0.75], [-0.6, -0.65, -0.7], "supported", "supported"),
        ([0.8, 0.7, 0.75], [0.6, 0.65, 0.7], "contradicted", "contradicted"),
        ([0.1, -0.3, 0.2], [-0.6], "inconclusive", "inconclusive"),  # one set of weights: no test possible
        ([0.1, -0.3, 0.2], [], "inconclusive", "no test"),
    ],
)
def test_pretrained_verdicts_on_hand_made_metrics(own, imagenet, outcome_own, outcome_in):
    control = [0.5 * (-1) ** k * (k % 3) / 2 for k in range(12)]  # untrained: centred on 0
    m = {
        "own_spearman_gain_vs_error_replicates": own,
        "own_spearman_gain_vs_error_control": control,
        "imagenet_spearman_gain_vs_top5_error_replicates": imagenet,
        "imagenet_spearman_gain_vs_top5_error_control": control,
    }
    v = pretrained_max_gain.EXPERIMENT.verdicts(m)
    assert v["own_better_checkpoints_higher_gain"].outcome == outcome_own
    assert v["imagenet_better_models_higher_gain"].outcome == outcome_in
