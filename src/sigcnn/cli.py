"""The ``sigcnn`` command: list experiments, run them, and report on the data root.

Errors print one line and exit non-zero: 2 for bad arguments (checked before any work,
``--out`` and ``--out/NAME/SCALE`` included), 1 for a missing or corrupt data set or a failed
run, 130 for Ctrl-C, 143 for SIGTERM. ``SIGCNN_DEBUG=1`` (or ``true``/``yes``) also prints the
traceback, for every kind of error.

Only the standard library is imported at module level, so that Ctrl-C while torch is still
loading is caught like any other interrupt.
"""

from __future__ import annotations

import argparse
import errno
import os
import re
import signal
import sys
import traceback
from pathlib import Path

SEED_MAX = 2**63 - 1
"""Largest seed accepted (torch, NumPy and Python's ``random`` all take it)."""


class UsageError(Exception):
    """Bad command-line arguments (exit code 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage dump
        raise UsageError(message)


def debug_enabled() -> bool:
    """True when ``$SIGCNN_DEBUG`` is ``1``, ``true`` or ``yes`` (any case): show tracebacks."""
    return os.environ.get("SIGCNN_DEBUG", "").strip().lower() in {"1", "true", "yes"}


def _parser() -> argparse.ArgumentParser:
    from . import __version__
    from .core.runtime import DEVICES, SCALES  # late: `sigcnn --help` loads no torch

    parser = _Parser(prog="sigcnn", description="Experiments of 'CNNs through the Lens of Signal Processing'.")
    parser.add_argument("--version", action="version", version=f"sigcnn {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sub.add_parser("list", help="list the experiments, their papers and figures")
    run = sub.add_parser("run", help="run an experiment and write its result file")
    run.add_argument("name", help="experiment name (see 'sigcnn list')")
    run.add_argument("--scale", default=None, help=f"one of {', '.join(SCALES)} (default: $SIGCNN_SCALE or ci)")
    run.add_argument("--device", default="auto", help=f"one of {', '.join(DEVICES)}")
    run.add_argument("--dataset", default=None, help="data set, for experiments that take one")
    run.add_argument("--seed", default=None, help=f"random seed (an integer from 0 to {SEED_MAX})")
    run.add_argument("--out", default=None, help="output folder (default: $SIGCNN_RESULTS)")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    ins = sub.add_parser("inspect", help="read your own CNN through the five lenses: result folder + summary.html")
    ins.add_argument("model", help="a saved state_dict (with --arch) or a TorchScript file")
    ins.add_argument("--arch", default=None, help="architecture of a state_dict: lenet5, audio-vgg11 or resnet18")
    ins.add_argument("--data", required=True, help="data set: mnist, fashion-mnist (32x32 images) or fsdd (audio)")
    ins.add_argument("--examples", default=None, help="test examples read (default: the five-lens chapter's)")
    ins.add_argument("--untrained-seeds", default=None, help="untrained copies as the baseline (default: chapter's)")
    ins.add_argument("--width", default=None, help="audio-vgg11 width (default: from the weights)")
    ins.add_argument("--pool-size", default=None, help="audio-vgg11 pooling size (default 4)")
    ins.add_argument("--scale", default=None, help=f"one of {', '.join(SCALES)} (default: $SIGCNN_SCALE or ci)")
    ins.add_argument("--device", default="auto", help=f"one of {', '.join(DEVICES)}")
    ins.add_argument("--seed", default=None, help=f"random seed (an integer from 0 to {SEED_MAX})")
    ins.add_argument("--out", default=None, help="output folder (default: $SIGCNN_RESULTS)")
    data = sub.add_parser("data", help="data-root commands")
    data_sub = data.add_subparsers(dest="data_command", required=True, parser_class=_Parser)
    data_sub.add_parser("status", help="which data sets are present, partial, corrupt or missing")
    return parser


def parse_seed(text: str) -> int:
    """The seed written as ``text`` (ASCII digits, 0 to :data:`SEED_MAX`)."""
    if not re.fullmatch(r"[0-9]+", text.strip()):
        raise UsageError(
            f"--seed must be a whole number from 0 to {SEED_MAX} written with the digits 0-9, got {text!r}"
        )
    seed = int(text.strip())
    if seed > SEED_MAX:
        raise UsageError(f"--seed must be a whole number from 0 to {SEED_MAX}, got {text} (too large)")
    return seed


def check_output_folder(out: str | os.PathLike) -> list[Path]:
    """Make sure results can be written under ``out``: create it, write and remove a probe file.

    Returns the folders it created (so a caller can remove them if the run never starts).

    Raises
    ------
    UsageError
        When ``out`` is empty, is a file, lies under a file, or cannot be created or written.
    """
    if str(out).strip() == "":
        raise UsageError("--out must name a folder, got an empty string")
    folder = Path(out).expanduser()
    created = []
    missing = []
    probe = folder
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise UsageError(f"--out {out}: {probe} is a file, not a folder")
    try:
        for part in reversed(missing):
            part.mkdir()
            created.append(part)
        from .core.cache import write_probe  # late, like every sigcnn module here (it loads torch)

        write_probe(folder)
    except OSError as exc:
        remove_created(created)
        reason = exc.strerror or str(exc)
        raise UsageError(f"--out {out}: cannot write there ({reason})") from exc
    return created


def remove_created(folders: list[Path]) -> None:
    """Remove the (still empty) folders made by :func:`check_output_folder`, deepest first."""
    for folder in reversed(folders):
        try:
            folder.rmdir()
        except OSError:
            break


def _cmd_list() -> int:
    from . import experiments  # late: `sigcnn --help` loads no torch

    names = experiments.names()
    width = max(len(n) for n in names)
    for name in names:  # the second column lines up however long a name is
        exp = experiments.describe(name)
        print(f"{name:<{width}}  {exp.title} — {exp.reproduces}")
    return 0


def _cmd_run(args) -> int:
    from .core.results import results_dir  # late: `sigcnn --help` loads no torch

    out = results_dir() if args.out is None else args.out
    seed = parse_seed(args.seed) if args.seed is not None else None
    # before any import of torch or of the experiments; under torchrun only rank 0 writes (and checks)
    created = check_output_folder(out) if os.environ.get("RANK", "0") == "0" else []
    try:
        from . import experiments
        from .core.runtime import resolve_device, resolve_scale

        try:
            module = experiments.describe(args.name)
            scale = resolve_scale(args.scale)
            resolve_device(args.device)
            dataset = args.dataset
            if dataset is not None:
                if not module.datasets:
                    raise ValueError(f"experiment {args.name!r} takes no --dataset")
                dataset = dataset.strip().lower().replace("_", "-")  # the registry's spelling
            config = module.make_config(scale, device=args.device, dataset=dataset, seed=seed)
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
        if os.environ.get("RANK", "0") == "0":
            # the folder the result goes to (a file at out/NAME/SCALE fails here, not after the run)
            created += check_output_folder(Path(out).expanduser() / args.name / config.scale)
            _warn_if_cache_unwritable()
    except BaseException:
        remove_created(created)
        raise
    from .core import distributed
    from .core.results import save_result

    # Under torchrun (WORLD_SIZE > 1) every process runs the same experiment and trains its share
    # of each batch (see sigcnn.core.distributed); only rank 0 shows progress, writes and prints.
    distributed.init_from_environment(args.device)
    try:
        result = module.run(config, progress=not args.quiet and distributed.is_main())
        if not distributed.is_main():
            return 0
        path = save_result(result, out)
        print(result.summary())
        print(f"wrote {path}")
        return 0
    finally:
        distributed.shutdown()


def _count(text: str | None, flag: str, low: int) -> int | None:
    if text is None:
        return None
    if not re.fullmatch(r"[0-9]+", text.strip()) or int(text) < low:
        raise UsageError(f"{flag} must be a whole number >= {low}, got {text!r}")
    return int(text)


def _positive(text: str | None, flag: str) -> float | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise UsageError(f"{flag} must be a positive number, got {text!r}")
    return value


def _cmd_inspect(args) -> int:
    from .core.results import results_dir  # late: `sigcnn --help` loads no torch

    out = results_dir() if args.out is None else args.out
    seed = parse_seed(args.seed) if args.seed is not None else 0
    examples = _count(args.examples, "--examples", 4)
    untrained = _count(args.untrained_seeds, "--untrained-seeds", 2)
    pool = _count(args.pool_size, "--pool-size", 1)
    width = _positive(args.width, "--width")
    if not Path(args.model).expanduser().is_file():
        raise UsageError(f"model file {args.model} does not exist or is not a file")
    from . import inspect as inspection
    from .core.runtime import resolve_device, resolve_scale

    try:
        inspection.check_arch(args.arch)
        dataset = inspection.normalise_dataset(args.data)
        scale = resolve_scale(args.scale)
        resolve_device(args.device)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    created = check_output_folder(out)
    try:
        created += check_output_folder(Path(out).expanduser() / "inspect" / scale)
        try:
            prepared = inspection.prepare(
                Path(args.model).expanduser(),
                args.arch,
                dataset,
                scale=scale,
                examples=examples,
                untrained_seeds=untrained,
                seed=seed,
                device=args.device,
                width=width,
                pool_size=pool,
            )
        except inspection.InspectError as exc:
            raise UsageError(str(exc)) from exc
    except BaseException:
        remove_created(created)
        raise
    result = inspection.run_inspect(prepared)
    path, page = inspection.write_summary(result, out)
    print(inspection.terminal_summary(result))
    print(f"wrote {path}")
    print(f"wrote {page}")
    return 0


def _warn_if_cache_unwritable() -> None:
    """Say before the work when the cache folder cannot be written: the run goes on uncached."""
    from .core.cache import cache_root, probe_folder  # late: `sigcnn --help` loads no torch

    problem = probe_folder(cache_root())
    if problem:
        print(
            f"sigcnn: warning: cache {problem}; this run's networks and coefficients will not be cached "
            "(set SIGCNN_CACHE to a writable folder)",
            file=sys.stderr,
        )


def _cmd_data_status() -> int:
    from .data import data_root, dataset_status, is_offline  # late: `sigcnn --help` loads no torch
    from .data.status import root_problem

    root = data_root()
    problem = root_problem(root)
    print(
        f"data root: {root}  (offline: {'yes' if is_offline() else 'no'})"
        + (f"  PROBLEM: {problem}" if problem else "")
    )
    for status in dataset_status():
        print(f"  {status.name:<14} {status.state:<8} {status.folder}")
        for label, names in (
            ("missing", status.missing),
            ("corrupt", status.corrupt),
            ("unexpected", status.unexpected),
        ):
            if names:
                shown = names[:10] + ([f"... {len(names) - 10} more"] if len(names) > 10 else [])
                print(f"      {label}: " + ", ".join(shown))
    return 0


def _describe_os_error(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        where = exc.filename or "the output or data folder"
        return f"no space left on device while writing {where}"
    return f"{type(exc).__name__}: {exc}"


class Terminated(BaseException):
    """SIGTERM arrived: unwinds like Ctrl-C, so temporary files are removed on the way out."""


def _on_sigterm(signum, frame):
    raise Terminated()


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``sigcnn`` console script.

    SIGTERM (``kill``, a batch system's time limit) unwinds the run like Ctrl-C: the temporary
    file being written is removed, one line is printed, and the exit code is 143.
    """
    try:
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread: leave signals alone
        previous = None
    try:
        return _main(argv)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _main(argv: list[str] | None) -> int:
    try:
        try:
            try:
                args = _parser().parse_args(argv)
            except SystemExit as exc:  # --version, --help: argparse printed, nothing else to do
                return int(exc.code or 0)
            if args.command == "list":
                return _cmd_list()
            if args.command == "run":
                return _cmd_run(args)
            if args.command == "inspect":
                return _cmd_inspect(args)
            return _cmd_data_status()
        except UsageError as exc:
            return _fail(f"error: {exc}", 2)
        except KeyboardInterrupt:
            return _fail("interrupted", 130)
        except Terminated:
            return _fail("terminated (SIGTERM)", 143)
        except OSError as exc:
            errors = sys.modules.get(f"{__package__ or 'sigcnn'}.data.errors")
            if errors is not None and isinstance(exc, errors.DatasetUnavailable):
                return _fail(f"data unavailable: {exc}", 1)
            return _fail(_describe_os_error(exc), 1)
        except Exception as exc:
            errors = sys.modules.get(f"{__package__ or 'sigcnn'}.data.errors")  # imported if it was raised
            if errors is not None and isinstance(exc, errors.DatasetUnavailable):
                return _fail(f"data unavailable: {exc}", 1)
            return _fail(f"{type(exc).__name__}: {exc}", 1)
    except KeyboardInterrupt:  # Ctrl-C while importing, or while printing the message above
        print("sigcnn: interrupted", file=sys.stderr)
        return 130
    except Terminated:
        print("sigcnn: terminated (SIGTERM)", file=sys.stderr)
        return 143


def _fail(message: str, code: int) -> int:
    if debug_enabled():
        traceback.print_exc()
    print(f"sigcnn: {' '.join(message.split())}" if "\n" in message else f"sigcnn: {message}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
