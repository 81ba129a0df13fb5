"""Flip comparison operators and claim directions in one module, one at a time; count survivors.

Usage::

    python benchmarks/mutate_claims.py MODULE_PATH TEST_FILE... [-- PYTEST_ARGS...]

Each mutant changes one thing in ``MODULE_PATH``: a comparison operator (``<`` ↔ ``>=``,
``>`` ↔ ``<=``, ``==`` ↔ ``!=``) or a claim direction string (``"greater"`` ↔ ``"less"``). The
mutated module (written with :func:`ast.unparse`) replaces the file while the given tests run
(``pytest -x -q``); the original is restored afterwards, also on interruption. A mutant
*survives* when the tests still pass. Prints one line per mutant and the counts.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

FLIP = {ast.Lt: ast.GtE, ast.GtE: ast.Lt, ast.Gt: ast.LtE, ast.LtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq}
DIRECTIONS = {"greater": "less", "less": "greater"}


def sites(tree: ast.AST) -> list[tuple[ast.AST, int]]:
    """Every (node, operand index) that can be mutated, in source order."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            out.extend((node, i) for i, op in enumerate(node.ops) if type(op) in FLIP)
        elif isinstance(node, ast.Constant) and node.value in DIRECTIONS:
            out.append((node, -1))
    return sorted(out, key=lambda s: (s[0].lineno, s[0].col_offset, s[1]))


def mutant(source: str, k: int) -> tuple[str, str]:
    """The source with the ``k``-th site flipped, and a description."""
    tree = ast.parse(source)
    node, i = sites(tree)[k]
    if i < 0:
        what = f"line {node.lineno}: {node.value!r} -> {DIRECTIONS[node.value]!r}"
        node.value = DIRECTIONS[node.value]
    else:
        old = type(node.ops[i])
        node.ops[i] = FLIP[old]()
        what = f"line {node.lineno}: {old.__name__} -> {FLIP[old].__name__}"
    return ast.unparse(tree), what


def main(argv: list[str]) -> int:
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1 :]
    else:
        extra = []
    if len(argv) < 2:
        print(__doc__)
        return 2
    module, tests = Path(argv[0]), argv[1:]
    original = module.read_text()
    n = len(sites(ast.parse(original)))
    survived = []
    try:
        for k in range(n):
            text, what = mutant(original, k)
            module.write_text(text)
            rc = subprocess.run(
                [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests, *extra],
                capture_output=True,
            ).returncode
            status = "survived" if rc == 0 else "killed"
            if rc == 0:
                survived.append(what)
            print(f"{status:8s} {what}", flush=True)
    finally:
        module.write_text(original)
    print(f"{module}: {n} mutants, {len(survived)} survived, {n - len(survived)} killed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
