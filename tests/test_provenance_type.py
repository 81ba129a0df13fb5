"""The typed provenance (issue 24, item 2): one dataclass, stored runs load and save byte for byte."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest
import torch

from sigcnn.core.provenance import Provenance, make_provenance, plain, short_commit
from sigcnn.core.results import Result, load_result, save_result

REFERENCE = Path(__file__).resolve().parents[1] / "results" / "reference"
STORED = sorted(REFERENCE.glob("**/result.json"))


@pytest.mark.skipif(not STORED, reason="no stored reference runs in this tree")
def test_every_stored_reference_run_round_trips_unchanged():
    for path in STORED:
        payload = json.loads(path.read_text())["provenance"]
        prov = Provenance.from_dict(payload)
        assert json.dumps(prov.to_dict()) == json.dumps(payload), path  # same keys, same order, same values
        assert load_result(path, with_arrays=False).provenance == prov


def test_a_saved_result_writes_the_provenance_it_read(tmp_path):
    payload = {
        "config": {"scale": "ci", "seed": 1, "sizes": [1, 2]},
        "scale": "ci",
        "seed": 1,
        "device": "cuda (NVIDIA H100 80GB HBM3)",
        "versions": {"python": "3.12"},
        "git_commit": "0123456789abcdef0123456789abcdef01234567-dirty",
        "source_sha256": "a" * 64,
        "data_source": "MNIST",
        "wall_time_s": 12.5,
        "finished_at": "2025-01-02T03:04:05+00:00",
        "notes": ["one", "two"],
        "experiment_source_sha256": "b" * 64,
        "a_future_field": {"kept": True},
    }
    save_result(Result("x", "ci", {"m": 1.0}, {}, payload), tmp_path)
    stored = json.loads((tmp_path / "x" / "ci" / "result.json").read_text())["provenance"]
    assert list(stored) == list(payload) and stored == payload
    prov = load_result(tmp_path / "x" / "ci").provenance
    assert (prov.commit, prov.dirty, prov.day, prov.device_name) == (
        "0123456789ab-dirty",
        True,
        "2025-01-02",
        "cuda",
    )
    assert prov.data_source == "MNIST" and prov.notes == ("one", "two")
    assert not isinstance(prov, Mapping)  # attributes only: the dict is the stored form (to_dict)
    with pytest.raises(TypeError):
        prov["data_source"]  # type: ignore[index]
    with pytest.raises(FrozenInstanceError):
        prov.seed = 2  # type: ignore[misc]


def test_make_provenance_records_the_experiment_digest_only_when_known():
    cfg = {"scale": "ci", "seed": 0}
    without = make_provenance(cfg, torch.device("cpu"), "d", 1.0, commit="c", source="s")
    assert "experiment_source_sha256" not in without.to_dict()
    with_digest = make_provenance(cfg, torch.device("cpu"), "d", 1.0, commit="c", source="s", experiment_source="e")
    assert with_digest.to_dict()["experiment_source_sha256"] == "e" and with_digest.device_name == "cpu"


def test_formatters_on_unknown_values():
    prov = Provenance()
    assert (prov.commit, prov.dirty, prov.day) == ("unknown", False, "?")
    assert short_commit("") == "unknown" and short_commit("abc-dirty") == "abc-dirty"
    assert plain({"a": (1, (2, 3))}) == {"a": [1, [2, 3]]}
    with pytest.raises(TypeError, match="mapping"):
        Provenance.from_dict(["not", "a", "dict"])  # type: ignore[arg-type]
