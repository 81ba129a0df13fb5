"""Which code a stored run came from: the digest of an experiment's own import graph, and whether a
stored run's recorded commit can be trusted.

:func:`sigcnn.core.provenance.source_digest` hashes the whole package (caches use it: the safe side).
A stored reference run needs a finer answer — did *its* code change? — so :func:`module_digest`
hashes the experiment module and every ``sigcnn`` module it imports, transitively (static
``import``/``from`` statements, read with :mod:`ast`). It can read the sources of today's tree or of
a past commit (``git show``), so runs stored before the digest was recorded can be checked too.
"""

from __future__ import annotations

import ast
import hashlib
import subprocess
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from .provenance import PACKAGE_ROOT

Reader = Callable[[str], bytes | None]
"""Reads a module's source by its path relative to ``src/`` (``sigcnn/lenses/walk.py``); None if absent."""


def _tree_reader(root: Path = PACKAGE_ROOT.parent) -> Reader:
    def read(rel: str) -> bytes | None:
        path = root / rel
        return path.read_bytes() if path.is_file() else None

    return read


def git_reader(commit: str, repo: Path = PACKAGE_ROOT.parents[1]) -> Reader:
    """Sources as of ``commit`` (``None`` for a file that did not exist; ``OSError`` without git)."""

    def read(rel: str) -> bytes | None:
        out = subprocess.run(
            ["git", "show", f"{commit}:src/{rel}"], cwd=repo, capture_output=True, timeout=20, check=False
        )
        return out.stdout if out.returncode == 0 else None

    return read


def _candidates(module: str) -> list[str]:
    path = module.replace(".", "/")
    return [f"{path}.py", f"{path}/__init__.py"]


def _imports(module: str, source: bytes, is_package: bool) -> set[str]:
    found: set[str] = set()
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{parent}.{base}" if base else parent
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)  # a submodule imported by name
    return {m for m in found if m == "sigcnn" or m.startswith("sigcnn.")}


def module_digest(module: str, read: Reader | None = None) -> str:
    """SHA-256 of ``module``'s source and of every ``sigcnn`` module it imports, transitively.

    Parameters
    ----------
    module : a dotted module name (``sigcnn.experiments.recos_sphere``).
    read : where sources come from (default: today's tree; :func:`git_reader` for a commit).

    Raises
    ------
    ValueError
        When ``module`` has no source there.
    """
    read = read or _tree_reader()
    seen: dict[str, tuple[str, bytes]] = {}
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        for rel in _candidates(name):
            data = read(rel)
            if data is not None:
                seen[name] = (rel, data)
                todo.extend(_imports(name, data, rel.endswith("__init__.py")) - set(seen))
                break
        else:
            if name == module:
                raise ValueError(f"module_digest: no source for {module}")
    digest = hashlib.sha256()
    for rel, data in sorted(seen.values()):
        digest.update(f"{rel}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


@lru_cache(maxsize=256)
def commit_time(commit: str, repo: Path = PACKAGE_ROOT.parents[1]) -> datetime | None:
    """When ``commit`` was made (committer date), or ``None`` when git or the commit is missing."""
    try:
        out = subprocess.run(
            ["git", "show", "-s", "--format=%cI", commit], cwd=repo, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    text = out.stdout.strip()
    return datetime.fromisoformat(text) if out.returncode == 0 and text else None
