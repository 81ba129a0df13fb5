"""Flip the claim and verdict logic of one module, one mutation at a time, and count the mutants the tests miss.

Usage::

    python benchmarks/mutate_claims.py MODULE_PATH TEST_FILE... [--scope CLAIMS,findings] [-k EXPR]

Mutations, inside the top-level names listed by ``--scope`` (default: ``CLAIMS`` and ``findings``;
``*`` for the whole module): a comparison operator flipped (``<`` ↔ ``>``, ``<=`` ↔ ``>=``,
``==`` ↔ ``!=``), and anywhere in the module a claim direction swapped (``"greater"`` ↔ ``"less"``).
Each mutant is written over the module, ``pytest -x -q`` runs the given test files (``-k`` passed on),
and the original is restored. A mutant *survives* when the tests still pass. Prints one line per
mutant and the totals; exits 0.
"""

from __future__ import annotations

import argparse
import ast
import os
import signal
import subprocess
import sys
from pathlib import Path

FLIP = {ast.Lt: ast.Gt, ast.Gt: ast.Lt, ast.LtE: ast.GtE, ast.GtE: ast.LtE, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq}
DIRECTIONS = {"greater": "less", "less": "greater"}


def _scoped_nodes(tree: ast.Module, scope: set[str]) -> list[ast.AST]:
    if "*" in scope:
        return [tree]
    out = []
    for node in tree.body:
        names = []
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names = [node.name]
        elif isinstance(node, ast.Assign):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
        if scope & set(names):
            out.append(node)
    return out


def mutation_sites(source: str, scope: set[str]) -> list[tuple[str, int, int]]:
    """``(kind, node index in ast.walk order, operator index)`` of every mutation of ``source``."""
    tree = ast.parse(source)
    in_scope = {id(n) for root in _scoped_nodes(tree, scope) for n in ast.walk(root)}
    sites = []
    for i, node in enumerate(ast.walk(tree)):
        if isinstance(node, ast.Compare) and id(node) in in_scope:
            sites += [("compare", i, k) for k, op in enumerate(node.ops) if type(op) in FLIP]
        elif isinstance(node, ast.Constant) and node.value in DIRECTIONS:
            sites.append(("direction", i, 0))
    return sites


def mutate(source: str, site: tuple[str, int, int]) -> tuple[str, str]:
    """The mutated source and a one-line description."""
    kind, index, k = site
    tree = ast.parse(source)
    node = list(ast.walk(tree))[index]
    if kind == "compare":
        old = node.ops[k]
        node.ops[k] = FLIP[type(old)]()
        what = f"line {node.lineno}: {type(old).__name__} -> {type(node.ops[k]).__name__}"
    else:
        what = f"line {node.lineno}: {node.value!r} -> {DIRECTIONS[node.value]!r}"
        node.value = DIRECTIONS[node.value]
    return ast.unparse(tree), what


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("module")
    parser.add_argument("tests", nargs="+")
    parser.add_argument("--scope", default="CLAIMS,findings")
    parser.add_argument("-k", dest="keyword", default=None)
    args = parser.parse_args(argv)
    path = Path(args.module)
    original = path.read_text()
    sites = mutation_sites(original, set(args.scope.split(",")))
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *args.tests]
    if args.keyword:
        cmd += ["-k", args.keyword]
    survivors = 0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # a killed run still restores the module
    try:
        for site in sites:
            mutated, what = mutate(original, site)
            path.write_text(mutated)
            rc = subprocess.run(cmd, capture_output=True, env=os.environ.copy()).returncode
            survived = rc == 0
            survivors += survived
            print(f"{'SURVIVED' if survived else 'killed  '} {what}", flush=True)
    finally:
        path.write_text(original)
    print(f"{path}: {len(sites)} mutants, {survivors} survived")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
