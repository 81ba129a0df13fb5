"""UrbanSound8K: the offline error, and the real download path fed by a small local archive."""

import tarfile
from dataclasses import replace

import numpy as np
import pytest
import soundfile

from sigcnn.data import DatasetUnavailable, dataset_status, load_urbansound8k, urbansound


def test_offline_missing_names_folder(empty_data_root):
    with pytest.raises(DatasetUnavailable) as info:
        load_urbansound8k()
    assert "in UrbanSound8K/ under the data root" in str(info.value)
    assert str(empty_data_root) not in str(info.value)
    assert "UrbanSound8K.csv" in str(info.value)
    assert {s.name: s.state for s in dataset_status()}["urbansound8k"] == "missing"


def _fake_archive(tmp_path):
    root = tmp_path / "src" / "UrbanSound8K"
    (root / "metadata").mkdir(parents=True)
    rows = ["slice_file_name,fsID,start,end,salience,fold,classID,class"]
    for i, fold in enumerate(["1", "2", "10"]):
        (root / "audio" / f"fold{fold}").mkdir(parents=True)
        tone = np.sin(2 * np.pi * 440 * np.arange(4410) / 44100).astype(np.float32)
        soundfile.write(root / "audio" / f"fold{fold}" / f"clip{i}.wav", np.stack([tone, tone], 1), 44100)
        rows.append(f"clip{i}.wav,{i},0,0.1,1,{fold},{i},class{i}")
    (root / "metadata" / "UrbanSound8K.csv").write_text("\n".join(rows) + "\n")
    archive = tmp_path / "UrbanSound8K.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(root, arcname="UrbanSound8K")
    return archive


def test_download_unpacks_and_loads(monkeypatch, tmp_path, empty_data_root):
    archive = _fake_archive(tmp_path)
    monkeypatch.setenv("SIGCNN_OFFLINE", "0")
    monkeypatch.setattr(
        urbansound, "URBANSOUND8K", replace(urbansound.URBANSOUND8K, manifest_count=3, archive_url=archive.as_uri())
    )
    audio = load_urbansound8k(sample_rate=8000)
    assert len(audio.waveforms) == 3 and audio.sample_rate == 8000
    assert audio.waveforms[0].shape == (800,)  # 0.1 s at 8 kHz
    assert audio.is_test.tolist() == [False, False, True]
    assert not list(empty_data_root.glob("staging-*")) and not list(empty_data_root.glob("*.tar.gz"))


def test_incomplete_archive_is_rejected(monkeypatch, tmp_path, empty_data_root):
    archive = _fake_archive(tmp_path)
    monkeypatch.setenv("SIGCNN_OFFLINE", "0")
    monkeypatch.setattr(
        urbansound, "URBANSOUND8K", replace(urbansound.URBANSOUND8K, manifest_count=4, archive_url=archive.as_uri())
    )
    with pytest.raises(DatasetUnavailable, match="lacks"):
        load_urbansound8k()
    assert not (empty_data_root / "UrbanSound8K").exists()
