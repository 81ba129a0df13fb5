"""``sigcnn inspect``: three architectures, a TorchScript file, the error cases, the HTML summary, and
the same numbers as the five-lens chapter's own route on the same weights."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from sigcnn import cli
from sigcnn import inspect as inspection
from sigcnn.core.results import load_result
from sigcnn.models.audio_vgg import AudioVGG11
from sigcnn.models.lenet import LeNet5

FAST = ["--examples", "4", "--untrained-seeds", "2", "--seed", "0"]


@pytest.fixture(scope="module")
def data_env(configured_data_root):
    """The real offline data (MNIST, FSDD) for the whole module; skips without it."""
    root = configured_data_root
    if root is None or not (root / "MNIST").exists() or not (root / "FSDD").exists():
        pytest.skip("no data root with MNIST and FSDD (set SIGCNN_DATA)")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SIGCNN_DATA", str(root))
        patch.setenv("SIGCNN_OFFLINE", "1")
        yield root


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> dict[str, Path]:
    """Freshly initialised models saved as a reader would: state_dicts and one TorchScript file."""
    folder = tmp_path_factory.mktemp("models")
    torch.manual_seed(0)
    files = {"lenet": folder / "lenet.pt", "audio": folder / "audio.pt", "resnet": folder / "resnet.pt"}
    torch.save(LeNet5().state_dict(), files["lenet"])
    torch.save(AudioVGG11(width=0.125, pool_size=4).state_dict(), files["audio"])
    import torchvision

    resnet = torchvision.models.resnet18(weights=None, num_classes=10)
    resnet.conv1 = nn.Conv2d(1, 64, 7, 2, 3, bias=False)  # grey 32x32 inputs
    torch.save(resnet.state_dict(), files["resnet"])
    torch.save(LeNet5(in_channels=3).state_dict(), folder / "lenet-rgb.pt")
    files["lenet-rgb"] = folder / "lenet-rgb.pt"
    files["junk"] = folder / "notes.pt"
    files["junk"].write_text("not a model\n")
    files["pickle"] = folder / "pickled.pt"
    torch.save({"model": nn.ReLU()}, files["pickle"])  # needs unpickling of a class: refused
    files["script"] = folder / "scripted.pt"
    torch.jit.script(_scripted_sequential()).save(str(files["script"]))
    return files


class Doubler(nn.Module):
    """A layer type the walk does not know: named and skipped."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return 2 * x


def _scripted_sequential() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 4, 5, padding=2),
        nn.ReLU(),
        Doubler(),
        nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3),
        nn.Tanh(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(6, 10),
    ).eval()


def _inspect(model: Path, out: Path, *args: str) -> tuple[object, str]:
    assert cli.main(["inspect", str(model), *args, *FAST, "--out", str(out)]) == 0
    folder = out / "inspect" / "ci"
    return load_result(folder), (folder / "summary.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def lenet_run(data_env, models, tmp_path_factory):
    return _inspect(models["lenet"], tmp_path_factory.mktemp("out-lenet"), "--arch", "lenet5", "--data", "mnist")


def _check_page(page: str, result) -> None:
    assert not re.search(r"https?://|<script|<link|<iframe|@import|url\(", page, re.I)
    assert re.findall(r'<img [^>]*src="([^"]{0,11})', page) == ["data:image/"] * 5
    for name in result.arrays["layer_names"].tolist():
        assert f">{name}<" in page
    assert page.count("<li class=") == 6  # one engine sentence per cross-lens claim


def test_lenet_state_dict_gives_result_folder_and_page(lenet_run):
    result, page = lenet_run
    assert result.name == "inspect" and result.metrics["examples"] == 4
    assert result.arrays["layer_names"].tolist() == ["c1", "act1", "s2", "c3", "act3", "s4", "c5", "act5"]
    assert result.provenance.config["model_file"] == "lenet.pt"  # a file name, no machine path
    assert "/" not in result.provenance.config["model_file"]
    _check_page(page, result)
    assert "None: every layer is of a kind the lenses know" in page


def test_inspect_gives_the_chapter_numbers_on_the_same_weights(lenet_run, models):
    """The route of the lenses-lenet experiment: its data preparation and five_lenses, called directly."""
    from sigcnn.experiments._lenses_common import five_lenses
    from sigcnn.experiments._metrics import flatten
    from sigcnn.lenses import LensSettings
    from sigcnn.models.trained_lenet import TrainingSpec, load_data

    result, _ = lenet_run
    model = LeNet5()
    model.load_state_dict(torch.load(models["lenet"], weights_only=True))
    data = load_data(TrainingSpec())
    torch.manual_seed(0)
    metrics, arrays, _ = five_lenses(
        model.eval(), data.x_test[:4], data.y_test[:4], LensSettings(max_gain_examples=4, seed=0), 2
    )
    expected = flatten(metrics)
    assert set(expected) == set(result.metrics)
    for key, value in expected.items():
        got = result.metrics[key]
        if isinstance(value, list):
            assert np.allclose(np.asarray(got, dtype=float), value, equal_nan=True), key
        elif isinstance(value, float):
            assert (got is None and math.isnan(value)) or got == pytest.approx(value, rel=1e-9), key
        else:
            assert got == value, key
    for key, value in arrays.items():
        if value.dtype.kind in "fc":
            assert np.allclose(result.arrays[key], value, equal_nan=True), key
        else:
            assert result.arrays[key].tolist() == value.tolist(), key


def test_audio_network_on_fsdd(data_env, models, tmp_path):
    result, page = _inspect(models["audio"], tmp_path, "--arch", "audio-vgg11", "--data", "fsdd")
    names = result.arrays["layer_names"].tolist()
    assert names[:3] == ["features.conv1.0", "features.act1", "features.pool1"] and len(names) == 21
    assert result.provenance.config["length"] == 2048
    _check_page(page, result)


def test_untrained_resnet18_on_32x32(data_env, models, tmp_path):
    result, page = _inspect(models["resnet"], tmp_path, "--arch", "resnet18", "--data", "fashion-mnist")
    names = result.arrays["layer_names"].tolist()
    assert names[0] == "conv1" and "layer4.1.relu#2" in names  # torchvision reuses a ReLU: two calls, two layers
    _check_page(page, result)


def test_torchscript_sequential_names_and_skips_an_unknown_layer(data_env, models, tmp_path):
    result, page = _inspect(models["script"], tmp_path, "--data", "mnist")
    assert result.provenance.config["model_kind"] == "TorchScript nn.Sequential, rebuilt layer by layer"
    assert result.arrays["layer_names"].tolist() == ["0", "1", "3", "4", "5", "6"]
    assert result.arrays["skipped_layers"].tolist() == ["2 (Doubler: unknown layer type, skipped)"]
    assert "<code>2 (Doubler: unknown layer type, skipped)</code>" in page
    _check_page(page, result)


def test_traced_library_architecture_is_rebuilt_with_its_weights():
    torch.manual_seed(3)
    eager = LeNet5().eval()
    x = torch.randn(2, 1, 32, 32)
    traced = torch.jit.trace(eager, x)
    rebuilt, how = inspection.eager_from_torchscript(traced, x[:1])
    assert "lenet5" in how and isinstance(rebuilt, LeNet5)
    assert all(torch.equal(a, b) for a, b in zip(rebuilt.state_dict().values(), eager.state_dict().values()))
    with torch.no_grad():
        assert torch.allclose(rebuilt(x), eager(x))


def test_torchscript_of_another_class_is_refused():
    class Custom(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(1, 2, 3)

        def forward(self, x):
            return self.conv(x).mean((2, 3))

    with pytest.raises(inspection.InspectError, match="class 'Custom'.*state_dict"):
        inspection.eager_from_torchscript(torch.jit.script(Custom()), torch.randn(1, 1, 8, 8))


def _error(capsys, argv) -> str:
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("sigcnn: error: ") and err.count("\n") == 1, err
    return err


@pytest.mark.parametrize(
    "args,needle",
    [
        (["--arch", "vgg99", "--data", "mnist"], "unknown architecture 'vgg99'"),
        (["--arch", "lenet5", "--data", "cifar-100"], "unknown data set 'cifar-100'"),
        (["--arch", "lenet5", "--data", "mnist", "--examples", "2"], "--examples must be a whole number >= 4"),
        (["--arch", "lenet5", "--data", "mnist", "--width", "0.5"], "--width and --pool-size apply to"),
    ],
)
def test_bad_arguments(capsys, models, tmp_path, args, needle):
    assert needle in _error(capsys, ["inspect", str(models["lenet"]), *args, "--out", str(tmp_path)])
    assert not (tmp_path / "inspect").exists()


def test_missing_file(capsys, tmp_path):
    err = _error(capsys, ["inspect", str(tmp_path / "nope.pt"), "--arch", "lenet5", "--data", "mnist"])
    assert "nope.pt does not exist" in err


@pytest.mark.parametrize(
    "which,arch,needle",
    [
        ("junk", "lenet5", "notes.pt is not a model: neither a TorchScript archive nor a state_dict that torch.load"),
        ("pickle", "lenet5", "pickled.pt is not a model: neither a TorchScript archive nor a state_dict that"),
        ("lenet", None, "lenet.pt is a state_dict: name its architecture with --arch"),
        ("lenet", "resnet18", "the weights do not fit --arch resnet18: no 'conv1.weight'"),
        ("script", "lenet5", "scripted.pt is a TorchScript file: leave out --arch"),
    ],
)
def test_files_that_are_not_the_model(capsys, models, tmp_path, which, arch, needle):
    argv = ["inspect", str(models[which]), "--data", "mnist", "--out", str(tmp_path)]
    assert needle in _error(capsys, argv + (["--arch", arch] if arch else []))


def test_wrong_input_shape_names_both_shapes(capsys, data_env, models, tmp_path):
    argv = ["inspect", str(models["lenet-rgb"]), "--arch", "lenet5", "--data", "mnist", "--out", str(tmp_path)]
    err = _error(capsys, argv)
    assert "mnist examples of shape (1, 1, 32, 32)" in err and "takes (N, 3, H, W)" in err
    err = _error(
        capsys, ["inspect", str(models["audio"]), "--arch", "audio-vgg11", "--data", "mnist", "--out", str(tmp_path)]
    )
    assert "(1, 1, 32, 32)" in err and "takes (N, 1, length)" in err
