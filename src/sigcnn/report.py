"""The reproduction report: paper values beside ours (and beside the controls), read from result files."""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import experiments
from .experiments._base import Experiment, ReportRow
from .reference import SCALE_ORDER, dataset_of, newest_run, reference_values, stored_references
from .verdicts import Verdict

if TYPE_CHECKING:
    from .core.results import Result

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
    versus_controls: str
    """Where our value falls against the controls' spread (``"above controls"``, ``"within controls"``
    …), ``""`` for a row without a control or without its spread."""
    scale: str
    data_source: str
    reference: str = ""
    references: dict[str, str] = field(default_factory=dict)
    """The reference cell of every stored scale (largest first); ``reference`` is the first of them."""
    reference_outcomes: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Per stored scale, the engine's outcome on the newest stored run (rows with a claim; a run that
    cannot be decided is left out), and that run's data set."""
    reference_shown: dict[str, str] = field(default_factory=dict)
    """Per stored scale, the reference value alone (``references`` without its provenance)."""
    outcome: str = ""
    """The row's verdict: one of :data:`OUTCOMES` (the engine's outcome of the row's claim; *no test*
    for a row without a claim), or ``""`` when nothing is measured at this scale."""
    effect: str = ""
    """The effect with its 95 % interval (``"+1.2 (−0.3 … +2.7), n=3 vs 12"``), ``""`` when none."""


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


def reference_parts(
    name: str, row: ReportRow, root: Path | None = None, scale: str | None = None
) -> tuple[str, str] | None:
    """:func:`reference_cell` in two parts: the value (with its spread and its place against the
    controls), and the provenance ``[scale, device, data set, date, commit]``; ``None`` if none is stored."""
    refs = reference_values(name, row.metric, root)
    ref = refs.get(scale) if scale else next(iter(refs.values()), None)
    if ref is None:
        return None
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
    state, why = ("stale", "its configuration changed since") if ref.stale else ref.code
    stale = {"current": "", "stale": f" — **stale**: {why}", "unknown": f" — **code unknown**: {why}"}[state]
    others = f" (runs on {', '.join(ref.other_datasets)} not pooled)" if ref.other_datasets else ""
    return shown, f"[{ref.scale}, {ref.device}, {ref.dataset}, {ref.date}, {ref.commit}]{others}{stale}"


def reference_cell(name: str, row: ReportRow, root: Path | None = None, scale: str | None = None) -> str:
    """A row's stored reference value at ``scale`` (default: the largest stored scale), with provenance.

    Shows the mean over stored seeds (with their min … max), else the spread over the training
    seeds inside the run; then where it falls against the reference's own controls; then
    ``[scale, device, data set, date, commit]``, and **stale** when the code's configuration changed.
    """
    parts = reference_parts(name, row, root, scale)
    return f"{parts[0]} {parts[1]}" if parts else ""


def rows_for(
    result: Result,
    experiment: Experiment | None = None,
    reference_root: Path | None = None,
) -> list[ReportLine]:
    """Report lines of one experiment, from its report rows, its claims (the verdict engine) and its result.

    Raises
    ------
    ValueError
        When the experiment declares no claims: every row's verdict comes from the engine.
    """
    experiment = experiment if experiment is not None else experiments.describe(result.name)
    if not experiment.claims:
        raise ValueError(f"experiment {experiment.name!r} declares no claims: the report has no verdict for it")
    verdicts = experiment.verdicts(result.metrics)
    lines = []
    for row in experiment.report_rows:
        ours = result.metrics.get(row.metric)
        control, versus_controls = _control_cells(row, result.metrics)
        paper = format_value(row.paper, row.format) + SOURCE_MARKS[row.source]
        stored = reference_values(result.name, row.metric, reference_root)
        parts = {}
        for scale in stored:
            part = reference_parts(result.name, row, reference_root, scale)
            if part is not None:
                parts[scale] = part
        refs = {scale: f"{v} {p}" for scale, (v, p) in parts.items()}
        line = ReportLine(
            result.name,
            row.reproduces,
            row.quantity,
            paper,
            NOT_MEASURED if ours is None else format_value(ours, row.format),
            control,
            versus_controls,
            result.scale,
            row.data or result.provenance.data_source,
            next(iter(refs.values()), ""),
            refs,
            reference_shown={scale: v for scale, (v, _) in parts.items()},
        )
        if row.claim is not None:
            line.outcome, line.effect = _claim_cells(row, verdicts)
            line.reference_outcomes = {
                scale: (v.outcome, data)
                for scale, (v, data) in stored_claim_verdicts(experiment, row.claim, reference_root).items()
                if v.outcome != "no test"
            }
        elif ours is not None:
            line.outcome = "no test"  # a measurement shown beside the paper's, without a claim to test
        lines.append(line)
    return lines


def stored_claim_verdicts(
    experiment: Experiment, claim_id: str, root: Path | None = None
) -> dict[str, tuple[Verdict, str]]:
    """Per stored scale, today's engine on the newest stored run: the claim's verdict and the run's data set.

    A run stored before its experiment declared replicates gives ``"no test"`` with the reason.
    """
    out = {}
    for scale, results in stored_references(experiment.name, root).items():
        run = newest_run(results)
        out[scale] = (experiment.verdicts(run.metrics)[claim_id], dataset_of(run))
    return out


def _claim_cells(row: ReportRow, verdicts: Mapping[str, Verdict]) -> tuple[str, str]:
    """The outcome and the effect text of the row's claim (empty for a row without a claim)."""
    if row.claim is None:
        return "", ""
    verdict = verdicts[row.claim]
    if verdict.outcome == "no test":
        return verdict.outcome, verdict.reason
    return verdict.outcome, verdict.effect_text()


def verdict_changes(lines: Iterable[ReportLine]) -> list[str]:
    """Sentences for the rows whose verdict (the engine's outcome of the row's claim) differs between
    this build and a reference run, naming the reference's data set, which may differ."""
    out = []
    for line in lines:
        for scale, (ref_outcome, dataset) in line.reference_outcomes.items():
            if line.outcome and ref_outcome != line.outcome:
                out.append(
                    f"`{line.experiment}`, {line.quantity}: {line.outcome} at `{line.scale}`, "
                    f"{ref_outcome} in the `{scale}` reference run (data: {dataset})."
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


OUTCOMES = ("supported", "contradicted", "inconclusive", "no test")
"""A row's verdict (:attr:`ReportLine.outcome`): the claim is supported or contradicted by our
numbers, the test cannot tell, or the row has no test (a value shown beside the paper's, no more)."""

DEPENDS_ON_SCALE = "depends on scale"
"""The summary column counting rows whose place against the controls differs in a reference run."""


def depends_on_scale(line: ReportLine) -> bool:
    """Whether the engine decides ``line``'s claim otherwise on a stored reference run."""
    return bool(line.outcome) and any(v != line.outcome for v, _ in line.reference_outcomes.values())


def _bib_entries(path: Path | None = None) -> dict[str, dict[str, str]]:
    path = path or Path(__file__).resolve().parents[2] / "book" / "references.bib"
    if not path.exists():
        return {}
    entries: dict[str, dict[str, str]] = {}
    for m in re.finditer(r"@\w+\{([^,\s]+),(.*?)\n\}", path.read_text(encoding="utf-8"), flags=re.DOTALL):
        fields = dict(re.findall(r"(\w+)\s*=\s*\{(.*?)\},?\s*$", m[2], flags=re.MULTILINE))
        entries[m[1]] = {k.lower(): v.replace("{", "").replace("}", "") for k, v in fields.items()}
    return entries


def paper_label(key: str, bib: Path | None = None) -> tuple[str, str]:
    """``("Kuo (2016)", "Understanding Convolutional …")`` for a key of ``book/references.bib``
    (the first author's surname, "et al." for three or more; the key itself when it is not there)."""
    if key == "ours":
        return "Ours: all five lenses on one network", "cross-lens predictions of ours, tested on the same weights"
    entry = _bib_entries(bib).get(key)
    if not entry:
        return key, ""
    authors = [a.strip() for a in entry.get("author", "").split(" and ") if a.strip()]
    surname = authors[0].split(",")[0].strip() if authors else key
    who = surname + (" and " + authors[1].split(",")[0].strip() if len(authors) == 2 else "")
    who += " et al." if len(authors) > 2 else ""
    return f"{who} ({entry.get('year', 'n.d.')})", entry.get("title", "")


def inline_html(text: str) -> str:
    """HTML of a cell's text: escaped, with Markdown's ``code`` and **bold** kept."""
    out = html.escape(str(text), quote=False)
    # a browser may break a line after a hyphen or a minus: "1e-12", "−3.2", "5-10" stay whole
    out = re.sub(r"[^\s`*]*\d[-‐–−/][^\s`*]*|[^\s`*]*[-‐–−/]\d[^\s`*]*", r'<span class="sig-nowrap">\g<0></span>', out)
    out = re.sub(r"(\d) (%|dB|rad|seeds?\b)", "\\1\u00a0\\2", out)  # a number keeps its unit
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", out)


def _number(text: str) -> str:
    """A value cell: each ``; ``-separated part on its own line, never broken inside."""
    parts = [p for p in str(text).split("; ") if p]
    # a short part (a number with its unit or spread) stays on one line; a sentence wraps between
    # words (its numbers still whole: see inline_html)
    return (
        "<br>".join(
            f'<span class="sig-nowrap">{inline_html(p)}</span>' if len(p) <= 24 else inline_html(p) for p in parts
        )
        or "—"
    )


def badge(outcome: str) -> str:
    """The verdict badge of a row: a text label in a coloured box (CSS, no emoji font needed)."""
    label = outcome or "not measured"
    slug = re.sub(r"[^a-z]+", "-", label)
    return f'<span class="sig-badge sig-{slug}">{html.escape(label)}</span>'


def outcome_counts(lines: Iterable[ReportLine]) -> dict[str, int]:
    """How many rows have each outcome (:data:`OUTCOMES`, ``"not measured"``) and how many
    :func:`depend on the scale <depends_on_scale>`."""
    counts = dict.fromkeys((*OUTCOMES, "not measured", DEPENDS_ON_SCALE), 0)
    for line in lines:
        counts[line.outcome or "not measured"] = counts.get(line.outcome or "not measured", 0) + 1
        counts[DEPENDS_ON_SCALE] += depends_on_scale(line)
    return counts


def _scales(lines: list[ReportLine]) -> list[str]:
    present = {s for line in lines for s in line.references}
    return [s for s in SCALE_ORDER if s in present] + sorted(present - set(SCALE_ORDER))


def _claims_table(lines: list[ReportLine]) -> str:
    """One group's table (an HTML block with no blank line) and its folded provenance."""
    scales = _scales(lines)
    with_control = any(line.control for line in lines)
    with_effect = any(line.effect for line in lines)
    ours_head = "ours" + (f" ({lines[0].scale})" if len({x.scale for x in lines}) == 1 else "")
    heads = ["verdict", "reproduces", "quantity", ours_head, "paper"]  # ours first: visible without scrolling
    heads += ["effect (95 % interval)"] * with_effect + ["control (spread)"] * with_control
    heads += [f"reference ({s})" for s in scales]
    out = ['<div class="sig-scroll">', '<table class="sig-claims">', "<thead><tr>"]
    out += [f'<th class="sig-col-{re.sub(r"[^a-z]+", "-", h.split(" (")[0])}">{html.escape(h)}</th>' for h in heads]
    out += ["</tr></thead>", "<tbody>"]
    for line in lines:
        cells = [badge(line.outcome), inline_html(line.reproduces), inline_html(line.quantity)]
        ours = "not measured" if line.ours == NOT_MEASURED else line.ours  # the why is in the run's notes
        cells += [f"<strong>{_number(ours)}</strong>", _number(line.paper)]
        cells += [_number(line.effect)] * with_effect
        if with_control:
            spread = line.control.split(": ", 1)
            cells.append(
                (
                    f"{inline_html(spread[0])}:<br>{_number(spread[1])}"
                    if len(spread) == 2
                    else inline_html(line.control)
                )
                if line.control
                else "—"
            )
        cells += [_number(line.reference_shown.get(s, "")) if line.reference_shown.get(s) else "—" for s in scales]
        out.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    out += ["</tbody>", "</table>", "</div>"]
    notes = []
    for source in dict.fromkeys(line.data_source for line in lines):
        names = ", ".join(dict.fromkeys(f"<code>{x.experiment}</code>" for x in lines if x.data_source == source))
        notes.append(f"<li>Data ({names}, scale <code>{lines[0].scale}</code>): {inline_html(source)}</li>")
    for line in lines:
        for s, full in line.references.items():
            prov = full[len(line.reference_shown.get(s, "")) :].strip()
            if prov:
                notes.append(
                    f"<li>Reference ({s}) of {inline_html(line.reproduces)}, {inline_html(line.quantity)}: {inline_html(prov)}</li>"
                )
    if notes:
        out += ['<details class="sig-provenance">', "<summary>Data and provenance</summary>", "<ul>", *notes]
        out += ["</ul>", "</details>"]
    return "\n".join(out)


def _summary_table(groups: dict[str, list[ReportLine]]) -> str:
    heads = ["paper", "rows", *OUTCOMES, "not measured", DEPENDS_ON_SCALE]
    out = ['<div class="sig-scroll">', '<table class="sig-summary">', "<thead><tr>"]
    out += [f"<th>{badge(h) if h in OUTCOMES else html.escape(h)}</th>" for h in heads]
    out += ["</tr></thead>", "<tbody>"]
    for key, lines in groups.items():
        label, _ = paper_label(key)
        counts = outcome_counts(lines)
        cells = [f'<a href="#paper-{key}">{html.escape(label)}</a>', str(len(lines))]
        cells += [str(counts[h]) if counts[h] else "·" for h in heads[2:]]
        out.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    out += ["</tbody>", "</table>", "</div>"]
    return "\n".join(out)


def _group_by_paper(lines: Iterable[ReportLine]) -> dict[str, list[ReportLine]]:
    groups: dict[str, list[ReportLine]] = {}
    for line in lines:
        try:
            key = experiments.describe(line.experiment).paper
        except ValueError:  # not an experiment of this package (a test's own name)
            key = "other"
        groups.setdefault(key, []).append(line)
    return groups


def summary_sentence(lines: Iterable[ReportLine]) -> str:
    """``"3 supported, 1 inconclusive, 2 no test"``: the non-zero outcome counts of ``lines``."""
    counts = outcome_counts(lines)
    return ", ".join(f"{n} {k}" for k, n in counts.items() if n)


def to_markdown(lines: list[ReportLine], *, with_experiment: bool = True) -> str:
    """The report for a reader, as Markdown holding HTML blocks.

    With ``with_experiment`` (the report page): a summary table (per paper, how many rows each
    outcome has), then one section per paper with one table per experiment (its chapter). Without
    (a notebook's claims): one line of counts and one table. Each row starts with its verdict badge;
    number cells never break inside (a table scrolls sideways on a narrow screen); the data
    description and the reference runs' provenance are in a folded section under each table.
    """
    if not lines:
        return "_No rows._"
    if not with_experiment:
        return f"**Verdicts:** {summary_sentence(lines)}.\n\n{_claims_table(lines)}\n"
    groups = _group_by_paper(lines)
    out = [_summary_table(groups)]
    for key, group in groups.items():
        label, title = paper_label(key)
        head = [f'<h3 class="sig-paper" id="paper-{key}">{html.escape(label)}']
        head.append(f": <em>{html.escape(title)}</em></h3>" if title else "</h3>")
        head.append(f'<p class="sig-counts">{html.escape(summary_sentence(group))}.</p>')
        out.append("".join(head[:2]) + "\n" + head[2])
        for name in dict.fromkeys(x.experiment for x in group):
            rows = [x for x in group if x.experiment == name]
            try:
                exp_title = experiments.describe(name).title
            except ValueError:
                exp_title = name
            out.append(
                f'<h4 class="sig-chapter">{html.escape(exp_title)} <code>{html.escape(name)}</code></h4>\n'
                + _claims_table(rows)
            )
    return "\n\n".join(out) + "\n"
