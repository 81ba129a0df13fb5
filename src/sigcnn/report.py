"""The reproduction report: paper values beside ours (and beside the controls), read from result files."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from . import experiments
from .experiments._base import Experiment, ReportRow
from .verdicts import Verdict

if TYPE_CHECKING:
    from .experiments import _LegacyDescription
    from .results import Result

SOURCE_MARKS = {"paper": "", "derived": " ᵈ", "external": " ᵉ", "ours": " ⁿ"}
"""Markers after a reference value: derived from the paper's words, from another source, or none (our measurement only)."""

LEGEND = (
    "ᵈ derived from the paper's words (the paper prints no number); ᵉ from another publication "
    "(see the references); ⁿ no reference value: our measurement only."
)


NOT_MEASURED = "not measured at this scale (see the run's notes)"
"""What the report shows where a metric has no value at the scale that ran (data or weights absent)."""


@dataclass
class ReportLine:
    """One formatted line of the report."""

    experiment: str
    reproduces: str
    quantity: str
    paper: str
    ours: str
    control: str
    verdict: str
    scale: str
    data_source: str
    reference: str = ""
    references: dict[str, str] = field(default_factory=dict)
    """The reference cell of every stored scale (largest first); ``reference`` is the first of them."""
    reference_verdicts: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Per stored scale, where the reference value falls against its own controls (rows with a control),
    and the reference's data set."""
    outcome: str = ""
    """The verdict engine's outcome for the row's claim (``supported``, ``contradicted``,
    ``inconclusive``, ``no test``), or ``""`` for a measurement shown without a claim."""
    effect: str = ""
    """The claim's effect with its 95 % interval and replicate counts (or why there is no test)."""


def format_value(value: float | str | None, fmt: str = "number") -> str:
    """Show ``value`` in format ``fmt`` (see :data:`sigcnn.experiments._base.FORMATS`).

    ``percent`` shows a fraction as a percentage, ``db``/``deg``/``rad`` add the unit,
    ``int`` rounds, ``sci`` uses scientific notation, ``number`` four significant digits.
    """
    if value is None or isinstance(value, str):
        return "—" if value is None else value
    if isinstance(value, bool) or fmt == "bool":
        return "yes" if value else "no"
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if fmt == "percent":
        return f"{100 * value:.2f} %"
    if fmt == "int":
        return f"{int(round(value)):,}"
    if fmt == "sci":
        return f"{value:.1e}"
    unit = {"db": " dB", "deg": "°", "rad": " rad"}.get(fmt, "")
    if isinstance(value, float):
        return f"{value:.4g}{unit}"
    return f"{value}{unit}"


def row_format(spec: ReportRow | Mapping[str, Any]) -> str:
    """A row's format (a :class:`ReportRow`, or the older dict form)."""
    if isinstance(spec, ReportRow):
        return spec.format
    if "format" in spec:
        return spec["format"]
    return "percent" if any(w in spec["metric"] for w in ("accuracy", "error_rate")) else "number"


def _control_cells(row: ReportRow, metrics: dict) -> tuple[str, str]:
    if row.control is None:
        return "", ""
    replicated = metrics.get(f"{row.metric}_control")
    if isinstance(replicated, list):
        if not replicated:
            return f"{row.control}: not measured", ""
        mean = sum(replicated) / len(replicated)
        return f"{row.control}: mean {format_value(mean, row.format)} ({len(replicated)} replicates)", ""
    lo, hi = metrics.get(f"{row.metric}_control_min"), metrics.get(f"{row.metric}_control_max")
    if lo is None or hi is None:
        return f"{row.control}: not measured", ""
    spread = f"{row.control}: {format_value(lo, row.format)} … {format_value(hi, row.format)}"
    value = metrics.get(row.metric)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        verdict = "above controls" if value > hi else "below controls" if value < lo else "within controls"
    else:
        verdict = "outside controls" if metrics.get(f"{row.metric}_outside_controls") else "within controls"
    return spread, verdict


def reference_cell(name: str, row: ReportRow, root: Path | None = None, scale: str | None = None) -> str:
    """A row's stored reference value at ``scale`` (default: the largest stored scale), with provenance.

    Shows the mean over stored seeds (with their min … max), else the spread over the training
    seeds inside the run; then where it falls against the reference's own controls; then
    ``[scale, device, data set, date, commit]``, and **stale** when the code's configuration changed.
    """
    from .reference import reference_values

    refs = reference_values(name, row.metric, root)
    ref = refs.get(scale) if scale else next(iter(refs.values()), None)
    if ref is None:
        return ""
    fmt = row.format
    lo, hi = ref.spread
    n = len(ref.values)
    if ref.is_bool:
        yes = int(sum(ref.values))
        shown = format_value(bool(yes), "bool") if yes in (0, n) else f"yes in {yes} of {n} seeds"
        shown += f" ({n} seeds)" if n > 1 and yes in (0, n) else ""
    else:
        shown = format_value(
            ref.mean, "number" if fmt == "int" and n > 1 else fmt
        )  # a mean of counts keeps its fraction
    if n > 1 and not ref.is_bool:
        shown += (
            f" ({n} seeds, all equal)"
            if lo == hi
            else f" ({format_value(lo, fmt)} … {format_value(hi, fmt)}, {n} seeds)"
        )
    elif ref.trained is not None and ref.trained[0] != ref.trained[1]:
        shown += f" (training seeds {format_value(ref.trained[0], fmt)} … {format_value(ref.trained[1], fmt)})"
    if row.control is not None and ref.controls is not None:
        lo, hi = ref.controls
        spread = format_value(lo, fmt) if lo == hi else f"{format_value(lo, fmt)} … {format_value(hi, fmt)}"
        shown += f"; {ref.versus_controls} ({spread})"
    device = ref.device.split(" (")[0]
    stale = " — **stale**: the code's configuration changed since" if ref.stale else ""
    others = f" (runs on {', '.join(ref.other_datasets)} not pooled)" if ref.other_datasets else ""
    return f"{shown} [{ref.scale}, {device}, {ref.dataset}, {ref.date}, {ref.commit}]{others}{stale}"


def rows_for(
    result: Result,
    experiment: Experiment | _LegacyDescription | ModuleType | None = None,
    reference_root: Path | None = None,
) -> list[ReportLine]:
    """Report lines of one experiment, from its report rows and its result."""
    from .reference import reference_values

    experiment = experiment if experiment is not None else experiments.describe(result.name)
    if not hasattr(experiment, "report_rows"):  # a module object
        experiment = experiments.describe(result.name)
    verdicts = experiment.verdicts(result.metrics) if getattr(experiment, "claims", ()) else {}
    lines = []
    for row in experiment.report_rows:
        ours = result.metrics.get(row.metric)
        control, verdict = _control_cells(row, result.metrics)
        paper = format_value(row.paper, row.format) + SOURCE_MARKS[row.source]
        stored = reference_values(result.name, row.metric, reference_root)
        refs = {scale: reference_cell(result.name, row, reference_root, scale) for scale in stored}
        ref_verdicts = {
            s: (v.versus_controls, v.dataset)
            for s, v in stored.items()
            if row.control is not None and v.versus_controls
        }
        lines.append(
            ReportLine(
                result.name,
                row.reproduces,
                row.quantity,
                paper,
                NOT_MEASURED if ours is None else format_value(ours, row.format),
                control,
                verdict,
                result.scale,
                row.data or result.provenance.get("data_source", "?"),
                next(iter(refs.values()), ""),
                refs,
                ref_verdicts,
                *_claim_cells(row, verdicts),
            )
        )
    return lines


def _claim_cells(row: ReportRow, verdicts: Mapping[str, Verdict]) -> tuple[str, str]:
    """The outcome and the effect text of the row's claim (empty for a row without a claim)."""
    if row.claim is None:
        return "", ""
    verdict = verdicts[row.claim]
    if verdict.outcome == "no test":
        return verdict.outcome, verdict.reason
    return verdict.outcome, verdict.effect_text()


def verdict_changes(lines: Iterable[ReportLine]) -> list[str]:
    """Sentences for the rows whose place against the controls differs between this build and a
    reference run (naming the reference's data set, which may differ from this build's)."""
    out = []
    for line in lines:
        for scale, (ref_verdict, dataset) in line.reference_verdicts.items():
            if line.verdict and ref_verdict != line.verdict:
                out.append(
                    f"`{line.experiment}`, {line.quantity}: {line.verdict} at `{line.scale}`, "
                    f"{ref_verdict} in the `{scale}` reference run (data: {dataset})."
                )
    return out


def build_report(
    scale: str | None = None, out_dir: Path | str | None = None, names: Iterable[str] | None = None
) -> list[ReportLine]:
    """Lines of every experiment: reuse each result file when current, else run the experiment."""
    lines = []
    for name in names or experiments.names():
        result = experiments.load_or_run(name, scale, out_dir=out_dir)
        lines.extend(rows_for(result, experiments.describe(name)))
    return lines


def to_markdown(lines: list[ReportLine], *, with_experiment: bool = True) -> str:
    """A Markdown table of report lines: the key columns first, one reference column per stored
    scale (largest first), provenance columns last."""
    from .reference import SCALE_ORDER

    present = {s for line in lines for s in line.references}
    scales = [s for s in SCALE_ORDER if s in present] + sorted(present - set(SCALE_ORDER))
    cols = ["reproduces", "quantity", "paper", "ours", "control", "verdict"]
    heads = ["reproduces", "quantity", "paper", "ours", "control (spread)", "vs control"]
    if with_experiment:
        cols, heads = ["experiment", *cols], ["experiment", *heads]
    keep = [i for i, c in enumerate(cols) if c not in ("control", "verdict") or any(getattr(x, c) for x in lines)]
    cols, heads = [cols[i] for i in keep], [heads[i] for i in keep]
    cols += [f"ref:{s}" for s in scales] + ["scale", "data_source"]
    heads += [f"reference run ({s})" for s in scales] + ["scale", "data"]
    out = "| " + " | ".join(heads) + " |\n|" + "---|" * len(heads) + "\n"
    for line in lines:
        cells = []
        for c in cols:
            v = line.references.get(c[4:], "") if c.startswith("ref:") else getattr(line, c)
            cells.append(f"`{v}`" if c == "experiment" else f"**{v}**" if c == "ours" else v)
        out += "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |\n"
    return out
