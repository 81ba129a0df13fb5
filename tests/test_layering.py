"""Every module of sigcnn sits in its layer and imports only downward (issue 8, item 2); the import graph
has no cycle, no experiment imports a sibling experiment, and no library module reads the book (issue 24).

Layers, lowest first::

    signals                     pure maths on arrays and tensors; imports nothing else from sigcnn
    foundation                  the package root, runtime, results, provenance (usable by all but signals)
    data -> models -> probes -> experiments -> plots / widgets -> report / book / cli

A module may import its own layer, any lower layer, ``signals`` and the foundation, never a
higher layer; ``plots`` and ``widgets`` never import ``experiments``. The imports are read with
``ast`` from the source files (every ``import``, including those inside functions), so the test
needs neither the data nor the optional packages.
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "sigcnn"

LAYERS = {
    "signals": 0,
    "foundation": 1,
    "data": 2,
    "models": 3,
    "probes": 4,
    "experiments": 5,
    "plots": 6,
    "widgets": 6,
    "frontends": 7,
}
# Top-level modules and packages of sigcnn -> layer. A new top-level module must be added here.
PLACES = {
    "sigcnn": "foundation",
    "sigcnn.core": "foundation",
    "sigcnn.verdicts": "foundation",
    "sigcnn.signals": "signals",
    "sigcnn.data": "data",
    "sigcnn.models": "models",
    "sigcnn.probes": "probes",
    "sigcnn.experiments": "experiments",
    "sigcnn.lenses": "experiments",
    "sigcnn.plots": "plots",
    "sigcnn.widgets": "widgets",
    "sigcnn.report": "frontends",
    "sigcnn.book": "frontends",
    "sigcnn.cli": "frontends",
    "sigcnn.reference": "frontends",
    "sigcnn.course": "frontends",
    "sigcnn.inspect": "frontends",
}
# Modules and names that are being moved into their layer (issue 8, item 2). Until they move they
# are layered where they belong; the lead empties this table once the moves are merged.
EXPECTED_TO_MOVE: dict[str, tuple[str, str]] = {}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@functools.cache
def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def sigcnn_imports(name: str, path: Path) -> set[str]:
    """The sigcnn modules that ``name`` imports (absolute and relative, at any depth)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "sigcnn"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "sigcnn":
                continue
            found.add(target)
            # `from sigcnn import experiments` / `from . import book` import a submodule
            found |= {f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in modules()}
    return found


def layer_of(name: str) -> str:
    """The layer of a module: its entry in EXPECTED_TO_MOVE or PLACES (longest matching prefix)."""
    if name in EXPECTED_TO_MOVE:
        return EXPECTED_TO_MOVE[name][0]
    for prefix in sorted(PLACES, key=len, reverse=True):
        if name == prefix or name.startswith(prefix + "."):
            if prefix == "sigcnn" and name != "sigcnn":
                break
            return PLACES[prefix]
    raise KeyError(name)


def test_every_module_has_a_layer():
    unplaced = []
    for name in modules():
        try:
            layer_of(name)
        except KeyError:
            unplaced.append(name)
    assert not unplaced, f"modules without a layer (add them to PLACES in {Path(__file__).name}): {unplaced}"


def violations(name: str, targets: set[str]) -> list[str]:
    """The imports of module ``name`` that break a layering rule, each with the rule."""
    own = layer_of(name)
    wrong = []
    for target in sorted(targets):
        if target not in modules():  # e.g. `import sigcnn.data.store` also names sigcnn.data
            continue
        layer = layer_of(target)
        if own == "signals" and layer != "signals":
            wrong.append(f"{target} (signals imports nothing else from sigcnn)")
        elif own in ("plots", "widgets") and layer == "experiments":
            wrong.append(f"{target} (plots and widgets never import experiments)")
        elif LAYERS[layer] > LAYERS[own]:
            wrong.append(f"{target} ({layer} is above {own})")
    return wrong


@pytest.mark.parametrize("name", sorted(modules()))
def test_imports_go_downward(name):
    wrong = violations(name, sigcnn_imports(name, modules()[name]))
    assert not wrong, f"{name} ({layer_of(name)}) imports upward: {wrong}"


def test_the_rules_catch_violations(tmp_path):
    """The checker itself, on a scratch file and on hand-written import sets."""
    scratch = tmp_path / "sigcnn" / "signals" / "sphere.py"
    scratch.parent.mkdir(parents=True)
    scratch.write_text("from ..experiments import run\nfrom sigcnn.core.runtime import set_seed\nimport numpy\n")
    found = sigcnn_imports("sigcnn.signals.sphere", scratch)
    assert found == {"sigcnn.experiments", "sigcnn.core.runtime"}
    assert len(violations("sigcnn.signals.sphere", found)) == 2  # even the foundation is off-limits
    assert violations("sigcnn.plots.recos", {"sigcnn.experiments"})
    assert violations("sigcnn.data.images", {"sigcnn.models"})
    assert violations("sigcnn.probes.anchors", {"sigcnn.experiments.recos_sphere"})
    assert not violations("sigcnn.experiments.recos_sphere", {"sigcnn.probes.anchors", "sigcnn.signals.sphere"})
    assert not violations("sigcnn.widgets.modulation", {"sigcnn.plots.modulation", "sigcnn.signals.spectra"})


# --------------------------------------------------------------------------------------------------
# The import graph (issue 24): no cycle, no sibling-experiment import, no library read of book files.
#
# The graph has one edge per imported sigcnn module, at module level and inside functions alike
# (``if TYPE_CHECKING:`` blocks are left out: they never run). ``from pkg import sub`` is an edge to
# the submodule ``pkg.sub``; ``from pkg import name`` to ``pkg``; importing ``a.b.c`` also runs the
# package ``a.b`` (an edge to it), except from inside ``a.b`` itself, which is already importing.


@dataclass(frozen=True)
class Edge:
    """One import: who imports what, where, whether inside a function, and its ``# cycle:`` reason."""

    source: str
    target: str
    line: int
    local: bool
    reason: str


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def import_edges(name: str, path: Path, known: set[str] | None = None) -> list[Edge]:
    """The sigcnn imports of module ``name`` (source file ``path``) as edges of the import graph.

    ``known``: the module names of the package (default: those of ``src/sigcnn``).
    """
    known = set(modules()) if known is None else known
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    text = path.read_text()
    lines = text.splitlines()
    out: list[Edge] = []

    def reason(node: ast.stmt) -> str:
        for line in lines[node.lineno - 1 : (node.end_lineno or node.lineno)]:
            if "# cycle:" in line:
                return line.split("# cycle:", 1)[1].strip()
        return ""

    def add(target: str, node: ast.stmt, local: bool) -> None:
        parts = target.split(".")
        targets = [target] + [
            ".".join(parts[:k])
            for k in range(1, len(parts))
            if not (name == ".".join(parts[:k]) or name.startswith(".".join(parts[:k]) + "."))
        ]
        for t in targets:
            if t in known and t != name:
                out.append(Edge(name, t, node.lineno, local, reason(node)))

    def visit(node: ast.AST, local: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if _is_type_checking(child):
                continue
            inner = local or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name.split(".")[0] == "sigcnn":
                        add(alias.name, child, inner)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")
                    base = base[: len(base) - child.level + 1]
                    target = ".".join(base + ([child.module] if child.module else []))
                else:
                    target = child.module or ""
                if target.split(".")[0] == "sigcnn":
                    for alias in child.names:
                        sub = f"{target}.{alias.name}"
                        add(sub if sub in known else target, child, inner)
            visit(child, inner)

    visit(ast.parse(text), False)
    return out


def strongly_connected(graph: dict[str, list[Edge]]) -> list[set[str]]:
    """The strongly connected components of ``graph`` with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            for edge in edges:
                w = edge.target
                if w not in graph:
                    continue
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(graph[w])))
                    break
                if w in on_stack:
                    low[node] = min(low[node], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        component.add(w)
                        if w == node:
                            break
                    if len(component) > 1:
                        found.append(component)
    return found


def cycle_problems(graph: dict[str, list[Edge]]) -> list[str]:
    """Every import cycle that breaks the rule, in words.

    The rule: a cycle is allowed only when the module-level imports alone make none (a function-local
    import breaks it) and every function-local import inside it carries a ``# cycle:`` reason on its
    line. Simplest, and today's state: no cycle at all.
    """
    problems = []
    for component in strongly_connected(graph):
        inside = {m: [e for e in graph[m] if e.target in component] for m in component}
        at_top = {m: [e for e in es if not e.local] for m, es in inside.items()}
        shown = ", ".join(f"{e.source} -> {e.target} (line {e.line})" for es in inside.values() for e in es)
        if strongly_connected(at_top):
            problems.append(f"module-level import cycle among {sorted(component)}: {shown}")
            continue
        unexplained = [e for es in inside.values() for e in es if e.local and not e.reason]
        if unexplained:
            where = ", ".join(f"{e.source} -> {e.target} (line {e.line})" for e in unexplained)
            problems.append(
                f"import cycle among {sorted(component)} broken by function-local imports without a "
                f"'# cycle:' reason: {where}"
            )
    return problems


def package_graph() -> dict[str, list[Edge]]:
    return {name: import_edges(name, path) for name, path in modules().items()}


def test_no_import_cycle():
    problems = cycle_problems(package_graph())
    assert not problems, "\n".join(problems)


def _scratch_package(tmp_path: Path, files: dict[str, str]) -> dict[str, list[Edge]]:
    """A throw-away package ``sigcnn`` under ``tmp_path`` holding ``files`` (module name -> source)."""
    paths = {}
    for name, source in files.items():
        parts = name.split(".")
        is_package = any(other.startswith(name + ".") for other in files)
        path = (
            tmp_path.joinpath(*parts, "__init__.py")
            if is_package
            else tmp_path.joinpath(*parts[:-1], parts[-1] + ".py")
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
        paths[name] = path
    return {name: import_edges(name, path, set(files)) for name, path in paths.items()}


def test_the_cycle_check_catches_a_planted_cycle(tmp_path):
    files = {
        "sigcnn": "",
        "sigcnn.data": "from .images import load\n",
        "sigcnn.data.images": "def load():\n    return 1\n",
        "sigcnn.data.flowers": "from . import images\n",
    }
    # a package importing its submodules is no cycle
    assert cycle_problems(_scratch_package(tmp_path / "ok", files)) == []
    # images <-> flowers at module level: refused
    files["sigcnn.data.images"] = "from .flowers import x\n"
    problems = cycle_problems(_scratch_package(tmp_path / "top", files))
    assert len(problems) == 1 and "module-level import cycle" in problems[0] and "sigcnn.data.flowers" in problems[0]
    # broken by a function-local import without a reason: refused, naming the import
    files["sigcnn.data.images"] = "def load():\n    from .flowers import x\n    return x\n"
    problems = cycle_problems(_scratch_package(tmp_path / "local", files))
    assert len(problems) == 1 and "sigcnn.data.images -> sigcnn.data.flowers (line 2)" in problems[0]
    # with its one-line reason: allowed
    files["sigcnn.data.images"] = "def load():\n    from .flowers import x  # cycle: flowers registers itself here\n"
    assert cycle_problems(_scratch_package(tmp_path / "why", files)) == []
    # a cycle through a package's __init__ (importing a.b.c runs a.b): refused
    files["sigcnn.data.images"] = "def load():\n    return 1\n"
    files["sigcnn.models"] = "from sigcnn.data.flowers import x\n"
    files["sigcnn.data.flowers"] = "from . import images\n"
    files["sigcnn.data"] = "from .images import load\nfrom sigcnn.models import net\n"
    problems = cycle_problems(_scratch_package(tmp_path / "init", files))
    assert len(problems) == 1 and "sigcnn.models -> sigcnn.data " in problems[0]
    # an import only for type checking never runs: no cycle
    files["sigcnn.data"] = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from sigcnn.models import net\n"
    assert cycle_problems(_scratch_package(tmp_path / "typing", files)) == []


def sibling_experiment_imports(graph: dict[str, list[Edge]]) -> list[str]:
    """Imports of one experiment module by another module of ``sigcnn.experiments`` (shared code
    lives in a ``_``-prefixed helper there, or in a lower layer); the package itself (the registry)
    may import them."""
    prefix = "sigcnn.experiments."
    wrong = []
    for source, edges in graph.items():
        if not source.startswith(prefix):
            continue
        for e in edges:
            leaf = e.target.removeprefix(prefix)
            if e.target.startswith(prefix) and "." not in leaf and not leaf.startswith("_"):
                wrong.append(f"{source} imports {e.target} (line {e.line})")
    return sorted(set(wrong))


def test_no_experiment_imports_a_sibling_experiment_in_the_graph():
    wrong = sibling_experiment_imports(package_graph())
    assert not wrong, "\n".join(wrong)


def test_the_sibling_check_catches_a_planted_import(tmp_path):
    files = {
        "sigcnn": "",
        "sigcnn.experiments": "from . import toy_a, toy_b\n",
        "sigcnn.experiments._shared": "X = 1\n",
        "sigcnn.experiments.toy_a": "from ._shared import X\n",
        "sigcnn.experiments.toy_b": "def f():\n    from . import toy_a\n",
    }
    assert sibling_experiment_imports(_scratch_package(tmp_path, files)) == [
        "sigcnn.experiments.toy_b imports sigcnn.experiments.toy_a (line 2)"
    ]


BOOK_FILES = ("_toc.yml", "_config.yml")
"""Files of the book that name nothing but the book: any mention in code is a read of the book."""
BOOK_FOLDERS = ("book", "notebooks")
"""Folders of the book: a mention counts where the string is used as a path (joined with ``/``,
handed to ``Path``/``open``/``glob``)."""
PATH_CALLS = {"Path", "PurePath", "open", "joinpath", "join", "glob", "rglob", "read_text", "read_bytes", "exists"}
BOOK_READERS = {
    "sigcnn.course": "a frontend tool run in the repository: it copies the notebooks and pages for "
    "students (`python -m sigcnn.course`), so it reads `notebooks/` and `book/` by design",
    "sigcnn.report": "the report page's paper labels come from `book/references.bib` (falls back to the "
    "citation key when the file is absent, as in an installed wheel)",
}
"""The modules that may read the book's files, and why. Everything else (the library: experiments,
data, models, plots, …; and the other frontends) must not: an installed wheel has no book."""


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string constants that are docstrings or bare string statements (attribute docs)."""
    return {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    }


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def book_reads(path: Path) -> list[str]:
    """The string constants of source file ``path`` that name the book's files in a path context."""
    tree = ast.parse(path.read_text())
    parents = {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    docs = _docstrings(tree)
    folder = re.compile(r"(^|/)(" + "|".join(BOOK_FOLDERS) + r")(/|$)")
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) or id(node) in docs:
            continue
        text = node.value
        parent = parents.get(id(node))
        while isinstance(parent, (ast.JoinedStr, ast.FormattedValue)):
            parent = parents.get(id(parent))
        if any(name in text for name in BOOK_FILES):
            found.append(f"line {node.lineno}: {text!r}")
        elif folder.search(text) and (
            (isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Div))
            or (isinstance(parent, ast.Call) and _call_name(parent) in PATH_CALLS)
        ):
            found.append(f"line {node.lineno}: {text!r} used as a path")
    return found


def test_no_library_module_reads_the_book():
    wrong = {
        name: reads for name, path in modules().items() if name not in BOOK_READERS and (reads := book_reads(path))
    }
    assert not wrong, f"modules reading the book's files (the library must work without the book): {wrong}"
    for name in BOOK_READERS:  # the allowance is still needed (else remove it)
        assert name in modules() and book_reads(modules()[name]), f"{name} no longer reads the book: drop it"


def test_the_book_check_catches_a_planted_read(tmp_path):
    scratch = tmp_path / "order.py"
    scratch.write_text(
        '"""Ordered as in ``_toc.yml`` (a docstring: no read)."""\n'
        "from pathlib import Path\n"
        'ROOT = Path(__file__).parents[2] / "book"\n'
        'TOC = ROOT / "_toc.yml"\n'
        'PAGE = Path("notebooks/recos_sphere.ipynb")\n'
        'LINK = dict(notebook="notebooks/recos_sphere")  # metadata naming a page: no read\n'
        'SAID = f"see book/{1}"  # words: no read\n'
    )
    reads = book_reads(scratch)
    assert [r.split(":")[0] for r in reads] == ["line 3", "line 4", "line 5"]
