"""Compare the metrics of two sets of result files: the behaviour check of a refactor (issue 24).

Usage::

    python benchmarks/compare_results.py BEFORE AFTER [--rtol 0] [--scale ci]

``BEFORE`` and ``AFTER`` are results roots (``<root>/<experiment>/<scale>/result.json``) or flat
folders (``<root>/<experiment>/result.json``). Prints, per experiment, the metric keys that were
added, removed or changed (with both values), and a summary line; exits 1 when any metric differs.
Run it on two ``ci`` builds made on the same machine with the same thread count: CPU sums depend
on the thread count, so only then is "identical" the right test.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path


def result_files(root: Path, scale: str) -> dict[str, Path]:
    """Experiment name -> result file under ``root`` (scale folder or flat)."""
    found = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        for candidate in (folder / scale / "result.json", folder / "result.json"):
            if candidate.is_file():
                found[folder.name] = candidate
                break
    return found


def same(a, b, rtol: float) -> bool:
    """Equal values; floats (also inside lists) within ``rtol``, NaN equal to NaN."""
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y, rtol) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        if not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
            return False
        if math.isnan(a) and math.isnan(b):
            return True
        return math.isclose(a, b, rel_tol=rtol, abs_tol=0.0) if rtol else a == b
    return a == b


def compare(before: dict, after: dict, rtol: float) -> list[str]:
    """One line per metric key that differs between two metric dicts."""
    lines = []
    for key in sorted(set(before) | set(after)):
        if key not in after:
            lines.append(f"  - {key} removed (was {before[key]!r:.80})")
        elif key not in before:
            lines.append(f"  + {key} added ({after[key]!r:.80})")
        elif not same(before[key], after[key], rtol):
            lines.append(f"  ~ {key}: {before[key]!r:.60} -> {after[key]!r:.60}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--rtol", type=float, default=0.0, help="relative tolerance for floats (default: exact)")
    parser.add_argument("--scale", default="ci")
    args = parser.parse_args(argv)
    before, after = result_files(args.before, args.scale), result_files(args.after, args.scale)
    differing = 0
    for name in sorted(set(before) | set(after)):
        if name not in after or name not in before:
            print(f"{name}: only in {'before' if name in before else 'after'}")
            differing += 1
            continue
        lines = compare(
            json.loads(before[name].read_text())["metrics"], json.loads(after[name].read_text())["metrics"], args.rtol
        )
        print(f"{name}: {'identical' if not lines else f'{len(lines)} metrics differ'}")
        for line in lines:
            print(line)
        differing += bool(lines)
    total = len(set(before) | set(after))
    print(f"{total - differing} of {total} experiments have identical metrics")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
