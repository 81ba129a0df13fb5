"""Which code a stored run came from: the import-graph digest and the trust in a recorded commit."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta

import pytest

from sigcnn.core.code_state import commit_time, module_digest
from sigcnn.core.provenance import PACKAGE_ROOT, git_commit, short_commit
from sigcnn.core.results import Result
from sigcnn.reference import code_status


@pytest.fixture
def tree_copy(tmp_path):
    shutil.copytree(PACKAGE_ROOT, tmp_path / "sigcnn", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def _reader(root):
    def read(rel):
        path = root / rel
        return path.read_bytes() if path.is_file() else None

    return read


def test_digest_follows_the_import_graph_and_only_it(tree_copy):
    module = "sigcnn.experiments.recos_sphere"
    before = module_digest(module, _reader(tree_copy))
    assert before == module_digest(module)  # same sources, same digest
    # a module it imports (through experiments._base -> verdicts) changes: the digest changes
    verdicts = tree_copy / "sigcnn" / "verdicts.py"
    verdicts.write_text(verdicts.read_text() + "\n# edited\n")
    assert module_digest(module, _reader(tree_copy)) != before
    # a module outside its graph changes: the digest stays
    verdicts.write_text(verdicts.read_text().removesuffix("\n# edited\n"))
    widget = tree_copy / "sigcnn" / "widgets" / "lenses.py"
    widget.write_text(widget.read_text() + "\n# edited\n")
    assert module_digest(module, _reader(tree_copy)) == before
    with pytest.raises(ValueError, match="no source"):
        module_digest("sigcnn.nope", _reader(tree_copy))


def _result(commit, finished_at, wall=10.0):
    return Result(
        "recos-sphere",
        "ci",
        {},
        {},
        {"git_commit": commit, "finished_at": finished_at, "wall_time_s": wall, "config": {}},
    )


def test_code_status_distrusts_dirty_unknown_and_later_commits():
    assert code_status(_result("unknown", "2026-01-01T00:00:00+00:00"))[0] == "unknown"
    assert code_status(_result("abc-dirty", "2026-01-01T00:00:00+00:00")) == ("unknown", "ran from uncommitted changes")
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PACKAGE_ROOT, capture_output=True, text=True).stdout.strip()
    made = commit_time(head)
    if made is None:
        pytest.skip("no git history here")
    started_before = (made - timedelta(seconds=30)).isoformat()  # finished 30 s before the commit, ran 10 s
    assert code_status(_result(head, started_before)) == (
        "unknown",
        "its recorded commit was made after the run started",
    )
    assert code_status(_result("0" * 40, made.isoformat()))[0] == "unknown"


def test_short_commit_keeps_the_dirty_flag():
    assert short_commit("0123456789abcdef0123-dirty") == "0123456789ab-dirty"
    assert short_commit("unknown") == "unknown"


def test_a_run_is_dirty_only_when_the_package_it_executes_is_modified(tmp_path):
    def git(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    (tmp_path / "pkg").mkdir()
    (tmp_path / "results").mkdir()
    (tmp_path / "pkg" / "code.py").write_text("x = 1\n")
    (tmp_path / "results" / "result.json").write_text("{}\n")
    git("init", "-q")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "start")
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=tmp_path, capture_output=True, text=True).stdout.strip()
    assert git_commit(tmp_path / "pkg") == head
    (tmp_path / "results" / "result.json").write_text('{"x": 1}\n')  # a reference batch rewrote a result
    (tmp_path / "pkg" / "new.py").write_text("")  # untracked: not part of the commit's code either way
    assert git_commit(tmp_path / "pkg") == head
    (tmp_path / "pkg" / "code.py").write_text("x = 2\n")
    assert git_commit(tmp_path / "pkg") == head + "-dirty"
    assert git_commit(tmp_path) == head + "-dirty"
