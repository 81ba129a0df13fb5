"""Fault injection (issue 22): concurrent writers, kills at chosen points, corrupt caches, planted
symlinks, read-only folders, a full disk (``RLIMIT_FSIZE``), a dropping firewall, bad settings.

Each test reproduces one fault of the issue and failed on the code before the fix (the docstring
says what happened then). The whole file runs in well under a minute on 2 cores: no experiment
is trained here except one LeNet-5 epoch on 64 images.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import threading
import urllib.request
import warnings
import zipfile
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from sigcnn import cli
from sigcnn.core import cache, provenance, results
from sigcnn.core.cache import CacheWarning, read_entry, write_entry
from sigcnn.core.results import Result, ResultFileError, load_result, save_result
from sigcnn.data import registry, store, urbansound

SRC = Path(__file__).resolve().parents[1] / "src"
ROOT = os.geteuid() == 0


def _python(code: str, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter that imports this tree's sigcnn."""
    full = {**os.environ, "PYTHONPATH": str(SRC), "OMP_NUM_THREADS": "1", **(env or {})}
    return subprocess.run([sys.executable, "-c", code], env=full, capture_output=True, text=True, timeout=120, **kwargs)


# --------------------------------------------------------------------------------------------
# 1. two runs saving into one folder


def test_concurrent_writer_cannot_delete_the_committed_arrays(monkeypatch, tmp_path):
    """Before: run B committed between run A's commit and A's clean-up; A then deleted the arrays
    file B's result.json names (load_result: 'arrays file is missing'); both runs 'succeeded'."""
    save_result(Result("demo", "ci", {"a": 0.0}, {"x": np.zeros(3)}, {}), tmp_path)
    main = threading.current_thread()
    other = threading.Thread(
        target=save_result, args=(Result("demo", "ci", {"a": 1.0}, {"x": np.zeros(3)}, {}), tmp_path)
    )
    real = results._atomic_write

    def commit_then_let_the_other_run_save(target, write):
        real(target, write)
        if threading.current_thread() is main and not other.is_alive():
            other.start()
            other.join(timeout=1.5)  # the old code lets it finish here; the lock keeps it waiting

    monkeypatch.setattr(results, "_atomic_write", commit_then_let_the_other_run_save)
    save_result(Result("demo", "ci", {"a": 2.0}, {"x": np.ones(3)}, {}), tmp_path)
    other.join(timeout=30)
    assert not other.is_alive()
    loaded = load_result(tmp_path / "demo" / "ci" / "result.json")
    assert loaded.metrics == {"a": 1.0}  # the other run committed last
    np.testing.assert_array_equal(loaded.arrays["x"], np.zeros(3))
    assert sorted(p.name for p in (tmp_path / "demo" / "ci").iterdir() if p.name.startswith("arrays")) == [
        json.loads((tmp_path / "demo" / "ci" / "result.json").read_text())["arrays_file"]
    ]


def test_two_processes_saving_in_a_loop(tmp_path):
    """Two real processes, 25 saves each with alternating arrays; every read in between and at
    the end finds the arrays its result.json names."""
    code = f"""
import numpy as np, sys
from sigcnn.core.results import Result, save_result, load_result
who = int(sys.argv[1])
for i in range(25):
    save_result(Result("demo", "ci", {{"i": i}}, {{"x": np.full(3, float((i + who) % 2))}}, {{}}), {str(tmp_path)!r})
    load_result({str(tmp_path / "demo" / "ci")!r})
"""
    env = {**os.environ, "PYTHONPATH": str(SRC), "OMP_NUM_THREADS": "1"}
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(w)], env=env, stderr=subprocess.PIPE, text=True)
        for w in (0, 1)
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    load_result(tmp_path / "demo" / "ci")


# --------------------------------------------------------------------------------------------
# kills at chosen points: SIGKILL between write and rename, SIGTERM while writing


def test_sigkill_before_the_commit_keeps_the_old_pair_and_the_next_save_cleans_up(tmp_path):
    """Before: the killed writer's temporary file stayed in the folder for ever."""
    save_result(Result("demo", "ci", {"a": 1.0}, {"x": np.zeros(3)}, {}), tmp_path)
    code = f"""
import os, signal, numpy as np
from sigcnn.core import results
real = results._replace
def killed_at_commit(tmp, path):
    if path.name == "result.json":
        os.kill(os.getpid(), signal.SIGKILL)
    real(tmp, path)
results._replace = killed_at_commit
results.save_result(results.Result("demo", "ci", {{"a": 2.0}}, {{"x": np.ones(3)}}, {{}}), {str(tmp_path)!r})
"""
    assert _python(code).returncode == -signal.SIGKILL
    folder = tmp_path / "demo" / "ci"
    assert any(p.name.startswith(".result.json.") for p in folder.iterdir())  # the orphan
    assert load_result(folder).metrics == {"a": 1.0}  # the old pair still reads
    save_result(Result("demo", "ci", {"a": 3.0}, {"x": np.full(3, 3.0)}, {}), tmp_path)
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 2 and "result.json" in names, names  # no orphan, no stray arrays


def test_sigterm_while_writing_removes_the_temporary_file(tmp_path):
    """Before: SIGTERM killed the process mid-write (exit -15) and left ``.result.json.*.tmp``."""
    code = f"""
import os, signal, sys
from pathlib import Path
from sigcnn import cli
from sigcnn.core import results
def run(args):
    def write(handle):
        handle.write(b"partial")
        os.kill(os.getpid(), signal.SIGTERM)
        handle.write(b"never")
    results._atomic_write(Path({str(tmp_path)!r}) / "result.json", write)
    return 0
cli._cmd_run = run
sys.exit(cli.main(["run", "anything"]))
"""
    done = _python(code)
    assert done.returncode == 143, done.stderr
    assert done.stderr.strip() == "sigcnn: terminated (SIGTERM)"
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------------------------
# 3. a repair adds only what is missing


def _wav(i: int) -> bytes:
    return b"RIFF" + hashlib.sha256(str(i).encode()).digest()


def test_fsdd_repair_keeps_the_users_files(monkeypatch, tmp_path, empty_data_root):
    """Before: one recording missing made the repair rmtree ``recordings/`` with the user's
    ``my_own_take_7.wav`` and ``NOTES.txt`` in it."""
    files = {f"{d}_test_0.wav": _wav(d) for d in range(3)}
    manifest = {n: hashlib.md5(b).hexdigest() for n, b in files.items()}
    archive = tmp_path / "fsdd.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name, data in files.items():
            zf.writestr(f"free-spoken-digit-dataset-x/recordings/{name}", data)
    spec = replace(
        registry.FSDD, archive_url=archive.as_uri(), manifest_count=3, manifest_sha256=store.manifest_sha256(manifest)
    )
    monkeypatch.setattr(store, "fsdd_manifest", lambda: manifest)
    monkeypatch.setenv("SIGCNN_OFFLINE", "0")
    rec = empty_data_root / "FSDD" / "recordings"
    rec.mkdir(parents=True)
    for name in list(files)[:2]:
        (rec / name).write_bytes(files[name])
    (rec / "my_own_take_7.wav").write_bytes(b"mine")
    (rec / "NOTES.txt").write_text("my notes")
    before = (rec / "0_test_0.wav").stat().st_ino
    assert store.ensure_wav_folder(spec) == rec
    assert (rec / "my_own_take_7.wav").read_bytes() == b"mine"
    assert (rec / "NOTES.txt").read_text() == "my notes"
    assert (rec / "2_test_0.wav").read_bytes() == files["2_test_0.wav"]
    assert (rec / "0_test_0.wav").stat().st_ino == before  # present files are not replaced
    assert not list((empty_data_root / "FSDD").glob("staging-*"))


def test_urbansound_repair_keeps_the_users_files(monkeypatch, tmp_path, empty_data_root):
    """Before: the repair rmtree'd ``UrbanSound8K/`` (same code as FSDD)."""
    src = tmp_path / "src" / "UrbanSound8K"
    (src / "metadata").mkdir(parents=True)
    (src / "metadata" / "UrbanSound8K.csv").write_text("slice_file_name,fold\n")
    for i in range(2):
        (src / "audio" / f"fold{i + 1}").mkdir(parents=True)
        (src / "audio" / f"fold{i + 1}" / f"c{i}.wav").write_bytes(_wav(i))
    archive = tmp_path / "UrbanSound8K.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(src, arcname="UrbanSound8K")
    monkeypatch.setenv("SIGCNN_OFFLINE", "0")
    monkeypatch.setattr(
        urbansound, "URBANSOUND8K", replace(urbansound.URBANSOUND8K, manifest_count=2, archive_url=archive.as_uri())
    )
    folder = empty_data_root / "UrbanSound8K"
    (folder / "audio" / "fold1").mkdir(parents=True)
    (folder / "audio" / "fold1" / "c0.wav").write_bytes(_wav(0))
    (folder / "audio" / "fold1" / "my_clip.wav").write_bytes(b"mine")
    (folder / "NOTES.txt").write_text("notes")
    urbansound.ensure_urbansound8k()
    assert (folder / "NOTES.txt").read_text() == "notes"
    assert (folder / "audio" / "fold1" / "my_clip.wav").read_bytes() == b"mine"
    assert (folder / "audio" / "fold2" / "c1.wav").is_file() and (folder / "metadata" / "UrbanSound8K.csv").is_file()


# --------------------------------------------------------------------------------------------
# 4. caches verified on load


@pytest.fixture
def cache_root(monkeypatch, tmp_path):
    root = tmp_path / "cache"
    monkeypatch.setenv("SIGCNN_CACHE", str(root))
    return root


def _flip(path: Path, at: int = -40, count: int = 4) -> None:
    data = bytearray(path.read_bytes())
    for i in range(count):
        data[at + i] ^= 0xFF
    path.write_bytes(bytes(data))


def _npy(path: Path, value: np.ndarray) -> None:
    with path.open("wb") as handle:
        np.save(handle, value)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda p: _flip(p), id="four-bytes-flipped"),
        pytest.param(lambda p: p.write_bytes(p.read_bytes()[:100]), id="truncated"),
        pytest.param(lambda p: p.write_bytes(b""), id="empty"),
        pytest.param(lambda p: _npy(p, np.full((4, 1, 1), np.nan, np.float32)), id="plain-npy-nan"),
        pytest.param(lambda p: _npy(p, np.zeros((1, 1, 1), np.float32)), id="plain-npy-wrong-shape"),
    ],
)
def test_damaged_scattering_entry_is_recomputed(cache_root, damage):
    """Before: NaNs or a (1, 1, 1) array came back with ``from_cache=True``; a truncated or
    empty entry failed every later run with an error naming no file."""
    from sigcnn.models import scattering as sc

    x = np.random.default_rng(0).normal(size=(4, 16, 16)).astype(np.float32)
    fresh, hit = sc.scatter_images(x, 1, 4)
    assert not hit
    (entry,) = (cache_root / "scattering").glob("s2d-*.npy")
    damage(entry)
    with pytest.warns(CacheWarning, match=str(entry).replace("\\", "\\\\")):
        again, hit = sc.scatter_images(x, 1, 4)
    assert not hit
    np.testing.assert_array_equal(again, fresh)
    reread, hit = sc.scatter_images(x, 1, 4)  # recomputed and stored again
    assert hit
    np.testing.assert_array_equal(reread, fresh)


def test_flipped_lenet_weights_are_retrained_not_reused(cache_root):
    """Before: four bytes changed in ``lenet5-*.pt`` were loaded (test accuracy 0.97 -> 0.10) and
    the note said the weights were reused with 'identical configuration and code'."""
    from sigcnn.models import trained_lenet as rc

    g = torch.Generator().manual_seed(0)
    data = SimpleNamespace(
        split=SimpleNamespace(data_source="64 random images"),
        num_classes=10,
        x_train=torch.randn(64, 1, 32, 32, generator=g),
        y_train=torch.randint(0, 10, (64,), generator=g),
    )
    spec = rc.TrainingSpec(seed=3, epochs=1, batch_size=32, train_limit=64)
    device = torch.device("cpu")
    first = rc.trained_lenet(spec, data, device)
    assert not first.from_cache
    entry = Path(first.cache_file)
    assert rc.trained_lenet(spec, data, device).from_cache
    _flip(entry, at=-2000)  # inside the weights, not the zip directory
    with pytest.warns(CacheWarning, match="damaged"):
        again = rc.trained_lenet(spec, data, device)
    assert not again.from_cache and "trained in this run" in again.note
    for k, v in first.model.state_dict().items():
        torch.testing.assert_close(again.model.state_dict()[k], v, rtol=0, atol=0)


def test_lenet_cache_note_names_the_entry_not_a_machine_path(cache_root):
    """Before: the note said 'weights cached at /root/.cache/sigcnn/lenet5-....pt', and the line went
    into the stored result notes. Now it names the entry relative to the cache root."""
    from sigcnn.models import trained_lenet as tl

    g = torch.Generator().manual_seed(1)
    data = SimpleNamespace(
        split=SimpleNamespace(data_source="32 random images"),
        num_classes=10,
        x_train=torch.randn(32, 1, 32, 32, generator=g),
        y_train=torch.randint(0, 10, (32,), generator=g),
    )
    spec = tl.TrainingSpec(seed=5, epochs=1, batch_size=16, train_limit=32)
    trained = tl.trained_lenet(spec, data, torch.device("cpu"))
    reused = tl.trained_lenet(spec, data, torch.device("cpu"))
    assert Path(trained.cache_file).parent == cache_root and reused.from_cache
    for net in (trained, reused):
        entry = Path(net.cache_file).name
        assert entry.startswith("lenet5-") and f"cache entry {entry}" in net.note
        words = net.note.replace("(", " ").replace(")", " ").split()
        assert not any(Path(w).is_absolute() or "/" in w or "\\" in w for w in words), net.note
        assert str(cache_root) not in net.note


# --------------------------------------------------------------------------------------------
# 5. stale reuse after a code change


def test_editing_a_data_transform_changes_the_lenet_cache_key(tmp_path):
    """Before: the key hashed four modules, so ``/255.0`` -> ``/25.5`` in ``data/transforms.py``
    reused the network trained with the old transform."""
    copy = tmp_path / "src"
    shutil.copytree(SRC / "sigcnn", copy / "sigcnn", ignore=shutil.ignore_patterns("__pycache__"))
    code = """
import torch
from pathlib import Path
from sigcnn.models import trained_lenet as rc
import sigcnn.data.transforms as t
key = lambda: rc.cache_key(rc.TrainingSpec(), "mnist", torch.device("cpu"), 10)
before = key()
path = Path(t.__file__)
path.write_text(path.read_text() + "\\nSCALE = 25.5\\n")
print(before != key())
"""
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(copy), "OMP_NUM_THREADS": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"


def test_source_digest_sees_any_file_and_only_sources(tmp_path):
    tree = tmp_path / "pkg"
    (tree / "data").mkdir(parents=True)
    (tree / "data" / "transforms.py").write_text("x = 1 / 255.0\n")
    (tree / "a.py").write_text("")
    first = provenance.source_digest(tree)
    (tree / "data" / "__pycache__").mkdir()
    (tree / "data" / "__pycache__" / "transforms.cpython-311.pyc").write_bytes(b"junk")
    (tree / "notes.txt").write_text("not code")
    assert provenance.source_digest(tree) == first
    (tree / "data" / "transforms.py").write_text("x = 1 / 25.5\n")
    assert provenance.source_digest(tree) != first
    with pytest.raises(ValueError, match="not a folder"):
        provenance.source_digest(tmp_path / "nowhere")


def test_unknown_commit_is_stale_in_load_or_run(monkeypatch, tmp_path):
    """Before: without git the commit is ``unknown`` on both sides, so a stored result was reused
    even after the code changed (a metric added)."""
    from sigcnn import experiments

    runs = []
    exp = experiments.describe("modulation-identities")
    real_run = type(exp).run

    def counted(self, config, progress=False):
        runs.append(config.scale)
        return real_run(self, config, progress)

    monkeypatch.setattr(type(exp), "run", counted)
    monkeypatch.setattr(provenance, "git_commit", lambda: "unknown")
    experiments.load_or_run("modulation-identities", "ci", out_dir=tmp_path)
    experiments.load_or_run("modulation-identities", "ci", out_dir=tmp_path)
    assert len(runs) == 2
    # with a known clean commit the same file is reused, and a different source digest is not
    monkeypatch.setattr(provenance, "git_commit", lambda: "abc123")
    experiments.load_or_run("modulation-identities", "ci", out_dir=tmp_path)
    experiments.load_or_run("modulation-identities", "ci", out_dir=tmp_path)
    assert len(runs) == 3
    monkeypatch.setattr(provenance, "source_digest", lambda root=None: "0" * 64)
    experiments.load_or_run("modulation-identities", "ci", out_dir=tmp_path)
    assert len(runs) == 4


def test_truncated_stored_result_is_run_again(monkeypatch, tmp_path):
    from sigcnn import experiments

    monkeypatch.setattr(provenance, "git_commit", lambda: "abc123")
    first = experiments.load_or_run("modulation-identities", "ci", out_dir=tmp_path)
    stored = tmp_path / "modulation-identities" / "ci" / "result.json"
    stored.write_text(stored.read_text()[:50])
    with pytest.warns(UserWarning, match="result.json"):
        again = experiments.load_or_run("modulation-identities", "ci", out_dir=tmp_path)
    assert again.metrics == first.metrics
    load_result(stored)


# --------------------------------------------------------------------------------------------
# 6. no temporary file follows a planted symlink


def test_planted_symlink_at_the_old_temp_name_is_not_followed(cache_root, tmp_path):
    """Before: the scattering cache wrote ``<key>.<pid>.tmp.npy`` through a planted symlink, so an
    unrelated file began with ``\\x93NUMPY``."""
    from sigcnn.models import scattering as sc

    x = np.random.default_rng(1).normal(size=(2, 16, 16)).astype(np.float32)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    path = sc.cache_dir() / f"s2d-{sc.cache_key('s2d', {'J': 1, 'L': 4}, x)}.npy"
    path.parent.mkdir(parents=True)
    path.with_suffix(f".{os.getpid()}.tmp.npy").symlink_to(victim)
    sc.scatter_images(x, 1, 4)
    assert victim.read_text() == "precious"
    assert read_entry(path, np.load) is not None


def test_cache_write_through_mkstemp_only(monkeypatch, tmp_path):
    """Every cache write opens its temporary file with mkstemp (O_EXCL: never an existing name)."""
    made = []
    real = cache.tempfile.mkstemp

    def spy(*args, **kwargs):
        made.append(kwargs.get("dir"))
        return real(*args, **kwargs)

    monkeypatch.setattr(cache.tempfile, "mkstemp", spy)
    assert write_entry(tmp_path / "e.bin", lambda h: h.write(b"x"))
    assert made == [tmp_path]


# --------------------------------------------------------------------------------------------
# 7. folders checked before the work; a cache write that fails is a warning


@pytest.fixture
def no_run(monkeypatch):
    """Make an experiment's run fail the test: the checks must come first."""
    from sigcnn import experiments

    exp = experiments.describe("modulation-identities")

    def boom(self, config, progress=False):
        raise AssertionError("the run started before the folder check")

    monkeypatch.setattr(type(exp), "run", boom)


def test_file_at_out_name_scale_fails_before_the_run(no_run, capsys, tmp_path):
    """Before: a file at ``out/NAME/SCALE`` failed only when the result was saved, after the work."""
    (tmp_path / "modulation-identities").mkdir()
    (tmp_path / "modulation-identities" / "ci").write_text("in the way")
    assert cli.main(["run", "modulation-identities", "--out", str(tmp_path), "--quiet"]) == 2
    assert "is a file" in capsys.readouterr().err


def test_unwritable_cache_is_a_warning_before_the_run_and_the_run_completes(monkeypatch, capsys, tmp_path):
    """Before: the cache lived in an unwritable ``$SIGCNN_RESULTS`` even with ``--out`` given, and
    a cache write failed the run after the work."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("SIGCNN_RESULTS", str(blocker / "results"))  # cannot be created (root or not)
    monkeypatch.delenv("SIGCNN_CACHE", raising=False)
    assert cli.main(["run", "modulation-identities", "--out", str(tmp_path / "out"), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "warning: cache cannot write" in err and str(blocker) in err
    load_result(tmp_path / "out" / "modulation-identities" / "ci")


@pytest.mark.skipif(ROOT, reason="root writes into read-only folders")
def test_read_only_results_folder_is_a_warning(monkeypatch, capsys, tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    monkeypatch.setenv("SIGCNN_RESULTS", str(ro))
    monkeypatch.delenv("SIGCNN_CACHE", raising=False)
    try:
        assert cli.main(["run", "modulation-identities", "--out", str(tmp_path / "out"), "--quiet"]) == 0
    finally:
        ro.chmod(0o755)
    assert "warning: cache" in capsys.readouterr().err


def test_full_disk_during_a_cache_write_is_a_warning_and_leaves_no_partial_file(tmp_path):
    """Before: ENOSPC/EFBIG during a cache write aborted the run and left the partial file.
    Simulated with ``ulimit -f`` (RLIMIT_FSIZE of 64 KiB, SIGXFSZ ignored so the write fails)."""
    code = f"""
import signal, resource, warnings, numpy as np
from pathlib import Path
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))
from sigcnn.core.cache import cached
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    value, hit = cached(Path({str(tmp_path)!r}) / "big.npy", lambda: np.ones(100_000),
                        dump=lambda h, v: np.save(h, v), load=np.load)
print(hit, value.shape[0], [str(w.message) for w in caught])
"""
    done = _python(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("False 100000")
    assert "could not write cache entry" in done.stdout and "big.npy" in done.stdout
    assert list(tmp_path.iterdir()) == []


def test_orphaned_cache_temp_files_are_removed_when_old(tmp_path):
    old = tmp_path / ".x.npy.abc.cache-tmp"
    new = tmp_path / ".y.npy.def.cache-tmp"
    old.write_bytes(b"partial")
    new.write_bytes(b"being written")
    os.utime(old, (0, 0))
    assert write_entry(tmp_path / "z.npy", lambda h: h.write(b"z"))
    assert not old.exists() and new.exists()


# --------------------------------------------------------------------------------------------
# 8. torchvision weights through sigcnn's downloader


def test_weight_downloads_use_the_connect_timeout_and_the_failed_host_rule(monkeypatch, tmp_path):
    """Before: torchvision's own download tried every model (one connect of ~136 s each with
    packets dropped, 48 min for 21 models) and the note said 'offline' with SIGCNN_OFFLINE unset."""
    from sigcnn.experiments import pretrained_max_gain as pmg

    attempts = []

    def dropped(address, timeout=None, *args, **kwargs):
        attempts.append((address, timeout))
        raise TimeoutError("timed out")

    def no_urlopen(*args, **kwargs):
        attempts.append(("urlopen", None))
        raise OSError("network unreachable")

    monkeypatch.setenv("SIGCNN_OFFLINE", "0")
    monkeypatch.setattr(socket, "create_connection", dropped)
    monkeypatch.setattr(urllib.request, "urlopen", no_urlopen)
    monkeypatch.setattr(torch.hub, "urlopen", no_urlopen, raising=False)
    monkeypatch.setattr(store, "_FAILED_HOSTS", {})
    monkeypatch.setattr(torch.hub, "get_dir", lambda: str(tmp_path / "hub"))
    config = SimpleNamespace(models=("resnet18", "alexnet", "vgg11"), weights="IMAGENET1K_V1")
    points, missing, _ = pmg._measure_imagenet(config, torch.device("cpu"), False)
    assert points.names == [] and list(missing) == list(config.models)
    assert len(attempts) == 1 and attempts[0][1] == store.CONNECT_TIMEOUT_S
    note = pmg.why_missing(missing)
    assert "offline" not in note and "no connection within 10 s" in note
    assert "failed earlier" in missing["vgg11"]


def test_offline_weights_say_offline(monkeypatch, tmp_path):
    from sigcnn.probes.max_gain import WeightsUnavailable, ensure_weights, weights_of

    monkeypatch.setattr(torch.hub, "get_dir", lambda: str(tmp_path / "hub"))
    with pytest.raises(WeightsUnavailable, match="SIGCNN_OFFLINE=1"):
        ensure_weights(weights_of("resnet18"))


# --------------------------------------------------------------------------------------------
# 9. SIGCNN_DEVICE


def test_sigcnn_device_is_read_and_checked(monkeypatch, capsys, tmp_path):
    """Before: ``device="auto"`` defaults won over the variable, so ``SIGCNN_DEVICE=cpu`` was
    ignored on a GPU machine and ``SIGCNN_DEVICE=bogus`` ran with exit 0."""
    from sigcnn.core import runtime

    monkeypatch.setenv("SIGCNN_DEVICE", "cuda")
    if not torch.cuda.is_available():  # CPU machine: the variable asks for what is not there
        with pytest.raises(ValueError, match="no CUDA device"):
            runtime.resolve_device("auto")
    else:  # GPU machine: the variable keeps the run on the CPU
        monkeypatch.setenv("SIGCNN_DEVICE", "cpu")
        assert runtime.resolve_device("auto").type == "cpu"
    monkeypatch.setenv("SIGCNN_DEVICE", "cpu")
    assert runtime.device_name("auto") == "cpu" and runtime.resolve_device(None).type == "cpu"
    assert runtime.device_name("cuda") == "cuda"  # a device named by the run wins
    monkeypatch.setenv("SIGCNN_DEVICE", "bogus")
    with pytest.raises(ValueError, match="SIGCNN_DEVICE 'bogus'"):
        runtime.resolve_device(None)
    assert cli.main(["run", "modulation-identities", "--out", str(tmp_path), "--quiet"]) == 2
    assert "SIGCNN_DEVICE 'bogus'" in capsys.readouterr().err
    assert not (tmp_path / "modulation-identities" / "ci" / "result.json").exists()


# --------------------------------------------------------------------------------------------
# 10. the smaller faults


def _reference(root: Path, seed: int, folder: str | None = None, **metrics) -> Path:
    result = Result("recos-sphere", "ci", metrics or {"m": 1.0 + seed}, {}, {"seed": seed, "config": {"seed": seed}})
    return save_result(result, root / (folder or f"seed-{seed}"))


def test_reference_loader_is_strict_and_names_the_file(tmp_path):
    """Before: a copied run counted as a fourth seed, a folder's seed was not checked against its
    JSON, a null metric was dropped silently, and one truncated JSON crashed the page unnamed."""
    from sigcnn import reference

    for s in range(3):
        _reference(tmp_path, s)
    assert len(reference.stored_references("recos-sphere", tmp_path)["ci"]) == 3
    shutil.copytree(tmp_path / "seed-0", tmp_path / "seed-0-copy")
    with pytest.raises(ResultFileError, match="seed-0-copy"):
        reference.stored_references("recos-sphere", tmp_path)
    shutil.rmtree(tmp_path / "seed-0-copy")
    shutil.copytree(tmp_path / "seed-0", tmp_path / "seed-7")
    with pytest.raises(ResultFileError, match=r"seed-7.*'provenance.seed' is 0 but its folder says 7"):
        reference.stored_references("recos-sphere", tmp_path)
    shutil.rmtree(tmp_path / "seed-7")
    _reference(tmp_path, 2, m=None)
    with pytest.warns(UserWarning, match="null or absent in seed-2"):
        value = reference.reference_value("recos-sphere", "m", tmp_path)
    assert value.values == [1.0, 2.0] and value.without_value == ("seed-2",)
    broken = tmp_path / "seed-1" / "recos-sphere" / "ci" / "result.json"
    broken.write_text(broken.read_text()[:40])
    with pytest.raises(ResultFileError, match=str(broken)):
        reference.stored_references("recos-sphere", tmp_path)


def test_arrays_sha256_set_to_null_is_refused(tmp_path):
    """Before: editing ``arrays_sha256`` to null made swapped arrays load."""
    path = save_result(Result("demo", "ci", {"a": 1.0}, {"x": np.zeros(3)}, {}), tmp_path)
    payload = json.loads(path.read_text())
    np.savez_compressed((path.parent / payload["arrays_file"]).with_suffix(""), x=np.ones(3))
    payload["arrays_sha256"] = None
    path.write_text(json.dumps(payload))
    with pytest.raises(ResultFileError, match="no arrays_sha256"):
        load_result(path)


@pytest.mark.skipif(ROOT, reason="root reads files without read permission")
def test_unreadable_data_file_is_reported_not_a_traceback(monkeypatch, capsys, tmp_path, real_data_root):
    """Before: ``sigcnn data status`` ended in ``sigcnn: PermissionError``."""
    root = tmp_path / "data"
    shutil.copytree(real_data_root / "MNIST", root / "MNIST")
    victim = next((root / "MNIST").rglob("*.gz"))
    victim.chmod(0)
    monkeypatch.setenv("SIGCNN_DATA", str(root))
    try:
        assert cli.main(["data", "status"]) == 0
    finally:
        victim.chmod(0o644)
    out = capsys.readouterr().out
    assert "unreadable (Permission denied)" in out and victim.name in out


def test_unreadable_file_digest_is_a_reason_not_an_error(monkeypatch, tmp_path):
    """The same fault where the tests run as root: a read that fails with EACCES."""
    path = tmp_path / "f.gz"
    path.write_bytes(b"x")

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(store, "file_digest", denied)
    remote = registry.RemoteFile("f.gz", "0" * 32)
    assert store.file_state(path, remote) == "corrupt"
    assert store._md5(path) == "unreadable (Permission denied)"


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(
            lambda: __import__("sigcnn.signals.wavelets").signals.wavelets.uncertainty_product(np.zeros(8)),
            id="uncertainty_product",
        ),
        pytest.param(
            lambda: __import__("sigcnn.signals.spectral_summaries").signals.spectral_summaries.total_variation_distance(
                np.zeros(4), np.ones(4)
            ),
            id="total_variation_distance",
        ),
        pytest.param(
            lambda: __import__("sigcnn.signals.stable_noise").signals.stable_noise.top_energy_share(np.zeros((2, 8))),
            id="top_energy_share",
        ),
        pytest.param(
            lambda: __import__("sigcnn.signals.stable_noise").signals.stable_noise.empirical_snr_db(
                np.zeros(4), np.zeros(4)
            ),
            id="empirical_snr_db",
        ),
    ],
)
def test_all_zero_input_is_a_clear_error_not_nan(call):
    """Before: NaN with a RuntimeWarning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="zero"):
            call()


def test_zero_spread_cases_keep_their_meaning():
    from sigcnn.signals.stable_noise import empirical_snr_db
    from sigcnn.signals.wavelets import uncertainty_product

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert empirical_snr_db(np.ones(4), np.ones(4)) == np.inf
        assert empirical_snr_db(np.zeros(4), np.ones(4)) == -np.inf
    window = np.hanning(64)
    assert uncertainty_product(1e200 * window) == pytest.approx(uncertainty_product(window), rel=1e-12)


def test_unit_vectors_of_huge_and_tiny_vectors():
    """Before: ``unit_vectors(1e200 * x)`` returned zeros (the norm overflowed)."""
    from sigcnn.signals.sphere import unit_vectors

    x = np.array([[3.0, 4.0], [1.0, 0.0]])
    expected = np.array([[0.6, 0.8], [1.0, 0.0]])
    for scale in (1e200, 1.0, 1e-200):
        np.testing.assert_allclose(unit_vectors(scale * x), expected, rtol=1e-15)


def test_dcase2016_metadata_has_a_checksum():
    """Before: the metadata archive was checked for presence only."""
    (meta,) = registry.DCASE2016.files
    assert meta.md5 == "779b33da2ebbf8bde494b3c981827251"


def test_rlimit_fsize_is_available():
    """The full-disk test relies on RLIMIT_FSIZE (``ulimit -f``), present on Linux and macOS."""
    assert resource.getrlimit(resource.RLIMIT_FSIZE)[0] != 0
