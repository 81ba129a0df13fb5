"""The experiment base: config building, validation, the runner, controls and the display layer."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pytest
from book_files import toc_files

from sigcnn import book, experiments
from sigcnn.experiments._base import BaseConfig, Experiment, Measured, ReportRow, RunContext
from sigcnn.report import rows_for
from sigcnn.verdicts import Claim


@dataclass(frozen=True)
class _Config(BaseConfig):
    dataset: str = "mnist"
    width: int = 1
    mode: str = "a"


def _measure(config: _Config, ctx: RunContext) -> Measured:
    draw = float(np.random.rand())  # seeded by the runner
    return Measured(
        {
            "width": config.width,
            "draw": draw,
            "value": 0.5,
            "value_control_min": 0.1,
            "value_control_max": 0.2,
            "value_outside_controls": True,
        },
        {"x": np.arange(3)},
        "unit test data",
        ["a note"],
    )


_EXP = Experiment(
    name="toy",
    title="t",
    paper="p",
    reproduces="r",
    config=_Config,
    scales={"ci": {"width": 1}, "laptop": {"width": 2}, "full": {"width": 3}},
    measure=_measure,
    datasets=("mnist", "fashion-mnist"),
    choices={"mode": ("a", "b")},
    report_rows=(
        ReportRow("Fig. 1", "value", "value", 0.4, control="untrained, 3 seeds"),
        ReportRow("Fig. 2", "width", "width", None, source="ours", format="int"),
    ),
    findings=lambda m: [f"width is {m['width']}"],
)


def test_make_config_reads_the_scale_table_and_overrides():
    assert _EXP.make_config("laptop").width == 2
    assert _EXP.make_config("full", width=7, seed=None).width == 7  # None overrides are ignored


@pytest.mark.parametrize("name", ["fashion_mnist", "FASHION-MNIST", " Fashion-Mnist "])
def test_dataset_names_are_case_and_underscore_insensitive(name):
    assert _EXP.make_config("ci", dataset=name).dataset == "fashion-mnist"


@pytest.mark.parametrize(
    "overrides, words",
    [
        ({"dataset": "cifar10"}, "does not take dataset 'cifar10'"),
        ({"widht": 3}, "no setting 'widht'"),
        ({"mode": "c"}, "unknown mode 'c'"),
        ({"seed": -1}, "seed must be"),
        ({"seed": 2**64}, "seed must be"),
        ({"seed": True}, "seed must be"),
    ],
)
def test_bad_overrides_are_named(overrides, words):
    with pytest.raises(ValueError, match=words):
        _EXP.make_config("ci", **overrides)


def test_an_incomplete_scale_table_is_refused():
    with pytest.raises(ValueError, match="lacks"):
        Experiment(name="x", title="t", paper="p", reproduces="r", config=_Config, scales={"ci": {}}, measure=_measure)


def test_run_seeds_and_records_provenance():
    a, b = _EXP.run(_EXP.make_config("ci", seed=3)), _EXP.run(_EXP.make_config("ci", seed=3))
    c = _EXP.run(_EXP.make_config("ci", seed=4))
    assert a.metrics["draw"] == b.metrics["draw"] != c.metrics["draw"]
    assert a.provenance.config["seed"] == 3 and a.provenance.data_source == "unit test data"
    assert a.provenance.notes == ("a note",) and a.provenance.wall_time_s >= 0


def test_run_refuses_text_metrics():
    exp = Experiment(
        name="bad",
        title="t",
        paper="p",
        reproduces="r",
        config=_Config,
        scales={"ci": {}, "laptop": {}, "full": {}},
        measure=lambda c, ctx: Measured({"shown": "1.0 dB"}),
    )
    with pytest.raises(TypeError, match="metric 'shown' must be a number"):
        exp.run(exp.make_config("ci"))


@dataclass
class _Metrics:
    width: int
    draw: float
    value: float
    value_control_min: float
    value_control_max: float
    value_outside_controls: bool
    value_replicates: list[float]


def test_report_line_shows_control_and_marks():
    claim = Claim("value_positive", "the value is positive", "value_replicates", "greater", "seeds", no_control="toy")
    claimed = dataclasses.replace(_EXP, metrics=_Metrics, claims=(claim,))
    result = _EXP.run(_EXP.make_config("ci"))
    lines = rows_for(result, claimed)
    assert lines[0].control == "untrained, 3 seeds: 0.1 … 0.2" and lines[0].versus_controls == "above controls"
    assert lines[1].paper == "— ⁿ" and lines[1].ours == "1"
    assert lines[0].outcome == lines[1].outcome == "no test"  # no claim on the rows: a value shown, no verdict
    with pytest.raises(ValueError, match="declares no claims"):
        rows_for(result, _EXP)  # every experiment is on the verdict engine: one without claims is an error


def test_markdown_table_formats_and_names_missing_columns():
    text = book.markdown_table([{"a": 0.25, "b": 3}], {"a": "share", "b": "count"}, {"a": "percent", "b": "int"})
    assert text.splitlines() == ["| share | count |", "|---|---|", "| 25.00 % | 3 |"]
    with pytest.raises(KeyError, match="column 'b'"):
        book.markdown_table([{"a": 1}], ["a", "b"])


def test_declared_order_is_the_books_order_and_names_every_experiment():
    toc = toc_files()
    order = [experiments.describe(n).notebook for n in experiments.names()]
    positions = [toc.index(nb) for nb in order if nb in toc]
    assert positions == sorted(positions)
    assert sorted(experiments.BOOK_ORDER) == sorted(experiments.names())


def test_a_duplicate_experiment_name_is_refused(monkeypatch):
    import types

    from sigcnn.experiments import recos_sphere

    twin = types.ModuleType("sigcnn.experiments.twin")
    twin.EXPERIMENT = recos_sphere.EXPERIMENT
    real = experiments.import_module
    monkeypatch.setattr(
        experiments.pkgutil,
        "iter_modules",
        lambda path: [types.SimpleNamespace(name="recos_sphere"), types.SimpleNamespace(name="twin")],
    )
    monkeypatch.setattr(experiments, "import_module", lambda n: twin if n.endswith(".twin") else real(n))
    experiments._discover.cache_clear()
    try:
        with pytest.raises(ValueError, match="'recos-sphere' is declared by both"):
            experiments._discover()
    finally:
        experiments._discover.cache_clear()


def test_reference_column_and_stale_detector(tmp_path, monkeypatch):
    import json
    from dataclasses import replace

    import torch

    from sigcnn import reference
    from sigcnn.core.provenance import make_provenance
    from sigcnn.core.results import Result, save_result
    from sigcnn.report import reference_cell

    monkeypatch.setenv("SIGCNN_REFERENCE", str(tmp_path))
    exp = experiments.describe("recos-sphere")
    config = exp.make_config("laptop")
    for seed, value in ((0, -1.0), (1, -0.5)):
        cfg = replace(config, seed=seed)
        result = Result(
            "recos-sphere",
            "laptop",
            {"cat_correlation": value},
            {},
            make_provenance(cfg, torch.device("cpu"), "test", 1.0),
        )
        save_result(result, tmp_path / f"seed-{seed}")
    row = exp.report_rows[0]
    ref = reference.reference_value("recos-sphere", row.metric)
    assert ref.values == [-1.0, -0.5] and ref.mean == -0.75 and not ref.stale
    cell = reference_cell("recos-sphere", row)
    assert cell.startswith("-0.75 (-1 … -0.5, 2 seeds) [laptop, cpu") and "stale" not in cell
    # a doctored copy: the stored configuration no longer matches make_config for its scale
    path = tmp_path / "seed-1" / "recos-sphere" / "laptop" / "result.json"
    payload = json.loads(path.read_text())
    payload["provenance"]["config"]["patch_stride"] = 99
    path.write_text(json.dumps(payload))
    assert reference.reference_value("recos-sphere", row.metric).stale
    assert "stale" in reference_cell("recos-sphere", row)


def test_reference_keeps_arrays_only_under_a_megabyte(tmp_path):
    import numpy as np

    from sigcnn.core.results import Result, load_result
    from sigcnn.reference import save_reference

    rng = np.random.default_rng(0)
    small = Result("toy", "laptop", {"a": 1.0}, {"x": np.arange(10)}, {})
    big = Result("toy", "laptop", {"a": 2.0}, {"x": rng.standard_normal(400_000)}, {})  # ~3 MB, incompressible
    assert load_result(save_reference(small, tmp_path)).arrays["x"].tolist() == list(range(10))
    path = save_reference(big, tmp_path)
    assert load_result(path).arrays == {} and load_result(path).metrics["a"] == 2.0
    assert list(path.parent.glob("arrays*.npz")) == []


def test_the_recorded_commit_is_the_one_the_run_started_from(monkeypatch):
    from dataclasses import replace

    from sigcnn.core import provenance

    tree = {"commit": "start0000"}

    def measure_then_commit(config, ctx):
        tree["commit"] = "end00000"  # someone commits while a long run is running
        return _measure(config, ctx)

    monkeypatch.setattr(provenance, "git_commit", lambda: tree["commit"])
    exp = replace(_EXP, measure=measure_then_commit)
    assert exp.run(exp.make_config("ci")).provenance.git_commit == "start0000"
