"""The reproduction report reads result files and formats values by the row's unit."""

from sigcnn import report
from sigcnn.results import Result, save_result


def test_format_value_units():
    assert report.format_value(0.9894, "percent") == "98.94 %"
    assert report.format_value(0.5, "number") == "0.5"
    assert report.format_value(-3.0, "db") == "-3 dB" and report.format_value(77.6, "deg") == "77.6°"
    assert report.format_value(1234.4, "int") == "1,234" and report.format_value(True) == "yes"
    assert report.format_value(-3.25e-12) == "-3.25e-12"
    assert report.format_value("no number", "percent") == "no number"
    assert report.row_format({"metric": "accuracy_original"}) == "percent"
    assert report.row_format({"metric": "max_abs_diff"}) == "number"
    assert report.row_format({"metric": "x", "format": "percent"}) == "percent"


def test_rows_and_markdown_from_result_file(tmp_path):
    from sigcnn import experiments as sigcnn_experiments
    from sigcnn.results import load_result

    rows_spec = sigcnn_experiments.describe("recos-negative").report_rows
    metrics = {row.metric: 0.5 for row in rows_spec}
    path = save_result(Result("recos-negative", "ci", metrics, {}, {"data_source": "unit test"}), tmp_path)
    rows = report.rows_for(load_result(path))
    assert len(rows) == len(rows_spec)
    assert rows[0].ours == "50.00 %" and rows[0].paper == "98.94 %"
    table = report.to_markdown(rows)
    assert table.count("\n") == len(rows) + 2 and "unit test" in table
