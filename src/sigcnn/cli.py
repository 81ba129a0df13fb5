"""The ``sigcnn`` command: list experiments, run them, and report on the data root.

Errors print one line and exit non-zero: 2 for bad arguments, 1 for a missing data set
or a failed run (``SIGCNN_DEBUG=1`` shows the traceback).
"""

from __future__ import annotations

import argparse
import os
import sys

from . import experiments
from .data import DatasetUnavailable, data_root, dataset_status, is_offline
from .runtime import DEVICES, SCALES


class UsageError(Exception):
    """Bad command-line arguments (exit code 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage dump
        raise UsageError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="sigcnn", description="Experiments of 'CNNs through the Lens of Signal Processing'.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sub.add_parser("list", help="list the experiments, their papers and figures")
    run = sub.add_parser("run", help="run an experiment and write its result file")
    run.add_argument("name", help="experiment name (see 'sigcnn list')")
    run.add_argument("--scale", default=None, help=f"one of {', '.join(SCALES)} (default: $SIGCNN_SCALE or ci)")
    run.add_argument("--device", default="auto", help=f"one of {', '.join(DEVICES)}")
    run.add_argument("--dataset", default=None, help="data set, for experiments that take one")
    run.add_argument("--seed", default=None, help="random seed (non-negative integer)")
    run.add_argument("--out", default=None, help="output folder (default: $SIGCNN_RESULTS)")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    data = sub.add_parser("data", help="data-root commands")
    data_sub = data.add_subparsers(dest="data_command", required=True, parser_class=_Parser)
    data_sub.add_parser("status", help="which data sets are present, partial or missing")
    return parser


def _cmd_list() -> int:
    for name in experiments.names():
        exp = experiments.describe(name)
        print(f"{name:<24} {exp.title} — {exp.reproduces}")
    return 0


def _cmd_run(args) -> int:
    from .results import results_dir, save_result
    from .runtime import resolve_device, resolve_scale

    try:
        module = experiments.describe(args.name)
        scale = resolve_scale(args.scale)
        resolve_device(args.device)
        seed = None
        if args.seed is not None:
            if not args.seed.isdigit():
                raise ValueError(f"seed must be a non-negative integer, got {args.seed!r}")
            seed = int(args.seed)
        if args.dataset is not None and not module.datasets:
            raise ValueError(f"experiment {args.name!r} takes no --dataset")
        config = module.make_config(scale, device=args.device, dataset=args.dataset, seed=seed)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    result = module.run(config, progress=not args.quiet)
    path = save_result(result, args.out if args.out else results_dir())
    print(result.summary())
    print(f"wrote {path}")
    return 0


def _cmd_data_status() -> int:
    print(f"data root: {data_root()}  (offline: {'yes' if is_offline() else 'no'})")
    for status in dataset_status():
        line = f"  {status.name:<14} {status.state:<8} {status.folder}"
        if status.missing:
            line += "  missing: " + ", ".join(status.missing)
        print(line)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``sigcnn`` console script."""
    try:
        args = _parser().parse_args(argv)
        if args.command == "list":
            return _cmd_list()
        if args.command == "run":
            return _cmd_run(args)
        return _cmd_data_status()
    except UsageError as exc:
        print(f"sigcnn: error: {exc}", file=sys.stderr)
        return 2
    except DatasetUnavailable as exc:
        print(f"sigcnn: data unavailable: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("sigcnn: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the CLI never shows a traceback unless asked
        if os.environ.get("SIGCNN_DEBUG"):
            raise
        print(f"sigcnn: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
