"""Messages and notes of the data layer hold no machine paths (they are stored in result notes).

Each test builds the situation (a missing file, a corrupt file, the MNIST fallback split, an
unusable data root) and checks the text with :func:`absolute_paths`, a reader independent of the
code that writes the messages.
"""

from __future__ import annotations

import gzip
import re
import shutil

import pytest

from sigcnn.data import DatasetUnavailable, load_image_dataset, registry, store, urbansound
from sigcnn.data.paper_sets import load_dcase2016

_ABSOLUTE = re.compile(r"(?<![\w:/.])(/[\w.+-]+)+|\b[A-Za-z]:\\")


def absolute_paths(text: str) -> list[str]:
    """The absolute file paths in ``text`` (``/a/b``, ``C:\\``); URLs (``https://host/path``) are not paths."""
    return [m.group(0) for m in _ABSOLUTE.finditer(text)]


def test_the_path_reader_finds_paths_and_skips_urls():
    assert absolute_paths("missing in /tmp/data/MNIST (offline)") == ["/tmp/data/MNIST"]
    assert absolute_paths(r"in C:\data") == ["C:\\"]
    assert absolute_paths("from https://zenodo.org/record/1/files/x.tar.gz; raw/t10k.gz in MNIST/") == []


def _files_entries() -> list[registry.DatasetSpec]:
    return [spec for spec in registry.DATASETS.values() if spec.files]


@pytest.mark.parametrize("spec", _files_entries(), ids=lambda spec: spec.name)
def test_missing_files_message_names_the_folder_relative_to_the_data_root(spec, empty_data_root):
    with pytest.raises(DatasetUnavailable) as info:
        store.ensure_files(spec)
    message = str(info.value)
    assert f"in {spec.folder}/ under the data root" in message
    assert absolute_paths(message) == [], message


def test_fsdd_urbansound_and_dcase_messages_hold_no_path(empty_data_root):
    for load in (lambda: store.ensure_wav_folder(registry.FSDD), urbansound.ensure_urbansound8k):
        with pytest.raises(DatasetUnavailable) as info:
            load()
        assert absolute_paths(str(info.value)) == [], str(info.value)
    meta = registry.DCASE2016.files[0]
    (empty_data_root / registry.DCASE2016.folder).mkdir()
    shutil.copy(__file__, empty_data_root / registry.DCASE2016.folder / meta.path)  # wrong content: corrupt
    with pytest.raises(DatasetUnavailable) as info:
        load_dcase2016()
    assert "corrupt" in str(info.value) and absolute_paths(str(info.value)) == [], str(info.value)


def test_corrupt_file_message_names_the_file_relative_to_the_data_root(empty_data_root):
    raw = empty_data_root / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    with gzip.open(raw / "t10k-images-idx3-ubyte.gz", "wb") as handle:
        handle.write(b"not the images")
    with pytest.raises(DatasetUnavailable) as info:
        load_image_dataset("fashion-mnist")
    message = str(info.value)
    assert "FashionMNIST/raw/t10k-images-idx3-ubyte.gz (MD5" in message
    assert absolute_paths(message) == [], message


def test_unusable_data_root_message_holds_no_path(monkeypatch, tmp_path):
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("SIGCNN_DATA", str(tmp_path / "file" / "data"))
    with pytest.raises(DatasetUnavailable) as info:
        store.check_root()
    assert "cannot be created" in str(info.value) and absolute_paths(str(info.value)) == [], str(info.value)


def test_mnist_fallback_note_holds_no_path(real_data_root):
    if not store.missing_files(registry.MNIST):
        pytest.skip("the MNIST training images are present: no fallback note")
    note = load_image_dataset("mnist", allow_test_split=True).split_note
    assert "MNIST/ under the data root" in note
    assert absolute_paths(note) == [], note


def test_relative_to_root_rewrites_paths_under_the_root(empty_data_root):
    text = f"cannot write {empty_data_root / 'MNIST' / 'raw' / 'x.gz'}; root {empty_data_root}"
    assert store.relative_to_root(text) == "cannot write MNIST/raw/x.gz; root the data root"
