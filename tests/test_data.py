"""Data layer: checksums, the IDX reader, the offline rule, downloads from (local) URLs."""

from __future__ import annotations

import gzip
import shutil
import zipfile
from dataclasses import replace

import numpy as np
import pytest

from sigcnn.data import DatasetUnavailable, dataset_status, load_fsdd, load_image_dataset, registry, store
from sigcnn.data.idx import read_idx


def _write_idx(path, array):
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    with gzip.open(path, "wb") as handle:
        handle.write(header + array.astype(np.uint8).tobytes())


def test_idx_roundtrip(tmp_path):
    array = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    _write_idx(tmp_path / "a.gz", array)
    np.testing.assert_array_equal(read_idx(tmp_path / "a.gz"), array)


def test_idx_rejects_bad_magic_and_size(tmp_path):
    (tmp_path / "bad").write_bytes(b"\x01\x02\x03\x04")
    with pytest.raises(ValueError, match="magic"):
        read_idx(tmp_path / "bad")
    (tmp_path / "short").write_bytes(bytes([0, 0, 8, 1]) + (10).to_bytes(4, "big") + b"\x00" * 3)
    with pytest.raises(ValueError, match="payload"):
        read_idx(tmp_path / "short")


def test_offline_missing_dataset_names_files_and_folder(empty_data_root):
    with pytest.raises(DatasetUnavailable) as info:
        load_image_dataset("mnist")
    message = str(info.value)
    assert "t10k-images-idx3-ubyte.gz" in message
    assert "in MNIST/ under the data root" in message and str(empty_data_root) not in message
    assert "SIGCNN_OFFLINE" in message


def test_offline_missing_fsdd(empty_data_root):
    with pytest.raises(DatasetUnavailable, match="recordings"):
        load_fsdd()


def test_unknown_dataset_is_value_error():
    with pytest.raises(ValueError, match="unknown dataset"):
        registry.get_spec("imagenet")


def test_corrupt_file_fails_checksum(monkeypatch, empty_data_root, real_data_root):
    target = empty_data_root / "FashionMNIST" / "raw"
    target.mkdir(parents=True)
    for f in registry.FASHION_MNIST.files:
        shutil.copy(real_data_root / "FashionMNIST" / f.path, target)
    # a valid gzip whose content differs
    with gzip.open(target / "t10k-labels-idx1-ubyte.gz", "wb") as handle:
        handle.write(b"not the labels")
    monkeypatch.setenv("SIGCNN_DATA", str(empty_data_root))
    assert store.missing_files(registry.FASHION_MNIST) == []
    assert store.corrupt_files(registry.FASHION_MNIST) == ["raw/t10k-labels-idx1-ubyte.gz"]
    states = {s.name: s.state for s in dataset_status()}
    assert states["fashion-mnist"] == "corrupt"


def test_real_checksums_and_status(real_data_root):
    states = {s.name: s for s in dataset_status()}
    assert states["fashion-mnist"].state == "present"
    assert states["fsdd"].state == "present"
    # MNIST offline has the test set and training labels, not the training images
    assert states["mnist"].missing in ([], ["raw/train-images-idx3-ubyte.gz"])


def test_mnist_fallback_split_is_documented(real_data_root):
    if not store.missing_files(registry.MNIST):
        pytest.skip("the MNIST training images are present: the real split is used")
    with pytest.raises(DatasetUnavailable, match="train-images"):
        load_image_dataset("mnist")
    data = load_image_dataset("mnist", allow_test_split=True)
    assert data.train_images.shape == (8000, 28, 28) and data.test_images.shape == (2000, 28, 28)
    assert not data.used_official_train
    assert "8,000/2,000" in data.split_note


def test_fashion_mnist_official_split(real_data_root):
    data = load_image_dataset("fashion-mnist")
    assert data.train_images.shape == (60000, 28, 28)
    assert data.test_labels.shape == (10000,)
    assert data.used_official_train and data.num_classes == 10


def test_download_verifies_checksum_from_local_urls(monkeypatch, empty_data_root, real_data_root):
    """The real download path, fed by file:// URLs pointing at the local copies."""
    monkeypatch.setenv("SIGCNN_OFFLINE", "0")
    monkeypatch.setenv("SIGCNN_DATA", str(empty_data_root))
    src = real_data_root / "FashionMNIST"
    files = tuple(
        replace(f, urls=("file:///nonexistent/" + f.path, (src / f.path).as_uri()))
        for f in registry.FASHION_MNIST.files
    )
    spec = replace(registry.FASHION_MNIST, files=files)
    folder = store.ensure_files(spec)
    assert store.missing_files(spec) == []
    assert (folder / "raw" / "train-images-idx3-ubyte.gz").exists()
    assert not list(folder.rglob("*.part"))
    # a mirror that serves the wrong bytes is rejected and nothing is left behind
    bad = tuple(replace(f, urls=((src / "raw/t10k-labels-idx1-ubyte.gz").as_uri(),)) for f in files)
    bad_spec = replace(spec, folder="Other", files=bad)
    with pytest.raises(DatasetUnavailable, match="checksum mismatch"):
        store.ensure_files(bad_spec, ["raw/train-images-idx3-ubyte.gz"])
    assert not (empty_data_root / "Other" / "raw" / "train-images-idx3-ubyte.gz").exists()


def test_fsdd_download_from_local_archive(monkeypatch, tmp_path, empty_data_root, real_data_root):
    archive = tmp_path / "fsdd.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for wav in sorted((real_data_root / "FSDD" / "recordings").glob("*.wav")):
            zf.write(wav, f"free-spoken-digit-dataset-{registry.FSDD_COMMIT}/recordings/{wav.name}")
    monkeypatch.setenv("SIGCNN_OFFLINE", "0")
    monkeypatch.setenv("SIGCNN_DATA", str(empty_data_root))
    spec = replace(registry.FSDD, archive_url=archive.as_uri())
    folder = store.ensure_wav_folder(spec)
    assert len(list(folder.glob("*.wav"))) == 3000


def test_fsdd_loads_with_conventional_split(real_data_root):
    audio = load_fsdd()
    assert len(audio.waveforms) == 3000 and audio.sample_rate == 8000
    assert int(audio.is_test.sum()) == 300
    assert set(audio.labels.tolist()) == set(range(10))
    assert all(w.dtype == np.float32 and w.ndim == 1 for w in audio.waveforms[:20])
