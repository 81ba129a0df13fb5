"""Reliability faults of issue 10, one test (or a few) per fault, on small local files.

Each test reproduces the fault as it was reported (the failing behaviour is in its docstring)
and checks the behaviour now promised.
"""

from __future__ import annotations

import errno
import gzip
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from sigcnn import cli, experiments
from sigcnn.core import results
from sigcnn.core.results import Result, ResultFileError, load_result, save_result
from sigcnn.data import DatasetUnavailable, dataset_status, load_fsdd, load_image_dataset, registry, store
from sigcnn.data.errors import DatasetCorrupt
from sigcnn.experiments import Experiment

SRC = Path(__file__).resolve().parents[1] / "src"


def _cli(*argv, env=None, timeout=60):
    """Run ``python -m sigcnn.cli`` in a fresh process; return (rc, stderr, seconds)."""
    full_env = {**os.environ, "PYTHONPATH": str(SRC), **(env or {})}
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "sigcnn.cli", *argv], capture_output=True, text=True, env=full_env, timeout=timeout
    )
    return proc.returncode, proc.stderr, time.perf_counter() - start


def _one_line(err: str) -> bool:
    return err.count("\n") == 1 and "Traceback" not in err


# --------------------------------------------------------------------------------------------
# 1. --out is checked before any work


@pytest.fixture
def out_cases(tmp_path):
    a_file = tmp_path / "afile"
    a_file.write_text("x")
    return {"regular file": str(a_file), "under a file": str(a_file / "sub"), "/proc": "/proc/sigcnn-out", "empty": ""}


@pytest.mark.parametrize("case", ["regular file", "under a file", "/proc", "empty"])
def test_bad_out_fails_fast_with_exit_2(out_cases, case):
    """Before: the experiment trained for a minute, then NotADirectoryError and exit 1
    (``--out ""`` silently wrote to the default folder)."""
    rc, err, seconds = _cli("run", "recos-negative", "--quiet", "--out", out_cases[case])
    assert rc == 2, err
    assert _one_line(err) and "--out" in err
    assert seconds < 5.0, f"took {seconds:.1f} s"


def test_unwritable_out_fails_before_the_run(monkeypatch, capsys, tmp_path):
    """A folder without write permission (or a read-only mount): the probe file cannot be made."""

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    ran = []
    monkeypatch.setattr(Experiment, "run", lambda self, config, progress=False: ran.append(1))
    monkeypatch.setattr(tempfile, "mkstemp", denied)
    assert cli.main(["run", "recos-sphere", "--out", str(tmp_path / "new" / "deeper")]) == 2
    err = capsys.readouterr().err
    assert _one_line(err) and "cannot write there" in err and "Permission denied" in err
    assert not ran
    assert not (tmp_path / "new").exists()  # the folders it made for the probe are gone again


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_read_only_folder_out(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        rc, err, seconds = _cli("run", "recos-negative", "--out", str(folder))
    finally:
        folder.chmod(0o755)
    assert rc == 2 and _one_line(err) and seconds < 5.0


def test_bad_experiment_leaves_no_out_folder(capsys, tmp_path):
    assert cli.main(["run", "nope", "--out", str(tmp_path / "made")]) == 2
    assert not (tmp_path / "made").exists()


# --------------------------------------------------------------------------------------------
# 2. downloads: say what and from where, short connect timeout, remember a failed host


def _unreachable_spec():
    files = tuple(
        replace(f, urls=(f"https://mirror-a.invalid/{f.path}", f"http://mirror-b.invalid/{f.path}"))
        for f in registry.MNIST.files
    )
    return replace(registry.MNIST, files=files)


def test_firewalled_hosts_fail_fast_and_are_remembered(monkeypatch, capsys, empty_data_root):
    """Before: each URL waited 60 s in silence (2 min 6 s for MNIST's two mirrors), on every call."""
    monkeypatch.setenv("SIGCNN_OFFLINE", "0")
    monkeypatch.setattr(store, "_FAILED_HOSTS", {})
    attempts = []

    def dropped(address, timeout=None, **kwargs):
        attempts.append((address, timeout))
        raise TimeoutError("timed out")

    monkeypatch.setattr(store.socket, "create_connection", dropped)
    spec = _unreachable_spec()
    with pytest.raises(DatasetUnavailable) as info:
        store.ensure_files(spec, ["raw/train-images-idx3-ubyte.gz"])
    err = capsys.readouterr().err
    assert "downloading train-images-idx3-ubyte.gz from mirror-a.invalid" in err
    assert "downloading train-images-idx3-ubyte.gz from mirror-b.invalid" in err
    assert [a for a, _ in attempts] == [("mirror-a.invalid", 443), ("mirror-b.invalid", 80)]
    assert all(t == store.CONNECT_TIMEOUT_S < store.READ_TIMEOUT_S for _, t in attempts)
    assert "SIGCNN_OFFLINE=1" in str(info.value)
    assert list(empty_data_root.iterdir()) == []  # no empty MNIST/raw left behind
    # the same process does not knock again
    with pytest.raises(DatasetUnavailable, match="failed earlier in this process"):
        store.ensure_files(spec, ["raw/train-labels-idx1-ubyte.gz"])
    assert len(attempts) == 2


def test_download_announces_and_shows_progress(monkeypatch, capsys, empty_data_root, real_data_root):
    monkeypatch.setenv("SIGCNN_OFFLINE", "0")
    monkeypatch.setenv("SIGCNN_DATA", str(empty_data_root))
    src = real_data_root / "FashionMNIST"
    files = tuple(replace(f, urls=((src / f.path).as_uri(),)) for f in registry.FASHION_MNIST.files)
    spec = replace(registry.FASHION_MNIST, files=files)
    store.ensure_files(spec, ["raw/t10k-labels-idx1-ubyte.gz"])
    err = capsys.readouterr().err
    assert "downloading t10k-labels-idx1-ubyte.gz from local file" in err
    assert "%|" in err and "B/s" in err  # a byte progress bar (tqdm) for the transfer


# --------------------------------------------------------------------------------------------
# 3. data status is truthful; 4. data errors name the right cause


@pytest.fixture
def fsdd_copy(monkeypatch, empty_data_root, real_data_root):
    """A data root whose FSDD recordings link to the real ones (cheap to make, safe to damage)."""
    rec = empty_data_root / "FSDD" / "recordings"
    rec.mkdir(parents=True)
    for wav in (real_data_root / "FSDD" / "recordings").glob("*.wav"):
        (rec / wav.name).symlink_to(wav)
    monkeypatch.setenv("SIGCNN_DATA", str(empty_data_root))
    return rec


def _fsdd_status():
    return next(s for s in dataset_status() if s.name == "fsdd")


def _relative(path):
    """``path`` as the data layer's messages write it: relative to the data root (no machine paths)."""
    return str(path.relative_to(store.data_root()))


def test_fsdd_truncated_and_extra_files(fsdd_copy):
    """Before: a WAV truncated to 10 bytes gave '3000/3000 files valid', an extra fake WAV '3001/3000'."""
    assert _fsdd_status().state == "present"
    victim = sorted(fsdd_copy.iterdir())[123]
    victim.unlink()
    victim.write_bytes(b"RIFF\x00\x00\x00\x00WA")
    (fsdd_copy / "9_fake_99.wav").write_bytes(b"RIFF fake")
    status = _fsdd_status()
    assert status.state == "corrupt"
    assert len(status.corrupt) == 1 and victim.name in status.corrupt[0]
    assert status.unexpected == ["recordings/9_fake_99.wav"]
    with pytest.raises(DatasetCorrupt) as info:
        load_fsdd()
    assert _relative(victim) in str(info.value) and str(victim) not in str(info.value)


def test_fsdd_extra_file_is_reported_not_read(fsdd_copy):
    (fsdd_copy / "9_fake_99.wav").write_bytes(b"RIFF fake")
    assert _fsdd_status().state == "present" and _fsdd_status().unexpected
    assert len(load_fsdd().waveforms) == 3000


def test_fsdd_missing_file_is_named(fsdd_copy):
    victim = sorted(fsdd_copy.iterdir())[7]
    victim.unlink()
    status = _fsdd_status()
    assert status.state == "partial" and status.missing == [f"recordings/{victim.name}"]
    with pytest.raises(DatasetUnavailable, match=victim.name):
        load_fsdd()


def test_packaged_fsdd_manifest_matches_registry():
    manifest = store.fsdd_manifest()
    assert len(manifest) == registry.FSDD.manifest_count
    assert store.manifest_sha256(manifest) == registry.FSDD.manifest_sha256


@pytest.fixture
def fashion_copy(monkeypatch, empty_data_root, real_data_root):
    raw = empty_data_root / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    for f in registry.FASHION_MNIST.files:
        shutil.copy(real_data_root / "FashionMNIST" / f.path, raw)
    monkeypatch.setenv("SIGCNN_DATA", str(empty_data_root))
    return raw


@pytest.mark.parametrize("damage", ["truncate", "bitflip", "other content"])
def test_corrupt_idx_file_is_corrupt_not_missing(fashion_copy, damage):
    """Before: truncated, bit-flipped or wrong-content files were listed as 'missing'."""
    path = fashion_copy / "t10k-labels-idx1-ubyte.gz"
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        path.write_bytes(bytes(data[: len(data) // 2]))
    elif damage == "bitflip":
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))
    else:
        with gzip.open(path, "wb") as handle:
            handle.write(b"not the labels")
    status = next(s for s in dataset_status() if s.name == "fashion-mnist")
    assert status.state == "corrupt" and status.missing == []
    assert status.corrupt[0].startswith("raw/t10k-labels-idx1-ubyte.gz (MD5 ")
    with pytest.raises(DatasetCorrupt) as info:
        load_image_dataset("fashion-mnist")
    message = str(info.value)
    assert _relative(path) in message and str(path) not in message and "bb300cfdad3c16e7a12a480ee83cd310" in message
    assert "missing" not in message


def test_corrupt_training_file_never_falls_back_to_test_split(fashion_copy, capsys, tmp_path):
    """Before: at ci a corrupt Fashion-MNIST training file silently fell back to the test-set
    split (exit 0) with a note saying the files 'are not in' the folder."""
    path = fashion_copy / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(DatasetCorrupt, match="train-images-idx3-ubyte.gz"):
        load_image_dataset("fashion-mnist", allow_test_split=True)
    assert cli.main(["run", "recos-negative", "--dataset", "fashion-mnist", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert _one_line(err) and "corrupt" in err and _relative(path) in err and str(path) not in err


@pytest.mark.parametrize("offline", ["1", "0"])
def test_data_root_that_is_a_file(monkeypatch, capsys, tmp_path, offline):
    """Before: NotADirectoryError from deep inside (seen with spectral-shift online)."""
    root = tmp_path / "root-file"
    root.write_text("not a folder")
    monkeypatch.setenv("SIGCNN_DATA", str(root))
    monkeypatch.setenv("SIGCNN_OFFLINE", offline)
    for load in (lambda: load_image_dataset("mnist"), load_fsdd):
        with pytest.raises(DatasetUnavailable, match="is a file, not a folder"):
            load()
    assert cli.main(["data", "status"]) == 0
    out = capsys.readouterr().out
    assert "PROBLEM: is a file, not a folder" in out


def test_status_flags_a_root_that_does_not_exist(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("SIGCNN_DATA", str(tmp_path / "nowhere"))
    assert cli.main(["data", "status"]) == 0
    assert "PROBLEM: does not exist" in capsys.readouterr().out


# --------------------------------------------------------------------------------------------
# 5. result.json and its arrays are replaced together


def test_failure_between_the_two_renames_keeps_the_old_pair(monkeypatch, tmp_path):
    """Before: with a failure injected between the renames, load_result returned the old
    metrics with the new arrays."""
    old = Result("demo", "ci", {"a": 1.0}, {"x": np.zeros(3)}, {})
    path = save_result(old, tmp_path)
    real = results._atomic_write

    def fail_on_json(target, write):
        if target.name == "result.json":
            raise OSError(errno.EIO, "injected failure", str(target))
        real(target, write)

    monkeypatch.setattr(results, "_atomic_write", fail_on_json)
    with pytest.raises(OSError, match="injected"):
        save_result(Result("demo", "ci", {"a": 2.0}, {"x": np.ones(3)}, {}), tmp_path)
    monkeypatch.undo()
    loaded = load_result(path)
    assert loaded.metrics == {"a": 1.0}
    np.testing.assert_array_equal(loaded.arrays["x"], np.zeros(3))
    # the next successful save leaves exactly one pair (the stray arrays of the failed run may stay)
    save_result(Result("demo", "ci", {"a": 3.0}, {"x": np.full(3, 3.0)}, {}), tmp_path)
    loaded = load_result(path)
    assert loaded.metrics == {"a": 3.0} and loaded.arrays["x"][0] == 3.0
    payload = json.loads(path.read_text())
    assert (path.parent / payload["arrays_file"]).is_file()


def test_mismatched_arrays_file_is_detected(tmp_path):
    path = save_result(Result("demo", "ci", {"a": 1.0}, {"x": np.zeros(3)}, {}), tmp_path)
    payload = json.loads(path.read_text())
    npz = path.parent / payload["arrays_file"]
    np.savez_compressed(npz.with_suffix(""), x=np.ones(3))  # another run's arrays under that name
    with pytest.raises(ResultFileError, match="SHA-256"):
        load_result(path)


def test_result_without_arrays_removes_previous_arrays(tmp_path):
    path = save_result(Result("demo", "ci", {"a": 1.0}, {"x": np.zeros(3)}, {}), tmp_path)
    save_result(Result("demo", "ci", {"a": 2.0}, {}, {}), tmp_path)
    assert sorted(p.name for p in path.parent.iterdir()) == ["result.json"]
    assert load_result(path).arrays == {}


# --------------------------------------------------------------------------------------------
# 6. written files respect the umask


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o002, 0o664)])
def test_files_respect_umask(monkeypatch, tmp_path, empty_data_root, real_data_root, umask, mode):
    """Before: mkstemp's 0600 whatever the umask."""
    previous = os.umask(umask)
    try:
        path = save_result(Result("demo", "ci", {"a": 1.0}, {"x": np.zeros(2)}, {}), tmp_path)
        payload = json.loads(path.read_text())
        monkeypatch.setenv("SIGCNN_OFFLINE", "0")
        monkeypatch.setenv("SIGCNN_DATA", str(empty_data_root))
        src = real_data_root / "FashionMNIST"
        files = tuple(replace(f, urls=((src / f.path).as_uri(),)) for f in registry.FASHION_MNIST.files)
        folder = store.ensure_files(replace(registry.FASHION_MNIST, files=files), ["raw/t10k-labels-idx1-ubyte.gz"])
    finally:
        os.umask(previous)
    for written in (path, path.parent / payload["arrays_file"], folder / "raw/t10k-labels-idx1-ubyte.gz"):
        assert stat.S_IMODE(written.stat().st_mode) == mode, written


# --------------------------------------------------------------------------------------------
# 7. argument edge cases


@pytest.mark.parametrize(
    "seed, needle",
    [
        ("18446744073709551616", "too large"),
        ("9223372036854775808", "too large"),
        ("²", "digits 0-9"),
        ("٣", "digits 0-9"),
        ("1.5", "whole number"),
    ],
)
def test_bad_seeds_exit_2(capsys, tmp_path, seed, needle):
    """Before: 'Overflow when unpacking long long' at run time; Python's int() message for '²'."""
    assert cli.main(["run", "recos-negative", "--seed", seed, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert _one_line(err) and needle in err and "seed" in err


def test_largest_seed_is_accepted(monkeypatch, capsys, tmp_path):
    seen = {}

    def record(self, config, progress=False):
        seen["c"] = config
        raise RuntimeError("stop here")

    monkeypatch.setattr(Experiment, "run", record)
    cli.main(["run", "recos-sphere", "--seed", str(cli.SEED_MAX), "--out", str(tmp_path)])
    assert seen["c"].seed == cli.SEED_MAX


@pytest.mark.parametrize("spelling", ["fashion_mnist", "FASHION-MNIST", "Fashion_MNIST"])
def test_dataset_names_are_case_and_underscore_insensitive(monkeypatch, capsys, tmp_path, spelling):
    """Before: '--dataset fashion_mnist' and 'FASHION-MNIST' were rejected."""

    class Stop(Exception):
        pass

    class Stopped:  # the experiment's description, whose run stops before any work
        def __init__(self, exp):
            self.exp = exp

        def __getattr__(self, name):
            return getattr(self.exp, name)

        def run(self, config, progress=False):
            raise Stop(config.dataset)

    real = experiments.describe
    monkeypatch.setattr(experiments, "describe", lambda name: Stopped(real(name)))
    assert cli.main(["run", "recos-negative", "--dataset", spelling, "--out", str(tmp_path)]) == 1
    assert "Stop: fashion-mnist" in capsys.readouterr().err
    assert registry.get_spec(spelling).name == "fashion-mnist"


def test_data_functions_accept_any_spelling(real_data_root):
    data = load_image_dataset("Fashion_MNIST")
    assert data.name == "fashion-mnist" and data.train_images.shape[0] == 60000


# --------------------------------------------------------------------------------------------
# 8. interrupts, SIGCNN_DEBUG, disk full


def test_cli_module_imports_no_heavy_modules():
    code = "import sys, sigcnn.cli; print(sorted(m for m in ('torch', 'numpy', 'sigcnn.data') if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(SRC)}
    ).stdout
    assert out.strip() == "[]"


def test_ctrl_c_while_torch_imports_is_one_line():
    """Before: a 16-48-line traceback when Ctrl-C arrived while torch was importing."""
    code = (
        "import builtins, sys\n"
        "real = builtins.__import__\n"
        "def imp(name, *a, **k):\n"
        "    if name == 'torch' or name.startswith('torch.'):\n"
        "        raise KeyboardInterrupt\n"
        "    return real(name, *a, **k)\n"
        "builtins.__import__ = imp\n"
        "from sigcnn.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    for argv in (["list"], ["run", "recos-negative", "--out", tempfile.mkdtemp()], ["data", "status"]):
        proc = subprocess.run(
            [sys.executable, "-c", code, *argv],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(SRC)},
        )
        assert proc.returncode == 130, proc.stderr
        assert proc.stderr == "sigcnn: interrupted\n"


@pytest.mark.parametrize(
    "value, traceback_shown",
    [("", False), ("0", False), ("false", False), ("no", False), ("1", True), ("true", True), ("YES", True)],
)
def test_sigcnn_debug_values(monkeypatch, capsys, empty_data_root, tmp_path, value, traceback_shown):
    """Before: SIGCNN_DEBUG=0 turned tracebacks on; SIGCNN_DEBUG=1 showed none for data errors."""
    monkeypatch.setenv("SIGCNN_DEBUG", value)
    assert cli.main(["run", "recos-negative", "--out", str(tmp_path)]) == 1  # a data error
    err = capsys.readouterr().err
    assert ("Traceback" in err) == traceback_shown
    assert err.splitlines()[-1].startswith("sigcnn: data unavailable:")
    assert cli.main(["run", "recos-negative", "--seed", "x", "--out", str(tmp_path)]) == 2  # a usage error
    assert ("Traceback" in capsys.readouterr().err) == traceback_shown


def test_disk_full_names_the_path(monkeypatch, capsys, tmp_path):
    """Before: 'OSError: [Errno 28] No space left on device' without the path."""
    monkeypatch.setattr(
        Experiment,
        "run",
        lambda self, config, progress=False: Result("recos-sphere", config.scale, {"a": 1.0}, {"x": np.zeros(3)}, {}),
    )

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cli, "check_output_folder", lambda out: [])  # the disk fills during the run
    monkeypatch.setattr(cli, "_warn_if_cache_unwritable", lambda: None)  # (after the folder checks)
    monkeypatch.setattr(os, "fsync", full)
    assert cli.main(["run", "recos-sphere", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert _one_line(err)
    assert f"no space left on device while writing {tmp_path / 'recos-sphere' / 'ci'}" in err
