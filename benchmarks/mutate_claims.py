"""Mutation check of an experiment's claim and verdict code: flip one comparison at a time, run tests.

Usage::

    python benchmarks/mutate_claims.py MODULE_PATH TEST_FILE... [--scope NAME ...] [-k EXPR] [--timeout S]

Each mutant changes ONE token of ``MODULE_PATH`` inside the top-level definitions named by
``--scope`` (default ``CLAIMS`` and ``findings``; ``--scope all`` for the whole module):

- a claim direction: the string ``"greater"`` becomes ``"less"`` and vice versa;
- a comparison operator: ``<`` → ``>=``, ``>`` → ``<=``, ``<=`` → ``>``, ``>=`` → ``<``, ``==`` → ``!=``,
  ``!=`` → ``==``.

The mutated module is written in place (the original is restored afterwards, also on Ctrl-C), the
tests run with ``pytest -x -q`` (``-k EXPR`` selects the fast verdict tests), and a mutant
*survives* when the tests still pass. Prints one line per mutant and the counts; exit status 0.
"""

from __future__ import annotations

import argparse
import ast
import io
import os
import subprocess
import sys
import time
import tokenize
from pathlib import Path

FLIP_OPS = {"<": ">=", ">": "<=", "<=": ">", ">=": "<", "==": "!=", "!=": "=="}
FLIP_DIRECTIONS = {'"greater"': '"less"', '"less"': '"greater"', "'greater'": "'less'", "'less'": "'greater'"}
DEFAULT_SCOPE = ("CLAIMS", "findings")


def scoped_lines(source: str, scope: tuple[str, ...]) -> set[int]:
    """Line numbers of the top-level functions, classes and assignments named in ``scope`` (all: every line)."""
    if "all" in scope:
        return set(range(1, source.count("\n") + 2))
    lines: set[int] = set()
    for node in ast.parse(source).body:
        names = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names = [node.name]
        elif isinstance(node, ast.Assign):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names = [node.target.id]
        if set(names) & set(scope):
            lines.update(range(node.lineno, node.end_lineno + 1))
    return lines


def mutants(source: str, scope: tuple[str, ...]) -> list[tuple[int, int, str, str]]:
    """``(line, column, old, new)`` for every mutable token in scope."""
    lines = scoped_lines(source, scope)
    out = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.start[0] not in lines:
            continue
        if tok.type == tokenize.OP and tok.string in FLIP_OPS:
            out.append((tok.start[0], tok.start[1], tok.string, FLIP_OPS[tok.string]))
        elif tok.type == tokenize.STRING and tok.string in FLIP_DIRECTIONS:
            out.append((tok.start[0], tok.start[1], tok.string, FLIP_DIRECTIONS[tok.string]))
    return out


def apply(source: str, line: int, col: int, old: str, new: str) -> str:
    """``source`` with the token ``old`` at (``line``, ``col``) replaced by ``new``."""
    rows = source.splitlines(keepends=True)
    row = rows[line - 1]
    if row[col : col + len(old)] != old:
        raise ValueError(f"line {line}: expected {old!r} at column {col}")
    rows[line - 1] = row[:col] + new + row[col + len(old) :]
    return "".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("module")
    parser.add_argument("tests", nargs="+")
    parser.add_argument("--scope", nargs="+", default=list(DEFAULT_SCOPE))
    parser.add_argument("-k", dest="keyword", default=None)
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args(argv)
    path = Path(args.module)
    original = path.read_text()
    found = mutants(original, tuple(args.scope))
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *args.tests]
    if args.keyword:
        cmd += ["-k", args.keyword]
    survived = killed = 0
    try:
        for line, col, old, new in found:
            path.write_text(apply(original, line, col, old, new))
            start = time.perf_counter()
            try:
                rc = subprocess.run(cmd, capture_output=True, timeout=args.timeout, env=os.environ).returncode
            except subprocess.TimeoutExpired:
                rc = -1  # a hang counts as killed
            alive = rc == 0
            survived += alive
            killed += not alive
            state = "SURVIVED" if alive else "killed"
            print(
                f"{state:8s} {path.name}:{line}:{col} {old} -> {new} ({time.perf_counter() - start:.0f} s)", flush=True
            )
    finally:
        path.write_text(original)
    print(f"{path}: {len(found)} mutants, {killed} killed, {survived} survived")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
