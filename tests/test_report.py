"""The reproduction report reads result files and formats values by the row's unit."""

import dataclasses
import re

import pytest

from sigcnn import report
from sigcnn.core.results import Result, save_result


def test_format_value_units():
    assert report.format_value(0.9894, "percent") == "98.94 %"
    assert report.format_value(0.5, "number") == "0.5"
    assert report.format_value(-3.0, "db") == "-3 dB" and report.format_value(77.6, "deg") == "77.6°"
    assert report.format_value(1234.4, "int") == "1,234" and report.format_value(True) == "yes"
    assert report.format_value(-3.25e-12) == "-3.25e-12"
    assert report.format_value("no number", "percent") == "no number"


def test_rows_and_markdown_from_result_file(tmp_path):
    from sigcnn import experiments as sigcnn_experiments
    from sigcnn.core.results import load_result

    rows_spec = sigcnn_experiments.describe("recos-negative").report_rows
    metrics = {row.metric: 0.5 for row in rows_spec}
    path = save_result(Result("recos-negative", "ci", metrics, {}, {"data_source": "unit test"}), tmp_path)
    rows = report.rows_for(load_result(path))
    assert len(rows) == len(rows_spec)
    assert rows[0].ours == "50.00 %" and rows[0].paper == "98.94 %"
    table = report.to_markdown(rows)
    assert table.count("<tbody><tr>") + table.count("</tr>\n<tr>") >= 1 and "unit test" in table
    body = table.split('class="sig-claims"')[1]
    assert body.count("<tr>") == len(rows) + 1  # the header and one row per report row


def _line(experiment="recos-negative", outcome="supported", **kw):
    fields = dict(
        experiment=experiment,
        reproduces="Kuo Fig. 5",
        quantity="accuracy",
        paper="98.94 %",
        ours="96.80 %",
        control="",
        versus_controls="",
        scale="ci",
        data_source="MNIST, 60,000 train + 10,000 test",
    )
    fields.update(kw)
    line = report.ReportLine(**fields)
    line.outcome = outcome
    return line


def test_the_report_starts_with_counts_per_paper_then_groups_under_paper_and_chapter():
    lines = [
        _line("recos-negative", "supported"),
        _line("recos-negative", "inconclusive"),
        _line("recos-sphere", "no test"),
        _line("channel-ber", "contradicted"),
        _line("channel-ber", ""),
    ]
    text = report.to_markdown(lines)
    summary, *groups = text.split('<h3 class="sig-paper"')
    # per paper one summary row: Kuo 3 rows (1 supported, 0 contradicted, 1 inconclusive, 1 no test)
    rows = re.findall(r"<tr><td>(.*?)</td></tr>", summary)
    cells = [re.split(r"</td><td>", r) for r in rows]
    assert [re.sub(r"<[^>]+>", "", c[0]) for c in cells] == ["Kuo (2016)", "Ge et al. (2021)"]
    assert cells[0][1:7] == ["3", "1", "·", "1", "1", "·"] and cells[1][1:7] == ["2", "·", "1", "·", "·", "1"]
    assert len(groups) == 2 and groups[0].count('<h4 class="sig-chapter">') == 2
    # a badge per row, as text (no emoji), and the data description once per table, folded
    assert text.count('class="sig-badge sig-') == 5 + 4  # rows + summary headers
    assert not re.search(r"[\U0001F300-\U0001FAFF\u2705\u274C]", text)
    assert text.count("MNIST, 60,000 train") == 3 and text.count("<details") == 3


def test_numbers_never_break_and_markdown_inside_a_cell_becomes_html():
    line = _line(control="untrained, 3 seeds: 10.00 % … 12.00 %", versus_controls="above controls")
    line.references = {"laptop": "96.80 % (96.50 % … 97.00 %, 3 seeds); above controls [laptop, cpu] — **stale**"}
    line.reference_shown = {"laptop": "96.80 % (96.50 % … 97.00 %, 3 seeds); above controls"}
    text = report.to_markdown([line], with_experiment=False)
    assert text.startswith("**Verdicts:** 1 supported.")
    # a short value stays on one line; a longer one wraps between its numbers, each kept with its unit
    assert "96.80\u00a0% (96.50\u00a0% … 97.00\u00a0%, 3\u00a0seeds)<br>" in text and "96.80 %" not in text
    assert '<span class="sig-nowrap">10.00\u00a0% … 12.00\u00a0%</span>' in text
    assert "<strong>stale</strong>" in text and "**" not in text.split("\n", 1)[1]
    # an HTML block ends at a blank line: none inside a table
    assert "\n\n" not in text.split("\n\n", 1)[1].strip()


def test_every_experiment_is_on_the_verdict_engine():
    """The report takes every row's verdict from the engine: an experiment without claims is refused."""
    from sigcnn import experiments

    assert [n for n in experiments.names() if not experiments.describe(n).claims] == []
    exp = experiments.describe("recos-sphere")
    toy = dataclasses.replace(
        exp, claims=(), metrics=None, report_rows=tuple(r for r in exp.report_rows if not r.claim)
    )
    with pytest.raises(ValueError, match="declares no claims"):
        report.rows_for(Result("recos-sphere", "ci", {}, {}, {}), toy)


def test_a_row_without_a_claim_has_no_test_when_measured_and_no_verdict_when_not():
    from sigcnn import experiments

    exp = experiments.describe("recos-sphere")
    free = [i for i, row in enumerate(exp.report_rows) if row.claim is None]
    assert free  # recos-sphere shows a value without a claim
    measured = {row.metric: 0.5 for row in exp.report_rows}
    rows = report.rows_for(Result("recos-sphere", "ci", measured, {}, {}), exp)
    assert [rows[i].outcome for i in free] == ["no test"] * len(free)
    absent = {k: v for k, v in measured.items() if k != exp.report_rows[free[0]].metric}
    rows = report.rows_for(Result("recos-sphere", "ci", absent, {}, {}), exp)
    assert rows[free[0]].outcome == "" and rows[free[0]].ours == report.NOT_MEASURED


def test_paper_label_from_the_bibliography():
    assert report.paper_label("kuo2016recos")[0] == "Kuo (2016)"
    assert report.paper_label("stamatescu2018spectral")[0] == "Stamatescu and McDonnell (2018)"
    assert report.paper_label("nosuchkey") == ("nosuchkey", "")


def test_the_runs_behind_the_report_are_folded_and_name_no_machine_path(tmp_path):
    from sigcnn.book import runs_markdown

    prov = {"git_commit": "abcdef1234567", "device": "cpu (x86)", "wall_time_s": 2.5, "finished_at": "2026-01-01"}
    save_result(Result("recos-negative", "ci", {}, {}, {**prov, "notes": ["used `mnist` <small>"]}), tmp_path)
    text = runs_markdown(["recos-negative", "recos-sphere"], "ci", tmp_path)
    assert text.startswith('<details class="sig-provenance">') and "\n\n" not in text.strip()
    assert (
        "commit <code>abcdef123456</code>, cpu, 2.5 s" in text
        and "<li>used <code>mnist</code> &lt;small&gt;</li>" in text
    )
    assert "<code>recos-sphere</code>: no result file" in text and str(tmp_path) not in text


def test_a_table_keeps_a_number_with_a_minus_whole():
    from sigcnn.book import markdown_table

    text = markdown_table(
        [{"a": -3.25e-12, "b": "2-3", "c": "a-b", "d": 0.5}], ["a", "b", "c", "d"], {"b": str, "c": str}
    )
    row = text.splitlines()[2]
    assert '<span class="sig-nowrap">-3.25e-12</span>' in row and '<span class="sig-nowrap">2-3</span>' in row
    assert "| a-b |" in row and "| 0.5 |" in row
