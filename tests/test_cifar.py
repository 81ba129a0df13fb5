"""CIFAR-10: the offline error, the loader (via the real download path on a small local archive),
and max-gain-training's three-channel path and its documented fallback."""

import io
import pickle
import tarfile
from dataclasses import replace

import numpy as np
import pytest
import torch

from sigcnn.data import DatasetUnavailable, load_cifar10, registry
from sigcnn.data.transforms import to_symmetric
from sigcnn.experiments import max_gain_training


def test_offline_missing_archive_is_named(empty_data_root):
    with pytest.raises(DatasetUnavailable) as info:
        load_cifar10()
    assert "cifar-10-python.tar.gz" in str(info.value)
    assert "in CIFAR10/ under the data root" in str(info.value) and str(empty_data_root) not in str(info.value)


def _fake_cifar(path, per_batch=40):
    rng = np.random.default_rng(0)
    with tarfile.open(path, "w:gz") as tar:
        for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
            labels = rng.integers(0, 10, per_batch)
            data = rng.integers(0, 256, (per_batch, 3072), dtype=np.uint8)
            data[:, :1024] = (labels * 25)[:, None]  # a learnable red-channel cue
            payload = pickle.dumps({b"data": data, b"labels": labels.tolist()})
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))


@pytest.fixture
def fake_cifar_root(monkeypatch, tmp_path, real_data_root):
    archive = tmp_path / "cifar-10-python.tar.gz"
    _fake_cifar(archive)
    spec = replace(registry.CIFAR10, files=(replace(registry.CIFAR10.files[0], md5=None, urls=(archive.as_uri(),)),))
    import sigcnn.data.cifar as cifar

    monkeypatch.setattr(cifar, "CIFAR10", spec)
    monkeypatch.setitem(registry.DATASETS, "cifar10", spec)  # what load_image_dataset("cifar10") loads
    root = tmp_path / "data"
    root.mkdir()
    for name in ("MNIST", "FashionMNIST"):
        (root / name).symlink_to(real_data_root / name)
    monkeypatch.setenv("SIGCNN_DATA", str(root))
    monkeypatch.setenv("SIGCNN_OFFLINE", "0")
    return root


def test_loader_reads_the_archive(fake_cifar_root):
    data = load_cifar10()
    assert data.train_images.shape == (200, 3, 32, 32) and data.train_images.dtype == torch.uint8
    assert data.test_images.shape == (40, 3, 32, 32) and data.num_classes <= 10
    assert (fake_cifar_root / "CIFAR10" / "cifar-10-python.tar.gz").exists()
    x = to_symmetric(data.test_images)
    assert x.shape == (40, 3, 32, 32) and x.min() >= -1 and x.max() <= 1


def test_max_gain_training_on_colour_images(fake_cifar_root):
    config = max_gain_training.make_config(
        "ci", studies=("hard_lr",), hard_factors=(1.0,), hard_epochs=2, train_limit=100, val_limit=40
    )
    result = max_gain_training.run(config)
    assert result.metrics["hard_is_cifar10"]
    assert any("CifarLeNet" in note for note in result.provenance.notes)
    assert result.arrays["hard_lr__x1__gain"].shape == (2,)
    assert not any("stands in" in note for note in result.provenance.notes)


def test_fallback_is_recorded(empty_data_root, real_data_root, monkeypatch):
    monkeypatch.setenv("SIGCNN_DATA", str(real_data_root))
    config = max_gain_training.make_config(
        "ci", studies=("hard_lr",), hard_factors=(1.0,), hard_epochs=1, train_limit=100, val_limit=40
    )
    result = max_gain_training.run(config)
    assert not result.metrics["hard_is_cifar10"]
    assert any("stands in" in note and "cifar10" in note for note in result.provenance.notes)
    with pytest.raises(DatasetUnavailable):
        max_gain_training.run(replace(config, hard_fallback=None))
