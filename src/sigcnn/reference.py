"""Stored reference runs: larger-scale results committed beside the code, shown next to the executed ones.

Layout (what ``sigcnn run NAME --scale laptop --seed S --out results/reference/seed-S`` writes)::

    results/reference/seed-S/NAME/SCALE/result.json (+ arrays.npz)

A reference whose experiment code (the digest of its import graph) or stored configuration differs
from today's is *stale* (:func:`code_status`): the report marks it and ``make reference`` re-runs it.
One whose code cannot be confirmed (run from uncommitted changes) is *unknown*: marked, and re-run
only with ``--rerun-unknown``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
import warnings
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import experiments
from .core.code_state import commit_time, git_reader, module_digest
from .core.provenance import plain
from .core.results import Result, ResultFileError, load_result, save_result
from .data import DatasetUnavailable

REPO = Path(__file__).resolve().parents[2]
SCALE_ORDER = ("full", "laptop", "ci")


def reference_root() -> Path:
    """``$SIGCNN_REFERENCE`` if set, else ``results/reference`` of the source tree."""
    env = os.environ.get("SIGCNN_REFERENCE")
    return Path(env).expanduser() if env else REPO / "results" / "reference"


@lru_cache(maxsize=512)
def _digest_at(module: str, commit: str) -> str | None:
    try:
        return module_digest(module, git_reader(commit))
    except (OSError, ValueError, subprocess.SubprocessError):
        return None


def code_status(result: Result) -> tuple[str, str]:
    """``("current" | "stale" | "unknown", why)``: whether a stored run's code is today's code.

    *unknown* when the run recorded no commit, ran from uncommitted changes (``-dirty``), or
    records a commit made *after* it started (a commit during the run: its code is not the
    commit's); *stale* when the digest of the experiment's import graph (recorded, or recomputed
    from the commit's sources) differs from today's, or its configuration differs (:func:`is_stale`).
    """
    prov = result.provenance
    commit = prov.git_commit or "unknown"
    if commit == "unknown":
        return "unknown", "no commit recorded"
    if commit.endswith("-dirty"):
        return "unknown", "ran from uncommitted changes"
    made = commit_time(commit)
    if made is None:
        return "unknown", "its commit is not in this repository"
    try:
        finished = datetime.fromisoformat(prov.finished_at)
        started = finished - timedelta(seconds=wall_time_s(result))
    except (TypeError, ValueError):
        return "unknown", "no finishing time recorded"
    if made > started + timedelta(seconds=1):
        return "unknown", "its recorded commit was made after the run started"
    try:
        module = experiments.describe(result.name).measure.__module__
    except (KeyError, ValueError, AttributeError):
        return "stale", "the experiment no longer exists"
    stored = prov.experiment_source_sha256 or _digest_at(module, commit.removesuffix("-dirty"))
    if stored is None:
        return "unknown", "its code could not be read from git"
    if stored != module_digest(module):
        return "stale", "the experiment's code changed since"
    if is_stale(result):
        return "stale", "its configuration changed since"
    return "current", ""


def is_stale(result: Result) -> bool:
    """``True`` when ``result``'s configuration is not what the code's ``make_config`` gives today
    for the same scale, seed, device and data set (or when the experiment no longer exists)."""
    stored = result.provenance.config or {}
    try:
        overrides = {k: stored[k] for k in ("seed", "device", "dataset") if k in stored}
        expected = experiments.make_config(result.name, result.scale, **overrides)
    except ValueError:
        return True
    return plain(asdict(expected)) != plain(stored)


_LOADED: dict[Path, tuple[tuple[int, int], Result]] = {}


def _metrics_only(path: Path) -> Result:
    """``load_result`` without the arrays, remembered until the file changes (the report asks per row)."""
    stat = path.stat()
    key = (stat.st_mtime_ns, stat.st_size)
    cached = _LOADED.get(path)
    if cached is None or cached[0] != key:
        cached = _LOADED[path] = (key, load_result(path, with_arrays=False))
    return cached[1]


_SEED_FOLDER = re.compile(r"seed-([0-9]+)")


def _checked(path: Path, name: str, seed: int, scale: str) -> Result:
    """The stored run at ``path``, checked against where it lies: its name, scale and seed must be
    those of its folders (a run copied into another seed's folder is not a new seed)."""
    result = _metrics_only(path)
    seed_field = result.provenance.seed
    for field_name, stored, expected in (
        ("name", result.name, name),
        ("scale", result.scale, scale),
        ("provenance.seed", seed_field, seed),
    ):
        if stored != expected or isinstance(stored, bool):
            raise ResultFileError(f"{path}: field {field_name!r} is {stored!r} but its folder says {expected!r}")
    return result


def stored_references(name: str, root: Path | None = None) -> dict[str, list[Result]]:
    """The stored runs of experiment ``name`` (metrics and provenance, no arrays), by scale (largest
    scale first), seeds in order.

    Raises
    ------
    ResultFileError
        For a folder ``seed-*`` that is not ``seed-<integer>`` (a copy such as ``seed-0-copy``),
        a result file that cannot be read, or one whose name, scale or seed differ from its
        folders' (each message names the file and the field).
    """
    root = Path(root) if root is not None else reference_root()
    found: dict[str, list[Result]] = {}
    runs = []
    for path in root.glob(f"seed-*/{name}/*/result.json"):
        match = _SEED_FOLDER.fullmatch(path.parts[-4])
        if match is None:
            raise ResultFileError(
                f"{path}: folder {path.parts[-4]!r} is not seed-<integer>; rename or remove it "
                "(a copied run would count as another seed)"
            )
        runs.append((int(match.group(1)), path))
    for seed, path in sorted(runs):
        result = _checked(path, name, seed, path.parts[-2])
        found.setdefault(result.scale, []).append(result)
    order = [s for s in SCALE_ORDER if s in found] + sorted(set(found) - set(SCALE_ORDER))
    return {s: found[s] for s in order}


def stored_result(name: str, scale: str, seed: int = 0, root: Path | None = None) -> Result | None:
    """The stored reference run of ``name`` at ``scale`` and run seed ``seed``, with its arrays (a
    chapter plots what its executed scale does not measure); ``None`` when none is stored."""
    root = Path(root) if root is not None else reference_root()
    path = root / f"seed-{seed}" / name / scale / "result.json"
    return load_result(path) if path.is_file() else None


@dataclass
class ReferenceValue:
    """One metric over the stored seeds of one scale, with the provenance a reader needs.

    ``trained`` is the spread over the training seeds inside the runs (``{metric}_trained_min/max``)
    and ``controls`` the controls' spread (``{metric}_control_min/max``), both over every stored run;
    ``None`` where the metric has none. ``device``, ``date`` and ``commit`` are the newest run's, as
    :class:`~sigcnn.core.provenance.Provenance` formats them (``device_name``, ``day``, ``commit``).
    """

    scale: str
    values: list[float]
    device: str
    date: str
    commit: str
    stale: bool
    dataset: str = ""
    trained: tuple[float, float] | None = None
    controls: tuple[float, float] | None = None
    wall_time_s: float = float("nan")
    is_bool: bool = False
    other_datasets: tuple[str, ...] = ()
    without_value: tuple[str, ...] = ()
    """Stored runs (``seed-S``) whose file has the metric as ``null`` (a NaN when it ran), or lacks it:
    not in :attr:`values`, named here (and in a warning) instead of dropped silently."""
    code: tuple[str, str] = ("current", "")
    """:func:`code_status` of the pooled runs: the worst of them (unknown > stale > current), and why."""

    @property
    def mean(self) -> float:
        return float(np.mean(self.values))

    @property
    def spread(self) -> tuple[float, float]:
        return float(np.min(self.values)), float(np.max(self.values))

    @property
    def versus_controls(self) -> str:
        """``above controls``, ``below controls``, ``within controls`` or ``""`` without controls."""
        if self.controls is None:
            return ""
        lo, hi = self.controls
        return "above controls" if self.mean > hi else "below controls" if self.mean < lo else "within controls"


def dataset_of(result: Result) -> str:
    """The data set of a run in a few words: its config's ``dataset``, else the start of its data source."""
    config = result.provenance.config or {}
    name = config.get("dataset") if isinstance(config, dict) else None
    if name:
        return str(name)
    source = str(result.provenance.data_source)
    return re.split(r":|, | \(|; ", source, maxsplit=1)[0]


def _span(results: list[Result], low: str, high: str) -> tuple[float, float] | None:
    values = [(r.metrics.get(low), r.metrics.get(high)) for r in results]
    lows = [lo for lo, _ in values if isinstance(lo, (int, float))]
    highs = [hi for _, hi in values if isinstance(hi, (int, float))]
    if len(lows) < len(values) or len(highs) < len(values):
        return None
    return float(min(lows)), float(max(highs))


def newest_run(results: list[Result]) -> Result:
    """The run that finished last (the later one in ``results`` on a tie)."""
    return max(enumerate(results), key=lambda ir: (str(ir[1].provenance.finished_at), ir[0]))[1]


def wall_time_s(result: Result) -> float:
    """A run's recorded wall time in seconds (0 when the result file has none)."""
    value = result.provenance.wall_time_s
    return float(value) if isinstance(value, (int, float)) and value == value else 0.0


def reference_values(name: str, metric: str, root: Path | None = None) -> dict[str, ReferenceValue]:
    """``metric`` of every stored scale of ``name`` (largest scale first; empty when nothing is stored).

    Within a scale, only the runs on the data set of the newest run are pooled; runs on other data
    sets are named in ``other_datasets``, never averaged in.
    """
    out = {}
    for scale, results in stored_references(name, root).items():
        kept = [r for r in results if isinstance(r.metrics.get(metric), (int, float))]  # bools count as 0/1
        if not kept:
            continue
        without = tuple(f"seed-{r.provenance.seed}" for r in results if r not in kept)
        if without:
            warnings.warn(
                f"{name} [{scale}]: metric {metric!r} is null or absent in {', '.join(without)}; "
                f"the reference pools the other {len(kept)} run(s)",
                stacklevel=2,
            )
        newest = newest_run(kept)
        data = dataset_of(newest)
        others = tuple(sorted({dataset_of(r) for r in kept} - {data}))
        kept = [r for r in kept if dataset_of(r) == data]
        last = newest.provenance
        out[scale] = ReferenceValue(
            scale,
            [float(r.metrics[metric]) for r in kept],
            last.device_name,
            last.day,
            last.commit,
            any(is_stale(r) for r in kept),
            data,
            _span(kept, f"{metric}_trained_min", f"{metric}_trained_max"),
            _span(kept, f"{metric}_control_min", f"{metric}_control_max"),
            sum(wall_time_s(r) for r in kept),
            all(isinstance(r.metrics[metric], bool) for r in kept),
            others,
            without,
            _worst(code_status(r) for r in kept),
        )
    return out


def _worst(statuses) -> tuple[str, str]:
    rank = {"current": 0, "stale": 1, "unknown": 2}
    return max(statuses, key=lambda s: rank[s[0]], default=("current", ""))


def reference_value(name: str, metric: str, root: Path | None = None) -> ReferenceValue | None:
    """``metric`` of the largest stored scale of ``name`` (``None`` when nothing is stored)."""
    values = reference_values(name, metric, root)
    return next(iter(values.values()), None)


MAX_ARRAYS_BYTES = 1_000_000


def save_reference(result: Result, out_dir: Path) -> Path:
    """Save ``result`` as a reference: its arrays only when their compressed file stays under 1 MB."""
    path = save_result(result, out_dir)
    arrays_file = json.loads(path.read_text()).get("arrays_file")
    if arrays_file and path.with_name(arrays_file).stat().st_size > MAX_ARRAYS_BYTES:
        path = save_result(replace(result, arrays={}), out_dir)  # also removes the arrays file it replaces
    return path


PRIORITY = (
    "recos-negative",
    "spectral-shift",
    "max-gain-training",
    "recos-anchors",
    "recos-cascade",
    "spectral-shift-activations",
    "pretrained-max-gain",
    "recos-backgrounds",
)
"""The most informative experiments first (trained networks far from converged at ``ci``); the
others follow in book order."""


def seeds_inside(config: object) -> int:
    """How many networks (or seeds) one run of ``config`` already trains or draws: the largest of its
    ``*seeds`` settings (an int, or the length of a sequence of seeds); 1 when it has none.

    Control settings count too, on purpose: in the Maximum-Gain experiments ``control_seeds`` is the
    number of trained-and-untrained pairs behind every controlled row (their learning-rate sweeps, which
    the report shows without a verdict, train one seed per rate).
    """
    counts = [1]
    for name, value in vars(config).items():
        if name.endswith("seeds"):
            counts.append(len(value) if isinstance(value, (list, tuple)) else int(value or 0))
    return max(counts)


def planned_runs(scale: str, seeds: list[int], names: list[str] | None = None) -> list[tuple[str, int]]:
    """``(experiment, seed)`` pairs in the order ``make reference`` runs them.

    The first seed of every experiment comes first (by priority), then the other seeds, only for
    the experiments whose run trains fewer than three seeds itself: one run of an experiment that
    trains seeds ``seed, seed + 1, seed + 2`` already holds three, and a second run would share two.
    """
    known = experiments.names()
    chosen = names or [n for n in PRIORITY if n in known] + [n for n in known if n not in PRIORITY]
    first = [(name, seeds[0]) for name in chosen]
    more = [
        (name, seed)
        for seed in seeds[1:]
        for name in chosen
        if seeds_inside(experiments.describe(name).make_config(scale)) < 3
    ]
    return first + more


def stored_table(root: Path | None = None) -> str:
    """A Markdown table of every stored reference run: experiment, scale, run seeds, data set,
    device, wall time per run, stale or current (what ``python -m sigcnn.reference --list`` prints)."""
    out = "| experiment | scale | run seeds | data | device | wall time per run (s) | state |\n|---|---|---|---|---|---|---|\n"
    for name in experiments.names():
        for scale, results in stored_references(name, root).items():
            seeds = ", ".join(str(r.provenance.seed) for r in results)
            data = ", ".join(sorted({dataset_of(r) for r in results}))
            device = newest_run(results).provenance.device
            walls = " / ".join(f"{wall_time_s(r):.0f}" for r in results)
            status, why = _worst(code_status(r) for r in results)
            state = status if status == "current" else f"{status}: {why}"
            out += f"| {name} | {scale} | {seeds} | {data} | {device} | {walls} | {state} |\n"
    return out


def _takes(exp: experiments.Experiment, dataset: str) -> bool:
    try:
        exp.make_config("ci", dataset=dataset)
    except ValueError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    """``python -m sigcnn.reference --scale laptop --seeds 0 1 2 --cap-minutes 90 [NAME ...]``.

    Runs what is missing or stale (:func:`code_status`; *unknown* runs too with ``--rerun-unknown``),
    most informative first, and stops starting new runs once the time cap is spent; prints what ran,
    what was kept and why, and how long it all took.
    """
    parser = argparse.ArgumentParser(prog="python -m sigcnn.reference")
    parser.add_argument("names", nargs="*")
    parser.add_argument("--scale", default="laptop")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--cap-minutes", type=float, default=90.0)
    parser.add_argument("--device", default="auto")
    parser.add_argument(
        "--dataset",
        default=None,
        help="run every experiment that takes a data set on this one",
    )
    parser.add_argument(
        "--fallback-dataset",
        default=None,
        help="where an experiment's own data set is absent, run it on this one if it takes it "
        "(e.g. fashion-mnist where MNIST's training images are absent)",
    )
    parser.add_argument(
        "--rerun-unknown",
        action="store_true",
        help="also re-run stored runs whose code cannot be confirmed as today's (uncommitted, "
        "committed during the run, or no commit recorded); stale runs are always re-run",
    )
    parser.add_argument("--list", action="store_true", help="print the stored reference runs and exit")
    args = parser.parse_args(argv)
    root, start = reference_root(), time.monotonic()
    if args.list:
        print(stored_table(root), end="")
        return 0
    for name, seed in planned_runs(args.scale, args.seeds, args.names or None):
        spent = (time.monotonic() - start) / 60
        if spent > args.cap_minutes:
            print(f"time cap of {args.cap_minutes:g} min reached: {name} seed {seed} and later not run")
            break
        exp = experiments.describe(name)
        takes_data = "dataset" in {f.name for f in fields(exp.config)}
        data = {"dataset": args.dataset} if args.dataset and takes_data and _takes(exp, args.dataset) else {}
        path = root / f"seed-{seed}" / name / args.scale / "result.json"
        if path.exists():
            stored = load_result(path, with_arrays=False)
            state, why = code_status(stored)
            if dataset_of(stored) != data.get("dataset", dataset_of(stored)):
                print(f"replace  {name} seed {seed}: stored on {dataset_of(stored)}")
            elif state == "current" or (state == "unknown" and not args.rerun_unknown):
                kept = f": {why}; kept (--rerun-unknown re-runs it)" if why else ""
                print(f"{state:<8} {name} seed {seed} ({dataset_of(stored)}){kept}")
                continue
            else:
                print(f"{state:<8} {name} seed {seed}: {why}; re-running it")
        t0 = time.monotonic()
        try:
            result = exp.run(exp.make_config(args.scale, seed=seed, device=args.device, **data))
        except DatasetUnavailable as exc:
            fallback = args.fallback_dataset
            if not (fallback and takes_data and not data and _takes(exp, fallback)):
                print(f"skipped  {name} seed {seed}: {exc}")
                continue
            print(f"fallback {name} seed {seed}: {exc}; running it on {fallback}")
            try:
                result = exp.run(exp.make_config(args.scale, seed=seed, device=args.device, dataset=fallback))
            except DatasetUnavailable as again:
                print(f"skipped  {name} seed {seed}: {again}")
                continue
        save_reference(result, root / f"seed-{seed}")
        print(f"ran      {name} seed {seed} in {time.monotonic() - t0:.0f} s")
        sys.stdout.flush()
    print(f"reference runs: {(time.monotonic() - start) / 60:.1f} min in all")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
