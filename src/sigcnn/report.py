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


def format_value(value, fmt: str = "number") -> str:
    """``fmt="percent"`` shows a fraction as a percentage; ``"number"`` four significant digits."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return str(value)
    if isinstance(value, (int, float)) and fmt == "percent":
        return f"{100 * value:.2f} %"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def row_format(spec: dict) -> str:
    """A row's format: its ``"format"`` key, else percent for accuracy/error metrics."""
    if "format" in spec:
        return spec["format"]
    return "percent" if any(w in spec["metric"] for w in ("accuracy", "error_rate")) else "number"


def rows_for(result, module) -> list[ReportRow]:
    """Report rows of one experiment, from its module's ``REPORT_ROWS`` and its result."""
    rows = []
    for spec in module.REPORT_ROWS:
        ours = result.metrics.get(spec["metric"])
        fmt = row_format(spec)
        rows.append(ReportRow(result.name, spec["reproduces"], spec["quantity"],
                              format_value(spec["paper"], fmt), format_value(ours, fmt), result.scale,
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
