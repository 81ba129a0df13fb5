"""Stored reference runs: cells with the controls' verdict, one report column per scale, the words in the chapters."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import replace
from datetime import timedelta

import pytest
import torch

from sigcnn import book, experiments, reference
from sigcnn.core.code_state import commit_time, module_digest
from sigcnn.core.provenance import make_provenance
from sigcnn.core.results import Result, save_result
from sigcnn.report import reference_cell, rows_for, to_markdown


def _store(root, name, scale, seed, metrics, **overrides):
    config = replace(experiments.describe(name).make_config(scale, **overrides), seed=seed)
    provenance = make_provenance(config, torch.device("cpu"), "test data", 60.0)
    # today's code: a clean commit made before the run, and the experiment's current digest
    commit = provenance.git_commit.removesuffix("-dirty")
    made = commit_time(commit)
    provenance = replace(
        provenance,
        git_commit=commit,
        experiment_source_sha256=module_digest(experiments.describe(name).measure.__module__),
        # finished two minutes after the commit was made (a run started right after a commit is current)
        finished_at=(made + timedelta(seconds=120 + 60)).isoformat() if made else provenance.finished_at,
    )
    result = Result(name, scale, metrics, {}, provenance)
    save_result(result, root / f"seed-{seed}")
    return result


def _cnn_row():
    return next(r for r in experiments.describe("scattering-audio").report_rows if r.metric == "cnn_accuracy")


def test_one_run_shows_its_training_seeds_and_where_it_falls_against_its_own_controls(tmp_path):
    m = "cnn_accuracy"
    _store(
        tmp_path,
        "scattering-audio",
        "laptop",
        0,
        {m: 0.8, f"{m}_trained_min": 0.74, f"{m}_trained_max": 0.82, f"{m}_control_min": 0.1, f"{m}_control_max": 0.1},
    )
    cell = reference_cell("scattering-audio", _cnn_row(), tmp_path)
    assert cell.startswith("80.00 % (training seeds 74.00 % … 82.00 %); above controls (10.00 %) [laptop, cpu")


def test_several_runs_pool_their_controls_before_the_verdict(tmp_path):
    m = "cnn_accuracy"
    # seed 0: controls 0.10 … 0.30; seed 1: controls 0.05 … 0.20; pooled 0.05 … 0.30. Mean (0.2 + 0.3) / 2 = 0.25.
    _store(tmp_path, "scattering-audio", "laptop", 0, {m: 0.2, f"{m}_control_min": 0.1, f"{m}_control_max": 0.3})
    _store(tmp_path, "scattering-audio", "laptop", 1, {m: 0.3, f"{m}_control_min": 0.05, f"{m}_control_max": 0.2})
    ref = reference.reference_value("scattering-audio", m, tmp_path)
    assert ref.controls == (0.05, 0.3) and ref.versus_controls == "within controls"
    # each run alone would say "above" for seed 1 (0.3 > 0.2): pooling must not keep only the last run
    cell = reference_cell("scattering-audio", _cnn_row(), tmp_path)
    assert "25.00 % (20.00 % … 30.00 %, 2 seeds); within controls (5.00 % … 30.00 %)" in cell


def test_the_report_has_one_reference_column_per_stored_scale_largest_first(tmp_path):
    name = "recos-sphere"
    metric = experiments.describe(name).report_rows[0].metric
    _store(tmp_path, name, "laptop", 0, {metric: -0.9})
    _store(tmp_path, name, "full", 0, {metric: -0.99})
    ci = Result(name, "ci", {metric: -0.5}, {}, {"data_source": "here"})
    lines = rows_for(ci, reference_root=tmp_path)
    assert list(lines[0].references) == ["full", "laptop"]
    assert lines[0].references["full"].startswith("-0.99 [full")
    assert lines[0].references["laptop"].startswith("-0.9 [laptop")
    table = to_markdown(lines[:1], with_experiment=False)
    heads = [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<th[^>]*>(.*?)</th>", table)]
    row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", table).group(1)
    cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td>(.*?)</td>", row)]
    assert heads.index("reference (full)") < heads.index("reference (laptop)")
    assert cells[heads.index("reference (full)")] == "-0.99" and cells[heads.index("reference (laptop)")] == "-0.9"
    assert cells[heads.index("ours (ci)")] == "-0.5" and "<strong>" in row
    # the provenance of each reference value is in the fold under the table
    fold = table.split("<details")[1]
    assert "[full, cpu" in fold and "[laptop, cpu" in fold


def test_the_words_name_seeds_data_and_staleness(tmp_path):
    name = "recos-negative"
    assert "No reference run" in book.reference_markdown(name, tmp_path)
    for seed in (0, 1):
        _store(tmp_path, name, "laptop", seed, {"accuracy_original": 0.9}, dataset="fashion-mnist")
    words = book.reference_markdown(name, tmp_path, dataset="mnist")
    assert "2 stored runs at scale `laptop` (run seed 0, 1)" in words and "2.0 min of wall time" in words
    assert "ran on **fashion-mnist**, this build on **mnist**" in words and "stale" not in words
    path = tmp_path / "seed-1" / name / "laptop" / "result.json"
    payload = json.loads(path.read_text())
    payload["provenance"]["config"]["epochs"] = 1  # doctored: no longer what make_config gives for laptop
    path.write_text(json.dumps(payload))
    assert "**stale**" in book.reference_markdown(name, tmp_path)


def test_make_reference_runs_what_is_missing_then_reports_it_current(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SIGCNN_REFERENCE", str(tmp_path))
    assert reference.main(["spectral-toy", "--scale", "ci", "--seeds", "0", "--dataset", "fashion-mnist"]) == 0
    assert "ran      spectral-toy seed 0" in capsys.readouterr().out  # --dataset ignored: it takes none
    assert (tmp_path / "seed-0" / "spectral-toy" / "ci" / "result.json").exists()
    assert reference.main(["spectral-toy", "--scale", "ci", "--seeds", "0"]) == 0
    out = capsys.readouterr().out
    # kept, not re-run: "current" from a clean checkout, "unknown" (kept) from uncommitted changes
    assert "ran      " not in out and re.search(r"^(current|unknown)  spectral-toy seed 0", out, re.M)


def test_a_forced_data_set_applies_only_where_the_experiment_takes_it_and_replaces_a_reference_on_another(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("SIGCNN_REFERENCE", str(tmp_path))
    ran = []

    def fake_run(self, config):
        ran.append((self.name, getattr(config, "dataset", None)))
        return Result(self.name, config.scale, {"x": 1.0}, {}, make_provenance(config, torch.device("cpu"), "t", 1.0))

    monkeypatch.setattr(type(experiments.describe("recos-cascade")), "run", fake_run)
    args = ["--scale", "ci", "--seeds", "0", "--dataset", "fashion-mnist"]
    # spectral-shift has a data set but not this one: run on its own (fsdd), no crash
    assert reference.main(["spectral-shift", "recos-cascade", *args]) == 0
    assert ran == [("spectral-shift", "fsdd"), ("recos-cascade", "fashion-mnist")]
    assert reference.main(["recos-cascade", *args]) == 0
    assert re.search(r"^(current|unknown)  recos-cascade seed 0 \(fashion-mnist\)", capsys.readouterr().out, re.M)
    assert len(ran) == 2
    assert reference.main(["recos-cascade", "--scale", "ci", "--seeds", "0", "--dataset", "mnist"]) == 0
    assert ran[-1] == ("recos-cascade", "mnist")  # the stored fashion-mnist run is not "current" for mnist


def test_make_reference_re_runs_a_run_whose_code_changed_and_an_unknown_one_only_when_asked(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("SIGCNN_REFERENCE", str(tmp_path))
    exp = experiments.describe("recos-sphere")
    ran = []

    def fake_run(self, config):
        ran.append(config.seed)
        return Result(self.name, config.scale, {"x": 2.0}, {}, make_provenance(config, torch.device("cpu"), "t", 1.0))

    monkeypatch.setattr(type(exp), "run", fake_run)
    current = _store(tmp_path, "recos-sphere", "laptop", 0, {"x": 1.0})
    if reference.code_status(current)[0] != "current":
        pytest.skip("needs a git checkout whose HEAD commit can be read")
    changed = _store(tmp_path, "recos-sphere", "laptop", 1, {"x": 1.0})
    edited = replace(changed.provenance, experiment_source_sha256="0" * 64)
    save_result(replace(changed, provenance=edited), tmp_path / "seed-1")
    uncommitted = _store(tmp_path, "recos-sphere", "laptop", 2, {"x": 1.0})
    dirty = replace(uncommitted.provenance, git_commit=uncommitted.provenance.git_commit + "-dirty")
    save_result(replace(uncommitted, provenance=dirty), tmp_path / "seed-2")

    assert reference.main(["recos-sphere", "--scale", "laptop", "--seeds", "0", "1", "2"]) == 0
    out = capsys.readouterr().out
    assert ran == [1], out  # the run whose experiment code changed, only
    assert "current  recos-sphere seed 0" in out
    assert "stale    recos-sphere seed 1: the experiment's code changed since; re-running it" in out
    assert "unknown  recos-sphere seed 2 (test data): ran from uncommitted changes; kept" in out
    assert reference.main(["recos-sphere", "--scale", "laptop", "--seeds", "2", "--rerun-unknown"]) == 0
    assert ran == [1, 2]


@pytest.mark.parametrize("name", ["recos-negative", "max-gain-training"])
def test_a_reference_on_another_data_set_is_current_for_that_data_set(tmp_path, name):
    result = _store(tmp_path, name, "laptop", 0, {"x": 1.0}, dataset="fashion-mnist")
    assert reference.dataset_of(result) == "fashion-mnist" and not reference.is_stale(result)


def test_verdict_changes_name_rows_whose_engine_verdict_depends_on_the_scale(tmp_path):
    """The engine decides the ci result and the stored run alike; a row is named when they differ."""
    from sigcnn.report import verdict_changes

    m = "cnn_accuracy"
    untrained = [0.1, 0.12, 0.09, 0.11, 0.1, 0.1, 0.13, 0.08, 0.1, 0.11, 0.1, 0.12]
    # laptop: 3 seeds clearly above 12 untrained ones -> supported
    _store(
        tmp_path,
        "scattering-audio",
        "laptop",
        0,
        {m: 0.8, f"{m}_replicates": [0.8, 0.82, 0.78], f"{m}_control": untrained},
    )
    # ci: 2 seeds, one at chance -> inconclusive
    noisy = Result(
        "scattering-audio", "ci", {m: 0.45, f"{m}_replicates": [0.8, 0.1], f"{m}_control": untrained}, {}, {}
    )
    changes = verdict_changes(rows_for(noisy, reference_root=tmp_path))
    assert len(changes) == 1
    assert "inconclusive at `ci`, supported in the `laptop` reference run (data: " in changes[0]
    same = Result(
        "scattering-audio", "ci", {m: 0.8, f"{m}_replicates": [0.81, 0.79, 0.8], f"{m}_control": untrained}, {}, {}
    )
    assert verdict_changes(rows_for(same, reference_root=tmp_path)) == []
    # a stored run without replicates cannot be decided: not counted as a change
    _store(tmp_path, "scattering-audio", "laptop", 0, {m: 0.8})
    assert verdict_changes(rows_for(noisy, reference_root=tmp_path)) == []


def test_extra_run_seeds_only_for_experiments_that_train_fewer_than_three_seeds_themselves():
    from dataclasses import dataclass

    @dataclass
    class Toy:
        seed: int = 0
        n_seeds: tuple = (0, 1, 2, 3, 4)
        control_seeds: int = 2

    assert reference.seeds_inside(Toy()) == 5 and reference.seeds_inside(Toy(n_seeds=())) == 2
    runs = reference.planned_runs("laptop", [0, 1, 2])
    assert [s for n, s in runs if n == "recos-sphere"] == [0, 1, 2]  # no seeds inside a run
    assert [s for n, s in runs if n == "recos-cascade"] == [0]  # it trains seeds 0, 1, 2 itself
    assert [s for n, s in runs if n == "recos-negative"] == [0]  # it trains seeds 0, 1, 2 itself
    assert all(s == 0 for _, s in runs[: len(experiments.names())])  # every experiment's first run comes first


def test_the_committed_reference_folder_holds_only_small_result_files_where_their_paths_say():
    from sigcnn.core.results import load_result

    root = reference.REPO / "results" / "reference"
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--", "."], cwd=root, capture_output=True, text=True, check=True
    ).stdout
    committed = [root / name for name in listed.split("\0") if name]
    assert committed, "no committed reference runs"
    for path in committed:
        rel = path.relative_to(root).parts
        assert len(rel) == 4 and rel[0].startswith("seed-"), f"unexpected file {path}"
        assert path.name == "result.json" or (path.suffix == ".npz" and path.name.startswith("arrays")), path
        assert path.stat().st_size < reference.MAX_ARRAYS_BYTES, f"{path} is over 1 MB"
        if path.name == "result.json":
            result = load_result(path)  # also checks the arrays file's SHA-256
            assert (f"seed-{result.provenance.seed}", result.name, result.scale) == rel[:3]
            assert result.name in experiments.names()
        else:
            listed = json.loads(path.with_name("result.json").read_text()).get("arrays_file", "arrays.npz")
            assert listed == path.name, f"{path} is not the arrays file its result.json names"


def test_an_absent_data_set_falls_back_only_where_the_experiment_takes_the_fallback(tmp_path, monkeypatch, capsys):
    from sigcnn.data import DatasetUnavailable

    monkeypatch.setenv("SIGCNN_REFERENCE", str(tmp_path))
    exp = experiments.describe("recos-cascade")
    ran = []

    def fake_run(config):
        if config.dataset == "mnist":
            raise DatasetUnavailable("MNIST training images absent")
        ran.append(config.dataset)
        return Result(exp.name, config.scale, {"x": 1.0}, {}, make_provenance(config, torch.device("cpu"), "t", 1.0))

    monkeypatch.setattr(type(exp), "run", lambda self, config: fake_run(config))
    assert reference.main(["recos-cascade", "--scale", "ci", "--seeds", "0"]) == 0
    assert "skipped  recos-cascade seed 0: MNIST" in capsys.readouterr().out and ran == []
    assert (
        reference.main(["recos-cascade", "--scale", "ci", "--seeds", "0", "--fallback-dataset", "fashion-mnist"]) == 0
    )
    assert "fallback recos-cascade seed 0" in capsys.readouterr().out and ran == ["fashion-mnist"]
    stored = reference.stored_references("recos-cascade", tmp_path)["ci"][0]
    assert reference.dataset_of(stored) == "fashion-mnist" and not reference.is_stale(stored)
    # an experiment that does not take the fallback is skipped, not run on it
    assert not reference._takes(experiments.describe("spectral-shift"), "fashion-mnist")


def test_boolean_metrics_are_counted_over_seeds_and_equal_values_are_not_shown_as_a_range(tmp_path):
    name = "recos-sphere"
    rows = experiments.describe(name).report_rows
    flag = next(r for r in rows if r.format == "bool" or "agree" in r.quantity)
    number = rows[0]
    for seed, ok in ((0, True), (1, False), (2, True)):
        _store(tmp_path, name, "laptop", seed, {flag.metric: ok, number.metric: -1.0})
    assert reference_cell(name, flag, tmp_path).startswith("yes in 2 of 3 seeds [laptop")
    assert reference_cell(name, number, tmp_path).startswith("-1 (3 seeds, all equal) [laptop")


def test_runs_on_different_data_sets_are_not_pooled_and_the_mix_is_said(tmp_path):
    name, metric = "recos-negative", "accuracy_original"
    row = next(r for r in experiments.describe(name).report_rows if r.metric == metric)
    _store(tmp_path, name, "laptop", 0, {metric: 0.80}, dataset="fashion-mnist")
    _store(tmp_path, name, "laptop", 1, {metric: 0.99}, dataset="mnist")  # the newest: finished last
    ref = reference.reference_value(name, metric, tmp_path)
    assert ref.values == [0.99] and ref.dataset == "mnist" and ref.other_datasets == ("fashion-mnist",)
    assert "(runs on fashion-mnist not pooled)" in reference_cell(name, row, tmp_path)
    words = book.reference_markdown(name, tmp_path, dataset="mnist")
    assert "data: fashion-mnist, mnist" in words and "pools only the runs on the data set of the newest" in words


def test_a_result_without_a_wall_time_or_provenance_fields_still_shows(tmp_path):
    name = "recos-sphere"
    metric = experiments.describe(name).report_rows[0].metric
    _store(tmp_path, name, "laptop", 0, {metric: -1.0})
    path = tmp_path / "seed-0" / name / "laptop" / "result.json"
    payload = json.loads(path.read_text())
    payload["provenance"]["wall_time_s"] = None  # what save_result writes for a non-finite time
    del payload["provenance"]["finished_at"], payload["provenance"]["git_commit"]
    path.write_text(json.dumps(payload))
    assert "0.0 min of wall time" in book.reference_markdown(name, tmp_path, dataset="?")
    assert "this build on" not in book.reference_markdown(name, tmp_path, dataset="?")
    assert reference_cell(name, experiments.describe(name).report_rows[0], tmp_path).startswith("-1 [laptop")


def test_a_chapter_lists_the_rows_whose_verdict_changes_in_a_reference_run(tmp_path):
    m = "cnn_accuracy"
    untrained = [0.1, 0.12, 0.09, 0.11, 0.1, 0.1, 0.13, 0.08, 0.1, 0.11, 0.1, 0.12]
    _store(
        tmp_path,
        "scattering-audio",
        "laptop",
        0,
        {m: 0.8, f"{m}_replicates": [0.8, 0.82, 0.78], f"{m}_control": untrained},
    )
    ci = Result("scattering-audio", "ci", {m: 0.45, f"{m}_replicates": [0.8, 0.1], f"{m}_control": untrained}, {}, {})
    text = book.verdict_changes_markdown(ci, tmp_path)
    assert text.startswith("**The verdict depends on the scale**") and text.count("\n- ") == 1
    same = Result(
        "scattering-audio", "ci", {m: 0.8, f"{m}_replicates": [0.81, 0.79, 0.8], f"{m}_control": untrained}, {}, {}
    )
    assert book.verdict_changes_markdown(same, tmp_path) == ""


def test_list_prints_every_stored_run_with_its_state(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SIGCNN_REFERENCE", str(tmp_path))
    _store(tmp_path, "recos-sphere", "laptop", 0, {"x": 1.0})
    _store(tmp_path, "recos-sphere", "laptop", 1, {"x": 1.0})
    assert reference.main(["--list"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| recos-sphere")]
    assert len(rows) == 1 and "| laptop | 0, 1 |" in rows[0] and rows[0].endswith("| 60 / 60 | current |")


def test_a_chapter_reads_a_stored_run_with_its_arrays_and_says_where_it_comes_from(tmp_path, monkeypatch, capsys):
    import numpy as np

    name = "max-gain-training"
    config = replace(experiments.describe(name).make_config("laptop", dataset="fashion-mnist"), seed=1)
    curve = np.array([1.0, 2.5, 3.0])
    stored = Result(
        name, "laptop", {"runs": 1}, {"width__w4__gain": curve}, make_provenance(config, torch.device("cpu"), "t", 90.0)
    )
    save_result(stored, tmp_path / "seed-1")
    found = reference.stored_result(name, "laptop", 1, tmp_path)
    assert found.arrays["width__w4__gain"].tolist() == [1.0, 2.5, 3.0] and found.metrics == {"runs": 1}
    assert reference.stored_result(name, "laptop", 0, tmp_path) is None  # another seed
    assert reference.stored_result(name, "full", 1, tmp_path) is None  # another scale

    monkeypatch.setenv("SIGCNN_REFERENCE", str(tmp_path))
    assert book.stored_run(name, "laptop", 1) is not None
    said = capsys.readouterr().out
    assert "stored `laptop` reference run (run seed 1, data: fashion-mnist" in said and "stale" not in said
    assert book.stored_run(name, "laptop", 2) is None
    assert "No `laptop` reference run of `max-gain-training` is stored" in capsys.readouterr().out
