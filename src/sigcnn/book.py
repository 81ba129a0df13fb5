"""What notebooks call: run-or-load an experiment and show its provenance, claims and findings.

Every experiment notebook opens with the same lines::

    from sigcnn import book
    result = book.experiment("recos-sphere")      # runs (or reuses) it, shows where it came from

and shows its claims with ``book.claims(result)`` and its findings with ``book.findings(result)``.
Summary tables are built with :func:`markdown_table`, never by hand in a notebook.
"""

from __future__ import annotations

import html
import os
import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import torch

from . import experiments
from .core.results import Result, load_result, result_path, results_dir, save_result
from .core.runtime import resolve_scale
from .data import data_root
from .reference import dataset_of, is_stale, newest_run, stored_references, stored_result, wall_time_s
from .report import LEGEND, format_value, inline_html, rows_for, to_markdown, verdict_changes


def _display(text: str) -> None:
    try:
        from IPython import get_ipython  # optional: IPython comes with the book extra
        from IPython.display import Markdown, display
    except ImportError:  # pragma: no cover - IPython is a dependency of the book extra
        print(text)
        return
    if get_ipython() is None:
        print(text)
    else:
        display(Markdown(text))


_PATH = re.compile(r"(?<![\w.~$:/])/[^\s,;:()'\"`]+")
_TRAILING = ".!?"


def _roots() -> list[tuple[str, str]]:
    roots = [(str(data_root()), "$SIGCNN_DATA"), (str(results_dir()), "$SIGCNN_RESULTS")]
    roots.append((str(Path(torch.hub.get_dir())), "$TORCH_HOME/hub"))
    roots += [(tempfile.gettempdir(), "<temporary folder>"), (os.path.expanduser("~"), "~")]
    return [(str(Path(r).resolve()) if Path(r).exists() else r.rstrip("/"), label) for r, label in roots]


def public_paths(text: str) -> str:
    """``text`` with every absolute path shown relative to where it lives, never as this machine's path.

    A path under the data root becomes ``$SIGCNN_DATA/...``, under the results root
    ``$SIGCNN_RESULTS/...`` (so ``…/_build/results/NAME/ci/result.json`` reads
    ``$SIGCNN_RESULTS/NAME/ci/result.json`` and a LeNet cache ``$SIGCNN_RESULTS/_cache/lenet5-….pt``),
    under torch's hub ``$TORCH_HOME/hub/...``, under the temporary folder ``<temporary folder>/...``,
    under the home folder ``~/...``. A path under none of them (a stored run made on another machine)
    keeps its last component only: ``…/NAME``. The one place the book formats paths for a page.
    """
    roots = sorted(_roots(), key=lambda r: -len(r[0]))

    def replace(match: re.Match) -> str:
        path = match.group(0)
        tail = ""
        while path and path[-1] in _TRAILING:
            path, tail = path[:-1], path[-1] + tail
        for root, label in roots:
            if root and (path == root or path.startswith(root + "/")):
                return label + path[len(root) :] + tail
        for marker, label in (("/_build/results/", "$SIGCNN_RESULTS/"), ("/results/reference/", "results/reference/")):
            if marker in path:
                return label + path.split(marker, 1)[1] + tail
        name = path.rstrip("/").rsplit("/", 1)[-1]
        return ("…/" + name if name else "…") + tail

    return _PATH.sub(replace, text)


def provenance_markdown(result: Result) -> str:
    """One paragraph: scale, device, wall time, data source, commit, and the run's notes (paths
    shown by :func:`public_paths`, never as this machine's paths)."""
    p = result.provenance
    text = (
        f"**`{result.name}`** at scale `{result.scale}` on {p.device}, "
        f"{p.wall_time_s:.1f} s, commit `{p.commit}`. "
        f"Data: {public_paths(p.data_source)}."
    )
    if p.notes:
        text += "\n\n" + "\n".join(f"- {public_paths(str(n))}" for n in p.notes)
    return text


def claims_markdown(result: Result) -> str:
    """The report rows of ``result``'s experiment: paper value, ours, control spread and verdict."""
    lines = rows_for(result, experiments.describe(result.name))
    if not lines:
        return "_This experiment adds no row to the reproduction report._"
    table = to_markdown(lines, with_experiment=False)
    if any(mark in table for mark in ("ᵈ", "ᵉ", "ⁿ")):
        table += "\n" + LEGEND + "\n"
    return table


def runs_markdown(names: Sequence[str], scale: str, root: Path | None = None) -> str:
    """A folded list (HTML ``<details>``) of the result files behind the report: per experiment its
    commit, device, wall time, finish time and notes (no machine paths)."""
    items = []
    for name in names:
        path = result_path(root or results_dir(), name, scale)
        if not path.exists():
            items.append(f"<li><code>{name}</code>: no result file at scale <code>{scale}</code></li>")
            continue
        p = load_result(path).provenance
        notes = "".join(f"<li>{inline_html(public_paths(n))}</li>" for n in p.notes)
        items.append(
            f"<li><code>{name}</code>: commit <code>{p.commit}</code>, {html.escape(p.device_name)}, "
            f"{p.wall_time_s:.1f} s, finished {html.escape(p.finished_at or '?')}"
            + (f"<ul>{notes}</ul>" if notes else "")
            + "</li>"
        )
    return (
        f'<details class="sig-provenance">\n<summary>{len(names)} result files at scale <code>{scale}</code>'
        "</summary>\n<ul>\n" + "\n".join(items) + "\n</ul>\n</details>\n"
    )


def reference_markdown(name: str, root: Path | None = None, *, dataset: str | None = None) -> str:
    """In words: which stored reference runs of ``name`` the claims table shows, and how they were made.

    One sentence per stored scale (seeds, device, data set, date, commit, wall time, stale or not);
    a sentence saying that none is stored otherwise. With ``dataset`` (this build's data set), a
    reference made on another data set says so.
    """
    stored = stored_references(name, root)
    if not stored:
        return (
            f"_No reference run of `{name}` is stored yet: the table shows only this build's `ci` numbers "
            "(`make reference` makes one)._"
        )
    sentences = []
    for scale, results in stored.items():
        seeds = ", ".join(str(r.provenance.seed if r.provenance.seed is not None else "?") for r in results)
        last = newest_run(results).provenance
        wall = sum(wall_time_s(r) for r in results)
        stale = any(is_stale(r) for r in results)
        datasets = sorted({dataset_of(r) for r in results})
        sentences.append(
            f"The *reference run ({scale})* column comes from {len(results)} stored run"
            f"{'s' if len(results) > 1 else ''} at scale `{scale}` (run seed {seeds}) on "
            f"{last.device_name}, data: {', '.join(datasets)}, "
            f"finished {last.day} at commit `{last.commit}`, "
            f"{wall / 60:.1f} min of wall time in all"
            + (
                "; **stale**: the experiment's configuration in the code has changed since, so the "
                "numbers may no longer be what the code gives."
                if stale
                else "; its configuration is still the one the code gives for that scale."
            )
        )
        if len(datasets) > 1:
            sentences.append(
                f"Those runs used different data sets ({', '.join(datasets)}); the column pools only the "
                "runs on the data set of the newest one."
            )
        if dataset and dataset != "?" and dataset not in datasets:
            sentences.append(
                f"That reference ran on **{', '.join(datasets)}**, this build on **{dataset}**: "
                "the two columns measure the same thing on different data."
            )
    return " ".join(sentences)


def stored_run(name: str, scale: str = "laptop", seed: int = 0, *, show: bool = True) -> Result | None:
    """The stored reference run of ``name`` at ``scale`` (with arrays) for figures this page's scale
    does not make; with ``show``, one sentence says where it comes from, or that none is stored."""
    stored = stored_result(name, scale, seed)
    if not show:
        return stored
    if stored is None:
        _display(f"_No `{scale}` reference run of `{name}` is stored (`make reference` makes one)._")
    else:
        p = stored.provenance
        _display(
            f"_From the stored `{scale}` reference run (run seed {seed}, data: {dataset_of(stored)}, "
            f"{p.device_name}, {wall_time_s(stored) / 60:.0f} min, {p.day}, commit `{p.commit}`"
            + ("; **stale**: the code's configuration has changed since" if is_stale(stored) else "")
            + ")._"
        )
    return stored


def verdict_changes_markdown(result: Result, root: Path | None = None) -> str:
    """The rows of ``result`` whose place against the controls differs in a stored reference run, as a
    list under a heading sentence ("" when there is none)."""
    changes = verdict_changes(rows_for(result, experiments.describe(result.name), root))
    if not changes:
        return ""
    return "**The verdict depends on the scale** for these rows:\n\n" + "\n".join(f"- {c}" for c in changes)


def findings_markdown(result: Result) -> str:
    """The experiment's findings, computed from the measured numbers, as a bulleted list."""
    items = experiments.describe(result.name).findings_for(result.metrics)
    return "\n".join(f"- {item}" for item in items) if items else "_No findings stated._"


def experiment(name: str, scale: str | None = None, *, show: bool = True, reuse: bool = True, **overrides) -> Result:
    """Run experiment ``name`` at ``scale`` (``$SIGCNN_SCALE`` or ``ci``), or reuse its current result file.

    The result file is written to ``$SIGCNN_RESULTS`` (so the reproduction report reads the same
    numbers). With ``show``, displays the provenance paragraph.
    """
    scale = resolve_scale(scale)
    if reuse:
        result = experiments.load_or_run(name, scale, **overrides)
    else:
        result = experiments.run_experiment(name, scale, **overrides)
        save_result(result, results_dir())
    if show:
        _display(provenance_markdown(result))
    return result


def claims(result: Result, *, reference: bool = True) -> None:
    """Display :func:`claims_markdown`, and with ``reference`` the words of :func:`reference_markdown`."""
    _display(claims_markdown(result))
    if reference:
        _display(reference_markdown(result.name, dataset=dataset_of(result)))
        changes = verdict_changes_markdown(result)
        if changes:
            _display(changes)


def findings(result: Result) -> None:
    """Display :func:`findings_markdown`."""
    _display(findings_markdown(result))


def markdown_table(
    rows: Sequence[Mapping],
    columns: Mapping[str, str] | Sequence[str],
    formats: Mapping[str, str | Callable] | None = None,
) -> str:
    """A Markdown table of ``rows`` (mappings), one column per key of ``columns``.

    ``columns`` maps keys to headers (or lists keys, used as headers); ``formats`` maps a key to
    a :func:`~sigcnn.report.format_value` format name or to a function of the value.

    Raises
    ------
    KeyError
        When a row lacks a column's key (named in the message).
    """
    columns = dict(columns) if isinstance(columns, Mapping) else {c: c for c in columns}
    formats = dict(formats or {})
    out = "| " + " | ".join(columns.values()) + " |\n|" + "---|" * len(columns) + "\n"
    for i, row in enumerate(rows):
        cells = []
        for key in columns:
            if key not in row:
                raise KeyError(f"row {i} has no column {key!r}")
            fmt = formats.get(key, "number")
            value = fmt(row[key]) if callable(fmt) else format_value(row[key], fmt)
            cells.append(_keep_whole(str(value)).replace("|", "\\|"))
        out += "| " + " | ".join(cells) + " |\n"
    return out


def _keep_whole(text: str) -> str:
    """``text``, kept on one line in the browser when it is one number a line could break after its
    minus ("1e-12", "2-3"): a ``sig-nowrap`` span (raw HTML in the table's Markdown)."""
    if re.fullmatch(r"[^\s<>|`*\\]+", text) and re.search(r"\d[-–−]\d|\de[-−]\d", text):
        return f'<span class="sig-nowrap">{text}</span>'
    return text


def table(
    rows: Sequence[Mapping],
    columns: Mapping[str, str] | Sequence[str],
    formats: Mapping[str, str | Callable] | None = None,
) -> None:
    """Display :func:`markdown_table`."""
    _display(markdown_table(rows, columns, formats))


def markdown(text: str) -> None:
    """Display Markdown text (computed sentences)."""
    _display(text)
