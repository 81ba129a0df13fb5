"""The sigcnn command: one line and exit 2 for bad arguments, exit 1 for missing data."""

import subprocess
import sys

import pytest

from sigcnn import cli
from sigcnn.experiments import recos_negative


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["run", "nope"], "unknown experiment"),
        (["run", "recos-negative", "--scale", "huge"], "unknown scale"),
        (["run", "recos-negative", "--device", "tpu"], "unknown device"),
        (["run", "recos-negative", "--dataset", "cifar"], "does not take dataset"),
        (["run", "recos-negative", "--seed", "-3"], "seed"),
        (["frobnicate"], "invalid choice"),
        ([], "required"),
    ],
)
def test_bad_arguments_one_line_exit_2(capsys, argv, needle):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert needle in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_missing_data_one_line_exit_1(capsys, empty_data_root, tmp_path):
    assert cli.main(["run", "recos-negative", "--scale", "ci", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert (
        "t10k-images-idx3-ubyte.gz" in err and "MNIST/ under the data root" in err and str(empty_data_root) not in err
    )
    assert err.count("\n") == 1


def test_console_script_no_traceback(empty_data_root, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "sigcnn.cli", "run", "recos-negative", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1


def test_list_and_data_status(capsys, real_data_root):
    assert cli.main(["list"]) == 0
    assert "recos-negative" in capsys.readouterr().out
    assert cli.main(["data", "status"]) == 0
    out = capsys.readouterr().out
    assert "fashion-mnist" in out and "present" in out


def test_run_writes_result_file(monkeypatch, capsys, real_data_root, tmp_path):
    tiny = dict(epochs=1, seeds=1, train_limit=300, activations=(), remedy_channels=())
    scales = recos_negative.EXPERIMENT.scales
    monkeypatch.setitem(scales, "ci", {**scales["ci"], **tiny})
    assert cli.main(["run", "recos-negative", "--scale", "ci", "--seed", "3", "--quiet", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "accuracy_original" in out
    path = tmp_path / "recos-negative" / "ci" / "result.json"
    assert path.exists() and str(path) in out


def test_version_and_an_aligned_list(capsys):
    import sigcnn
    from sigcnn import experiments
    from sigcnn.cli import main

    assert main(["--version"]) == 0 and capsys.readouterr().out.strip() == f"sigcnn {sigcnn.__version__}"
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [ln.split()[0] for ln in lines] == experiments.names()
    # the second column (the paper) starts at one offset on every line, the longest name included
    starts = {len(ln) - len(ln[len(ln.split()[0]) :].lstrip()) for ln in lines}
    assert len(starts) == 1 and starts.pop() == max(map(len, experiments.names())) + 2
