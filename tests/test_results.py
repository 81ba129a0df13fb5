"""Result files are written atomically: a failure leaves the previous file intact."""

import json

import numpy as np
import pytest

from sigcnn.core.results import Result, load_result, save_result


def test_failed_write_keeps_previous_file(tmp_path, monkeypatch):
    good = Result("demo", "ci", {"a": 0.5}, {"x": np.arange(3)}, {"data_source": "test"})
    path = save_result(good, tmp_path)
    before = path.read_text()

    class Boom(Exception):
        pass

    def exploding_dumps(*args, **kwargs):
        raise Boom

    monkeypatch.setattr(json, "dumps", exploding_dumps)
    with pytest.raises(Boom):
        save_result(Result("demo", "ci", {"a": 0.9}, {}, {}), tmp_path)
    monkeypatch.undo()
    assert path.read_text() == before
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_non_finite_metrics_become_null(tmp_path):
    path = save_result(Result("demo", "ci", {"a": float("nan"), "b": np.float32(0.25)}, {}, {}), tmp_path)
    loaded = load_result(path)
    assert loaded.metrics == {"a": None, "b": 0.25}
