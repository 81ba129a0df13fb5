"""The reproduction report: paper values beside ours, read from result files."""

from __future__ import annotations

from dataclasses import dataclass

from . import experiments


@dataclass
class ReportRow:
    experiment: str
    reproduces: str
    quantity: str
    paper: str
    ours: str
    scale: str
    data_source: str


def format_value(value) -> str:
    """Accuracies and other fractions in [0, 1] as percentages; other values as they are."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, float) and 0.0 <= value <= 1.0:
        return f"{100 * value:.2f} %"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def rows_for(result, module) -> list[ReportRow]:
    """Report rows of one experiment, from its module's ``REPORT_ROWS`` and its result."""
    rows = []
    for spec in module.REPORT_ROWS:
        ours = result.metrics.get(spec["metric"])
        rows.append(ReportRow(result.name, spec["reproduces"], spec["quantity"],
                              format_value(spec["paper"]), format_value(ours), result.scale,
                              result.provenance.get("data_source", "?")))
    return rows


def build_report(scale: str | None = None, out_dir=None, names=None) -> list[ReportRow]:
    """Rows of every experiment: reuse each result file when current, else run the experiment."""
    rows = []
    for name in names or experiments.names():
        result = experiments.load_or_run(name, scale, out_dir=out_dir)
        rows.extend(rows_for(result, experiments.get(name)))
    return rows


def to_markdown(rows: list[ReportRow]) -> str:
    """A Markdown table of the report rows."""
    head = "| experiment | reproduces | quantity | paper | ours | scale | data |\n|---|---|---|---|---|---|---|\n"
    body = "".join(
        f"| `{r.experiment}` | {r.reproduces} | {r.quantity} | {r.paper} | **{r.ours}** | {r.scale} | {r.data_source} |\n"
        for r in rows)
    return head + body
