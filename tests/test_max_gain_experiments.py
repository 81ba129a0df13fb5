"""max-gain-training and pretrained-max-gain on tiny configurations."""

import numpy as np
import pytest
import torch

from sigcnn import experiments
from sigcnn.experiments import max_gain_training, pretrained_max_gain
from sigcnn.results import load_result, save_result

TINY = dict(studies=("mnist_lr",), mnist_factors=(1.0, 4.0), mnist_epochs=5, train_limit=300, val_limit=200)


@pytest.fixture(scope="module")
def tiny_training():
    import os

    from conftest import CONFIGURED_DATA_ROOT

    if CONFIGURED_DATA_ROOT is None:
        pytest.skip("no data root with the offline data sets")
    os.environ["SIGCNN_DATA"] = str(CONFIGURED_DATA_ROOT)
    return max_gain_training.run(max_gain_training.make_config("ci", **TINY))


def test_training_curves_and_verdicts(tiny_training, results_root):
    r = tiny_training
    for key in ("mnist_lr__x1", "mnist_lr__x4"):
        for curve in ("gain", "train_loss", "val_loss", "train_error", "val_error"):
            assert r.arrays[f"{key}__{curve}"].shape == (5,)
        assert r.metrics[f"{key}__verdict_gain"] in ("lr_too_high", "keep_training", "converged", "overfitting")
    assert r.metrics["diagnosed_runs"] == 2
    assert 0.0 <= r.metrics["diagnosis_agreement"] <= 1.0
    for row in max_gain_training.REPORT_ROWS:
        assert row["metric"] in r.metrics
    back = load_result(save_result(r, results_root))
    assert list(back.arrays["verdict_gain"]) == list(r.arrays["verdict_gain"])
    assert all(isinstance(s, str) for s in max_gain_training.findings(r.metrics))


def test_training_is_deterministic(tiny_training):
    again = max_gain_training.run(max_gain_training.make_config("ci", **TINY))
    assert np.array_equal(again.arrays["mnist_lr__x1__gain"], tiny_training.arrays["mnist_lr__x1__gain"])


def test_training_config_errors():
    with pytest.raises(ValueError, match="28x28"):
        max_gain_training.make_config("ci", dataset="cifar10")
    with pytest.raises(ValueError, match="unknown studies"):
        max_gain_training.make_config("ci", studies=("nope",))
    full = max_gain_training.make_config("full")
    assert full.mnist_factors == (0.1, 1 / 3, 1.0, 2.0, 3.0, 4.0) and full.mnist_epochs == 20
    assert full.hard_epochs == 45 and full.arch_epochs == 100
    assert max_gain_training.factor_label(1 / 3) == "1/3"


def test_experiments_are_discovered():
    names = experiments.names()
    assert names.index("spectral-toy") < names.index("max-gain-training") < names.index("pretrained-max-gain")


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
    config = pretrained_max_gain.make_config("ci", models=("resnet18", "alexnet"), own_models=("lenet_w1-4",),
                                             own_epochs=1, train_limit=200, test_limit=100)
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
    real_get = torchvision.models.get_model
    monkeypatch.setattr(torchvision.models, "get_model", lambda name, weights=None: real_get(name, weights=None))
    config = pretrained_max_gain.make_config("ci", models=names, own_models=("lenet_w1-4",), own_epochs=1,
                                             train_limit=200, test_limit=100)
    r = pretrained_max_gain.run(config)
    assert r.metrics["imagenet_models_measured"] == 3
    assert r.arrays["imagenet_gain_db"].shape == (3, 3) and np.isfinite(r.arrays["imagenet_gain_db"]).all()
    assert np.isfinite(r.metrics["imagenet_spearman_gain_vs_top5_error"])


def test_architecture_and_width_studies_run(real_data_root):
    config = max_gain_training.make_config("ci", studies=("architecture", "width"), arch_epochs=1,
                                           widths=(0.25, 4.0), nin_channels=(4, 4, 4), train_limit=100,
                                           val_limit=50)
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

    monkeypatch.setattr(torchvision.models, "get_model", unreachable)
    config = pretrained_max_gain.make_config("ci", models=("resnet18",), own_models=("lenet5",), own_epochs=1)
    result = pretrained_max_gain.run(config)
    assert result.metrics["imagenet_models_measured"] == 0
    assert result.metrics["imagenet_models_missing"] == 1
