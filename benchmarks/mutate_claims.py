"""Flip the comparisons and claim directions of a module one at a time; count the mutants the tests miss.

Usage::

    python benchmarks/mutate_claims.py MODULE_PATH TEST_FILE... [--only NAME,NAME] [-k EXPR]

Each mutant changes one thing in ``MODULE_PATH``: a comparison operator (``<`` <-> ``>=``,
``<=`` <-> ``>``, ``==`` <-> ``!=``) or a claim direction string (``"greater"`` <-> ``"less"``).
With ``--only``, only the top-level functions or assignments of those names are mutated (for
instance the verdict code: ``--only findings,CLAIMS``). For each mutant the module file is
rewritten, ``pytest -x -q TEST_FILE... [-k EXPR]`` runs, and the original is restored (also on
Ctrl-C). A mutant *survives* when the tests still pass. Prints one line per mutant and the counts.
"""

from __future__ import annotations

import argparse
import ast
import os
import subprocess
import sys
from pathlib import Path

FLIPS = {ast.Lt: ">=", ast.GtE: "<", ast.Gt: "<=", ast.LtE: ">", ast.Eq: "!=", ast.NotEq: "=="}
SYMBOL = {ast.Lt: "<", ast.GtE: ">=", ast.Gt: ">", ast.LtE: "<=", ast.Eq: "==", ast.NotEq: "!="}
DIRECTIONS = {"greater": "less", "less": "greater"}


def _top_level_spans(tree: ast.Module, names: set[str]) -> list[tuple[int, int]]:
    spans = []
    for node in tree.body:
        targets = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            targets = [node.name]
        elif isinstance(node, ast.Assign):
            targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            targets = [node.target.id]
        if names & set(targets):
            spans.append((node.lineno, node.end_lineno))
    return spans


def mutants(source: str, only: set[str] | None = None) -> list[tuple[int, int, int, int, str, str]]:
    """``(line, col, end_line, end_col, old, new)`` of every mutation (1-based lines, 0-based columns)."""
    tree = ast.parse(source)
    spans = _top_level_spans(tree, only) if only else None
    lines = source.splitlines(keepends=True)
    out = []
    for node in ast.walk(tree):
        if spans is not None and not any(a <= getattr(node, "lineno", 0) <= b for a, b in spans):
            continue
        if isinstance(node, ast.Compare):
            for op, right in zip(node.ops, node.comparators, strict=True):
                if type(op) not in FLIPS:
                    continue
                # the operator's text lies between the previous operand's end and this operand's start
                left = node.left if op is node.ops[0] else node.comparators[node.ops.index(op) - 1]
                seg_line, seg_col = left.end_lineno, left.end_col_offset
                if seg_line != right.lineno:
                    continue
                text = lines[seg_line - 1][seg_col : right.col_offset]
                symbol = SYMBOL[type(op)]
                at = text.find(symbol)
                if at < 0:
                    continue
                col = seg_col + at
                out.append((seg_line, col, seg_line, col + len(symbol), symbol, FLIPS[type(op)]))
        elif isinstance(node, ast.Constant) and node.value in DIRECTIONS and node.lineno == node.end_lineno:
            quote = lines[node.lineno - 1][node.col_offset]
            out.append(
                (
                    node.lineno,
                    node.col_offset,
                    node.end_lineno,
                    node.end_col_offset,
                    f"{quote}{node.value}{quote}",
                    f"{quote}{DIRECTIONS[node.value]}{quote}",
                )
            )
    return sorted(set(out))


def apply(source: str, mutant: tuple[int, int, int, int, str, str]) -> str:
    line, col, _, end_col, old, new = mutant
    lines = source.splitlines(keepends=True)
    text = lines[line - 1]
    if text[col:end_col] != old:
        raise ValueError(f"line {line}: expected {old!r} at column {col}, found {text[col:end_col]!r}")
    lines[line - 1] = text[:col] + new + text[end_col:]
    return "".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("module")
    parser.add_argument("tests", nargs="+")
    parser.add_argument("--only", default="", help="comma-separated top-level names to mutate")
    parser.add_argument("-k", default=None, help="pytest -k expression")
    args = parser.parse_args(argv)
    path = Path(args.module)
    original = path.read_text()
    only = {n for n in args.only.split(",") if n} or None
    found = mutants(original, only)
    survived = []
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *args.tests]
    if args.k:
        cmd += ["-k", args.k]
    try:
        for m in found:
            path.write_text(apply(original, m))
            rc = subprocess.run(cmd, capture_output=True, text=True, env=os.environ.copy()).returncode
            status = "survived" if rc == 0 else "killed"
            if rc == 0:
                survived.append(m)
            print(f"{path.name}:{m[0]}: {m[4]} -> {m[5]}: {status}", flush=True)
    finally:
        path.write_text(original)
    print(f"{path}: {len(found)} mutants, {len(found) - len(survived)} killed, {len(survived)} survived")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
