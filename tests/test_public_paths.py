"""Published pages show no machine paths (issue 21, item 20): one helper formats them, book.public_paths."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sigcnn import book
from sigcnn.core.results import Result


@pytest.fixture
def roots(tmp_path, monkeypatch):
    data, results = tmp_path / "data", tmp_path / "site" / "_build" / "results"
    data.mkdir(parents=True), results.mkdir(parents=True)
    monkeypatch.setenv("SIGCNN_DATA", str(data))
    monkeypatch.setenv("SIGCNN_RESULTS", str(results))
    return data.resolve(), results.resolve()


def _result(notes, data_source="MNIST"):
    provenance = {"device": "cpu", "wall_time_s": 1.0, "git_commit": "abc", "data_source": data_source, "notes": notes}
    return Result("recos-sphere", "ci", {}, {}, provenance)


def test_provenance_shows_paths_relative_to_their_roots(roots):
    data, results = roots
    notes = [
        f"dataset 'cifar10' is missing cifar-10-python.tar.gz in {data}/CIFAR10 (offline).",
        f"LeNet-5 weights reused from {results}/_cache/lenet5-0123abcd.pt (identical configuration and code).",
        f"read {results}/recos-sphere/ci/result.json.",
        "made elsewhere: /home/someone/book/_build/results/channel-ber/ci/result.json and /opt/x/y/weights.pt",
    ]
    text = book.provenance_markdown(_result(notes, data_source=f"MNIST under {data}/MNIST"))
    assert "$SIGCNN_DATA/CIFAR10 (offline)" in text and "$SIGCNN_DATA/MNIST" in text
    assert "$SIGCNN_RESULTS/_cache/lenet5-0123abcd.pt (identical" in text
    assert "$SIGCNN_RESULTS/recos-sphere/ci/result.json." in text
    assert "$SIGCNN_RESULTS/channel-ber/ci/result.json" in text and "…/weights.pt" in text
    # no absolute path is left: every "/" starts after a placeholder or inside a relative path
    assert str(data) not in text and str(results) not in text and "/home/" not in text and "/opt/" not in text
    assert not re.search(r"(?<![\w.~$:/…])/\w", text)


def test_words_and_urls_are_left_alone(roots):
    text = "lr 1/3 and x/y, 28x28; see https://example.org/a/b and $TORCH_HOME/hub/checkpoints."
    assert book.public_paths(text) == text


def test_temporary_and_home_folders(roots, monkeypatch):
    import tempfile
    from pathlib import Path

    tmp = Path(tempfile.gettempdir()).resolve()
    assert (
        book.public_paths(f"data in {tmp}/pytest-1/data0/MNIST.") == "data in <temporary folder>/pytest-1/data0/MNIST."
    )
    home = Path("~").expanduser()
    if str(home) not in (str(tmp), "/"):
        assert book.public_paths(f"{home}/.cache/x") in ("~/.cache/x", "$TORCH_HOME/hub/x")


_ABSOLUTE = re.compile(r"(?<![\w.~$:/])/[^\s,;:()'\"`]+")
"""An absolute path in running text (a ``/`` after no word, dot, ``~``, ``$``, ``:`` or ``/``: no URL,
no fraction, no ``$SIGCNN_DATA/...``)."""


def _strings(value):
    if isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, str):
        yield value


def absolute_paths(payload) -> list[str]:
    """Every absolute path in the strings of a ``result.json`` object (keys and values, at any depth)."""
    return [p for text in _strings(payload) for p in _ABSOLUTE.findall(text)]


def test_no_stored_reference_run_holds_an_absolute_path():
    stored = sorted((Path(__file__).resolve().parents[1] / "results" / "reference").glob("**/result.json"))
    if not stored:
        pytest.skip("no stored reference runs in this tree")
    found = {str(p): paths for p in stored if (paths := absolute_paths(json.loads(p.read_text())))}
    assert not found, (
        f"machine paths in stored runs (benchmarks/relative_paths_in_stored_notes.py fixes notes): {found}"
    )


def test_the_absolute_path_check_catches_a_planted_path():
    planted = {
        "provenance": {
            "notes": ["LeNet-5 weights reused from /root/.cache/sigcnn/results/_cache/lenet5-ab.pt (identical)."],
            "config": {"root": "/work/shared/data"},
        }
    }
    assert absolute_paths(planted) == ["/root/.cache/sigcnn/results/_cache/lenet5-ab.pt", "/work/shared/data"]
    fine = {"notes": ["in $SIGCNN_DATA/MNIST, split 8,000/2,000; see https://example.org/a; raw/train.gz; 1/f^2"]}
    assert absolute_paths(fine) == []
