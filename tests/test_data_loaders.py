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


def test_segmentation_experiment_notes_name_the_data_set_that_was_loaded(monkeypatch):
    """The experiment's notes and data source come from the loader: VOC is recorded as VOC."""
    from sigcnn.experiments import modulation_postshift_segmentation as seg
    from sigcnn.experiments._base import RunContext

    def fake_voc(size, n_a=None, n_b=None, n_test=None, rng=None, *, spec):
        rng = np.random.default_rng(0)
        x = rng.random((10, 3, size, size)).astype(np.float32)
        y = rng.integers(0, 21, (10, size, size))
        return segmentation.SegmentationHalves(
            x[:4], y[:4], x[4:8], y[4:8], x[8:], y[8:], 21, 3, "fake VOC source", "fake Pascal VOC note"
        )

    monkeypatch.setitem(registry.DATASETS, "voc2012", DatasetSpec(**{**registry.VOC2012.__dict__, "loader": fake_voc}))
    config = seg.make_config("ci", dataset="voc2012", size=16, n_a=4, n_b=4, n_test=2, epochs=1, batch_size=4, seeds=2)
    measured = seg.measure(config, RunContext(device="cpu", generator=torch.Generator().manual_seed(0)))
    assert measured.notes[0] == "fake Pascal VOC note" and measured.data_source == "fake VOC source"
    assert not any("Mosaics" in note or "Fashion" in note for note in measured.notes)


def test_typed_loaders_refuse_an_entry_of_another_task_or_a_wrong_result(toy):
    with pytest.raises(ValueError, match="task 'image-classification', not 'class-images'"):
        data.load_class_images("mnist", per_class=1, size=8)
    with pytest.raises(ValueError, match="not 'segmentation-halves'"):
        data.load_segmentation_halves("toy", 8, 1, 1, 1, np.random.default_rng(0))
    with pytest.raises(ValueError, match="not 'audio-domains'"):
        data.load_audio_domains("fsdd", (0,), (0,), (0,))
    with pytest.raises(TypeError, match="returned ImageSplit, not ClassImages"):
        registry.load_typed("toy", "image-classification", data.ClassImages)


def test_photograph_crops_are_crops_of_the_photographs():
    """Against an independent route: the same draws from the same seed, cut from skimage's images."""
    import skimage.data

    from sigcnn.data.photographs import PHOTOGRAPHS

    got = data.load_class_images("skimage", per_class=2, size=24, seed=7)
    assert got.images.shape == (12, 3, 24, 24) and got.labels.tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert got.names == PHOTOGRAPHS and "scikit-image" in got.data_source
    rng = np.random.default_rng(7)
    for k, name in enumerate(PHOTOGRAPHS):
        img = getattr(skimage.data, name)()
        for j in range(2):
            top, left = rng.integers(0, img.shape[0] - 23), rng.integers(0, img.shape[1] - 23)
            crop = img[top : top + 24, left : left + 24]
            crop = np.repeat(crop[..., None], 3, -1) if crop.ndim == 2 else crop
            np.testing.assert_array_equal(got.images[2 * k + j], crop.transpose(2, 0, 1) / 255.0)
    grouped = got.by_class(2)
    assert grouped.shape == (6, 2, 3, 24, 24)
    np.testing.assert_array_equal(grouped[3, 1], got.images[7])
    with pytest.raises(ValueError, match="fewer than 3 images"):
        got.by_class(3)


def test_tensor_split_of_an_image_classification_set(toy):
    got = data.load_tensor_split("toy", train_size=2, test_size=1, size=99, rng=np.random.default_rng(0))
    rng = np.random.default_rng(0)
    tr, te = rng.permutation(3)[:2], rng.permutation(3)[:1]
    values = np.array([7, 8, 9], dtype=np.float32)
    np.testing.assert_allclose(got.train_x.flatten().numpy(), (values[tr] / 255 - 0.5) / 0.25, rtol=1e-6)
    np.testing.assert_allclose(got.test_x.flatten().numpy(), (values[te] / 255 - 0.5) / 0.25, rtol=1e-6)
    assert got.train_x.shape == (2, 1, 1, 1) and got.train_y.tolist() == (tr % 2).tolist()
    assert got.data_source == "four numbers"


def test_tensor_split_of_a_class_images_set(monkeypatch):
    calls = []

    def fake(per_class, size, split="train", seed=0, rng=None, *, spec):
        calls.append((per_class, size, split, seed))
        labels = np.repeat(np.arange(2), per_class)
        return data.ClassImages(np.full((len(labels), 3, size, size), 0.7), labels, ("a", "b"), f"fake {split}")

    spec = DatasetSpec(
        name="fake-photos", folder="", kind="generated", description="", loader=fake, task="class-images"
    )
    monkeypatch.setitem(registry.DATASETS, "fake-photos", spec)
    got = data.load_tensor_split(
        "fake-photos", train_size=40, test_size=20, size=8, rng=np.random.default_rng(0), seed=3
    )
    assert calls == [(4, 8, "train", 3), (2, 8, "val", 3)]
    assert got.train_x.shape == (4 * 2, 3, 8, 8) and got.test_x.shape == (2 * 2, 3, 8, 8)
    assert got.train_x.dtype == torch.float32 and float(got.train_x[0, 0, 0, 0]) == pytest.approx((0.7 - 0.45) / 0.25)
    assert got.data_source == "fake train"
    with pytest.raises(ValueError, match="not an image classification set"):
        data.load_tensor_split("fsdd", 1, 1, 8, np.random.default_rng(0))


def test_fsdd_speaker_domains_pick_recordings_by_the_index_in_their_file_name(monkeypatch):
    """A fake FSDD in file-name order (``0_x_10`` before ``0_x_2``); each "feature" is the file's index."""
    from sigcnn.data import audio_domains

    files = sorted(f"{d}_{s}_{j}" for d in range(2) for s in "abcdef" for j in range(12))
    parts = [f.split("_") for f in files]
    fake = data.AudioSet(
        [np.array([float(j)]) for _, _, j in parts],
        np.array([int(d) for d, _, _ in parts]),
        [s for _, s, _ in parts],
        np.zeros(len(files), bool),
        8000,
        "fake FSDD",
    )
    monkeypatch.setattr(audio_domains, "load_fsdd", lambda: fake)
    monkeypatch.setattr(audio_domains, "six_features", lambda waves, names, rate, device: np.stack(waves))
    got = data.load_audio_domains("fsdd-speakers", (10, 11), (2,), (0, 1))
    assert sorted(got.source[0].ravel().tolist()) == [10.0] * 6 + [11.0] * 6  # 2 digits x 3 speakers
    assert got.train[0].ravel().tolist() == [2.0] * 6 and sorted(got.test[0].ravel().tolist()) == [0.0] * 6 + [1.0] * 6
    assert got.classes == (10, 10) and got.data_source == "fake FSDD"
    assert got.note.startswith("FSDD: source speakers a, b, c (indices [10, 11]), target speakers d, e, f")


def test_derived_and_generated_entries_are_not_listed_by_status(empty_data_root):
    listed = {status.name for status in data.dataset_status()}
    assert {"fsdd", "urbansound8k", "dcase2016"} <= listed
    assert not listed & {"mosaics", "skimage", "fsdd-speakers", "urbansound8k-dcase2016"}


def test_every_data_set_an_experiment_takes_is_a_registry_entry_with_a_loader():
    """An experiment names data sets only as registry entries; the data layer loads them."""
    from sigcnn import experiments

    taken = {name: experiments.describe(name).datasets or () for name in experiments.names()}
    for experiment, names in taken.items():
        for name in names:
            spec = registry.get_spec(name)
            assert spec.name == name and spec.loader is not None, (experiment, name)
    tasks = {
        "modulation-normalisation": {"class-images"},
        "modulation-postshift-audio": {"audio-domains"},
        "modulation-postshift-segmentation": {"segmentation-halves"},
        "modulation-training-spectra": {"image-classification", "class-images"},
    }
    for experiment, wanted in tasks.items():
        assert {registry.get_spec(n).task for n in taken[experiment]} <= wanted, experiment


EXPERIMENTS = DATA.parent / "experiments"


def _dataset_comparisons(source: str) -> list[int]:
    """Lines of ``source`` that compare a configured data set (``config.dataset``, ``dataset``) with
    ``==``/``!=``/``in``: a branch on the data set's name. (Reading the name of a loaded set for a note,
    ``split.name == "cifar10"``, is not one.)"""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare) and any(
            (isinstance(s, ast.Attribute) and s.attr == "dataset") or (isinstance(s, ast.Name) and s.id == "dataset")
            for s in (node.left, *node.comparators)
        ):
            lines.append(node.lineno)
    return lines


def test_no_experiment_branches_on_a_data_set_name():
    found = {
        path.name: lines
        for path in sorted(EXPERIMENTS.glob("*.py"))
        if (lines := _dataset_comparisons(path.read_text()))
    }
    assert found == {}


def test_the_branch_finder_sees_a_branch():
    source = (
        'def f(config, dataset):\n    if config.dataset == "voc2012":\n        return 1\n    return dataset != "x"\n'
    )
    assert _dataset_comparisons(source) == [2, 4]
    assert _dataset_comparisons('def g(split):\n    return split.name == "cifar10"\n') == []
