"""max-gain-training and pretrained-max-gain on tiny configurations."""

import os
from pathlib import Path

import numpy as np
import pytest
import torch
from book_files import toc_files

from sigcnn import experiments
from sigcnn.data import store
from sigcnn.experiments import max_gain_training, pretrained_max_gain
from sigcnn.models import WideLeNet
from sigcnn.results import load_result, save_result

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
    assert r.metrics["mnist_lr__x1__agrees_with_loss"] == agree[0]
    # Spearman correlation recomputed as the Pearson correlation of loop ranks
    for key in ("mnist_lr__x1", "mnist_lr__x4"):
        g, v = r.arrays[f"{key}__gain"], r.arrays[f"{key}__val_loss"]
        if np.all(np.isfinite(g)) and np.all(np.isfinite(v)):
            rho = np.corrcoef(ranks(g), ranks(v))[0, 1]
            assert r.metrics[f"{key}__spearman_gain_val_loss"] == pytest.approx(rho, abs=1e-12)
    for row in max_gain_training.EXPERIMENT.report_rows:
        if not row.metric.startswith("alpha"):
            assert row.metric in r.metrics
    assert not any(isinstance(v, str) for v in r.metrics.values())
    back = load_result(save_result(r, results_root))
    assert list(back.arrays["verdict_gain"]) == list(r.arrays["verdict_gain"])
    assert all(isinstance(s, str) for s in max_gain_training.findings(r.metrics))


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
    finals = r.arrays["base_trained_gain"][:, -1]
    m = r.metrics
    assert m["mnist_base_final_gain_db"] == pytest.approx(finals.mean())
    assert m["mnist_base_final_gain_db_control_min"] == pytest.approx(r.arrays["base_untrained_gain"].min())
    outside = not (r.arrays["base_untrained_gain"].min() <= finals.mean() <= r.arrays["base_untrained_gain"].max())
    assert m["mnist_base_final_gain_db_outside_controls"] == outside
    shuffled = r.arrays["base_shuffled_gain"]
    assert shuffled.shape == (3, 6)
    assert m["mnist_base_gain_rise_db_control_max"] == pytest.approx((shuffled[:, -1] - shuffled[:, 0]).max())
    # shuffled labels learn nothing that transfers: validation error stays near chance (10 classes)
    assert r.arrays["base_shuffled_val_error"][:, -1].min() > 0.6


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
    assert pretrained_max_gain.findings(r.metrics)[0].startswith("None of the 2 torchvision weight files")


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
    assert "name resolution" in " ".join(result.provenance["notes"])  # the reason, not "offline"
    assert "(offline)" not in " ".join(pretrained_max_gain.findings(result.metrics))


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
