"""Each registry entry carries its loader (issue 24, item 3): ``data.load(name)`` dispatches through it."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
import torch

from sigcnn import data
from sigcnn.data import registry, segmentation
from sigcnn.data.registry import DatasetSpec, RemoteFile

DATA = Path(__file__).resolve().parents[1] / "src" / "sigcnn" / "data"


def load_toy(n: int = 3, allow_test_split: bool = False, split_seed: int = 0, *, spec: DatasetSpec) -> data.ImageSplit:
    """A data set in one function: the numbers in the registry's one text file as 1x1 images.

    An image-classification loader takes ``allow_test_split`` and ``split_seed`` (here: no use).
    """
    from sigcnn.data.store import ensure_files

    values = np.loadtxt(ensure_files(spec) / spec.files[0].path, dtype=np.uint8)[:n]
    images = torch.from_numpy(values.reshape(-1, 1, 1))
    labels = torch.arange(len(values)) % 2
    return data.ImageSplit(spec.name, images, labels, images, labels, spec.description, "all", True)


@pytest.fixture
def toy(tmp_path, monkeypatch):
    import hashlib

    monkeypatch.setenv("SIGCNN_DATA", str(tmp_path))
    (tmp_path / "Toy").mkdir()
    (tmp_path / "Toy" / "values.txt").write_text("7\n8\n9\n10\n")
    md5 = hashlib.md5((tmp_path / "Toy" / "values.txt").read_bytes()).hexdigest()
    spec = DatasetSpec(
        name="toy",
        folder="Toy",
        kind="text",
        description="four numbers",
        files=(RemoteFile("values.txt", md5),),
        loader=load_toy,
        task="image-classification",
    )
    yield data.register(spec)
    del registry.DATASETS["toy"]  # the registration ends with the test


def test_a_new_data_set_is_one_registry_entry_and_one_loader(toy):
    split = data.load("toy", n=2)
    assert split.train_images.flatten().tolist() == [7, 8]
    assert data.load_image_dataset("toy").train_images.flatten().tolist() == [7, 8, 9]  # the old entry point too
    assert "toy" in {status.name: status.state for status in data.dataset_status()}
    assert {status.name: status.state for status in data.dataset_status()}["toy"] == "present"


def test_register_refuses_a_duplicate_name_and_an_entry_without_loader(toy):
    with pytest.raises(ValueError, match="registered already"):
        data.register(toy)
    with pytest.raises(ValueError, match="needs a loader"):
        data.register(DatasetSpec(name="bare", folder="Bare", kind="text", description="nothing"))


def test_loader_names_resolve_to_functions_of_the_data_package():
    for spec in registry.DATASETS.values():
        assert spec.loader is not None and spec.task, spec.name
        assert callable(registry.resolve_loader(spec.loader)), spec.name
    with pytest.raises(ValueError, match="module:function"):
        registry.resolve_loader("no_colon")


def test_load_image_dataset_goes_through_the_registry_entry(monkeypatch):
    calls = []

    def fake(allow_test_split=False, split_seed=0, *, spec):
        calls.append((spec.name, allow_test_split, split_seed))
        return "split"

    monkeypatch.setitem(
        registry.DATASETS, "tf-flowers", DatasetSpec(**{**registry.TF_FLOWERS.__dict__, "loader": fake})
    )
    assert data.load_image_dataset("tf-flowers", split_seed=5) == "split"
    assert calls == [("tf-flowers", False, 5)]
    with pytest.raises(ValueError, match="not an image classification set"):
        data.load_image_dataset("fsdd")


def test_the_data_package_has_no_import_circle():
    """Every import between modules of sigcnn.data (module level and inside functions), read with ast."""
    graph: dict[str, set[str]] = {}
    for path in DATA.glob("*.py"):
        names = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module:
                    names.add(node.module.split(".")[0])
                else:
                    names.update(alias.name for alias in node.names)
        graph[path.stem] = {n for n in names if (DATA / f"{n}.py").exists()} - {path.stem}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {n})) for n in graph[start])

    circles = sorted(m for m in graph if m != "__init__" and reaches(m, m, {m}))
    assert circles == []
    assert "flowers" not in graph["images"] and "images" not in graph["flowers"]


def _fashion_items(n: int = 40) -> data.ImageSplit:
    rng = np.random.default_rng(0)
    images = torch.from_numpy(rng.integers(0, 255, (n, 28, 28), dtype=np.uint8))
    labels = torch.tensor([1, 5, 8, 0] * (n // 4))
    return data.ImageSplit("fashion-mnist", images, labels, images, labels, "fake", "fake", True)


def test_segmentation_notes_name_the_data_set_that_was_loaded(monkeypatch):
    """The bug of issue 24: the segmentation notes said "Mosaics ... Fashion-MNIST" on VOC too."""
    monkeypatch.setattr(segmentation, "load_image_dataset", lambda name: _fashion_items())
    mosaics = data.load("mosaics", size=32, n_a=4, n_b=3, n_test=2, rng=np.random.default_rng(1))
    assert mosaics.note.startswith("Mosaics: 32 x 32 px") and "Fashion-MNIST" in mosaics.data_source
    assert (mosaics.xa.shape, mosaics.xb.shape, mosaics.xt.shape) == ((4, 1, 32, 32), (3, 1, 32, 32), (2, 1, 32, 32))
    assert (mosaics.num_classes, mosaics.channels) == (4, 1)

    def fake_voc(image_set, size, limit=None):
        n = 6 if image_set == "train" else (limit or 5)
        return np.full((n, 3, size, size), 0.5, np.float32), np.zeros((n, size, size), np.int64)

    monkeypatch.setattr(segmentation, "load_voc2012_segmentation", fake_voc)
    voc = data.load("voc2012", size=16, n_a=4, n_b=3, n_test=2, rng=np.random.default_rng(1))
    assert "VOC" in voc.note and "Mosaics" not in voc.note and "Fashion" not in voc.note
    assert (voc.xa.shape[0], voc.xb.shape[0], voc.xt.shape[0], voc.num_classes, voc.channels) == (3, 3, 2, 21, 3)


def test_mosaic_halves_are_what_the_experiment_built(monkeypatch):
    """The loader draws from ``rng`` in the experiment's order (A, then B, then test): same arrays."""
    from sigcnn.data.mosaics import make_mosaics

    items = _fashion_items()
    monkeypatch.setattr(segmentation, "load_image_dataset", lambda name: items)
    got = segmentation.load_mosaic_halves(32, 4, 3, 2, np.random.default_rng(3))
    rng = np.random.default_rng(3)
    img, lab = items.train_images.numpy(), items.train_labels.numpy()
    xa, ya = make_mosaics(img[:20], lab[:20], 4, rng, 32)
    xb, yb = make_mosaics(img[20:], lab[20:], 3, rng, 32)
    xt, yt = make_mosaics(items.test_images.numpy(), items.test_labels.numpy(), 2, rng, 32)
    for a, b in ((got.xa[:, 0], xa), (got.ya, ya), (got.xb[:, 0], xb), (got.yb, yb), (got.xt[:, 0], xt), (got.yt, yt)):
        np.testing.assert_array_equal(a, b)


def test_fsdd_refuses_a_sample_rate_it_would_not_deliver():
    with pytest.raises(ValueError, match="8000 Hz"):
        data.load_fsdd(sample_rate=16000)
