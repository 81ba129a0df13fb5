"""Flip the comparisons and claim directions of one module, one at a time, and count the survivors.

Usage::

    python benchmarks/mutate_claims.py MODULE_PATH TEST_FILE [TEST_FILE ...] [-k EXPR]

Each mutant changes ONE token of ``MODULE_PATH``: a comparison operator (``<`` ↔ ``>=``,
``>`` ↔ ``<=``, ``==`` ↔ ``!=``) or a claim direction string (``"greater"`` ↔ ``"less"``). The
given tests run against each mutant (``pytest -x -q``, with ``-k EXPR`` if given); a mutant that
leaves them green *survives*. The file is restored after every mutant (and on interruption).
Run it from the repository root with ``PYTHONPATH=src``; it prints each survivor and the counts.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tokenize
from pathlib import Path

FLIPS = {"<": ">=", ">": "<=", "<=": ">", ">=": "<", "==": "!=", "!=": "=="}
DIRECTIONS = {'"greater"': '"less"', '"less"': '"greater"', "'greater'": "'less'", "'less'": "'greater'"}


def mutants(source: str) -> list[tuple[int, int, str, str]]:
    """``(line, column, old, new)`` for every comparison operator and direction string of ``source``."""
    out = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.OP and tok.string in FLIPS:
            out.append((*tok.start, tok.string, FLIPS[tok.string]))
        elif tok.type == tokenize.STRING and tok.string in DIRECTIONS:
            out.append((*tok.start, tok.string, DIRECTIONS[tok.string]))
    return out


def apply(source: str, line: int, col: int, old: str, new: str) -> str:
    """``source`` with the token ``old`` at (``line``, ``col``) replaced by ``new``."""
    lines = source.splitlines(keepends=True)
    text = lines[line - 1]
    if text[col : col + len(old)] != old:
        raise ValueError(f"line {line}: expected {old!r} at column {col}")
    lines[line - 1] = text[:col] + new + text[col + len(old) :]
    return "".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("module")
    parser.add_argument("tests", nargs="+")
    parser.add_argument("-k", default=None, help="pytest -k expression")
    args = parser.parse_args(argv)
    path = Path(args.module)
    original = path.read_text()
    found = mutants(original)
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *args.tests]
    if args.k:
        cmd += ["-k", args.k]
    survivors = []
    try:
        for line, col, old, new in found:
            path.write_text(apply(original, line, col, old, new))
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode == 0:
                survivors.append((line, old, new))
                print(f"SURVIVES {path}:{line}: {old} -> {new}: {original.splitlines()[line - 1].strip()}")
    finally:
        path.write_text(original)
    print(f"{path}: {len(found)} mutants, {len(survivors)} survive, {len(found) - len(survivors)} killed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
